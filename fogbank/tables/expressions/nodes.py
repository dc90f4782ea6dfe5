"""The parse tree of DynamoDB expressions, as the parser builds it (placeholders unresolved).

Trees are cached by expression text, so they hold no request data: `#name` and `:value`
placeholders stay `Name` and `ValueRef` until a request's context resolves them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True, slots=True)
class Name:
    """An ExpressionAttributeNames placeholder inside a document path."""

    placeholder: str


PathElement = Union[str, int, Name]


@dataclass(frozen=True, slots=True)
class Path:
    """A document path: attribute, then map keys (str / Name) and list indexes (int)."""

    elements: tuple[PathElement, ...]


@dataclass(frozen=True, slots=True)
class ValueRef:
    """An ExpressionAttributeValues placeholder."""

    placeholder: str


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    args: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Compare:
    op: str                 # = <> < <= > >=
    left: "Node"
    right: "Node"


@dataclass(frozen=True, slots=True)
class Between:
    operand: "Node"
    low: "Node"
    high: "Node"


@dataclass(frozen=True, slots=True)
class In:
    operand: "Node"
    choices: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class And:
    left: "Node"
    right: "Node"


@dataclass(frozen=True, slots=True)
class Or:
    left: "Node"
    right: "Node"


@dataclass(frozen=True, slots=True)
class Not:
    operand: "Node"


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """`a + b` or `a - b` on the right of a SET action."""

    op: str
    left: "Node"
    right: "Node"


@dataclass(frozen=True, slots=True)
class Action:
    """One action of an update: SET path = value, REMOVE path, ADD / DELETE path :value."""

    kind: str               # "SET", "REMOVE", "ADD", "DELETE"
    path: Path
    value: "Node | None"


Node = Union[Path, ValueRef, Function, Compare, Between, In, And, Or, Not, Arithmetic]
OPERANDS = (Path, ValueRef, Function, Arithmetic)
CONDITION_FUNCTIONS = {"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2,
                       "begins_with": 2, "contains": 2, "size": 1}
UPDATE_FUNCTIONS = {"if_not_exists": 2, "list_append": 2}
