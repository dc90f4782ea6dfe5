"""The X-Ray trace an invocation continues: the caller's X-Amzn-Trace-Id, as Lambda hands
it to the function in `_X_AMZN_TRACE_ID` (the Lambda-Runtime-Trace-Id of the Runtime API).

Functions report their tracing mode as PassThrough, so the caller's trace goes on as it
came: its Root, its Parent and its sampling decision. A header without a well-formed Root
continues nothing; the worker then starts a trace of its own, as for a call without one.
"""
from __future__ import annotations

import re

from fogbank.ids import random_bytes

_ROOT = re.compile(r"1-[0-9a-f]{8}-[0-9a-f]{24}")
_PARENT = re.compile(r"[0-9a-f]{16}")


def carried_trace(header: str | None) -> str | None:
    """`Root=…;Parent=…;Sampled=…` for the function, from an X-Amzn-Trace-Id header;
    None when the header names no trace to continue. A missing or malformed Parent gets
    a fresh one, a missing sampling decision is "not sampled"."""
    if not header:
        return None
    fields: dict[str, str] = {}
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        fields.setdefault(key.strip(), value.strip())
    root = fields.get("Root", "")
    if not _ROOT.fullmatch(root):
        return None
    parent = fields.get("Parent", "")
    if not _PARENT.fullmatch(parent):
        parent = random_bytes(8).hex()
    sampled = fields.get("Sampled")
    if sampled not in ("0", "1"):
        sampled = "0"
    return f"Root={root};Parent={parent};Sampled={sampled}"
