"""Where @connections requests arrive besides the SDK endpoint's own `/@connections/{id}`.

A function builds its management endpoint from the API's URL and stage, so the request
comes addressed to the API: `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}/
@connections/{id}`, or the path-based `/_aws/execute-api/{apiId}/{stage}/@connections/{id}`.
The node's route table sends those (`is_connections_request`) to `ConnectionsEdge`, which
hands them to the SDK app with the path cut to `/@connections/{id}`, and the API and stage it
named under the scope key `ADDRESSED_API`: a connection id belongs to its API and stage, and
through another API's or stage's endpoint it is gone (410), as on AWS. A request addressed
to an API that is not a WebSocket API of this node, or to a stage it lacks (or with no stage
segment), gets AWS's 403 `{"message":"Forbidden"}`; the SDK endpoint's own
`/@connections/{id}` names no API and is always served, for any connection.
"""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Protocol
from urllib.parse import unquote

from fogbank.aws.service import ADDRESSED_API, ApiAddress
from fogbank.gateway.addressing import address_of
from fogbank.gateway.model import WEBSOCKET, Api
from fogbank.ids import request_uuid
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


class Apis(Protocol):
    def get(self, api_id: str) -> Api | None: ...


class ConnectionsEdge:
    """Hands a @connections request to the SDK app with its path cut to `/@connections/…`,
    once `apis` (the gateway's registry) serves the API and stage it is addressed to."""

    def __init__(self, sdk: ASGIApp, apis: Apis) -> None:
        self._sdk = sdk
        self._apis = apis

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        path = connections_path(scope)
        assert path is not None, "routed here by is_connections_request"
        addressed: ApiAddress | None = None
        address = address_of(scope)     # None: the SDK endpoint's own form names no API
        if address is not None:
            # What comes before `/@connections` is the stage segment: "/prod".
            stage = address.raw_path.encode("latin-1")[:-len(path)].strip(b"/")
            addressed = ApiAddress(address.api_id, unquote(stage.decode("latin-1")))
            if b"/" in stage or not self._serves(addressed):
                await _forbidden(send)
                return
        scope = with_path(scope, path, unquote(path.decode("latin-1")))
        scope[ADDRESSED_API] = addressed
        await self._sdk(scope, receive, send)

    def _serves(self, addressed: ApiAddress) -> bool:
        api = self._apis.get(addressed.api_id)
        return api is not None and api.protocol == WEBSOCKET and addressed.stage in api.stages


async def _forbidden(send: Callable) -> None:
    body = json.dumps({"message": "Forbidden"}, separators=(",", ":")).encode()
    await send({"type": "http.response.start", "status": 403, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"x-amzn-errortype", b"ForbiddenException"),
        (b"x-amzn-requestid", request_uuid().encode())]})
    await send({"type": "http.response.body", "body": body})
