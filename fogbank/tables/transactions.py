"""TransactWriteItems and TransactGetItems.

A write transaction checks every condition, then applies every change, inside one piece
of work on the storage's writer: all or nothing, isolated from every other write. A
ClientRequestToken makes a repeat within 10 minutes a no-op that succeeds.
"""
from __future__ import annotations

import hashlib
import json
import marshal
from dataclasses import dataclass
from typing import Any, Mapping

from fogbank.tables import keys
from fogbank.tables.errors import (IdempotentParameterMismatchException,
                                   TransactionCanceledException, ValidationException)
from fogbank.tables.requests import Expressions, parse_expressions
from fogbank.tables.schema import TableDef
from fogbank.tables.storage import Writer
from fogbank.tables.validation import (check_enum, check_item, check_key, check_key_not_empty,
                                       check_key_values, check_size, check_updated,
                                       constraint_error, consumed, name_problems, read_units,
                                       write_units)
from fogbank.tables.values import item_size, validate_item
from fogbank.tables.writes import (Parts, add_units, collection_metrics, index_write_units,
                                   item_key, live, load, store, updated, wants_collection_metrics)

TOKEN_TTL_S = 600
_ACTIONS = ("ConditionCheck", "Put", "Delete", "Update")
# The members each action's shape requires, in the service model's order.
_REQUIRED = {"ConditionCheck": ("Key", "TableName", "ConditionExpression"),
             "Put": ("Item", "TableName"), "Delete": ("Key", "TableName"),
             "Update": ("Key", "UpdateExpression", "TableName"), "Get": ("Key", "TableName")}
_RETURN_OLD = ("ALL_OLD", "NONE")
MAX_PAYLOAD = 4 * 1024 * 1024


@dataclass(frozen=True)
class Action:
    kind: str
    table: TableDef
    key: bytes
    key_attrs: Mapping[str, Any]
    item: Mapping[str, Any] | None          # Put's item
    exprs: Expressions
    return_old: bool                        # ReturnValuesOnConditionCheckFailure=ALL_OLD
    invalid: str | None = None              # why the item or key breaks the table's schema


