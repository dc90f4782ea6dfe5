"""The parts of an error response both JSON protocols share: status, header members, body.

The error shape in the service model decides: its `httpStatusCode`, which members go in
headers (e.g. Lambda's `Retry-After`), and whether the body says `message` or `Message`
(Lambda uses both, per error). Engines supply the extra members (e.g. `Reason`) in
`AwsError.extra`; a "Message" there respells the message member for the one error that
AWS spells differently from its model (DynamoDB's ConditionalCheckFailedException when it
returns the item).
"""
from __future__ import annotations

from typing import Any

from botocore.model import ServiceModel, Shape

from fogbank.aws.protocols.shapes import to_json
from fogbank.types import AwsError


def error_shapes(model: ServiceModel) -> dict[str, Shape]:
    return {shape.error_code: shape for shape in model.error_shapes}


def error_parts(shape: Shape | None, error: AwsError) -> tuple[int, dict[str, str], dict[str, Any]]:
    respelled = "Message" if "Message" in error.extra else None
    if shape is None:
        return error.status, {}, {respelled or "message": error.message, **error.extra}
    status = shape.metadata.get("error", {}).get("httpStatusCode", error.status)
    if not shape.members and error.message:
        # A shape with no members (CloudWatch Logs' errors) still carries AWS's message,
        # which the SDKs read from the body whatever the model says.
        return status, {}, {respelled or "message": error.message, **error.extra}
    values: dict[str, Any] = {"Type": "User" if error.sender_fault else "Service", **error.extra}
    headers: dict[str, str] = {}
    body: dict[str, Any] = {}
    for name, member in shape.members.items():
        value = error.message if name.lower() == "message" else values.get(name)
        if value is None:
            continue
        wire = member.serialization.get("name", name)
        if member.serialization.get("location") == "header":
            headers[wire] = str(value)
        else:
            body[respelled or wire if name.lower() == "message" else wire] = to_json(member, value)
    return status, headers, body
