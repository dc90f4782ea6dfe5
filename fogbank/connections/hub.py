"""`ConnectionHub`: the @connections operations over the registry and this node's sockets.

The gateway reports connections opening and closing (`opened`, `active`, `closed`) and
attaches the sockets it holds as `LocalSockets`; the management API calls `post`, `describe`
and `disconnect`. A connection held by another node is a cluster concern: without a
`forward` hook it is answered as gone. A connection id belongs to its API and stage: asked
for through another API's or stage's endpoint (`api_id`, `stage`) it does not exist, as on
AWS; None for either (a request that names no API) reaches any connection.
"""
from __future__ import annotations

import time
from typing import Awaitable, Callable, Protocol

from fogbank.connections.errors import Gone, PayloadTooLarge
from fogbank.connections.store import Connection, ConnectionStore

MAX_POST_BYTES = 128 * 1024          # PostToConnection's Data limit (the model's `max`)


class LocalSockets(Protocol):
    """What the gateway does with the sockets it holds; False when the socket is gone."""

    async def send(self, connection_id: str, data: bytes) -> bool: ...

    async def close(self, connection_id: str) -> bool: ...


class ConnectionHub:
    def __init__(self, store: ConnectionStore, node_id: str = "local", *,
                 clock: Callable[[], float] = time.time,
                 max_post_bytes: int = MAX_POST_BYTES) -> None:
        self._store = store
        self.node_id = node_id
        self._clock = clock
        self._max_post = max_post_bytes
        self._sockets: LocalSockets | None = None
        # Cluster delivery (node id, connection id, data) → delivered; None on one node.
        self.forward: Callable[[str, str, bytes], Awaitable[bool]] | None = None

    def attach(self, sockets: LocalSockets) -> None:
        self._sockets = sockets

    def now_ms(self) -> int:
        return int(self._clock() * 1000)

    # ------------------------------------------------------------ the gateway's side

    def opened(self, connection: Connection) -> None:
        self._store.add(connection)

    def active(self, connection_id: str) -> None:
        self._store.touch(connection_id, self.now_ms())

    def closed(self, connection_id: str) -> None:
        self._store.remove(connection_id)

    def count(self) -> int:
        return self._store.count()

    # ------------------------------------------------------------ the @connections API

    def describe(self, connection_id: str, api_id: str | None = None,
                 stage: str | None = None) -> Connection:
        connection = self._store.get(connection_id)
        if (connection is None or api_id is not None and connection.api_id != api_id
                or stage is not None and connection.stage != stage):
            raise Gone()
        return connection

    async def post(self, connection_id: str, data: bytes, api_id: str | None = None,
                   stage: str | None = None) -> None:
        if len(data) > self._max_post:
            raise PayloadTooLarge("Message too long")
        connection = self.describe(connection_id, api_id, stage)
        if not await self._deliver(connection, data):
            raise Gone()

    async def disconnect(self, connection_id: str, api_id: str | None = None,
                         stage: str | None = None) -> None:
        connection = self.describe(connection_id, api_id, stage)
        if connection.node_id == self.node_id and self._sockets is not None:
            if await self._sockets.close(connection_id):
                return
        raise Gone()

    async def _deliver(self, connection: Connection, data: bytes) -> bool:
        if connection.node_id == self.node_id:
            return self._sockets is not None and await self._sockets.send(
                connection.connection_id, data)
        if self.forward is None:
            return False
        return await self.forward(connection.node_id, connection.connection_id, data)
