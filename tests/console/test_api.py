"""The node's own API: health, what is served, and logs (NDJSON, followable)."""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
import httpx

from fogbank.console.api import NodeApi


@dataclass(frozen=True)
class Event:
    timestamp_ms: int
    function_name: str
    request_id: str
    message: str


class Logs:
    def __init__(self) -> None:
        self.events = [Event(1, "fn", "r1", "START RequestId: r1"), Event(2, "fn", "r1", "hi")]
        self.live: asyncio.Queue[Event] = asyncio.Queue()

    def query(self, name, start_ms=None, end_ms=None, limit=None):
        return [e for e in self.events if start_ms is None or e.timestamp_ms >= start_ms]

    def follow(self, name) -> Follower:
        self.follower = Follower(self.live)
        return self.follower


class Follower:
    """A live tail that a "stop" event ends, so that the test's request completes."""

    def __init__(self, live: asyncio.Queue[Event]) -> None:
        self.live = live
        self.closed = False

    def __aiter__(self) -> Follower:
        return self

    async def __anext__(self) -> Event:
        event = await self.live.get()
        if event.message == "stop":
            raise StopAsyncIteration
        return event

    def close(self) -> None:
        self.closed = True


def api(logs: Logs) -> NodeApi:
    return NodeApi(logs, lambda: {"ready": True}, lambda name: name == "fn")


async def get(app: NodeApi, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app),
                                 base_url="http://localhost") as client:
        return await client.get(path)


def test_health_and_node() -> None:
    app = api(Logs())
    assert asyncio.run(get(app, "/_fogbank/health")).json() == {"status": "ok"}
    assert asyncio.run(get(app, "/_fogbank/node")).json() == {"ready": True}


def test_unknown_paths_and_functions_are_404() -> None:
    app = api(Logs())
    r = asyncio.run(get(app, "/_fogbank/nothing"))
    assert r.status_code == 404 and "No such node API" in r.json()["message"]
    r = asyncio.run(get(app, "/_fogbank/logs/other"))
    assert r.status_code == 404 and r.json()["message"] == "Function not found: other"


def test_logs_as_ndjson_and_since() -> None:
    app = api(Logs())
    r = asyncio.run(get(app, "/_fogbank/logs/fn"))
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert [line["message"] for line in lines] == ["START RequestId: r1", "hi"]
    r = asyncio.run(get(app, "/_fogbank/logs/fn?since=2"))
    assert [json.loads(line)["message"] for line in r.text.splitlines()] == ["hi"]


def test_follow_streams_new_events() -> None:
    logs = Logs()

    async def go() -> list[str]:
        for message in ("later", "stop"):
            logs.live.put_nowait(Event(3, "fn", "r2", message))
        r = await get(api(logs), "/_fogbank/logs/fn?follow=1")
        return [json.loads(line)["message"] for line in r.text.splitlines()]

    assert asyncio.run(go()) == ["START RequestId: r1", "hi", "later"]
    assert logs.follower.closed
