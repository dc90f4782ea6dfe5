"""Attribute values: DynamoDB's number form and limits, ordering, equality, checks, size."""
from __future__ import annotations

from decimal import Context, Decimal

import pytest
from hypothesis import given, strategies as st

from fogbank.tables.errors import ValidationException
from fogbank.tables.values import (
    add_numbers, compare, equal, item_size, normalize_number, subtract_numbers, validate_value)

OVERFLOW = ("Number overflow. Attempting to store a number with magnitude larger than "
            "supported range")
UNDERFLOW = ("Number underflow. Attempting to store a number with magnitude smaller than "
             "supported range")
PRECISION = "Attempting to store more than 38 significant digits in a Number"
INVALID = "One or more parameter values were invalid: "


@pytest.mark.parametrize("text, canonical", [
    ("1.50", "1.5"), ("1E+2", "100"), ("1e2", "100"), ("-0.000", "0"), ("-0", "0"),
    ("0.1e-5", "0.000001"), ("+5", "5"), (".5", "0.5"), ("5.", "5"), ("007", "7"),
    ("-12.3400e3", "-12340"), ("12345678901234567890123456789012345678",
                                "12345678901234567890123456789012345678"),
    ("1000000000000000000000000000000000000000000", "1" + "0" * 42),
    ("1E-130", "0." + "0" * 129 + "1"), ("9.9999999999999999999999999999999999999E+125",
                                          "99999999999999999999999999999999999999" + "0" * 88),
])
def test_numbers_take_dynamodbs_canonical_form(text: str, canonical: str) -> None:
    assert normalize_number(text) == canonical


