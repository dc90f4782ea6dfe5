"""Function URLs served by FunctionUrlApp over an in-process runtime: the payload-2.0 event
Lambda sends for a URL, its response mapping, CORS, AuthType AWS_IAM, and the answers for
requests that fail."""
from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.gateway.function_url_app import FunctionUrlApp
from fogbank.gateway.function_urls import (AWS_IAM, RESPONSE_STREAM, FunctionUrl,
                                           FunctionUrlRegistry, url_id_for)
from fogbank.gateway.model import Cors
from fogbank.types import InvokeResult, InvokeSource, NotPermitted, TooManyRequests

from .conftest import ACCOUNT, CLIENT_IP, NOW, FakeRuntime, Gateway, TimedOut

FORBIDDEN = {"Message": "Forbidden. For troubleshooting Function URL authorization issues, "
                        "see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}


class UrlRuntime(FakeRuntime):
    """The gateway's FakeRuntime, also taking the request id a URL invokes with."""

    def __init__(self, handlers: dict[str, Any]) -> None:
        super().__init__(handlers)
        self.request_ids: list[str | None] = []

    async def invoke(self, name: str, payload: bytes, *, trace_header: str | None = None,
                     wait_s: float | None = None, request_id: str | None = None,
                     source: InvokeSource | None = None) -> InvokeResult:
        self.request_ids.append(request_id)
        result = await super().invoke(name, payload, trace_header=trace_header, wait_s=wait_s,
                                      source=source)
        return InvokeResult(request_id or result.request_id, result.payload,
                            result.function_error, error_type=result.error_type)


class Urls(Gateway):
    """FunctionUrlApp over a registry and a fake runtime, called synchronously (as the
    gateway's own test client calls GatewayApp)."""

    def __init__(self, handler: Any, max_payload_bytes: int = 6 * 1024 * 1024, **url: Any
                 ) -> None:
        self.registry = FunctionUrlRegistry("http://127.0.0.1:4566")
        self.runtime = UrlRuntime({"fn": handler, "fn:live": handler})
        self.url = FunctionUrl(url_id_for("fn", url.get("qualifier"), ACCOUNT, "us-east-1"),
                               "fn", account_id=ACCOUNT, created=NOW,
                               **{"qualifier": None, **url})
        self.registry.put(self.url)
        self.app = FunctionUrlApp(self.registry, self.runtime.invoke, clock=lambda: NOW,
                                  max_payload_bytes=max_payload_bytes)

    def path(self, rest: str = "") -> str:
        return self.registry.path_url_for(self.url.url_id) + rest

    @property
    def event(self) -> dict:
        return self.runtime.event


def echo(event: dict, context: Any) -> dict:
    return {"statusCode": 200, "body": json.dumps(event)}


def test_url_ids_are_32_lowercase_alphanumerics_and_stable():
    first = url_id_for("orders", None, ACCOUNT, "us-east-1")
    assert len(first) == 32 and first.isalnum() and first == first.lower()
    assert first == url_id_for("orders", None, ACCOUNT, "us-east-1")
    assert first != url_id_for("orders", "live", ACCOUNT, "us-east-1")


def test_the_event_is_what_lambda_sends_for_a_url():
    urls = Urls(echo)
    r = urls.request("POST", urls.path("my/path?b=2&a=1&a=3"), content=b'{"x": 1}',
                     headers={"Content-Type": "application/json", "User-Agent": "curl/8.5.0",
                              "Cookie": "c1=v1; c2=v2", "X-Custom": "Yes"})
    assert r.status_code == 200
    event = urls.event
    assert json.loads(r.text) == event
    assert list(event) == ["version", "routeKey", "rawPath", "rawQueryString", "cookies",
                           "headers", "queryStringParameters", "requestContext", "body",
                           "isBase64Encoded"]
    assert event["version"] == "2.0" and event["routeKey"] == "$default"
    assert (event["rawPath"], event["rawQueryString"]) == ("/my/path", "b=2&a=1&a=3")
    assert event["cookies"] == ["c1=v1", "c2=v2"]
    assert event["queryStringParameters"] == {"a": "1,3", "b": "2"}
    assert event["body"] == '{"x": 1}' and event["isBase64Encoded"] is False
    headers = event["headers"]
    assert headers["x-custom"] == "Yes" and headers["user-agent"] == "curl/8.5.0"
    assert headers["x-forwarded-for"] == CLIENT_IP and headers["x-forwarded-proto"] == "http"
    assert "cookie" not in headers
    context = event["requestContext"]
    url_id = urls.url.url_id
    assert context == {
        "accountId": "anonymous", "apiId": url_id,
        "domainName": f"{url_id}.lambda-url.localhost", "domainPrefix": url_id,
        "http": {"method": "POST", "path": "/my/path", "protocol": "HTTP/1.1",
                 "sourceIp": CLIENT_IP, "userAgent": "curl/8.5.0"},
        "requestId": context["requestId"], "routeKey": "$default", "stage": "$default",
        "time": "14/Nov/2023:22:13:20 +0000", "timeEpoch": int(NOW * 1000)}
    # The event's request id is the invocation's, which the answer names.
    assert r.headers["x-amzn-requestid"] == context["requestId"] == urls.runtime.request_ids[0]
    assert r.headers["x-amzn-trace-id"] == headers["x-amzn-trace-id"]


def test_host_based_address_names_its_domain():
    urls = Urls(echo)
    url_id = urls.url.url_id
    r = urls.request("GET", "http://127.0.0.1:4566/items/1",
                     headers={"Host": f"{url_id}.lambda-url.us-east-1.on.aws"})
    assert r.status_code == 200
    context = urls.event["requestContext"]
    assert context["domainName"] == f"{url_id}.lambda-url.us-east-1.on.aws"
    assert urls.event["rawPath"] == "/items/1" and "body" not in urls.event
    assert urls.event["isBase64Encoded"] is False and "queryStringParameters" not in urls.event


def test_a_recorded_request_reaches_the_function_as_on_lambda():
    # Lambda's recording (a requests client, which sends Connection: keep-alive): names
    # lower-cased, the path left encoded, repeated parameters joined, no Connection header.
    urls = Urls(echo)
    r = urls.request("POST", urls.path("pa2%2Fth/1?q=query&multiQuery=foo&multiQuery=%2Fbar"),
                     content=b'{"foo": "bar"}',
                     headers={"Content-Type": "application/json", "Connection": "keep-alive",
                              "ExTrA-HeadErs": "With WeiRd CapS", "User-Agent": "test/echo"})
    assert r.status_code == 200
    event = urls.event
    assert event["rawPath"] == "/pa2%2Fth/1"
    assert event["queryStringParameters"] == {"q": "query", "multiQuery": "foo,/bar"}
    assert event["headers"]["extra-headers"] == "With WeiRd CapS"
    assert "connection" not in event["headers"]
    assert event["body"] == '{"foo": "bar"}' and event["isBase64Encoded"] is False


def test_binary_body_is_base64_encoded():
    urls = Urls(echo)
    urls.request("PUT", urls.path(), content=b"\x00\xff",
                 headers={"Content-Type": "application/octet-stream"})
    assert urls.event["isBase64Encoded"] is True
    assert base64.b64decode(urls.event["body"]) == b"\x00\xff"


@pytest.mark.parametrize("result,body", [
    ({"hello": "world"}, b'{"hello":"world"}'),
    (["hello", 3, True], b'["hello",3,true]'),
    ("hello", b"hello"),
    (3, b"3"),
    (3.1, b"3.1"),
    (True, b"true"),
])
def test_a_result_without_status_code_is_the_body(result, body):
    urls = Urls(lambda event, context: result)
    r = urls.request("GET", urls.path())
    assert (r.status_code, r.content) == (200, body)
    assert r.headers["content-type"] == "application/json"


def test_a_structured_result_is_the_response():
    urls = Urls(lambda event, context: {
        "statusCode": "418", "body": "i'm a teapot", "cookies": ["a=1", "b=2"],
        "headers": {"My-Custom-Header": "Custom Value"}})
    r = urls.request("GET", urls.path())
    assert (r.status_code, r.text) == (418, "i'm a teapot")
    assert r.headers["my-custom-header"] == "Custom Value"
    assert r.headers.get_list("set-cookie") == ["a=1", "b=2"]
    # Without a type of its own, the answer is application/json (an HTTP API's: text/plain).
    assert r.headers["content-type"] == "application/json"


def test_a_function_named_type_is_kept():
    urls = Urls(lambda e, c: {"statusCode": 201, "body": "<p>",
                              "headers": {"Content-Type": "text/html"}})
    r = urls.request("GET", urls.path())
    assert (r.status_code, r.headers["content-type"], r.text) == (201, "text/html", "<p>")


def test_a_streamed_url_passes_the_result_on_as_it_is():
    urls = Urls(lambda e, c: {"statusCode": 201, "body": "x"}, invoke_mode=RESPONSE_STREAM)
    r = urls.request("GET", urls.path())
    assert r.status_code == 200
    assert r.json() == {"statusCode": 201, "body": "x"}


def test_an_alias_url_invokes_the_alias():
    urls = Urls(echo, qualifier="live")
    assert urls.request("GET", urls.path()).status_code == 200
    assert urls.runtime.calls == ["fn:live"]


def _raise(exc: Exception) -> Any:
    def handler(event: dict, context: Any) -> Any:
        raise exc
    return handler


@pytest.mark.parametrize("handler", [
    _raise(ValueError("boom")),                   # an unhandled error
    _raise(TimedOut()),                           # the function's own timeout
    lambda e, c: {"statusCode": "abc"},           # a malformed response
    lambda e, c: {"statusCode": 200, "body": {"not": "a string"}},
])
def test_a_failed_function_is_a_bare_502(handler):
    urls = Urls(handler)
    r = urls.request("GET", urls.path())
    assert (r.status_code, r.text) == (502, "Internal Server Error")
    assert r.headers["x-amzn-requestid"]


def test_a_throttled_function_is_429():
    urls = Urls(_raise(TooManyRequests("Rate Exceeded.")))
    r = urls.request("GET", urls.path())
    assert r.status_code == 429
    assert r.json() == {"Message": "Rate Exceeded."}
    assert r.headers["x-amzn-errortype"] == "TooManyRequestsException"


def test_an_unknown_url_is_refused():
    urls = Urls(echo)
    for url, headers in [
            ("http://127.0.0.1:4566/_aws/lambda-url/" + "a" * 32 + "/", {}),
            ("http://127.0.0.1:4566/x", {"Host": "b" * 32 + ".lambda-url.localhost:4566"})]:
        r = urls.request("GET", url, headers=headers)
        assert (r.status_code, r.text) == (403, '{"Message":null}')
        assert r.headers["x-amzn-errortype"] == "AccessDeniedException"
        assert r.headers["content-type"] == "application/json"
    assert urls.runtime.calls == []


def test_a_body_over_the_payload_limit_is_413():
    urls = Urls(echo, max_payload_bytes=2000)
    r = urls.request("POST", urls.path(), content=b"x" * 2001)
    assert r.status_code == 413
    assert r.headers["x-amzn-errortype"] == "RequestEntityTooLargeException"
    assert r.json() == {"Message": "Request must be smaller than 6291456 bytes for the "
                                   "InvokeFunction operation"}
    # Under the limit itself, but not once base64 and the event's envelope are added.
    r = urls.request("POST", urls.path(), content=b"\xff" * 1500,
                     headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 413
    assert urls.runtime.calls == []


def signed(url: str, service: str = "lambda", method: str = "GET",
           body: bytes = b"") -> dict[str, str]:
    request = AWSRequest(method=method, url=url, data=body)
    SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), service, "us-east-1").add_auth(request)
    return dict(request.headers)


