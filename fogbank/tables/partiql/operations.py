"""ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: each statement parsed
(cached by text), bound to its Parameters, planned as an engine operation and run by the
engine's own methods, so PartiQL shares every check, write path and stream with the API."""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from typing import Any, Awaitable, Callable, Mapping, Sequence

from fogbank.tables.catalog import Catalog
from fogbank.tables.errors import (ConditionalCheckFailedException, TablesError,
                                   TransactionCanceledException, ValidationException)
from fogbank.tables.expressions import ExpressionContext, paths, parse_condition
from fogbank.tables.expressions.operands import LONG_TYPE_NAMES
from fogbank.tables.partiql.literals import bind_parameters
from fogbank.tables.partiql.nodes import Path, Select, Exists
from fogbank.tables.partiql.parser import parse_statement
from fogbank.tables.partiql.plan import Plan, Planner
from fogbank.tables.requests import NewerValidatorReport
from fogbank.tables.values import AttributeValue

Output = dict[str, Any]
EngineMethod = Callable[[dict[str, Any]], Awaitable[Output]]
DUPLICATE_ITEM = "Duplicate primary key exists in table"
# An error the engine words for the expression parameter it was given; a PartiQL statement
# has no such parameter, and DynamoDB words the fault without it.
_EXPRESSION_PREFIX = re.compile(
    r"Invalid (?:Condition|Filter|KeyCondition|Update|Projection)Expression: ")
# The expression language names an operand's type in full ("BOOLEAN", "STRING_SET") where
# DynamoDB's PartiQL names it as the attribute value does ("BOOL", "SS").
_SHORT_OPERAND_TYPE = re.compile(r"(operator or function: \S+, operand type: )(\w+)$")
_SHORT_TYPE_NAMES = {long: short for short, long in LONG_TYPE_NAMES.items()}
# BatchStatementError codes for the engine's errors.
_BATCH_CODES = {"ValidationException": "ValidationError",
                "ResourceNotFoundException": "ResourceNotFound",
                "ConditionalCheckFailedException": "ConditionalCheckFailed",
                "DuplicateItemException": "DuplicateItem",
                "TransactionConflictException": "TransactionConflict",
                "ItemCollectionSizeLimitExceededException": "ItemCollectionSizeLimitExceeded"}
_TRANSACT_KINDS = {"put_item": "Put", "update_item": "Update", "delete_item": "Delete",
                   "condition_check": "ConditionCheck"}


class DuplicateItemException(TablesError):
    code = "DuplicateItemException"


class _ParameterFault(ValidationException):
    """A Parameters value DynamoDB cannot take: ExecuteTransaction reports it without naming
    the statement, unlike the statement's own faults."""


