"""Query and Scan: key conditions, order, pagination, filters, COUNT, parallel scan, errors."""
from __future__ import annotations

import pytest

from fogbank.tables.errors import ValidationException

from .conftest import make_table


@pytest.fixture
def table(db):
    make_table(db, "qqq", range_key="n", range_type="N")
    for pk in ("a", "b"):
        for n in ("-1", "1", "2", "10", "2.5"):
            db.put_item(TableName="qqq", Item={"pk": {"S": pk}, "n": {"N": n}, "odd": {"BOOL": n in ("-1", "1")}})
    return db


def numbers(out):
    return [i["n"]["N"] for i in out["Items"]]


def query(db, cond, values, **extra):
    return db.query(TableName="qqq", KeyConditionExpression=cond,
                    ExpressionAttributeValues=values, **extra)


def test_query_returns_one_partition_in_number_order(table):
    out = query(table, "pk = :p", {":p": {"S": "a"}})
    assert numbers(out) == ["-1", "1", "2", "2.5", "10"]
    assert out["Count"] == out["ScannedCount"] == 5


def test_query_backwards_with_a_range_condition(table):
    out = query(table, "pk = :p AND n BETWEEN :lo AND :hi",
                {":p": {"S": "a"}, ":lo": {"N": "1"}, ":hi": {"N": "2.5"}}, ScanIndexForward=False)
    assert numbers(out) == ["2.5", "2", "1"]


def test_query_pages_with_limit_and_exclusive_start_key(table):
    seen, start = [], None
    while True:
        extra = {"Limit": 2, **({"ExclusiveStartKey": start} if start else {})}
        out = query(table, "pk = :p", {":p": {"S": "b"}}, **extra)
        seen += numbers(out)
        start = out.get("LastEvaluatedKey")
        if not start:
            break
    assert seen == ["-1", "1", "2", "2.5", "10"]


def test_filter_counts_scanned_items(table):
    out = query(table, "pk = :p", {":p": {"S": "a"}, ":t": {"BOOL": True}},
                FilterExpression="odd = :t")
    assert numbers(out) == ["-1", "1"] and out["ScannedCount"] == 5


def test_select_count_returns_no_items(table):
    out = query(table, "pk = :p", {":p": {"S": "a"}}, Select="COUNT")
    assert out["Count"] == 5 and "Items" not in out


def test_query_on_a_non_key_attribute_is_refused(table):
    with pytest.raises(ValidationException, match="Query condition missed key schema element: pk"):
        query(table, "odd = :t", {":t": {"BOOL": True}})


def test_between_with_bounds_reversed_is_refused(table):
    with pytest.raises(ValidationException, match="The BETWEEN operator requires upper bound"):
        query(table, "pk = :p AND n BETWEEN :hi AND :lo",
              {":p": {"S": "a"}, ":lo": {"N": "1"}, ":hi": {"N": "5"}})


def test_query_without_key_condition_is_refused(table):
    with pytest.raises(ValidationException, match="Either the KeyConditions or "
                                                  "KeyConditionExpression parameter must be specified"):
        table.query(TableName="qqq")


def test_scan_sees_every_item_once_across_segments(table):
    total = []
    for segment in range(3):
        out = table.scan(TableName="qqq", Segment=segment, TotalSegments=3)
        total += [(i["pk"]["S"], i["n"]["N"]) for i in out["Items"]]
    assert len(total) == len(set(total)) == 10


def test_scan_paginates(table):
    seen, start = 0, None
    while True:
        out = table.scan(TableName="qqq", Limit=3, **({"ExclusiveStartKey": start} if start else {}))
        seen += out["Count"]
        start = out.get("LastEvaluatedKey")
        if not start:
            break
    assert seen == 10


def test_segment_not_below_total_is_refused(table):
    with pytest.raises(ValidationException, match="Segment: 3 is not less than TotalSegments: 3"):
        table.scan(TableName="qqq", Segment=3, TotalSegments=3)


def test_bad_exclusive_start_key_is_refused(table):
    with pytest.raises(ValidationException, match="The provided starting key is invalid"):
        table.scan(TableName="qqq", ExclusiveStartKey={"pk": {"S": "a"}})


