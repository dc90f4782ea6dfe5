"""The @connections API's errors, with the codes and statuses of its service model."""
from __future__ import annotations

from fogbank.types import AwsError


class Gone(AwsError):
    """The connection is closed, was never made, or is still in its $connect phase.

    AWS's GoneException carries no message (its shape has no members)."""

    code = "GoneException"
    status = 410
    sender_fault = True

    def __init__(self, message: str = "") -> None:
        super().__init__(message)


class PayloadTooLarge(AwsError):
    code = "PayloadTooLargeException"
    status = 413
    sender_fault = True


class LimitExceeded(AwsError):
    code = "LimitExceededException"
    status = 429
    sender_fault = True


class Forbidden(AwsError):
    code = "ForbiddenException"
    status = 403
    sender_fault = True