@pytest.mark.parametrize("text, message", [
    ("1E+126", OVERFLOW), ("-1E+126", OVERFLOW), ("1E-131", UNDERFLOW),
    ("123456789012345678901234567890123456789", PRECISION),
    ("1.23456789012345678901234567890123456789", PRECISION),
    ("", "The parameter cannot be converted to a numeric value"),
    ("abc", "The parameter cannot be converted to a numeric value: abc"),
    ("NaN", "The parameter cannot be converted to a numeric value: NaN"),
    ("Infinity", "The parameter cannot be converted to a numeric value: Infinity"),
    (" 1", "The parameter cannot be converted to a numeric value:  1"),
    ("1_000", "The parameter cannot be converted to a numeric value: 1_000"),
    ("0x10", "The parameter cannot be converted to a numeric value: 0x10"),
])
def test_bad_numbers_are_refused_with_dynamodbs_message(text: str, message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        normalize_number(text)
    assert caught.value.message == message
    assert caught.value.code == "ValidationException"


def test_arithmetic_is_exact_and_checked() -> None:
    assert add_numbers("0.1", "0.2") == "0.3"
    assert subtract_numbers("1", "1.000") == "0"
    assert add_numbers("99999999999999999999999999999999999999", "1") == "1" + "0" * 38
    with pytest.raises(ValidationException) as caught:
        add_numbers("9.9999999999999999999999999999999999999E+125",
                    "9.9999999999999999999999999999999999999E+125")
    assert caught.value.message == OVERFLOW
    # A result that needs more than 38 digits is, oddly, an overflow in DynamoDB's words.
    with pytest.raises(ValidationException) as caught:
        add_numbers("1E+30", "1E-30")
    assert caught.value.message == OVERFLOW
    with pytest.raises(ValidationException) as caught:
        subtract_numbers("1E+50", "1")
    assert caught.value.message == OVERFLOW


@pytest.mark.parametrize("a, b, order", [
    ({"N": "10"}, {"N": "9"}, 1), ({"N": "-1"}, {"N": "0.5"}, -1), ({"N": "1.0"}, {"N": "1"}, 0),
    ({"S": "a"}, {"S": "b"}, -1), ({"S": "b"}, {"S": "ab"}, 1), ({"S": "Z"}, {"S": "a"}, -1),
    ({"S": "\U0001F600"}, {"S": "\uFFFD"}, 1),       # UTF-8 byte order, not UTF-16
    ({"B": b"\x01"}, {"B": b"\xff"}, -1), ({"B": b"ab"}, {"B": b"a"}, 1),
])
def test_scalars_order_as_dynamodb_sorts_keys(a: dict, b: dict, order: int) -> None:
    assert compare(a, b) == order


@pytest.mark.parametrize("a, b, same", [
    ({"N": "1"}, {"N": "1.00"}, True), ({"N": "1"}, {"S": "1"}, False),
    ({"SS": ["a", "b"]}, {"SS": ["b", "a"]}, True), ({"NS": ["1", "2"]}, {"NS": ["2.0", "1"]}, True),
    ({"SS": ["a"]}, {"SS": ["a", "b"]}, False), ({"BS": [b"a"]}, {"BS": [b"a"]}, True),
    ({"L": [{"N": "1"}]}, {"L": [{"N": "1.0"}]}, True), ({"L": [{"N": "1"}]}, {"L": []}, False),
    ({"M": {"a": {"S": "x"}}}, {"M": {"a": {"S": "x"}}}, True),
    ({"M": {"a": {"S": "x"}}}, {"M": {"b": {"S": "x"}}}, False),
    ({"BOOL": True}, {"BOOL": True}, True), ({"BOOL": True}, {"BOOL": False}, False),
    ({"NULL": True}, {"NULL": True}, True),
])
def test_equality_follows_types_and_set_semantics(a: dict, b: dict, same: bool) -> None:
    assert equal(a, b) is same
    assert equal(b, a) is same


@pytest.mark.parametrize("value, message", [
    ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
    ({"S": "a", "N": "1"}, "Supplied AttributeValue has more than one datatypes set, must "
                           "contain exactly one of the supported datatypes"),
    ({"NULL": False}, INVALID + "Null attribute value types must have the value of true"),
    ({"SS": []}, INVALID + "An string set  may not be empty"),
    ({"NS": []}, INVALID + "An number set  may not be empty"),
    ({"BS": []}, INVALID + "Binary sets should not be empty"),
    ({"SS": ["a", "a"]}, INVALID + "Input collection [a, a] contains duplicates."),
    ({"BS": [b"b", b"b"]}, INVALID + "Input collection [Yg==, Yg==]of type BS contains duplicates."),
    ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),
    ({"NS": ["x"]}, "The parameter cannot be converted to a numeric value: x"),
    ({"N": "1E+126"}, OVERFLOW),
    ({"M": {"a": {"L": [{"SS": []}]}}}, INVALID + "An string set  may not be empty"),
])
def test_bad_values_are_refused_with_dynamodbs_message(value: dict, message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        validate_value(value)
    assert caught.value.message == message


def test_deep_nesting_is_refused() -> None:
    value: dict = {"S": "x"}
    for _ in range(31):
        value = {"L": [value]}
    assert validate_value(value) is value
    with pytest.raises(ValidationException) as caught:
        validate_value({"L": [value]})
    assert caught.value.message == ("Nesting Levels have exceeded supported limits: Attributes "
                                    "in the item have nested levels beyond supported limit")


def test_validation_returns_numbers_canonical_and_keeps_canonical_values_as_they_are() -> None:
    assert validate_value({"M": {"a": {"N": "1.0"}, "b": {"NS": ["2.50"]}}}) == \
        {"M": {"a": {"N": "1"}, "b": {"NS": ["2.5"]}}}
    value = {"M": {"a": {"N": "1"}, "s": {"S": ""}, "l": {"L": []}}}
    assert validate_value(value) is value


@pytest.mark.parametrize("item, size", [
    ({"a": {"S": "abc"}}, 4), ({"name": {"S": "é"}}, 6), ({"b": {"B": b"\x00\x01"}}, 3),
    ({"n": {"N": "1"}}, 3), ({"n": {"N": "12"}}, 3), ({"n": {"N": "123"}}, 4), ({"n": {"N": "-1"}}, 4),
    ({"n": {"N": "0"}}, 2), ({"t": {"BOOL": True}}, 2), ({"z": {"NULL": True}}, 2),
    ({"l": {"L": [{"S": "ab"}]}}, 1 + 3 + 1 + 2), ({"m": {"M": {"k": {"S": "ab"}}}}, 1 + 3 + 1 + 1 + 2),
    ({"s": {"SS": ["a", "bc"]}}, 1 + 3), ({}, 0),
])
def test_item_size_counts_as_aws_does(item: dict, size: int) -> None:
    assert item_size(item) == size


numbers = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: d.is_zero() or -130 <= d.adjusted() <= 125).filter(
    lambda d: len(d.normalize(Context(prec=100)).as_tuple().digits) <= 38)


@given(numbers, numbers)
def test_normalised_numbers_keep_value_and_order(a: Decimal, b: Decimal) -> None:
    x, y = normalize_number(str(a)), normalize_number(str(b))
    assert Decimal(x) == a and Decimal(y) == b
    assert normalize_number(x) == x
    assert compare({"N": x}, {"N": y}) == (a > b) - (a < b)
    assert equal({"N": str(a)}, {"N": x})
