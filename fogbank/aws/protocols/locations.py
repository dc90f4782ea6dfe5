"""What REST protocols (rest-json, rest-xml) share: placing output members by location.

A member of an output shape goes to the status code, a header, a header-prefix map, the
payload or the body, as its `location` in botocore's model says; only the body's encoding
differs between the protocols.
"""
from __future__ import annotations

import email.utils
from typing import Any, Callable

from botocore.model import Shape, StructureShape

from fogbank.wire import WireResponse

HeaderText = Callable[[Shape, Any], str]


def place_members(shape: StructureShape, output: dict[str, Any], response: WireResponse,
                  header_text: HeaderText) -> dict[str, Any]:
    """Sets the status and headers on `response`; returns the members left for the body.

    The payload member (if the shape names one) is left to the caller.
    """
    body: dict[str, Any] = {}
    payload = shape.serialization.get("payload")
    members = shape.members
    # The output's few members, not the shape's many (S3 outputs have dozens).
    for name, value in output.items():
        member = members.get(name)
        if member is None or value is None or name == payload:
            continue
        location = member.serialization.get("location")
        if location == "statusCode":
            response.status = int(value)
        elif location == "header":
            response.headers[member.serialization.get("name", name)] = (
                _epoch_header(member, value) or header_text(member, value))
        elif location == "headers":
            prefix = member.serialization.get("name", name)
            response.headers.update({prefix + k: str(v) for k, v in value.items()})
        elif location is None:
            body[name] = value
    return body


def _epoch_header(member: Shape, value: Any) -> str | None:
    """An HTTP date for a timestamp the engines give as epoch seconds, as botocore would
    write it; botocore's own converter parses the number into a datetime and back, which
    cost a tenth of a whole GetObject."""
    if member.type_name != "timestamp" or not isinstance(value, (int, float)) \
            or member.serialization.get("timestampFormat", "rfc822") != "rfc822":
        return None
    return email.utils.formatdate(int(value), usegmt=True)
