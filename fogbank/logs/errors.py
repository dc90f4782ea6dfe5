"""CloudWatch Logs' errors, with the codes its service model gives them (all 400)."""
from __future__ import annotations

from fogbank.types import AwsError


class NotFound(AwsError):
    code = "ResourceNotFoundException"
    status = 400
    sender_fault = True


class AlreadyExists(AwsError):
    code = "ResourceAlreadyExistsException"
    status = 400
    sender_fault = True


class InvalidParameter(AwsError):
    code = "InvalidParameterException"
    status = 400
    sender_fault = True


class Conflict(AwsError):
    """A request whose parameters exclude each other, which the service's request
    validator refuses before InvalidParameterException's checks."""

    code = "ValidationException"
    status = 400
    sender_fault = True


def group_not_found() -> NotFound:
    return NotFound("The specified log group does not exist.")


def stream_not_found() -> NotFound:
    return NotFound("The specified log stream does not exist.")


def invalid_token() -> InvalidParameter:
    return InvalidParameter("The specified nextToken is invalid.")


class LimitExceeded(AwsError):
    code = "LimitExceededException"
    status = 400
    sender_fault = True
