"""The node's own HTTP API under /_fogbank/: health, what it serves, and function logs.

`fogbank logs NAME -f` and `fogbank up` in another terminal read logs through it; a log
stream is newline-delimited JSON, one event a line, kept open while following.
"""
from __future__ import annotations

import json
from typing import Any, AsyncIterator, Callable, Protocol
from urllib.parse import parse_qs

from fogbank.edge import Receive, Scope, Send, send_json


class LogSource(Protocol):
    def query(self, name: str, start_ms: int | None = None, end_ms: int | None = None,
              limit: int | None = None) -> list[Any]: ...

    def follow(self, name: str) -> AsyncIterator[Any]: ...


class NodeApi:
    """ASGI app for /_fogbank/*; `describe` returns what the node serves (a JSON-able dict)."""

    def __init__(self, logs: LogSource, describe: Callable[[], dict[str, Any]],
                 knows_function: Callable[[str], bool]) -> None:
        self.logs = logs
        self.describe = describe
        self.knows_function = knows_function

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        parts = scope["path"].strip("/").split("/")
        query = {k: v[-1] for k, v in parse_qs(scope.get("query_string", b"").decode()).items()}
        if parts == ["_fogbank", "health"]:
            await send_json(send, 200, {"status": "ok"})
        elif parts == ["_fogbank", "node"]:
            await send_json(send, 200, self.describe())
        elif len(parts) == 3 and parts[1] == "logs":
            await self.serve_logs(parts[2], query, send)
        else:
            await send_json(send, 404, {"message": f"No such node API: {scope['path']}"})

    async def serve_logs(self, name: str, query: dict[str, str], send: Send) -> None:
        if not self.knows_function(name):
            await send_json(send, 404, {"message": f"Function not found: {name}"})
            return
        start = int(query["since"]) if query.get("since", "").isdigit() else None
        # Following from before the history is read: what is logged while the history is
        # sent comes after it, not never.
        follower = self.logs.follow(name) if query.get("follow") == "1" else None
        history = self.logs.query(name, start_ms=start)
        try:
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/x-ndjson")]})
            for event in history:
                await send({"type": "http.response.body", "body": line(event),
                            "more_body": True})
            if follower is not None:
                async for event in follower:
                    await send({"type": "http.response.body", "body": line(event),
                                "more_body": True})
        finally:
            if follower is not None:
                follower.close()
        await send({"type": "http.response.body", "body": b""})


def line(event: Any) -> bytes:
    return json.dumps({"timestamp_ms": event.timestamp_ms, "function_name": event.function_name,
                       "request_id": event.request_id, "message": event.message}).encode() + b"\n"
