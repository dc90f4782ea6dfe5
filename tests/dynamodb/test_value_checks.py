"""Attribute values DynamoDB refuses wherever they are sent, and how deep a document may nest.

The nesting limit counts the item as the first level and each map or list as one more:
31 maps (or lists) one inside the other are stored, 32 are refused, for the item of every
write and for every ExpressionAttributeValue (DynamoDB Local's input converter allows
levels below 32; alternator's test_manual_requests.py stores 31 maps and refuses 50).
"""
from __future__ import annotations

import pytest

NESTED_TOO_DEEP = ("Nesting Levels have exceeded supported limits: Attributes in the item have "
                   "nested levels beyond supported limit")
ENVELOPE = "1 validation error detected: "
EMPTY = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
TWO_TYPES = ("Supplied AttributeValue has more than one datatypes set, must contain exactly "
             "one of the supported datatypes")


def _maps(levels: int, leaf: dict | None = None) -> dict:
    value: dict = leaf if leaf is not None else {"S": "leaf"}
    for _ in range(levels):
        value = {"M": {"n": value}}
    return value


def _lists(levels: int) -> dict:
    value: dict = {"S": "leaf"}
    for _ in range(levels):
        value = {"L": [value]}
    return value


def _levels(value: dict) -> int:
    levels = 0
    while "M" in value or "L" in value:
        value = value["M"]["n"] if "M" in value else value["L"][0]
        levels += 1
    return levels


@pytest.mark.parametrize("nest", [_maps, _lists], ids=["maps", "lists"])
def test_31_levels_are_stored_and_32_refused_on_every_write(ddb, table, aws_error, nest) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "put"}, "d": nest(31)})
    ddb.batch_write_item(RequestItems={table: [{"PutRequest": {
        "Item": {"pk": {"S": "batch"}, "d": nest(31)}}}]})
    ddb.transact_write_items(TransactItems=[{"Put": {
        "TableName": table, "Item": {"pk": {"S": "transact"}, "d": nest(31)}}}])
    for key in ("put", "batch", "transact"):
        stored = ddb.get_item(TableName=table, Key={"pk": {"S": key}})["Item"]["d"]
        assert _levels(stored) == 31

    with aws_error("ValidationException", "1 validation error detected: " + NESTED_TOO_DEEP):
        ddb.put_item(TableName=table, Item={"pk": {"S": "deep"}, "d": nest(32)})
    with aws_error("ValidationException", NESTED_TOO_DEEP):
        ddb.batch_write_item(RequestItems={table: [{"PutRequest": {
            "Item": {"pk": {"S": "deep"}, "d": nest(32)}}}]})
    with aws_error("ValidationException", NESTED_TOO_DEEP):
        ddb.transact_write_items(TransactItems=[{"Put": {
            "TableName": table, "Item": {"pk": {"S": "deep"}, "d": nest(32)}}}])
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "deep"}})


def test_an_empty_map_counts_as_a_level(ddb, table, aws_error) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "d": _maps(30, {"M": {}})})
    with aws_error("ValidationException", "1 validation error detected: " + NESTED_TOO_DEEP):
        ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "d": _maps(31, {"M": {}})})


def test_an_expression_value_nested_too_deep_names_its_key(ddb, table, aws_error) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    # 31 levels are accepted: the condition is evaluated, and fails.
    with aws_error("ConditionalCheckFailedException"):
        ddb.update_item(TableName=table, Key={"pk": {"S": "a"}}, UpdateExpression="SET t = :t",
                        ConditionExpression="d = :deep",
                        ExpressionAttributeValues={":t": {"S": "y"}, ":deep": _maps(31)})
    # UpdateItem's validator names no key (a transaction's names it: "… for key :deep").
    with aws_error("ValidationException", ENVELOPE + NESTED_TOO_DEEP):
        ddb.update_item(TableName=table, Key={"pk": {"S": "a"}}, UpdateExpression="SET t = :t",
                        ConditionExpression="d = :deep",
                        ExpressionAttributeValues={":t": {"S": "y"}, ":deep": _maps(32)})


