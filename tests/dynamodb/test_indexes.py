"""Global and local secondary indexes: projections, sparse indexes, upkeep, and errors."""
from __future__ import annotations

import pytest


def _gsi(name: str, hash_key: str, range_key: str | None, projection: dict) -> dict:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return {"IndexName": name, "KeySchema": schema, "Projection": projection}


@pytest.fixture
def indexed(make_table) -> str:
    return make_table(
        ("pk", "S"), ("sk", "S"), attributes={"g": "S", "gs": "N", "lsk": "N"},
        GlobalSecondaryIndexes=[
            _gsi("all", "g", "gs", {"ProjectionType": "ALL"}),
            _gsi("keys", "g", None, {"ProjectionType": "KEYS_ONLY"}),
            _gsi("incl", "g", "gs", {"ProjectionType": "INCLUDE",
                                     "NonKeyAttributes": ["extra"]})],
        LocalSecondaryIndexes=[{
            "IndexName": "local", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                {"AttributeName": "lsk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"}}])


def _put(ddb, table: str, sk: str, **attrs) -> None:
    item = {"pk": {"S": "p"}, "sk": {"S": sk}}
    for name, value in attrs.items():
        item[name] = {"N": str(value)} if isinstance(value, int) else {"S": value}
    ddb.put_item(TableName=table, Item=item)


def _query(ddb, table: str, index: str, **params) -> list[dict]:
    return ddb.query(TableName=table, IndexName=index, KeyConditionExpression="g = :g",
                     ExpressionAttributeValues={":g": {"S": "G"}}, **params)["Items"]


def test_describe_lists_the_indexes(ddb, indexed) -> None:
    table = ddb.describe_table(TableName=indexed)["Table"]
    gsis = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    assert set(gsis) == {"all", "keys", "incl"}
    assert gsis["incl"]["Projection"] == {"ProjectionType": "INCLUDE",
                                         "NonKeyAttributes": ["extra"]}
    assert gsis["all"]["IndexStatus"] == "ACTIVE"
    assert gsis["all"]["IndexArn"] == table["TableArn"] + "/index/all"
    (lsi,) = table["LocalSecondaryIndexes"]
    assert lsi["IndexName"] == "local"


def test_projections(ddb, indexed) -> None:
    _put(ddb, indexed, "1", g="G", gs=2, extra="e", other="o")
    everything = {"pk": {"S": "p"}, "sk": {"S": "1"}, "g": {"S": "G"}, "gs": {"N": "2"},
                  "extra": {"S": "e"}, "other": {"S": "o"}}
    assert _query(ddb, indexed, "all") == [everything]
    assert _query(ddb, indexed, "keys") == [
        {"pk": {"S": "p"}, "sk": {"S": "1"}, "g": {"S": "G"}}]
    assert _query(ddb, indexed, "incl") == [
        {"pk": {"S": "p"}, "sk": {"S": "1"}, "g": {"S": "G"}, "gs": {"N": "2"},
         "extra": {"S": "e"}}]


def test_index_order_and_sparseness(ddb, indexed) -> None:
    _put(ddb, indexed, "a", g="G", gs=3)
    _put(ddb, indexed, "b", g="G", gs=1)
    _put(ddb, indexed, "c", g="G", gs=2)
    _put(ddb, indexed, "d", gs=0)                  # no g: not in the index
    _put(ddb, indexed, "e", g="other", gs=0)
    assert [it["sk"]["S"] for it in _query(ddb, indexed, "all")] == ["b", "c", "a"]
    assert [it["sk"]["S"] for it in _query(ddb, indexed, "all", ScanIndexForward=False)] == [
        "a", "c", "b"]
    scanned = ddb.scan(TableName=indexed, IndexName="all")["Items"]
    assert sorted(it["sk"]["S"] for it in scanned) == ["a", "b", "c", "e"]


