"""What DynamoDB checks before it looks a table up, and which of two faults it reports, as
dynalite's suite (written against DynamoDB) records it for the data plane and CreateTable.

Most of these need no table: the table named does not exist, and the answer is still the
fault in the request, not ResourceNotFoundException.
"""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

MISSING = "no-such-table-anywhere"
INVALID = "One or more parameter values were invalid: "
EMPTY = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
TWO_TYPES = ("Supplied AttributeValue has more than one datatypes set, must contain exactly "
             "one of the supported datatypes")
START = "The provided starting key is invalid: "
TOO_LARGE = "Item size has exceeded the maximum allowed size"
NOT_FOUND = {"Code": "ResourceNotFoundException", "Message": "Requested resource not found"}
LIMIT = 400 * 1024


def _error(call) -> dict:
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response["Error"]


def _refused(call) -> str:
    error = _error(call)
    assert error["Code"] == "ValidationException", error
    return error["Message"]


def _sized(spare: int) -> dict:
    """An item `spare` bytes under the size limit (a negative spare: over it)."""
    return {"a": {"S": "k" * 20}, "b": {"S": "x" * (LIMIT - 20 - 2 - spare)}}


# ---------------------------------------------------------------- item sizes

@pytest.mark.parametrize("write", ["put_item", "batch_write_item"])
def test_an_oversized_item_is_refused_before_the_table_is_looked_up(raw_ddb, write) -> None:
    def send(item: dict):
        if write == "put_item":
            return lambda: raw_ddb.put_item(TableName=MISSING, Item=item)
        return lambda: raw_ddb.batch_write_item(
            RequestItems={MISSING: [{"PutRequest": {"Item": item}}]})
    assert _refused(send(_sized(-1))) == TOO_LARGE
    assert _error(send(_sized(0))) == NOT_FOUND
    # A number counts by its digits: 38 significant ones and 88 zeros take 20 bytes.
    number = {"N": "1" * 38 + "0" * 88}
    assert _refused(send({**_sized(20), "c": number})) == TOO_LARGE
    assert _error(send({**_sized(21), "c": number})) == NOT_FOUND


# ---------------------------------------------------------------- ExclusiveStartKey

@pytest.mark.parametrize("value, message", [
    ({}, START + EMPTY),
    ({"SS": []}, START + INVALID + "An string set  may not be empty"),
    ({"S": "a", "N": "1"}, START + TWO_TYPES),
], ids=["empty", "empty-set", "two-types"])
def test_a_malformed_starting_key_is_refused_without_a_table(raw_ddb, value, message) -> None:
    start = {"pk": value}
    assert _refused(lambda: raw_ddb.scan(TableName=MISSING, ExclusiveStartKey=start)) == message
    assert _refused(lambda: raw_ddb.query(
        TableName=MISSING, KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "a"}}, ExclusiveStartKey=start)) == message


def test_a_starting_key_number_is_worded_by_each_validator(raw_ddb) -> None:
    start = {"pk": {"N": "ten"}}
    assert _refused(lambda: raw_ddb.scan(TableName=MISSING, ExclusiveStartKey=start)) \
        == START + "The parameter cannot be converted to a numeric value: ten"
    # Query's newer validator gives the number's fault bare.
    assert _refused(lambda: raw_ddb.query(
        TableName=MISSING, KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "a"}}, ExclusiveStartKey=start)) \
        == "The parameter cannot be converted to a numeric value: ten"


def test_the_starting_key_comes_before_the_placeholders_and_key_conditions(raw_ddb) -> None:
    start = {"pk": {}}
    assert _refused(lambda: raw_ddb.scan(
        TableName=MISSING, FilterExpression="", ExpressionAttributeNames={},
        ExpressionAttributeValues={}, ExclusiveStartKey=start)) == START + EMPTY
    assert _refused(lambda: raw_ddb.query(
        TableName=MISSING, KeyConditionExpression="", ExpressionAttributeNames={},
        ExpressionAttributeValues={}, ExclusiveStartKey=start)) == START + EMPTY
    # A key condition short of its values is found after the starting key too.
    assert _refused(lambda: raw_ddb.query(
        TableName=MISSING, KeyConditions={"pk": {"ComparisonOperator": "EQ"}},
        ExclusiveStartKey=start)) == START + EMPTY


def test_the_legacy_filter_and_attributes_come_before_the_starting_key(raw_ddb) -> None:
    start = {"pk": {}}
    bad_filter = {"a": {"ComparisonOperator": "EQ", "AttributeValueList": [{}]}}
    repeated = INVALID + "Duplicate value in attribute name: a"
    # A Scan checks AttributesToGet before its filter, a Query after its filter.
    assert _refused(lambda: raw_ddb.scan(
        TableName=MISSING, ScanFilter=bad_filter, AttributesToGet=["a", "a"],
        ExclusiveStartKey=start)) == repeated
    assert _refused(lambda: raw_ddb.scan(
        TableName=MISSING, ScanFilter=bad_filter, ExclusiveStartKey=start)) == EMPTY
    assert _refused(lambda: raw_ddb.query(
        TableName=MISSING, KeyConditions={"pk": {"ComparisonOperator": "EQ",
                                                 "AttributeValueList": [{}]}},
        QueryFilter=bad_filter, AttributesToGet=["a", "a"], ExclusiveStartKey=start)) == EMPTY
    assert _refused(lambda: raw_ddb.query(
        TableName=MISSING, QueryFilter={}, AttributesToGet=["a", "a"],
        ExclusiveStartKey=start)) == repeated


