"""The legacy parameters: Expected, QueryFilter / ScanFilter, AttributeUpdates, KeyConditions.

They become the same Condition, Update and KeyCondition objects the expressions give, so
the engine has one way to evaluate either form.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from fogbank.tables.errors import RequestCheckFailed, ValidationException
from fogbank.tables.expressions.conditions import Condition, contains_value
from fogbank.tables.expressions.keys import KeyCondition, arrange
from fogbank.tables.expressions.updates import Update, add_to, delete_from
from fogbank.tables.values import (
    SCALAR_TYPES, SET_TYPES, AttributeValue, Item, compare, equal, type_of, validate_value)

_INVALID = "One or more parameter values were invalid: "
_ARGUMENTS = {"EQ": 1, "NE": 1, "LE": 1, "LT": 1, "GE": 1, "GT": 1, "NOT_NULL": 0, "NULL": 0,
              "CONTAINS": 1, "NOT_CONTAINS": 1, "BEGINS_WITH": 1, "BETWEEN": 2}
_VALID_TYPES = {"EQ": ("S", "N", "B", "SS", "NS", "BS", "BOOL", "NULL", "L", "M"),
                "NE": ("S", "N", "B", "SS", "NS", "BS", "BOOL", "NULL", "L", "M"),
                "LE": SCALAR_TYPES, "LT": SCALAR_TYPES, "GE": SCALAR_TYPES, "GT": SCALAR_TYPES,
                "CONTAINS": SCALAR_TYPES, "NOT_CONTAINS": SCALAR_TYPES,
                "BEGINS_WITH": ("S", "B"), "IN": SCALAR_TYPES, "BETWEEN": SCALAR_TYPES}
_KEY_OPS = {"EQ": "=", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">",
            "BEGINS_WITH": "begins_with", "BETWEEN": "BETWEEN"}
_ORDER = {"LE": lambda c: c <= 0, "LT": lambda c: c < 0, "GE": lambda c: c >= 0,
          "GT": lambda c: c > 0}

Test = Callable[[Item], bool]


def condition_from_expected(expected: Mapping[str, Mapping[str, Any]],
                            operator: str | None) -> Condition:
    """Expected: per attribute, Exists / Value or ComparisonOperator / AttributeValueList."""
    tests = [_expected(name, spec) for name, spec in expected.items()]
    return _joined(tests, operator)


def filter_from_conditions(conditions: Mapping[str, Mapping[str, Any]],
                           operator: str | None) -> Condition:
    """QueryFilter / ScanFilter: per attribute, ComparisonOperator and AttributeValueList."""
    tests = [_comparison(name, spec["ComparisonOperator"], _value_list(spec))
             for name, spec in conditions.items()]
    return _joined(tests, operator)


def _joined(tests: list[Test], operator: str | None) -> Condition:
    if operator == "OR":
        return Condition(lambda item: any(test(item) for test in tests))
    return Condition(lambda item: all(test(item) for test in tests))


def _value_list(spec: Mapping[str, Any]) -> list[AttributeValue]:
    return [validate_value(v) for v in spec.get("AttributeValueList") or ()]


def _expected(name: str, spec: Mapping[str, Any]) -> Test:
    if "Value" in spec and "AttributeValueList" in spec:
        raise RequestCheckFailed(_INVALID + "Value and AttributeValueList cannot be used "
                                  f"together for Attribute: {name}")
    if "ComparisonOperator" in spec:
        op = spec["ComparisonOperator"]
        if "Exists" in spec:
            raise RequestCheckFailed(_INVALID + "Exists and ComparisonOperator cannot be used "
                                      f"together for Attribute: {name}")
        if op not in ("NULL", "NOT_NULL") and "Value" not in spec \
                and "AttributeValueList" not in spec:
            raise RequestCheckFailed(_INVALID + "Value or AttributeValueList must be used with "
                                      f"ComparisonOperator: {op} for Attribute: {name}")
        values = [validate_value(spec["Value"])] if "Value" in spec else _value_list(spec)
        return _comparison(name, op, values)
    if "AttributeValueList" in spec:
        raise RequestCheckFailed(_INVALID + "AttributeValueList can only be used with a "
                                  f"ComparisonOperator for Attribute: {name}")
    exists = spec.get("Exists")
    if exists is False:
        if "Value" in spec:
            raise RequestCheckFailed(_INVALID + "Value cannot be used when Exists is false "
                                      f"for Attribute: {name}")
        return lambda item: name not in item
    if "Value" not in spec:
        shown = "null" if exists is None else "true"
        raise RequestCheckFailed(_INVALID + f"Value must be provided when Exists is {shown} "
                                  f"for Attribute: {name}")
    value = validate_value(spec["Value"])
    return lambda item: name in item and equal(item[name], value)


def _check_arguments(op: str, values: list[AttributeValue]) -> None:
    wanted = _ARGUMENTS.get(op)
    count_ok = (len(values) >= 1) if op == "IN" else len(values) == wanted
    if not count_ok:
        raise RequestCheckFailed(
            _INVALID + f"Invalid number of argument(s) for the {op} ComparisonOperator")
    kinds = [type_of(v) for v in values]
    if len(set(kinds)) > 1:
        raise RequestCheckFailed(
            _INVALID + "AttributeValues inside AttributeValueList must be of same type")
    for kind in kinds:
        if kind not in _VALID_TYPES[op]:
            raise ValidationException(
                _INVALID + f"ComparisonOperator {op} is not valid for {kind} AttributeValue type")
    if op == "BETWEEN" and compare(values[0], values[1]) > 0:
        raise ValidationException("The BETWEEN condition was provided a range where the lower "
                                  "bound is greater than the upper bound")


def _comparison(name: str, op: str, values: list[AttributeValue]) -> Test:
    _check_arguments(op, values)
    first = values[0] if values else None
    if op == "NULL":
        return lambda item: name not in item
    if op == "NOT_NULL":
        return lambda item: name in item
    if op == "EQ":
        return lambda item: name in item and equal(item[name], first)
    if op == "NE":
        return lambda item: name not in item or not equal(item[name], first)
    if op == "IN":
        return lambda item: name in item and any(equal(item[name], v) for v in values)
    if op == "CONTAINS":
        return lambda item: contains_value(item.get(name), first)
    if op == "NOT_CONTAINS":
        # Like CONTAINS, false when the attribute is missing (unlike NE).
        return lambda item: name in item and not contains_value(item[name], first)
    kind = type_of(first)
    if op == "BEGINS_WITH":
        return lambda item: (kind in item.get(name, {})
                             and item[name][kind].startswith(first[kind]))
    if op == "BETWEEN":
        return lambda item: (kind in item.get(name, {}) and compare(first, item[name]) <= 0
                             and compare(item[name], values[1]) <= 0)
    test = _ORDER[op]
    return lambda item: kind in item.get(name, {}) and test(compare(item[name], first))


def update_from_attribute_updates(updates: Mapping[str, Mapping[str, Any]]) -> Update:
    """AttributeUpdates: PUT (the default), ADD (numbers, sets, lists), DELETE."""
    return Update([_attribute_update(name, spec) for name, spec in updates.items()])


def _attribute_update(name: str, spec: Mapping[str, Any]):
    action = spec.get("Action") or "PUT"
    value = validate_value(spec["Value"]) if "Value" in spec else None
    path = (name,)
    if value is None:
        if action != "DELETE":
            raise ValidationException(_INVALID + "Only DELETE action is allowed when no "
                                      "attribute value is specified")
        return ("REMOVE", path, None)
    if action == "PUT":
        return ("SET", path, lambda item: value)
    kind = type_of(value)
    if action == "ADD":
        if kind not in SET_TYPES and kind not in ("N", "L"):
            raise ValidationException(
                _INVALID + f"ADD action is not supported for the type {kind}")
        return ("ADD", path, lambda item: _mismatch(add_to, item.get(name), value))
    if kind not in SET_TYPES:
        raise ValidationException(
            _INVALID + f"DELETE action with value is not supported for the type {kind}")
    return ("DELETE", path, lambda item: _mismatch(delete_from, item.get(name), value))


def _mismatch(combine: Callable, existing: AttributeValue | None,
              value: AttributeValue) -> AttributeValue | None:
    if existing is not None and type_of(value) not in existing:
        raise ValidationException("Type mismatch for attribute to update")
    if type_of(value) == "L":
        return {"L": (existing or {"L": []})["L"] + value["L"]}
    return combine(existing, value)


def key_condition_from_conditions(conditions: Mapping[str, Mapping[str, Any]]) -> KeyCondition:
    """KeyConditions: EQ on the partition key and at most one condition on the sort key (on
    a multi-attribute index key, one condition per key attribute; the engine decides)."""
    found = []
    for name, spec in conditions.items():
        op = spec["ComparisonOperator"]
        values = _value_list(spec)
        _check_arguments(op, values)
        if op not in _KEY_OPS:
            raise ValidationException("Attempted conditional constraint is not an indexable "
                                      "operation")
        found.append((name, _KEY_OPS[op], tuple(values)))
    return arrange(found)
