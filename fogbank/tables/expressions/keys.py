"""KeyConditionExpression: one equality on the partition key, at most one range condition
(on a global secondary index with a multi-attribute key, one condition per key attribute).

The parse tree of a condition is checked against what a key condition may hold and turned
into a `KeyCondition`; the engine checks the names against the table's key schema.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

from fogbank.tables.errors import ValidationException
from fogbank.tables.expressions.context import ExpressionContext
from fogbank.tables.expressions.nodes import (And, Between, Compare, Function, In, Node, Not, Or, Path,
                                              ValueRef)
from fogbank.tables.expressions.operands import Binder, Operand, shown_value
from fogbank.tables.values import AttributeValue, compare

LABEL = "KeyConditionExpression"
_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_RANGE_OPS = frozenset({"=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"})
# What a key schema of one HASH and at most one RANGE attribute answers to more conditions.
TOO_MANY = "The expression contains too many conditions; maximum number of conditions: 2"
TOO_MANY_LEGACY = "Conditions can be of length 1 or 2 only"

Clause = tuple[str, str, tuple[AttributeValue, ...]]     # (attribute, operator, values)


@dataclass(frozen=True)
class KeyCondition:
    hash_name: str
    hash_value: AttributeValue
    range_name: str | None = None
    op: str | None = None               # "=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"
    values: tuple[AttributeValue, ...] = ()
    # Not "=" only when neither of two conditions is an equality; the engine refuses those.
    hash_op: str = "="
    # Every condition as written: a multi-attribute index key is matched against these, and
    # a key of one HASH and at most one RANGE attribute refuses more than two with `too_many`
    # (the fields above then describe the first condition only).
    clauses: tuple[Clause, ...] = field(default=(), compare=False)
    too_many: str = field(default=TOO_MANY, compare=False)

    def arranged(self, hash_key: str) -> "KeyCondition":
        """The same condition with `hash_key` as the partition key, when it was written
        second (`sk = :s AND pk = :p`, or two conditions that are not equalities)."""
        if self.hash_name != hash_key and self.range_name == hash_key and self.op is not None:
            return KeyCondition(hash_key, self.values[0], self.hash_name, self.hash_op,
                                (self.hash_value,), hash_op=self.op, clauses=self.clauses,
                                too_many=self.too_many)
        return self

    def matches_range(self, value: AttributeValue | None) -> bool:
        """Whether a sort-key value satisfies the range condition (true when there is none)."""
        if self.op is None:
            return True
        if value is None or next(iter(self.values[0])) not in value:
            return False
        if self.op == "begins_with":
            kind = next(iter(value))
            return value[kind].startswith(self.values[0][kind])
        if self.op == "BETWEEN":
            return compare(self.values[0], value) <= 0 <= compare(self.values[1], value)
        order = compare(value, self.values[0])
        return {"=": order == 0, "<": order < 0, "<=": order <= 0, ">": order > 0,
                ">=": order >= 0}[self.op]


def arrange(found: list[Clause], too_many: str = TOO_MANY_LEGACY) -> KeyCondition:
    """(name, op, values) conditions → KeyCondition; the equality comes first as the
    partition key (the engine checks the names against the key schema)."""
    if not found:
        raise ValidationException(TOO_MANY_LEGACY)
    written = {"clauses": tuple(found), "too_many": too_many}
    if len(found) == 2 and found[0][1] != "=" and found[1][1] == "=":
        found = [found[1], found[0]]
    hash_name, hash_op, hash_values = found[0]
    if len(found) == 1 and hash_op != "=":
        return KeyCondition(hash_name, hash_values[0], hash_name, hash_op, hash_values, **written)
    if len(found) != 2:
        return KeyCondition(hash_name, hash_values[0], hash_op=hash_op, **written)
    range_name, op, values = found[1]
    return KeyCondition(hash_name, hash_values[0], range_name, op, values, hash_op=hash_op,
                        **written)


def _invalid(message: str) -> ValidationException:
    # DynamoDB words these itself, without the "Invalid KeyConditionExpression:" prefix.
    return ValidationException(message)


class KeyConditionFault(ValidationException):
    """A key condition that parses but cannot be one. DynamoDB reports it only after its
    check for unused ExpressionAttributeNames / Values, so the caller raises it then."""


def bind_key_condition(tree: Node, ctx: ExpressionContext) -> KeyCondition:
    binder = Binder(ctx, LABEL)
    # Clause by clause as written: a clause's undefined value or impossible operand type is
    # reported before anything in a later clause, and before the table is looked up.
    for clause in _written_clauses(tree):
        _resolve_placeholders(binder, clause)
        _check_operand_types(ctx, clause)
    try:
        parts = _conditions(tree)
        found = [_condition(binder, part) for part in parts]
        binder.finish()
        names = [name for name, _, _ in found]
        if len(set(names)) != len(names):
            raise ValidationException("Invalid KeyConditionExpression: "
                                      "KeyConditionExpressions must only contain one condition "
                                      "per key")
        return arrange(found, TOO_MANY)
    except ValidationException as exc:
        raise KeyConditionFault(exc.message) from None


def _resolve_placeholders(binder: Binder, node: object) -> None:
    """Resolves every #name and :value of the tree, so that all count as used (and an
    undefined one is refused) before the condition's shape is judged."""
    if isinstance(node, Path):
        binder.path(node)
    elif isinstance(node, ValueRef):
        binder.ctx.value(node.placeholder, LABEL)
    elif isinstance(node, tuple):
        for child in node:
            _resolve_placeholders(binder, child)
    elif hasattr(node, "__dataclass_fields__"):
        for field in fields(node):  # type: ignore[arg-type]
            _resolve_placeholders(binder, getattr(node, field.name))


