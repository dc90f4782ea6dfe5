"""The one path by which items change: the item, its index entries and its stream record,
all in the caller's transaction on the storage's writer."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from fogbank.tables import keys, records
from fogbank.tables.catalog import Catalog
from fogbank.tables.errors import ResourceNotFoundException
from fogbank.tables.indexes import update_indexes
from fogbank.tables.schema import TableDef
from fogbank.tables.storage import Reader, Storage, Writer
from fogbank.tables.streams import StreamLog

Item = Mapping[str, Any]


@dataclass(frozen=True)
class Parts:
    """What every item operation works with; built once by the engine."""

    storage: Storage
    catalog: Catalog
    streams: StreamLog
    clock: Callable[[], float]


def item_key(table: TableDef, key: Mapping[str, Any]) -> bytes:
    space = keys.ITEMS + keys.table_id_bytes(table.tid)
    return keys.record_key(space, key[table.hash_name],
                           key[table.range_name] if table.range_name else None)


def load(reader: Reader | Storage, key: bytes) -> dict[str, Any] | None:
    raw = reader.get(key)
    return records.unpack(raw) if raw is not None else None


def live(catalog: Catalog, table: TableDef) -> TableDef:
    """The table as it is now, on the writer; gone if it was deleted meanwhile."""
    current = catalog.tables.get(table.name)
    if current is None or current.tid != table.tid:
        raise ResourceNotFoundException("Requested resource not found")
    return current


def updated(update: Any, old: Item | None, key: Mapping[str, Any]) -> dict[str, Any] | None:
    """The item an UpdateItem leaves, or None when there is still no item.

    An update made only of removals (REMOVE, DELETE) does not create a missing item in
    DynamoDB; an empty one (AttributeUpdates={}, or none at all) creates it with just its key.
    """
    if update is None:
        return dict(old if old is not None else key)
    if old is None and update.steps and all(step[0] in _REMOVALS for step in update.steps):
        return None
    return update.apply(old if old is not None else key)


_REMOVALS = frozenset({"REMOVE", "DELETE"})


def store(parts: Parts, writer: Writer, table: TableDef, key: bytes, old: Item | None,
          new: Item | None, *, service: bool = False) -> None:
    if new is None:
        writer.delete(key)
    else:
        writer.put(key, records.pack(new))
    if table.indexes:
        update_indexes(writer, table, old, new)
    if table.stream_view is not None:
        parts.streams.append(writer, table, old, new, parts.clock(), service)
