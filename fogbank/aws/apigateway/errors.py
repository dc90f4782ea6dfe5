"""The errors both API Gateway management APIs (V1 and V2) answer with."""
from __future__ import annotations

from fogbank.types import AwsError


class NotFound(AwsError):
    code = "NotFoundException"
    status = 404
    sender_fault = True


class BadRequest(AwsError):
    code = "BadRequestException"
    status = 400
    sender_fault = True
