"""The contract between the SDK edge and one AWS service it serves.

A service is a table of operation handlers keyed by botocore's operation name. A handler
takes the operation's input as botocore names it (the dict boto3 was called with) and
returns the output dict boto3 will return; errors are `AwsError`s. Protocols do the rest.
"""
from __future__ import annotations

from dataclasses import dataclass
import re
from typing import Any, Awaitable, Callable, Mapping, Protocol


@dataclass(frozen=True)
class ApiAddress:
    """The API and stage a request came addressed to: `https://{api_id}.execute-api.…/{stage}/…`."""

    api_id: str
    stage: str


@dataclass(frozen=True)
class CallContext:
    request_id: str          # the id the response carries unless the output names another
    region: str              # from the credential scope, else the node's region
    access_key: str | None   # who signed; None for an unsigned request
    # The API and stage a request came addressed to, for services served under an API's own
    # address (@connections); None for the SDK endpoint's own paths.
    addressed_api: ApiAddress | None = None
    # The caller's X-Amzn-Trace-Id (an X-Ray trace the call continues), if it sent one.
    trace_header: str | None = None


# The ASGI scope key under which an edge that routes an API's address to the SDK app names
# that API and stage, as an `ApiAddress` (read into CallContext.addressed_api).
ADDRESSED_API = "fogbank.addressed_api"


Handler = Callable[[dict[str, Any], CallContext], Awaitable[dict[str, Any]]]


class SdkService(Protocol):
    """Served under its botocore model name: `SdkApp({"lambda": service})`.

    A service may also have `enum_orders` (enum shape name → its values in the order the
    service prints them in a validation error) where that is not its model's order, and
    `patterns` ((input shape name, member) → the pattern the service checks and prints)
    where that is not its model's, `opaque_shapes` (structure shape name → the Java
    class the service prints as `class@hash` where it prints a list's values), and
    `own_enums` ((input shape name, member) pairs whose bad values the service refuses in
    words of its own: the engine checks them, not the model's enum)."""

    operations: Mapping[str, Handler]      # botocore operation name → handler


EngineMethod = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


def engine_operations(engine: Any, names: tuple[str, ...]) -> Mapping[str, Handler]:
    """Handlers for an engine that offers one coroutine per operation, named in snake case
    (`GetItem` → `engine.get_item(params)`) and needing nothing of the call's context."""
    return {name: _engine_handler(getattr(engine, _snake(name))) for name in names}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _engine_handler(method: EngineMethod) -> Handler:
    def handle(params: dict[str, Any], ctx: CallContext) -> Awaitable[dict[str, Any]]:
        return method(params)
    return handle
