"""examples/photo-gallery through `fogbank up`, driven as its README drives it with curl and as
a browser would: ask the API for an upload form, POST a real photo to the bucket with it,
wait for the thumbnail the upload's notification makes (Pillow, installed from the function's
requirements.txt), then read the table, the listing and the thumbnail through its URL."""
from __future__ import annotations

import io
import shutil
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator
from xml.etree import ElementTree

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError
from PIL import Image

from fogbank.testing import RunningNode

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo-gallery"
# The first deploy installs Pillow for the thumbnail function; the first upload cold-starts it.
DEPLOY_TIMEOUT_S = 300
DELIVERY_TIMEOUT_S = 90
# How long a thumbnail written under thumbnails/ is given to (wrongly) run the function again.
LOOP_GRACE_S = 3
THUMBNAIL_SIZE = 200                       # the template's ThumbnailSize default
ORIGIN = "http://gallery.localhost:8000"   # a page served from somewhere else

pytestmark = pytest.mark.timeout(DEPLOY_TIMEOUT_S + 2 * DELIVERY_TIMEOUT_S)


class Gallery:
    """The running app: its API's URL and clients of the node it runs on."""

    def __init__(self, node: RunningNode, info: dict[str, Any]) -> None:
        self.node = node
        self.api = info["apis"]["GalleryApi"].rstrip("/")
        self.bucket = info["outputs"]["PhotosBucketName"]
        self.table = info["outputs"]["PhotosTableName"]
        self.s3 = boto3.client("s3", **node.client_kwargs())
        self.dynamodb = boto3.client("dynamodb", **node.client_kwargs())

    def upload_form(self, filename: str) -> dict[str, Any]:
        r = httpx.post(f"{self.api}/uploads", json={"filename": filename}, timeout=60)
        assert r.status_code == 201, r.text
        return r.json()

    def photos(self, **headers: str) -> httpx.Response:
        r = httpx.get(f"{self.api}/photos", headers=headers, timeout=60)
        assert r.status_code == 200, r.text
        return r

    def row(self, photo_id: str) -> dict[str, Any] | None:
        return self.dynamodb.get_item(TableName=self.table,
                                      Key={"photoId": {"S": photo_id}}).get("Item")

    def logs(self) -> str:
        """The thumbnail function's logs, as `fogbank logs ThumbnailFunction` prints them."""
        return self.node.logs("ThumbnailFunction")

    def run_on(self, key: str) -> str:
        """The thumbnail function's log lines for its run on `key`, once that run has ended."""
        deadline = time.monotonic() + DELIVERY_TIMEOUT_S
        while True:
            logs = self.logs()
            start = logs.find(f"making a thumbnail of {key}\n")
            end = logs.find("\nEND RequestId", start)
            if start >= 0 and end >= 0:
                return logs[start:end]
            assert time.monotonic() < deadline, f"no run on {key} ended:\n{logs[-3000:]}"
            time.sleep(0.2)

    def exists(self, key: str) -> bool:
        try:
            self.s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as e:
            assert e.response["Error"]["Code"] == "404"
            return False
        return True


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gallery]:
    app = tmp_path_factory.mktemp("gallery") / "photo-gallery"
    shutil.copytree(EXAMPLE, app, ignore=shutil.ignore_patterns(".fogbank", "__pycache__"))
    node = RunningNode(app, "--no-watch")
    try:
        yield Gallery(node, node.wait_ready(timeout=DEPLOY_TIMEOUT_S))
    finally:
        node.stop()


