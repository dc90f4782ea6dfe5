"""The parser as a whole: random conditions keep AND/OR/NOT precedence and parentheses, and
expressions at DynamoDB's limits (300 operators, deep nesting) are refused in its words."""
from __future__ import annotations

import operator
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from fogbank.tables.errors import ValidationException
from fogbank.tables.expressions import ExpressionContext, parse_condition, parse_update

ITEM = {"a": {"N": "1"}, "b": {"N": "-2.5"}, "c": {"N": "300"}}
OPS = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, "<=": operator.le,
       ">": operator.gt, ">=": operator.ge}

comparisons = st.tuples(st.sampled_from(sorted(ITEM)), st.sampled_from(sorted(OPS)),
                        st.integers(-5, 400))
trees = st.recursive(
    comparisons.map(lambda c: ("cmp", *c)),
    lambda inner: st.one_of(
        st.tuples(st.just("NOT"), inner),
        st.tuples(st.sampled_from(["AND", "OR"]), inner, inner)),
    max_leaves=8)


def render(tree: tuple, values: dict) -> str:
    """Text with parentheses around every compound part, and the reference truth."""
    if tree[0] == "cmp":
        _, name, op, number = tree
        key = f":v{len(values)}"
        values[key] = {"N": str(number)}
        return f"{name} {op} {key}"
    if tree[0] == "NOT":
        return f"NOT ({render(tree[1], values)})"
    return f"({render(tree[1], values)}) {tree[0]} ({render(tree[2], values)})"


def truth(tree: tuple) -> bool:
    if tree[0] == "cmp":
        _, name, op, number = tree
        return OPS[op](Decimal(ITEM[name]["N"]), Decimal(number))
    if tree[0] == "NOT":
        return not truth(tree[1])
    left, right = truth(tree[1]), truth(tree[2])
    return (left and right) if tree[0] == "AND" else (left or right)


@settings(max_examples=200, deadline=None)
@given(trees)
def test_random_conditions_evaluate_like_the_reference(tree: tuple) -> None:
    values: dict = {}
    text = render(tree, values)
    ctx = ExpressionContext(None, values)
    assert parse_condition(text, ctx).evaluate(ITEM) is truth(tree)
    ctx.check_all_used()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(ITEM)), st.sampled_from(sorted(OPS)),
                          st.integers(-5, 400)), min_size=1, max_size=6),
       st.lists(st.sampled_from(["AND", "OR"]), min_size=5, max_size=5))
def test_and_binds_tighter_than_or_without_parentheses(leaves: list, joins: list) -> None:
    values: dict = {}
    parts, truths = [], []
    for name, op, number in leaves:
        key = f":v{len(values)}"
        values[key] = {"N": str(number)}
        parts.append(f"{name} {op} {key}")
        truths.append(OPS[op](Decimal(ITEM[name]["N"]), Decimal(number)))
    text, groups = parts[0], [[truths[0]]]
    for join, part, value in zip(joins, parts[1:], truths[1:]):
        text += f" {join} {part}"
        if join == "AND":
            groups[-1].append(value)
        else:
            groups.append([value])
    expected = any(all(group) for group in groups)
    assert parse_condition(text, ExpressionContext(None, values)).evaluate(ITEM) is expected


AB = {"a": {"N": "1"}, "b": {"N": "2"}}
TOO_MANY = "The expression contains too many operators; operator count: 301"


@pytest.mark.parametrize("text, holds", [
    ("a<b " + "or (a<b " * 149 + ")" * 149, True),        # 299 operators
    ("a<b" + " or a<b" * 149, True),
    ("not " * 299 + "a<b", False),
    ("(" * 149 + "a<b" + ") and a<b" * 149, True),        # 149 groups deep
])
def test_deep_expressions_within_the_limits_evaluate(text: str, holds: bool) -> None:
    assert parse_condition(text, ExpressionContext(None, None)).evaluate(AB) is holds


@pytest.mark.parametrize("text, message", [
    ("a<b" + " or a<b" * 150, TOO_MANY),
    ("(" * 150 + "a<b" + ") and a<b" * 150, TOO_MANY),
    ("a<b " + "or (a<b " * 454 + ")" * 454, TOO_MANY),
    ("not " * 1000 + "a<b", TOO_MANY),
    ("(" * 2046 + "a<b" + ")" * 2046, "The expression has redundant parentheses;"),
    ("a < " + "f(" * 1355 + "b" + ")" * 1355, "Invalid function name; function: f"),
    ("a < " + "size(" * 680 + "b" + ")" * 680,
     "Incorrect operand type for operator or function; operator or function: size, "
     "operand type: N"),
    ("(" * 4096, 'Syntax error; token: "<EOF>", near: "("'),
])
def test_deeply_nested_conditions_are_refused_not_crashed(text: str, message: str) -> None:
    assert len(text) <= 4096
    with pytest.raises(ValidationException) as caught:
        parse_condition(text, ExpressionContext(None, None))
    assert caught.value.message == f"Invalid ConditionExpression: {message}"


@pytest.mark.parametrize("text, message", [
    ("SET " + ", ".join(f"z{i} = a + a" for i in range(301)), TOO_MANY),
    ("SET " + ", ".join(f"z{i} = if_not_exists(a, b)" for i in range(301)), TOO_MANY),
    ("SET z = " + "(" * 2000 + "a" + ")" * 2000, "The expression has redundant parentheses;"),
])
def test_update_expressions_at_the_limits(text: str, message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        parse_update(text, ExpressionContext(None, None))
    assert caught.value.message == f"Invalid UpdateExpression: {message}"
