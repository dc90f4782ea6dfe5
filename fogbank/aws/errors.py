"""Errors the SDK edge itself raises, before any engine is called.

They are `AwsError`s like the engines' own, so one boundary (app.py) encodes them all.
"""
from __future__ import annotations

from fogbank.types import AwsError


class IncompleteSignature(AwsError):
    code = "IncompleteSignatureException"
    status = 400
    sender_fault = True


class UnknownOperation(AwsError):
    code = "UnknownOperationException"
    status = 404
    sender_fault = True


class UnsupportedService(AwsError):
    # 501 tells the caller the request is well-formed but not served here; SDKs do not
    # retry it, unlike 500.
    code = "NotImplemented"
    status = 501
    sender_fault = False


class SerializationError(AwsError):
    code = "SerializationException"
    status = 400
    sender_fault = True


class ValidationError(AwsError):
    code = "ValidationException"
    status = 400
    sender_fault = True


class InternalFailure(AwsError):
    code = "InternalFailure"
    status = 500
