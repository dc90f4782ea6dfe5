"""The node's front door: one ASGI app on one port that guards and dispatches every request.

Layers, outermost first:
1. the Host guard — a browser page on another site can make requests to 127.0.0.1 through a
   name it controls (DNS rebinding); only local names and configured ones are served;
2. dispatch by an explicit rule: `/_fogbank/` → the node's own API (CLI, console), an
   API Gateway address → the app gateway, an S3 request (a bucket host, an S3 signature, or
   an unsigned request no other service claims) → S3, everything else → the SDK endpoint.
"""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Iterable

from fogbank.wire import host_header

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

INTERNAL_PREFIX = "/_fogbank/"
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def host_name(scope: Scope) -> str:
    """The Host header without its port, lower-cased ("" when absent)."""
    host = host_header(scope).strip().lower()
    if host.startswith("["):                    # [::1]:4566
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class HostGuard:
    """Refuses requests whose Host is not a local name (or *.localhost, or configured)."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed = LOCAL_NAMES | {h.lower() for h in allowed}

    def accepts(self, host: str) -> bool:
        return host in self.allowed or host.endswith(".localhost") or any(
            a.startswith(".") and host.endswith(a) for a in self.allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not self.accepts(host_name(scope)):
            await refuse(scope, send, 403,
                         {"message": f"Host '{host_name(scope)}' is not served by this node; "
                                     "start fogbank with --allow-host to accept it"})
            return
        await self.app(scope, receive, send)


Route = tuple[Callable[[Scope], bool], ASGIApp]


class Dispatch:
    """Routes each request by an explicit table: the first predicate that claims it wins.

    Lifespan events are acknowledged here; the node starts and stops its engines itself.
    """

    def __init__(self, routes: Iterable[Route], default: ASGIApp) -> None:
        self.routes = tuple(routes)
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        for claims, app in self.routes:
            if claims(scope):
                await app(scope, receive, send)
                return
        await self.default(scope, receive, send)


def is_internal(scope: Scope) -> bool:
    return scope["path"].startswith(INTERNAL_PREFIX)


async def lifespan(receive: Receive, send: Send) -> None:
    """The node starts and stops its engines itself; lifespan events are only acknowledged."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def refuse(scope: Scope, send: Send, status: int, body: dict[str, Any]) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    await send_json(send, status, body)


async def send_json(send: Send, status: int, body: Any,
                    headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode()), *headers]})
    await send({"type": "http.response.body", "body": data})
