"""A parsed statement and its parameters as requests to the engine's own operations:
SELECT as Query (when the WHERE clause fixes the partition key, as DynamoDB decides) or Scan,
or as GetItem in batches and transactions; INSERT as a conditional PutItem; UPDATE and DELETE
as UpdateItem and DeleteItem on the key the WHERE clause names in full."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from fogbank.tables.catalog import Catalog
from fogbank.tables.errors import ValidationException
from fogbank.tables.partiql.lexer import position
from fogbank.tables.partiql.literals import CallAsValue, item_of, value_of
from fogbank.tables.partiql.nodes import (
    VALUES, And, Between, Call, Compare, Delete, Exists, Insert, Node, Or, Path, Select,
    Source, Statement, Update, Not, In, Is)
from fogbank.tables.partiql.render import Placeholders
from fogbank.tables.query import Source as ReadSource, projects
from fogbank.tables.schema import TableDef
from fogbank.tables.values import AttributeValue

INCOMPLETE_KEY = "Where clause does not contain a mandatory equality on all key attributes"
MULTI_ATTRIBUTE_INDEX = ("PartiQL statements cannot be executed on tables with multi-attribute "
                         "HASH keys or multi-attribute RANGE keys.")
_RANGE_OPS = frozenset({"=", "<", "<=", ">", ">="})


@dataclass
class Plan:
    """One statement as an engine operation (`operation` names the engine method)."""

    operation: str                  # query, scan, get_item, put_item, update_item, delete_item,
                                    # condition_check
    table: TableDef
    request: dict[str, Any]
    projection: tuple[Path, ...] | None = None
    # A residual condition the engine cannot take as a Query filter (it reads a key
    # attribute): (FilterExpression text, names, values), applied to each page here.
    post_filter: tuple[str, dict[str, str], dict[str, Any]] | None = None
    returning: str | None = None
    insert: bool = False
    statement: str = ""
    params: Sequence[AttributeValue] = field(default_factory=tuple)

    @property
    def reads(self) -> bool:
        return self.operation in ("query", "scan", "get_item")


def conjuncts(node: Node | None) -> list[Node]:
    if node is None:
        return []
    if isinstance(node, And):
        return conjuncts(node.left) + conjuncts(node.right)
    return [node]


def _key_equality(node: Node, names: Sequence[str]) -> tuple[str, Node] | None:
    """`key = value` (either way round) for one of `names`: the name and the value node."""
    if not isinstance(node, Compare) or node.op != "=":
        return None
    for path, value in ((node.left, node.right), (node.right, node.left)):
        if isinstance(path, Path) and len(path.elements) == 1 and path.elements[0] in names \
                and isinstance(value, VALUES):
            return str(path.elements[0]), value
    return None


def _names_in(node: Node) -> set[str]:
    """Top-level attributes a condition reads."""
    if isinstance(node, Path):
        return {str(node.elements[0])}
    found: set[str] = set()
    for child in _children(node):
        found |= _names_in(child)
    return found


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, (And, Or, Compare)):
        return (node.left, node.right)
    if isinstance(node, Not):
        return (node.operand,)
    if isinstance(node, Between):
        return (node.operand, node.low, node.high)
    if isinstance(node, In):
        return (node.operand, *node.choices)
    if isinstance(node, Is):
        return (node.operand,)
    if isinstance(node, Call):
        return node.args
    return ()


def _joined(nodes: Sequence[Node]) -> Node | None:
    joined: Node | None = None
    for node in nodes:
        joined = node if joined is None else And(joined, node)
    return joined


class Planner:
    """Plans statements against the catalog; `context` says which API sends them."""

    def __init__(self, catalog: Catalog, context: str) -> None:
        self.catalog = catalog
        self.context = context                  # ExecuteStatement, BatchExecuteStatement,
                                                # ExecuteTransaction

    def plan(self, statement: Statement, text: str, params: Sequence[AttributeValue],
             options: Mapping[str, Any]) -> Plan:
        if isinstance(statement, Exists):
            if self.context != "ExecuteTransaction":
                raise ValidationException(
                    "EXISTS can only be used in ExecuteTransaction write requests.")
            return self.condition_check(statement.select, text, params)
        if isinstance(statement, Select):
            if self.context == "ExecuteStatement":
                return self.select(statement, text, params, options)
            return self.key_read(statement, text, params, options)
        table = self.table(statement.source, writing=True)
        if isinstance(statement, Insert):
            return self.insert(statement, table, text, params)
        if isinstance(statement, Update):
            return self.update(statement, table, text, params, options)
        return self.delete(statement, table, text, params, options)

    def table(self, source: Source, writing: bool = False) -> TableDef:
        table = self.catalog.get(source.table)
        if source.index is not None and writing:
            raise ValidationException("FROM clause may only contain a single table name in data "
                                      "manipulation statements")
        if source.index is not None and source.index not in table.indexes:
            # Unlike Query's, PartiQL's message does not name the index.
            raise ValidationException("The table does not have the specified index")
        # DynamoDB refuses PartiQL on such an index only (its message says tables); the
        # table and its other indexes read as usual.
        if source.index is not None and table.indexes[source.index].multi_attribute:
            raise ValidationException(MULTI_ATTRIBUTE_INDEX)
        return table

    # ------------------------------------------------------------ keys

    def full_key(self, table: TableDef, where: Node | None, params: Sequence[AttributeValue],
                 message: str = INCOMPLETE_KEY) -> tuple[dict[str, Any], list[Node]]:
        """The key a WHERE clause names by equality, and the conditions left over."""
        key: dict[str, Any] = {}
        rest: list[Node] = []
        names = table.key_names()
        for node in conjuncts(where):
            found = _key_equality(node, names)
            if found is None or found[0] in key:
                rest.append(node)
                continue
            key[found[0]] = self.key_value(table, found[0], found[1], params)
        if len(key) != len(names):
            raise ValidationException(message)
        return key, rest

    @staticmethod
    def key_value(table: TableDef, name: str, node: Node,
                  params: Sequence[AttributeValue]) -> AttributeValue:
        value = value_of(node, params)
        types = {table.hash_name: table.hash_type}
        if table.range_name:
            types[table.range_name] = table.range_type
        for index in table.indexes.values():
            types.update(index.hash + index.range)
        if types[name] not in value:
            raise ValidationException("Key attribute's data type should match its data type in "
                                      f"table's schema: Key {name}")
        return value

    # ------------------------------------------------------------ reads

    def select(self, statement: Select, text: str, params: Sequence[AttributeValue],
               options: Mapping[str, Any]) -> Plan:
        table = self.table(statement.source)
        index = table.indexes.get(statement.source.index) if statement.source.index else None
        if options.get("ConsistentRead") and index is not None and not index.local:
            raise ValidationException(
                "Strongly consistent read is not supported on Global Secondary Indexes")
        source = ReadSource(table, index)
        hash_name, range_name = source.hash_name, source.range_name
        parts = conjuncts(statement.where)
        partition = next((i for i, node in enumerate(parts)
                          if _key_equality(node, (hash_name,)) is not None), None)
        request: dict[str, Any] = {"TableName": table.name}
        if index is not None:
            request["IndexName"] = index.name
        for option in ("ConsistentRead", "ReturnConsumedCapacity", "Limit"):
            if options.get(option) is not None:
                request[option] = options[option]
        self.check_order(statement, table, partition is not None)
        names = Placeholders(text, params)
        residual = list(parts)
        operation = "scan"
        if partition is not None:
            operation = "query"
            residual.pop(partition)
            _, value = _key_equality(parts[partition], (hash_name,))
            condition = (f"{names.name(hash_name)} = "
                         f"{names.value(self.key_value(table, hash_name, value, params))}")
            on_range = [node for node in residual if range_name in _names_in(node)]
            if len(on_range) == 1 and self.range_condition(on_range[0], range_name):
                residual.remove(on_range[0])
                condition += f" AND {names.condition(on_range[0])}"
            request["KeyConditionExpression"] = condition
            if statement.order is not None and statement.order[1]:
                request["ScanIndexForward"] = False
        plan = Plan(operation, table, request, statement.projection, statement=text,
                    params=params)
        rest = _joined(residual)
        keys = {hash_name, range_name} - {None}
        if rest is not None and operation == "query" and _names_in(rest) & keys:
            post = Placeholders(text, params)
            plan.post_filter = (post.condition(rest), post.names, post.values)
        else:
            if rest is not None:
                request["FilterExpression"] = names.condition(rest)
        request.update(names.request())
        if statement.projection is not None and index is not None:
            self.check_projected(source, statement.projection, request)
        return plan

    @staticmethod
    def check_projected(source: ReadSource, projection: Sequence[Path],
                        request: dict[str, Any]) -> None:
        """A global index cannot reach back to its table for attributes it does not hold; a
        local one reads them from the table. (The projection itself is applied here, not by
        the engine: a statement names a nested path by its last part, which a
        ProjectionExpression does not.)"""
        wanted = dict.fromkeys(str(path.elements[0]) for path in projection)
        missing = [name for name in wanted if not projects(source, name)]
        if missing and source.index.local:
            request["Select"] = "ALL_ATTRIBUTES"
        elif missing:
            raise ValidationException(
                "One or more parameter values were invalid: Global secondary index "
                f"{source.index.name} does not project [{', '.join(missing)}]")

    @staticmethod
    def range_condition(node: Node, range_name: str) -> bool:
        """Whether a condition can be a Query's sort key condition."""
        def is_key(operand: Node) -> bool:
            return isinstance(operand, Path) and operand.elements == (range_name,)
        if isinstance(node, Compare) and node.op in _RANGE_OPS:
            return (is_key(node.left) and isinstance(node.right, VALUES)) or (
                is_key(node.right) and isinstance(node.left, VALUES))
        if isinstance(node, Between):
            return is_key(node.operand) and all(isinstance(n, VALUES)
                                                for n in (node.low, node.high))
        if isinstance(node, Call) and node.name == "begins_with" and len(node.args) == 2:
            return is_key(node.args[0]) and isinstance(node.args[1], VALUES)
        return False

    @staticmethod
    def check_order(statement: Select, table: TableDef, keyed: bool) -> None:
        if statement.order is None:
            return
        if statement.where is None:
            raise ValidationException(
                "Must have WHERE clause in the statement when using ORDER BY clause.")
        if not keyed:
            raise ValidationException("Must have at least one non-optional hash key condition in "
                                      "WHERE clause when using ORDER BY clause.")
        name = statement.order[0]
        index = table.indexes.get(statement.source.index) if statement.source.index else None
        if name not in (index.key_names() if index else table.key_names()):
            raise ValidationException(
                f"Variable reference {name} in ORDER BY clause must be part of the primary key")

    def key_read(self, statement: Select, text: str, params: Sequence[AttributeValue],
                 options: Mapping[str, Any]) -> Plan:
        """A SELECT of one item by its whole key: BatchExecuteStatement and transactions."""
        if self.context == "ExecuteTransaction":
            table = self.catalog.get(statement.source.table)
            if statement.source.index is not None:
                raise ValidationException("Reads on indices are not supported within "
                                          "transactions.")
        else:
            table = self.table(statement.source)
        message = (f"Select statements within {self.context} must specify the primary key in "
                   "the where clause.")
        if statement.source.index is not None:
            raise ValidationException(message)
        key, rest = self.full_key(table, statement.where, params, message)
        if rest:
            raise ValidationException(message)
        request: dict[str, Any] = {"TableName": table.name, "Key": key}
        for option in ("ConsistentRead", "ReturnConsumedCapacity"):
            if options.get(option) is not None:
                request[option] = options[option]
        return Plan("get_item", table, request, statement.projection, statement=text,
                    params=params)

    # ------------------------------------------------------------ writes

    def insert(self, statement: Insert, table: TableDef, text: str,
               params: Sequence[AttributeValue]) -> Plan:
        try:
            value = item_of(statement.value, params)
        except CallAsValue as exc:
            raise ValidationException(
                f"{exc.message} at {position(text, exc.call.start, exc.call.length)}") from None
        if "M" not in value:
            raise ValidationException(
                "Unsupported format in item expression. Please use struct format {...} to "
                "express item values for insert statement.")
        item = value["M"]
        for name in table.key_names():
            if name not in item:
                raise ValidationException(
                    f"Key attribute should be present in the item: Key {name}")
            expected = table.hash_type if name == table.hash_name else table.range_type
            if expected not in item[name]:
                raise ValidationException("Key attribute's data type should match its data type "
                                          f"in table's schema: Key {name}")
        names = Placeholders(text, params)
        request = {"TableName": table.name, "Item": item,
                   "ConditionExpression": f"attribute_not_exists({names.name(table.hash_name)})"}
        request.update(names.request())
        return Plan("put_item", table, request, insert=True, statement=text, params=params)

    def update(self, statement: Update, table: TableDef, text: str,
               params: Sequence[AttributeValue], options: Mapping[str, Any]) -> Plan:
        key, rest = self.full_key(table, statement.where, params)
        names = Placeholders(text, params)
        request: dict[str, Any] = {"TableName": table.name, "Key": key,
                                   "UpdateExpression": names.update(statement.assignments)}
        # An UPDATE changes an item that exists; it never creates one.
        condition = f"attribute_exists({names.name(table.hash_name)})"
        if rest:
            condition += f" AND ({names.condition(_joined(rest))})"
        request["ConditionExpression"] = condition
        self.returns(request, statement.returning, options)
        request.update(names.request())
        return Plan("update_item", table, request, returning=statement.returning,
                    statement=text, params=params)

    def delete(self, statement: Delete, table: TableDef, text: str,
               params: Sequence[AttributeValue], options: Mapping[str, Any]) -> Plan:
        if statement.returning not in (None, "ALL_OLD"):
            shown = {"ALL_NEW": "ALL NEW *", "UPDATED_OLD": "MODIFIED OLD *",
                     "UPDATED_NEW": "MODIFIED NEW *"}[statement.returning]
            raise ValidationException(f"Invalid returning clause: RETURNING {shown}. Only "
                                      "RETURNING ALL OLD * is allowed in DELETE statements.")
        key, rest = self.full_key(table, statement.where, params)
        request: dict[str, Any] = {"TableName": table.name, "Key": key}
        if rest:
            names = Placeholders(text, params)
            request["ConditionExpression"] = names.condition(_joined(rest))
            request.update(names.request())
        self.returns(request, statement.returning, options)
        return Plan("delete_item", table, request, returning=statement.returning,
                    statement=text, params=params)

    def condition_check(self, select: Select, text: str,
                        params: Sequence[AttributeValue]) -> Plan:
        table = self.catalog.get(select.source.table)
        if select.source.index is not None:
            raise ValidationException("Operations on indices are not supported in transactions")
        message = "EXISTS() must contain a single item read with additional condition"
        key, rest = self.full_key(table, select.where, params, message)
        if not rest:
            raise ValidationException(message)
        names = Placeholders(text, params)
        request = {"TableName": table.name, "Key": key, "ConditionExpression":
                   f"attribute_exists({names.name(table.hash_name)}) AND "
                   f"({names.condition(_joined(rest))})"}
        request.update(names.request())
        return Plan("condition_check", table, request, statement=text, params=params)

    def returns(self, request: dict[str, Any], returning: str | None,
                options: Mapping[str, Any]) -> None:
        if returning is not None:
            if self.context == "ExecuteTransaction":
                raise ValidationException("Unsupported clause: RETURNING")
            request["ReturnValues"] = returning
        for option in ("ReturnValuesOnConditionCheckFailure", "ReturnConsumedCapacity"):
            if options.get(option) is not None:
                request[option] = options[option]
