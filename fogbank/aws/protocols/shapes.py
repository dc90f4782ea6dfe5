"""Convert between JSON documents and botocore-shaped Python values, per a shape.

Both JSON protocols (rest-json and JSON 1.0/1.1) encode members the same way: structures
by member (or `locationName`) name, blobs as base64, timestamps as epoch seconds.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any, Callable

import orjson
from botocore.model import Shape

from fogbank.aws.errors import SerializationError


def member_wire_name(name: str, member: Shape) -> str:
    return member.serialization.get("name", name)


def from_json(shape: Shape, value: Any) -> Any:
    """A JSON value as botocore would hand it to a client: blobs as bytes, etc."""
    if value is None:
        return None
    return _converter(shape, _READERS, _compile_reader)(value)


def to_json(shape: Shape, value: Any) -> Any:
    """A botocore-shaped value as the JSON a client's parser expects."""
    return _converter(shape, _WRITERS, _compile_writer)(value)


# Each shape's conversion is compiled once into a function. Walking the shape's members for
# every value costs too much for data-heavy services (a DynamoDB attribute value has ten
# members and nests); a compiled structure walks only the keys the value has, and a subtree
# with nothing to convert (no blob, no timestamp) is returned as it is.
Converter = Callable[[Any], Any]
_READERS: dict[tuple[Any, str], Converter | None] = {}
_WRITERS: dict[tuple[Any, str], Converter | None] = {}


def _identity(value: Any) -> Any:
    return value


def _converter(shape: Shape, cache: dict, compile_: Callable) -> Converter:
    return _compiled(shape, cache, compile_) or _identity


def _compiled(shape: Shape, cache: dict, compile_: Callable) -> Converter | None:
    """The shape's converter, or None when its values need no conversion at all."""
    # Shapes are re-created on each resolution; the resolver and name identify one.
    key = (getattr(shape, "_shape_resolver", None), shape.name)
    if key not in cache:
        compile_(shape, cache, key)
    return cache[key]


def _needs_conversion(shape: Shape, seen: set[str] | None = None) -> bool:
    seen = set() if seen is None else seen
    if shape.name in seen:
        return False
    seen.add(shape.name)
    kind = shape.type_name
    if kind in ("blob", "timestamp") or kind in _SCALAR_READERS:
        return True
    if kind == "structure":
        return any(_needs_conversion(m, seen) for m in shape.members.values())
    if kind == "list":
        return _needs_conversion(shape.member, seen)
    if kind == "map":
        return _needs_conversion(shape.value, seen)
    return False


def _compile_reader(shape: Shape, cache: dict, key: tuple) -> None:
    kind = shape.type_name
    if kind == "structure":
        members: dict[str, tuple[str, Converter | None]] = {}

        def read_structure(value: Any) -> Any:
            if not isinstance(value, dict):
                raise SerializationError(f"Expected an object for {shape.name}")
            out = {}
            for wire, item in value.items():
                entry = members.get(wire)
                if entry is not None and item is not None:
                    out[entry[0]] = entry[1](item) if entry[1] else item
            return out

        cache[key] = read_structure          # before the members: shapes can be recursive
        for name, member in shape.members.items():
            members[member_wire_name(name, member)] = (
                name, _compiled(member, cache, _compile_reader))
    elif kind == "list":
        cache[key] = None
        inner = _compiled(shape.member, cache, _compile_reader) if _needs_conversion(shape) else None

        def read_list(value: Any) -> Any:
            if not isinstance(value, list):
                raise SerializationError(f"Expected a list for {shape.name}")
            return [inner(item) for item in value] if inner else value

        cache[key] = read_list
    elif kind == "map":
        cache[key] = None
        inner = _compiled(shape.value, cache, _compile_reader) if _needs_conversion(shape) else None

        def read_map(value: Any) -> Any:
            if not isinstance(value, dict):
                raise SerializationError(f"Expected an object for {shape.name}")
            return {k: inner(v) for k, v in value.items()} if inner else value

        cache[key] = read_map
    elif kind == "blob":
        cache[key] = _read_blob(shape.name)
    elif kind == "timestamp":
        cache[key] = _read_timestamp
    else:
        cache[key] = _SCALAR_READERS.get(kind)