def _written_clauses(tree: Node) -> list[Node]:
    if isinstance(tree, And):
        return _written_clauses(tree.left) + _written_clauses(tree.right)
    return [tree]


# The operand types no key attribute could take for each operator or function: such a value
# is refused before the schema is consulted (one a key could take but the attribute does not
# have fails the schema check later).
_KEY_TYPES = {"begins_with": ("S", "B"), "BETWEEN": ("S", "N", "B"), "<": ("S", "N", "B"),
              "<=": ("S", "N", "B"), ">": ("S", "N", "B"), ">=": ("S", "N", "B")}


def _check_operand_types(ctx: ExpressionContext, clause: Node) -> None:
    if isinstance(clause, Compare):
        op, operands = clause.op, (clause.left, clause.right)
    elif isinstance(clause, Between):
        op, operands = "BETWEEN", (clause.operand, clause.low, clause.high)
    elif isinstance(clause, Function):
        op, operands = clause.name, clause.args
    else:
        return
    allowed = _KEY_TYPES.get(op)
    for operand in operands if allowed else ():
        if isinstance(operand, ValueRef):
            kind = next(iter(ctx.value(operand.placeholder, LABEL)))
            if kind not in allowed:
                raise ValidationException(
                    f"Invalid {LABEL}: Incorrect operand type for operator or function; "
                    f"operator or function: {op}, operand type: {kind}")


def _conditions(tree: Node) -> list[Node]:
    if isinstance(tree, And):
        # How many conditions a key allows depends on the index, so the engine counts them.
        return _conditions(tree.left) + _conditions(tree.right)
    if isinstance(tree, (Or, Not, In)):
        raise _invalid(f"Invalid operator used in KeyConditionExpression: "
                       f"{type(tree).__name__.upper()}")
    if isinstance(tree, Compare) and tree.op == "<>":
        raise _invalid("Invalid operator used in KeyConditionExpression: <>")
    if isinstance(tree, Function) and tree.name != "begins_with":
        raise _invalid(f"Invalid operator used in KeyConditionExpression: {tree.name}")
    return [tree]


def _condition(binder: Binder, node: Node) -> tuple[str, str, tuple[AttributeValue, ...]]:
    if isinstance(node, Compare):
        op, operands = node.op, [node.left, node.right]
    elif isinstance(node, Between):
        op, operands = "BETWEEN", [node.operand, node.low, node.high]
    else:
        assert isinstance(node, Function)
        op, operands = node.name, list(node.args)
    if any(isinstance(o, Function) for o in operands):
        raise ValidationException("KeyConditionExpressions cannot contain nested operations")
    positions = [i for i, o in enumerate(operands) if isinstance(o, Path)]
    if not positions:
        raise _invalid("Invalid condition in KeyConditionExpression: No key attribute specified")
    if len(positions) > 1:
        raise _invalid("Invalid condition in KeyConditionExpression: Multiple attribute names "
                       "used in one condition")
    if positions[0] != 0 and op in ("BETWEEN", "begins_with"):
        raise _invalid(f"Invalid condition in KeyConditionExpression: {op} operator must have "
                       "the key attribute as its first operand")
    bound = [binder.operand(o) for o in operands]
    path = bound[positions[0]].path
    if len(path) > 1:
        raise ValidationException("KeyConditionExpressions cannot have conditions on nested attributes")
    if positions[0] != 0:
        op = _FLIPPED[op]
    values = tuple(b.literal for b in bound if b.path is None)
    _check_values(binder, op, bound)
    return path[0], op, values


def _check_values(binder: Binder, op: str, bound: list[Operand]) -> None:
    literals = [b for b in bound if b.path is None]
    if op == "begins_with" and literals[0].type not in ("S", "B"):
        binder.operand_type("begins_with", literals[0].type)
    if op == "BETWEEN":
        low, high = literals
        if low.type == high.type and low.type in ("S", "N", "B") \
                and compare(low.literal, high.literal) > 0:
            binder.fault("operand", "The BETWEEN operator requires upper bound to be greater "
                                    "than or equal to lower bound; lower bound operand: "
                                    f"AttributeValue: {shown_value(low.literal)}, upper bound "
                                    f"operand: AttributeValue: {shown_value(high.literal)}")
