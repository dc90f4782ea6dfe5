"""Invoke payload and client context checks, with Lambda's limits and messages.

Lambda parses the payload with Jackson; its error text ("Unrecognized token 'x': was
expecting …") is reproduced for the common cases so clients see the message they know.
"""
from __future__ import annotations

import base64
import json
import re

from fogbank.types import AwsError

SYNC_LIMIT = 6 * 1024 * 1024       # 6291456 bytes: RequestResponse and DryRun
ASYNC_LIMIT = 1024 * 1024          # 1048576 bytes: Event (raised from 256 KB in 2025)
# Lambda's Jackson no longer quotes the payload in its error location.
_SOURCE = "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"
_VALID_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
_TOKEN = re.compile(r"[^\s\[\]{}:,\"]+")


class InvalidRequestContent(AwsError):
    code = "InvalidRequestContentException"
    status = 400
    sender_fault = True


class RequestEntityTooLarge(AwsError):
    # The model calls the shape RequestTooLargeException, but Lambda sends this code.
    code = "RequestEntityTooLargeException"
    status = 413
    sender_fault = True


def check_size(invocation_type: str, size: int) -> None:
    if invocation_type == "Event" and size > ASYNC_LIMIT:
        raise RequestEntityTooLarge(
            f"{size} byte payload is too large for the Event invocation type "
            f"(limit {ASYNC_LIMIT} bytes)", extra={"Type": "User"})
    if size > SYNC_LIMIT:
        raise RequestEntityTooLarge(
            f"Request must be smaller than {SYNC_LIMIT} bytes for the InvokeFunction "
            "operation", extra={"Type": "User"})


def check_client_context(client_context: str | None) -> None:
    """Lambda refuses a ClientContext that is not a base64-encoded JSON object, whatever the
    invocation type (an Event or DryRun call never reaches a function, but is refused too)."""
    if not client_context:
        return
    try:
        decoded = json.loads(base64.b64decode(client_context, validate=True).decode("utf-8"))
    except ValueError:       # not base64, not UTF-8 or not JSON
        decoded = None
    if not isinstance(decoded, dict):
        raise InvalidRequestContent("Client context must be a valid Base64-encoded JSON object.")


def checked_event(payload: bytes) -> bytes:
    """The event to hand the function: the payload if it is JSON, `{}` if empty."""
    if not payload.strip():
        return b"{}"
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        reason, at, column = _utf8_reason(payload, exc)
        raise _unparsable(reason, payload.count(b"\n", 0, at) + 1, column) from exc
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        reason, column = _jackson_reason(text, exc)
        raise _unparsable(reason, exc.lineno, column) from exc
    return payload


def _utf8_reason(payload: bytes, exc: UnicodeDecodeError) -> tuple[str, int, int]:
    """(Jackson's wording, the byte it blames, its column) for bytes that are not UTF-8.

    Jackson reads a byte that starts the document as a character of its own (it is what the
    AWS CLI v2 sends when a JSON payload is taken for base64); elsewhere it blames the UTF-8
    sequence, with a column one past the bad byte.
    """
    at = exc.start
    line_start = payload.rfind(b"\n", 0, at) + 1
    if not payload[:at].strip():
        code = payload[at]
        return (f"Unexpected character ({_char_desc(code)}): expected a valid value "
                f"{_VALID_VALUES}"), at, at - line_start + 1
    if exc.reason == "invalid continuation byte" and exc.end < len(payload):
        at = exc.end
        return f"Invalid UTF-8 middle byte 0x{payload[at]:02x}", at, at - line_start + 2
    return f"Invalid UTF-8 start byte 0x{payload[at]:02x}", at, at - line_start + 2


def _char_desc(code: int) -> str:
    # Jackson names control characters (C0 and C1, as each byte reads in Latin-1) by code.
    if code < 0x20 or 0x7f <= code <= 0x9f:
        return f"(CTRL-CHAR, code {code})"
    return f"'{chr(code)}' (code {code})"


def _jackson_reason(text: str, exc: json.JSONDecodeError) -> tuple[str, int]:
    """Jackson's wording, and its column (which points past a bad token, not at it)."""
    if exc.pos >= len(text):
        return "Unexpected end-of-input: expected close marker or value", exc.colno
    token = _TOKEN.match(text, exc.pos)
    if token and not text[exc.pos].isdigit() and text[exc.pos] != "-":
        return (f"Unrecognized token '{token[0]}': was expecting {_VALID_VALUES}",
                exc.colno + len(token[0]))
    char = text[exc.pos]
    return f"Unexpected character ('{char}' (code {ord(char)})): {exc.msg.lower()}", exc.colno


def _unparsable(reason: str, line: int, column: int) -> InvalidRequestContent:
    return InvalidRequestContent(
        "Could not parse request body into json: Could not parse payload into json: "
        f"{reason}\n at [Source: {_SOURCE}; line: {line}, column: {column}]",
        extra={"Type": "User"})
