"""Query: key conditions, order, paging, filters, projections, COUNT, legacy KeyConditions."""
from __future__ import annotations

import pytest

SORT_KEYS = ["-5", "-0.5", "0", "1", "2", "9", "10", "10.5", "100", "1e3"]


@pytest.fixture
def loaded(ddb, range_table) -> str:
    for i, sk in enumerate(SORT_KEYS):
        ddb.put_item(TableName=range_table, Item={
            "pk": {"S": "a"}, "sk": {"N": sk}, "i": {"N": str(i)},
            "even": {"BOOL": i % 2 == 0}, "tag": {"S": f"tag-{i}"}})
    ddb.put_item(TableName=range_table, Item={"pk": {"S": "b"}, "sk": {"N": "1"}})
    return range_table


def _query(ddb, table: str, expression: str, values: dict, **params) -> dict:
    return ddb.query(TableName=table, KeyConditionExpression=expression,
                     ExpressionAttributeValues=values, **params)


def _sks(items: list[dict]) -> list[str]:
    return [it["sk"]["N"] for it in items]


NORMALISED = ["-5", "-0.5", "0", "1", "2", "9", "10", "10.5", "100", "1000"]


def test_numbers_sort_by_value(ddb, loaded) -> None:
    resp = _query(ddb, loaded, "pk = :a", {":a": {"S": "a"}})
    assert _sks(resp["Items"]) == NORMALISED
    assert resp["Count"] == resp["ScannedCount"] == 10
    back = _query(ddb, loaded, "pk = :a", {":a": {"S": "a"}}, ScanIndexForward=False)
    assert _sks(back["Items"]) == NORMALISED[::-1]


@pytest.mark.parametrize("condition, values, expected", [
    ("sk = :v", {":v": {"N": "10"}}, ["10"]),
    ("sk < :v", {":v": {"N": "1"}}, ["-5", "-0.5", "0"]),
    ("sk <= :v", {":v": {"N": "1"}}, ["-5", "-0.5", "0", "1"]),
    ("sk > :v", {":v": {"N": "10"}}, ["10.5", "100", "1000"]),
    ("sk >= :v", {":v": {"N": "100"}}, ["100", "1000"]),
    ("sk BETWEEN :lo AND :hi", {":lo": {"N": "0"}, ":hi": {"N": "10"}},
     ["0", "1", "2", "9", "10"]),
])
def test_range_conditions(ddb, loaded, condition: str, values: dict, expected: list) -> None:
    resp = _query(ddb, loaded, f"pk = :a AND {condition}", {":a": {"S": "a"}, **values})
    assert _sks(resp["Items"]) == expected


def test_begins_with_on_a_string_range_key(ddb, make_table) -> None:
    name = make_table(("pk", "S"), ("sk", "S"))
    for sk in ["order#1", "order#2", "orders", "profile", "Order#3"]:
        ddb.put_item(TableName=name, Item={"pk": {"S": "u"}, "sk": {"S": sk}})
    resp = ddb.query(TableName=name, KeyConditionExpression="#p = :u AND begins_with(#s, :o)",
                     ExpressionAttributeNames={"#p": "pk", "#s": "sk"},
                     ExpressionAttributeValues={":u": {"S": "u"}, ":o": {"S": "order#"}})
    assert [it["sk"]["S"] for it in resp["Items"]] == ["order#1", "order#2"]
    # Strings order by UTF-8 bytes: upper case before lower case.
    everything = ddb.query(TableName=name, KeyConditionExpression="pk = :u",
                           ExpressionAttributeValues={":u": {"S": "u"}})
    assert [it["sk"]["S"] for it in everything["Items"]] == [
        "Order#3", "order#1", "order#2", "orders", "profile"]


def test_paging_with_limit(ddb, loaded) -> None:
    seen: list[str] = []
    start: dict = {}
    pages = 0
    while True:
        resp = _query(ddb, loaded, "pk = :a", {":a": {"S": "a"}}, Limit=3, **start)
        pages += 1
        seen += _sks(resp["Items"])
        if "LastEvaluatedKey" not in resp:
            break
        assert set(resp["LastEvaluatedKey"]) == {"pk", "sk"}
        start = {"ExclusiveStartKey": resp["LastEvaluatedKey"]}
    assert seen == NORMALISED
    assert pages == 4


def test_paginator(ddb, loaded) -> None:
    pages = ddb.get_paginator("query").paginate(
        TableName=loaded, KeyConditionExpression="pk = :a",
        ExpressionAttributeValues={":a": {"S": "a"}}, PaginationConfig={"PageSize": 4})
    assert [sk for page in pages for sk in _sks(page["Items"])] == NORMALISED


