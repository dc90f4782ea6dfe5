"""The legacy parameters beside the expressions: which mixes DynamoDB refuses and in which
words, ConditionalOperator's preconditions, QueryFilter on key attributes, and the request
validator's check of each ComparisonOperator and AttributeUpdates Action."""
from __future__ import annotations

import pytest

MIXED = "Can not use both expression and non-expression parameters in the same request: "
ENUM = ("failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, "
        "LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]")
WITHOUT = "ConditionalOperator cannot be used without Filter or Expected"
ACTIONS = "failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]"
TWO_OR_MORE = ("ConditionalOperator can only be used when Filter or Expected has two or more "
               "elements")


def eq(value: dict) -> dict:
    return {"ComparisonOperator": "EQ", "AttributeValueList": [value]}


@pytest.fixture
def loaded(ddb, range_table) -> str:
    for sk in ("1", "2"):
        ddb.put_item(TableName=range_table, Item={"pk": {"S": "a"}, "sk": {"N": sk},
                                                  "x": {"S": f"x{sk}"}, "y": {"S": "y"}})
    return range_table


def test_key_conditions_go_with_a_filter_or_projection_expression(ddb, loaded) -> None:
    resp = ddb.query(TableName=loaded, KeyConditions={"pk": eq({"S": "a"})},
                     FilterExpression="x = :x", ExpressionAttributeValues={":x": {"S": "x2"}},
                     ProjectionExpression="sk, x")
    assert resp["Items"] == [{"sk": {"N": "2"}, "x": {"S": "x2"}}]
    assert resp["ScannedCount"] == 2


def test_key_conditions_with_a_key_condition_expression(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", MIXED + "Non-expression parameters: {KeyConditions} "
                   "Expression parameters: {KeyConditionExpression}"):
        ddb.query(TableName=loaded, KeyConditions={"pk": eq({"S": "a"})},
                  KeyConditionExpression="pk = :a",
                  ExpressionAttributeValues={":a": {"S": "a"}})


