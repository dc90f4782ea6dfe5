"""Route selection expressions evaluated against messages."""
from __future__ import annotations

import pytest

from fogbank.gateway.websocket.selection import select_route_key


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


def test_template_with_a_missing_part_selects_nothing():
    assert select_route_key("${request.body.a}-${request.body.b}", '{"a": "x"}') is None


def test_nested_path_through_a_non_object_selects_nothing():
    assert select_route_key("$request.body.meta.kind", '{"meta": "flat"}') is None
