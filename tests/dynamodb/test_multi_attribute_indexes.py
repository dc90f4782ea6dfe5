"""Global secondary indexes whose key has several HASH and / or RANGE attributes: creation,
which items they hold and in what order, the key conditions a Query on them accepts, paging,
and PartiQL's refusal to read them."""
from __future__ import annotations

import pytest

S = lambda text: {"S": text}  # noqa: E731


def _schema(hashes: list[str], ranges: list[str]) -> list[dict]:
    return ([{"AttributeName": n, "KeyType": "HASH"} for n in hashes]
            + [{"AttributeName": n, "KeyType": "RANGE"} for n in ranges])


def _gsi(hashes: list[str], ranges: list[str], name: str = "gsi") -> dict:
    return {"IndexName": name, "KeySchema": _schema(hashes, ranges),
            "Projection": {"ProjectionType": "ALL"}}


# One HASH and four RANGE attributes; p6 lacks c, so it is not in the index.
ITEMS = [("p1", "T", "live", "b", "r1"), ("p2", "T", "live", "a", "r2"),
         ("p3", "T", "live", "a", "r1"), ("p4", "T", "draft", "c", "r1"),
         ("p5", "F", "live", "a", "r0"), ("p6", "T", "live", None, "r1")]
VALUES = {":h": S("o1"), ":a": S("T"), ":b": S("live"), ":c": S("a"), ":d": S("r"),
          ":x": S("r1"), ":y": S("r1")}


@pytest.fixture
def ranged(ddb, make_table) -> str:
    name = make_table(attributes={n: "S" for n in "habcd"},
                      GlobalSecondaryIndexes=[_gsi(["h"], ["a", "b", "c", "d"])])
    for pk, *rest in ITEMS:
        item = {"pk": S(pk), "h": S("o1")}
        item.update({n: S(v) for n, v in zip("abcd", rest) if v is not None})
        ddb.put_item(TableName=name, Item=item)
    return name


def _query(ddb, table: str, condition: str, **params) -> dict:
    used = {k: v for k, v in VALUES.items() if k in condition}
    return ddb.query(TableName=table, IndexName="gsi", KeyConditionExpression=condition,
                     ExpressionAttributeValues=used, **params)


def _pks(answer: dict) -> list[str]:
    return [item["pk"]["S"] for item in answer["Items"]]


@pytest.mark.parametrize("condition, expected", [
    ("h = :h", ["p5", "p4", "p3", "p2", "p1"]),
    ("h = :h AND a = :a", ["p4", "p3", "p2", "p1"]),
    ("h = :h AND a = :a AND b = :b", ["p3", "p2", "p1"]),
    ("h = :h AND a = :a AND b = :b AND c = :c", ["p3", "p2"]),
    ("h = :h AND a = :a AND b = :b AND c > :c", ["p1"]),
    ("h = :h AND a = :a AND b < :b", ["p4"]),
    ("h = :h AND a = :a AND b = :b AND c = :c AND begins_with(d, :d)", ["p3", "p2"]),
    ("h = :h AND a = :a AND b = :b AND c = :c AND d BETWEEN :x AND :y", ["p3"]),
    ("b = :b AND h = :h AND a = :a", ["p3", "p2", "p1"]),
])
def test_a_query_sorts_by_the_range_attributes_in_turn(ddb, ranged, condition, expected) -> None:
    assert _pks(_query(ddb, ranged, condition)) == expected


def test_scan_index_forward_false_reverses_the_order(ddb, ranged) -> None:
    answer = _query(ddb, ranged, "h = :h AND a = :a", ScanIndexForward=False)
    assert _pks(answer) == ["p1", "p2", "p3", "p4"]


def test_a_scan_of_the_index_leaves_out_items_missing_a_key_attribute(ddb, ranged) -> None:
    items = ddb.scan(TableName=ranged, IndexName="gsi")["Items"]
    assert sorted(item["pk"]["S"] for item in items) == ["p1", "p2", "p3", "p4", "p5"]


