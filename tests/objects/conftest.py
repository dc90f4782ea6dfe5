"""Fixtures for the objects engine: an engine on a temporary directory, a clock the test
moves, and a notification queue that records what it is given."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, AsyncIterator

import pytest

from fogbank.objects import GetObject, ObjectBody, ObjectsEngine, PutObject

START = 1_700_000_000.0          # 2023-11-14T22:13:20Z


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Queue:
    """Stands in for AsyncInvoker.enqueue (delivery is messaging's, tested there)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def enqueue(self, function_name: str, payload: bytes) -> str:
        self.sent.append((function_name, json.loads(payload)))
        return f"request-{len(self.sent)}"


async def chunks(data: bytes, size: int = 65536) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i:i + size]


async def read(got: ObjectBody) -> bytes:
    return b"".join([chunk async for chunk in got.body])


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def queue() -> Queue:
    return Queue()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "objects"


@pytest.fixture
async def engine(data_dir: Path, clock: Clock, queue: Queue) -> AsyncIterator[ObjectsEngine]:
    engine = ObjectsEngine(data_dir, clock=clock, enqueue=queue.enqueue, sweep_interval_s=0)
    await engine.start()
    yield engine
    await engine.close()


@pytest.fixture
async def bucket(engine: ObjectsEngine) -> str:
    await engine.buckets.create("photos")
    return "photos"


class Helper:
    """Short forms of the engine calls tests make again and again."""

    def __init__(self, engine: ObjectsEngine) -> None:
        self.engine = engine

    body = staticmethod(chunks)
    read = staticmethod(read)

    async def put(self, bucket: str, key: str, data: bytes, **fields: Any):
        return await self.engine.objects.put(PutObject(bucket, key, chunks(data), **fields))

    async def get(self, bucket: str, key: str, **fields: Any) -> bytes:
        return await read(await self.engine.objects.get(GetObject(bucket, key, **fields)))

    async def keys(self, bucket: str, **fields: Any) -> list[str]:
        page = await self.engine.objects.list_v2(bucket, **fields)
        return [info.key for info in page.contents]


@pytest.fixture
def s3(engine: ObjectsEngine) -> Helper:
    return Helper(engine)
