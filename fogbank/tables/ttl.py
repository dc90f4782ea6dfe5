"""The TTL sweeper: deletes items whose TTL attribute is in the past, as a service deletion.

As in DynamoDB, an expired item stays readable until a sweep removes it; the stream record
of the removal carries `userIdentity` {Type: Service, PrincipalId: dynamodb.amazonaws.com}.
A TTL value more than five years in the past is ignored, as DynamoDB ignores it.
"""
from __future__ import annotations

import logging
import threading
from decimal import Decimal, InvalidOperation

from fogbank.tables import keys, records, streams
from fogbank.tables.schema import TableDef
from fogbank.tables.storage import Writer, prefix_end
from fogbank.tables.writes import Parts, live, store

DEFAULT_PERIOD_S = 30.0
_FIVE_YEARS_S = 5 * 365 * 24 * 3600
log = logging.getLogger(__name__)


class TtlSweeper:
    """`TtlSweeper(parts, period_s)`; `start()` runs it on a thread, `sweep()` once."""

    def __init__(self, parts: Parts, period_s: float = DEFAULT_PERIOD_S) -> None:
        self._parts = parts
        self._period_s = period_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="tables-ttl", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._period_s):
            try:
                self.sweep()
            except Exception:           # a failed sweep is retried next period
                log.exception("TTL sweep failed")

    def sweep(self) -> int:
        """Deletes every expired item now; returns how many. Also trims old stream records."""
        deleted = 0
        for table in list(self._parts.catalog.tables.values()):
            if table.ttl_attribute is not None:
                deleted += self._parts.storage.submit(
                    lambda writer, t=table: self._sweep_table(writer, t)).result()
        self._parts.storage.submit(self._trim).result()
        return deleted

    def _trim(self, writer: Writer) -> None:
        now = self._parts.clock()
        streams.trim(writer, now)
        self._parts.catalog.forget_retired(writer, now - streams.RETENTION_S)

    def _sweep_table(self, writer: Writer, table: TableDef) -> int:
        current = live(self._parts.catalog, table)
        name = current.ttl_attribute
        if name is None:
            return 0
        now = self._parts.clock()
        space = keys.ITEMS + keys.table_id_bytes(current.tid)
        count = 0
        for key, value in writer.scan(space, prefix_end(space)):
            item = records.unpack(value)
            if _expired(item.get(name), now):
                store(self._parts, writer, current, key, item, None, service=True)
                count += 1
        return count


def _expired(value: object, now: float) -> bool:
    if not isinstance(value, dict) or "N" not in value:
        return False
    try:
        expires = Decimal(value["N"])
    except InvalidOperation:
        return False
    return now - _FIVE_YEARS_S <= expires < Decimal(repr(now))
