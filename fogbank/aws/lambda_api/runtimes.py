"""A function's Runtime, checked as Lambda checks it: a runtime outside its set is refused in
words of its own (InvalidParameterValueException, "... or be a valid ARN"), not in its
request validation's, so the edge leaves that member to this module
(`LambdaService.own_enums`)."""
from __future__ import annotations

import functools

from botocore.loaders import Loader

from fogbank.types import InvalidParameterValue

# The runtimes Lambda lists, in its order, when it refuses a function's runtime: the newest
# recording at hand (LocalStack's VALID_RUNTIMES, matched against AWS's answers to
# test_create_lambda_exceptions). A runtime of the model outside it is still accepted.
LISTED_RUNTIMES = (
    "nodejs20.x", "provided.al2023", "python3.12", "python3.13", "nodejs22.x", "java17",
    "nodejs16.x", "dotnet8", "python3.10", "java11", "python3.11", "dotnet6", "java21",
    "nodejs18.x", "provided.al2", "ruby3.3", "java8.al2", "ruby3.2", "python3.8", "python3.9")


@functools.cache
def model_runtimes() -> tuple[str, ...]:
    """The model's Runtime enum, in its order (loaded on the first request that needs it)."""
    return tuple(Loader().load_service_model("lambda", "service-2")["shapes"]["Runtime"]["enum"])


def check_function_runtime(runtime: str) -> None:
    """CreateFunction's and UpdateFunctionConfiguration's Runtime."""
    if runtime not in model_runtimes():
        raise InvalidParameterValue(
            f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy "
            f"enum value set: [{', '.join(LISTED_RUNTIMES)}] or be a valid ARN",
            extra={"Type": "User"})
