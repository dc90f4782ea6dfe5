"""BatchGetItem and BatchWriteItem across tables, with their limits and errors."""
from __future__ import annotations

import pytest


@pytest.fixture
def two_tables(make_table) -> tuple[str, str]:
    return make_table(), make_table(("pk", "S"), ("sk", "N"))


def test_batch_write_then_batch_get(ddb, two_tables) -> None:
    a, b = two_tables
    resp = ddb.batch_write_item(RequestItems={
        a: [{"PutRequest": {"Item": {"pk": {"S": f"a{i}"}, "v": {"N": str(i)}}}}
            for i in range(10)],
        b: [{"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": str(i)}}}} for i in range(5)],
    })
    assert resp["UnprocessedItems"] == {}
    got = ddb.batch_get_item(RequestItems={
        a: {"Keys": [{"pk": {"S": "a1"}}, {"pk": {"S": "a2"}}, {"pk": {"S": "absent"}}],
            "ProjectionExpression": "v"},
        b: {"Keys": [{"pk": {"S": "b"}, "sk": {"N": "4"}}], "ConsistentRead": True},
    })
    assert got["UnprocessedKeys"] == {}
    assert sorted(it["v"]["N"] for it in got["Responses"][a]) == ["1", "2"]
    assert got["Responses"][b] == [{"pk": {"S": "b"}, "sk": {"N": "4"}}]


def test_batch_write_deletes(ddb, two_tables) -> None:
    a, _ = two_tables
    ddb.put_item(TableName=a, Item={"pk": {"S": "gone"}})
    ddb.batch_write_item(RequestItems={a: [
        {"DeleteRequest": {"Key": {"pk": {"S": "gone"}}}},
        {"DeleteRequest": {"Key": {"pk": {"S": "never-there"}}}},
        {"PutRequest": {"Item": {"pk": {"S": "new"}}}}]})
    assert "Item" not in ddb.get_item(TableName=a, Key={"pk": {"S": "gone"}})
    assert "Item" in ddb.get_item(TableName=a, Key={"pk": {"S": "new"}})


def test_batch_get_of_one_hundred_keys(ddb, two_tables) -> None:
    a, _ = two_tables
    for start in range(0, 100, 25):
        ddb.batch_write_item(RequestItems={a: [
            {"PutRequest": {"Item": {"pk": {"S": f"k{i}"}}}} for i in range(start, start + 25)]})
    keys = [{"pk": {"S": f"k{i}"}} for i in range(100)]
    got = ddb.batch_get_item(RequestItems={a: {"Keys": keys}})
    fetched = len(got["Responses"][a])
    unprocessed = len(got["UnprocessedKeys"].get(a, {}).get("Keys", []))
    assert fetched + unprocessed == 100


def test_too_many_keys_to_get(ddb, two_tables, aws_error) -> None:
    a, b = two_tables
    with aws_error("ValidationException", "Too many items requested for the BatchGetItem call"):
        ddb.batch_get_item(RequestItems={
            a: {"Keys": [{"pk": {"S": f"k{i}"}} for i in range(60)]},
            b: {"Keys": [{"pk": {"S": "b"}, "sk": {"N": str(i)}} for i in range(60)]}})


def test_too_many_keys_for_one_table(raw_ddb, two_tables, aws_error) -> None:
    a, _ = two_tables
    # BatchGetItem's validator names the member without echoing the keys.
    with aws_error("ValidationException", "1 validation error detected: Value at "
                   f"'RequestItems.{a}.member.Keys' failed to satisfy constraint: Member must "
                   "have length less than or equal to 100"):
        raw_ddb.batch_get_item(RequestItems={a: {"Keys": [{"pk": {"S": f"k{i}"}}
                                                          for i in range(101)]}})


# DynamoDB checks a table's list of writes as a value of the RequestItems map, naming both
# bounds whichever was broken (as AWS answers, quoted in user reports of this error).
MAP_VALUE_LENGTH = ("' at 'requestItems' failed to satisfy constraint: Map value must satisfy "
                    "constraint: [Member must have length less than or equal to 25, Member must "
                    "have length greater than or equal to 1]")


def test_too_many_writes(raw_ddb, two_tables, aws_error) -> None:
    a, _ = two_tables
    with aws_error("ValidationException", prefix=f"1 validation error detected: Value '{{{a}=[",
                   contains=MAP_VALUE_LENGTH):
        raw_ddb.batch_write_item(RequestItems={a: [
            {"PutRequest": {"Item": {"pk": {"S": f"k{i}"}}}} for i in range(26)]})


def test_an_empty_list_of_writes_is_refused(raw_ddb, two_tables, aws_error) -> None:
    a, _ = two_tables
    with aws_error("ValidationException",
                   f"1 validation error detected: Value '{{{a}=[]}}{MAP_VALUE_LENGTH}"):
        raw_ddb.batch_write_item(RequestItems={a: []})


