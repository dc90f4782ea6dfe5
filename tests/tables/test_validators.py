"""A value fault carries both of DynamoDB's validators' words; an operation picks one."""
from __future__ import annotations

import pytest

from fogbank.tables.errors import RequestCheckFailed, ValidationException
from fogbank.tables.requests import newer_validator
from fogbank.tables.values import normalize_number, validate_value

NOT_NUMERIC = "The parameter cannot be converted to a numeric value"
OVERFLOW = ("Number overflow. Attempting to store a number with magnitude larger than "
            "supported range")
UNDERFLOW = ("Number underflow. Attempting to store a number with magnitude smaller than "
             "supported range")


@pytest.mark.parametrize("text, older, newer", [
    ("", NOT_NUMERIC, f"{NOT_NUMERIC}: "),
    ("1.5e", f"{NOT_NUMERIC}: 1.5e", f"{NOT_NUMERIC}: 1.5e"),
    ("7e126", OVERFLOW, OVERFLOW),
    ("7e-131", UNDERFLOW, UNDERFLOW),
    # Java's BigDecimal: precision minus scale, 1 + 2147483647, wraps to a negative.
    ("7e2147483647", UNDERFLOW, OVERFLOW),
    ("7e2147483648", f"{NOT_NUMERIC}: 7e2147483648", OVERFLOW),
    ("-7e-2147483648", f"{NOT_NUMERIC}: -7e-2147483648", UNDERFLOW),     # its scale overflows
    ("2.5e-2147483647", f"{NOT_NUMERIC}: 2.5e-2147483647", UNDERFLOW),
    ("7e9223372036854775807", f"{NOT_NUMERIC}: 7e9223372036854775807", OVERFLOW),
    ("7e9223372036854775808", f"{NOT_NUMERIC}: 7e9223372036854775808",
     f"{NOT_NUMERIC}: 7e9223372036854775808"),
])
def test_a_bad_number_in_each_validators_words(text: str, older: str, newer: str) -> None:
    with pytest.raises(RequestCheckFailed) as info:
        normalize_number(text)
    assert (info.value.message, info.value.current) == (older, newer)


def test_zero_is_zero_whatever_its_exponent() -> None:
    for zero in ("0e125", "-0.000e-120", "0e126", "0.0e-131", "0e1000"):
        assert normalize_number(zero) == "0"


@pytest.mark.parametrize("value, older, newer", [
    ({"SS": ["m", "z", "a", "z", "b"]},
     "Input collection [m, z, a, z, b] contains duplicates.",
     'Input collection ["a", "m", "z", "z", "b"] contains duplicates.'),
    ({"BS": [b"\x01", b"\x00", b"\x01"]},
     "Input collection [AQ==, AA==, AQ==]of type BS contains duplicates.",
     'Input collection ["AA==","AQ==","AQ=="]of type BS contains duplicates.'),
])
def test_a_repeated_member_is_shown_as_each_validator_read_the_set(value, older, newer) -> None:
    invalid = "One or more parameter values were invalid: "
    with pytest.raises(RequestCheckFailed) as info:
        validate_value(value)
    assert (info.value.message, info.value.current) == (invalid + older, invalid + newer)


def test_a_repeated_number_is_named_by_neither() -> None:
    with pytest.raises(RequestCheckFailed) as info:
        validate_value({"NS": ["1", "1.0"]})
    assert info.value.message == "Input collection contains duplicates"
    assert info.value.current == ("One or more parameter values were invalid: Input collection "
                                  "contains duplicates.")


@pytest.mark.parametrize("enveloped, expected", [
    (True, "1 validation error detected: newer words"), (False, "newer words")])
def test_the_newer_validator_reports_in_its_words(enveloped: bool, expected: str) -> None:
    with pytest.raises(ValidationException) as info:
        with newer_validator(enveloped):
            raise RequestCheckFailed("older words", "newer words")
    assert info.value.message == expected
    assert info.value.older == "older words"


def test_other_faults_pass_through_unchanged() -> None:
    with pytest.raises(ValidationException) as info:
        with newer_validator(True):
            raise ValidationException("The provided key element does not match the schema")
    assert info.value.message == "The provided key element does not match the schema"