def test_index_follows_updates_and_deletes(ddb, indexed) -> None:
    _put(ddb, indexed, "x", g="G", gs=1)
    ddb.update_item(TableName=indexed, Key={"pk": {"S": "p"}, "sk": {"S": "x"}},
                    UpdateExpression="SET g = :o", ExpressionAttributeValues={":o": {"S": "O"}})
    assert _query(ddb, indexed, "all") == []
    ddb.update_item(TableName=indexed, Key={"pk": {"S": "p"}, "sk": {"S": "x"}},
                    UpdateExpression="SET g = :g", ExpressionAttributeValues={":g": {"S": "G"}})
    assert len(_query(ddb, indexed, "all")) == 1
    ddb.delete_item(TableName=indexed, Key={"pk": {"S": "p"}, "sk": {"S": "x"}})
    assert _query(ddb, indexed, "all") == []


def test_index_paging(ddb, indexed) -> None:
    for i in range(7):
        _put(ddb, indexed, f"s{i}", g="G", gs=1)       # equal index keys: order by table key
    seen: list[str] = []
    start: dict = {}
    while True:
        resp = ddb.query(TableName=indexed, IndexName="all", KeyConditionExpression="g = :g",
                         ExpressionAttributeValues={":g": {"S": "G"}}, Limit=3, **start)
        seen += [it["sk"]["S"] for it in resp["Items"]]
        if "LastEvaluatedKey" not in resp:
            break
        assert set(resp["LastEvaluatedKey"]) == {"pk", "sk", "g", "gs"}
        start = {"ExclusiveStartKey": resp["LastEvaluatedKey"]}
    assert sorted(seen) == [f"s{i}" for i in range(7)]
    assert len(seen) == 7


def test_local_index_query(ddb, indexed) -> None:
    _put(ddb, indexed, "a", lsk=30)
    _put(ddb, indexed, "b", lsk=10)
    _put(ddb, indexed, "c")
    resp = ddb.query(TableName=indexed, IndexName="local",
                     KeyConditionExpression="pk = :p AND lsk > :z",
                     ExpressionAttributeValues={":p": {"S": "p"}, ":z": {"N": "0"}})
    assert [it["sk"]["S"] for it in resp["Items"]] == ["b", "a"]


def test_consistent_read_on_a_global_index(ddb, indexed, aws_error) -> None:
    with aws_error("ValidationException", "Consistent reads are not supported on global "
                   "secondary indexes"):
        _query(ddb, indexed, "all", ConsistentRead=True)


def test_index_key_of_the_wrong_type(ddb, indexed, aws_error) -> None:
    with aws_error("ValidationException", prefix="One or more parameter values were invalid: "
                   "Type mismatch for Index Key g Expected: S Actual: N IndexName: "):
        ddb.put_item(TableName=indexed, Item={"pk": {"S": "p"}, "sk": {"S": "1"},
                                              "g": {"N": "1"}})


def test_update_table_adds_and_removes_a_global_index(ddb, make_table) -> None:
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "1"}, "colour": {"S": "red"}})
    ddb.update_table(TableName=name,
                     AttributeDefinitions=[{"AttributeName": "colour", "AttributeType": "S"}],
                     GlobalSecondaryIndexUpdates=[{"Create": _gsi(
                         "by-colour", "colour", None, {"ProjectionType": "ALL"})}])
    ddb.get_waiter("table_exists").wait(TableName=name)
    for _ in range(120):
        (index,) = ddb.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"]
        if index["IndexStatus"] == "ACTIVE":
            break
        ddb.get_waiter("table_exists").wait(TableName=name)
    assert index["IndexStatus"] == "ACTIVE"
    resp = ddb.query(TableName=name, IndexName="by-colour",
                     KeyConditionExpression="colour = :c",
                     ExpressionAttributeValues={":c": {"S": "red"}})
    assert resp["Items"] == [{"pk": {"S": "1"}, "colour": {"S": "red"}}]   # backfilled
    ddb.update_table(TableName=name,
                     GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-colour"}}])
    for _ in range(120):
        if not ddb.describe_table(TableName=name)["Table"].get("GlobalSecondaryIndexes"):
            break
        ddb.get_waiter("table_exists").wait(TableName=name)
    assert not ddb.describe_table(TableName=name)["Table"].get("GlobalSecondaryIndexes")
