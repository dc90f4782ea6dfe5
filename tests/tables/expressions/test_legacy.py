"""The legacy parameters: Expected, QueryFilter / ScanFilter, AttributeUpdates, KeyConditions."""
from __future__ import annotations

import pytest

from fogbank.tables.errors import ValidationException
from fogbank.tables.expressions import KeyCondition, legacy


def N(n: object) -> dict:
    return {"N": str(n)}


def S(s: str) -> dict:
    return {"S": s}


ITEM = {"a": N(2), "s": S("banana"), "tags": {"SS": ["x", "y"]}}
INVALID = "One or more parameter values were invalid: "


@pytest.mark.parametrize("expected, operator, holds", [
    ({"a": {"Value": N(2)}}, None, True), ({"a": {"Value": N(3)}}, None, False),
    ({"a": {"Exists": True, "Value": N(2)}}, None, True),
    ({"b": {"Exists": False}}, None, True), ({"a": {"Exists": False}}, None, False),
    ({"a": {"ComparisonOperator": "GT", "Value": N(1)}}, None, True),
    ({"a": {"ComparisonOperator": "NULL"}}, None, False),
    ({"a": {"Value": N(3)}, "s": {"Value": S("banana")}}, "OR", True),
    ({"a": {"Value": N(3)}, "s": {"Value": S("banana")}}, "AND", False),
])
def test_expected(expected: dict, operator: str | None, holds: bool) -> None:
    assert legacy.condition_from_expected(expected, operator).evaluate(ITEM) is holds


@pytest.mark.parametrize("op, values, holds", [
    ("EQ", [N(2)], True), ("NE", [N(2)], False), ("LE", [N(2)], True), ("LT", [N(2)], False),
    ("GE", [N(3)], False), ("GT", [N(1)], True), ("NOT_NULL", [], True), ("NULL", [], False),
    ("IN", [N(1), N(2)], True), ("BETWEEN", [N(1), N(3)], True), ("BETWEEN", [N(3), N(4)], False),
])
def test_filter_operators_on_numbers(op: str, values: list, holds: bool) -> None:
    condition = legacy.filter_from_conditions(
        {"a": {"ComparisonOperator": op, "AttributeValueList": values}}, None)
    assert condition.evaluate(ITEM) is holds


@pytest.mark.parametrize("name, op, values, holds", [
    ("s", "BEGINS_WITH", [S("ban")], True), ("s", "CONTAINS", [S("nan")], True),
    ("tags", "CONTAINS", [S("x")], True), ("tags", "NOT_CONTAINS", [S("x")], False),
    # A missing attribute fails NOT_CONTAINS as it fails CONTAINS, though it passes NE.
    ("absent", "NOT_CONTAINS", [S("x")], False), ("absent", "CONTAINS", [S("x")], False),
    ("absent", "NE", [S("x")], True), ("s", "NOT_CONTAINS", [S("x")], True),
    ("s", "GT", [N(1)], False),
])
def test_filter_operators_on_strings_and_sets(name: str, op: str, values: list,
                                              holds: bool) -> None:
    condition = legacy.filter_from_conditions(
        {name: {"ComparisonOperator": op, "AttributeValueList": values}}, None)
    assert condition.evaluate(ITEM) is holds


@pytest.mark.parametrize("expected, message", [
    ({"a": {"Value": N(1), "AttributeValueList": [N(1)], "ComparisonOperator": "EQ"}},
     INVALID + "Value and AttributeValueList cannot be used together for Attribute: a"),
    ({"a": {"Exists": True, "ComparisonOperator": "EQ", "Value": N(1)}},
     INVALID + "Exists and ComparisonOperator cannot be used together for Attribute: a"),
    ({"a": {"ComparisonOperator": "EQ"}},
     INVALID + "Value or AttributeValueList must be used with ComparisonOperator: EQ for "
               "Attribute: a"),
    ({"a": {"AttributeValueList": [N(1)]}},
     INVALID + "AttributeValueList can only be used with a ComparisonOperator for Attribute: a"),
    ({"a": {}}, INVALID + "Value must be provided when Exists is null for Attribute: a"),
    ({"a": {"Exists": True}}, INVALID + "Value must be provided when Exists is true for "
                                        "Attribute: a"),
    ({"a": {"Exists": False, "Value": N(1)}},
     INVALID + "Value cannot be used when Exists is false for Attribute: a"),
    ({"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [N(1)]}},
     INVALID + "Invalid number of argument(s) for the BETWEEN ComparisonOperator"),
    ({"a": {"ComparisonOperator": "IN", "AttributeValueList": [N(1), S("x")]}},
     INVALID + "AttributeValues inside AttributeValueList must be of same type"),
    ({"a": {"ComparisonOperator": "LT", "AttributeValueList": [{"BOOL": True}]}},
     INVALID + "ComparisonOperator LT is not valid for BOOL AttributeValue type"),
    ({"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [N(3), N(1)]}},
     "The BETWEEN condition was provided a range where the lower bound is greater than the "
     "upper bound"),
])
def test_bad_expected_gets_dynamodbs_message(expected: dict, message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        legacy.condition_from_expected(expected, None)
    assert caught.value.message == message


def test_attribute_updates() -> None:
    update = legacy.update_from_attribute_updates({
        "a": {"Action": "ADD", "Value": N(1)}, "s": {"Action": "DELETE"},
        "tags": {"Action": "DELETE", "Value": {"SS": ["x"]}}, "new": {"Value": S("v")},
        "l": {"Action": "ADD", "Value": {"L": [N(1)]}}})
    assert update.apply(ITEM) == {"a": N(3), "tags": {"SS": ["y"]}, "new": S("v"),
                                  "l": {"L": [N(1)]}}
    assert update.top_level_names == {"a", "s", "tags", "new", "l"}


@pytest.mark.parametrize("updates, message", [
    ({"a": {"Action": "PUT"}},
     INVALID + "Only DELETE action is allowed when no attribute value is specified"),
    ({"a": {"Action": "ADD", "Value": S("x")}},
     INVALID + "ADD action is not supported for the type S"),
    ({"a": {"Action": "DELETE", "Value": N(1)}},
     INVALID + "DELETE action with value is not supported for the type N"),
])
def test_bad_attribute_updates_are_refused(updates: dict, message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        legacy.update_from_attribute_updates(updates)
    assert caught.value.message == message


def test_attribute_update_of_another_type_fails_on_apply() -> None:
    update = legacy.update_from_attribute_updates({"s": {"Action": "ADD", "Value": N(1)}})
    with pytest.raises(ValidationException) as caught:
        update.apply(ITEM)
    assert caught.value.message == "Type mismatch for attribute to update"


def test_key_conditions() -> None:
    assert legacy.key_condition_from_conditions({
        "sk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [S("a")]},
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("x")]},
    }) == KeyCondition("pk", S("x"), "sk", "begins_with", (S("a"),))
    with pytest.raises(ValidationException) as caught:
        legacy.key_condition_from_conditions(
            {"pk": {"ComparisonOperator": "NE", "AttributeValueList": [S("x")]}})
    assert caught.value.message == "Attempted conditional constraint is not an indexable operation"
