"""The payload 2.0 event an HTTP API sends, field by field."""
from __future__ import annotations

import base64
import json


def test_every_field_of_a_get(gateway, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"GET /items/{id}": "fn"}))
    url = gateway.url("abcdef1234", path="/items/42?a=1&a=2&b=&c=x%20y")
    r = gateway.request("GET", url, headers={"User-Agent": "tester/1.0", "X-Multi": "one",
                                             "Cookie": "s=1; theme=dark"})
    assert r.status_code == 200
    event = gateway.runtime.event
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /items/{id}"
    assert event["rawPath"] == "/items/42"
    assert event["rawQueryString"] == "a=1&a=2&b=&c=x%20y"
    assert event["cookies"] == ["s=1", "theme=dark"]
    assert "cookie" not in event["headers"]
    assert event["headers"]["user-agent"] == "tester/1.0"
    assert event["headers"]["x-multi"] == "one"
    assert event["headers"]["host"] == "127.0.0.1:4566"
    assert event["headers"]["x-forwarded-for"] == gateway.CLIENT_IP
    assert event["headers"]["x-forwarded-proto"] == "http"
    assert event["headers"]["x-forwarded-port"] == "4566"
    assert event["headers"]["x-amzn-trace-id"].startswith("Root=1-")
    assert all(name == name.lower() for name in event["headers"])
    assert event["queryStringParameters"] == {"a": "1,2", "b": "", "c": "x y"}
    assert event["pathParameters"] == {"id": "42"}
    assert event["isBase64Encoded"] is False
    assert "body" not in event and "stageVariables" not in event
    ctx = event["requestContext"]
    assert ctx["accountId"] == gateway.ACCOUNT
    assert ctx["apiId"] == "abcdef1234"
    assert ctx["domainName"] == "127.0.0.1:4566"
    assert ctx["domainPrefix"] == "abcdef1234"
    assert ctx["http"] == {"method": "GET", "path": "/items/42", "protocol": "HTTP/1.1",
                           "sourceIp": gateway.CLIENT_IP, "userAgent": "tester/1.0"}
    assert ctx["routeKey"] == "GET /items/{id}"
    assert ctx["stage"] == "$default"
    assert ctx["time"] == "14/Nov/2023:22:13:20 +0000"
    assert ctx["timeEpoch"] == 1700000000123
    assert ctx["requestId"] == r.headers["apigw-requestid"]
    assert len(ctx["requestId"]) == 16


def test_keys_aws_omits_when_empty(gateway, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"GET /": "fn"}))
    gateway.request("GET", gateway.url("abcdef1234", path="/"))
    event = gateway.runtime.event
    for key in ("cookies", "queryStringParameters", "pathParameters", "stageVariables", "body"):
        assert key not in event
    assert event["rawQueryString"] == ""
    assert event["rawPath"] == "/"


def test_repeated_headers_are_comma_joined(gateway, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"GET /h": "fn"}))
    gateway.request("GET", gateway.url("abcdef1234", path="/h"),
                    headers=[("X-Twice", "a"), ("X-Twice", "b"), ("Cookie", "a=1"),
                             ("Cookie", "b=2")])
    event = gateway.runtime.event
    assert event["headers"]["x-twice"] == "a,b"
    assert event["cookies"] == ["a=1", "b=2"]


def test_forwarded_for_keeps_the_clients_chain(gateway, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"GET /h": "fn"}))
    gateway.request("GET", gateway.url("abcdef1234", path="/h"),
                    headers={"X-Forwarded-For": "198.51.100.7"})
    assert gateway.runtime.event["headers"]["x-forwarded-for"] == (
        f"198.51.100.7, {gateway.CLIENT_IP}")


def test_text_body_is_passed_as_text(gateway, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"POST /p": "fn"}))
    gateway.request("POST", gateway.url("abcdef1234", path="/p"), json={"k": "é"})
    event = gateway.runtime.event
    assert event["isBase64Encoded"] is False
    assert json.loads(event["body"]) == {"k": "é"}


def test_binary_and_form_bodies_are_base64(gateway, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"POST /p": "fn"}))
    png = b"\x89PNG\r\n\x1a\n\x00\xff"
    gateway.request("POST", gateway.url("abcdef1234", path="/p"), content=png,
                    headers={"content-type": "image/png"})
    event = gateway.runtime.event
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == png
    gateway.request("POST", gateway.url("abcdef1234", path="/p"), data={"a": "1"})
    event = gateway.runtime.event
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"a=1"


def test_non_utf8_text_is_base64(gateway, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"POST /p": "fn"}))
    gateway.request("POST", gateway.url("abcdef1234", path="/p"), content=b"\xff\xfe",
                    headers={"content-type": "text/plain"})
    assert gateway.runtime.event["isBase64Encoded"] is True


def test_named_stage_keeps_the_stage_in_raw_path(gateway, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"GET /items": "fn"}, stages={"prod": {"table": "T1"}}))
    r = gateway.request("GET", gateway.url("abcdef1234", "prod", "/items"))
    assert r.status_code == 200
    event = gateway.runtime.event
    assert event["rawPath"] == "/prod/items"
    assert event["requestContext"]["http"]["path"] == "/prod/items"
    assert event["requestContext"]["stage"] == "prod"
    assert event["stageVariables"] == {"table": "T1"}


def test_default_route_event(gateway, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"$default": "fn"}))
    gateway.request("DELETE", gateway.url("abcdef1234", path="/any/thing"))
    event = gateway.runtime.event
    assert event["routeKey"] == "$default"
    assert event["requestContext"]["routeKey"] == "$default"
    assert "pathParameters" not in event


def test_greedy_and_encoded_path_parameters(gateway, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"GET /files/{proxy+}": "fn", "GET /u/{name}": "fn"}))
    gateway.request("GET", gateway.url("abcdef1234", path="/files/a/b%20c.txt"))
    event = gateway.runtime.event
    assert event["pathParameters"] == {"proxy": "a/b c.txt"}
    assert event["rawPath"] == "/files/a/b%20c.txt"
    assert event["requestContext"]["http"]["path"] == "/files/a/b c.txt"
    gateway.request("GET", gateway.url("abcdef1234", path="/u/J%C3%BCrgen"))
    assert gateway.runtime.event["pathParameters"] == {"name": "Jürgen"}
