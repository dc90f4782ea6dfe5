"""Length-prefixed frames between the node and a worker: a JSON header and a raw body.

Layout: u32 header length, u32 body length (big-endian), header JSON, body bytes. The body
stays raw so event and result payloads are never re-encoded.
"""
from __future__ import annotations

import asyncio
import json
import struct
from typing import Any, BinaryIO

_PREFIX = struct.Struct(">II")


def pack(header: dict[str, Any], body: bytes = b"") -> bytes:
    head = json.dumps(header, separators=(",", ":")).encode()
    return _PREFIX.pack(len(head), len(body)) + head + body


def read_blocking(stream: BinaryIO) -> tuple[dict[str, Any], bytes] | None:
    """Next frame from a buffered binary stream; None at a clean end of stream."""
    prefix = stream.read(_PREFIX.size)
    if len(prefix) < _PREFIX.size:
        return None
    head_len, body_len = _PREFIX.unpack(prefix)
    head = stream.read(head_len)
    body = stream.read(body_len)
    if len(head) < head_len or len(body) < body_len:
        return None
    return json.loads(head), body


async def read(reader: asyncio.StreamReader) -> tuple[dict[str, Any], bytes]:
    """Next frame; raises asyncio.IncompleteReadError when the worker is gone."""
    head_len, body_len = _PREFIX.unpack(await reader.readexactly(_PREFIX.size))
    head = await reader.readexactly(head_len)
    body = await reader.readexactly(body_len) if body_len else b""
    return json.loads(head), body


# On the worker's output pipe a line is one log event. A record the runtime writes as one
# event (a logging record, the error block, context.log) carries its own line breaks as
# this character, which the log store turns back into "\n" inside the event: the Lambda
# runtime writes such records as one frame each, so CloudWatch shows them as one event.
EVENT_NEWLINE = "\x1e"


def event_line(text: str) -> str:
    """`text` as one event's line on the output pipe."""
    return text.replace("\n", EVENT_NEWLINE) + "\n"
