"""Convert between JSON documents and botocore-shaped Python values, per a shape.

Both JSON protocols (rest-json and JSON 1.0/1.1) encode members the same way: structures
by member (or `locationName`) name, blobs as base64, timestamps as epoch seconds.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from botocore.model import Shape

from fogbank.aws.errors import SerializationError


def member_wire_name(name: str, member: Shape) -> str:
    return member.serialization.get("name", name)


def from_json(shape: Shape, value: Any) -> Any:
    """A JSON value as botocore would hand it to a client: blobs as bytes, etc."""
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise SerializationError(f"Expected an object for {shape.name}")
        out = {}
        for name, member in shape.members.items():
            wire = member_wire_name(name, member)
            if wire in value and value[wire] is not None:
                out[name] = from_json(member, value[wire])
        return out
    if kind == "list":
        if not isinstance(value, list):
            raise SerializationError(f"Expected a list for {shape.name}")
        return [from_json(shape.member, item) for item in value]
    if kind == "map":
        if not isinstance(value, dict):
            raise SerializationError(f"Expected an object for {shape.name}")
        return {k: from_json(shape.value, v) for k, v in value.items()}
    if kind == "blob":
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, TypeError) as exc:
            raise SerializationError(f"Invalid base64 for {shape.name}") from exc
    if kind == "timestamp" and isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, dt.timezone.utc)
    return value


def to_json(shape: Shape, value: Any) -> Any:
    """A botocore-shaped value as the JSON a client's parser expects."""
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            if name in value and value[name] is not None:
                out[member_wire_name(name, member)] = to_json(member, value[name])
        return out
    if kind == "list":
        return [to_json(shape.member, item) for item in value]
    if kind == "map":
        return {k: to_json(shape.value, v) for k, v in value.items()}
    if kind == "blob":
        data = value.encode() if isinstance(value, str) else bytes(value)
        return base64.b64encode(data).decode()
    if kind == "timestamp" and isinstance(value, dt.datetime):
        return value.timestamp()
    return value


def parse_json_body(body: bytes) -> Any:
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise SerializationError(f"Could not parse request body as JSON: {exc}") from exc


def dump_json(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":")).encode()
