"""DynamoDB's errors, with the codes and messages AWS sends. The wire layer encodes them."""
from __future__ import annotations

from typing import Any, Mapping

from fogbank.types import AwsError


class TablesError(AwsError):
    """Root of the tables engine's errors."""

    status = 400
    sender_fault = True


class ValidationException(TablesError):
    code = "ValidationException"


class RequestCheckFailed(ValidationException):
    """A fault DynamoDB's request validator finds in a request's values or expression
    parameters. DynamoDB runs two generations of that validator. The newer one, which
    PutItem, UpdateItem, DeleteItem, GetItem, BatchGetItem and Query run, words some faults
    differently (`current`), and the three single-item writes report its faults inside a
    "1 validation error detected: " envelope; `message` is the older one's wording, which
    BatchWriteItem, the transactions, Scan and PartiQL give."""

    def __init__(self, message: str, current: str | None = None) -> None:
        super().__init__(message)
        self.current = message if current is None else current


class ResourceNotFoundException(TablesError):
    code = "ResourceNotFoundException"


class ResourceInUseException(TablesError):
    code = "ResourceInUseException"


class ConditionalCheckFailedException(TablesError):
    code = "ConditionalCheckFailedException"

    def __init__(self, message: str = "The conditional request failed", *,
                 item: Mapping[str, Any] | None = None) -> None:
        # ReturnValuesOnConditionCheckFailure=ALL_OLD puts the item in the error body, and
        # then DynamoDB spells the message member "Message".
        super().__init__(message, extra={"Item": item, "Message": message}
                         if item is not None else None)


class TransactionCanceledException(TablesError):
    code = "TransactionCanceledException"

    def __init__(self, message: str, reasons: list[Mapping[str, Any]]) -> None:
        super().__init__(message, extra={"CancellationReasons": reasons})


class TransactionConflictException(TablesError):
    code = "TransactionConflictException"


class IdempotentParameterMismatchException(TablesError):
    code = "IdempotentParameterMismatchException"


class ItemCollectionSizeLimitExceededException(TablesError):
    code = "ItemCollectionSizeLimitExceededException"


class LimitExceededException(TablesError):
    code = "LimitExceededException"


class TableNotFoundException(TablesError):
    code = "TableNotFoundException"


class ExpiredIteratorException(TablesError):
    code = "ExpiredIteratorException"


class TrimmedDataAccessException(TablesError):
    code = "TrimmedDataAccessException"


class TableAlreadyExistsException(TablesError):
    code = "TableAlreadyExistsException"


class BackupNotFoundException(TablesError):
    code = "BackupNotFoundException"


class PointInTimeRecoveryUnavailableException(TablesError):
    code = "PointInTimeRecoveryUnavailableException"


class InvalidRestoreTimeException(TablesError):
    code = "InvalidRestoreTimeException"


class PolicyNotFoundException(TablesError):
    code = "PolicyNotFoundException"


class GlobalTableNotFoundException(TablesError):
    code = "GlobalTableNotFoundException"
