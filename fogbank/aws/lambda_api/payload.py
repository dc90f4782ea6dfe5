"""Invoke payload checks, with Lambda's limits and messages.

Lambda parses the payload with Jackson; its error text ("Unrecognized token 'x': was
expecting …") is reproduced for the common cases so clients see the message they know.
"""
from __future__ import annotations

import json
import re

from fogbank.types import AwsError

SYNC_LIMIT = 6 * 1024 * 1024       # 6291456 bytes: RequestResponse and DryRun
ASYNC_LIMIT = 1024 * 1024          # 1048576 bytes: Event (raised from 256 KB in 2025)
_SOURCE_LIMIT = 500                # Jackson quotes at most this much of the input
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


def checked_event(payload: bytes) -> bytes:
    """The event to hand the function: the payload if it is JSON, `{}` if empty."""
    if not payload.strip():
        return b"{}"
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _unparsable(f"Invalid UTF-8 start byte 0x{payload[exc.start]:02x}",
                          payload, 1, exc.start + 1) from exc
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        reason, column = _jackson_reason(text, exc)
        raise _unparsable(reason, payload, exc.lineno, column) from exc
    return payload


def _jackson_reason(text: str, exc: json.JSONDecodeError) -> tuple[str, int]:
    """Jackson's wording, and its column (which points past a bad token, not at it)."""
    if exc.pos >= len(text):
        return "Unexpected end-of-input: expected close marker or value", exc.colno
    token = _TOKEN.match(text, exc.pos)
    if token and not text[exc.pos].isdigit() and text[exc.pos] != "-":
        return (f"Unrecognized token '{token[0]}': was expecting (JSON String, Number, Array, "
                "Object or token 'null', 'true' or 'false')"), exc.colno + len(token[0])
    char = text[exc.pos]
    return f"Unexpected character ('{char}' (code {ord(char)})): {exc.msg.lower()}", exc.colno


def _unparsable(reason: str, payload: bytes, line: int, column: int) -> InvalidRequestContent:
    source = payload[:_SOURCE_LIMIT].decode("utf-8", errors="replace")
    if len(payload) > _SOURCE_LIMIT:
        source += f"\"[truncated {len(payload) - _SOURCE_LIMIT} bytes]"
    else:
        source += "\""
    return InvalidRequestContent(
        "Could not parse request body into json: Could not parse payload into json: "
        f"{reason}\n at [Source: (byte[])\"{source}; line: {line}, column: {column}]",
        extra={"Type": "User"})
