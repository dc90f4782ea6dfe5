"""Fixtures for the SDK edge: a runtime double that runs Python callables, a real uvicorn
server in a background thread, and real boto3 clients pointed at it."""
from __future__ import annotations

import json
import random
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Iterator

import boto3
import pytest
import uvicorn
from botocore.config import Config

from fogbank.aws import SdkApp
from fogbank.aws.lambda_api import CodeLinks, LambdaService
from fogbank.messaging import AsyncInvoker
from fogbank.types import FunctionSpec, InvokeResult, ResourceNotFound, TooManyRequests

WAIT_S = 30.0


@dataclass(frozen=True)
class Call:
    name: str
    event: Any
    client_context: str | None
    request_id: str
    invoked_function_arn: str
    trace_header: str | None = None


class FakeRuntime:
    """Runs `fn(event, context)` in-process, the way the real runtime reports results."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._functions: dict[str, tuple[FunctionSpec, Callable]] = {}
        self.calls: list[Call] = []
        self._changed = threading.Condition()

    def add(self, name: str, fn: Callable, **fields: Any) -> FunctionSpec:
        code_dir = self._root / "code" / name
        code_dir.mkdir(parents=True, exist_ok=True)
        (code_dir / "app.py").write_text("def handler(event, context):\n    return event\n")
        spec = FunctionSpec(name=name, handler="app.handler", code_dir=code_dir, **fields)
        self._functions[name] = (spec, fn)
        return spec

    def get(self, name: str) -> FunctionSpec:
        if name not in self._functions:
            raise ResourceNotFound(f"no function {name}")
        return self._functions[name][0]

    def list(self) -> list[FunctionSpec]:
        return [spec for spec, _ in self._functions.values()]

    async def invoke(self, name: str, payload: bytes, *, client_context: str | None = None,
                     tail_logs: bool = False, trace_header: str | None = None,
                     request_id: str | None = None) -> InvokeResult:
        name, _, qualifier = name.partition(":")     # "name:qualifier", as the runtime takes it
        spec, fn = self._functions[name]
        version = spec.routed_version(qualifier or None, random.random())
        if version is None:
            raise ResourceNotFound(f"Function not found: {spec.arn}:{qualifier}")
        request_id = request_id or str(uuid.uuid4())
        event = json.loads(payload)
        logs = [f"START RequestId: {request_id} Version: {version}"]
        invoked_arn = f"{spec.arn}:{qualifier}" if qualifier else spec.arn
        with self._changed:
            self.calls.append(Call(name, event, client_context, request_id, invoked_arn,
                                   trace_header))
            self._changed.notify_all()
        context = SimpleNamespace(aws_request_id=request_id, client_context=client_context,
                                  invoked_function_arn=invoked_arn, log=logs.append)
        error = None
        try:
            body = json.dumps(fn(event, context)).encode()
        except TooManyRequests:
            raise
        except Exception as exc:
            error = "Unhandled"
            body = json.dumps({"errorMessage": str(exc), "errorType": type(exc).__name__,
                               "requestId": request_id, "stackTrace": []}).encode()
        logs += [f"END RequestId: {request_id}",
                 f"REPORT RequestId: {request_id}\tDuration: 1.00 ms"]
        return InvokeResult(request_id, body, error, "\n".join(logs) + "\n",
                            executed_version=version,
                            error_type=None if error is None else "Exception")

    def calls_to(self, name: str) -> list[Call]:
        return [call for call in self.calls if call.name == name]

    def wait_for_calls(self, name: str, count: int, timeout: float = WAIT_S) -> list[Call]:
        with self._changed:
            ok = self._changed.wait_for(lambda: len(self.calls_to(name)) >= count, timeout)
        assert ok, f"{name} was invoked {len(self.calls_to(name))} times, expected {count}"
        return self.calls_to(name)


class Lifespan:
    """Starts and stops the async invoker inside the server's event loop, as node.py does."""

    def __init__(self, app: Callable, queue: AsyncInvoker) -> None:
        self._app, self._queue = app, queue

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "lifespan":
            await self._app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self._queue.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self._queue.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def bound() -> socket.socket:
    """A socket on a free local port, for a server whose app must know its own URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def url_of(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


def serve(app: Callable, sock: socket.socket | None = None) -> Iterator[str]:
    sock = sock or bound()
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT_S
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.01)
    try:
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(WAIT_S)
        sock.close()


@pytest.fixture
def runtime(tmp_path: Path) -> FakeRuntime:
    return FakeRuntime(tmp_path)


@pytest.fixture
def endpoint(runtime: FakeRuntime, tmp_path: Path) -> Iterator[str]:
    async def invoke(name: str, payload: bytes, *, request_id: str | None = None) -> InvokeResult:
        return await runtime.invoke(name, payload, request_id=request_id)

    def config(name: str, qualifier: str) -> Any:
        return runtime.get(name).event_invoke_configs.get(qualifier)

    queue = AsyncInvoker(tmp_path / "async.db", invoke, retry_delays_s=(0.01, 0.01), poll_s=0.05,
                         configs=config)
    sock = bound()
    links = CodeLinks(url_of(sock), runtime)
    sdk = SdkApp({"lambda": LambdaService(runtime, queue, links)}, region="us-east-1")

    async def app(scope: dict, receive: Callable, send: Callable) -> None:
        await (links if scope["type"] == "http" and links.handles(scope) else sdk)(
            scope, receive, send)

    yield from serve(Lifespan(app, queue), sock)


def client(service: str, url: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"total_max_attempts": 1}))


@pytest.fixture
def lambda_client(endpoint: str) -> Any:
    return client("lambda", endpoint)


def node_client(node: Any, service: str = "lambda", **config: Any) -> Any:
    """A boto3 client of a running node (fogbank.testing.RunningNode) that tries once."""
    return boto3.client(service, config=Config(retries={"total_max_attempts": 1}, **config),
                        **node.client_kwargs())


@pytest.fixture(scope="module")
def lam(node: Any) -> Any:
    """A Lambda client of the module's node (fogbank.testing.RunningNode)."""
    return node_client(node)


@pytest.fixture(scope="module")
def raw(node: Any) -> Any:
    """A Lambda client of the module's node that sends what it is given: boto3 would refuse
    some requests itself."""
    return node_client(node, parameter_validation=False)


def error_of(excinfo: Any) -> tuple[str, str, int]:
    """(code, message, status) of a botocore ClientError caught by pytest.raises."""
    response = excinfo.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])