class Transactions:
    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    def _action(self, checked: _Checked) -> Action:
        kind, request, exprs, item = checked
        table = self._parts.catalog.get(request["TableName"])
        return_old = request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
        # Empty key values fail the whole request; an item or key that does not fit the
        # table's schema cancels the transaction with a ValidationError reason instead.
        check_key_not_empty(table, item if item is not None else request["Key"])
        try:
            if item is not None:
                item = check_item(table, item)
                check_size(item)
                key_attrs = table.key_of(item)
            else:
                key_attrs = check_key(table, request["Key"])
        except ValidationException as exc:
            return Action(kind, table, b"", {}, item, exprs, return_old, exc.message)
        return Action(kind, table, item_key(table, key_attrs), key_attrs, item, exprs,
                      return_old)

    async def transact_write_items(self, params: dict[str, Any]) -> dict[str, Any]:
        _check_members(params["TransactItems"])
        # Every action's own checks, in request order, come before any table is looked up.
        checked = [_checked(entry) for entry in params["TransactItems"]]
        actions = [self._action(entry) for entry in checked]
        keyed = [a.key for a in actions if a.invalid is None]
        if len(set(keyed)) != len(keyed):
            raise ValidationException(
                "Transaction request cannot include multiple operations on one item")
        _check_payload(actions)
        _cancel_if_invalid(actions)
        token = params.get("ClientRequestToken")
        digest = _digest(params) if token else b""

        index_units: dict[str, dict[str, float]] = {}      # table → index → write units

        def work(writer: Writer) -> tuple[dict[str, float], dict[str, list]]:
            units: dict[str, float] = {}
            index_units.clear()
            if token and self._seen(writer, token, digest):
                return units, {}
            changes = self._check_all(writer, actions)
            for action, old, new in changes:
                if action.kind != "ConditionCheck" and (old is not None or new is not None):
                    store(self._parts, writer, live(self._parts.catalog, action.table),
                          action.key, old, new)
                # A transactional write costs two writes' units, as in DynamoDB, index
                # entries' writes included; a ConditionCheck writes no index entry.
                name = action.table.name
                units[name] = units.get(name, 0.0) + 2 * write_units(old, new)
                if action.kind != "ConditionCheck":
                    add_units(index_units.setdefault(name, {}),
                              index_write_units(action.table, old, new), 2)
            if token:
                writer.put(keys.TOKENS + token.encode(),
                           marshal.dumps({"digest": digest, "t": self._parts.clock()}))
            return units, _collections(writer, params, actions)

        units, metrics = await self._parts.storage.write(work)
        output: dict[str, Any] = {"ItemCollectionMetrics": metrics} if metrics else {}
        tables = {a.table.name: a.table for a in actions}
        capacity = [c for name, used in units.items() if (c := consumed(
            params, tables[name], used, index_units.get(name, {}))) is not None]
        if capacity:
            output["ConsumedCapacity"] = capacity
        return output

    def _seen(self, writer: Writer, token: str, digest: bytes) -> bool:
        raw = writer.get(keys.TOKENS + token.encode())
        if raw is None:
            return False
        seen = marshal.loads(raw)
        if self._parts.clock() - seen["t"] > TOKEN_TTL_S:
            return False
        if seen["digest"] != digest:
            raise IdempotentParameterMismatchException(
                "Transaction request with the same client token was made with different "
                "parameters")
        return True

    def _check_all(self, writer: Writer, actions: list[Action]) -> list[tuple[Action, Any, Any]]:
        reasons: list[dict[str, Any]] = []
        changes = []
        for action in actions:
            live(self._parts.catalog, action.table)
            old = load(writer, action.key)
            reason: dict[str, Any] = {"Code": "None"}
            new = None
            condition = action.exprs.condition
            if condition is not None and not condition.evaluate(old or {}):
                reason = {"Code": "ConditionalCheckFailed",
                          "Message": "The conditional request failed"}
                if action.return_old and old is not None:
                    reason["Item"] = old
            else:
                try:
                    new = self._new_item(action, old)
                except ValidationException as exc:
                    reason = {"Code": "ValidationError", "Message": exc.message}
            reasons.append(reason)
            changes.append((action, old, new))
        if any(r["Code"] != "None" for r in reasons):
            raise _cancelled(reasons)
        return changes

    @staticmethod
    def _new_item(action: Action, old: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
        if action.kind == "ConditionCheck":
            return old
        if action.kind == "Put":
            return action.item
        if action.kind == "Delete":
            return None
        update = action.exprs.update
        new = updated(update, old, action.key_attrs)
        for name in action.table.key_names():
            if update is not None and name in update.top_level_names:
                raise ValidationException(
                    "One or more parameter values were invalid: Cannot update attribute "
                    f"{name}. This attribute is part of the key")
        if new is None:
            return None
        check_updated(new, update)
        return check_item(action.table, new) if action.table.indexes else new

    async def transact_get_items(self, params: dict[str, Any]) -> dict[str, Any]:
        _check_members(params["TransactItems"], ("Get",))
        requests = [entry["Get"] for entry in params["TransactItems"]]
        parsed = [(parse_expressions(request), check_key_values(request["Key"]))
                  for request in requests]
        plans, invalid = [], []
        for request, (exprs, key) in zip(requests, parsed):
            table = self._parts.catalog.get(request["TableName"])
            try:
                plans.append((table, item_key(table, check_key(table, key)), exprs))
                invalid.append(None)
            except ValidationException as exc:      # the key does not fit the schema
                invalid.append(exc.message)
        _cancel_for(invalid)
        responses = []
        units: dict[str, float] = {}
        with self._parts.storage.read() as reader:
            for table, key, exprs in plans:
                item = load(reader, key)
                units[table.name] = units.get(table.name, 0.0) + 2 * read_units(
                    item_size(item) if item else 0, True)
                if item is None:
                    responses.append({})
                else:
                    responses.append({"Item": exprs.projection.apply(item) if exprs.projection else item})
        return _with_capacity({"Responses": responses}, params,
                              {table.name: table for table, _, _ in plans}, units)


_Checked = tuple[str, Mapping[str, Any], Expressions, dict[str, Any] | None]


def _checked(entry: Mapping[str, Any]) -> _Checked:
    """An action's checks that need no table: its kind, expressions, and the values of its
    item or key (a malformed value fails the whole request, not just the action)."""
    named = [kind for kind in _ACTIONS if entry.get(kind) is not None]
    if len(named) != 1:
        raise ValidationException(
            "TransactItems can only contain one of Check, Put, Update or Delete")
    kind = named[0]
    request = entry[kind]
    users = ("UpdateExpression", "ConditionExpression") if kind == "Update" else ("ConditionExpression",)
    exprs = parse_expressions(request, value_users=users)
    if kind == "Put":
        # A Put's size is known from the request: over the limit, it never reaches the
        # transaction (an Update's depends on the stored item, and cancels instead).
        item = validate_item(request["Item"])
        check_size(item)
        return kind, request, exprs, item
    check_key_values(request["Key"])
    return kind, request, exprs, None


def _check_members(entries: list[Mapping[str, Any]], kinds: tuple[str, ...] = _ACTIONS) -> None:
    """What the service model requires inside each action, which the wire layer (checking
    only top-level members) leaves to us: reported as AWS's request validator words it.
    An entry with one possible action (TransactGetItems' Get) must have it."""
    problems = []
    for number, entry in enumerate(entries, 1):
        for kind in kinds:
            where = f"transactItems.{number}.member.{kind[0].lower()}{kind[1:]}"
            request = entry.get(kind)
            if request is None:
                if len(kinds) == 1:
                    problems.append(f"Value null at '{where}' failed to satisfy constraint: "
                                    "Member must not be null")
                continue
            problems += [f"Value null at '{where}.{name[0].lower()}{name[1:]}' failed to satisfy "
                         "constraint: Member must not be null"
                         for name in _REQUIRED[kind] if request.get(name) is None]
            problems += _table_name_problems(request.get("TableName"), where)
            returns = request.get("ReturnValuesOnConditionCheckFailure")
            if returns is not None:
                problem = check_enum(returns, f"{where}.returnValuesOnConditionCheckFailure",
                                     _RETURN_OLD)
                problems += [problem] if problem else []
    if problems:
        raise constraint_error(problems)


def _collections(writer: Writer, params: Mapping[str, Any],
                 actions: list[Action]) -> dict[str, list[dict[str, Any]]]:
    """ItemCollectionMetrics per table: one entry per item collection that a Put, Update or
    Delete wrote (a ConditionCheck writes nothing), measured after the transaction's writes."""
    written: dict[str, tuple[TableDef, dict[bytes, Any]]] = {}
    for action in actions:
        if action.kind == "ConditionCheck" or not wants_collection_metrics(params, action.table):
            continue
        value = action.key_attrs[action.table.hash_name]
        values = written.setdefault(action.table.name, (action.table, {}))[1]
        values.setdefault(keys.encode_value(value), value)
    return {name: [collection_metrics(writer, table, value) for value in values.values()]
            for name, (table, values) in written.items()}


def _table_name_problems(name: Any, where: str) -> list[str]:
    """A table name's pattern, checked where the request validator checks it: at the
    action's own path. A name of the wrong length (or an ARN) is left to the table lookup."""
    if not isinstance(name, str) or name.startswith("arn:") or not 3 <= len(name) <= 255:
        return []
    return name_problems(name, f"{where}.tableName")


def _check_payload(actions: list[Action]) -> None:
    """The 4 MB limit is on what the request carries (new items, keys), not on the size of
    the items it deletes or updates."""
    size = sum(item_size(a.item if a.item is not None else a.key_attrs) for a in actions)
    if size > MAX_PAYLOAD:
        raise ValidationException(
            f"Transaction payload size cannot exceed 4MB. Payload Size: {size}")


def _cancel_if_invalid(actions: list[Action]) -> None:
    _cancel_for([a.invalid for a in actions])


def _cancel_for(invalid: list[str | None]) -> None:
    """DynamoDB stops at the first action that breaks its table's schema and checks no
    condition: that action's reason is ValidationError, every other one None."""
    first = next((i for i, why in enumerate(invalid) if why is not None), None)
    if first is None:
        return
    raise _cancelled([{"Code": "ValidationError", "Message": why} if i == first
                      else {"Code": "None"} for i, why in enumerate(invalid)])


def _cancelled(reasons: list[dict[str, Any]]) -> TransactionCanceledException:
    codes = ", ".join(r["Code"] for r in reasons)
    return TransactionCanceledException(
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        f"[{codes}]", reasons)


def _with_capacity(output: dict[str, Any], params: Mapping[str, Any],
                   tables: Mapping[str, TableDef], units: Mapping[str, float]) -> dict[str, Any]:
    capacity = [c for name, used in units.items()
                if (c := consumed(params, tables[name], used)) is not None]
    if capacity:
        output["ConsumedCapacity"] = capacity
    return output


def _digest(params: Mapping[str, Any]) -> bytes:
    text = json.dumps(params, sort_keys=True, default=lambda v: v.hex() if isinstance(v, bytes) else str(v))
    return hashlib.sha256(text.encode()).digest()