def test_empty_lists_are_refused_before_tables_are_looked_up(raw_ddb, aws_error) -> None:
    # Request constraints come before table lookups, so a missing table is not reported.
    with aws_error("ValidationException", "1 validation error detected: Value at "
                   "'RequestItems.no-such-table.member.Keys' failed to satisfy constraint: "
                   "Member must have length greater than or equal to 1"):
        raw_ddb.batch_get_item(RequestItems={"no-such-table": {"Keys": []}})
    with aws_error("ValidationException",
                   f"1 validation error detected: Value '{{no-such-table=[]}}{MAP_VALUE_LENGTH}"):
        raw_ddb.batch_write_item(RequestItems={"no-such-table": []})


def test_duplicate_keys_to_get(ddb, two_tables, aws_error) -> None:
    a, _ = two_tables
    with aws_error("ValidationException", "Provided list of item keys contains duplicates"):
        ddb.batch_get_item(RequestItems={a: {"Keys": [{"pk": {"S": "x"}}, {"pk": {"S": "x"}}]}})


def test_duplicate_keys_to_write(ddb, two_tables, aws_error) -> None:
    a, _ = two_tables
    with aws_error("ValidationException", "Provided list of item keys contains duplicates"):
        ddb.batch_write_item(RequestItems={a: [
            {"PutRequest": {"Item": {"pk": {"S": "x"}}}},
            {"DeleteRequest": {"Key": {"pk": {"S": "x"}}}}]})


def test_batch_on_a_missing_table(ddb, aws_error) -> None:
    with aws_error("ResourceNotFoundException", prefix="Requested resource not found"):
        ddb.batch_get_item(RequestItems={"no-such-table": {"Keys": [{"pk": {"S": "x"}}]}})
    with aws_error("ResourceNotFoundException", prefix="Requested resource not found"):
        ddb.batch_write_item(RequestItems={"no-such-table": [
            {"PutRequest": {"Item": {"pk": {"S": "x"}}}}]})


def test_batch_write_with_a_bad_key(ddb, two_tables, aws_error) -> None:
    a, _ = two_tables
    with aws_error("ValidationException", "The provided key element does not match the schema"):
        ddb.batch_write_item(RequestItems={a: [{"DeleteRequest": {"Key": {"id": {"S": "x"}}}}]})


@pytest.mark.parametrize("item", [
    {"pk": {"N": "1"}},
    {"pk": {"L": [{"S": "x"}]}},
    {"other": {"S": "x"}},
])
def test_batch_put_of_an_item_whose_key_does_not_match(ddb, two_tables, aws_error, item) -> None:
    # Unlike PutItem, which names the key attribute and its types.
    a, _ = two_tables
    with aws_error("ValidationException", "The provided key element does not match the schema"):
        ddb.batch_write_item(RequestItems={a: [{"PutRequest": {"Item": item}}]})


@pytest.mark.parametrize("request_", [
    {"PutRequest": {"Item": {"pk": {"S": ""}}}},
    {"DeleteRequest": {"Key": {"pk": {"S": ""}}}},
])
def test_batch_write_with_an_empty_key_value(ddb, two_tables, aws_error, request_) -> None:
    a, _ = two_tables
    with aws_error("ValidationException", "One or more parameter values are not valid. The "
                   "AttributeValue for a key attribute cannot contain an empty string value. "
                   "Key: pk"):
        ddb.batch_write_item(RequestItems={a: [request_]})


def test_batch_get_capacity_rounds_each_item_up(ddb, two_tables) -> None:
    # Each key read is rounded up to 4 KB on its own, as separate GetItems would be.
    plain, _ = two_tables
    keys = [{"pk": {"S": f"k{i}"}} for i in range(3)]
    for key in keys[:2]:
        ddb.put_item(TableName=plain, Item={**key, "v": {"S": "small"}})
    result = ddb.batch_get_item(RequestItems={plain: {"Keys": keys, "ConsistentRead": True}},
                                ReturnConsumedCapacity="TOTAL")
    assert result["ConsumedCapacity"] == [{"TableName": plain, "CapacityUnits": 3.0}]
    result = ddb.batch_get_item(RequestItems={plain: {"Keys": keys[:2]}},
                                ReturnConsumedCapacity="TOTAL")
    assert result["ConsumedCapacity"] == [{"TableName": plain, "CapacityUnits": 1.0}]


def test_batch_get_reports_unused_names_before_a_missing_table(ddb, aws_error) -> None:
    with aws_error("ValidationException", "Value provided in ExpressionAttributeNames unused "
                   "in expressions: keys: {#count}"):
        ddb.batch_get_item(RequestItems={"no-such-table": {
            "Keys": [{"pk": {"S": "a"}}], "ProjectionExpression": "#p",
            "ExpressionAttributeNames": {"#p": "pk", "#count": "count"}}})
