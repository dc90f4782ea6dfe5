"""An upload under uploads/ → a JPEG thumbnail under thumbnails/ and the photo's row.

The function runs on S3's notification, asynchronously: an upload that is not an image makes
it fail (Pillow cannot identify it), so no thumbnail and no row are written, and Lambda's
retries fail the same way. Running twice on the same upload writes the same thumbnail and row.
"""
import io
import os
from urllib.parse import unquote_plus

import boto3
from PIL import Image, ImageOps

s3 = boto3.client("s3")
table = boto3.resource("dynamodb").Table(os.environ["PHOTOS_TABLE"])
THUMBNAIL_SIZE = int(os.environ["THUMBNAIL_SIZE"])
UPLOADS = "uploads/"
THUMBNAILS = "thumbnails/"


def thumbnail_of(photo):
    """(JPEG bytes of the thumbnail, the photo's width and height as it is shown)."""
    with Image.open(io.BytesIO(photo)) as image:
        upright = ImageOps.exif_transpose(image)     # cameras store turned photos sideways
        size = upright.size
        small = upright.convert("RGB")               # JPEG has no alpha channel
        small.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    out = io.BytesIO()
    small.save(out, "JPEG", quality=85)
    return out.getvalue(), size


def handle_upload(record):
    bucket = record["s3"]["bucket"]["name"]
    key = unquote_plus(record["s3"]["object"]["key"])    # S3 sends keys URL-encoded
    print(f"making a thumbnail of {key}")
    photo_id = os.path.splitext(key[len(UPLOADS):])[0]
    photo = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    thumbnail, (width, height) = thumbnail_of(photo)
    thumbnail_key = f"{THUMBNAILS}{photo_id}.jpg"
    s3.put_object(Bucket=bucket, Key=thumbnail_key, Body=thumbnail, ContentType="image/jpeg")
    table.put_item(Item={
        "photoId": photo_id, "key": key, "size": len(photo), "width": width, "height": height,
        "thumbnailKey": thumbnail_key, "uploadedAt": record["eventTime"],
    })
    print(f"{key} is {width}x{height}; its thumbnail is {thumbnail_key}")


def handler(event, context):
    for record in event["Records"]:
        handle_upload(record)
