"""The connection registry: connection id → the node holding its socket, and metadata.

An interface of a few methods so that a cluster can keep it in PostgreSQL; the in-memory
store serves a single node. It holds plain values only — sockets stay in the gateway.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Connection:
    connection_id: str
    node_id: str                   # which node holds the socket
    api_id: str
    stage: str
    connected_at_ms: int
    last_active_at_ms: int
    source_ip: str
    user_agent: str | None = None


class ConnectionStore(Protocol):
    def add(self, connection: Connection) -> None: ...

    def get(self, connection_id: str) -> Connection | None: ...

    def touch(self, connection_id: str, at_ms: int) -> None:
        """Record activity (LastActiveAt); unknown ids are ignored."""

    def remove(self, connection_id: str) -> bool:
        """Forget a connection; False when it was not there."""

    def count(self) -> int: ...


class MemoryConnectionStore:
    """The single-node store: one dict, changed only by the event loop's thread."""

    def __init__(self) -> None:
        self._connections: dict[str, Connection] = {}

    def add(self, connection: Connection) -> None:
        self._connections[connection.connection_id] = connection

    def get(self, connection_id: str) -> Connection | None:
        return self._connections.get(connection_id)

    def touch(self, connection_id: str, at_ms: int) -> None:
        current = self._connections.get(connection_id)
        if current is not None:
            self._connections[connection_id] = replace(current, last_active_at_ms=at_ms)

    def remove(self, connection_id: str) -> bool:
        return self._connections.pop(connection_id, None) is not None

    def count(self) -> int:
        return len(self._connections)
