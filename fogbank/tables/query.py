"""Query and Scan: key ranges over the table's or an index's records, pages of at most
`Limit` evaluated items or 1 MB read, filters applied after the page is read."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from fogbank.tables import keys, records
from fogbank.tables.errors import ValidationException
from fogbank.tables.expressions.keys import TOO_MANY
from fogbank.tables.indexes import entry_key, index_space
from fogbank.tables.requests import (START_KEY, Expressions, check_comparison_operators,
                                     newer_validator, parse_expressions, start_key_faults)
from fogbank.tables.schema import IndexDef, TableDef
from fogbank.tables.storage import Reader, prefix_end
from fogbank.tables.validation import check_item_table_name, check_key, consumed, read_units
from fogbank.tables.values import compare
from fogbank.tables.writes import Parts, item_key, load

PAGE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Source:
    """Where a Query or Scan reads: the table itself or one of its indexes."""

    table: TableDef
    index: IndexDef | None

    @property
    def space(self) -> bytes:
        if self.index is None:
            return keys.ITEMS + keys.table_id_bytes(self.table.tid)
        return index_space(self.table, self.index)

    @property
    def multi_attribute(self) -> bool:
        return self.index is not None and self.index.multi_attribute

    # The partition and sort key of a source whose key has one attribute of each at most.
    @property
    def hash_name(self) -> str:
        return self.index.hash[0][0] if self.index else self.table.hash_name

    @property
    def range_name(self) -> str | None:
        if self.index is None:
            return self.table.range_name
        return self.index.range[0][0] if self.index.range else None

    def own_key_names(self) -> tuple[str, ...]:
        """The key attributes of what is read: the table's, or the index's."""
        return self.index.key_names() if self.index else self.table.key_names()

    def key_names(self) -> tuple[str, ...]:
        names = [*self.table.key_names()]
        if self.index:
            names += [n for n in self.index.key_names() if n not in names]
        return tuple(names)

    def record_key(self, item: Mapping[str, Any]) -> bytes | None:
        if self.index is None:
            return item_key(self.table, item)
        return entry_key(self.table, self.index, item)


def source_of(parts: Parts, params: Mapping[str, Any]) -> Source:
    table = parts.catalog.get(params["TableName"])
    name = params.get("IndexName")
    if name is None:
        return Source(table, None)
    index = table.indexes.get(name)
    if index is None:
        raise ValidationException(f"The table does not have the specified index: {name}")
    if params.get("ConsistentRead") and not index.local:
        raise ValidationException("Consistent reads are not supported on global secondary indexes")
    return Source(table, index)


def projects(source: Source, name: str) -> bool:
    """Whether the source holds `name` in its records: a table or an ALL index holds every
    attribute, other indexes the keys of table and index and their NonKeyAttributes."""
    index = source.index
    return (index is None or index.projection == "ALL" or name in source.key_names()
            or name in index.non_key)


def _projected_names(exprs: Expressions) -> list[str]:
    """The top-level attributes a ProjectionExpression or AttributesToGet names, in order."""
    if exprs.projection is None:
        return []
    return list(dict.fromkeys(path[0] for path in exprs.projection.paths))


def check_select(params: Mapping[str, Any], source: Source, exprs: Expressions,
                 operation: str) -> str:
    select = params.get("Select")
    projected = params.get("ProjectionExpression") is not None or params.get("AttributesToGet") is not None
    what = "ProjectionExpression" if params.get("ProjectionExpression") is not None else "AttributesToGet"
    if select is None:
        select = "SPECIFIC_ATTRIBUTES" if projected else (
            "ALL_PROJECTED_ATTRIBUTES" if source.index else "ALL_ATTRIBUTES")
    # Query's checks go through the request validator, which prefixes its count; Scan's do not.
    prefix = "1 validation error detected: " if operation == "Query" else ""
    if select == "SPECIFIC_ATTRIBUTES" and not projected:
        raise ValidationException(f"{prefix}Must specify the AttributesToGet or "
                                  "ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES")
    if select != "SPECIFIC_ATTRIBUTES" and projected:
        chosen = "only the Count" if select == "COUNT" else select
        raise ValidationException(f"{prefix}Cannot specify the {what} when choosing to get "
                                  f"{chosen}")
    if select == "ALL_PROJECTED_ATTRIBUTES" and source.index is None:
        raise ValidationException(f"{prefix}ALL_PROJECTED_ATTRIBUTES can be used only when "
                                  "Querying using an IndexName")
    index = source.index
    if index is None or index.local or index.projection == "ALL":
        return select
    if select == "ALL_ATTRIBUTES":
        raise ValidationException(
            "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
            f"supported for global secondary index {index.name} because its projection type "
            "is not ALL")
    # A GSI cannot reach back to the table (an LSI can, in the same partition).
    missing = [name for name in _projected_names(exprs) if not projects(source, name)]
    if missing:
        raise ValidationException(
            f"One or more parameter values were invalid: Global secondary index {index.name} "
            f"does not project [{', '.join(missing)}]")
    return select


def check_filter_projected(source: Source, exprs: Expressions) -> None:
    """Query filters an index's records before any fetch from the table, so a filter may
    read only attributes the index projects, on an LSI too."""
    if source.index is None:
        return
    missing = sorted(name for name in exprs.filter_names if not projects(source, name))
    if missing:
        raise ValidationException(
            f"One or more parameter values were invalid: Secondary index {source.index.name} "
            f"does not project one or more filter attributes: [{', '.join(missing)}]")


def start_after(source: Source, params: Mapping[str, Any]) -> bytes | None:
    start = params.get("ExclusiveStartKey")
    if start is None:
        return None
    names = source.key_names()
    if set(start) != set(names):
        raise ValidationException(START_KEY + "The provided key element does not match the schema")
    with start_key_faults():
        check_key(source.table, {n: start[n] for n in source.table.key_names()})
    key = source.record_key(start)
    if key is None:
        raise ValidationException(START_KEY + "The provided key element does not match the schema")
    return key


def read_page(reader: Reader, source: Source, start: bytes, end: bytes,
              after: bytes | None, params: Mapping[str, Any], exprs: Expressions,
              select: str, reverse: bool = False) -> dict[str, Any]:
    """Reads one page from [start, end) and builds the Query / Scan output."""
    if after is not None:
        if reverse:
            end = min(end, after)
        else:
            start = max(start, prefix_end(after))
    limit = params.get("Limit")
    # An LSI reaches back to the table for attributes it does not hold (a GSI was refused).
    fetch_base = source.index is not None and source.index.projection != "ALL" and (
        select == "ALL_ATTRIBUTES" or (select == "SPECIFIC_ATTRIBUTES" and any(
            not projects(source, name) for name in _projected_names(exprs))))
    items: list[dict[str, Any]] = []
    scanned = size = matched = 0
    last: Mapping[str, Any] | None = None
    for _, value in _entries(reader, start, end, reverse):
        item = records.unpack(value)
        scanned += 1
        size += records.size_of(value)
        last = item
        # The filter reads the index's record; only a kept item is fetched whole.
        if exprs.filter is None or exprs.filter.evaluate(item):
            matched += 1
            if select != "COUNT":
                if fetch_base:
                    item = load(reader, item_key(source.table, item)) or item
                items.append(exprs.projection.apply(item) if exprs.projection else item)
        if (limit is not None and scanned >= limit) or size >= PAGE_BYTES:
            break
    else:
        last = None
    output: dict[str, Any] = {"Count": matched, "ScannedCount": scanned}
    if select != "COUNT":
        output["Items"] = items
    if last is not None:
        output["LastEvaluatedKey"] = {n: last[n] for n in source.key_names()}
    units = read_units(size, bool(params.get("ConsistentRead")))
    capacity = (consumed(params, source.table, 0.0, {source.index.name: units}) if source.index
                else consumed(params, source.table, units))
    if capacity is not None:
        output["ConsumedCapacity"] = capacity
    return output


def _entries(reader: Reader, start: bytes, end: bytes, reverse: bool) -> Iterator[tuple[bytes, bytes]]:
    if start >= end:
        return iter(())
    return reader.scan(start, end, reverse=reverse)


class Reads:
    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    async def query(self, params: dict[str, Any]) -> dict[str, Any]:
        check_item_table_name(params["TableName"])
        check_comparison_operators(params)
        with newer_validator(enveloped=False):
            return await self._query(params)

    async def _query(self, params: dict[str, Any]) -> dict[str, Any]:
        # The request's own checks (the key condition's operand types among them) come
        # before the table is looked up.
        exprs = parse_expressions(params, "QueryFilter",
                                  value_users=("KeyConditionExpression", "FilterExpression"))
        source = source_of(self._parts, params)
        if exprs.key is None:
            raise ValidationException("Either the KeyConditions or KeyConditionExpression "
                                      "parameter must be specified in the request.")
        what = "QueryFilter" if params.get("QueryFilter") is not None else "Filter Expression"
        for name in source.own_key_names():
            if name in exprs.filter_names:
                raise ValidationException(f"{what} can only contain non-primary key attributes: "
                                          f"Primary key attribute: {name}")
        check_filter_projected(source, exprs)
        select = check_select(params, source, exprs, "Query")
        if source.multi_attribute:
            partition, start, end = _multi_key_range(source, exprs.key)
        else:
            partition, start, end = _key_range(source, exprs.key)
        after = start_after(source, params)
        if after is not None:
            _check_start_in_bounds(source, exprs.key, params["ExclusiveStartKey"], after,
                                   partition)
        with self._parts.storage.read() as reader:
            return read_page(reader, source, start, end, after, params, exprs, select,
                             reverse=params.get("ScanIndexForward") is False)

    async def scan(self, params: dict[str, Any]) -> dict[str, Any]:
        check_item_table_name(params["TableName"])
        check_comparison_operators(params)
        exprs = parse_expressions(params, "ScanFilter", value_users=("FilterExpression",))
        source = source_of(self._parts, params)
        select = check_select(params, source, exprs, "Scan")
        segment, total = params.get("Segment"), params.get("TotalSegments")
        if segment is not None and total is None:
            raise ValidationException("The TotalSegments parameter is required but was not "
                                      "present in the request when Segment parameter is present")
        if total is not None and segment is None:
            raise ValidationException("The Segment parameter is required but was not present "
                                      "in the request when parameter TotalSegments is present")
        if total is not None and segment >= total:
            raise ValidationException(
                "The Segment parameter is zero-based and must be less than parameter "
                f"TotalSegments: Segment: {segment} is not less than TotalSegments: {total}")
        if total is not None:
            start, end = keys.segment_range(source.space, segment, total)
        else:
            start, end = source.space, prefix_end(source.space)
        after = start_after(source, params)
        # A parallel scan resumes only within its own segment: a key of another would
        # silently skip or repeat items, so DynamoDB refuses it.
        if total is not None and after is not None and not start <= after < end:
            raise ValidationException(
                START_KEY + "Invalid ExclusiveStartKey. Please use ExclusiveStartKey with "
                f"correct Segment. TotalSegments: {total} Segment: {segment}")
        with self._parts.storage.read() as reader:
            return read_page(reader, source, start, end, after, params, exprs, select)


def _check_start_in_bounds(source: Source, kc: Any, start: Mapping[str, Any], after: bytes,
                           partition: bytes) -> None:
    """A Query resumes only from a key its key condition selects. DynamoDB judges the sort
    key against the condition's predicate first (a key of another partition that also fails
    it gets that message), then the partition."""
    if not source.multi_attribute:
        kc = kc.arranged(source.hash_name)
        if kc.op is not None and not kc.matches_range(start.get(source.range_name)):
            raise ValidationException("The provided starting key does not match the range key "
                                      "predicate")
    if not partition <= after < prefix_end(partition):
        raise ValidationException("The provided starting key is outside query boundaries "
                                  "based on provided conditions")


def _key_range(source: Source, kc: Any) -> tuple[bytes, bytes, bytes]:
    """Checks a key condition against the source's key schema: its partition, and the key
    range [start, end) it selects there."""
    if len(kc.clauses) > 2:
        raise ValidationException(_too_many(source, kc))
    kc = kc.arranged(source.hash_name)
    hash_name, hash_value = kc.hash_name, kc.hash_value
    range_name, op, values = kc.range_name, kc.op, tuple(kc.values)
    if kc.hash_op != "=" and hash_name == source.hash_name:
        raise ValidationException("Query key condition not supported")
    if range_name == hash_name:
        # A single condition that is not an equality cannot select a partition.
        if hash_name == source.hash_name:
            raise ValidationException("Query key condition not supported")
        raise ValidationException(f"Query condition missed key schema element: {source.hash_name}")
    if hash_name != source.hash_name:
        raise ValidationException(f"Query condition missed key schema element: {source.hash_name}")
    if range_name is not None and range_name != source.range_name:
        raise ValidationException(
            f"Query condition missed key schema element: {source.range_name}"
            if source.range_name else "Query key condition not supported")
    types = {a["AttributeName"]: a["AttributeType"]
             for a in source.table.record["AttributeDefinitions"]}
    _check_condition_values(types[hash_name], "=", (hash_value,))
    if range_name is not None:
        _check_condition_values(types[range_name], op, values)
    partition = keys.partition_prefix(source.space, hash_value)
    return (partition, *keys.sort_range(partition, op, values))


def _too_many(source: Source, kc: Any) -> str:
    """More conditions than a key of one HASH and at most one RANGE attribute takes. Only
    equalities DynamoDB counts as conditions of the expression; with another operator among
    them it counts them against the key schema's attributes."""
    if kc.too_many != TOO_MANY or all(op == "=" for _, op, _ in kc.clauses):
        return kc.too_many
    return (f"The number of query conditions ({len(kc.clauses)}) exceeds the number of key "
            f"attributes defined in the schema ({1 + (source.range_name is not None)})")