def test_pages_carry_every_key_attribute_and_resume_where_they_stopped(ddb, ranged) -> None:
    first = _query(ddb, ranged, "h = :h AND a = :a", Limit=2)
    assert _pks(first) == ["p4", "p3"]
    assert sorted(first["LastEvaluatedKey"]) == ["a", "b", "c", "d", "h", "pk"]
    second = _query(ddb, ranged, "h = :h AND a = :a", Limit=2,
                    ExclusiveStartKey=first["LastEvaluatedKey"])
    assert _pks(second) == ["p2", "p1"]


def test_a_changed_range_attribute_moves_the_item_and_a_removed_one_drops_it(ddb, ranged) -> None:
    ddb.update_item(TableName=ranged, Key={"pk": S("p4")}, UpdateExpression="SET b = :b",
                    ExpressionAttributeValues={":b": S("live")})
    assert _pks(_query(ddb, ranged, "h = :h AND a = :a AND b = :b")) == ["p3", "p2", "p1", "p4"]
    ddb.update_item(TableName=ranged, Key={"pk": S("p1")}, UpdateExpression="REMOVE d")
    assert _pks(_query(ddb, ranged, "h = :h AND a = :a AND b = :b")) == ["p3", "p2", "p4"]


@pytest.mark.parametrize("condition, message", [
    ("h = :h AND a = :a AND c = :c",
     "RANGE key attributes b must have equality conditions specified in the query because a "
     "condition is present on key attribute c"),
    ("h = :h AND a = :a AND b > :b AND c = :c",
     "RANGE key attributes b must have equality conditions specified in the query because a "
     "condition is present on key attribute c"),
    ("h = :h AND b = :b",
     "RANGE key attributes a must have equality conditions specified in the query because a "
     "condition is present on key attribute b"),
    ("a = :a AND b = :b", "Query condition missed key schema element: h"),
    ("h > :h AND a = :a", "Query key condition not supported"),
    ("h = :h AND pk = :a", "Query key condition not supported"),
])
def test_key_conditions_the_index_cannot_serve_are_refused(ddb, ranged, aws_error, condition,
                                                          message) -> None:
    with aws_error("ValidationException", message):
        _query(ddb, ranged, condition)


def test_a_condition_value_of_another_type_is_refused(ddb, ranged, aws_error) -> None:
    with aws_error("ValidationException", "One or more parameter values were invalid: "
                   "Condition parameter type does not match schema type"):
        ddb.query(TableName=ranged, IndexName="gsi", KeyConditionExpression="h = :h AND a = :n",
                  ExpressionAttributeValues={":h": S("o1"), ":n": {"N": "1"}})


def test_a_filter_on_any_index_key_attribute_is_refused(ddb, ranged, aws_error) -> None:
    with aws_error("ValidationException", "Filter Expression can only contain non-primary key "
                   "attributes: Primary key attribute: c"):
        ddb.query(TableName=ranged, IndexName="gsi", KeyConditionExpression="h = :h",
                  FilterExpression="c = :c", ExpressionAttributeValues={":h": S("o1"),
                                                                        ":c": S("a")})


def test_legacy_key_conditions_name_several_range_attributes(ddb, ranged, aws_error) -> None:
    eq = lambda value: {"ComparisonOperator": "EQ", "AttributeValueList": [S(value)]}  # noqa: E731
    answer = ddb.query(TableName=ranged, IndexName="gsi", KeyConditions={
        "h": eq("o1"), "a": eq("T"), "b": {"ComparisonOperator": "LT",
                                           "AttributeValueList": [S("live")]}})
    assert _pks(answer) == ["p4"]
    with aws_error("ValidationException", contains="RANGE key attributes a must have"):
        ddb.query(TableName=ranged, IndexName="gsi", KeyConditions={"h": eq("o1"), "b": eq("x")})


@pytest.fixture
def hashed(ddb, make_table) -> str:
    """Two HASH attributes (S, N) and two RANGE attributes (N, S)."""
    name = make_table(attributes={"t": "S", "r": "N", "n": "N", "s": "S"},
                      GlobalSecondaryIndexes=[_gsi(["t", "r"], ["n", "s"])])
    for pk, t, r, n, s in [("i1", "x", 1, 10, "b"), ("i2", "x", 1, 9, "z"), ("i3", "x", 2, 1, "a"),
                           ("i4", "y", 1, 5, "a"), ("i5", "x", 1, 10, "a")]:
        ddb.put_item(TableName=name, Item={"pk": S(pk), "t": S(t), "r": {"N": str(r)},
                                           "n": {"N": str(n)}, "s": S(s)})
    return name


