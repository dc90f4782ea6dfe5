"""The one path by which items change: the item, its index entries and its stream record,
all in the caller's transaction on the storage's writer."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from fogbank.tables import keys, records
from fogbank.tables.catalog import Catalog
from fogbank.tables.errors import ResourceNotFoundException
from fogbank.tables.indexes import entry_key, index_space, project, update_indexes
from fogbank.tables.schema import TableDef
from fogbank.tables.storage import Reader, Storage, Writer, prefix_end
from fogbank.tables.streams import StreamLog
from fogbank.tables.validation import write_units

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


_GB = 1024 ** 3


def wants_collection_metrics(params: Mapping[str, Any], table: TableDef) -> bool:
    """Item collections exist only in tables with a local secondary index; DynamoDB reports
    nothing for other tables even when asked."""
    return (params.get("ReturnItemCollectionMetrics") == "SIZE"
            and any(index.local for index in table.indexes.values()))


def collection_metrics(reader: Reader, table: TableDef,
                       hash_value: Mapping[str, Any]) -> dict[str, Any]:
    """ItemCollectionMetrics for the items sharing one partition key value: their size in the
    table plus their entries in the local secondary indexes, as a 1 GB wide estimate."""
    spaces = [keys.ITEMS + keys.table_id_bytes(table.tid)]
    spaces += [index_space(table, index) for index in table.indexes.values() if index.local]
    size = 0
    for space in spaces:
        start = keys.partition_prefix(space, hash_value)
        size += sum(records.size_of(value) for _, value in reader.scan(start, prefix_end(start)))
    low = float(size // _GB)
    return {"ItemCollectionKey": {table.hash_name: hash_value},
            "SizeEstimateRangeGB": [low, low + 1.0]}


def index_write_units(table: TableDef, old: Item | None, new: Item | None) -> dict[str, float]:
    """The write units each secondary index spends on one item change, as DynamoDB counts
    them: an entry written or removed costs a write of its size (1 KB units); a changed index
    key costs both; an index the item is in neither before nor after, or whose entry does not
    change, costs nothing."""
    units: dict[str, float] = {}
    for index in table.indexes.values():
        before_key = entry_key(table, index, old) if old is not None else None
        after_key = entry_key(table, index, new) if new is not None else None
        before = project(table, index, old) if before_key is not None and old else None
        after = project(table, index, new) if after_key is not None and new else None
        if before_key is not None and before_key == after_key:
            if before != after:
                units[index.name] = write_units(before, after)
            continue
        cost = (write_units(before) if before is not None else 0.0) + (
            write_units(after) if after is not None else 0.0)
        if cost:
            units[index.name] = cost
    return units


def add_units(total: dict[str, float], more: Mapping[str, float], factor: float = 1.0) -> None:
    for name, units in more.items():
        total[name] = total.get(name, 0.0) + factor * units
