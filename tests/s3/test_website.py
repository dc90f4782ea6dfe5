"""A website bucket declared in a SAM template (tests/s3/apps/website), served by `fogbank up`
and fetched as a browser or curl would: through its host name and through the path form."""
from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any, Iterator

import boto3
import httpx
import pytest

from fogbank.testing import RunningNode
from tests.s3.test_missing_keys import readable

APP = Path(__file__).resolve().parent / "apps" / "website"
PAGES = {"index.html": b"<h1>home</h1>", "docs/index.html": b"<h1>docs</h1>",
         "docs/guide.html": b"<h1>guide</h1>", "error.html": b"<h1>lost?</h1>",
         "style.css": b"h1 { color: teal }"}


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    app_dir = tmp_path_factory.mktemp("website") / "app"
    shutil.copytree(APP, app_dir)
    running = RunningNode(app_dir, "--no-watch")
    try:
        running.wait_ready()
        s3 = boto3.client("s3", **running.client_kwargs())
        for bucket in ("site", "private-site"):
            for key, body in PAGES.items():
                kind = "text/css" if key.endswith(".css") else "text/html"
                s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=kind)
        yield running
    finally:
        running.stop()


@pytest.fixture(params=["host", "path"])
def fetch(request: Any, node: RunningNode) -> Any:
    """GET/HEAD a path of a website bucket through the host form or the path form."""
    def send(bucket: str, path: str, method: str = "GET", **kwargs: Any) -> httpx.Response:
        if request.param == "host":
            headers = {"Host": f"{bucket}.s3-website.localhost:{node.port}",
                       **kwargs.pop("headers", {})}
            return httpx.request(method, node.url + path, headers=headers, **kwargs)
        return httpx.request(method, f"{node.url}/_aws/s3-website/{bucket}{path}", **kwargs)
    send.prefix = "" if request.param == "host" else "/_aws/s3-website/site"
    return send


def test_up_prints_the_website_url(node):
    url = f"http://site.s3-website.localhost:{node.port}"
    described = httpx.get(node.url + "/_fogbank/node").json()
    assert described["websites"] == {
        "Site": url, "Private": f"http://private-site.s3-website.localhost:{node.port}"}
    assert described["outputs"]["SiteURL"] == url
    printed = " ".join(node.output().split())
    assert f"website Site │ {url}" in printed


def test_root_serves_the_index_document(fetch):
    response = fetch("site", "/")
    assert response.status_code == 200 and response.content == b"<h1>home</h1>"
    assert response.headers["content-type"] == "text/html"
    assert response.headers["etag"].startswith('"')


def test_sub_folder_serves_its_index_document(fetch):
    response = fetch("site", "/docs/")
    assert response.status_code == 200 and response.content == b"<h1>docs</h1>"
    redirect = fetch("site", "/docs")
    assert redirect.status_code == 302
    assert redirect.headers["location"] == f"{fetch.prefix}/docs/"


def test_objects_are_served_with_their_content_type(fetch):
    response = fetch("site", "/style.css")
    assert response.status_code == 200 and response.content == b"h1 { color: teal }"
    assert response.headers["content-type"] == "text/css"
    assert fetch("site", "/docs/guide.html").content == b"<h1>guide</h1>"


def test_head_answers_without_a_body(fetch):
    response = fetch("site", "/", method="HEAD")
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-length"] == str(len(PAGES["index.html"]))


def test_missing_page_gives_the_error_document_with_403(fetch):
    # The site's policy lets anyone read objects but not list the bucket: S3 then answers a
    # missing page as a forbidden one, so that keys cannot be probed.
    response = fetch("site", "/no/such/page.html")
    assert response.status_code == 403 and response.content == b"<h1>lost?</h1>"
    assert response.headers["content-type"] == "text/html"


def website_bucket(node: RunningNode, name: str, *, listable: bool) -> str:
    """A website bucket without an error document whose policy lets anyone read its objects
    and, when `listable`, list it."""
    s3 = boto3.client("s3", **node.client_kwargs())
    s3.create_bucket(Bucket=name)
    s3.put_bucket_website(Bucket=name, WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}})
    readable(s3, name, listable=listable)
    s3.put_object(Bucket=name, Key="index.html", Body=b"<h1>hi</h1>", ContentType="text/html")
    return name


@pytest.mark.parametrize("listable, status, code", [(True, 404, b"NoSuchKey"),
                                                    (False, 403, b"AccessDenied")])
def test_a_missing_page_is_missing_only_where_anyone_may_list(fetch, node, listable, status,
                                                               code):
    site = website_bucket(node, f"site-{uuid.uuid4().hex[:8]}", listable=listable)
    assert fetch(site, "/").content == b"<h1>hi</h1>"
    response = fetch(site, "/no/such/page.html")
    assert response.status_code == status
    assert b"<li>Code: " + code + b"</li>" in response.content
    # Only a caller who may list the bucket learns which key is missing.
    assert (b"<li>Key: no/such/page.html</li>" in response.content) == listable
    head = fetch(site, "/no/such/page.html", method="HEAD")
    assert head.status_code == status and head.content == b""
    # A folder whose index document exists redirects to its slash form either way.
    boto3.client("s3", **node.client_kwargs()).put_object(
        Bucket=site, Key="docs/index.html", Body=b"<h1>docs</h1>", ContentType="text/html")
    folder = fetch(site, "/docs")
    assert folder.status_code == 302 and folder.headers["location"].endswith("/docs/")


def test_a_bucket_without_website_configuration(fetch, node):
    boto3.client("s3", **node.client_kwargs()).create_bucket(Bucket="plain-bucket")
    response = fetch("plain-bucket", "/")
    assert response.status_code == 404
    assert b"<li>Code: NoSuchWebsiteConfiguration</li>" in response.content
    assert b"<li>BucketName: plain-bucket</li>" in response.content


def test_a_missing_bucket(fetch):
    response = fetch("no-such-site", "/")
    assert response.status_code == 404
    assert b"<li>Code: NoSuchBucket</li>" in response.content


def test_only_get_and_head(fetch):
    response = fetch("site", "/index.html", method="POST", content=b"x")
    assert response.status_code == 405
    assert b"<li>Code: MethodNotAllowed</li>" in response.content


def test_range_and_conditional_requests(fetch):
    partial = fetch("site", "/style.css", headers={"Range": "bytes=0-1"})
    assert partial.status_code == 206 and partial.content == b"h1"
    whole = fetch("site", "/style.css")
    etag = whole.headers["etag"]
    unchanged = fetch("site", "/style.css", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    assert unchanged.headers["last-modified"] == whole.headers["last-modified"]


def test_a_restart_on_another_port_renews_the_website_url(tmp_path: Path) -> None:
    """Outputs built from the node's address follow it: the same app, restarted on a new
    port with the same state, prints URLs that work."""
    app_dir = tmp_path / "app"
    shutil.copytree(APP, app_dir)
    for run in ("first", "second"):
        node = RunningNode(app_dir, "--no-watch", log_path=tmp_path / f"{run}.log")
        try:
            info = node.wait_ready()
            assert info["outputs"]["SiteURL"].endswith(f":{node.port}")
            assert info["websites"]["Site"].endswith(f":{node.port}")
        finally:
            node.stop()