def _multi_key_range(source: Source, kc: Any) -> tuple[bytes, bytes, bytes]:
    """`_key_range` for a multi-attribute index key: an equality on every HASH attribute and
    on a gap-free run of RANGE attributes from the first; only the last RANGE attribute
    named may have another operator."""
    index = source.index
    assert index is not None
    given = {name: (op, values) for name, op, values in kc.clauses}
    hashes = [name for name, _ in index.hash]
    ranges = [name for name, _ in index.range]
    for name in hashes:
        if name not in given:
            raise ValidationException(f"Query condition missed key schema element: {name}")
    for name, (op, _) in given.items():
        if name not in ranges and (name not in hashes or op != "="):
            raise ValidationException("Query key condition not supported")
    # The RANGE attributes before the last one named must all have an equality.
    named = [i for i, name in enumerate(ranges) if name in given]
    equal = ranges[:named[-1]] if named else []
    loose = [name for name in equal if given.get(name, ("",))[0] != "="]
    if loose:
        raise ValidationException(
            f"RANGE key attributes {', '.join(loose)} must have equality conditions specified "
            f"in the query because a condition is present on key attribute {ranges[named[-1]]}")
    types = dict(index.hash + index.range)
    for name, (op, values) in given.items():
        _check_condition_values(types[name], op, values)
    partition = keys.partition_prefix(source.space, *(given[name][1][0] for name in hashes))
    within = partition + b"".join(keys.encode_value(given[name][1][0]) for name in equal)
    op, values = given[ranges[named[-1]]] if named else (None, ())
    return (partition, *keys.sort_range(within, op, values))


def _check_condition_values(kind: str, op: str | None, values: tuple) -> None:
    """A key condition's values against the key attribute's type `kind`."""
    for value in values:
        if kind not in value:
            raise ValidationException("One or more parameter values were invalid: Condition "
                                      "parameter type does not match schema type")
    if op == "begins_with" and kind == "N":
        raise ValidationException("Invalid KeyConditionExpression: Incorrect operand type for "
                                  "operator or function; operator or function: begins_with, "
                                  "operand type: N")
    if op == "BETWEEN" and compare(values[0], values[1]) > 0:
        low, high = (_show(v) for v in values)
        raise ValidationException(
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be "
            f"greater than or equal to lower bound; lower bound operand: AttributeValue: {low}, "
            f"upper bound operand: AttributeValue: {high}")


def _show(value: Mapping[str, Any]) -> str:
    kind = next(iter(value))
    return f"{{{kind}:{value[kind]}}}"
