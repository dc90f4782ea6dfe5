"""Static website hosting through WebsiteApp, as a browser or curl sees it."""
from __future__ import annotations

import json

import httpx
import pytest

from fogbank.gateway.website import WebsiteApp, is_website_request, website_url
from fogbank.objects import BucketConfig, ContentHeaders

pytestmark = pytest.mark.anyio
SITE = "site"
# Anyone may also list the site, so that a missing page is a 404 (without s3:ListBucket, S3
# answers it as a 403).
PUBLIC = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
    "Resource": f"arn:aws:s3:::{SITE}/*"}, {
    "Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket",
    "Resource": f"arn:aws:s3:::{SITE}"}]})
HTML = ContentHeaders(content_type="text/html")


@pytest.fixture
async def site(engine, s3):
    await engine.buckets.create(SITE)
    # A new bucket blocks public policies; a public website turns that off.
    await engine.configs.put(SITE, BucketConfig.PUBLIC_ACCESS_BLOCK, {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False})
    await engine.configs.put(SITE, BucketConfig.POLICY, PUBLIC)
    await engine.configs.put(SITE, BucketConfig.WEBSITE, {
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "404.html"}})
    await s3.put(SITE, "index.html", b"<h1>home</h1>", headers=HTML)
    await s3.put(SITE, "docs/index.html", b"<h1>docs</h1>", headers=HTML)
    await s3.put(SITE, "404.html", b"<h1>lost</h1>", headers=HTML)
    await s3.put(SITE, "app.css", b"body{}", headers=ContentHeaders(content_type="text/css"))
    return SITE


@pytest.fixture
async def browser(engine):
    transport = httpx.ASGITransport(app=WebsiteApp(engine))
    async with httpx.AsyncClient(transport=transport,
                                 base_url=website_url(SITE, "http://127.0.0.1:4566")) as client:
        yield client


def test_addresses():
    assert website_url("my.site", "http://127.0.0.1:4566") == \
        "http://my.site.s3-website.localhost:4566"
    scope = {"type": "http", "path": "/", "headers": [(b"host", b"a.s3-website.localhost:1")]}
    assert is_website_request(scope)
    assert is_website_request({"type": "http", "path": "/_aws/s3-website/a/x", "headers": []})
    assert not is_website_request({"type": "http", "path": "/a",
                                   "headers": [(b"host", b"localhost:4566")]})


async def test_index_documents(site, browser):
    home = await browser.get("/")
    assert home.status_code == 200 and home.text == "<h1>home</h1>"
    assert home.headers["content-type"] == "text/html"
    assert (await browser.get("/docs/")).text == "<h1>docs</h1>"


async def test_folder_without_slash_redirects(site, browser):
    response = await browser.get("/docs")
    assert response.status_code == 302 and response.headers["location"] == "/docs/"


async def test_content_types_and_etag(site, browser):
    css = await browser.get("/app.css")
    assert css.headers["content-type"] == "text/css" and css.headers["etag"].startswith('"')
    again = await browser.get("/app.css", headers={"if-none-match": css.headers["etag"]})
    assert again.status_code == 304


async def test_error_document_with_404(site, browser):
    response = await browser.get("/missing/page")
    assert response.status_code == 404 and response.text == "<h1>lost</h1>"


async def test_default_error_page_without_error_document(engine, site, browser):
    await engine.configs.put(SITE, BucketConfig.WEBSITE, {"IndexDocument": {"Suffix": "index.html"}})
    response = await browser.get("/missing")
    assert response.status_code == 404
    assert "<li>Code: NoSuchKey</li>" in response.text
    assert response.headers["content-type"].startswith("text/html")


