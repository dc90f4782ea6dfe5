"""ExpressionAttributeNames / ExpressionAttributeValues of one request."""
from __future__ import annotations

import pytest

from fogbank.tables.errors import ValidationException
from fogbank.tables.expressions import (
    ExpressionContext, parse_condition, parse_projection, parse_update)


@pytest.mark.parametrize("names, values, message", [
    ({}, None, "ExpressionAttributeNames must not be empty"),
    (None, {}, "ExpressionAttributeValues must not be empty"),
    ({"n": "a"}, None, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "n"'),
    ({"#a-b": "a"}, None, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"'),
    (None, {"v": {"N": "1"}}, 'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"'),
    (None, {":v": {"SS": []}}, "ExpressionAttributeValues contains invalid value: One or more "
                               "parameter values were invalid: An string set  may not be empty "
                               "for key :v"),
    (None, {":v": {"N": "x"}}, "ExpressionAttributeValues contains invalid value: The parameter "
                               "cannot be converted to a numeric value: x for key :v"),
])
def test_bad_maps_are_refused(names: dict | None, values: dict | None, message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        ExpressionContext(names, values)
    assert caught.value.message == message


def test_unused_placeholders_are_reported_after_every_expression_of_the_request() -> None:
    ctx = ExpressionContext({"#a": "a", "#b": "b", "#c": "c"},
                            {":v": {"N": "1"}, ":w": {"N": "2"}, ":x": {"N": "3"}})
    parse_condition("#a = :v", ctx)
    parse_update("SET #b = :w", ctx)
    with pytest.raises(ValidationException) as caught:
        ctx.check_all_used()
    assert caught.value.message == ("Value provided in ExpressionAttributeNames unused in "
                                    "expressions: keys: {#c}")
    parse_projection("#c", ctx)
    with pytest.raises(ValidationException) as caught:
        ctx.check_all_used()
    assert caught.value.message == ("Value provided in ExpressionAttributeValues unused in "
                                    "expressions: keys: {:x}")


def test_several_unused_keys_are_listed() -> None:
    ctx = ExpressionContext(None, {":a": {"N": "1"}, ":b": {"N": "1"}})
    with pytest.raises(ValidationException) as caught:
        ctx.check_all_used()
    assert caught.value.message == ("Value provided in ExpressionAttributeValues unused in "
                                    "expressions: keys: {:a, :b}")


def test_values_are_compared_in_canonical_form() -> None:
    ctx = ExpressionContext(None, {":v": {"N": "10.00"}})
    assert parse_condition("n = :v", ctx).evaluate({"n": {"N": "10"}})
    assert ctx.values[":v"] == {"N": "10"}
