"""ConditionExpression (every comparator and function), legacy Expected, and their errors."""
from __future__ import annotations

import re

import pytest

ITEM = {
    "pk": {"S": "c"},
    "n": {"N": "10"},
    "s": {"S": "apple pie"},
    "b": {"B": b"\x01\x02"},
    "t": {"BOOL": True},
    "nul": {"NULL": True},
    "m": {"M": {"x": {"N": "1"}, "y": {"S": "yes"}}},
    "l": {"L": [{"S": "first"}, {"N": "2"}]},
    "ss": {"SS": ["red", "green"]},
    "ns": {"NS": ["1", "2", "3"]},
}

VALUES = {":five": {"N": "5"}, ":ten": {"N": "10"}, ":twenty": {"N": "20"},
          ":apple": {"S": "apple"}, ":pie": {"S": "pie"}, ":red": {"S": "red"},
          ":two": {"N": "2"}, ":S": {"S": "S"}, ":SS": {"S": "SS"}, ":first": {"S": "first"},
          ":ten_s": {"S": "10"}, ":yes": {"S": "yes"}, ":b": {"B": b"\x01"}}


@pytest.fixture
def item_table(ddb, table) -> str:
    ddb.put_item(TableName=table, Item=ITEM)
    return table


def _holds(ddb, table: str, expression: str) -> bool:
    used = {k: v for k, v in VALUES.items() if k in _placeholders(expression)}
    params = {"ExpressionAttributeValues": used} if used else {}
    try:
        ddb.put_item(TableName=table, Item=ITEM, ConditionExpression=expression, **params)
        return True
    except ddb.exceptions.ConditionalCheckFailedException:
        return False


def _placeholders(expression: str) -> set[str]:
    return set(re.findall(r":\w+", expression))


@pytest.mark.parametrize("expression, expected", [
    ("n = :ten", True), ("n <> :ten", False), ("n < :twenty", True), ("n <= :ten", True),
    ("n > :ten", False), ("n >= :ten", True), ("n BETWEEN :five AND :twenty", True),
    ("n BETWEEN :twenty AND :twenty", False), ("n IN (:five, :ten)", True),
    ("n IN (:five, :twenty)", False),
    ("n = :ten_s", False),                 # a number never equals a string
    ("n <> :ten_s", True),
    ("s > :apple", True), ("b > :b", True),
    ("attribute_exists(n)", True), ("attribute_exists(nope)", False),
    ("attribute_not_exists(nope)", True), ("attribute_not_exists(pk)", False),
    ("attribute_type(s, :S)", True), ("attribute_type(ss, :S)", False),
    ("attribute_type(ss, :SS)", True),
    ("begins_with(s, :apple)", True), ("begins_with(s, :pie)", False),
    ("contains(s, :pie)", True), ("contains(ss, :red)", True), ("contains(ns, :two)", True),
    ("contains(l, :first)", True), ("contains(ss, :pie)", False),
    ("size(s) = :ten", False), ("size(ss) = :two", True), ("size(l) = :two", True),
    ("size(m) = :two", True), ("size(b) = :two", True),
    ("m.y = :yes", True), ("l[0] = :first", True), ("l[1] = :two", True), ("l[5] = :two", False),
    ("NOT n = :ten", False), ("n = :ten AND s = :apple", False), ("n = :ten OR s = :apple", True),
    ("n = :five OR n = :ten AND s = :apple", False),   # AND binds tighter than OR
    ("(n = :five OR n = :ten) AND attribute_exists(s)", True),
    ("NOT (n = :five OR n = :twenty)", True),
    ("nope <> gone", True),               # a missing attribute is unequal even to another
    ("nope = gone", False),
])
def test_condition_expression(ddb, item_table, expression: str, expected: bool) -> None:
    assert _holds(ddb, item_table, expression) is expected


def test_put_if_absent(ddb, table, aws_error) -> None:
    item = {"pk": {"S": "once"}}
    ddb.put_item(TableName=table, Item=item, ConditionExpression="attribute_not_exists(pk)")
    with aws_error("ConditionalCheckFailedException", "The conditional request failed"):
        ddb.put_item(TableName=table, Item=item, ConditionExpression="attribute_not_exists(pk)")


def test_condition_on_missing_item_sees_no_attributes(ddb, table) -> None:
    assert not _holds(ddb, table, "attribute_exists(pk)")


def test_failed_condition_returns_the_old_item_on_request(ddb, item_table) -> None:
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException) as info:
        ddb.delete_item(TableName=item_table, Key={"pk": {"S": "c"}},
                        ConditionExpression="n = :five",
                        ExpressionAttributeValues={":five": {"N": "5"}},
                        ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert info.value.response["Item"]["n"] == {"N": "10"}
    assert info.value.response["Item"]["pk"] == {"S": "c"}
    # With the item, DynamoDB spells the message member "Message", not as its model does.
    assert info.value.response["Error"]["Message"] == "The conditional request failed"
    assert "message" not in info.value.response
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException) as info:
        ddb.delete_item(TableName=item_table, Key={"pk": {"S": "c"}},
                        ConditionExpression="n = :five",
                        ExpressionAttributeValues={":five": {"N": "5"}})
    assert "Item" not in info.value.response
    assert info.value.response["message"] == "The conditional request failed"


