"""What API Gateway makes of a function's result: the two-way reply and $connect's answer."""
from __future__ import annotations

import base64
import json

import pytest

from fogbank.gateway.websocket.replies import connect_status, gateway_error, route_reply


@pytest.mark.parametrize("result,frame", [
    ({"statusCode": 200, "body": "text"}, "text"),
    ({"statusCode": 200, "body": base64.b64encode(b"\x00\x01").decode(),
      "isBase64Encoded": True}, b"\x00\x01"),
    ({"statusCode": 200, "body": {"a": 1}}, '{"a": 1}'),
    ({"statusCode": 200}, None),
    ({"plain": "object"}, '{"plain": "object"}'),
    ("a string", "a string"),
    (None, None),
])
def test_two_way_reply(result, frame):
    assert route_reply(json.dumps(result).encode()) == frame


def test_reply_that_is_not_json_is_sent_as_text():
    assert route_reply(b"raw \xff") == "raw \ufffd"


@pytest.mark.parametrize("result,answer", [
    ({"statusCode": 200}, (200, None)),
    ({"statusCode": "204"}, (204, None)),
    ({"statusCode": 403, "body": "no"}, (403, None)),
    ({"statusCode": 200, "headers": {"sec-websocket-protocol": "v2"}}, (200, "v2")),
    ({"statusCode": 599}, (599, None)),
    (None, (200, None)),
    ({"no": "status"}, (200, None)),
])
def test_connect_answer(result, answer):
    assert connect_status(json.dumps(result).encode()) == answer


@pytest.mark.parametrize("status", ["abc", None, [200], 99, 101, 199, 600, 1000, -1, True,
                                    2.5, 200.0, "２００", " 200"])
def test_connect_status_that_is_no_http_status_is_malformed(status):
    assert connect_status(json.dumps({"statusCode": status}).encode()) == (None, None)


def test_connect_result_that_is_not_json_is_malformed():
    assert connect_status(b"{not json") == (None, None)


def test_gateway_error_is_spaced_as_api_gateway_spaces_it():
    assert gateway_error("Forbidden", "cid=", "rid=") == (
        '{"message": "Forbidden", "connectionId":"cid=", "requestId":"rid="}')
