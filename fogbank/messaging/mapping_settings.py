"""An event source mapping's settings, checked as Lambda checks them. CreateEventSourceMapping's
members and AWS::Lambda::EventSourceMapping's properties share their names, so the Lambda
API and the deployer both build mappings here.

Only DynamoDB streams are served. Failure destinations (SQS, SNS, S3) and tumbling windows
are refused rather than ignored.
"""
from __future__ import annotations

import json
import time
from dataclasses import replace
from typing import Any, Mapping

from fogbank.functions.settings import in_range
from fogbank.messaging.filter_patterns import InvalidFilterPattern, compile_filters
from fogbank.messaging.stream_mappings import StreamMapping
from fogbank.tables.streams import STREAM_ARN
from fogbank.types import InvalidParameterValue

POSITIONS = ("TRIM_HORIZON", "LATEST")
RESPONSE_TYPES = ("ReportBatchItemFailures",)
# Setting → (StreamMapping field, request member, low, high); defaults are StreamMapping's.
_LIMITS = {
    "BatchSize": ("batch_size", "batchSize", 1, 10000),
    "MaximumBatchingWindowInSeconds": ("batching_window_s", "maximumBatchingWindowInSeconds",
                                       0, 300),
    "MaximumRetryAttempts": ("maximum_retry_attempts", "maximumRetryAttempts", -1, 10000),
    "MaximumRecordAgeInSeconds": ("maximum_record_age_s", "maximumRecordAgeInSeconds",
                                  -1, 604800),
    "ParallelizationFactor": ("parallelization_factor", "parallelizationFactor", 1, 10),
}
_FLAGS = {"Enabled": "enabled", "BisectBatchOnFunctionError": "bisect_on_error"}


def _invalid(message: str) -> InvalidParameterValue:
    return InvalidParameterValue(message, extra={"Type": "User"})


def check_source(arn: Any) -> str:
    if not arn:
        raise _invalid("Unrecognized event source.")      # Lambda's words for none at all
    arn = str(arn)
    if not STREAM_ARN.fullmatch(arn):
        raise _invalid(f"Fogbank serves event source mappings from DynamoDB streams only: "
                       f"{arn!r} is not a DynamoDB stream ARN")
    return arn


def new_mapping(settings: Mapping[str, Any], *, uuid: str, function: str,
                function_arn: str) -> StreamMapping:
    """A mapping from CreateEventSourceMapping's members (or the resource's properties)."""
    source = check_source(settings.get("EventSourceArn"))
    position = settings.get("StartingPosition")
    if position == "AT_TIMESTAMP":
        raise _invalid(f"Unsupported starting position for arn type: {source}")
    if settings.get("StartingPositionTimestamp") is not None:
        raise _invalid("Timestamp only valid with StartingPosition AT_TIMESTAMP")
    if position not in POSITIONS:
        raise _invalid(f"StartingPosition must be one of {', '.join(POSITIONS)} for a DynamoDB "
                       f"stream, got {position!r}")
    base = StreamMapping(uuid=uuid, function=function, function_arn=function_arn,
                         source_arn=source, starting_position=position)
    return changed_mapping(base, settings, function=function, function_arn=function_arn)


def changed_mapping(mapping: StreamMapping, settings: Mapping[str, Any], *, function: str,
                    function_arn: str) -> StreamMapping:
    """A mapping with the settings UpdateEventSourceMapping (or a changed resource) gives;
    what is not given stays as it was."""
    changes: dict[str, Any] = {"function": function, "function_arn": function_arn,
                               "last_modified": time.time()}
    for name, (field, member, low, high) in _LIMITS.items():
        if settings.get(name) is not None:
            changes[field] = in_range(_integer(settings[name], name), member, low, high)
    for name, field in _FLAGS.items():
        if settings.get(name) is not None:
            changes[field] = _flag(settings[name], name)
    if int(settings.get("TumblingWindowInSeconds") or 0):
        raise _invalid("TumblingWindowInSeconds is not served by Fogbank")
    destination = ((settings.get("DestinationConfig") or {}).get("OnFailure") or {})
    if destination.get("Destination"):
        raise _invalid(f"An OnFailure destination ({destination['Destination']}) is not served "
                       "by Fogbank: it has no SQS, SNS or S3 failure destinations")
    if settings.get("FunctionResponseTypes") is not None:
        types = settings["FunctionResponseTypes"]
        if not isinstance(types, list) or any(t not in RESPONSE_TYPES for t in types):
            raise _invalid(f"FunctionResponseTypes may only hold {', '.join(RESPONSE_TYPES)}, "
                           f"got {types!r}")
        changes["report_item_failures"] = "ReportBatchItemFailures" in types
    if settings.get("FilterCriteria") is not None:
        changes["filters"] = _filters(settings["FilterCriteria"])
    return replace(mapping, **changes)


def _integer(value: Any, name: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise _invalid(f"{name} must be an integer, got {value!r}") from None


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if not isinstance(value, bool):
        raise _invalid(f"{name} must be a boolean, got {value!r}")
    return value


def _filters(criteria: Any) -> tuple[Mapping[str, str], ...]:
    filters = criteria.get("Filters") if isinstance(criteria, Mapping) else None
    if filters is None:
        return ()
    if not isinstance(filters, list) or not all(isinstance(f, Mapping) for f in filters):
        raise _invalid("Invalid filter pattern definition.")
    kept = tuple({"Pattern": _pattern_text(f.get("Pattern"))} for f in filters)
    try:
        compile_filters([dict(f) for f in kept])
    except InvalidFilterPattern as exc:
        raise _invalid(str(exc)) from None
    return kept


def _pattern_text(pattern: Any) -> str:
    """A pattern as Lambda keeps it: JSON text (a template may give it as an object)."""
    if isinstance(pattern, (Mapping, list)):
        return json.dumps(pattern, separators=(",", ":"))
    return "" if pattern is None else str(pattern)