def image_bytes(size: tuple[int, int], mode: str, fmt: str) -> bytes:
    """A photo-like picture: a gradient, so the encoder has real work to do."""
    image = Image.new(mode, size)
    width, height = size
    image.putdata([(255 * x // width, 255 * y // height, 128, 200)[:len(mode)]
                   for y in range(height) for x in range(width)])
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def post_form(form: dict[str, Any], content: bytes, filename: str, content_type: str,
              headers: dict[str, str] | None = None, **overrides: str) -> httpx.Response:
    """The form POST a browser makes: the form's fields, then the file, as multipart."""
    return httpx.post(form["url"], data={**form["fields"], **overrides},
                      files={"file": (filename, content, content_type)},
                      headers=headers, timeout=60)


def s3_error(response: httpx.Response) -> ElementTree.Element:
    """The <Error> document S3 answers a refused request with."""
    assert response.headers["content-type"] == "application/xml", response.text
    return ElementTree.fromstring(response.content)


@pytest.mark.parametrize(("filename", "mode", "fmt", "size", "extension", "content_type"), [
    ("beach.png", "RGBA", "PNG", (640, 480), ".png", "image/png"),
    ("Portrait.JPEG", "RGB", "JPEG", (480, 640), ".jpg", "image/jpeg"),
])
def test_an_uploaded_photo_gets_a_thumbnail_a_row_and_a_place_in_the_listing(
        gallery: Gallery, filename: str, mode: str, fmt: str, size: tuple[int, int],
        extension: str, content_type: str) -> None:
    form = gallery.upload_form(filename)
    photo_id, key = form["photoId"], form["key"]
    assert key == f"uploads/{photo_id}{extension}"
    assert form["url"] == f"{gallery.node.url}/{gallery.bucket}"
    assert form["fields"]["key"] == key and form["fields"]["Content-Type"] == content_type

    photo = image_bytes(size, mode, fmt)
    uploaded = post_form(form, photo, filename, content_type, headers={"Origin": ORIGIN})
    assert uploaded.status_code == 204, uploaded.text
    assert uploaded.headers["access-control-allow-origin"] == "*"   # fetch() may read it
    stored = gallery.s3.get_object(Bucket=gallery.bucket, Key=key)
    assert stored["ContentType"] == content_type and stored["Body"].read() == photo

    thumbnail_key = f"thumbnails/{photo_id}.jpg"
    run = gallery.run_on(key)
    assert "[ERROR]" not in run
    assert f"{key} is {size[0]}x{size[1]}; its thumbnail is {thumbnail_key}" in run

    row = gallery.row(photo_id)
    assert row is not None
    uploaded_at = row.pop("uploadedAt")["S"]
    assert abs(datetime.now(timezone.utc) - datetime.fromisoformat(uploaded_at.replace(
        "Z", "+00:00"))) < timedelta(minutes=2)
    assert row == {"photoId": {"S": photo_id}, "key": {"S": key},
                   "size": {"N": str(len(photo))}, "width": {"N": str(size[0])},
                   "height": {"N": str(size[1])}, "thumbnailKey": {"S": thumbnail_key}}

    thumbnail = gallery.s3.get_object(Bucket=gallery.bucket, Key=thumbnail_key)
    assert thumbnail["ContentType"] == "image/jpeg"
    thumbnail_bytes = thumbnail["Body"].read()
    with Image.open(io.BytesIO(thumbnail_bytes)) as small:
        # Fits in the square, aspect ratio kept: 640x480 → 200x150, 480x640 → 150x200.
        assert small.format == "JPEG"
        assert small.size == tuple(THUMBNAIL_SIZE * side // max(size) for side in size)

    listing = gallery.photos(Origin=ORIGIN)
    assert listing.headers["access-control-allow-origin"] == "*"
    newest = listing.json()["photos"][0]                     # newest first
    assert newest.pop("thumbnailUrl").startswith(f"{gallery.node.url}/{gallery.bucket}/"
                                                 f"{thumbnail_key}?")
    assert newest == {"photoId": photo_id, "key": key, "size": len(photo), "width": size[0],
                      "height": size[1], "thumbnailKey": thumbnail_key,
                      "uploadedAt": uploaded_at}

    # The thumbnail through its presigned URL, with no credentials, as an <img> loads it.
    url = listing.json()["photos"][0]["thumbnailUrl"]
    fetched = httpx.get(url, timeout=60)
    assert fetched.status_code == 200, (url, fetched.text)
    assert fetched.headers["content-type"] == "image/jpeg" and fetched.content == thumbnail_bytes

    # The thumbnail went into the same bucket, but outside the notification's prefix.
    time.sleep(LOOP_GRACE_S)
    logs = gallery.logs()
    assert logs.count(f"making a thumbnail of {key}\n") == 1
    assert "making a thumbnail of thumbnails/" not in logs


def test_an_upload_that_is_not_an_image_fails_the_function_and_writes_no_row(
        gallery: Gallery) -> None:
    form = gallery.upload_form("holiday.jpg")
    photo_id, key = form["photoId"], form["key"]
    uploaded = post_form(form, b"this is not a JPEG", "holiday.jpg", "image/jpeg")
    assert uploaded.status_code == 204, uploaded.text      # S3 takes any bytes

    assert "[ERROR] UnidentifiedImageError: cannot identify image file" in gallery.run_on(key)
    assert gallery.row(photo_id) is None
    assert not gallery.exists(f"thumbnails/{photo_id}.jpg")
    assert photo_id not in {p["photoId"] for p in gallery.photos().json()["photos"]}


def test_an_oversize_upload_is_refused_by_the_form(gallery: Gallery) -> None:
    form = gallery.upload_form("huge.png")
    too_big = form["maxBytes"] + 1
    refused = post_form(form, b"\0" * too_big, "huge.png", "image/png")
    assert refused.status_code == 400
    error = s3_error(refused)
    assert error.findtext("Code") == "EntityTooLarge"
    assert error.findtext("Message") == "Your proposed upload exceeds the maximum allowed size"
    assert error.findtext("MaxSizeAllowed") == str(form["maxBytes"])
    assert not gallery.exists(form["key"])


@pytest.mark.parametrize(("field", "value"), [
    ("key", "thumbnails/someone-elses.jpg"),    # overwrite another photo's thumbnail
    ("Content-Type", "text/html"),              # serve a page from the bucket
])
def test_the_form_fixes_the_key_and_the_content_type(
        gallery: Gallery, field: str, value: str) -> None:
    form = gallery.upload_form("beach.png")
    photo = image_bytes((8, 8), "RGB", "PNG")
    refused = post_form(form, photo, "beach.png", "image/png", **{field: value})
    assert refused.status_code == 403
    expected = form["key"] if field == "key" else "image/png"
    error = s3_error(refused)
    assert error.findtext("Code") == "AccessDenied"
    assert error.findtext("Message") == ("Invalid according to Policy: Policy Condition "
                                         f'failed: ["eq", "${field}", "{expected}"]')
    assert not gallery.exists(form["key"]) and not gallery.exists(value)


NOT_A_REQUEST = 'The body must be JSON naming the photo: {"filename": "beach.jpg"}'


@pytest.mark.parametrize(("body", "message"), [
    (b"", NOT_A_REQUEST),
    (b"beach.jpg", NOT_A_REQUEST),
    (b'["beach.jpg"]', NOT_A_REQUEST),
    (b'{"name": "beach.jpg"}', NOT_A_REQUEST),
    (b'{"filename": ""}', NOT_A_REQUEST),
    (b'{"filename": 7}', NOT_A_REQUEST),
    (b'{"filename": "notes.txt"}', "notes.txt is not a JPEG or PNG file name (.jpg, .jpeg or .png)"),
    (b'{"filename": "beach"}', "beach is not a JPEG or PNG file name (.jpg, .jpeg or .png)"),
])
def test_an_upload_form_is_only_given_for_a_jpeg_or_png(
        gallery: Gallery, body: bytes, message: str) -> None:
    r = httpx.post(f"{gallery.api}/uploads", content=body,
                   headers={"content-type": "application/json"}, timeout=60)
    assert r.status_code == 400
    assert r.json() == {"message": message}


def test_a_page_on_another_origin_may_ask_for_a_form_and_upload(gallery: Gallery) -> None:
    """The preflights a browser sends before fetch() with a JSON body, and before a
    cross-origin POST to the bucket."""
    asked = httpx.options(f"{gallery.api}/uploads", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"}, timeout=60)
    assert asked.status_code == 204
    assert asked.headers["access-control-allow-origin"] == "*"
    assert "POST" in asked.headers["access-control-allow-methods"].split(",")
    assert asked.headers["access-control-allow-headers"] == "content-type"

    form = gallery.upload_form("beach.jpg")
    preflight = httpx.options(form["url"], headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST"}, timeout=60)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in [m.strip() for m in preflight.headers["access-control-allow-methods"].split(",")]
