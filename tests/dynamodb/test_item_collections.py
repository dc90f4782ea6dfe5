"""ReturnItemCollectionMetrics: the size of an item collection (the items sharing a partition
key value, with their local secondary index entries), reported for tables with an LSI."""
from __future__ import annotations

import pytest

SMALL = [0.0, 1.0]      # DynamoDB's estimate for a collection under 1 GB


@pytest.fixture
def lsi_table(make_table) -> str:
    return make_table(("pk", "S"), ("sk", "S"), attributes={"lsk": "S"}, LocalSecondaryIndexes=[{
        "IndexName": "by-lsk", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                             {"AttributeName": "lsk", "KeyType": "RANGE"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"}}])


def _item(pk: str, sk: str, **extra: str) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": sk}, **{k: {"S": v} for k, v in extra.items()}}


def _metrics(pk: str) -> dict:
    return {"ItemCollectionKey": {"pk": {"S": pk}}, "SizeEstimateRangeGB": SMALL}


def test_single_item_writes_report_the_collection(ddb, lsi_table) -> None:
    put = ddb.put_item(TableName=lsi_table, Item=_item("a", "1", lsk="x"),
                       ReturnItemCollectionMetrics="SIZE")
    assert put["ItemCollectionMetrics"] == _metrics("a")
    update = ddb.update_item(TableName=lsi_table, Key=_item("a", "2"),
                             UpdateExpression="SET v = :v",
                             ExpressionAttributeValues={":v": {"S": "new"}},
                             ReturnItemCollectionMetrics="SIZE")
    assert update["ItemCollectionMetrics"] == _metrics("a")
    delete = ddb.delete_item(TableName=lsi_table, Key=_item("a", "2"),
                             ReturnItemCollectionMetrics="SIZE")
    assert delete["ItemCollectionMetrics"] == _metrics("a")


def test_none_or_absent_reports_nothing(ddb, lsi_table) -> None:
    assert "ItemCollectionMetrics" not in ddb.put_item(
        TableName=lsi_table, Item=_item("a", "1"), ReturnItemCollectionMetrics="NONE")
    assert "ItemCollectionMetrics" not in ddb.put_item(TableName=lsi_table, Item=_item("a", "1"))


def test_table_without_lsi_reports_nothing(ddb, make_table) -> None:
    plain = make_table(("pk", "S"), ("sk", "S"))
    assert "ItemCollectionMetrics" not in ddb.put_item(
        TableName=plain, Item=_item("a", "1"), ReturnItemCollectionMetrics="SIZE")
    batch = ddb.batch_write_item(RequestItems={plain: [{"PutRequest": {"Item": _item("b", "1")}}]},
                                 ReturnItemCollectionMetrics="SIZE")
    assert "ItemCollectionMetrics" not in batch


def test_batch_write_reports_each_collection_per_table(ddb, lsi_table, make_table) -> None:
    plain = make_table(("pk", "S"))
    ddb.put_item(TableName=lsi_table, Item=_item("a", "9"))
    result = ddb.batch_write_item(RequestItems={
        lsi_table: [{"PutRequest": {"Item": _item("a", "1")}},
                    {"PutRequest": {"Item": _item("b", "1")}},
                    {"DeleteRequest": {"Key": _item("a", "9")}}],
        plain: [{"PutRequest": {"Item": {"pk": {"S": "z"}}}}]},
        ReturnItemCollectionMetrics="SIZE")
    assert result["ItemCollectionMetrics"] == {lsi_table: [_metrics("a"), _metrics("b")]}


def test_transaction_reports_written_collections(ddb, lsi_table, make_table) -> None:
    plain = make_table(("pk", "S"))
    ddb.put_item(TableName=lsi_table, Item=_item("c", "1"))
    result = ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": lsi_table, "Item": _item("t", "1")}},
        {"ConditionCheck": {"TableName": lsi_table, "Key": _item("c", "1"),
                            "ConditionExpression": "attribute_exists(pk)"}},
        {"Put": {"TableName": plain, "Item": {"pk": {"S": "t"}}}}],
        ReturnItemCollectionMetrics="SIZE")
    assert result["ItemCollectionMetrics"] == {lsi_table: [_metrics("t")]}


@pytest.mark.parametrize("operation, params", [
    ("put_item", {"Item": _item("a", "1")}),
    ("delete_item", {"Key": _item("a", "1")}),
])
def test_unknown_value_is_refused(raw_ddb, aws_error, lsi_table, operation, params) -> None:
    with aws_error("ValidationException",
                   "1 validation error detected: Value 'DOG' at 'returnItemCollectionMetrics' "
                   "failed to satisfy constraint: Member must satisfy enum value set: "
                   "[SIZE, NONE]"):
        getattr(raw_ddb, operation)(TableName=lsi_table, ReturnItemCollectionMetrics="DOG",
                                    **params)
