"""UpdateExpression bound to a request: `apply(item)` gives the new item.

Every operand reads the item as it was before the update (DynamoDB evaluates all actions
against the old item); list elements removed by index refer to the old positions.
"""
from __future__ import annotations

from typing import Callable

from fogbank.tables.errors import ValidationException
from fogbank.tables.expressions import paths
from fogbank.tables.expressions.context import ExpressionContext
from fogbank.tables.expressions.nodes import Action, Arithmetic, Function, Node, Path, ValueRef
from fogbank.tables.expressions.operands import LONG_TYPE_NAMES, Binder, Getter
from fogbank.tables.values import (
    SET_TYPES, AttributeValue, Item, add_numbers, set_in_order, subtract_numbers, to_decimal,
    type_of)

LABEL = "UpdateExpression"
WRONG_TYPE = "An operand in the update expression has an incorrect data type"
MISSING = "The provided expression refers to an attribute that does not exist in the item"

# (path, value for the old item) → what to do to the new item.
Step = tuple[str, paths.ResolvedPath, Callable[[Item], "AttributeValue | None"]]


class Update:
    """A bound update: the actions in order, with every placeholder resolved."""

    __slots__ = ("steps", "paths", "top_level_names")

    def __init__(self, steps: list[Step]) -> None:
        # REMOVEs run last and from the highest list index down, so indexes stay old ones.
        removes = sorted((s for s in steps if s[0] == "REMOVE"), key=_removal_order)
        # Elements set past a list's end are appended in index order, not written order.
        writes = sorted((s for s in steps if s[0] != "REMOVE"), key=_write_order)
        self.steps = writes + removes
        self.paths: tuple[paths.ResolvedPath, ...] = tuple(s[1] for s in steps)
        self.top_level_names: frozenset[str] = frozenset(p[0] for p in self.paths)

    def apply(self, item: Item) -> dict[str, AttributeValue]:
        computed = [(kind, path, compute(item) if compute else None)
                    for kind, path, compute in self.steps]
        new = dict(item)
        copied: set[int] = set()
        for kind, path, value in computed:
            if value is None:
                paths.remove(new, path, copied)
            else:
                paths.put(new, path, value, copied)
        return new


def _removal_order(step: Step) -> tuple:
    last = step[1][-1]
    return (0, -last) if isinstance(last, int) else (1, 0)


def _write_order(step: Step) -> int:
    last = step[1][-1]
    return last if isinstance(last, int) else -1


def bind_update(actions: tuple[Action, ...], ctx: ExpressionContext,
                deferred: str | None = None) -> Update:
    binder = Binder(ctx, LABEL, deferred)
    steps: list[Step] = []
    for action in actions:
        path = binder.path(action.path)
        if action.kind == "SET":
            steps.append(("SET", path, _set_value(binder, action.value)))
        elif action.kind == "REMOVE":
            steps.append(("REMOVE", path, None))
        else:
            value = binder.operand(action.value).literal
            kind = type_of(value)
            if kind not in SET_TYPES and not (action.kind == "ADD" and kind == "N"):
                binder.fault("operand", "Incorrect operand type for operator or function; "
                                        f"operator: {action.kind}, operand type: "
                                        f"{LONG_TYPE_NAMES[kind]}, typeSet: "
                                        f"ALLOWED_FOR_{action.kind}_OPERAND")
            combine = add_to if action.kind == "ADD" else delete_from
            steps.append((action.kind, path, _combined(path, value, combine)))
    binder.resolved()
    paths.check_overlaps([step[1] for step in steps], LABEL)
    binder.finish()
    return Update(steps)


def _set_value(binder: Binder, node: Node) -> Getter:
    """The value a SET writes; missing operands and wrong types fail at apply time."""
    if isinstance(node, Arithmetic):
        left, right = _set_value(binder, node.left), _set_value(binder, node.right)
        _check_literal(binder, node.op, (node.left, node.right), "N")
        op = add_numbers if node.op == "+" else subtract_numbers

        def arithmetic(item: Item) -> AttributeValue:
            x, y = _number(left(item)), _number(right(item))
            return {"N": op(x, y)}
        return arithmetic
    if isinstance(node, Function):
        return _function(binder, node)
    operand = binder.operand(node)
    get = operand.get

    def present(item: Item) -> AttributeValue:
        value = get(item)
        if value is None:
            raise ValidationException(MISSING)
        return value
    return present


def _function(binder: Binder, node: Function) -> Getter:
    if node.name == "if_not_exists":
        checked = binder.operand(node.args[0])
        if isinstance(node.args[1], Path):
            binder.distinct("if_not_exists", checked, binder.operand(node.args[1]))
        existing = checked.get
        fallback = _set_value(binder, node.args[1])
        return lambda item: existing(item) or fallback(item)
    first, second = (_set_value(binder, arg) for arg in node.args)
    _check_literal(binder, "list_append", node.args, "L")

    def appended(item: Item) -> AttributeValue:
        head, tail = first(item), second(item)
        if "L" not in head or "L" not in tail:
            raise ValidationException(WRONG_TYPE)
        return {"L": head["L"] + tail["L"]}
    return appended


def _check_literal(binder: Binder, name: str, args: tuple[Node, ...], wanted: str) -> None:
    for arg in args:
        if not isinstance(arg, ValueRef):
            continue
        kind = type_of(binder.operand(arg).literal)
        if kind != wanted:
            binder.operand_type(name, kind)


def _number(value: AttributeValue) -> str:
    number = value.get("N")
    if number is None:
        raise ValidationException(WRONG_TYPE)
    return number


def _combined(path: paths.ResolvedPath, value: AttributeValue,
              combine: Callable[[AttributeValue | None, AttributeValue], AttributeValue | None]
              ) -> Callable[[Item], AttributeValue | None]:
    return lambda item: combine(paths.get(item, path), value)


def add_to(existing: AttributeValue | None, value: AttributeValue) -> AttributeValue:
    """ADD: a number is added to, a set gains members; a missing attribute is created."""
    kind = type_of(value)
    if existing is None:
        return value
    if kind not in existing:
        raise ValidationException(WRONG_TYPE)
    if kind == "N":
        return {"N": add_numbers(existing["N"], value["N"])}
    members = existing[kind]
    have = _keys(kind, members)
    return {kind: set_in_order(kind, members + [m for m in value[kind]
                                                if _key(kind, m) not in have])}


def delete_from(existing: AttributeValue | None, value: AttributeValue) -> AttributeValue | None:
    """DELETE: members leave a set; a set left empty is removed (None)."""
    kind = type_of(value)
    if existing is None:
        return None
    if kind not in existing:
        raise ValidationException(WRONG_TYPE)
    gone = _keys(kind, value[kind])
    kept = [m for m in existing[kind] if _key(kind, m) not in gone]
    return {kind: kept} if kept else None


def _keys(kind: str, members: list) -> set:
    return {_key(kind, m) for m in members}


def _key(kind: str, member: object) -> object:
    return to_decimal(member) if kind == "NS" else member
