"""Multi-attribute index keys in the engine: the entry layout of a single-attribute index is
the one stored before (its records still read), and a multi-attribute index survives a
reopen of the database."""
from __future__ import annotations

from pathlib import Path

from fogbank.tables import keys
from fogbank.tables.engine import TablesEngine
from fogbank.tables.indexes import entry_key, index_space

from .conftest import Client

S = lambda text: {"S": text}  # noqa: E731


def _create(client: Client) -> None:
    names = ("pk", "g", "h1", "h2", "r1", "r2")
    client.create_table(
        TableName="multi", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in names],
        GlobalSecondaryIndexes=[
            {"IndexName": "single", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                           {"AttributeName": "r1", "KeyType": "RANGE"}]},
            {"IndexName": "multi", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": "h1", "KeyType": "HASH"},
                           {"AttributeName": "h2", "KeyType": "HASH"},
                           {"AttributeName": "r1", "KeyType": "RANGE"},
                           {"AttributeName": "r2", "KeyType": "RANGE"}]}])


def test_a_single_attribute_index_keeps_its_entry_layout(db: Client) -> None:
    _create(db)
    table = db.engine.parts.catalog.get("multi")
    item = {"pk": S("p"), "g": S("G"), "r1": S("m")}
    index = table.indexes["single"]
    encoded = keys.encode_value(S("G"))
    before = (index_space(table, index) + keys.partition_hash(encoded) + encoded
              + keys.encode_value(S("m")) + keys.encode_value(S("p")))
    assert entry_key(table, index, item) == before
    assert entry_key(table, table.indexes["multi"], item) is None


def test_a_multi_attribute_index_reads_back_after_a_reopen(tmp_path: Path) -> None:
    client = Client(TablesEngine.open(tmp_path))
    try:
        _create(client)
        for pk, r2 in (("a", "2"), ("b", "1")):
            client.put_item(TableName="multi", Item={"pk": S(pk), "g": S("G"), "h1": S("x"),
                                                     "h2": S("y"), "r1": S("m"), "r2": S(r2)})
    finally:
        client.engine.close()
        client.close()
    client = Client(TablesEngine.open(tmp_path))
    try:
        answer = client.query(TableName="multi", IndexName="multi",
                              KeyConditionExpression="h1 = :x AND h2 = :y AND r1 = :m",
                              ExpressionAttributeValues={":x": S("x"), ":y": S("y"), ":m": S("m")})
        assert [item["pk"] for item in answer["Items"]] == [S("b"), S("a")]
        single = client.query(TableName="multi", IndexName="single",
                              KeyConditionExpression="g = :g",
                              ExpressionAttributeValues={":g": S("G")})
        assert single["Count"] == 2
    finally:
        client.engine.close()
        client.close()
