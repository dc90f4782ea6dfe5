"""The errors of API-managed functions, with the codes and messages Lambda gives."""
from __future__ import annotations

from fogbank.types import AwsError


class ValidationFailed(AwsError):
    """A value outside Lambda's limits, worded as Lambda's request validation words it."""

    code = "ValidationException"
    status = 400
    sender_fault = True


class ResourceConflict(AwsError):
    code = "ResourceConflictException"
    status = 409
    sender_fault = True


class PreconditionFailed(AwsError):
    code = "PreconditionFailedException"
    status = 412
    sender_fault = True


def stale_revision() -> PreconditionFailed:
    return PreconditionFailed("The Revision Id provided does not match the latest Revision Id. "
                              "Call the GetFunction/GetAlias API to retrieve the latest "
                              "Revision Id", extra={"Type": "User"})
