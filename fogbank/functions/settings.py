"""Lambda's checks on a function's settings, shared by the template's functions and the
ones the Lambda API creates: the limits on memory, timeout and ephemeral storage, and
LoggingConfig (and, for the API's functions, Layers). Failures are `AwsError`s worded as
CreateFunction words them; the deployer names the resource at fault in front of the
message."""
from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, Callable, Mapping, Sequence

from fogbank.functions.errors import ValidationFailed
from fogbank.functions.layer_records import LAYER_ARN
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
MAX_LAYERS = 5              # a function's layers, at most
ENVIRONMENT_LIMIT = 4096    # bytes of a function's environment variables, as JSON
ARCHITECTURES = ("x86_64", "arm64")     # the model's Architecture enum, in its order
# The model's LayerVersionArn, as Lambda's validation message quotes it.
_LAYER_ARN_PATTERN = (r"(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?"
                      r"-[a-z]+-\d{1}:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|"
                      r"(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)")
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


def check_environment(variables: Mapping[str, str]) -> None:
    """Lambda's 4 KB limit on a function's environment variables, measured (and quoted in
    the refusal) as their compact JSON."""
    measured = json.dumps(dict(variables), separators=(",", ":"), ensure_ascii=False)
    if len(measured.encode()) > ENVIRONMENT_LIMIT:
        raise InvalidParameterValue(
            "Lambda was unable to configure your environment variables because the "
            "environment variables you have provided exceeded the 4KB limit. String "
            f"measured: {measured}", extra={"Type": "User"})


def check_architectures(architectures: Sequence[str]) -> None:
    """Each architecture one of the model's (the model allows one at most)."""
    if any(arch not in ARCHITECTURES for arch in architectures):
        raise ValidationFailed(
            f"1 validation error detected: Value '[{', '.join(architectures)}]' at "
            "'architectures' failed to satisfy constraint: Member must satisfy constraint: "
            f"[Member must satisfy enum value set: [{', '.join(ARCHITECTURES)}], Member must "
            "not be null]")


def check_routing(primary: str, weights: Mapping[str, float]) -> None:
    """An alias's RoutingConfig (other version → weight) for an alias of `primary`,
    refused as CreateAlias and UpdateAlias refuse it."""
    if len(weights) > 1:
        raise InvalidParameterValue("Number of items in AdditionalVersionWeights cannot be "
                                    "greater than 1", extra={"Type": "User"})
    for version, weight in weights.items():
        value = f"Value '{{{version}={_java_double(weight)}}}' at '{_WEIGHTS_AT}'"
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


def _java_double(value: float) -> str:
    """`value` as Java's Double.toString prints it, as Lambda's messages quote a weight sent
    as 2 ('{2=2.0}', recorded): plain from 10^-3 to 10^7, else as 1.0E-5 does."""
    number = float(value)
    if number == 0 or 1e-3 <= abs(number) < 1e7:
        return repr(number)
    sign, digits, exponent = Decimal(repr(number)).normalize().as_tuple()
    shown = "".join(map(str, digits))
    power = len(digits) + int(exponent) - 1
    return f"{'-' if sign else ''}{shown[0]}.{shown[1:] or '0'}E{power}"


def check_layers(arns: Sequence[str], *, had: Sequence[str], region: str,
                 exists: Callable[[str], bool]) -> None:
    """Layers as Lambda checks them: at most five, each a version of a layer in the
    function's region that exists (or that the function already had: a deleted version
    stays with the functions that use it), no two versions of one layer."""
    if len(arns) > MAX_LAYERS:
        raise InvalidParameterValue(f"Cannot reference more than {MAX_LAYERS} layers.",
                                    extra={"Type": "User"})
    seen: dict[str, str] = {}
    for arn in arns:
        match = LAYER_ARN.fullmatch(arn)
        if match is None or match["version"] is None:
            raise ValidationFailed(
                f"1 validation error detected: Value '[{', '.join(arns)}]' at 'layers' "
                "failed to satisfy constraint: Member must satisfy constraint: [Member "
                "must have length less than or equal to 2048, Member must have length "
                "greater than or equal to 1, Member must satisfy regular expression "
                f"pattern: {_LAYER_ARN_PATTERN}, Member must not be null]")
        if match["region"] != region:
            raise InvalidParameterValue("Layers are not in the same region as the "
                                        "function. Layers are expected to be in region "
                                        f"{region}.", extra={"Type": "User"})
        if arn not in had and not exists(arn):
            raise InvalidParameterValue(f"Layer version {arn} does not exist.",
                                        extra={"Type": "User"})
        layer = arn.rsplit(":", 1)[0]
        if layer in seen:
            raise InvalidParameterValue(
                "Two different versions of the same layer are not allowed to be referenced "
                f"in the same function. {seen[layer]} and {arn} are versions of the same "
                "layer.", extra={"Type": "User"})
        seen[layer] = arn