async def test_a_missing_error_document_is_reported_below_the_error(engine, site, browser):
    # S3's page, as recorded: the error, then why the custom error document was not served.
    await engine.configs.put(SITE, BucketConfig.WEBSITE, {
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}})
    response = await browser.get("/nothing-here")
    assert response.status_code == 404
    request_id = response.text.split("<li>RequestId: ", 1)[1].split("</li>", 1)[0]
    assert response.text == (
        "<html>\n<head><title>404 Not Found</title></head>\n<body>\n<h1>404 Not Found</h1>\n"
        "<ul>\n<li>Code: NoSuchKey</li>\n<li>Message: The specified key does not exist.</li>\n"
        f"<li>Key: nothing-here</li>\n<li>RequestId: {request_id}</li>\n"
        f"<li>HostId: {request_id}</li>\n</ul>\n"
        "<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n"
        "<ul>\n<li>Code: NoSuchKey</li>\n<li>Message: The specified key does not exist.</li>\n"
        "<li>Key: error.html</li>\n</ul>\n<hr/>\n</body>\n</html>\n")


async def test_private_bucket_is_403(engine, site, browser):
    await engine.configs.delete(SITE, BucketConfig.POLICY)
    await engine.configs.put(SITE, BucketConfig.WEBSITE, {"IndexDocument": {"Suffix": "index.html"}})
    response = await browser.get("/")
    assert response.status_code == 403 and "AccessDenied" in response.text


async def test_no_website_configuration(engine, browser):
    await engine.buckets.create(SITE)
    response = await browser.get("/")
    assert response.status_code == 404 and "NoSuchWebsiteConfiguration" in response.text


async def test_missing_bucket(browser):
    response = await browser.get("/")
    assert response.status_code == 404 and "NoSuchBucket" in response.text


async def test_only_get_and_head(site, browser):
    assert (await browser.post("/", content=b"x")).status_code == 405
    head = await browser.head("/")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(b"<h1>home</h1>"))


async def test_redirect_all_requests(engine, site, browser):
    await engine.configs.put(SITE, BucketConfig.WEBSITE, {
        "RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "https"}})
    response = await browser.get("/a/b")
    assert response.status_code == 301
    assert response.headers["location"] == "https://example.com/a/b"


async def test_routing_rules(engine, site, browser):
    await engine.configs.put(SITE, BucketConfig.WEBSITE, {
        "IndexDocument": {"Suffix": "index.html"},
        "RoutingRules": [
            {"Condition": {"KeyPrefixEquals": "old/"},
             "Redirect": {"ReplaceKeyPrefixWith": "docs/"}},
            {"Condition": {"HttpErrorCodeReturnedEquals": "404"},
             "Redirect": {"HostName": "fallback.example", "ReplaceKeyWith": "missing.html",
                          "HttpRedirectCode": "302"}},
        ]})
    moved = await browser.get("/old/page.html")
    assert moved.status_code == 301
    assert moved.headers["location"] == \
        "http://site.s3-website.localhost:4566/docs/page.html"
    lost = await browser.get("/nothing")
    assert lost.status_code == 302
    assert lost.headers["location"] == "http://fallback.example/missing.html"


async def test_object_website_redirect_location(s3, site, browser):
    await s3.put(SITE, "go", b"", headers=ContentHeaders(website_redirect_location="/docs/"))
    response = await browser.get("/go")
    assert response.status_code == 301 and response.headers["location"] == "/docs/"


async def test_range_request(site, browser):
    response = await browser.get("/app.css", headers={"range": "bytes=0-3"})
    assert response.status_code == 206 and response.content == b"body"
    assert response.headers["content-range"] == "bytes 0-3/6"


async def test_path_style_address(site, engine):
    transport = httpx.ASGITransport(app=WebsiteApp(engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:4566") as c:
        response = await c.get(f"/_aws/s3-website/{SITE}/docs/")
    assert response.text == "<h1>docs</h1>"


async def test_unicode_and_encoded_keys(s3, site, browser):
    await s3.put(SITE, "ünï code.html", b"u", headers=HTML)
    response = await browser.get("/%C3%BCn%C3%AF%20code.html")
    assert response.status_code == 200 and response.text == "u"
