"""GET /photos → every photo's metadata, newest first, each with a presigned GET URL of its
thumbnail (the bucket stays private; the URL lets the page show the image for an hour)."""
import os

import boto3

from presigning import presigner
from responses import json_response

table = boto3.resource("dynamodb").Table(os.environ["PHOTOS_TABLE"])
BUCKET = os.environ["PHOTOS_BUCKET"]
THUMBNAIL_URL_EXPIRES_S = 3600


def all_photos():
    # A gallery small enough to list whole; Scan answers at most 1 MB a page.
    page = table.scan()
    photos = page["Items"]
    while "LastEvaluatedKey" in page:
        page = table.scan(ExclusiveStartKey=page["LastEvaluatedKey"])
        photos += page["Items"]
    return photos


def handler(event, context):
    photos = sorted(all_photos(), key=lambda p: (p["uploadedAt"], p["photoId"]), reverse=True)
    for photo in photos:
        photo["thumbnailUrl"] = presigner.generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": photo["thumbnailKey"]},
            ExpiresIn=THUMBNAIL_URL_EXPIRES_S)
    return json_response(200, {"photos": photos})
