"""Condition and filter expressions bound to a request, compiled to a predicate over items.

Semantics follow the DynamoDB developer guide: a comparison between values of different
types, or with a missing attribute, is false (`<>` is then true); ordering applies to S, N
and B only; strings order by UTF-8 bytes, numbers by value.
"""
from __future__ import annotations

from typing import Callable

from fogbank.tables.expressions.context import ExpressionContext
from fogbank.tables.expressions.nodes import (
    And, Between, Compare, Function, In, Node, Not, Or)
from fogbank.tables.expressions.operands import Binder, Operand, shown_value
from fogbank.tables.values import (
    ALL_TYPES, SCALAR_TYPES, AttributeValue, Item, compare, equal, to_decimal, type_of)

Predicate = Callable[[Item], bool]
_ORDER = {"<": lambda c: c < 0, "<=": lambda c: c <= 0, ">": lambda c: c > 0,
          ">=": lambda c: c >= 0}
_TYPE_NAMES = "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}"


class Condition:
    """A bound ConditionExpression / FilterExpression: `evaluate(item) -> bool`."""

    __slots__ = ("evaluate",)

    def __init__(self, predicate: Predicate) -> None:
        self.evaluate: Predicate = predicate


def bind_condition(tree: Node, ctx: ExpressionContext, label: str,
                   deferred: str | None = None) -> Condition:
    binder = Binder(ctx, label, deferred)
    predicate = _predicate(binder, tree)
    binder.resolved()
    binder.finish()
    return Condition(predicate)


def _predicate(binder: Binder, node: Node) -> Predicate:
    if isinstance(node, And):
        left, right = _predicate(binder, node.left), _predicate(binder, node.right)
        return lambda item: left(item) and right(item)
    if isinstance(node, Or):
        left, right = _predicate(binder, node.left), _predicate(binder, node.right)
        return lambda item: left(item) or right(item)
    if isinstance(node, Not):
        inner = _predicate(binder, node.operand)
        return lambda item: not inner(item)
    if isinstance(node, Compare):
        return _compare(binder, node)
    if isinstance(node, Between):
        return _between(binder, node)
    if isinstance(node, In):
        return _in(binder, node)
    assert isinstance(node, Function)
    return _function(binder, node)


def _compare(binder: Binder, node: Compare) -> Predicate:
    left, right = binder.operand(node.left), binder.operand(node.right)
    binder.distinct(node.op, left, right)
    a, b = left.get, right.get
    if node.op == "=":
        return lambda item: _equal(a(item), b(item))
    if node.op == "<>":
        return lambda item: _not_equal(a(item), b(item))
    for operand in (left, right):
        if operand.literal is not None and operand.type not in SCALAR_TYPES:
            binder.operand_type(node.op, operand.type, long=True)
    test = _ORDER[node.op]

    def ordered(item: Item) -> bool:
        x, y = a(item), b(item)
        return _comparable(x, y) and test(compare(x, y))
    return ordered


def _equal(x: AttributeValue | None, y: AttributeValue | None) -> bool:
    return x is not None and y is not None and equal(x, y)


def _not_equal(x: AttributeValue | None, y: AttributeValue | None) -> bool:
    # A missing attribute is unequal to everything, another missing one included.
    return x is None or y is None or not equal(x, y)


def _comparable(x: AttributeValue | None, y: AttributeValue | None) -> bool:
    if x is None or y is None:
        return False
    kind = type_of(x)
    return kind in SCALAR_TYPES and kind in y


def _between(binder: Binder, node: Between) -> Predicate:
    operand, low, high = (binder.operand(n) for n in (node.operand, node.low, node.high))
    binder.distinct("BETWEEN", operand, low, high)
    for bound in (operand, low, high):
        if bound.literal is not None and bound.type not in SCALAR_TYPES:
            binder.operand_type("BETWEEN", bound.type, long=True)
    _check_bounds(binder, low, high)
    get, get_low, get_high = operand.get, low.get, high.get

    def between(item: Item) -> bool:
        x, lo, hi = get(item), get_low(item), get_high(item)
        return (_comparable(x, lo) and _comparable(x, hi)
                and compare(lo, x) <= 0 and compare(x, hi) <= 0)
    return between


def _check_bounds(binder: Binder, low: Operand, high: Operand) -> None:
    if low.literal is None or high.literal is None:
        return
    bounds = (f"lower bound operand: AttributeValue: {shown_value(low.literal)}, "
              f"upper bound operand: AttributeValue: {shown_value(high.literal)}")
    if low.type != high.type:
        binder.fault("operand", "The BETWEEN operator requires same data type for lower and "
                                f"upper bounds; {bounds}")
    elif low.type in SCALAR_TYPES and compare(low.literal, high.literal) > 0:
        binder.fault("operand", "The BETWEEN operator requires upper bound to be greater than "
                                f"or equal to lower bound; {bounds}")


def _in(binder: Binder, node: In) -> Predicate:
    operand = binder.operand(node.operand)
    bound = [binder.operand(choice) for choice in node.choices]
    binder.distinct("IN", operand, *bound)
    choices = [choice.get for choice in bound]
    get = operand.get

    def within(item: Item) -> bool:
        x = get(item)
        return x is not None and any(_equal(x, choice(item)) for choice in choices)
    return within


def _function(binder: Binder, node: Function) -> Predicate:
    args = [binder.operand(arg) for arg in node.args]
    if len(args) == 2:
        binder.distinct(node.name, args[0], args[1])
    get = args[0].get
    if node.name == "attribute_exists":
        return lambda item: get(item) is not None
    if node.name == "attribute_not_exists":
        return lambda item: get(item) is None
    other = args[1].get
    if node.name == "attribute_type":
        wanted = _type_name(binder, args[1])

        def has_type(item: Item) -> bool:
            value = get(item)
            return value is not None and wanted in value
        return has_type
    if node.name == "begins_with":
        for arg in args:
            if arg.type is not None and arg.type not in ("S", "B"):
                binder.operand_type("begins_with", arg.type)
        return lambda item: _begins_with(get(item), other(item))
    return lambda item: contains_value(get(item), other(item))


def _type_name(binder: Binder, arg: Operand) -> str:
    if arg.type != "S":
        binder.operand_type("attribute_type", arg.type or "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}")
        return ""
    name = arg.literal["S"]
    if name not in ALL_TYPES:
        binder.fault("operand", f"Invalid attribute type name found; type: {name}, "
                                f"valid types: {_TYPE_NAMES}")
    return name


def _begins_with(value: AttributeValue | None, prefix: AttributeValue | None) -> bool:
    if value is None or prefix is None:
        return False
    kind = type_of(value)
    return kind in ("S", "B") and kind in prefix and value[kind].startswith(prefix[kind])


def contains_value(value: AttributeValue | None, member: AttributeValue | None) -> bool:
    """A substring of a string or binary, a member of a set, an element of a list."""
    if value is None or member is None:
        return False
    kind, wanted = type_of(value), type_of(member)
    data, probe = value[kind], member[wanted]
    if kind == "L":
        return any(equal(element, member) for element in data)
    if kind in ("S", "B") and wanted == kind:
        return probe in data
    if (kind, wanted) in (("SS", "S"), ("BS", "B")):
        return probe in data
    if kind == "NS" and wanted == "N":
        number = to_decimal(probe)
        return any(to_decimal(n) == number for n in data)
    return False
