"""Writing botocore-shaped values as XML, for the protocols that answer in XML (rest-xml,
query). Both write members, lists (`<member>` or flattened), maps (`<entry><key/><value/>`)
and ISO 8601 timestamps the same way; botocore's rest-xml serializer — the code its parsers
are tested against — writes the elements.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping
from xml.etree import ElementTree

from botocore.model import Shape
from botocore.serialize import RestXMLSerializer

_SERIALIZER = RestXMLSerializer()


def write_shape(parent: ElementTree.Element, name: str, shape: Shape,
                value: Mapping[str, Any], serializer: RestXMLSerializer = _SERIALIZER
                ) -> ElementTree.Element:
    """Appends `<name>…</name>` for a structure value to `parent` and returns it."""
    serializer._serialize(shape, clean(shape, value), parent, name)
    return list(parent)[-1]


def header_text(shape: Shape, value: Any) -> str:
    """A value as an HTTP header carries it, as botocore writes it."""
    return _SERIALIZER._convert_header_value(shape, value)


def clean(shape: Shape, value: Any) -> Any:
    """The value without None members or members the shape does not have: botocore's
    serializer stops writing a structure at its first None member."""
    if shape.type_name == "structure" and isinstance(value, Mapping):
        return {k: clean(shape.members[k], v) for k, v in value.items()
                if v is not None and k in shape.members}
    if shape.type_name == "list" and isinstance(value, (list, tuple)):
        return [clean(shape.member, item) for item in value if item is not None]
    if shape.type_name == "map" and isinstance(value, Mapping):
        return {k: clean(shape.value, v) for k, v in value.items() if v is not None}
    return value


def add_text(parent: ElementTree.Element, tag: str, text: str) -> None:
    ElementTree.SubElement(parent, tag).text = text


def xml_text(value: Any) -> str:
    """An error's extra member as text: timestamps in ISO 8601 with milliseconds."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
