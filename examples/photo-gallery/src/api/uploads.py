"""POST /uploads {"filename": "beach.jpg"} → a presigned POST form for one photo.

The browser sends the photo straight to the bucket with the form, so the photo never passes
through the API. The form fixes the key (uploads/<photoId>.<ext>), the Content-Type and the
size range; S3 refuses an upload that breaks any of them.
"""
import base64
import json
import os
import uuid

from presigning import presigner
from responses import bad_request, json_response

BUCKET = os.environ["PHOTOS_BUCKET"]
MAX_UPLOAD_BYTES = int(os.environ["MAX_UPLOAD_BYTES"])
FORM_EXPIRES_S = 300
# The file name's extension → the key's extension and the Content-Type the form demands.
# The thumbnail function's notifications filter on these same suffixes.
IMAGE_TYPES = {".jpg": (".jpg", "image/jpeg"), ".jpeg": (".jpg", "image/jpeg"),
               ".png": (".png", "image/png")}


def requested_filename(event):
    """The filename the request names, or None when the body is not {"filename": "…"}."""
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    try:
        request = json.loads(body)
    except ValueError:
        return None
    filename = request.get("filename") if isinstance(request, dict) else None
    return filename if isinstance(filename, str) and filename else None


def handler(event, context):
    filename = requested_filename(event)
    if filename is None:
        return bad_request('The body must be JSON naming the photo: {"filename": "beach.jpg"}')
    extension = os.path.splitext(filename)[1].lower()
    if extension not in IMAGE_TYPES:
        return bad_request(f"{filename} is not a JPEG or PNG file name "
                           "(.jpg, .jpeg or .png)")
    key_extension, content_type = IMAGE_TYPES[extension]
    photo_id = uuid.uuid4().hex
    key = f"uploads/{photo_id}{key_extension}"
    form = presigner.generate_presigned_post(
        BUCKET, key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type},
                    ["content-length-range", 1, MAX_UPLOAD_BYTES]],
        ExpiresIn=FORM_EXPIRES_S)
    return json_response(201, {"photoId": photo_id, "key": key, "url": form["url"],
                               "fields": form["fields"], "maxBytes": MAX_UPLOAD_BYTES,
                               "expiresIn": FORM_EXPIRES_S})
