"""The parse tree of a PartiQL statement. Trees are cached by statement text, so they hold
no request data: a `?` stays a `Param` (its position) until the request's Parameters bind it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

# The operators are the expression language's own nodes; only their operands differ.
from fogbank.tables.expressions.nodes import And, Arithmetic, Between, Compare, In, Not, Or


@dataclass(frozen=True, slots=True)
class Path:
    """An attribute, then map keys (str) and list indexes (int)."""

    elements: tuple[str | int, ...]
    start: int = 0              # offset of its first token, for messages


@dataclass(frozen=True, slots=True)
class Scalar:
    """A literal string, number, boolean or null, already an AttributeValue."""

    value: dict[str, Any]
    start: int = 0


@dataclass(frozen=True, slots=True)
class Param:
    index: int                  # 0-based, in the order the `?` appear


@dataclass(frozen=True, slots=True)
class Missing:
    """The MISSING literal."""


@dataclass(frozen=True, slots=True)
class Bag:
    """`<<a, b>>`: a string or number set."""

    members: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Tuple:
    """`{'key': value, …}`: a map."""

    pairs: tuple[tuple["Node", "Node"], ...]


@dataclass(frozen=True, slots=True)
class List:
    """`[a, b]`: a list."""

    elements: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Call:
    name: str                   # lower case
    args: tuple["Node", ...]
    start: int                  # offset of the name
    length: int                 # length of the name as written


@dataclass(frozen=True, slots=True)
class Is:
    """`x IS [NOT] MISSING | NULL | <type>`."""

    operand: "Node"
    type: str                   # upper case
    negated: bool


Node = Union[Path, Scalar, Param, Missing, Bag, Tuple, List, Call, Compare, Between, In, Is,
             And, Or, Not, Arithmetic]
VALUES = (Scalar, Param, Missing, Bag, Tuple, List)


@dataclass(frozen=True, slots=True)
class Source:
    table: str
    index: str | None


@dataclass(frozen=True, slots=True)
class Select:
    source: Source
    projection: tuple[Path, ...] | None        # None for *
    where: Node | None
    order: tuple[str, bool] | None             # (attribute, descending)


@dataclass(frozen=True, slots=True)
class Insert:
    source: Source
    value: Node


@dataclass(frozen=True, slots=True)
class Assignment:
    """`SET path = value` (value None for REMOVE path)."""

    path: Path
    value: Node | None


@dataclass(frozen=True, slots=True)
class Update:
    source: Source
    assignments: tuple[Assignment, ...]
    where: Node | None
    returning: str | None                     # ALL_OLD, ALL_NEW, UPDATED_OLD, UPDATED_NEW


@dataclass(frozen=True, slots=True)
class Delete:
    source: Source
    where: Node | None
    returning: str | None


@dataclass(frozen=True, slots=True)
class Exists:
    """`EXISTS(SELECT …)`: a condition check inside ExecuteTransaction."""

    select: Select


Statement = Union[Select, Insert, Update, Delete, Exists]
