"""The connection registry and hub: who holds a connection, and delivery through it."""
from __future__ import annotations

import asyncio

import pytest

from fogbank.connections import (Connection, ConnectionHub, Gone, MemoryConnectionStore,
                                 PayloadTooLarge)


class Sockets:
    """A node's sockets as the hub sees them: by id, recording what reached each."""

    def __init__(self, open_ids: set[str]) -> None:
        self.open = open_ids
        self.sent: list[tuple[str, bytes]] = []
        self.closed: list[str] = []

    async def send(self, connection_id: str, data: bytes) -> bool:
        if connection_id not in self.open:
            return False
        self.sent.append((connection_id, data))
        return True

    async def close(self, connection_id: str) -> bool:
        if connection_id not in self.open:
            return False
        self.open.discard(connection_id)
        self.closed.append(connection_id)
        return True


def conn(cid: str, node: str = "local") -> Connection:
    return Connection(cid, node, "api", "prod", 1000, 1000, "10.0.0.1", "ua")


def run(coro):
    return asyncio.run(coro)


def test_store_add_get_touch_remove():
    store = MemoryConnectionStore()
    store.add(conn("a"))
    store.touch("a", 5000)
    store.touch("missing", 5000)
    assert store.get("a").last_active_at_ms == 5000
    assert store.get("a").connected_at_ms == 1000
    assert store.count() == 1
    assert store.remove("a") is True and store.remove("a") is False
    assert store.get("a") is None and store.count() == 0


def test_post_reaches_the_local_socket():
    hub = ConnectionHub(MemoryConnectionStore())
    sockets = Sockets({"a"})
    hub.attach(sockets)
    hub.opened(conn("a"))
    run(hub.post("a", b"hi"))
    assert sockets.sent == [("a", b"hi")]


def test_post_to_unknown_or_closed_connection_is_gone():
    hub = ConnectionHub(MemoryConnectionStore())
    sockets = Sockets(set())
    hub.attach(sockets)
    with pytest.raises(Gone):
        run(hub.post("nobody", b"x"))
    hub.opened(conn("a"))              # registered, but its socket has already closed
    with pytest.raises(Gone):
        run(hub.post("a", b"x"))
    hub.opened(conn("b"))
    hub.closed("b")
    with pytest.raises(Gone):
        hub.describe("b")


def test_post_over_the_limit_is_too_large():
    hub = ConnectionHub(MemoryConnectionStore(), max_post_bytes=4)
    hub.attach(Sockets({"a"}))
    hub.opened(conn("a"))
    with pytest.raises(PayloadTooLarge) as error:
        run(hub.post("a", b"12345"))
    assert error.value.code == "PayloadTooLargeException" and error.value.status == 413


def test_connection_on_another_node_goes_through_forward():
    hub = ConnectionHub(MemoryConnectionStore(), node_id="n1")
    hub.attach(Sockets(set()))
    hub.opened(conn("far", node="n2"))
    with pytest.raises(Gone):
        run(hub.post("far", b"x"))              # no cluster: nobody can deliver it
    delivered = []

    async def forward(node: str, cid: str, data: bytes) -> bool:
        delivered.append((node, cid, data))
        return True
    hub.forward = forward
    run(hub.post("far", b"x"))
    assert delivered == [("n2", "far", b"x")]


def test_active_updates_last_active_from_the_clock():
    hub = ConnectionHub(MemoryConnectionStore(), clock=lambda: 7.5)
    hub.opened(conn("a"))
    hub.active("a")
    assert hub.describe("a").last_active_at_ms == 7500


def test_disconnect_closes_the_socket_once():
    hub = ConnectionHub(MemoryConnectionStore())
    sockets = Sockets({"a"})
    hub.attach(sockets)
    hub.opened(conn("a"))
    run(hub.disconnect("a"))
    assert sockets.closed == ["a"]
    with pytest.raises(Gone):
        run(hub.disconnect("a"))


def test_a_connection_is_gone_to_another_api():
    hub = ConnectionHub(MemoryConnectionStore())
    sockets = Sockets({"a"})
    hub.attach(sockets)
    hub.opened(conn("a"))                       # a connection of API "api"
    for call in (lambda: hub.describe("a", "other"), lambda: run(hub.post("a", b"x", "other")),
                 lambda: run(hub.disconnect("a", "other"))):
        with pytest.raises(Gone):
            call()
    assert sockets.sent == [] and sockets.closed == []
    run(hub.post("a", b"own", "api"))
    run(hub.post("a", b"any"))                  # a request naming no API reaches it
    assert sockets.sent == [("a", b"own"), ("a", b"any")]
