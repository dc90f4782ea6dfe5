"""Fixtures for the tables engine: every storage backend, a clock tests move by hand,
and an engine over both, with a helper to call its coroutines from plain tests."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from fogbank.tables.engine import TablesEngine
from fogbank.tables.storage import Storage
from fogbank.tables.storage.sqlite import SqliteStorage

BACKENDS: dict[str, Callable[[Path], Storage]] = {
    "sqlite": lambda root: SqliteStorage(root / "tables.db"),
}


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(params=sorted(BACKENDS))
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    store = BACKENDS[request.param](tmp_path)
    yield store
    store.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


class Client:
    """Calls the engine's operations by their AWS names, synchronously."""

    def __init__(self, engine: TablesEngine) -> None:
        self.engine = engine
        self._loop = asyncio.new_event_loop()

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.engine, name)

        def call(**params: Any) -> Any:
            return self._loop.run_until_complete(method(params))
        return call

    def close(self) -> None:
        self._loop.close()


@pytest.fixture
def engine(storage: Storage, clock: FakeClock) -> Iterator[TablesEngine]:
    tables = TablesEngine(storage, clock=clock)
    yield tables
    tables.ttl.close()


@pytest.fixture
def db(engine: TablesEngine) -> Iterator[Client]:
    client = Client(engine)
    yield client
    client.close()


def make_table(db: Client, name: str = "tbl", *, range_key: str | None = None,
               range_type: str = "S", **extra: Any) -> None:
    schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
    attrs = [{"AttributeName": "pk", "AttributeType": "S"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
        attrs.append({"AttributeName": range_key, "AttributeType": range_type})
    attrs += extra.pop("extra_attrs", [])
    db.create_table(TableName=name, KeySchema=schema, AttributeDefinitions=attrs,
                    BillingMode="PAY_PER_REQUEST", **extra)
