"""From the function's result to the HTTP response, for both payload formats."""
from __future__ import annotations

import base64

import pytest


def serve(gateway, build, result, headers=None, **api_args):
    gateway.runtime.handlers["fn"] = lambda event, context: result
    api = build({"GET /r": "fn"}, **api_args)
    gateway.apis.put(api)
    stage = next(iter(api.stages))
    return gateway.request("GET", gateway.url(api.api_id, stage, "/r"), headers=headers)


@pytest.mark.parametrize("result, body", [
    ({"hello": "world"}, b'{"hello": "world"}'),
    ({"headers": {"x-h": "v"}}, b'{"headers": {"x-h": "v"}}'),   # no statusCode: a body
    # A string is its own text, unquoted: AWS answered a function returning "null" with
    # the four bytes null (and documents "Hello from Lambda!" as that body).
    ("just text", b"just text"),
    ("null", b"null"),
    ("", b""),
    (42, b"42"),
    ([1, 2], b"[1, 2]"),
])
def test_v2_shorthand_is_a_json_200(gateway, http_api, result, body) -> None:
    r = serve(gateway, http_api, result)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.content == body


def test_v2_object_shaped_like_a_function_error_is_500(gateway, http_api) -> None:
    """Recorded against AWS: a function that returns {"errorMessage": …} (no statusCode)
    gets the HTTP API's 500, as if it had failed; a string "errorMessage" is just a body."""
    r = serve(gateway, http_api, {"errorMessage": "test fake error message"})
    assert (r.status_code, r.json()) == (500, {"message": "Internal Server Error"})
    r = serve(gateway, http_api, "errorMessage")
    assert (r.status_code, r.content) == (200, b"errorMessage")


def test_v2_structured_response(gateway, http_api) -> None:
    r = serve(gateway, http_api, {
        "statusCode": 201, "headers": {"X-One": "1", "Content-Type": "text/html"},
        "multiValueHeaders": {"X-Ignored": ["a"]},
        "cookies": ["a=1; Path=/", "b=2; HttpOnly"], "body": "<p>hi</p>"})
    assert r.status_code == 201
    assert r.headers["x-one"] == "1"
    assert r.headers["content-type"] == "text/html"
    assert "x-ignored" not in r.headers
    assert r.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; HttpOnly"]
    assert r.text == "<p>hi</p>"
    assert r.headers["content-length"] == str(len(r.content))


def test_v2_status_only_defaults_content_type_and_body(gateway, http_api) -> None:
    r = serve(gateway, http_api, {"statusCode": 204})
    assert r.status_code == 204
    assert r.content == b""
    r = serve(gateway, http_api, {"statusCode": "418", "body": "tea"})
    assert r.status_code == 418
    assert r.headers["content-type"] == "text/plain; charset=utf-8"


def test_base64_response_body_is_decoded(gateway, http_api, rest_api) -> None:
    data = b"\x89PNG\x00\xff"
    result = {"statusCode": 200, "isBase64Encoded": True,
              "body": base64.b64encode(data).decode(), "headers": {"content-type": "image/png"}}
    assert serve(gateway, http_api, result).content == data
    # A REST API decodes it for a client that asks for one of its binary media types.
    assert serve(gateway, rest_api, result, headers={"Accept": "image/png"},
                 binary_media_types=("image/png",)).content == data


def test_v1_headers_and_multi_value_headers_merge(gateway, rest_api) -> None:
    r = serve(gateway, rest_api, {
        "statusCode": 200, "headers": {"X-A": "single", "X-B": "b"},
        "multiValueHeaders": {"X-A": ["m1", "m2"], "Set-Cookie": ["c=1", "d=2"]},
        "body": "ok"})
    assert r.headers.get_list("x-a") == ["m1", "m2"]
    assert r.headers["x-b"] == "b"
    assert r.headers.get_list("set-cookie") == ["c=1", "d=2"]
    assert r.headers["content-type"] == "application/json"


@pytest.mark.parametrize("result, body", [
    ({}, b""),
    ({"headers": {"test-header": "value"}}, b""),
    ({"body": "no status"}, b"no status"),
])
def test_v1_status_code_defaults_to_200_on_rest(gateway, rest_api, result, body) -> None:
    r = serve(gateway, rest_api, result)
    assert r.status_code == 200
    assert r.content == body
    assert r.headers["content-type"] == "application/json"
    assert r.headers.get("test-header") == result.get("headers", {}).get("test-header")


def test_function_cannot_set_framing_headers(gateway, http_api) -> None:
    r = serve(gateway, http_api, {"statusCode": 200, "body": "abc",
                                  "headers": {"Content-Length": "999", "Connection": "close"}})
    assert r.headers["content-length"] == "3"
    assert r.text == "abc"


@pytest.mark.parametrize("result", [
    {"statusCode": 200, "wrongValue": "value"},
    {"statusCode": 200, "body": {"not": "a string"}},
    {"statusCode": "abc"},
    {"statusCode": 999},
    {"statusCode": 200, "headers": ["x"]},
    {"statusCode": 200, "headers": {"x": {"nested": 1}}},
    {"statusCode": 200, "multiValueHeaders": {"x": "not a list"}},
    "a bare string",
])
def test_malformed_v1_response_is_502_on_rest(gateway, rest_api, result) -> None:
    r = serve(gateway, rest_api, result)
    assert (r.status_code, r.json()) == (502, {"message": "Internal server error"})
    assert r.headers["x-amzn-errortype"] == "InternalServerErrorException"


@pytest.mark.parametrize("result", [
    {"body": "no status"},
    {"statusCode": 200, "body": 5},
    {},
])
def test_malformed_v1_response_is_500_on_http_api(gateway, http_api, result) -> None:
    r = serve(gateway, http_api, result, version="1.0")
    assert (r.status_code, r.json()) == (500, {"message": "Internal Server Error"})


@pytest.mark.parametrize("result", [
    {"statusCode": 200, "cookies": "a=1"},
    {"statusCode": 200, "body": ["x"]},
    {"statusCode": True},
])
def test_malformed_v2_response_is_500(gateway, http_api, result) -> None:
    r = serve(gateway, http_api, result)
    assert (r.status_code, r.json()) == (500, {"message": "Internal Server Error"})
