"""The invocation record Lambda sends a destination when an asynchronous invocation ends:
version 1.0, what was asked (requestContext, requestPayload) and what the function gave
(responseContext, responsePayload)."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fogbank.types import InvokeResult

SUCCESS = "Success"
RETRIES_EXHAUSTED = "RetriesExhausted"
EVENT_AGE_EXCEEDED = "EventAgeExceeded"
ZERO_RESERVED_CONCURRENCY = "ZeroReservedConcurrency"


def invocation_record(*, request_id: str, function_arn: str, condition: str, attempts: int,
                      payload: bytes, result: InvokeResult | None, at: float) -> bytes:
    """The record as JSON. `function_arn` names the version or alias invoked ($LATEST for
    an unqualified call); `result` is the last attempt's, None when the function never
    answered (the event aged out before it ran, or the call itself failed)."""
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": _timestamp(at),
        "requestContext": {"requestId": request_id, "functionArn": function_arn,
                           "condition": condition, "approximateInvokeCount": attempts},
        "requestPayload": _json(payload),
    }
    if result is not None:
        # Lambda answered the attempt (status 200) even when the function failed.
        context: dict[str, Any] = {"statusCode": 200, "executedVersion": result.executed_version}
        if result.function_error:
            context["functionError"] = result.function_error
        record["responseContext"] = context
        record["responsePayload"] = _json(result.payload)
    return json.dumps(record, separators=(",", ":")).encode()


def _json(data: bytes) -> Any:
    """A payload as the JSON value it holds; one that is not JSON as its text."""
    try:
        return json.loads(data) if data.strip() else None
    except ValueError:
        return data.decode("utf-8", "replace")


def _timestamp(at: float) -> str:
    moment = dt.datetime.fromtimestamp(at, dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