class PartiQL:
    """`PartiQL(catalog, engine)`: `engine` offers the item operations as coroutines taking
    and returning the operations' dicts (query, scan, get_item, put_item, update_item,
    delete_item, transact_write_items, transact_get_items)."""

    def __init__(self, catalog: Catalog, engine: Any) -> None:
        self._catalog = catalog
        self._engine = engine

    # ------------------------------------------------------------ operations

    async def execute_statement(self, params: dict[str, Any]) -> Output:
        plan = self._plan(params, Planner(self._catalog, "ExecuteStatement"), params)
        if plan.reads:
            return await self._read_page(plan, params.get("NextToken"))
        output = await self._write(plan)
        result: Output = {"Items": [output["Attributes"]] if output.get("Attributes") else []}
        if "ConsumedCapacity" in output:
            result["ConsumedCapacity"] = output["ConsumedCapacity"]
        return result

    async def batch_execute_statement(self, params: dict[str, Any]) -> Output:
        planner = Planner(self._catalog, "BatchExecuteStatement")
        planned: list[Plan | Output] = []
        for entry in params["Statements"]:
            options = {**entry, "ReturnConsumedCapacity": params.get("ReturnConsumedCapacity")}
            try:
                planned.append(self._plan(entry, planner, options))
            except TablesError as exc:
                planned.append(self._batch_error(exc, self._table_named(entry["Statement"])))
        if len({p.reads for p in planned if isinstance(p, Plan)}) > 1:
            raise ValidationException("BatchExecuteStatement API does not support both read and "
                                      "write operations in the same request.")
        responses: list[Output] = []
        capacity: list[Output] = []
        for plan in planned:
            if not isinstance(plan, Plan):
                responses.append(plan)
                continue
            try:
                output = await (self._call("get_item", plan.request) if plan.reads
                                else self._write(plan))
            except TablesError as exc:
                responses.append(self._batch_error(exc, plan.table.name))
                continue
            response: Output = {"TableName": plan.table.name}
            if output.get("Item") is not None:
                response["Item"] = _project(plan.projection, output["Item"])
            responses.append(response)
            if "ConsumedCapacity" in output:
                capacity.append(output["ConsumedCapacity"])
        result: Output = {"Responses": responses}
        if params.get("ReturnConsumedCapacity", "NONE") != "NONE":
            result["ConsumedCapacity"] = _merged(capacity)
        return result

    async def execute_transaction(self, params: dict[str, Any]) -> Output:
        planner = Planner(self._catalog, "ExecuteTransaction")
        plans = []
        for number, entry in enumerate(params["TransactStatements"]):
            try:
                plans.append(self._plan(entry, planner, entry))
            except _ParameterFault:
                raise
            except ValidationException as exc:
                raise ValidationException(
                    f"Validation failed in TransactStatements[{number}]: {exc.message}") from None
        reads = {plan.reads for plan in plans}
        if len(reads) > 1:
            raise ValidationException("ExecuteTransaction API does not support both read and "
                                      "write operations in the same request.")
        capacity = {"ReturnConsumedCapacity": params["ReturnConsumedCapacity"]} \
            if params.get("ReturnConsumedCapacity") is not None else {}
        if reads == {True}:
            output = await self._call("transact_get_items", {
                "TransactItems": [{"Get": plan.request} for plan in plans], **capacity})
            responses = [{"Item": _project(plan.projection, got["Item"])} if "Item" in got else {}
                         for plan, got in zip(plans, output["Responses"])]
        else:
            request: dict[str, Any] = {"TransactItems": [
                {_TRANSACT_KINDS[plan.operation]: plan.request} for plan in plans], **capacity}
            if params.get("ClientRequestToken") is not None:
                request["ClientRequestToken"] = params["ClientRequestToken"]
            try:
                output = await self._call("transact_write_items", request)
            except TransactionCanceledException as exc:
                raise _with_duplicates(exc, plans) from None
            responses = []      # DynamoDB answers a transaction of writes with no entries
        result: Output = {"Responses": responses}
        if "ConsumedCapacity" in output:
            result["ConsumedCapacity"] = output["ConsumedCapacity"]
        return result

    # ------------------------------------------------------------ steps

    def _plan(self, entry: Mapping[str, Any], planner: Planner,
              options: Mapping[str, Any]) -> Plan:
        text = entry["Statement"]
        statement, wanted = parse_statement(text)
        try:
            bound = bind_parameters(entry.get("Parameters"), wanted)
        except ValidationException as exc:
            raise _ParameterFault(exc.message) from None
        select = statement.select if isinstance(statement, Exists) else statement
        if isinstance(select, Select) and select.projection is not None:
            _labels(select.projection)
        return planner.plan(statement, text, bound, options)

    async def _call(self, operation: str, request: dict[str, Any]) -> Output:
        method: EngineMethod = getattr(self._engine, operation)
        try:
            return await method(request)
        except ValidationException as exc:
            # PartiQL answers in the older validator's words.
            older = exc.older if isinstance(exc, NewerValidatorReport) else exc.message
            stripped = _EXPRESSION_PREFIX.sub("", older, count=1)
            if stripped == exc.message:
                raise
            raise ValidationException(_SHORT_OPERAND_TYPE.sub(
                lambda found: found[1] + _SHORT_TYPE_NAMES.get(found[2], found[2]), stripped)
            ) from None

    async def _write(self, plan: Plan) -> Output:
        try:
            return await self._call(plan.operation, plan.request)
        except ConditionalCheckFailedException:
            if plan.insert:
                raise DuplicateItemException(DUPLICATE_ITEM) from None
            raise

    async def _read_page(self, plan: Plan, token: str | None) -> Output:
        digest = _digest(plan.statement, plan.params)
        request = dict(plan.request)
        if token is not None:
            request["ExclusiveStartKey"] = _decode_token(token, digest)
        output = await self._call(plan.operation, request)
        items = output.get("Items", [])
        if plan.post_filter is not None:
            text, names, values = plan.post_filter
            condition = parse_condition(text, ExpressionContext(names or None, values or None),
                                        label="FilterExpression")
            items = [item for item in items if condition.evaluate(item)]
        result: Output = {"Items": [_project(plan.projection, item) for item in items]}
        if output.get("LastEvaluatedKey"):
            result["NextToken"] = _encode_token(output["LastEvaluatedKey"], digest)
            result["LastEvaluatedKey"] = output["LastEvaluatedKey"]
        if "ConsumedCapacity" in output:
            result["ConsumedCapacity"] = output["ConsumedCapacity"]
        return result

    def _table_named(self, text: str) -> str | None:
        """The table a statement names, when it parses and the table exists."""
        try:
            statement, _ = parse_statement(text)
        except TablesError:
            return None
        select = statement.select if isinstance(statement, Exists) else statement
        name = select.source.table
        return name if name in self._catalog.tables else None

    @staticmethod
    def _batch_error(exc: TablesError, table: str | None) -> Output:
        error: Output = {"Code": _BATCH_CODES.get(exc.code, "InternalServerError"),
                         "Message": exc.message}
        if exc.extra.get("Item") is not None:
            error["Item"] = exc.extra["Item"]
        response: Output = {"Error": error}
        if table is not None:
            response["TableName"] = table
        return response


