"""Where @connections requests arrive besides the SDK endpoint's own `/@connections/{id}`.

A function builds its management endpoint from the API's URL and stage, so the request
comes addressed to the API: `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}/
@connections/{id}`, or the path-based `/_aws/execute-api/{apiId}/{stage}/@connections/{id}`.
The node's route table sends those (`is_connections_request`) to `ConnectionsEdge`, which
hands them to the SDK app with the path cut to `/@connections/{id}` — connection ids are
unique per node, so the API and stage in front add nothing.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable
from urllib.parse import unquote

from fogbank.wire import with_path

ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]
_MARK = b"/@connections"


def connections_path(scope: dict[str, Any]) -> bytes | None:
    """`/@connections/…` when an HTTP request's path holds it, at its start or after prefix
    segments (stage, or `_aws/execute-api/{apiId}/{stage}`), else None."""
    if scope.get("type") != "http":
        return None
    raw = scope.get("raw_path") or scope["path"].encode()
    at = raw.split(b"?", 1)[0].find(_MARK + b"/")
    return raw.split(b"?", 1)[0][at:] if at >= 0 else None


def is_connections_request(scope: dict[str, Any]) -> bool:
    return connections_path(scope) is not None


class ConnectionsEdge:
    """Hands a @connections request to the SDK app with its path cut to `/@connections/…`."""

    def __init__(self, sdk: ASGIApp) -> None:
        self._sdk = sdk

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        path = connections_path(scope)
        assert path is not None, "routed here by is_connections_request"
        scope = with_path(scope, path, unquote(path.decode("latin-1")))
        await self._sdk(scope, receive, send)
