"""InvokeWithResponseStream's answer in AWS's event stream framing, as SDKs parse it.

A Python function does not stream: its whole result goes out as one PayloadChunk, then an
InvokeComplete event closes the stream (with the error, if the function failed, and the
log tail if it was asked for). Each message: total length, headers length, a CRC32 of
those two, the headers, the payload, a CRC32 of all before it.
"""
from __future__ import annotations

import json
import struct
import zlib

CONTENT_TYPE = "application/vnd.amazon.eventstream"
_STRING = 7         # the header value type of a string


def message(headers: dict[str, str], payload: bytes) -> bytes:
    encoded = b"".join(_header(name, value) for name, value in headers.items())
    total = 12 + len(encoded) + len(payload) + 4
    prelude = struct.pack(">II", total, len(encoded))
    body = prelude + struct.pack(">I", zlib.crc32(prelude)) + encoded + payload
    return body + struct.pack(">I", zlib.crc32(body))


def _header(name: str, value: str) -> bytes:
    name_bytes, value_bytes = name.encode(), value.encode()
    return (struct.pack(">B", len(name_bytes)) + name_bytes + struct.pack(">B", _STRING)
            + struct.pack(">H", len(value_bytes)) + value_bytes)


def event(kind: str, payload: bytes, content_type: str) -> bytes:
    return message({":event-type": kind, ":content-type": content_type,
                    ":message-type": "event"}, payload)


def invoke_stream(payload: bytes, *, error_code: str | None = None,
                  error_details: str | None = None, log_result: str | None = None) -> bytes:
    """The whole stream of one invocation: its result, then InvokeComplete."""
    complete = {key: value for key, value in (("ErrorCode", error_code),
                                              ("ErrorDetails", error_details),
                                              ("LogResult", log_result)) if value}
    return (event("PayloadChunk", payload, "application/octet-stream")
            + event("InvokeComplete", json.dumps(complete).encode(), "application/json"))