def test_every_hash_attribute_picks_the_partition(ddb, hashed, aws_error) -> None:
    answer = ddb.query(TableName=hashed, IndexName="gsi", KeyConditionExpression="r = :r AND t = :t",
                       ExpressionAttributeValues={":t": S("x"), ":r": {"N": "1"}})
    # Numbers sort by value (9 before 10), then the second RANGE attribute.
    assert _pks(answer) == ["i2", "i5", "i1"]
    with aws_error("ValidationException", "Query condition missed key schema element: r"):
        ddb.query(TableName=hashed, IndexName="gsi", KeyConditionExpression="t = :t",
                  ExpressionAttributeValues={":t": S("x")})


def test_writes_check_the_type_of_every_index_key_attribute(ddb, hashed, aws_error) -> None:
    with aws_error("ValidationException", "One or more parameter values were invalid: Type "
                   "mismatch for Index Key s Expected: S Actual: N IndexName: gsi"):
        ddb.put_item(TableName=hashed, Item={"pk": S("bad"), "s": {"N": "1"}})
    with aws_error("ValidationException", "One or more parameter values are not valid. A value "
                   "specified for a secondary index key is not supported. The AttributeValue "
                   "for a key attribute cannot contain an empty string value. IndexName: gsi, "
                   "IndexKey: t"):
        ddb.put_item(TableName=hashed, Item={"pk": S("bad"), "t": S("")})


def test_describe_table_gives_the_key_schema_as_created(ddb, hashed) -> None:
    index = ddb.describe_table(TableName=hashed)["Table"]["GlobalSecondaryIndexes"][0]
    assert index["KeySchema"] == _schema(["t", "r"], ["n", "s"])
    assert index["ItemCount"] == 5


def test_a_key_schema_of_one_hash_and_one_range_still_takes_two_conditions_only(
        ddb, make_table, aws_error) -> None:
    name = make_table(("pk", "S"), ("sk", "S"))
    with aws_error("ValidationException", "The expression contains too many conditions; "
                   "maximum number of conditions: 2"):
        ddb.query(TableName=name, KeyConditionExpression="pk = :p AND sk = :s AND sk2 = :s",
                  ExpressionAttributeValues={":p": S("p"), ":s": S("s")})


@pytest.mark.parametrize("schema, message", [
    (_schema(["a", "b", "c", "d", "e"], []), "One or more parameter values were invalid: "
     "The KeySchema exceeds the maximum allowed number of HASH key attributes"),
    (_schema(["a"], ["b", "c", "d", "e", "f"]), "One or more parameter values were invalid: "
     "The KeySchema exceeds the maximum allowed number of RANGE key attributes"),
    (_schema(["a"], ["b"]) + _schema(["c"], []), "One or more parameter values were invalid: "
     "All HASH key attributes must precede RANGE key attributes in the KeySchema"),
    (_schema(["a", "a"], ["b"]), "The KeySchema contains multiple key attributes with the same "
     "name"),
    (_schema([], ["a", "b"]), "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
])
def test_create_table_refuses_a_gsi_key_schema_out_of_bounds(ddb, aws_error, schema,
                                                             message) -> None:
    names = sorted({k["AttributeName"] for k in schema} | {"pk"})
    with aws_error("ValidationException", message):
        ddb.create_table(
            TableName="multi-bad", BillingMode="PAY_PER_REQUEST",
            KeySchema=_schema(["pk"], []),
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in names],
            GlobalSecondaryIndexes=[{"IndexName": "gsi", "KeySchema": schema,
                                     "Projection": {"ProjectionType": "ALL"}}])