def test_unknown_index_is_refused(table):
    with pytest.raises(ValidationException, match="The table does not have the specified index: nope"):
        table.scan(TableName="qqq", IndexName="nope")


def test_filter_on_a_key_attribute_is_refused_in_a_query(table):
    with pytest.raises(ValidationException, match="Filter Expression can only contain non-primary "
                                                  "key attributes: Primary key attribute: n"):
        query(table, "pk = :p", {":p": {"S": "a"}, ":v": {"N": "1"}}, FilterExpression="n = :v")


def test_hash_key_condition_must_be_an_equality(table):
    with pytest.raises(ValidationException, match="^Query key condition not supported$"):
        query(table, "pk > :p", {":p": {"S": "a"}})


def test_a_page_stops_after_one_megabyte_read(db):
    make_table(db, "big")
    for i in range(5):
        db.put_item(TableName="big", Item={"pk": {"S": str(i)}, "blob": {"S": "x" * 300_000}})
    first = db.scan(TableName="big", Select="COUNT")
    assert first["ScannedCount"] == 4 and "LastEvaluatedKey" in first
    rest = db.scan(TableName="big", Select="COUNT", ExclusiveStartKey=first["LastEvaluatedKey"])
    assert rest["ScannedCount"] == 1 and "LastEvaluatedKey" not in rest


def test_start_key_from_another_partition_is_refused(table):
    with pytest.raises(ValidationException, match="The provided starting key is outside query "
                                                  "boundaries based on provided conditions"):
        query(table, "pk = :p", {":p": {"S": "a"}},
              ExclusiveStartKey={"pk": {"S": "b"}, "n": {"N": "1"}})


@pytest.mark.parametrize("cond, values, n", [
    ("n > :v", {":v": {"N": "2"}}, "1"),
    ("n < :v", {":v": {"N": "2"}}, "2"),            # the bound itself is outside `<`
    ("n BETWEEN :v AND :w", {":v": {"N": "1"}, ":w": {"N": "2"}}, "10"),
])
def test_start_key_outside_the_sort_key_condition_is_refused(table, cond, values, n):
    with pytest.raises(ValidationException, match="^The provided starting key does not match "
                                                  "the range key predicate$"):
        query(table, f"pk = :p AND {cond}", {":p": {"S": "a"}, **values},
              ExclusiveStartKey={"pk": {"S": "a"}, "n": {"N": n}})


def test_sort_key_predicate_is_judged_before_the_partition(table):
    with pytest.raises(ValidationException, match="does not match the range key predicate"):
        query(table, "pk = :p AND n > :v", {":p": {"S": "a"}, ":v": {"N": "2"}},
              ExclusiveStartKey={"pk": {"S": "b"}, "n": {"N": "1"}})
    with pytest.raises(ValidationException, match="outside query boundaries"):
        query(table, "pk = :p AND n > :v", {":p": {"S": "a"}, ":v": {"N": "2"}},
              ExclusiveStartKey={"pk": {"S": "b"}, "n": {"N": "5"}})


def test_start_key_inside_the_sort_key_condition_resumes(table):
    out = query(table, "pk = :p AND n >= :v", {":p": {"S": "a"}, ":v": {"N": "1"}},
                ExclusiveStartKey={"pk": {"S": "a"}, "n": {"N": "1"}})
    assert numbers(out) == ["2", "2.5", "10"]
    out = query(table, "pk = :p AND n < :v", {":p": {"S": "a"}, ":v": {"N": "10"}},
                ExclusiveStartKey={"pk": {"S": "a"}, "n": {"N": "2"}}, ScanIndexForward=False)
    assert numbers(out) == ["1", "-1"]


def test_start_key_outside_a_begins_with_condition_is_refused(db):
    make_table(db, "pre", range_key="s")
    with pytest.raises(ValidationException, match="does not match the range key predicate"):
        db.query(TableName="pre", KeyConditionExpression="pk = :p AND begins_with(s, :b)",
                 ExpressionAttributeValues={":p": {"S": "a"}, ":b": {"S": "ab"}},
                 ExclusiveStartKey={"pk": {"S": "a"}, "s": {"S": "ac"}})
    out = db.query(TableName="pre", KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]},
        "s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "ab"}]}},
        ExclusiveStartKey={"pk": {"S": "a"}, "s": {"S": "abc"}})
    assert out["Items"] == []