def test_an_update_cannot_nest_the_item_deeper_than_a_put_could(ddb, table, aws_error) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "m": {"M": {}}})
    # m holds the value: 30 levels under it make 31, the most an item may have.
    ddb.update_item(TableName=table, Key={"pk": {"S": "a"}}, UpdateExpression="SET m.x = :v",
                    ExpressionAttributeValues={":v": _maps(30)})
    with aws_error("ValidationException", "Nesting Levels have exceeded supported limits"):
        ddb.update_item(TableName=table, Key={"pk": {"S": "a"}}, UpdateExpression="SET m.y = :v",
                        ExpressionAttributeValues={":v": _maps(31)})
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as cancelled:
        ddb.transact_write_items(TransactItems=[{"Update": {
            "TableName": table, "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET m.y = :v",
            "ExpressionAttributeValues": {":v": _maps(31)}}}])
    assert cancelled.value.response["CancellationReasons"] == [
        {"Code": "ValidationError", "Message": "Nesting Levels have exceeded supported limits"}]
    stored = ddb.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"]["m"]["M"]
    assert set(stored) == {"x"}


# A key's values are checked as attribute values before the key is matched to the schema
# (dynalite's tests, written against DynamoDB, give these texts for GetItem and UpdateItem).
@pytest.mark.parametrize("value, message", [
    ({}, EMPTY),
    ({"S": "a", "N": "1"}, TWO_TYPES),
    ({"NULL": False}, "One or more parameter values were invalid: Null attribute value types "
                      "must have the value of true"),
    ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
    # The single-item writes give these two inside the request validator's envelope.
    ({"SS": ["a", "a"]}, ENVELOPE + 'One or more parameter values were invalid: Input '
                         'collection ["a", "a"] contains duplicates.'),
    ({"N": "x"}, ENVELOPE + "The parameter cannot be converted to a numeric value: x"),
], ids=["empty", "two-types", "null-false", "empty-set", "duplicates", "not-a-number"])
def test_a_malformed_key_value_is_refused_as_a_value(raw_ddb, table, aws_error, value,
                                                     message) -> None:
    bare = message.removeprefix(ENVELOPE)
    with aws_error("ValidationException", bare):
        raw_ddb.get_item(TableName=table, Key={"pk": value})
    with aws_error("ValidationException", message):
        raw_ddb.delete_item(TableName=table, Key={"pk": value})
    with aws_error("ValidationException", message):
        raw_ddb.update_item(TableName=table, Key={"pk": value}, UpdateExpression="SET a = :v",
                            ExpressionAttributeValues={":v": {"S": "x"}})
    with aws_error("ValidationException", bare):
        raw_ddb.batch_get_item(RequestItems={table: {"Keys": [{"pk": value}]}})


def test_a_malformed_value_beside_the_key_is_refused_as_a_value(raw_ddb, table,
                                                                 aws_error) -> None:
    with aws_error("ValidationException", EMPTY):
        raw_ddb.get_item(TableName=table, Key={"pk": {"S": "a"}, "other": {}})
    with aws_error("ValidationException", "The provided key element does not match the schema"):
        raw_ddb.get_item(TableName=table, Key={"pk": {"S": "a"}, "other": {"S": "b"}})
    with aws_error("ValidationException", "The provided key element does not match the schema"):
        raw_ddb.get_item(TableName=table, Key={"pk": {"N": "1"}})


def test_an_update_is_refused_in_its_own_words_on_a_table_with_an_index(ddb, make_table,
                                                                         aws_error) -> None:
    indexed = make_table(attributes={"g": "S"}, GlobalSecondaryIndexes=[{
        "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}}])
    ddb.put_item(TableName=indexed, Item={"pk": {"S": "a"}, "m": {"M": {}}})
    with aws_error("ValidationException", "Item size to update has exceeded the maximum "
                                          "allowed size"):
        ddb.update_item(TableName=indexed, Key={"pk": {"S": "a"}}, UpdateExpression="SET b = :b",
                        ExpressionAttributeValues={":b": {"S": "x" * (400 * 1024)}})
    with aws_error("ValidationException", "Nesting Levels have exceeded supported limits"):
        ddb.update_item(TableName=indexed, Key={"pk": {"S": "a"}},
                        UpdateExpression="SET m.y = :v", ExpressionAttributeValues={":v": _maps(31)})
