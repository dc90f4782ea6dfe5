"""Scan: everything, paging, parallel segments, filters, COUNT, legacy ScanFilter."""
from __future__ import annotations

import pytest


@pytest.fixture
def loaded(ddb, table) -> str:
    for i in range(30):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i:02}"}, "i": {"N": str(i)},
                                            "kind": {"S": "odd" if i % 2 else "even"}})
    return table


def _keys(items: list[dict]) -> list[str]:
    return [it["pk"]["S"] for it in items]


def test_scan_returns_every_item(ddb, loaded) -> None:
    resp = ddb.scan(TableName=loaded)
    assert sorted(_keys(resp["Items"])) == [f"k{i:02}" for i in range(30)]
    assert resp["Count"] == resp["ScannedCount"] == 30
    assert "LastEvaluatedKey" not in resp


def test_scan_pages_with_limit(ddb, loaded) -> None:
    seen: list[str] = []
    start: dict = {}
    while True:
        resp = ddb.scan(TableName=loaded, Limit=7, **start)
        assert resp["Count"] <= 7
        seen += _keys(resp["Items"])
        if "LastEvaluatedKey" not in resp:
            break
        start = {"ExclusiveStartKey": resp["LastEvaluatedKey"]}
    assert sorted(seen) == [f"k{i:02}" for i in range(30)]
    assert len(seen) == 30


def test_parallel_segments_partition_the_table(ddb, loaded) -> None:
    segments = []
    for segment in range(4):
        keys: list[str] = []
        for page in ddb.get_paginator("scan").paginate(
                TableName=loaded, Segment=segment, TotalSegments=4,
                PaginationConfig={"PageSize": 5}):
            keys += _keys(page["Items"])
        segments.append(set(keys))
    assert sum(len(s) for s in segments) == 30
    assert set().union(*segments) == {f"k{i:02}" for i in range(30)}


def test_filter_and_projection(ddb, loaded) -> None:
    resp = ddb.scan(TableName=loaded, FilterExpression="kind = :k AND i < :n",
                    ProjectionExpression="pk, #i", ExpressionAttributeNames={"#i": "i"},
                    ExpressionAttributeValues={":k": {"S": "odd"}, ":n": {"N": "10"}})
    assert sorted(_keys(resp["Items"])) == ["k01", "k03", "k05", "k07", "k09"]
    assert all(set(it) == {"pk", "i"} for it in resp["Items"])
    assert resp["ScannedCount"] == 30


def test_select_count(ddb, loaded) -> None:
    resp = ddb.scan(TableName=loaded, Select="COUNT", FilterExpression="kind = :k",
                    ExpressionAttributeValues={":k": {"S": "even"}})
    assert "Items" not in resp
    assert resp["Count"] == 15


def test_legacy_scan_filter(ddb, loaded) -> None:
    resp = ddb.scan(TableName=loaded, ScanFilter={
        "i": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "3"}, {"N": "6"}]},
        "kind": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "even"}]}})
    assert sorted(_keys(resp["Items"])) == ["k04", "k06"]


def test_segment_without_total(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "The TotalSegments parameter is required but was not "
                   "present in the request when Segment parameter is present"):
        ddb.scan(TableName=loaded, Segment=1)


def test_total_without_segment(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "The Segment parameter is required but was not present "
                   "in the request when parameter TotalSegments is present"):
        ddb.scan(TableName=loaded, TotalSegments=2)


def test_segment_out_of_range(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "The Segment parameter is zero-based and must be less "
                   "than parameter TotalSegments: Segment: 2 is not less than TotalSegments: 2"):
        ddb.scan(TableName=loaded, Segment=2, TotalSegments=2)


def test_filter_syntax_error(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", prefix="Invalid FilterExpression: Syntax error; token:"):
        ddb.scan(TableName=loaded, FilterExpression="i >")


def test_undefined_value_in_filter(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "Invalid FilterExpression: An expression attribute "
                   "value used in expression is not defined; attribute value: :x"):
        ddb.scan(TableName=loaded, FilterExpression="i = :x",
                 ExpressionAttributeValues={":y": {"N": "1"}})


def test_scan_of_a_missing_table(ddb, aws_error) -> None:
    with aws_error("ResourceNotFoundException", prefix="Requested resource not found"):
        ddb.scan(TableName="no-such-table")


def test_limit_zero(raw_ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "1 validation error detected: Value '0' at 'limit' "
                   "failed to satisfy constraint: Member must have value greater than or "
                   "equal to 1"):
        raw_ddb.scan(TableName=loaded, Limit=0)


@pytest.mark.parametrize("projection", [{"ProjectionExpression": "kind"},
                                        {"AttributesToGet": ["kind"]}])
def test_count_with_a_projection(ddb, loaded, aws_error, projection: dict) -> None:
    what = next(iter(projection))
    with aws_error("ValidationException", f"Cannot specify the {what} when choosing to get "
                   "only the Count"):
        ddb.scan(TableName=loaded, Select="COUNT", **projection)


def test_start_key_outside_the_segment(ddb, loaded, aws_error) -> None:
    with aws_error("ValidationException", "The provided starting key is invalid: Invalid "
                   "ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. "
                   "TotalSegments: 1000000 Segment: 0"):
        ddb.scan(TableName=loaded, Segment=0, TotalSegments=1000000,
                 ExclusiveStartKey={"pk": {"S": "k00"}})


def test_start_key_of_the_segment_resumes_it(ddb, loaded) -> None:
    first = ddb.scan(TableName=loaded, Segment=1, TotalSegments=2, Limit=2)
    rest = ddb.scan(TableName=loaded, Segment=1, TotalSegments=2,
                    ExclusiveStartKey=first["LastEvaluatedKey"])
    whole = ddb.scan(TableName=loaded, Segment=1, TotalSegments=2)
    assert _keys(first["Items"]) + _keys(rest["Items"]) == _keys(whole["Items"])
