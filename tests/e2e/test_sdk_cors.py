"""CORS on the SDK endpoint: a page calls DynamoDB and Lambda from the browser, as with the
JavaScript SDK, and the node answers preflights as AWS's services do."""
from __future__ import annotations

from typing import Any, Iterator

import httpx
import pytest

from fogbank.testing import RunningNode, serving, write_empty_app
from tests.chat.conftest import CHROMIUM, CHROMIUM_FLAGS

SDK_HEADERS = "content-type,x-amz-target,authorization,x-amz-date,x-amz-user-agent"
SIGNED = {"Content-Type": "application/x-amz-json-1.0",
          "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/"
                           "aws4_request, SignedHeaders=host, Signature=" + "0" * 64,
          "X-Amz-Date": "20260101T000000Z", "X-Amz-Target": "DynamoDB_20120810.ListTables"}


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    with serving(write_empty_app(tmp_path_factory.mktemp("sdk-cors") / "app"),
                 "--no-watch") as running:
        running.wait_ready()
        yield running


def test_a_preflight_of_a_json_call_is_answered_as_aws_answers_it(node: RunningNode) -> None:
    r = httpx.options(node.url + "/", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": SDK_HEADERS})
    assert r.status_code == 200 and r.content == b""
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["access-control-allow-methods"] == "POST"
    assert r.headers["access-control-allow-headers"] == SDK_HEADERS
    assert r.headers["access-control-max-age"] == "172800"
    assert r.headers["access-control-expose-headers"] == \
        "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"
    assert r.headers["x-amzn-requestid"]


def test_a_lambda_invoke_preflight_too(node: RunningNode) -> None:
    r = httpx.options(node.url + "/2015-03-31/functions/any/invocations", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,x-amz-date,content-type"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"


def test_answers_to_a_browser_allow_it_and_others_carry_no_cors(node: RunningNode) -> None:
    from_page = httpx.post(node.url + "/", content=b"{}",
                           headers={**SIGNED, "Origin": "http://localhost:3000"})
    assert from_page.status_code == 200 and "TableNames" in from_page.json()
    assert from_page.headers["access-control-allow-origin"] == "*"
    assert "access-control-max-age" not in from_page.headers
    plain = httpx.post(node.url + "/", content=b"{}", headers=SIGNED)
    assert not [h for h in plain.headers if h.startswith("access-control-")]


def test_a_bucket_preflight_is_still_the_buckets_own(node: RunningNode) -> None:
    # S3 answers by the bucket's CORS rules: none here, so it refuses.
    r = httpx.options(node.url + "/some-bucket/key", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type"})
    assert r.headers["server"] == "AmazonS3"
    assert r.status_code in (403, 404)


def test_a_page_calls_dynamodb_from_the_browser(node: RunningNode) -> None:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "`make test` installs Debian's chromium"
    script = """async ([url, headers]) => {
        const r = await fetch(url + "/", {method: "POST", headers, body: "{}"});
        return [r.status, await r.text(), r.headers.get("x-amzn-requestid")];
    }"""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.set_content("<p>another origin</p>")
            status, text, request_id = page.evaluate(script, [node.url, SIGNED])
        finally:
            browser.close()
    assert status == 200 and '"TableNames"' in text
    assert request_id          # exposed to the page, as the SDK reads it
