"""PostToConnection, GetConnection and DeleteConnection over the `ConnectionHub`.

A translation only: the hub knows the connections and raises AWS's errors (GoneException,
PayloadTooLargeException); this module turns its records into the operations' outputs.
A connection id belongs to its API: the call's `addressed_api` is the API a request was
addressed to (named by `ConnectionsEdge`; None for the SDK endpoint's own
`/@connections/{id}`), and the hub finds only that API's connections.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Protocol

from fogbank.aws.service import CallContext, Handler
from fogbank.connections import Connection


class Connections(Protocol):
    def describe(self, connection_id: str, api_id: str | None = None) -> Connection: ...

    async def post(self, connection_id: str, data: bytes, api_id: str | None = None) -> None: ...

    async def disconnect(self, connection_id: str, api_id: str | None = None) -> None: ...


def iso_time(epoch_ms: int) -> str:
    """AWS's form for this service's timestamps: "2024-05-01T12:00:00.123Z"."""
    moment = dt.datetime.fromtimestamp(epoch_ms / 1000, dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


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
                                     ctx.addressed_api)
        return {}

    async def get_connection(self, params: dict[str, Any], ctx: CallContext
                             ) -> dict[str, Any]:
        found = self._connections.describe(params["ConnectionId"], ctx.addressed_api)
        identity = {"SourceIp": found.source_ip}
        if found.user_agent is not None:
            identity["UserAgent"] = found.user_agent
        return {"ConnectedAt": iso_time(found.connected_at_ms),
                "LastActiveAt": iso_time(found.last_active_at_ms), "Identity": identity}

    async def delete_connection(self, params: dict[str, Any], ctx: CallContext
                                ) -> dict[str, Any]:
        await self._connections.disconnect(params["ConnectionId"], ctx.addressed_api)
        return {}
