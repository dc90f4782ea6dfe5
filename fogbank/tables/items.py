"""PutItem, GetItem, UpdateItem, DeleteItem."""
from __future__ import annotations

from typing import Any, Callable, Mapping

from fogbank.tables.errors import ConditionalCheckFailedException, ValidationException
from fogbank.tables.expressions.projections import Projection
from fogbank.tables.requests import newer_validator, parse_expressions
from fogbank.tables.storage import Writer
from fogbank.tables.validation import (check_item, check_item_table_name, check_key,
                                       check_key_values, check_return_values, check_size,
                                       check_updated, consumed, read_units, write_units)
from fogbank.tables.values import item_size, validate_item
from fogbank.tables.writes import (Parts, collection_metrics, index_write_units, item_key, live,
                                   load, store, updated, wants_collection_metrics)

Item = Mapping[str, Any]


def condition_failed(params: Mapping[str, Any], old: Item | None) -> ConditionalCheckFailedException:
    wants_item = params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
    return ConditionalCheckFailedException(item=old if wants_item and old is not None else None)


class ItemOps:
    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    async def _write(self, work: Any) -> Any:
        return await self._parts.storage.write(work)

    async def put_item(self, params: dict[str, Any]) -> dict[str, Any]:
        # DynamoDB validates the request before it looks the table up.
        check_item_table_name(params["TableName"])
        with newer_validator(enveloped=True):
            returns = check_return_values(params, ("NONE", "ALL_OLD"))
            exprs = parse_expressions(params, value_users=("ConditionExpression",))
            item = validate_item(params["Item"])
            # The size needs no schema: DynamoDB refuses an oversized item before it looks
            # the table up (and before it matches the key).
            check_size(item)
            table = self._parts.catalog.get(params["TableName"])
            item = check_item(table, item)
        key = item_key(table, item)
        metrics = wants_collection_metrics(params, table)

        def work(writer: Writer) -> tuple[Item | None, Item | None]:
            current = live(self._parts.catalog, table)
            old = load(writer, key)
            if exprs.condition is not None and not exprs.condition.evaluate(old or {}):
                raise condition_failed(params, old)
            store(self._parts, writer, current, key, old, item)
            return old, _metrics(metrics, writer, current, item)

        old, collection = await self._write(work)
        output: dict[str, Any] = {}
        if returns == "ALL_OLD" and old:
            output["Attributes"] = old
        _add_write_capacity(output, params, table, old, item)
        if collection is not None:
            output["ItemCollectionMetrics"] = collection
        return output

    async def get_item(self, params: dict[str, Any]) -> dict[str, Any]:
        check_item_table_name(params["TableName"])
        with newer_validator(enveloped=False):
            exprs = parse_expressions(params)
            check_key_values(params["Key"])
            table = self._parts.catalog.get(params["TableName"])
            key = item_key(table, check_key(table, params["Key"]))
        item = load(self._parts.storage, key)
        output: dict[str, Any] = {}
        if item is not None:
            output["Item"] = exprs.projection.apply(item) if exprs.projection else item
        _add_capacity(output, params, table, lambda: read_units(
            item_size(item) if item else 0, bool(params.get("ConsistentRead"))))
        return output

    async def delete_item(self, params: dict[str, Any]) -> dict[str, Any]:
        check_item_table_name(params["TableName"])
        with newer_validator(enveloped=True):
            returns = check_return_values(params, ("NONE", "ALL_OLD"))
            exprs = parse_expressions(params, value_users=("ConditionExpression",))
            check_key_values(params["Key"])
            table = self._parts.catalog.get(params["TableName"])
            key_attrs = check_key(table, params["Key"])
        key = item_key(table, key_attrs)
        metrics = wants_collection_metrics(params, table)

        def work(writer: Writer) -> tuple[Item | None, Item | None]:
            current = live(self._parts.catalog, table)
            old = load(writer, key)
            if exprs.condition is not None and not exprs.condition.evaluate(old or {}):
                raise condition_failed(params, old)
            if old is not None:
                store(self._parts, writer, current, key, old, None)
            return old, _metrics(metrics, writer, current, key_attrs)

        old, collection = await self._write(work)
        output: dict[str, Any] = {}
        if returns == "ALL_OLD" and old:
            output["Attributes"] = old
        _add_write_capacity(output, params, table, old, None)
        if collection is not None:
            output["ItemCollectionMetrics"] = collection
        return output

    async def update_item(self, params: dict[str, Any]) -> dict[str, Any]:
        check_item_table_name(params["TableName"])
        with newer_validator(enveloped=True):
            returns = check_return_values(
                params, ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"))
            exprs = parse_expressions(params,
                                      value_users=("UpdateExpression", "ConditionExpression"))
            check_key_values(params["Key"])
            table = self._parts.catalog.get(params["TableName"])
            key_attrs = check_key(table, params["Key"])
        key = item_key(table, key_attrs)
        _refuse_key_update(table, exprs.update)
        metrics = wants_collection_metrics(params, table)

        def work(writer: Writer) -> tuple[Item | None, Item | None, Item | None]:
            current = live(self._parts.catalog, table)
            old = load(writer, key)
            if exprs.condition is not None and not exprs.condition.evaluate(old or {}):
                raise condition_failed(params, old)
            new = updated(exprs.update, old, key_attrs)
            if new is not None:
                # The update's own limits first (its size and nesting texts), whether or not
                # the table has indexes to check the item against.
                check_updated(new, exprs.update)
                new = check_item(current, new) if current.indexes else new
                store(self._parts, writer, current, key, old, new)
            return old, new, _metrics(metrics, writer, current, key_attrs)

        old, new, collection = await self._write(work)
        output: dict[str, Any] = {}
        attributes = _returned(returns, old, new, exprs.update)
        if attributes:
            output["Attributes"] = attributes
        _add_write_capacity(output, params, table, old, new)
        if collection is not None:
            output["ItemCollectionMetrics"] = collection
        return output


def _refuse_key_update(table: Any, update: Any) -> None:
    if update is None:
        return
    for key_name in table.key_names():
        if key_name in update.top_level_names:
            raise ValidationException(
                "One or more parameter values were invalid: Cannot update attribute "
                f"{key_name}. This attribute is part of the key")


def _returned(returns: str, old: Item | None, new: Item | None, update: Any) -> Item | None:
    if returns == "ALL_OLD":
        return old
    if returns == "ALL_NEW":
        return new
    if returns not in ("UPDATED_OLD", "UPDATED_NEW") or update is None:
        return None
    # Only the updated document paths, nested ones inside their enclosing maps and lists
    # (`SET a.b = :v` gives {"a": {"M": {"b": …}}}), not whole top-level attributes.
    return Projection(list(update.paths)).apply((old if returns == "UPDATED_OLD" else new) or {})


def _metrics(wanted: bool, writer: Writer, table: Any, key: Item) -> Item | None:
    """ItemCollectionMetrics of the written item's collection, measured after the write."""
    return collection_metrics(writer, table, key[table.hash_name]) if wanted else None


def _add_write_capacity(output: dict[str, Any], params: Mapping[str, Any], table: Any,
                        old: Item | None, new: Item | None) -> None:
    # A write also costs its index entries' writes, as in DynamoDB.
    _add_capacity(output, params, table, lambda: write_units(old, new),
                  lambda: index_write_units(table, old, new))


def _add_capacity(output: dict[str, Any], params: Mapping[str, Any], table: Any,
                  units: Callable[[], float],
                  index_units: Callable[[], Mapping[str, float]] = dict) -> None:
    # Sizing items costs a walk of every value: only when the caller asked for capacity.
    if params.get("ReturnConsumedCapacity", "NONE") == "NONE":
        return
    capacity = consumed(params, table, units(), index_units())
    if capacity is not None:
        output["ConsumedCapacity"] = capacity

