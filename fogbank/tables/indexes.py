"""Secondary indexes: their entries are written with the base item, in the same transaction.

An index is sparse: an item lacking one of the index's key attributes has no entry. The
entry's value is the item as the index projects it (KEYS_ONLY, INCLUDE or ALL).
"""
from __future__ import annotations

from typing import Any, Mapping

from fogbank.tables import keys, records
from fogbank.tables.errors import ValidationException
from fogbank.tables.schema import IndexDef, TableDef
from fogbank.tables.storage import Writer, prefix_end

Item = Mapping[str, Any]


def index_space(table: TableDef, index: IndexDef) -> bytes:
    return keys.INDEX + keys.table_id_bytes(table.tid) + keys.index_id_bytes(index.number)


# DynamoDB's limits on key attribute sizes, in bytes.
MAX_HASH_BYTES = 2048
MAX_RANGE_BYTES = 1024


def check_index_keys(table: TableDef, item: Item) -> None:
    """DynamoDB refuses a write whose index key attributes have the wrong type, are empty or
    are longer than a key may be."""
    for index in table.indexes.values():
        for name, kind in index.hash + index.range:
            value = item.get(name)
            if value is None:
                continue
            actual = next(iter(value))
            if actual != kind:
                raise ValidationException(
                    "One or more parameter values were invalid: Type mismatch for Index Key "
                    f"{name} Expected: {kind} Actual: {actual} IndexName: {index.name}")
            if kind != "N" and len(value[kind]) == 0:
                raise ValidationException(
                    "One or more parameter values are not valid. A value specified for a "
                    "secondary index key is not supported. The AttributeValue for a key "
                    "attribute cannot contain an empty string value. IndexName: "
                    f"{index.name}, IndexKey: {name}")
        _check_key_sizes(index, item)


def _key_size(value: Mapping[str, Any]) -> int:
    (kind, raw), = value.items()
    if kind == "N":
        return 0
    return len(raw.encode()) if isinstance(raw, str) else len(raw)


def _check_key_sizes(index: IndexDef, item: Item) -> None:
    """An index key is held to the base table's key limits, in DynamoDB's words: its own
    for a partition key, the base table's for a sort key."""
    for name, _ in index.hash:
        value = item.get(name)
        size = _key_size(value) if value is not None else 0
        if size > MAX_HASH_BYTES:
            raise ValidationException(
                "One or more parameter values were invalid: Size limit exceeded for Index Key "
                f"{name} Actual Size: {size} bytes Max Size: {MAX_HASH_BYTES} bytes "
                f"IndexName: {index.name}")
    for name, _ in index.range:
        value = item.get(name)
        if value is not None and _key_size(value) > MAX_RANGE_BYTES:
            raise ValidationException(
                "One or more parameter values were invalid: Aggregated size of all range keys "
                f"has exceeded the size limit of {MAX_RANGE_BYTES} bytes")


def entry_key(table: TableDef, index: IndexDef, item: Item) -> bytes | None:
    """The entry's key, or None when the item lacks one of the index's key attributes."""
    values = [item.get(name) for name in index.key_names()]
    if any(value is None for value in values):
        return None
    hashes = len(index.hash)
    key = keys.partition_prefix(index_space(table, index), *values[:hashes])
    key += b"".join(keys.encode_value(value) for value in values[hashes:])
    key += keys.encode_value(item[table.hash_name])
    if table.range_name is not None:
        key += keys.encode_value(item[table.range_name])
    return key


def project(table: TableDef, index: IndexDef, item: Item) -> dict[str, Any]:
    if index.projection == "ALL":
        return dict(item)
    wanted = {*table.key_names(), *index.key_names()}
    if index.projection == "INCLUDE":
        wanted.update(index.non_key)
    return {name: value for name, value in item.items() if name in wanted}


def update_indexes(writer: Writer, table: TableDef, old: Item | None, new: Item | None) -> None:
    for index in table.indexes.values():
        old_key = entry_key(table, index, old) if old is not None else None
        new_key = entry_key(table, index, new) if new is not None else None
        if old_key is not None and old_key != new_key:
            writer.delete(old_key)
        if new_key is not None:
            writer.put(new_key, records.pack(project(table, index, new)))


def _indexable(index: IndexDef, item: Item) -> bool:
    """Whether an existing item can have an entry in a new index: a key attribute of another
    type, empty or over the key size limits is left out, since it was written before the
    index made it invalid."""
    limits = [(name, kind, MAX_HASH_BYTES) for name, kind in index.hash]
    limits += [(name, kind, MAX_RANGE_BYTES) for name, kind in index.range]
    for name, kind, limit in limits:
        value = item.get(name)
        if value is None or kind not in value:
            return False
        if kind != "N" and not 0 < _key_size(value) <= limit:
            return False
    return True


def backfill_index(writer: Writer, table: TableDef, index: IndexDef) -> None:
    """Fills a new global secondary index from the items already in the table."""
    space = keys.ITEMS + keys.table_id_bytes(table.tid)
    for _, value in writer.scan(space, prefix_end(space)):
        item = records.unpack(value)
        if not _indexable(index, item):
            continue
        key = entry_key(table, index, item)
        if key is not None:
            writer.put(key, records.pack(project(table, index, item)))