def test_filter_counts_after_limit(ddb, loaded) -> None:
    resp = _query(ddb, loaded, "pk = :a", {":a": {"S": "a"}, ":t": {"BOOL": True}},
                  FilterExpression="even = :t", Limit=5)
    assert _sks(resp["Items"]) == ["-5", "0", "2"]
    assert resp["Count"] == 3
    assert resp["ScannedCount"] == 5
    assert "LastEvaluatedKey" in resp


def test_select_count(ddb, loaded) -> None:
    resp = _query(ddb, loaded, "pk = :a", {":a": {"S": "a"}}, Select="COUNT")
    assert "Items" not in resp
    assert resp["Count"] == 10


def test_projection(ddb, loaded) -> None:
    resp = _query(ddb, loaded, "pk = :a AND sk = :v", {":a": {"S": "a"}, ":v": {"N": "0"}},
                  ProjectionExpression="tag, i")
    assert resp["Items"] == [{"tag": {"S": "tag-2"}, "i": {"N": "2"}}]


def test_legacy_key_conditions_and_query_filter(ddb, loaded) -> None:
    resp = ddb.query(TableName=loaded, KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]},
        "sk": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "2"}]}},
        QueryFilter={"i": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "5"}]}})
    assert _sks(resp["Items"]) == ["10", "10.5", "100", "1000"]


def test_query_of_an_empty_partition(ddb, loaded) -> None:
    resp = _query(ddb, loaded, "pk = :z", {":z": {"S": "zzz"}})
    assert resp["Items"] == [] and resp["Count"] == 0
    assert "LastEvaluatedKey" not in resp


def test_page_is_cut_at_one_megabyte(ddb, range_table) -> None:
    blob = "x" * (100 * 1024)
    for i in range(12):
        ddb.put_item(TableName=range_table, Item={"pk": {"S": "big"}, "sk": {"N": str(i)},
                                                  "blob": {"S": blob}})
    first = _query(ddb, range_table, "pk = :p", {":p": {"S": "big"}})
    assert 0 < first["Count"] < 12
    assert "LastEvaluatedKey" in first
    rest = _query(ddb, range_table, "pk = :p", {":p": {"S": "big"}},
                  ExclusiveStartKey=first["LastEvaluatedKey"])
    assert first["Count"] + rest["Count"] == 12


def test_no_key_condition(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "Either the KeyConditions or KeyConditionExpression "
                   "parameter must be specified in the request."):
        ddb.query(TableName=loaded)


def test_key_condition_without_the_hash_key(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "Query condition missed key schema element: pk"):
        _query(ddb, loaded, "sk = :v", {":v": {"N": "1"}})


def test_key_condition_on_a_non_key_attribute(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "Query condition missed key schema element: sk"):
        _query(ddb, loaded, "pk = :a AND i = :v", {":a": {"S": "a"}, ":v": {"N": "1"}})


@pytest.mark.parametrize("expression, message", [
    ("pk = :a OR sk = :v", "Invalid operator used in KeyConditionExpression: OR"),
    ("pk = :a AND sk <> :v", "Invalid operator used in KeyConditionExpression: <>"),
    ("pk = :a AND NOT sk = :v", "Invalid operator used in KeyConditionExpression: NOT"),
    ("pk = :a AND attribute_exists(sk) AND sk = :v",
     "Invalid operator used in KeyConditionExpression: attribute_exists"),
])
def test_unsupported_key_condition(ddb, loaded, aws_error, expression: str,
                                   message: str) -> None:
    # The structural rules of key conditions come without the "Invalid
    # KeyConditionExpression:" prefix that syntax errors carry.
    with aws_error("ValidationException", message):
        _query(ddb, loaded, expression, {":a": {"S": "a"}, ":v": {"N": "1"}})


def test_hash_key_must_use_equality(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "Query key condition not supported"):
        _query(ddb, loaded, "pk > :a", {":a": {"S": "a"}})


@pytest.mark.parametrize("expression", ["pk > :a AND sk > :v", "pk > :a AND sk = :v",
                                        "sk = :v AND pk >= :a"])
def test_hash_key_must_use_equality_beside_a_range_condition(ddb, loaded, aws_error,
                                                             expression: str) -> None:
    with aws_error("ValidationException", "Query key condition not supported"):
        _query(ddb, loaded, expression, {":a": {"S": "a"}, ":v": {"N": "1"}})


def _cond(op: str, *values: dict) -> dict:
    return {"ComparisonOperator": op, "AttributeValueList": list(values)}


