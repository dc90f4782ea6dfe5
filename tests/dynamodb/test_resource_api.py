"""boto3's resource API: Table objects, Python types, conditions, batch_writer."""
from __future__ import annotations

from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key
from boto3.dynamodb.types import Binary


@pytest.fixture
def orders(dynamodb, make_table):
    name = make_table(("customer", "S"), ("order", "N"))
    return dynamodb.Table(name)


def test_python_types_round_trip(orders) -> None:
    item = {"customer": "ada", "order": 1, "total": Decimal("19.99"), "paid": True,
            "note": None, "tags": {"gift", "rush"}, "qty": {1, 2}, "raw": Binary(b"\x00\x01"),
            "lines": [{"sku": "a", "n": 2}], "meta": {"source": "web"}}
    orders.put_item(Item=item)
    got = orders.get_item(Key={"customer": "ada", "order": 1})["Item"]
    assert got == {**item, "order": Decimal(1), "qty": {Decimal(1), Decimal(2)},
                   "lines": [{"sku": "a", "n": Decimal(2)}]}


def test_table_load(orders) -> None:
    orders.load()
    assert orders.table_status == "ACTIVE"
    assert [k["AttributeName"] for k in orders.key_schema] == ["customer", "order"]


def test_query_with_key_conditions(orders) -> None:
    with orders.batch_writer() as batch:
        for n in range(1, 11):
            batch.put_item(Item={"customer": "ada", "order": n, "status": "open"})
        batch.put_item(Item={"customer": "bob", "order": 1})
    resp = orders.query(KeyConditionExpression=Key("customer").eq("ada")
                        & Key("order").between(3, 5))
    assert [it["order"] for it in resp["Items"]] == [3, 4, 5]
    resp = orders.query(KeyConditionExpression=Key("customer").eq("ada") & Key("order").gt(8),
                        ScanIndexForward=False)
    assert [it["order"] for it in resp["Items"]] == [10, 9]


@pytest.mark.parametrize("condition, expected", [
    (Attr("n").gt(5), [6, 7, 8, 9]),
    (Attr("n").lte(1), [0, 1]),
    (Attr("n").ne(0) & Attr("n").lt(3), [1, 2]),
    (Attr("n").is_in([2, 4]), [2, 4]),
    (Attr("n").between(4, 5), [4, 5]),
    (Attr("label").begins_with("even"), [0, 2, 4, 6, 8]),
    (Attr("label").contains("-3"), [3]),
    (Attr("big").exists(), [9]),
    (Attr("big").not_exists() & Attr("n").gte(8), [8]),
    (Attr("big").attribute_type("BOOL"), [9]),
    (Attr("label").size().eq(6), [0, 2, 4, 6, 8]),
    (Attr("n").eq(0) | Attr("n").eq(9), [0, 9]),
    (~Attr("n").lt(8), [8, 9]),
])
def test_scan_with_attr_conditions(dynamodb, make_table, condition, expected) -> None:
    table = dynamodb.Table(make_table(("id", "S")))
    with table.batch_writer() as batch:
        for n in range(10):
            item = {"id": f"i{n}", "n": n, "label": f"{'even' if n % 2 == 0 else 'odd'}-{n}"}
            if n == 9:
                item["big"] = True
            batch.put_item(Item=item)
    items = table.scan(FilterExpression=condition)["Items"]
    assert sorted(int(it["n"]) for it in items) == expected


def test_batch_writer_handles_many_items_and_overwrites(orders) -> None:
    with orders.batch_writer(overwrite_by_pkeys=["customer", "order"]) as batch:
        for n in range(60):
            batch.put_item(Item={"customer": "many", "order": n, "v": "first"})
        batch.put_item(Item={"customer": "many", "order": 0, "v": "second"})
        batch.delete_item(Key={"customer": "many", "order": 59})
    items = orders.query(KeyConditionExpression=Key("customer").eq("many"))["Items"]
    assert len(items) == 59
    assert items[0]["v"] == "second"


def test_update_and_conditional_failure(orders) -> None:
    orders.put_item(Item={"customer": "c", "order": 1, "stock": 1})
    resp = orders.update_item(Key={"customer": "c", "order": 1},
                              UpdateExpression="SET stock = stock - :one",
                              ConditionExpression=Attr("stock").gt(0),
                              ExpressionAttributeValues={":one": 1}, ReturnValues="UPDATED_NEW")
    assert resp["Attributes"] == {"stock": 0}
    client = orders.meta.client
    with pytest.raises(client.exceptions.ConditionalCheckFailedException):
        orders.update_item(Key={"customer": "c", "order": 1},
                           UpdateExpression="SET stock = stock - :one",
                           ConditionExpression=Attr("stock").gt(0),
                           ExpressionAttributeValues={":one": 1})


def test_delete_with_condition(orders) -> None:
    orders.put_item(Item={"customer": "d", "order": 1, "state": "done"})
    orders.delete_item(Key={"customer": "d", "order": 1},
                       ConditionExpression=Attr("state").eq("done"))
    assert "Item" not in orders.get_item(Key={"customer": "d", "order": 1})


def test_resource_batch_get(dynamodb, orders) -> None:
    orders.put_item(Item={"customer": "e", "order": 1})
    resp = dynamodb.batch_get_item(RequestItems={orders.name: {"Keys": [
        {"customer": "e", "order": 1}, {"customer": "e", "order": 2}]}})
    assert resp["Responses"][orders.name] == [{"customer": "e", "order": 1}]


def test_scan_paginates_through_the_resource(orders) -> None:
    with orders.batch_writer() as batch:
        for n in range(25):
            batch.put_item(Item={"customer": "p", "order": n})
    items, start = [], {}
    while True:
        resp = orders.scan(Limit=10, **start)
        items += resp["Items"]
        if "LastEvaluatedKey" not in resp:
            break
        start = {"ExclusiveStartKey": resp["LastEvaluatedKey"]}
    assert len(items) == 25
