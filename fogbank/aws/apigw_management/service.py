"""PostToConnection, GetConnection and DeleteConnection over the `ConnectionHub`.

A translation only: the hub knows the connections and raises AWS's errors (GoneException,
PayloadTooLargeException); this module turns its records into the operations' outputs.
A connection id belongs to its API and stage: the call's `addressed_api` is the API and
stage a request was addressed to (named by `ConnectionsEdge`; None for the SDK endpoint's
own `/@connections/{id}`), and the hub finds only the connections made there.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Protocol

from fogbank.aws.service import CallContext, Handler
from fogbank.connections import Connection


class Connections(Protocol):
    def describe(self, connection_id: str, api_id: str | None = None,
                 stage: str | None = None) -> Connection: ...

    async def post(self, connection_id: str, data: bytes, api_id: str | None = None,
                   stage: str | None = None) -> None: ...

    async def disconnect(self, connection_id: str, api_id: str | None = None,
                         stage: str | None = None) -> None: ...


def iso_time(epoch_ms: int) -> str:
    """AWS's form for this service's timestamps: "2024-05-01T12:00:00.123Z"."""
    moment = dt.datetime.fromtimestamp(epoch_ms / 1000, dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def _where(ctx: CallContext) -> tuple[str | None, str | None]:
    """(api id, stage) the call is confined to; (None, None) reaches every connection."""
    address = ctx.addressed_api
    return (address.api_id, address.stage) if address is not None else (None, None)


class ManagementService:
    def __init__(self, connections: Connections) -> None:
        self._connections = connections
        self.operations: Mapping[str, Handler] = {
            "PostToConnection": self.post_to_connection,
            "GetConnection": self.get_connection,
            "DeleteConnection": self.delete_connection,
        }

    async def post_to_connection(self, params: dict[str, Any], ctx: CallContext
                                 ) -> dict[str, Any]:
        data = params.get("Data") or b""
        await self._connections.post(params["ConnectionId"],
                                     data.encode() if isinstance(data, str) else bytes(data),
                                     *_where(ctx))
        return {}

    async def get_connection(self, params: dict[str, Any], ctx: CallContext
                             ) -> dict[str, Any]:
        found = self._connections.describe(params["ConnectionId"], *_where(ctx))
        identity = {"SourceIp": found.source_ip}
        if found.user_agent is not None:
            identity["UserAgent"] = found.user_agent
        return {"ConnectedAt": iso_time(found.connected_at_ms),
                "LastActiveAt": iso_time(found.last_active_at_ms), "Identity": identity}

    async def delete_connection(self, params: dict[str, Any], ctx: CallContext
                                ) -> dict[str, Any]:
        await self._connections.disconnect(params["ConnectionId"], *_where(ctx))
        return {}
