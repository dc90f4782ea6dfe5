"""The tables engine: one object holding storage, catalog and stream log, with a method per
DynamoDB and DynamoDB Streams operation. Methods take the operation's input dict (as
botocore shapes it) and return its output dict; errors are `fogbank.tables.errors`.

Item operations are coroutines: reads run at once, writes wait for their group commit
without blocking the event loop. Control-plane operations are rare and run on a thread.
"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, Callable

from fogbank.tables.batch import Batches
from fogbank.tables.catalog import Catalog
from fogbank.tables.control import ControlPlane
from fogbank.tables.items import ItemOps
from fogbank.tables.partiql import PartiQL
from fogbank.tables.query import Reads
from fogbank.tables.storage import Storage
from fogbank.tables.storage.sqlite import SqliteStorage
from fogbank.tables.streams import StreamLog, StreamsApi
from fogbank.tables.transactions import Transactions
from fogbank.tables.ttl import DEFAULT_PERIOD_S, TtlSweeper
from fogbank.tables.writes import Parts

Output = dict[str, Any]


class TablesEngine:
    """`TablesEngine(storage, region=…, account_id=…, clock=time.time)`; `close()` when done.

    `TablesEngine.open(state_dir)` builds one on the default SQLite storage.
    """

    def __init__(self, storage: Storage, *, region: str = "us-east-1",
                 account_id: str = "000000000000", clock: Callable[[], float] = time.time,
                 ttl_period_s: float = DEFAULT_PERIOD_S) -> None:
        self.storage = storage
        with storage.read() as reader:
            catalog = Catalog(reader, region, account_id)
            log = StreamLog(reader, region)
        self.parts = Parts(storage, catalog, log, clock)
        self.control = ControlPlane(storage, catalog, clock)
        self.streams = StreamsApi(storage, catalog, log, clock)
        self.ttl = TtlSweeper(self.parts, ttl_period_s)
        items, reads = ItemOps(self.parts), Reads(self.parts)
        batches, transactions = Batches(self.parts), Transactions(self.parts)
        self.put_item, self.get_item = items.put_item, items.get_item
        self.update_item, self.delete_item = items.update_item, items.delete_item
        self.query, self.scan = reads.query, reads.scan
        self.batch_get_item, self.batch_write_item = batches.batch_get_item, batches.batch_write_item
        self.transact_write_items = transactions.transact_write_items
        self.transact_get_items = transactions.transact_get_items
        # PartiQL runs its statements through the item operations above.
        partiql = PartiQL(catalog, self)
        self.execute_statement = partiql.execute_statement
        self.batch_execute_statement = partiql.batch_execute_statement
        self.execute_transaction = partiql.execute_transaction

    @classmethod
    def open(cls, state_dir: Path, **options: Any) -> TablesEngine:
        return cls(SqliteStorage(Path(state_dir) / "tables.db"), **options)

    def start(self) -> None:
        """Starts the TTL sweeper."""
        self.ttl.start()

    def close(self) -> None:
        self.ttl.close()
        self.storage.close()

    # ------------------------------------------------------------------ control plane

    async def _control(self, method: Callable[[Any], Output], params: dict[str, Any]) -> Output:
        return await asyncio.to_thread(method, params)

    async def create_table(self, params: dict[str, Any]) -> Output:
        return await self._control(self.control.create_table, params)

    async def delete_table(self, params: dict[str, Any]) -> Output:
        return await self._control(self.control.delete_table, params)

    async def describe_table(self, params: dict[str, Any]) -> Output:
        return await self._control(self.control.describe, params)

    async def list_tables(self, params: dict[str, Any]) -> Output:
        return self.control.list_tables(params)

    async def update_table(self, params: dict[str, Any]) -> Output:
        return await self._control(self.control.update_table, params)

    async def update_time_to_live(self, params: dict[str, Any]) -> Output:
        return await self._control(self.control.update_time_to_live, params)

    async def describe_time_to_live(self, params: dict[str, Any]) -> Output:
        return self.control.describe_time_to_live(params)

    async def tag_resource(self, params: dict[str, Any]) -> Output:
        return await self._control(self.control.tag_resource, params)

    async def untag_resource(self, params: dict[str, Any]) -> Output:
        return await self._control(self.control.untag_resource, params)

    async def list_tags_of_resource(self, params: dict[str, Any]) -> Output:
        return self.control.list_tags_of_resource(params)

    async def describe_limits(self, params: dict[str, Any]) -> Output:
        return self.control.describe_limits(params)

    async def describe_endpoints(self, params: dict[str, Any]) -> Output:
        return self.control.describe_endpoints(params)

    # ------------------------------------------------------------------ streams

    async def list_streams(self, params: dict[str, Any]) -> Output:
        return self.streams.list_streams(params)

    async def describe_stream(self, params: dict[str, Any]) -> Output:
        return self.streams.describe_stream(params)

    async def get_shard_iterator(self, params: dict[str, Any]) -> Output:
        return self.streams.get_shard_iterator(params)

    async def get_records(self, params: dict[str, Any]) -> Output:
        return self.streams.get_records(params)
