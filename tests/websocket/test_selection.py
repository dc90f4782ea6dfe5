"""Route selection expressions evaluated against messages."""
from __future__ import annotations

import json

import pytest
from websockets.sync.client import connect

from fogbank.gateway.websocket.selection import select_route_key

from .conftest import echo, ws_api


@pytest.mark.parametrize("expression,text,key", [
    ("$request.body.action", '{"action": "send"}', "send"),
    ("$request.body.message", '{"message": "sendMessage", "action": "x"}', "sendMessage"),
    ("$request.body.meta.kind", '{"meta": {"kind": "ping"}}', "ping"),
    ("$request.body.version", '{"version": 2}', "2"),
    ("$request.body.flag", '{"flag": true}', "true"),
    ("${request.body.service}-${request.body.action}", '{"service": "a", "action": "b"}',
     "a-b"),
    ("v1.${request.body.action}", '{"action": "go"}', "v1.go"),
])
def test_selects_the_route_key(expression, text, key):
    assert select_route_key(expression, text) == key


@pytest.mark.parametrize("text", [
    "not json", "[1, 2]", '"a string"', "{}", '{"other": 1}', '{"action": null}',
    '{"action": {"nested": 1}}', '{"action": ["a"]}', None,
])
def test_selects_nothing_when_the_body_does_not_say(text):
    assert select_route_key("$request.body.action", text) is None


# The developer guide's table of route selection expressions, against its payload.
GUIDE_PAYLOAD = '{"service": "chat", "action": "join", "data": {"room": "room1234"}}'


@pytest.mark.parametrize("expression,key", [
    ("$request.body.action", "join"),
    ("${request.body.action}", "join"),
    ("${request.body.service}/${request.body.action}", "chat/join"),
    ("${request.body.action}-${request.body.invalidPath}", "join-"),   # missing reads as ""
    ("action", "action"),
    ("\\$default", "$default"),                                       # an escaped dollar
])
def test_the_developer_guides_table(expression, key):
    assert select_route_key(expression, GUIDE_PAYLOAD) == key


def test_a_missing_path_in_literal_text_reads_as_empty(gateway_factory):
    """A message whose template names a field it lacks reaches the route of what is left,
    not $default."""
    api = ws_api({"$default": ("default", True), "join-": ("join", True)},
                 expression="${request.body.action}-${request.body.invalidPath}")
    gateway = gateway_factory(api, {"default": echo, "join": echo})
    with connect(gateway.url) as ws:
        ws.send('{"action": "join"}')
        assert json.loads(ws.recv(timeout=30))["route"] == "join-"


def test_nested_path_through_a_non_object_selects_nothing():
    assert select_route_key("$request.body.meta.kind", '{"meta": "flat"}') is None
