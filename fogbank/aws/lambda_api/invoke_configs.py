"""A version's or an alias's EventInvokeConfig as GetFunctionEventInvokeConfig and
ListFunctionEventInvokeConfigs return it."""
from __future__ import annotations

from typing import Any

from fogbank.types import EventInvokeConfig, FunctionSpec, ResourceNotFound


def event_invoke_config(spec: FunctionSpec, qualifier: str) -> dict[str, Any]:
    config = spec.event_invoke_configs.get(qualifier)
    if config is None:
        raise no_event_invoke_config(f"{spec.arn}:{qualifier}")
    return _shape(spec, qualifier, config)


def event_invoke_configs(spec: FunctionSpec) -> list[dict[str, Any]]:
    """Every configuration of the function, in qualifier order."""
    return [_shape(spec, qualifier, spec.event_invoke_configs[qualifier])
            for qualifier in sorted(spec.event_invoke_configs)]


def no_function() -> ResourceNotFound:
    """The asynchronous invocation settings' word for a function (or qualifier) it lacks."""
    return ResourceNotFound("The function doesn't exist.", extra={"Type": "User"})


def no_event_invoke_config(arn: str) -> ResourceNotFound:
    return ResourceNotFound(f"The function {arn} doesn't have an EventInvokeConfig",
                            extra={"Type": "User"})


def _shape(spec: FunctionSpec, qualifier: str, config: EventInvokeConfig) -> dict[str, Any]:
    # Lambda leaves out the settings that were not set, but always shows both destinations.
    shape: dict[str, Any] = {
        "LastModified": config.last_modified,      # epoch seconds, as the wire writes it
        "FunctionArn": f"{spec.arn}:{qualifier}",
    }
    if config.maximum_retry_attempts is not None:
        shape["MaximumRetryAttempts"] = config.maximum_retry_attempts
    if config.maximum_event_age_s is not None:
        shape["MaximumEventAgeInSeconds"] = config.maximum_event_age_s
    shape["DestinationConfig"] = {
        "OnSuccess": {"Destination": config.on_success} if config.on_success else {},
        "OnFailure": {"Destination": config.on_failure} if config.on_failure else {},
    }
    return shape
