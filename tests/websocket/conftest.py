"""Fixtures for WebSocket APIs.

In-process: `Gateway` serves a WebSocket API (built here, as the providers would) with the
real gateway, hub and management API on a real uvicorn server in a thread, invoking plain
Python handlers instead of function workers; tests drive it with the `websockets` client
and boto3. Black-box: `chat_node` runs `fogbank up` on apps/chat with real functions.
"""
from __future__ import annotations

import asyncio
import json
import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import boto3
import pytest
import uvicorn
from botocore.config import Config

from fogbank.aws import SdkApp
from fogbank.aws.apigw_management import (ConnectionsEdge, ManagementService,
                                           is_connections_request)
from fogbank.connections import ConnectionHub, MemoryConnectionStore
from fogbank.edge import Dispatch
from fogbank.gateway import ApiRegistry, GatewayApp
from fogbank.gateway.http_protocol import SpellingHttpToolsProtocol
from fogbank.gateway.model import WEBSOCKET, Api, Integration, Route, Stage
from fogbank.gateway.websocket import WebSocketGateway, WebSocketLimits, server_options
from fogbank.testing import RunningNode
from fogbank.runtime.waiting import within
from fogbank.types import InvokeResult, InvokeSource, NotPermitted

HERE = Path(__file__).resolve().parent
API_ID = "chatapi123"
REPO = HERE.parents[1]

Handler = Callable[[dict], Any]


def ws_api(routes: dict[str, tuple[str, bool]], expression: str = "$request.body.action",
           stages: tuple[str, ...] = ("prod",)) -> Api:
    """A WebSocket API: route key → (function name, two-way)."""
    return Api(API_ID, WEBSOCKET, name="chat", route_selection_expression=expression,
               routes={f"r{i}": Route("", key, f"i{i}", "$default" if two_way else "")
                       for i, (key, (_, two_way)) in enumerate(routes.items())},
               integrations={f"i{i}": Integration(function=fn)
                             for i, (fn, _) in enumerate(routes.values())},
               stages={name: Stage(name) for name in stages})


class Functions:
    """Python handlers standing in for the runtime; records every event by function, and
    who the gateway said it was (`sources`). The functions named in `refusing` have a policy
    that lets no other service invoke them."""

    def __init__(self, handlers: dict[str, Handler]) -> None:
        self.handlers = handlers
        self.events: dict[str, list[dict]] = {name: [] for name in handlers}
        self.sources: list[InvokeSource | None] = []
        self.refusing: set[str] = set()

    async def invoke(self, name: str, payload: bytes, *, trace_header: str | None = None,
                     wait_s: float | None = None,
                     source: InvokeSource | None = None) -> InvokeResult:
        """As the runtime's Invoker: past `wait_s` the caller gets WaitExpired."""
        self.sources.append(source)
        if source is not None and name in self.refusing:
            raise NotPermitted(f"The resource-based policy of {name} does not allow "
                               f"{source.principal}: add an AWS::Lambda::Permission")
        call = self._run(name, payload)
        return await (call if wait_s is None else within(call, wait_s))

    async def _run(self, name: str, payload: bytes) -> InvokeResult:
        event = json.loads(payload)
        self.events[name].append(event)
        try:
            result = self.handlers[name](event)
            if asyncio.iscoroutine(result):
                result = await result
        except Exception as exc:   # the function's own error, as Lambda reports it
            error = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
            return InvokeResult("req", json.dumps(error).encode(), "Unhandled",
                                error_type=type(exc).__name__)
        return InvokeResult("req", json.dumps(result).encode())

    def wait_for(self, name: str, count: int = 1, timeout: float = 30) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.events[name]) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} got {len(self.events[name])} events, "
                                     f"wanted {count}")
            time.sleep(0.01)
        return self.events[name]


class Gateway:
    """The WebSocket gateway and the management API on a uvicorn server in a thread."""

    def __init__(self, api: Api, functions: Functions, limits: WebSocketLimits) -> None:
        self.functions = functions
        self.apis = ApiRegistry()
        self.apis.put(api)
        self.hub = ConnectionHub(MemoryConnectionStore())
        self.websockets = WebSocketGateway(self.apis, functions.invoke, self.hub, limits=limits)
        sdk = SdkApp({"apigatewaymanagementapi": ManagementService(self.hub)})
        gateway = GatewayApp(self.apis, functions.invoke, websockets=self.websockets)
        app = Dispatch([(is_connections_request, ConnectionsEdge(sdk, self.apis))],
                       default=gateway)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = f"ws://127.0.0.1:{self.port}/_aws/execute-api/{api.api_id}/prod"
        config = uvicorn.Config(app, http=SpellingHttpToolsProtocol, lifespan="off",
                                log_level="warning", **server_options(limits.frame_bytes, limits.message_bytes))
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]},
                                       daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)

    def management(self, endpoint: str | None = None) -> Any:
        return boto3.client("apigatewaymanagementapi", endpoint_url=endpoint or self.base,
                            region_name="us-east-1", aws_access_key_id="test",
                            aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 1}))

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture
def gateway_factory() -> Iterator[Callable[..., Gateway]]:
    started: list[Gateway] = []

    def start(api: Api, handlers: dict[str, Handler],
              limits: WebSocketLimits = WebSocketLimits()) -> Gateway:
        gateway = Gateway(api, Functions(handlers), limits)
        started.append(gateway)
        return gateway
    yield start
    for gateway in started:
        gateway.stop()


def ok(event: dict) -> dict:
    return {"statusCode": 200}


def echo(event: dict) -> dict:
    return {"statusCode": 200, "body": json.dumps({"route": event["requestContext"]["routeKey"],
                                                   "body": event["body"]})}


@pytest.fixture
def chat(gateway_factory: Callable[..., Gateway]) -> Gateway:
    """$connect, $disconnect, a two-way $default and "whoami", a one-way "note"."""
    api = ws_api({"$connect": ("connect", False), "$disconnect": ("disconnect", False),
                  "$default": ("default", True), "whoami": ("whoami", True),
                  "note": ("note", False)})
    return gateway_factory(api, {"connect": ok, "disconnect": ok, "default": echo,
                                 "whoami": echo, "note": ok})


# ---------------------------------------------------------------- black-box

@pytest.fixture(scope="module")
def chat_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningNode, dict]]:
    """`fogbank up` on a copy of apps/chat; yields the node and what it serves."""
    app_dir = tmp_path_factory.mktemp("ws") / "chat"
    shutil.copytree(HERE / "apps" / "chat", app_dir)
    node = RunningNode(app_dir, "--no-watch")
    try:
        yield node, node.wait_ready()
    finally:
        node.stop()


def wait_for_log(node: RunningNode, text: str, timeout: float = 60) -> str:
    """The first line of the node's output that holds `text` (function output included)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in node.output().splitlines():
            if text in line:
                return line
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not in the node's output:\n{node.output()[-3000:]}")


def wscat() -> str:
    """The wscat the Makefile installs (npm, from package.json)."""
    path = REPO / "node_modules" / ".bin" / "wscat"
    assert path.exists(), "wscat is missing: run `make test` (it runs npm install)"
    return str(path)
