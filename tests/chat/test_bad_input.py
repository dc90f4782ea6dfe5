"""Bad input is answered to the sender with an `error` message saying what is wrong; no
handler fails into API Gateway's generic "Internal server error"."""
from __future__ import annotations

import json

import pytest
from websockets.exceptions import ConnectionClosedError

from .conftest import Chat, join, receive


def error_for(chat: Chat, *messages: str | dict, handle: str | None = None) -> dict:
    """Sends the messages in order (after joining as `handle`); the error answered last."""
    with chat.connect() as ws:
        if handle:
            join(ws, handle)
        for message in messages:
            ws.send(message if isinstance(message, str) else json.dumps(message))
            answer = receive(ws, "error")
        return answer


@pytest.mark.parametrize("message, code, text", [
    ({"action": "shout", "message": "hi"}, "unknown_action", 'Unknown action "shout".'),
    ({"message": "no action"}, "missing_action", 'The message has no "action".'),
    ("{not json", "malformed_json", "The message is not valid JSON."),
    ('{"action": "sendmessage", "message": ', "malformed_json",
     "The message is not valid JSON."),
    ("[1, 2]", "malformed_json", "The message must be a JSON object."),
    ("plain words", "malformed_json", "The message is not valid JSON."),
])
def test_what_no_route_understands_gets_help(chat, message, code, text):
    error = error_for(chat, message)
    assert error["error"] == code
    assert error["message"] == f"{text} Send one of: updatedetails, sendmessage, getmessages."
    assert {"action": "sendmessage", "message": "Hello!"} in error["examples"]


def test_sending_before_choosing_a_handle(chat):
    error = error_for(chat, {"action": "sendmessage", "message": "who am I?"})
    assert error == {"type": "error", "error": "no_details", "message":
                     'Choose a handle first: send {"action": "updatedetails", '
                     '"userHandle": "…"}.'}


def test_a_message_over_the_chat_limit(chat):
    error = error_for(chat, {"action": "sendmessage", "message": "x" * 1001}, handle="verbose")
    assert error == {"type": "error", "error": "message_too_long",
                     "message": "A message has at most 1000 characters; this one has 1001."}
    assert not chat.table("MessagesTableName").query(
        KeyConditionExpression="userHandle = :h",
        ExpressionAttributeValues={":h": "verbose"})["Items"]


def test_a_message_over_api_gateways_frame_limit_closes_the_socket(chat):
    # API Gateway's own limit (32 KB frames): the connection is closed with 1009.
    with chat.connect() as ws:
        ws.send(json.dumps({"action": "sendmessage", "message": "x" * 40_000}))
        with pytest.raises(ConnectionClosedError) as closed:
            ws.recv(timeout=60)
        assert closed.value.rcvd.code == 1009


@pytest.mark.parametrize("message, code", [
    ({"action": "sendmessage"}, "missing_message"),
    ({"action": "sendmessage", "message": "   "}, "missing_message"),
    ({"action": "sendmessage", "message": 42}, "missing_message"),
    ('{"action": "sendmessage", "message": "hi", }', "malformed_json"),
])
def test_a_send_without_a_usable_message(chat, message, code):
    error = error_for(chat, message, handle="careless")
    assert error["error"] == code


@pytest.mark.parametrize("details, code", [
    ({}, "invalid_handle"),
    ({"userHandle": ""}, "invalid_handle"),
    ({"userHandle": "has space"}, "invalid_handle"),
    ({"userHandle": "x" * 33}, "invalid_handle"),
    ({"userHandle": ["ada"]}, "invalid_handle"),
    ({"userHandle": "ada", "displayName": ""}, "invalid_display_name"),
    ({"userHandle": "ada", "displayName": "n" * 65}, "invalid_display_name"),
])
def test_bad_details(chat, details, code):
    error = error_for(chat, {"action": "updatedetails", **details})
    assert error["error"] == code
    assert error["message"] in (
        "userHandle must be 1 to 32 letters, digits, '_', '.' or '-'.",
        "displayName must be 1 to 64 characters.")


def test_the_connection_still_works_after_bad_input(chat):
    with chat.connect() as ws:
        ws.send("{oops")
        receive(ws, "error")
        join(ws, "resilient")
        ws.send(json.dumps({"action": "sendmessage", "message": "still here"}))
        assert receive(ws, "message", lambda m: m["userHandle"] == "resilient")["message"] \
            == "still here"