# ------------------------------------------------------------------ projections

def _label(path: Path) -> str:
    """The name a projected path is returned under: its last name, with the list indexes
    that follow it (`SELECT m.k[1]` gives "k[1]")."""
    last = max(i for i, e in enumerate(path.elements) if isinstance(e, str))
    return str(path.elements[last]) + "".join(f"[{e}]" for e in path.elements[last + 1:])


def _labels(projection: Sequence[Path]) -> list[str]:
    labels: list[str] = []
    for path in projection:
        if isinstance(path.elements[0], int):
            raise ValidationException("A path cannot start with a list index")
        label = _label(path)
        if label in labels:
            raise ValidationException(f"Duplicate identifiers in select clause: {label}")
        labels.append(label)
    return labels


def _project(projection: Sequence[Path] | None, item: Mapping[str, Any]) -> Output:
    if projection is None:
        return dict(item)
    result: Output = {}
    for path, label in zip(projection, _labels(projection)):
        value = paths.get(item, path.elements)
        if value is not None:
            result[label] = value
    return result


# ------------------------------------------------------------------ next tokens

def _digest(statement: str, params: Sequence[AttributeValue]) -> str:
    text = json.dumps([statement, params], sort_keys=True, default=_bytes_text)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _bytes_text(value: Any) -> str:
    return base64.b64encode(value).decode() if isinstance(value, (bytes, bytearray)) else str(value)


def _encode_token(key: Mapping[str, AttributeValue], digest: str) -> str:
    """The page's last key and the request it belongs to, opaque to the caller."""
    shown = {name: ({"B": base64.b64encode(value["B"]).decode()} if "B" in value else value)
             for name, value in key.items()}
    return base64.urlsafe_b64encode(json.dumps({"k": shown, "h": digest}).encode()).decode()


def _decode_token(token: str, digest: str) -> dict[str, AttributeValue]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        key = {name: ({"B": base64.b64decode(value["B"])} if "B" in value else dict(value))
               for name, value in data["k"].items()}
        seen = data["h"]
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        raise ValidationException("Invalid NextToken") from None
    if seen != digest:
        raise ValidationException("NextToken does not match request")
    return key


# ------------------------------------------------------------------ results

def _merged(capacity: Sequence[Output]) -> list[Output]:
    """ConsumedCapacity per table, the statements' units added up."""
    tables: dict[str, Output] = {}
    for entry in capacity:
        into = tables.setdefault(entry["TableName"], {"TableName": entry["TableName"]})
        _add(into, entry)
    return list(tables.values())


def _add(into: Output, more: Mapping[str, Any]) -> None:
    for name, value in more.items():
        if isinstance(value, (int, float)):
            into[name] = into.get(name, 0.0) + value
        elif isinstance(value, Mapping):
            _add(into.setdefault(name, {}), value)


def _with_duplicates(exc: TransactionCanceledException, plans: Sequence[Plan]) -> TablesError:
    """An INSERT whose key exists is cancelled as DuplicateItem, not as a failed condition."""
    reasons = list(exc.extra.get("CancellationReasons") or ())
    changed = False
    for number, (plan, reason) in enumerate(zip(plans, reasons)):
        if plan.insert and reason.get("Code") == "ConditionalCheckFailed":
            reasons[number] = {"Code": "DuplicateItem", "Message": DUPLICATE_ITEM}
            changed = True
    if not changed:
        return exc
    codes = ", ".join(r["Code"] for r in reasons)
    return TransactionCanceledException(
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        f"[{codes}]", reasons)
