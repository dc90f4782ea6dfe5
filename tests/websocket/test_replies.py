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
    ({"statusCode": "abc"}, (502, None)),
    (None, (200, None)),
    ({"no": "status"}, (200, None)),
])
def test_connect_answer(result, answer):
    assert connect_status(json.dumps(result).encode()) == answer


def test_connect_result_that_is_not_json_is_a_bad_gateway():
    assert connect_status(b"{not json") == (502, None)


def test_gateway_error_names_the_connection_and_request():
    assert json.loads(gateway_error("Forbidden", "cid=", "rid=")) == {
        "message": "Forbidden", "connectionId": "cid=", "requestId": "rid="}
