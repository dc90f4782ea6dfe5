"""Fixtures for runtime tests: a started Runtime on its own loop, and handler dirs in tmp."""
from __future__ import annotations

import asyncio
import json
import textwrap
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from fogbank.runtime import Runtime, RuntimeConfig
from fogbank.types import FunctionSpec, InvokeResult


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    path = tmp_path / "state"
    path.mkdir()
    return path


@pytest.fixture
def make_runtime(loop: asyncio.AbstractEventLoop, state_dir: Path) -> Iterator[Callable[..., Runtime]]:
    made: list[Runtime] = []

    def make(**settings: Any) -> Runtime:
        runtime = Runtime(RuntimeConfig(state_dir=state_dir, **settings))
        loop.run_until_complete(runtime.start())
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        loop.run_until_complete(runtime.close())


@pytest.fixture
def runtime(make_runtime: Callable[..., Runtime]) -> Runtime:
    return make_runtime()


@pytest.fixture
def code(tmp_path: Path) -> Callable[..., Path]:
    """Write a function's code dir: code("fn", {"app.py": "..."}) → its path."""

    def write(name: str, files: dict[str, str]) -> Path:
        root = tmp_path / "code" / name
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        root.mkdir(parents=True, exist_ok=True)
        return root

    return write


@pytest.fixture
def deploy(runtime: Runtime, code: Callable[..., Path]) -> Callable[..., FunctionSpec]:
    """Deploy a one-file function: deploy("fn", "def handler(e, c): ...", timeout_s=1)."""

    def go(name: str, source: str, handler: str = "app.handler", **spec: Any) -> FunctionSpec:
        fn = FunctionSpec(name=name, handler=handler, code_dir=code(name, {"app.py": source}), **spec)
        runtime.deploy(fn)
        return fn

    return go


@pytest.fixture
def invoke(loop: asyncio.AbstractEventLoop, runtime: Runtime) -> Callable[..., tuple[InvokeResult, Any]]:
    """invoke("fn", {"event": 1}) → (InvokeResult, decoded payload)."""

    def call(name: str, event: Any = None, **options: Any) -> tuple[InvokeResult, Any]:
        body = json.dumps({} if event is None else event).encode()
        result = loop.run_until_complete(runtime.invoke(name, body, **options))
        return result, json.loads(result.payload)

    return call
