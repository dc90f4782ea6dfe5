"""What REST protocols (rest-json, rest-xml) share: placing output members by location.

A member of an output shape goes to the status code, a header, a header-prefix map, the
payload or the body, as its `location` in botocore's model says; only the body's encoding
differs between the protocols.
"""
from __future__ import annotations

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
            response.headers[member.serialization.get("name", name)] = header_text(member, value)
        elif location == "headers":
            prefix = member.serialization.get("name", name)
            response.headers.update({prefix + k: str(v) for k, v in value.items()})
        elif location is None:
            body[name] = value
    return body
