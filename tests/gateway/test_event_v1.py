"""The payload 1.0 event: a REST API's Lambda proxy event and an HTTP API's 1.0 form."""
from __future__ import annotations

import base64
import uuid

IDENTITY_NULLS = ("cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller",
                  "principalOrgId", "accessKey", "cognitoAuthenticationType",
                  "cognitoAuthenticationProvider", "userArn", "user")


def test_every_field_of_a_rest_event(gateway, rest_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"POST /items/{id}": "fn"}, stages={"Prod": {"v": "1"}}))
    r = gateway.request("POST", gateway.url("rest123456", "Prod", "/items/7?q=a&q=b&one=1"),
                        content=b"hello", headers={"User-Agent": "ua/2",
                                                   "content-type": "text/plain"})
    assert r.status_code == 200
    event = gateway.runtime.event
    assert "version" not in event
    assert event["resource"] == "/items/{id}"
    assert event["path"] == "/items/7"
    assert event["httpMethod"] == "POST"
    assert event["headers"]["User-Agent"] == "ua/2"
    assert event["multiValueHeaders"]["User-Agent"] == ["ua/2"]
    assert event["queryStringParameters"] == {"q": "b", "one": "1"}
    assert event["multiValueQueryStringParameters"] == {"q": ["a", "b"], "one": ["1"]}
    assert event["pathParameters"] == {"id": "7"}
    assert event["stageVariables"] == {"v": "1"}
    assert event["body"] == "hello"
    assert event["isBase64Encoded"] is False
    ctx = event["requestContext"]
    assert ctx["resourcePath"] == "/items/{id}"
    assert ctx["httpMethod"] == "POST"
    assert ctx["path"] == "/Prod/items/7"
    assert ctx["stage"] == "Prod"
    assert ctx["accountId"] == gateway.ACCOUNT
    assert ctx["apiId"] == "rest123456"
    assert ctx["domainPrefix"] == "rest123456"
    assert ctx["domainName"] == "127.0.0.1:4566"
    assert ctx["protocol"] == "HTTP/1.1"
    assert ctx["requestTime"] == "14/Nov/2023:22:13:20 +0000"
    assert ctx["requestTimeEpoch"] == 1700000000123
    assert uuid.UUID(ctx["requestId"])
    assert ctx["requestId"] == r.headers["x-amzn-requestid"]
    assert ctx["extendedRequestId"] == r.headers["x-amz-apigw-id"]
    assert ctx["resourceId"]
    assert ctx["identity"]["sourceIp"] == gateway.CLIENT_IP
    assert ctx["identity"]["userAgent"] == "ua/2"
    assert all(ctx["identity"][key] is None for key in IDENTITY_NULLS)


def test_empty_parts_are_null(gateway, rest_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"GET /": "fn"}))
    gateway.request("GET", gateway.url("rest123456", "Prod", "/"))
    event = gateway.runtime.event
    for key in ("queryStringParameters", "multiValueQueryStringParameters", "pathParameters",
                "stageVariables", "body"):
        assert event[key] is None, key
    assert event["path"] == "/"
    assert event["requestContext"]["path"] == "/Prod/"


def test_repeated_headers_keep_last_and_all(gateway, rest_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"GET /h": "fn"}))
    gateway.request("GET", gateway.url("rest123456", "Prod", "/h"),
                    headers=[("X-Twice", "a"), ("X-Twice", "b")])
    event = gateway.runtime.event
    assert event["headers"]["x-twice"] == "b"
    assert event["multiValueHeaders"]["x-twice"] == ["a", "b"]


def test_rest_binary_media_types_decide_base64(gateway, rest_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"POST /up": "fn"}, binary_media_types=("image/*",)))
    data = b"\x89PNG\x00\xff"
    gateway.request("POST", gateway.url("rest123456", "Prod", "/up"), content=data,
                    headers={"content-type": "image/png"})
    event = gateway.runtime.event
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == data
    gateway.request("POST", gateway.url("rest123456", "Prod", "/up"), content=b"a=1",
                    headers={"content-type": "application/x-www-form-urlencoded"})
    event = gateway.runtime.event
    assert (event["body"], event["isBase64Encoded"]) == ("a=1", False)


def test_http_api_payload_1_0(gateway, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"ANY /things/{id}": "fn"}, version="1.0",
                              stages={"dev": {}}))
    r = gateway.request("GET", gateway.url("abcdef1234", "dev", "/things/9?x=1"))
    assert r.status_code == 200
    event = gateway.runtime.event
    assert event["version"] == "1.0"
    assert event["resource"] == "/things/{id}"
    assert event["httpMethod"] == "GET"
    assert event["path"] == "/dev/things/9"
    assert event["pathParameters"] == {"id": "9"}
    assert event["queryStringParameters"] == {"x": "1"}
    ctx = event["requestContext"]
    assert ctx["stage"] == "dev"
    assert ctx["requestId"] == ctx["extendedRequestId"] == r.headers["apigw-requestid"]
    gateway.request("POST", gateway.url("abcdef1234", "dev", "/things/9"), content=b"\x00\x01",
                    headers={"content-type": "application/octet-stream"})
    event = gateway.runtime.event
    assert (event["body"], event["isBase64Encoded"]) == ("AAE=", True)


def test_rest_event_keeps_the_path_as_sent(gateway, rest_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"GET /{proxy+}": "fn", "GET /u/{name}": "fn"}))
    gateway.request("GET", gateway.url("rest123456", "Prod",
                                       "/api/user/test%2Balias@x.com/plus/test+alias@x.com"))
    event = gateway.runtime.event
    assert event["path"] == "/api/user/test%2Balias@x.com/plus/test+alias@x.com"
    assert event["pathParameters"] == {"proxy": "api/user/test%2Balias@x.com/plus/test+alias@x.com"}
    assert event["requestContext"]["path"] == (
        "/Prod/api/user/test%2Balias@x.com/plus/test+alias@x.com")
    gateway.request("GET", gateway.url("rest123456", "Prod", "/u/J%C3%BCrgen"))
    assert gateway.runtime.event["pathParameters"] == {"name": "J%C3%BCrgen"}


def test_rest_event_names_the_deployment(gateway, rest_api, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"GET /a": "fn"}))
    gateway.request("GET", gateway.url("rest123456", "Prod", "/a"))
    first = gateway.runtime.event["requestContext"]["deploymentId"]
    gateway.request("GET", gateway.url("rest123456", "Prod", "/a"))
    assert gateway.runtime.event["requestContext"]["deploymentId"] == first
    assert len(first) == 6 and first.isalnum()
    gateway.apis.put(http_api({"GET /a": "fn"}, version="1.0"))
    gateway.request("GET", gateway.url("abcdef1234", path="/a"))
    assert "deploymentId" not in gateway.runtime.event["requestContext"]