def test_condition_with_names(ddb, item_table) -> None:
    ddb.delete_item(TableName=item_table, Key={"pk": {"S": "c"}},
                    ConditionExpression="#s = :v AND #m.#y = :yes",
                    ExpressionAttributeNames={"#s": "s", "#m": "m", "#y": "y"},
                    ExpressionAttributeValues={":v": {"S": "apple pie"}, ":yes": {"S": "yes"}})
    assert "Item" not in ddb.get_item(TableName=item_table, Key={"pk": {"S": "c"}})


@pytest.mark.parametrize("expected, operator, holds", [
    ({"n": {"Value": {"N": "10"}}}, None, True),
    ({"n": {"Value": {"N": "11"}}}, None, False),
    ({"n": {"Exists": True, "Value": {"N": "10"}}}, None, True),
    ({"nope": {"Exists": False}}, None, True),
    ({"n": {"Exists": False}}, None, False),
    ({"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "5"}]}}, None, True),
    ({"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "9"}]}},
     None, False),
    ({"s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "app"}]}}, None,
     True),
    ({"ss": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "red"}]}}, None,
     True),
    # A missing attribute fails NOT_CONTAINS, as it fails CONTAINS.
    ({"nope": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "x"}]}},
     None, False),
    ({"s": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "x"}]}}, None,
     True),
    ({"nope": {"ComparisonOperator": "NULL"}}, None, True),
    ({"n": {"ComparisonOperator": "NOT_NULL"}}, None, True),
    ({"n": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"N": "10"}]}},
     None, True),
    ({"n": {"Value": {"N": "1"}}, "s": {"Value": {"S": "apple pie"}}}, "OR", True),
    ({"n": {"Value": {"N": "1"}}, "s": {"Value": {"S": "apple pie"}}}, "AND", False),
])
def test_legacy_expected(ddb, item_table, expected: dict, operator: str | None,
                         holds: bool) -> None:
    params = {"ConditionalOperator": operator} if operator else {}
    try:
        ddb.put_item(TableName=item_table, Item=ITEM, Expected=expected, **params)
        assert holds
    except ddb.exceptions.ConditionalCheckFailedException:
        assert not holds


def test_legacy_and_expression_parameters_together(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Can not use both expression and non-expression "
                   "parameters in the same request: Non-expression parameters: {Expected} "
                   "Expression parameters: {ConditionExpression}"):
        ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression="attribute_exists(n)",
                     Expected={"n": {"Exists": True, "Value": {"N": "10"}}})


def test_legacy_value_with_exists_false(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "1 validation error detected: One or more parameter "
                   "values were invalid: Value cannot be used when Exists is false for "
                   "Attribute: n"):
        ddb.put_item(TableName=item_table, Item=ITEM,
                     Expected={"n": {"Exists": False, "Value": {"N": "10"}}})


def test_unused_expression_value(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Value provided in ExpressionAttributeValues unused "
                   "in expressions: keys: {:unused}"):
        ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression="n = :ten",
                     ExpressionAttributeValues={":ten": {"N": "10"}, ":unused": {"N": "1"}})


def test_unused_expression_name(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Value provided in ExpressionAttributeNames unused "
                   "in expressions: keys: {#unused}"):
        ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression="attribute_exists(n)",
                     ExpressionAttributeNames={"#unused": "x"})


def test_undefined_expression_value(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "1 validation error detected: Invalid "
                   "ConditionExpression: An expression attribute value used in expression is not "
                   "defined; attribute value: :nope"):
        ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression="n = :nope",
                     ExpressionAttributeValues={":ten": {"N": "10"}})


def test_undefined_expression_name(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid ConditionExpression: An expression attribute "
                   "name used in the document path is not defined; attribute name: #nope"):
        ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression="attribute_exists(#nope)")


def test_values_without_an_expression(ddb, item_table, aws_error) -> None:
    # PutItem's validator names no expression after the sentence (the older one, which
    # transactions run, adds ": ConditionExpression is null").
    with aws_error("ValidationException", "1 validation error detected: ExpressionAttributeValues "
                   "can only be specified when using expressions"):
        ddb.put_item(TableName=item_table, Item=ITEM, ExpressionAttributeValues={":a": {"S": "a"}})


def test_names_without_an_expression(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "1 validation error detected: ExpressionAttributeNames "
                   "can only be specified when using expressions"):
        ddb.put_item(TableName=item_table, Item=ITEM, ExpressionAttributeNames={"#a": "a"})


def test_empty_values_map(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "1 validation error detected: "
                   "ExpressionAttributeValues must not be empty"):
        ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression="attribute_exists(n)",
                     ExpressionAttributeValues={})