def test_a_mixed_query_names_its_parameters_in_dynamodbs_order(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", MIXED + "Non-expression parameters: {AttributesToGet, "
                   "QueryFilter, ConditionalOperator, KeyConditions} Expression parameters: "
                   "{ProjectionExpression, FilterExpression, KeyConditionExpression}"):
        ddb.query(TableName=loaded, AttributesToGet=["x"], KeyConditions={"pk": eq({"S": "a"})},
                  QueryFilter={"x": eq({"S": "x1"}), "y": eq({"S": "y"})},
                  ConditionalOperator="OR", KeyConditionExpression="pk = :a",
                  FilterExpression="x = :x", ProjectionExpression="y",
                  ExpressionAttributeValues={":a": {"S": "a"}, ":x": {"S": "x1"}})


def test_a_mixed_scan_names_its_parameters_in_dynamodbs_order(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", MIXED + "Non-expression parameters: {AttributesToGet, "
                   "ScanFilter, ConditionalOperator} Expression parameters: "
                   "{ProjectionExpression, FilterExpression}"):
        ddb.scan(TableName=loaded, AttributesToGet=["x"],
                 ScanFilter={"x": eq({"S": "x1"}), "y": eq({"S": "y"})}, ConditionalOperator="AND",
                 FilterExpression="x = :x", ProjectionExpression="y",
                 ExpressionAttributeValues={":x": {"S": "x1"}})


def test_a_mixed_update_names_its_parameters_in_dynamodbs_order(ddb, loaded,
                                                                aws_error) -> None:
    with aws_error("ValidationException", MIXED + "Non-expression parameters: "
                   "{AttributeUpdates, Expected, ConditionalOperator} Expression parameters: "
                   "{UpdateExpression, ConditionExpression}"):
        ddb.update_item(TableName=loaded, Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
                        AttributeUpdates={"x": {"Value": {"S": "v"}, "Action": "PUT"}},
                        Expected={"x": eq({"S": "x1"}), "y": eq({"S": "y"})},
                        ConditionalOperator="AND", UpdateExpression="SET x = :v",
                        ConditionExpression="attribute_exists(x)",
                        ExpressionAttributeValues={":v": {"S": "v"}})


@pytest.mark.parametrize("query_filter", [{"pk": eq({"S": "a"})},
                                          {"x": eq({"S": "x1"}), "sk": eq({"N": "1"})}])
def test_query_filter_on_a_key_attribute(ddb, loaded, aws_error, query_filter: dict) -> None:
    key = next(name for name in ("pk", "sk") if name in query_filter)
    with aws_error("ValidationException", "QueryFilter can only contain non-primary key "
                   f"attributes: Primary key attribute: {key}"):
        ddb.query(TableName=loaded, KeyConditions={"pk": eq({"S": "a"})},
                  QueryFilter=query_filter)


@pytest.mark.parametrize("operation, params, message", [
    ("scan", {}, WITHOUT),
    ("scan", {"ScanFilter": {}}, WITHOUT),
    ("scan", {"AttributesToGet": ["x", "y"]}, WITHOUT),
    ("scan", {"ScanFilter": {"x": eq({"S": "x1"})}}, TWO_OR_MORE),
    ("query", {"KeyConditions": {"pk": eq({"S": "a"})}}, WITHOUT),
    ("query", {}, WITHOUT),     # before the missing key condition
    ("query", {"KeyConditions": {"pk": eq({"S": "a"})}, "QueryFilter": {"x": eq({"S": "x1"})}},
     TWO_OR_MORE),
    ("put_item", {"Item": {"pk": {"S": "n"}, "sk": {"N": "9"}}}, WITHOUT),
    ("put_item", {"Item": {"pk": {"S": "n"}, "sk": {"N": "9"}}, "Expected": {}}, WITHOUT),
    ("put_item", {"Item": {"pk": {"S": "n"}, "sk": {"N": "9"}},
                  "Expected": {"x": {"Exists": False}}}, TWO_OR_MORE),
    ("delete_item", {"Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}, WITHOUT),
    ("update_item", {"Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}, WITHOUT),
])
def test_conditional_operator_needs_two_conditions(ddb, loaded, aws_error, operation: str,
                                                   params: dict, message: str) -> None:
    with aws_error("ValidationException", message):
        getattr(ddb, operation)(TableName=loaded, ConditionalOperator="OR", **params)
    assert ddb.scan(TableName=loaded)["Count"] == 2      # nothing was written or deleted


def test_conditional_operator_with_two_conditions(ddb, loaded) -> None:
    resp = ddb.scan(TableName=loaded, ConditionalOperator="OR",
                    ScanFilter={"x": eq({"S": "x1"}), "y": eq({"S": "nope"})})
    assert [item["sk"]["N"] for item in resp["Items"]] == ["1"]


def condition(op: str) -> dict:
    return {"ComparisonOperator": op, "AttributeValueList": [{"S": "a"}]}


@pytest.mark.parametrize("operation, params, where, op", [
    ("query", {"KeyConditions": {"pk": condition("DOG")}},
     "keyConditions.pk.member.comparisonOperator", "DOG"),
    ("query", {"KeyConditions": {"pk": eq({"S": "a"})}, "QueryFilter": {"x": condition("eq")}},
     "queryFilter.x.member.comparisonOperator", "eq"),
    ("scan", {"ScanFilter": {"x": condition("DOG")}}, "scanFilter.x.member.comparisonOperator",
     "DOG"),
    ("put_item", {"Item": {"pk": {"S": "n"}, "sk": {"N": "9"}}, "Expected": {"x": condition("")}},
     "expected.x.member.comparisonOperator", ""),
])
def test_an_unknown_comparison_operator(ddb, loaded, aws_error, operation: str, params: dict,
                                        where: str, op: str) -> None:
    with aws_error("ValidationException",
                   f"1 validation error detected: Value '{op}' at '{where}' {ENUM}"):
        getattr(ddb, operation)(TableName=loaded, **params)


def test_a_condition_without_comparison_operator(raw_ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "1 validation error detected: Value null at "
                   "'scanFilter.x.member.comparisonOperator' failed to satisfy constraint: "
                   "Member must not be null"):
        raw_ddb.scan(TableName=loaded, ScanFilter={"x": {"AttributeValueList": [{"S": "x1"}]}})


@pytest.mark.parametrize("operation, params, where, op", [
    ("query", {"KeyConditions": {"pk": condition("DOG")}},
     "keyConditions.pk.member.comparisonOperator", "DOG"),
    ("scan", {"ScanFilter": {"x": condition("DOG")}}, "scanFilter.x.member.comparisonOperator",
     "DOG"),
    ("put_item", {"Item": {"pk": {"S": "a"}}, "Expected": {"x": condition("DOG")}},
     "expected.x.member.comparisonOperator", "DOG"),
    ("update_item", {"Key": {"pk": {"S": "a"}}, "Expected": {"x": condition("DOG")}},
     "expected.x.member.comparisonOperator", "DOG"),
    ("delete_item", {"Key": {"pk": {"S": "a"}}, "Expected": {"x": condition("DOG")}},
     "expected.x.member.comparisonOperator", "DOG"),
])
def test_a_bad_comparison_operator_is_refused_before_the_table_is_looked_up(
        raw_ddb, aws_error, operation: str, params: dict, where: str, op: str) -> None:
    # AWS's request validator runs first: a missing table does not hide the bad request.
    with aws_error("ValidationException",
                   f"1 validation error detected: Value '{op}' at '{where}' {ENUM}"):
        getattr(raw_ddb, operation)(TableName="no-such-table", **params)


def test_a_missing_comparison_operator_is_refused_before_the_table_is_looked_up(
        raw_ddb, aws_error) -> None:
    with aws_error("ValidationException", "1 validation error detected: Value null at "
                   "'scanFilter.x.member.comparisonOperator' failed to satisfy constraint: "
                   "Member must not be null"):
        raw_ddb.scan(TableName="no-such-table",
                     ScanFilter={"x": {"AttributeValueList": [{"S": "x1"}]}})


def test_an_unknown_attribute_update_action(ddb, loaded, aws_error) -> None:
    # Not taken for a DELETE or a PUT: the request validator refuses the value itself.
    with aws_error("ValidationException", "1 validation error detected: Value 'NONEXISTENT' at "
                   f"'attributeUpdates.x.member.action' {ACTIONS}"):
        ddb.update_item(TableName=loaded, Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
                        AttributeUpdates={"x": {"Value": {"S": "v"}, "Action": "NONEXISTENT"}})


def test_a_bad_action_and_a_bad_operator_are_reported_together(raw_ddb, aws_error) -> None:
    with aws_error("ValidationException", "2 validation errors detected: Value 'put' at "
                   f"'attributeUpdates.x.member.action' {ACTIONS}; Value 'DOG' at "
                   f"'expected.x.member.comparisonOperator' {ENUM}"):
        raw_ddb.update_item(TableName="no-such-table", Key={"pk": {"S": "a"}},
                            AttributeUpdates={"x": {"Value": {"S": "v"}, "Action": "put"}},
                            Expected={"x": condition("DOG")})
