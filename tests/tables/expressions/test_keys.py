"""KeyConditionExpression: one equality on the partition key, one sort-key condition."""
from __future__ import annotations

import pytest

from fogbank.tables.errors import ValidationException
from fogbank.tables.expressions import ExpressionContext, KeyCondition, parse_key_condition


def N(n: object) -> dict:
    return {"N": str(n)}


def S(s: str) -> dict:
    return {"S": s}


VALUES = {":p": S("x"), ":a": N(1), ":b": N(5), ":s": S("ab")}


def key(text: str, names: dict | None = None) -> KeyCondition:
    used = {k: v for k, v in VALUES.items() if k in text}
    ctx = ExpressionContext(names, used or None)
    result = parse_key_condition(text, ctx)
    ctx.check_all_used()
    return result


@pytest.mark.parametrize("text, expected", [
    ("pk = :p", KeyCondition("pk", S("x"))),
    ("pk = :p AND sk BETWEEN :a AND :b", KeyCondition("pk", S("x"), "sk", "BETWEEN", (N(1), N(5)))),
    (":a < sk AND pk = :p", KeyCondition("pk", S("x"), "sk", ">", (N(1),))),
    ("pk = :p AND begins_with(sk, :s)", KeyCondition("pk", S("x"), "sk", "begins_with", (S("ab"),))),
    ("(pk = :p) AND (sk <= :a)", KeyCondition("pk", S("x"), "sk", "<=", (N(1),))),
    ("sk = :a AND pk = :p", KeyCondition("sk", N(1), "pk", "=", (S("x"),))),
])
def test_key_conditions(text: str, expected: KeyCondition) -> None:
    assert key(text) == expected


def test_a_key_condition_is_arranged_by_the_schemas_partition_key() -> None:
    arranged = key("sk = :a AND pk = :p").arranged("pk")
    assert arranged == KeyCondition("pk", S("x"), "sk", "=", (N(1),))
    assert key("pk = :p").arranged("pk") == KeyCondition("pk", S("x"))


@pytest.mark.parametrize("text, value, matches", [
    ("pk = :p AND sk BETWEEN :a AND :b", N(5), True), ("pk = :p AND sk BETWEEN :a AND :b", N(6), False),
    ("pk = :p AND sk > :a", N(2), True), ("pk = :p AND sk > :a", N(1), False),
    ("pk = :p AND begins_with(sk, :s)", S("abc"), True), ("pk = :p AND begins_with(sk, :s)", S("b"), False),
    ("pk = :p AND sk = :a", S("1"), False), ("pk = :p", N(1), True),
])
def test_sort_key_values_match_the_range_condition(text: str, value: dict, matches: bool) -> None:
    assert key(text).matches_range(value) is matches


@pytest.mark.parametrize("text, message", [
    ("pk = :p OR sk = :a", "Invalid operator used in KeyConditionExpression: OR"),
    ("NOT pk = :p", "Invalid operator used in KeyConditionExpression: NOT"),
    ("pk IN (:p)", "Invalid operator used in KeyConditionExpression: IN"),
    ("pk <> :p", "Invalid operator used in KeyConditionExpression: <>"),
    ("attribute_exists(pk)", "Invalid operator used in KeyConditionExpression: attribute_exists"),
    ("contains(pk, :p)", "Invalid operator used in KeyConditionExpression: contains"),
    ("size(pk) = :a", "KeyConditionExpressions cannot contain nested operations"),
    ("a.b = :p", "KeyConditionExpressions cannot have conditions on nested attributes"),
    ("pk = sk", "Invalid condition in KeyConditionExpression: Multiple attribute names used in "
                "one condition"),
    (":p = :p", "Invalid condition in KeyConditionExpression: No key attribute specified"),
    ("pk = :p AND pk = :p", "Invalid KeyConditionExpression: KeyConditionExpressions must only "
     "contain one condition per key"),
    ("begins_with(pk, :a)", "Invalid KeyConditionExpression: Incorrect operand type for operator "
                            "or function; operator or function: begins_with, operand type: N"),
    ("pk = :p AND sk BETWEEN :b AND :a",
     "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater "
     "than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound "
     "operand: AttributeValue: {N:1}"),
    ("pk = = :p", 'Invalid KeyConditionExpression: Syntax error; token: "=", near: "= = :p"'),
])
def test_bad_key_conditions_get_dynamodbs_message(text: str, message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        parse_key_condition(text, ExpressionContext(None, VALUES))
    assert caught.value.message == message
