"""Binding parse-tree operands to one request: placeholders resolved, compiled to getters.

A bound operand is a small record: a getter (item → value or None) plus what is known
before any item is seen (the literal value, the path), which the checks DynamoDB makes on
an expression's operands need.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Callable

from fogbank.tables.errors import ValidationException
from fogbank.tables.expressions import paths
from fogbank.tables.expressions.context import ExpressionContext
from fogbank.tables.expressions.nodes import Function, Node, Path, ValueRef
from fogbank.tables.values import AttributeValue, Item, type_of

Getter = Callable[[Item], "AttributeValue | None"]

LONG_TYPE_NAMES = {"S": "STRING", "N": "NUMBER", "B": "BINARY", "BOOL": "BOOLEAN",
                   "NULL": "NULL", "L": "LIST", "M": "MAP", "SS": "STRING_SET",
                   "NS": "NUMBER_SET", "BS": "BINARY_SET"}


@dataclass(frozen=True, slots=True)
class Operand:
    get: Getter
    literal: AttributeValue | None = None       # an ExpressionAttributeValues value
    path: paths.ResolvedPath | None = None      # a document path
    type: str | None = None                     # the type when known before evaluation


class Binder:
    """Resolves one expression's placeholders; collects the faults DynamoDB checks after."""

    def __init__(self, ctx: ExpressionContext, label: str, deferred: str | None = None) -> None:
        self.ctx = ctx
        self.label = label
        self.faults: dict[str, str] = {}
        self.deferred = deferred

    def resolved(self) -> None:
        """Every placeholder is resolved: the parse's deferred fault comes next."""
        if self.deferred is not None:
            raise ValidationException(self.deferred)

    def fault(self, kind: str, message: str) -> None:
        self.faults.setdefault(kind, message)

    def finish(self) -> None:
        for kind in ("distinct", "operand"):
            if kind in self.faults:
                raise ValidationException(f"Invalid {self.label}: {self.faults[kind]}")

    def path(self, node: Path) -> paths.ResolvedPath:
        return self.ctx.path(node, self.label)

    def operand(self, node: Node) -> Operand:
        if isinstance(node, ValueRef):
            value = self.ctx.value(node.placeholder, self.label)
            return Operand(lambda item: value, literal=value, type=type_of(value))
        if isinstance(node, Path):
            path = self.path(node)
            return Operand(path_getter(path), path=path)
        if isinstance(node, Function) and node.name == "size":
            return self.size(node)
        # The parser lets no other node stand as an operand of a condition.
        raise AssertionError(f"not an operand: {node!r}")

    def size(self, node: Function) -> Operand:
        inner = self.operand(node.args[0])
        if inner.type in ("N", "BOOL", "NULL"):
            self.operand_type("size", inner.type)
        get = inner.get

        def size_of(item: Item) -> AttributeValue | None:
            value = get(item)
            count = None if value is None else value_length(value)
            return None if count is None else {"N": str(count)}
        return Operand(size_of, type="N")

    def operand_type(self, function: str, kind: str, long: bool = False) -> None:
        shown = LONG_TYPE_NAMES.get(kind, kind) if long else kind
        self.fault("operand", "Incorrect operand type for operator or function; operator or "
                              f"function: {function}, operand type: {shown}")

    def distinct(self, operator: str, first: Operand, *rest: Operand) -> None:
        if first.path is not None and any(first.path == other.path for other in rest):
            self.fault("distinct", "The first operand must be distinct from the remaining "
                                   f"operands for this operator or function; operator: "
                                   f"{operator}, first operand: {paths.path_text(first.path)}")


def path_getter(path: paths.ResolvedPath) -> Getter:
    if len(path) == 1:
        name = path[0]
        return lambda item: item.get(name)
    return lambda item: paths.get(item, path)


def value_length(value: AttributeValue) -> int | None:
    """size(): UTF-16 code units of a string (as DynamoDB counts them, so a character
    outside the Basic Multilingual Plane counts 2), bytes of a binary, members of a set,
    list or map."""
    kind = type_of(value)
    if kind in ("N", "BOOL", "NULL"):
        return None
    if kind == "S":
        return len(value["S"].encode("utf-16-le")) // 2
    return len(value[kind])


def shown_value(value: AttributeValue) -> str:
    """An attribute value as DynamoDB prints it in messages: {N:1}."""
    kind = type_of(value)
    data: Any = value[kind]
    if kind == "B":
        data = base64.b64encode(data).decode()
    return f"{{{kind}:{data}}}"