def test_tables_and_local_indexes_keep_one_attribute_of_each(ddb, aws_error) -> None:
    with aws_error("ValidationException",
                   "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"):
        ddb.create_table(TableName="multi-bad", BillingMode="PAY_PER_REQUEST",
                         KeySchema=_schema(["pk", "h"], []),
                         AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"}
                                               for n in ("pk", "h")])
    with aws_error("ValidationException", prefix="1 validation error detected: "):
        ddb.create_table(
            TableName="multi-bad", BillingMode="PAY_PER_REQUEST",
            KeySchema=_schema(["pk"], ["sk"]),
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"}
                                  for n in ("pk", "sk", "a", "b")],
            LocalSecondaryIndexes=[{"IndexName": "lsi", "KeySchema": _schema(["pk"], ["a", "b"]),
                                    "Projection": {"ProjectionType": "ALL"}}])


def test_update_table_adds_a_multi_attribute_index_over_the_items_there(ddb, make_table) -> None:
    name = make_table()
    for pk, extra in [("i1", {"t": S("x"), "n": {"N": "2"}}), ("i2", {"t": S("x")}),
                      ("i3", {"t": S("x"), "n": {"N": "1"}}), ("i4", {"t": {"N": "1"}, "n": {"N": "1"}})]:
        ddb.put_item(TableName=name, Item={"pk": S(pk), "u": S("u"), **extra})
    ddb.update_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t}
                              for n, t in (("t", "S"), ("u", "S"), ("n", "N"))],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "gsi", "KeySchema": _schema(["t", "u"], ["n"]),
            "Projection": {"ProjectionType": "KEYS_ONLY"}}}])
    answer = ddb.query(TableName=name, IndexName="gsi", KeyConditionExpression="t = :t AND u = :u",
                       ExpressionAttributeValues={":t": S("x"), ":u": S("u")})
    # i2 lacks n, and i4's t is a number: neither is in the index.
    assert answer["Items"] == [{"pk": S("i3"), "t": S("x"), "u": S("u"), "n": {"N": "1"}},
                               {"pk": S("i1"), "t": S("x"), "u": S("u"), "n": {"N": "2"}}]


# ---------------------------------------------------------------- PartiQL

REFUSED = ("PartiQL statements cannot be executed on tables with multi-attribute HASH keys or "
           "multi-attribute RANGE keys.")


@pytest.fixture
def mixed(ddb, make_table) -> str:
    """A single-attribute GSI beside one with two HASH attributes and a RANGE."""
    name = make_table(attributes={"g": "S", "h1": "S", "h2": "S", "r1": "S"},
                      GlobalSecondaryIndexes=[_gsi(["g"], [], "single"),
                                              _gsi(["h1", "h2"], ["r1"], "multi")])
    ddb.put_item(TableName=name, Item={"pk": S("i1"), "g": S("g1"), "h1": S("a"), "h2": S("x"),
                                       "r1": S("m")})
    return name


@pytest.mark.parametrize("statement", [
    "SELECT * FROM \"{t}\".\"multi\" WHERE h1 = 'a' AND h2 = 'x'",
    "SELECT pk FROM \"{t}\".\"multi\" WHERE h1 = 'a' AND h2 = 'x' ORDER BY r1 DESC",
    "SELECT * FROM \"{t}\".\"multi\" WHERE h1 = 5",
    "SELECT * FROM \"{t}\".\"multi\"",
])
def test_partiql_refuses_to_read_a_multi_attribute_index(ddb, mixed, aws_error,
                                                         statement) -> None:
    with aws_error("ValidationException", REFUSED):
        ddb.execute_statement(Statement=statement.format(t=mixed))


def test_partiql_reads_the_table_and_its_other_indexes(ddb, mixed) -> None:
    for statement in (f"SELECT * FROM \"{mixed}\" WHERE pk = 'i1'",
                      f"SELECT * FROM \"{mixed}\".\"single\" WHERE g = 'g1'"):
        assert len(ddb.execute_statement(Statement=statement)["Items"]) == 1


def test_in_a_batch_only_the_statement_reading_the_index_fails(ddb, mixed) -> None:
    answers = ddb.batch_execute_statement(Statements=[
        {"Statement": f"SELECT * FROM \"{mixed}\".\"multi\" WHERE h1 = 'a' AND h2 = 'x'"},
        {"Statement": f"SELECT * FROM \"{mixed}\" WHERE pk = 'i1'"}])["Responses"]
    assert answers[0]["Error"] == {"Code": "ValidationError", "Message": REFUSED}
    assert answers[1]["Item"]["pk"] == S("i1")
