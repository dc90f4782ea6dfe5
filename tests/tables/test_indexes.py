"""Secondary indexes: sparse, projected, kept in step with every write."""
from __future__ import annotations

import pytest

from fogbank.tables.errors import ValidationException

from .conftest import make_table


@pytest.fixture
def table(db):
    make_table(db, "tbl", range_key="sk", extra_attrs=[
        {"AttributeName": "g", "AttributeType": "S"}, {"AttributeName": "l", "AttributeType": "N"}],
        GlobalSecondaryIndexes=[{"IndexName": "byg", "KeySchema": [
            {"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        LocalSecondaryIndexes=[{"IndexName": "byl", "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "l", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]}}])
    return db


def by_g(db, g):
    return db.query(TableName="tbl", IndexName="byg", KeyConditionExpression="g = :g",
                    ExpressionAttributeValues={":g": {"S": g}})["Items"]


def test_gsi_is_sparse_projected_and_follows_updates(table):
    table.put_item(TableName="tbl", Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "x"}, "other": {"S": "o"}})
    table.put_item(TableName="tbl", Item={"pk": {"S": "b"}, "sk": {"S": "1"}})
    assert by_g(table, "x") == [{"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "x"}}]
    table.update_item(TableName="tbl", Key={"pk": {"S": "a"}, "sk": {"S": "1"}},
                      UpdateExpression="SET g = :y", ExpressionAttributeValues={":y": {"S": "y"}})
    assert by_g(table, "x") == [] and len(by_g(table, "y")) == 1
    table.delete_item(TableName="tbl", Key={"pk": {"S": "a"}, "sk": {"S": "1"}})
    assert by_g(table, "y") == []


def test_lsi_orders_by_its_sort_key_and_projects_included_attributes(table):
    for sk, l in (("1", "30"), ("2", "10"), ("3", "20")):
        table.put_item(TableName="tbl", Item={"pk": {"S": "p"}, "sk": {"S": sk}, "l": {"N": l},
                                            "x": {"S": sk}, "y": {"S": "hidden"}})
    items = table.query(TableName="tbl", IndexName="byl", KeyConditionExpression="pk = :p",
                        ExpressionAttributeValues={":p": {"S": "p"}})["Items"]
    assert [i["l"]["N"] for i in items] == ["10", "20", "30"]
    assert all("x" in i and "y" not in i for i in items)


def test_wrong_type_for_an_index_key_is_refused(table):
    with pytest.raises(ValidationException, match="Type mismatch for Index Key g Expected: S "
                                                  "Actual: N IndexName: byg"):
        table.put_item(TableName="tbl", Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"N": "1"}})


def test_consistent_read_on_gsi_is_refused(table):
    with pytest.raises(ValidationException, match="Consistent reads are not supported on global "
                                                  "secondary indexes"):
        table.query(TableName="tbl", IndexName="byg", KeyConditionExpression="g = :g",
                    ExpressionAttributeValues={":g": {"S": "x"}}, ConsistentRead=True)