@pytest.mark.parametrize("conditions, message", [
    ({}, "Conditions can be of length 1 or 2 only"),
    ({"pk": _cond("EQ", {"S": "a"}), "sk": _cond("EQ", {"N": "1"}),
      "i": _cond("EQ", {"N": "1"})}, "Conditions can be of length 1 or 2 only"),
    ({"sk": _cond("GT", {"N": "1"})}, "Query condition missed key schema element: pk"),
    ({"i": _cond("EQ", {"N": "1"}), "sk": _cond("EQ", {"N": "1"})},
     "Query condition missed key schema element: pk"),
    ({"pk": _cond("GT", {"S": "a"}), "sk": _cond("GT", {"N": "1"})},
     "Query key condition not supported"),
    ({"pk": _cond("BEGINS_WITH", {"S": "a"}), "sk": _cond("EQ", {"N": "1"})},
     "Query key condition not supported"),
])
def test_legacy_key_conditions_that_select_no_partition(ddb, loaded, aws_error,
                                                        conditions: dict, message: str) -> None:
    with aws_error("ValidationException", message):
        ddb.query(TableName=loaded, KeyConditions=conditions)


def test_two_conditions_on_one_key(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "Invalid KeyConditionExpression: "
                   "KeyConditionExpressions must only contain one condition per key"):
        _query(ddb, loaded, "pk = :a AND pk = :a", {":a": {"S": "a"}})


def test_key_value_of_the_wrong_type(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "One or more parameter values were invalid: Condition "
                   "parameter type does not match schema type"):
        _query(ddb, loaded, "pk = :a", {":a": {"N": "1"}})


def test_filter_on_a_key_attribute(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "Filter Expression can only contain non-primary key "
                   "attributes: Primary key attribute: sk"):
        _query(ddb, loaded, "pk = :a", {":a": {"S": "a"}, ":v": {"N": "1"}},
               FilterExpression="sk = :v")


def test_limit_zero(raw_ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "1 validation error detected: Value '0' at 'limit' "
                   "failed to satisfy constraint: Member must have value greater than or "
                   "equal to 1"):
        _query(raw_ddb, loaded, "pk = :a", {":a": {"S": "a"}}, Limit=0)


def test_bad_exclusive_start_key(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", prefix="The provided starting key is invalid"):
        _query(ddb, loaded, "pk = :a", {":a": {"S": "a"}},
               ExclusiveStartKey={"pk": {"S": "a"}})


def test_missing_index(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "The table does not have the specified index: nope"):
        _query(ddb, loaded, "pk = :a", {":a": {"S": "a"}}, IndexName="nope")


def test_query_on_a_missing_table(ddb, aws_error) -> None:
    with aws_error("ResourceNotFoundException", prefix="Requested resource not found"):
        _query(ddb, "no-such-table", "pk = :a", {":a": {"S": "a"}})


def test_count_with_a_projection(ddb, loaded, aws_error) -> None:
    # Query's answer carries the request validator's prefix; Scan's does not.
    with aws_error("ValidationException", "1 validation error detected: Cannot specify the "
                   "ProjectionExpression when choosing to get only the Count"):
        _query(ddb, loaded, "pk = :a", {":a": {"S": "a"}}, Select="COUNT",
               ProjectionExpression="tag")


def test_all_projected_attributes_with_a_projection_and_no_index(ddb, loaded,
                                                                 aws_error) -> None:
    # Both rules are broken; DynamoDB names the projection.
    with aws_error("ValidationException", "1 validation error detected: Cannot specify the "
                   "ProjectionExpression when choosing to get ALL_PROJECTED_ATTRIBUTES"):
        _query(ddb, loaded, "pk = :a", {":a": {"S": "a"}}, Select="ALL_PROJECTED_ATTRIBUTES",
               ProjectionExpression="tag")


@pytest.mark.parametrize("params, message", [
    ({"Select": "SPECIFIC_ATTRIBUTES"}, "Must specify the AttributesToGet or "
     "ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"),
    ({"Select": "ALL_ATTRIBUTES", "ProjectionExpression": "tag"}, "Cannot specify the "
     "ProjectionExpression when choosing to get ALL_ATTRIBUTES"),
    ({"Select": "ALL_PROJECTED_ATTRIBUTES"}, "ALL_PROJECTED_ATTRIBUTES can be used only when "
     "Querying using an IndexName"),
])
def test_select_conflicts_carry_the_request_validator_prefix(ddb, loaded, aws_error, params,
                                                             message) -> None:
    with aws_error("ValidationException", "1 validation error detected: " + message):
        _query(ddb, loaded, "pk = :a", {":a": {"S": "a"}}, **params)


def test_unused_names_are_reported_before_a_malformed_key_condition(ddb, loaded,
                                                                    aws_error) -> None:
    # Both conditions compare two attributes, yet the unused placeholder is named first.
    with aws_error("ValidationException", "Value provided in ExpressionAttributeNames unused "
                   "in expressions: keys: {#count}"):
        ddb.query(TableName=loaded, KeyConditionExpression="(#0 = x) AND (begins_with(#1, a))",
                  ExpressionAttributeNames={"#0": "pk", "#1": "sk", "#count": "count"})
