"""The parts of an error response both JSON protocols share: status, header members, body.

The error shape in the service model decides: its `httpStatusCode`, which members go in
headers (e.g. Lambda's `Retry-After`), and whether the body says `message` or `Message`
(Lambda uses both, per error). Engines supply the extra members (e.g. `Reason`) in
`AwsError.extra`.
"""
from __future__ import annotations

from typing import Any

from botocore.model import ServiceModel, Shape

from fogbank.aws.protocols.shapes import to_json
from fogbank.types import AwsError


def error_shapes(model: ServiceModel) -> dict[str, Shape]:
    return {shape.error_code: shape for shape in model.error_shapes}


def error_parts(shape: Shape | None, error: AwsError) -> tuple[int, dict[str, str], dict[str, Any]]:
    if shape is None:
        return error.status, {}, {"message": error.message, **error.extra}
    status = shape.metadata.get("error", {}).get("httpStatusCode", error.status)
    values: dict[str, Any] = {"Type": "User" if error.sender_fault else "Service", **error.extra}
    headers: dict[str, str] = {}
    body: dict[str, Any] = {}
    for name, member in shape.members.items():
        value = error.message if name.lower() == "message" else values.get(name)
        if value is None:
            continue
        if member.serialization.get("location") == "header":
            headers[member.serialization.get("name", name)] = str(value)
        else:
            body[member.serialization.get("name", name)] = to_json(member, value)
    return status, headers, body
