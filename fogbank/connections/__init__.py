"""WebSocket connections as the rest of Fogbank sees them: ids, owners and metadata.

The gateway holds the sockets; this engine holds what is known about each connection (which
node holds its socket, when it connected, who it is) and delivers @connections calls to the
node's sockets through the small `LocalSockets` interface, never through socket objects.
"""
from fogbank.connections.errors import Forbidden, Gone, LimitExceeded, PayloadTooLarge
from fogbank.connections.hub import ConnectionHub, LocalSockets
from fogbank.connections.store import Connection, ConnectionStore, MemoryConnectionStore

__all__ = ["Connection", "ConnectionHub", "ConnectionStore", "Forbidden", "Gone",
           "LimitExceeded", "LocalSockets", "MemoryConnectionStore", "PayloadTooLarge"]
