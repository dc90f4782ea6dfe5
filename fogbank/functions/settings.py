"""Lambda's checks on a function's settings, shared by the template's functions and the
ones the Lambda API creates: the limits on memory, timeout and ephemeral storage, and
LoggingConfig. Failures are `AwsError`s worded as CreateFunction words them; the deployer
names the resource at fault in front of the message."""
from __future__ import annotations

import re
from typing import Any, Mapping

from fogbank.functions.errors import ValidationFailed
from fogbank.types import InvalidParameterValue

# Lambda's limits: (the member as Lambda's messages name it, lowest, highest).
LIMITS = {"MemorySize": ("memorySize", 128, 10240), "Timeout": ("timeout", 1, 900),
          "EphemeralStorage": ("ephemeralStorage.size", 512, 10240)}
# LoggingConfig's values (botocore's Lambda model), each in the member name Lambda's
# validation messages use.
_LOGGING_ENUMS = {"LogFormat": ("logFormat", ("JSON", "Text")),
                  "ApplicationLogLevel": ("applicationLogLevel",
                                          ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")),
                  "SystemLogLevel": ("systemLogLevel", ("DEBUG", "INFO", "WARN"))}
_LOG_GROUP = re.compile(r"[\.\-_/#A-Za-z0-9]+")
_WEIGHTS_AT = "routingConfig.additionalVersionWeights"
# Lambda's validation of the AdditionalVersionWeights map (CreateAlias / UpdateAlias).
_WEIGHT_RANGE = ("Map value must satisfy constraint: [Member must have value less than or "
                 "equal to 1.0, Member must have value greater than or equal to 0.0, Member "
                 "must not be null]")
_WEIGHT_KEY = ("Map keys must satisfy constraint: [Member must have length less than or equal "
               "to 1024, Member must have length greater than or equal to 1, Member must "
               "satisfy regular expression pattern: [0-9]+, Member must not be null]")


def limited(prop: str, value: Any) -> int:
    """One of LIMITS' settings (an integer already), refused outside Lambda's bounds."""
    member, low, high = LIMITS[prop]
    return in_range(value, member, low, high)


def in_range(value: int, member: str, low: int, high: int) -> int:
    if not low <= value <= high:
        bound = (f"greater than or equal to {low}" if value < low
                 else f"less than or equal to {high}")
        raise ValidationFailed(f"1 validation error detected: Value '{value}' at '{member}' "
                               f"failed to satisfy constraint: Member must have value {bound}")
    return value


def logging_config(given: Any, name: str) -> dict[str, str]:
    """LoggingConfig as Lambda keeps it: both log levels (INFO unless given) in JSON
    format and neither in Text, and the log group (/aws/lambda/<name> unless given)."""
    if given is None:
        return {}
    if not isinstance(given, Mapping):
        raise InvalidParameterValue("LoggingConfig must be a mapping", extra={"Type": "User"})
    for prop, (member, allowed) in _LOGGING_ENUMS.items():
        value = given.get(prop)
        if value is not None and value not in allowed:
            raise ValidationFailed(f"1 validation error detected: Value '{value}' at "
                                   f"'loggingConfig.{member}' failed to satisfy constraint: "
                                   f"Member must satisfy enum value set: [{', '.join(allowed)}]")
    log_group = given.get("LogGroup")
    if log_group is not None:
        _check_log_group(str(log_group))
    log_format = given.get("LogFormat", "Text")
    config = {"LogFormat": log_format}
    if log_format == "JSON":
        config["ApplicationLogLevel"] = given.get("ApplicationLogLevel", "INFO")
        config["SystemLogLevel"] = given.get("SystemLogLevel", "INFO")
    elif "ApplicationLogLevel" in given or "SystemLogLevel" in given:
        raise InvalidParameterValue('LogLevel is not supported when LogFormat is set to "Text". '
                                    'Remove LogLevel from your request or change the LogFormat '
                                    'to "JSON" and try again.', extra={"Type": "User"})
    config["LogGroup"] = str(log_group or f"/aws/lambda/{name}")
    return config


def _check_log_group(log_group: str) -> None:
    if not log_group:
        broken = "Member must have length greater than or equal to 1"
    elif len(log_group) > 512:
        broken = "Member must have length less than or equal to 512"
    elif not _LOG_GROUP.fullmatch(log_group):
        broken = f"Member must satisfy regular expression pattern: {_LOG_GROUP.pattern}"
    else:
        return
    raise ValidationFailed(f"1 validation error detected: Value '{log_group}' at "
                           f"'loggingConfig.logGroup' failed to satisfy constraint: {broken}")


def check_routing(primary: str, weights: Mapping[str, float]) -> None:
    """An alias's RoutingConfig (other version → weight) for an alias of `primary`,
    refused as CreateAlias and UpdateAlias refuse it."""
    if len(weights) > 1:
        raise InvalidParameterValue("Number of items in AdditionalVersionWeights cannot be "
                                    "greater than 1", extra={"Type": "User"})
    for version, weight in weights.items():
        value = f"Value '{{{version}={weight!r}}}' at '{_WEIGHTS_AT}'"
        if not 0.0 <= weight <= 1.0:
            raise ValidationFailed(f"1 validation error detected: {value} failed to satisfy "
                                   f"constraint: {_WEIGHT_RANGE}")
        if version == primary:
            raise InvalidParameterValue(f"Invalid function version {primary}. Function version "
                                        f"{primary} is already included in routing "
                                        "configuration.", extra={"Type": "User"})
        if primary == "$LATEST":
            raise InvalidParameterValue("$LATEST is not supported for an alias pointing to "
                                        "more than 1 version", extra={"Type": "User"})
        if not version.isascii() or not version.isdigit():
            raise ValidationFailed(f"1 validation error detected: {value} failed to satisfy "
                                   f"constraint: {_WEIGHT_KEY}")
