"""AWS::Lambda::EventInvokeConfig (what SAM makes of a function's EventInvokeConfig): the
retries, the maximum event age and the destinations of a version's or an alias's
asynchronous invocations, set on the function's spec for the async queue to honour.

Destinations can only be functions: Fogbank has no SQS, SNS, S3 or EventBridge to deliver
an invocation record to, so those are refused at deploy rather than dropped at run time.
"""
from __future__ import annotations

import time
from typing import Any, Mapping

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.functions import (FunctionProvider, function_target,
                                                within_limits)
from fogbank.types import LATEST, Deployed, EventInvokeConfig, Resource

# ARN service → the destination type SAM and the Lambda console call it.
_DESTINATION_TYPES = {"sqs": "SQS", "sns": "SNS", "events": "EventBridge", "s3": "S3"}
# What the deployer leaves in place of a reference to a resource it skipped, and the
# resources SAM generates for an SQS or SNS destination given without an ARN.
_SKIPPED = "fogbank-unsupported-"
_SAM_GENERATED = {"Queue": "SQS", "Topic": "SNS"}


class EventInvokeConfigProvider:
    types = ("AWS::Lambda::EventInvokeConfig",)
    attribute_names: frozenset[str] = frozenset()

    def __init__(self, functions: FunctionProvider) -> None:
        self._functions = functions

    def create(self, res: Resource) -> Deployed:
        name, qualifier = _target(res)
        self._functions.set_event_invoke_config(name, qualifier, _config(res))
        return Deployed(f"{name}:{qualifier}")

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        if _target(old) != _target(new):
            self.delete(old, deployed)
        return self.create(new)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        name, qualifier = _target(res)
        self._functions.set_event_invoke_config(name, qualifier, None)

    def restore(self, res: Resource, deployed: Deployed) -> None:
        self.create(res)


def _target(res: Resource) -> tuple[str, str]:
    """(function name, qualifier): the Qualifier property, else one the name carries."""
    props = res.properties
    for required in ("FunctionName", "Qualifier"):
        if props.get(required) in (None, ""):
            raise TemplateError(f"Properties validation failed for resource {res.logical_id} "
                                f"with message: #: required key [{required}] not found")
    name, named_qualifier = function_target(props["FunctionName"])
    return name, str(props["Qualifier"] or named_qualifier or LATEST)


def _config(res: Resource) -> EventInvokeConfig:
    props = res.properties
    retries = props.get("MaximumRetryAttempts")
    age = props.get("MaximumEventAgeInSeconds")
    destinations = props.get("DestinationConfig") or {}
    if not isinstance(destinations, Mapping):
        raise TemplateError(f"Resource {res.logical_id}: DestinationConfig must be a mapping")
    return EventInvokeConfig(
        maximum_retry_attempts=None if retries is None else within_limits(
            res, "MaximumRetryAttempts", retries, "maximumRetryAttempts", 0, 2),
        maximum_event_age_s=None if age is None else within_limits(
            res, "MaximumEventAgeInSeconds", age, "maximumEventAgeInSeconds", 60, 21600),
        on_success=_destination(res, destinations, "OnSuccess"),
        on_failure=_destination(res, destinations, "OnFailure"),
        last_modified=time.time())


def _destination(res: Resource, destinations: Mapping[str, Any], when: str) -> str | None:
    arn = (destinations.get(when) or {}).get("Destination")
    if arn in (None, ""):
        return None
    arn = str(arn)
    kind, named = _destination_type(arn)
    if kind != "Lambda":
        raise TemplateError(
            f"Resource {res.logical_id}: DestinationConfig.{when} is an {kind} destination "
            f"({named}); Fogbank delivers invocation records only to functions of the app "
            "(Type: Lambda).")
    return arn


def _destination_type(arn: str) -> tuple[str, str]:
    """(destination type, what names it) of a destination ARN."""
    if arn.startswith(_SKIPPED):
        skipped = arn[len(_SKIPPED):]
        kind = next((k for suffix, k in _SAM_GENERATED.items() if skipped.endswith(suffix)),
                    "unsupported")
        return kind, f"resource {skipped}, which Fogbank does not deploy"
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn":
        return "unsupported", f"'{arn}' is not an ARN"
    if parts[2] == "lambda" and parts[5] == "function":
        return "Lambda", arn
    return _DESTINATION_TYPES.get(parts[2], parts[2]), arn
