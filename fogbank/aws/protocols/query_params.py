"""Form fields → botocore-shaped input, the reverse of how botocore's query serializer
flattens an input: `Name.member.N` for lists (`Name.N` when flattened), `Name.entry.N.key` /
`.value` for maps, `Outer.Inner` for structures, `Name=` (empty) for an empty list;
booleans as `true`/`false`, timestamps in ISO 8601, blobs in base64.

The fields are first folded into a tree by their dots, then read by the shape, so each
member looks only at its own branch.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any, Mapping

from botocore.model import Shape

from fogbank.types import AwsError

# A node's own value, beside its children: `Tags=` (an empty list) and `Tags.member.1=…`
# land on the same node.
_VALUE = ""
_INT_LIMITS = {"integer": 2 ** 31, "long": 2 ** 63}

Tree = dict[str, Any]


class InvalidParameterValue(AwsError):
    code = "InvalidParameterValue"
    status = 400
    sender_fault = True


def read_form(shape: Shape, fields: Mapping[str, str]) -> dict[str, Any]:
    """The input a form's fields carry; fields the shape has no member for are ignored, as
    the services ignore them (`Action` and `Version` among them)."""
    tree: Tree = {}
    for key, value in fields.items():
        node = tree
        for part in key.split("."):
            node = node.setdefault(part, {})
        node[_VALUE] = value
    return _structure(shape, tree, "")


def _read(shape: Shape, node: Tree, path: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, node, path)
    if kind == "list":
        return _list(shape, node, path)
    if kind == "map":
        return _map(shape, node, path)
    text = node.get(_VALUE)
    if text is None:
        # Only a branch under the name (`Name.x=1` for a scalar member): no value sent.
        raise _invalid(path, "")
    return _scalar(shape, text, path)


def _structure(shape: Shape, node: Tree, path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        wire = _wire_name(name, member)
        child = node.get(wire)
        if child is not None:
            out[name] = _read(member, child, f"{path}.{wire}" if path else wire)
    return out


def _wire_name(name: str, member: Shape) -> str:
    wire = member.serialization.get("name", name)
    if member.type_name == "list" and member.serialization.get("flattened"):
        # A flattened list's items travel under the item's name, not the member's.
        wire = member.member.serialization.get("name", wire)
    return wire


def _list(shape: Shape, node: Tree, path: str) -> list[Any]:
    if shape.serialization.get("flattened"):
        items, items_path = node, path
    else:
        tag = shape.member.serialization.get("name", "member")
        items, items_path = node.get(tag, {}), f"{path}.{tag}"
    return [_read(shape.member, item, f"{items_path}.{index}")
            for index, item in _numbered(items, items_path)]


def _map(shape: Shape, node: Tree, path: str) -> dict[str, Any]:
    if shape.serialization.get("flattened"):
        entries, entries_path = node, path
    else:
        entries, entries_path = node.get("entry", {}), f"{path}.entry"
    key_tag = shape.key.serialization.get("name", "key")
    value_tag = shape.value.serialization.get("name", "value")
    out: dict[str, Any] = {}
    for index, entry in _numbered(entries, entries_path):
        where = f"{entries_path}.{index}"
        key = entry.get(key_tag, {}).get(_VALUE)
        if key is None:
            raise _invalid(f"{where}.{key_tag}", "")
        value = entry.get(value_tag)
        out[key] = _read(shape.value, value, f"{where}.{value_tag}") if value is not None else None
    return out


def _numbered(node: Tree, path: str) -> list[tuple[int, Tree]]:
    """A list's items in index order; indexes start at 1, as the services number them."""
    numbered = []
    for index, item in node.items():
        if index == _VALUE:
            continue
        if not index.isdigit() or int(index) < 1:
            raise _invalid(f"{path}.{index}", "")
        numbered.append((int(index), item))
    return sorted(numbered, key=lambda pair: pair[0])


def _scalar(shape: Shape, text: str, path: str) -> Any:
    kind = shape.type_name
    if kind in _INT_LIMITS:
        stripped = text.strip()
        digits = stripped[1:] if stripped[:1] in "+-" else stripped
        if not digits.isdigit() or not -_INT_LIMITS[kind] <= int(stripped) < _INT_LIMITS[kind]:
            raise _invalid(path, text)
        return int(stripped)
    if kind in ("float", "double"):
        try:
            return float(text)
        except ValueError:
            raise _invalid(path, text) from None
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise _invalid(path, text)
        return text.lower() == "true"
    if kind == "timestamp":
        return _timestamp(text, path)
    if kind == "blob":
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise _invalid(path, text) from None
    return text


def _timestamp(text: str, path: str) -> dt.datetime:
    try:
        if text.replace(".", "", 1).isdigit():
            return dt.datetime.fromtimestamp(float(text), dt.timezone.utc)
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise _invalid(path, text) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _invalid(path: str, text: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Value ({text}) for parameter {path} is invalid.")
