"""The Host guard and the dispatch rule of the node's front door."""
from __future__ import annotations

import asyncio

import httpx
import pytest

from fogbank.edge import Dispatch, HostGuard, host_name, is_internal, send_json


def app_named(name: str):
    async def app(scope, receive, send):
        await send_json(send, 200, {"app": name})
    return app


def client(allowed=()) -> httpx.AsyncClient:
    dispatch = Dispatch([(is_internal, app_named("node")),
                         (lambda scope: scope["path"].startswith("/_aws/execute-api/"),
                          app_named("gateway"))], default=app_named("sdk"))
    return httpx.AsyncClient(transport=httpx.ASGITransport(HostGuard(dispatch, allowed)),
                             base_url="http://127.0.0.1:4566")


def get(path: str, host: str, allowed=()) -> httpx.Response:
    async def go():
        async with client(allowed) as c:
            return await c.get(path, headers={"Host": host})
    return asyncio.run(go())


@pytest.mark.parametrize("host", ["127.0.0.1:4566", "localhost:4566", "localhost",
                                  "[::1]:4566", "abc123.execute-api.localhost:4566",
                                  "LOCALHOST:9"])
def test_local_hosts_are_served(host: str) -> None:
    assert get("/", host).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example:4566",
                                  "localhost.evil.example", "10.0.0.5:4566", ""])
def test_other_hosts_are_refused(host: str) -> None:
    r = get("/", host)
    assert r.status_code == 403
    assert "not served" in r.json()["message"]


def test_configured_hosts_are_served() -> None:
    assert get("/", "dev.box:4566", allowed=["dev.box"]).status_code == 200
    assert get("/", "a.corp.lan", allowed=[".corp.lan"]).status_code == 200
    assert get("/", "corp.lan.evil", allowed=[".corp.lan"]).status_code == 403


def test_dispatch_rule() -> None:
    assert get("/_fogbank/health", "localhost").json() == {"app": "node"}
    assert get("/_aws/execute-api/abc/x", "localhost").json() == {"app": "gateway"}
    assert get("/2015-03-31/functions", "localhost").json() == {"app": "sdk"}


def test_host_name_parsing() -> None:
    def scope(h: bytes) -> dict:
        return {"type": "http", "method": "GET", "path": "/", "headers": [(b"host", h)]}
    assert host_name(scope(b"Example.COM:80")) == "example.com"
    assert host_name(scope(b"[::1]:4566")) == "[::1]"
    assert host_name({"type": "http", "method": "GET", "path": "/", "headers": []}) == ""