def test_invalid_value_placeholder(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", 'ExpressionAttributeValues contains invalid key: '
                   'Syntax error; key: "bad"'):
        ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression="n = :ten",
                     ExpressionAttributeValues={":ten": {"N": "10"}, "bad": {"N": "1"}})


def test_empty_condition_expression(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "1 validation error detected: Invalid "
                   "ConditionExpression: The expression can not be empty;"):
        ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression="")


def test_syntax_error(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", prefix="Invalid ConditionExpression: Syntax error; "
                   "token:"):
        ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression="n = = :ten",
                     ExpressionAttributeValues={":ten": {"N": "10"}})


def test_reserved_word(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid ConditionExpression: Attribute name is a "
                   "reserved keyword; reserved keyword: status"):
        ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression="attribute_exists(status)")


def test_unknown_function(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid ConditionExpression: Invalid function name; "
                   "function: shout"):
        ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression="shout(n)")


def test_bad_attribute_type_name(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", prefix="Invalid ConditionExpression: Invalid attribute "
                   "type name found; type: XX, valid types: "):
        ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression="attribute_type(n, :x)",
                     ExpressionAttributeValues={":x": {"S": "XX"}})


def test_between_with_bounds_reversed(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", prefix="Invalid ConditionExpression: The BETWEEN "
                   "operator requires upper bound to be greater than or equal to lower bound"):
        ddb.put_item(TableName=item_table, Item=ITEM,
                     ConditionExpression="n BETWEEN :twenty AND :five",
                     ExpressionAttributeValues={":twenty": {"N": "20"}, ":five": {"N": "5"}})


def test_function_with_wrong_operand_type(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", prefix="Invalid ConditionExpression: Incorrect operand "
                   "type for operator or function; operator or function: begins_with, "
                   "operand type: N"):
        ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression="begins_with(s, :n)",
                     ExpressionAttributeValues={":n": {"N": "1"}})


def test_update_function_in_a_condition(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid ConditionExpression: The function is not "
                   "allowed in a condition expression; function: if_not_exists"):
        ddb.put_item(TableName=item_table, Item=ITEM,
                     ConditionExpression="if_not_exists(n, :five) = :five",
                     ExpressionAttributeValues={":five": {"N": "5"}})


def test_between_with_list_bounds(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid ConditionExpression: Incorrect operand type "
                   "for operator or function; operator or function: BETWEEN, operand type: LIST"):
        ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression="n BETWEEN :a AND :b",
                     ExpressionAttributeValues={":a": {"L": [{"N": "1"}]},
                                                ":b": {"L": [{"N": "2"}]}})


def test_between_and_in_need_a_first_operand_distinct_from_the_rest(ddb, item_table,
                                                                  aws_error) -> None:
    for expression, operator in (("n BETWEEN :five AND n", "BETWEEN"), ("n IN (:five, n)", "IN")):
        with aws_error("ValidationException", "Invalid ConditionExpression: The first operand "
                       "must be distinct from the remaining operands for this operator or "
                       f"function; operator: {operator}, first operand: [n]"):
            ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression=expression,
                         ExpressionAttributeValues={":five": {"N": "5"}})


def test_size_counts_a_string_in_utf16_code_units(ddb, table) -> None:
    item = {"pk": {"S": "u"}, "s": {"S": "\u00e9\U0001D11E"}}    # é and a musical G clef
    ddb.put_item(TableName=table, Item=item)
    ddb.put_item(TableName=table, Item=item, ConditionExpression="size(s) = :three",
                 ExpressionAttributeValues={":three": {"N": "3"}})


@pytest.mark.parametrize("condition, message", [
    ("n<:t " + "OR (n<:t " * 300 + ")" * 300,
     "The expression contains too many operators; operator count: 301"),
    ("NOT " * 1000 + "n<:t", "The expression contains too many operators; operator count: 301"),
    ("(" * 2040 + "n<:t" + ")" * 2040, "The expression has redundant parentheses;"),
    ("n < " + "f(" * 1350 + "s" + ")" * 1350, "Invalid function name; function: f"),
])
def test_deeply_nested_conditions_under_4_kb(ddb, item_table, aws_error, condition: str,
                                             message: str) -> None:
    assert len(condition) <= 4096
    values = {":t": {"N": "10"}} if ":t" in condition else None
    with aws_error("ValidationException", f"Invalid ConditionExpression: {message}"):
        ddb.put_item(TableName=item_table, Item=ITEM, ConditionExpression=condition,
                     **({"ExpressionAttributeValues": values} if values else {}))


def test_a_condition_with_300_operators(ddb, item_table) -> None:
    condition = "n = :ten " + "AND (n = :ten " * 149 + ")" * 149
    ddb.put_item(TableName=item_table, Item={**ITEM, "s": {"S": "new"}},
                 ConditionExpression=condition, ExpressionAttributeValues={":ten": {"N": "10"}})
    assert ddb.get_item(TableName=item_table, Key={"pk": ITEM["pk"]})["Item"]["s"] == {"S": "new"}