def test_names_keys_are_checked_before_values_are_looked_at(raw_ddb) -> None:
    assert _refused(lambda: raw_ddb.query(
        TableName=MISSING, KeyConditionExpression="", ExpressionAttributeNames={"a": "a"},
        ExpressionAttributeValues={})) \
        == 'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"'


# ---------------------------------------------------------------- batches

@pytest.mark.parametrize("value, message", [
    ({}, EMPTY),
    ({"SS": []}, INVALID + "An string set  may not be empty"),
    ({"N": "1e126"}, "Number overflow. Attempting to store a number with magnitude larger "
                     "than supported range"),
    ({"S": "a", "N": "1"}, TWO_TYPES),
], ids=["empty", "empty-set", "overflow", "two-types"])
def test_batch_values_are_refused_before_any_table_is_looked_up(raw_ddb, value,
                                                                message) -> None:
    assert _refused(lambda: raw_ddb.batch_write_item(
        RequestItems={MISSING: [{"PutRequest": {"Item": {"a": value}}}]})) == message
    assert _refused(lambda: raw_ddb.batch_write_item(
        RequestItems={MISSING: [{"DeleteRequest": {"Key": {"a": value}}}]})) == message
    assert _refused(lambda: raw_ddb.batch_get_item(
        RequestItems={MISSING: {"Keys": [{"a": value}]}})) == message


def test_a_write_request_with_neither_action_is_worded_as_one_with_both(raw_ddb) -> None:
    assert _refused(lambda: raw_ddb.batch_write_item(RequestItems={MISSING: [{}]})) \
        == TWO_TYPES


def test_a_key_asked_for_twice_is_found_without_the_table(raw_ddb) -> None:
    key = {"a": {"S": "x"}, "b": {"N": "5"}}
    same_reordered = {"b": {"N": "5.0"}, "a": {"S": "x"}}
    assert _refused(lambda: raw_ddb.batch_get_item(
        RequestItems={MISSING: {"Keys": [key, same_reordered]}})) \
        == "Provided list of item keys contains duplicates"
    # The table's own checks still come first.
    assert _refused(lambda: raw_ddb.batch_get_item(
        RequestItems={MISSING: {"Keys": [key, key], "ProjectionExpression": ""}})) \
        == "Invalid ProjectionExpression: The expression can not be empty;"
    # Distinct keys reach the lookup.
    other = {"a": {"S": "y"}, "b": {"N": "5"}}
    assert _error(lambda: raw_ddb.batch_get_item(
        RequestItems={MISSING: {"Keys": [key, other]}})) == NOT_FOUND


# ---------------------------------------------------------------- CreateTable

def _create(raw_ddb, keys: list, definitions: list, **extra):
    return lambda: raw_ddb.create_table(
        TableName="dynalite-wordings", KeySchema=keys, AttributeDefinitions=definitions,
        **{"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
           **extra})


def _key(name: str, kind: str) -> dict:
    return {"AttributeName": name, "KeyType": kind}


def _defs(*names: str) -> list:
    return [{"AttributeName": name, "AttributeType": "S"} for name in names]


def test_throughput_beyond_a_trillion_units_is_out_of_bounds(raw_ddb) -> None:
    huge = 1_000_000_000_001
    assert _refused(_create(raw_ddb, [_key("a", "HASH")], [], ProvisionedThroughput={
        "WriteCapacityUnits": huge, "ReadCapacityUnits": huge})) \
        == f"Given value {huge} for ReadCapacityUnits is out of bounds"
    assert _refused(_create(raw_ddb, [_key("a", "HASH")], [], ProvisionedThroughput={
        "ReadCapacityUnits": 1_000_000_000_000, "WriteCapacityUnits": huge})) \
        == f"Given value {huge} for WriteCapacityUnits is out of bounds"


@pytest.mark.parametrize("keys, definitions", [
    ([_key("a", "HASH"), _key("a", "HASH")], []),
    ([_key("a", "HASH"), _key("a", "HASH")], _defs("a")),
    ([_key("a", "HASH"), _key("b", "RANGE")], _defs("b")),
], ids=["none", "one-for-a-repeated-name", "one-of-two"])
def test_fewer_definitions_than_key_attributes(raw_ddb, keys, definitions) -> None:
    assert _refused(_create(raw_ddb, keys, definitions)) \
        == "Invalid KeySchema: Some index key attribute have no definition"


def test_one_key_attribute_without_its_definition_is_named(raw_ddb) -> None:
    assert _refused(_create(raw_ddb, [_key("a", "HASH")], _defs("b"))) \
        == (INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
            "Keys: [a], AttributeDefinitions: [b]")


def test_a_repeated_key_name_is_reported_before_the_second_key_type(raw_ddb) -> None:
    assert _refused(_create(raw_ddb, [_key("a", "HASH"), _key("a", "HASH")], _defs("a", "b"))) \
        == "Both the Hash Key and the Range Key element in the KeySchema have the same name"
    assert _refused(_create(raw_ddb, [_key("a", "HASH"), _key("b", "HASH")], _defs("a", "b"))) \
        == "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"
