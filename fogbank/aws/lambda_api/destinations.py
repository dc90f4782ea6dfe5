"""DestinationConfig of PutFunctionEventInvokeConfig and UpdateFunctionEventInvokeConfig,
checked as Lambda checks it. Fogbank delivers invocation records to functions only, so a
queue, topic, bus or bucket is refused in Lambda's form with Fogbank's reason."""
from __future__ import annotations

import functools
import re
from typing import Any, Callable, Mapping

from botocore.loaders import create_loader

from fogbank.aws.errors import ValidationError
from fogbank.types import InvalidParameterValue

KINDS = ("OnSuccess", "OnFailure")
# The services Lambda accepts as destinations of asynchronous invocations.
_SERVICES = ("lambda", "sqs", "sns", "events", "s3")


def checked_destinations(config: Mapping[str, Any] | None, function: str,
                         exists: Callable[[str], bool]) -> dict[str, str | None]:
    """Each destination the request names (OnSuccess / OnFailure → its ARN, None when the
    member carries none, which clears it) after Lambda's checks; `function` is the name of
    the function the settings belong to, `exists` tells whether a function exists."""
    given = config or {}
    arns = {kind: (given[kind] or {}).get("Destination") or None
            for kind in KINDS if kind in given}
    for kind, arn in arns.items():
        if arn is not None and not re.fullmatch(_arn_pattern(), arn, re.DOTALL):
            raise ValidationError(
                f"1 validation error detected: Value '{arn}' at 'destinationConfig."
                f"{kind[:1].lower()}{kind[1:]}.destination' failed to satisfy constraint: "
                f"Member must satisfy regular expression pattern: {_arn_pattern()}")
    for arn in arns.values():
        if arn is None:
            continue
        parts = arn.split(":")
        service = parts[2] if len(parts) > 2 else ""
        is_function = service == "lambda" and len(parts) >= 7 and parts[5] == "function"
        if service not in _SERVICES or (service == "lambda" and not is_function):
            raise _user_error(f"The provided destination config {_as_java(arns)} is invalid.")
        if not is_function:
            raise _user_error(f"The destination {arn} is not supported here: Fogbank delivers "
                              "asynchronous invocation records to functions only.")
        if parts[6] == function:
            raise _user_error("You can't specify the function as a destination for itself.")
        if not exists(parts[6]):
            raise _user_error(f"The destination ARN {arn} is invalid.")
    return arns


def _as_java(arns: Mapping[str, str | None]) -> str:
    # Lambda quotes the configuration as its Java object prints itself.
    def member(kind: str) -> str:
        if kind not in arns:
            return "null"
        return f"{kind}(destination={arns[kind] or 'null'})"
    return f"DestinationConfig(onSuccess={member('OnSuccess')}, onFailure={member('OnFailure')})"


@functools.lru_cache(maxsize=1)
def _arn_pattern() -> str:
    """The model's DestinationArn pattern, which Lambda's validation message quotes."""
    model = create_loader().load_service_model("lambda", "service-2")
    return str(model["shapes"]["DestinationArn"]["pattern"])


def _user_error(message: str) -> InvalidParameterValue:
    return InvalidParameterValue(message, extra={"Type": "User"})