def test_aws_iam_refuses_unsigned_requests():
    urls = Urls(echo, auth_type=AWS_IAM)
    for headers in [{}, signed(urls.path(), service="s3"),
                    {"Authorization": "AWS4-HMAC-SHA256 Credential=broken"}]:
        r = urls.request("GET", urls.path(), headers=headers)
        assert r.status_code == 403
        assert r.json() == FORBIDDEN
        assert r.headers["x-amzn-errortype"] == "AccessDeniedException"
    assert urls.runtime.calls == []


def test_aws_iam_admits_a_request_signed_for_lambda():
    urls = Urls(echo, auth_type=AWS_IAM)
    r = urls.request("POST", urls.path("x"), content=b"{}",
                     headers=signed(urls.path("x"), method="POST", body=b"{}"))
    assert r.status_code == 200
    context = urls.event["requestContext"]
    assert context["accountId"] == ACCOUNT
    assert list(context)[:3] == ["accountId", "apiId", "authorizer"]
    iam = context["authorizer"]["iam"]
    assert iam["accessKey"] == "AKIDEXAMPLE" and iam["accountId"] == ACCOUNT
    assert iam["userArn"] == f"arn:aws:iam::{ACCOUNT}:root"


CORS = Cors(allow_origins=("https://app.example",), allow_methods=("GET", "POST"),
            allow_headers=("content-type",), expose_headers=("x-total",), max_age=300,
            allow_credentials=True)


def test_cors_preflight_is_answered_without_the_function():
    urls = Urls(echo, cors=CORS)
    r = urls.request("OPTIONS", urls.path("items"), headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == "https://app.example"
    assert r.headers["access-control-allow-methods"] == "GET,POST"
    assert r.headers["access-control-allow-headers"] == "content-type"
    assert r.headers["access-control-max-age"] == "300"
    assert r.headers["access-control-allow-credentials"] == "true"
    assert urls.runtime.calls == []


def test_cors_headers_replace_the_functions_own():
    urls = Urls(lambda e, c: {"statusCode": 200, "body": "ok",
                              "headers": {"Access-Control-Allow-Origin": "*"}}, cors=CORS)
    r = urls.request("GET", urls.path(), headers={"Origin": "https://app.example"})
    assert r.headers["access-control-allow-origin"] == "https://app.example"
    assert r.headers["access-control-expose-headers"] == "x-total"
    r = urls.request("GET", urls.path(), headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
