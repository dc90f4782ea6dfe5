"""Ids the node hands out per request (request ids, trace ids).

They must be unique, not secret: none of them guards anything. So they come from the
`random` module (seeded from the kernel at start, re-seeded in a forked child) instead of
os.urandom, which costs a system call per id: a measurable share of a fast request.
"""
from __future__ import annotations

import random
import uuid


def request_uuid() -> str:
    """A version-4 UUID in its usual text form, as Lambda and DynamoDB request ids are."""
    return str(uuid.UUID(int=random.getrandbits(128), version=4))


def random_bytes(count: int) -> bytes:
    return random.randbytes(count)


def trace_id(epoch: float) -> str:
    """An X-Ray trace id (`Root=1-{epoch hex}-{24 hex}`) as API Gateway and Lambda send it."""
    return f"Root=1-{int(epoch):08x}-{random_bytes(12).hex()}"
