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
from typing import Any, Awaitable, Callable

from fogbank.tables.backups import Backups
from fogbank.tables.batch import Batches
from fogbank.tables.catalog import Catalog
from fogbank.tables.control import ControlPlane
from fogbank.tables.items import ItemOps
from fogbank.tables.partiql import PartiQL
from fogbank.tables.query import Reads
from fogbank.tables.resource_policies import ResourcePolicies
from fogbank.tables.restores import Restores
from fogbank.tables.storage import Storage
from fogbank.tables.storage.sqlite import SqliteStorage
from fogbank.tables.streams import StreamLog, StreamsApi
from fogbank.tables.table_settings import TableSettings
from fogbank.tables.transactions import Transactions
from fogbank.tables.ttl import DEFAULT_PERIOD_S, TtlSweeper
from fogbank.tables.writes import Parts

Output = dict[str, Any]
Operation = Callable[[dict[str, Any]], Awaitable[Output]]


def _on_thread(method: Callable[[Any], Output]) -> Operation:
    """A synchronous control-plane method as an operation: it waits for its own commit, so
    it runs on a thread rather than on the event loop."""
    async def operation(params: dict[str, Any]) -> Output:
        return await asyncio.to_thread(method, params)
    return operation


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
        control = self.control          # its writes wait for their commit
        self.create_table = _on_thread(control.create_table)
        self.delete_table = _on_thread(control.delete_table)
        self.describe_table = _on_thread(control.describe)
        self.update_table = _on_thread(control.update_table)
        self.update_time_to_live = _on_thread(control.update_time_to_live)
        self.tag_resource = _on_thread(control.tag_resource)
        self.untag_resource = _on_thread(control.untag_resource)
        self._wire_backups_and_settings(catalog, clock)

    def _wire_backups_and_settings(self, catalog: Catalog, clock: Callable[[], float]) -> None:
        """Backups, restores, point-in-time recovery, resource policies, contributor
        insights: control-plane operations beside the table ones."""
        self.settings = TableSettings(self.storage, catalog, clock)
        backups = Backups(self.storage, catalog, clock)
        restores = Restores(self.storage, catalog, self.control, backups, self.settings, clock)
        policies = ResourcePolicies(self.storage, catalog, clock)
        self.create_backup = _on_thread(backups.create_backup)
        self.describe_backup = _on_thread(backups.describe_backup)
        self.list_backups = _on_thread(backups.list_backups)
        self.delete_backup = _on_thread(backups.delete_backup)
        self.restore_table_from_backup = _on_thread(restores.restore_table_from_backup)
        self.restore_table_to_point_in_time = _on_thread(restores.restore_table_to_point_in_time)
        settings = self.settings
        self.describe_continuous_backups = _on_thread(settings.describe_continuous_backups)
        self.update_continuous_backups = _on_thread(settings.update_continuous_backups)
        self.describe_contributor_insights = _on_thread(settings.describe_contributor_insights)
        self.update_contributor_insights = _on_thread(settings.update_contributor_insights)
        self.list_contributor_insights = _on_thread(settings.list_contributor_insights)
        self.describe_kinesis_streaming_destination = _on_thread(
            settings.describe_kinesis_streaming_destination)
        self.describe_table_replica_auto_scaling = _on_thread(
            settings.describe_table_replica_auto_scaling)
        self.describe_global_table = _on_thread(settings.describe_global_table)
        self.put_resource_policy = _on_thread(policies.put_resource_policy)
        self.get_resource_policy = _on_thread(policies.get_resource_policy)
        self.delete_resource_policy = _on_thread(policies.delete_resource_policy)

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

    async def list_tables(self, params: dict[str, Any]) -> Output:
        return self.control.list_tables(params)

    async def describe_time_to_live(self, params: dict[str, Any]) -> Output:
        return self.control.describe_time_to_live(params)

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