def _scalar(types: tuple[type, ...], failure: str, allow_bool: bool = False) -> Converter:
    """A check that a JSON scalar has the member's type, failing as AWS's parsers word it
    ("NUMBER_VALUE cannot be converted to String")."""
    def read_scalar(value: Any) -> Any:
        # A null scalar (a list's member; a structure's null members are dropped) stays
        # None, as AWS's deserializers keep it: the service reports it in its own words
        # (DynamoDB's "An string set may not have a null string as a member").
        if value is None or (isinstance(value, types)
                              and (allow_bool or not isinstance(value, bool))):
            return value
        raise SerializationError(f"{_json_token(value)} {failure}")
    return read_scalar


def _json_token(value: Any) -> str:
    if isinstance(value, bool):
        return "VALUE_TRUE" if value else "VALUE_FALSE"
    if isinstance(value, (int, float)):
        return "NUMBER_VALUE"
    if isinstance(value, str):
        return "STRING_VALUE"
    return "START_OBJECT" if isinstance(value, dict) else "START_ARRAY"


_SCALAR_READERS: dict[str, Converter] = {
    "string": _scalar((str,), "cannot be converted to String"),
    "boolean": _scalar((bool,), "can not be converted to a Boolean", allow_bool=True),
    "integer": _scalar((int,), "can not be converted to an Integer"),
    "long": _scalar((int,), "can not be converted to a Long"),
    "double": _scalar((int, float), "can not be converted to a Double"),
    "float": _scalar((int, float), "can not be converted to a Float"),
}


def _read_blob(name: str) -> Converter:
    def read_blob(value: Any) -> bytes | None:
        if value is None:
            return None
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, TypeError, ValueError) as exc:
            raise SerializationError(f"Invalid base64 for {name}") from exc
    return read_blob


def _read_timestamp(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value, dt.timezone.utc)
        except (OverflowError, OSError, ValueError) as exc:     # beyond year 1 … 9999
            raise SerializationError(f"Timestamp out of range: {value}") from exc
    return value


def _compile_writer(shape: Shape, cache: dict, key: tuple) -> None:
    kind = shape.type_name
    if kind == "structure":
        members: dict[str, tuple[str, Converter | None]] = {}

        def write_structure(value: Any) -> Any:
            out = {}
            for name, item in value.items():
                entry = members.get(name)
                if entry is not None and item is not None:
                    out[entry[0]] = entry[1](item) if entry[1] else item
            return out

        cache[key] = write_structure
        for name, member in shape.members.items():
            members[name] = (member_wire_name(name, member),
                             _compiled(member, cache, _compile_writer))
    elif kind in ("list", "map"):
        cache[key] = None
        inner_shape = shape.member if kind == "list" else shape.value
        inner = _compiled(inner_shape, cache, _compile_writer) or _identity
        cache[key] = ((lambda value: [inner(item) for item in value]) if kind == "list"
                      else (lambda value: {k: inner(v) for k, v in value.items()}))
    elif kind == "blob":
        cache[key] = _write_blob
    elif kind == "timestamp":
        cache[key] = _write_timestamp
    else:
        cache[key] = None


def _write_blob(value: Any) -> str:
    data = value.encode() if isinstance(value, str) else bytes(value)
    return base64.b64encode(data).decode()


def _write_timestamp(value: Any) -> Any:
    return value.timestamp() if isinstance(value, dt.datetime) else value


# orjson parses and writes a small document several times faster than the json module: on
# a data-plane call (GetItem) that is a tenth of the node's time.
def parse_json_body(body: bytes) -> Any:
    if not body.strip():
        return {}
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise SerializationError(f"Could not parse request body as JSON: {exc}") from exc


def dump_json(document: Any) -> bytes:
    try:
        return orjson.dumps(document)
    except TypeError:        # what orjson does not write (integers over 64 bits, Decimal)
        return json.dumps(document, separators=(",", ":"), default=str).encode()
