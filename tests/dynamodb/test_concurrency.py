"""Many clients on a few hot items: conditional read-modify-write loses no update, and ADD
counters come out exact."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

THREADS = 8
INCREMENTS = 15
HOT_ITEMS = 3


def _increment(ddb, table: str, key: str) -> None:
    """Optimistic locking on a version attribute: read, write if unchanged, else retry."""
    for _ in range(10_000):
        item = ddb.get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True)["Item"]
        version = int(item["version"]["N"])
        try:
            ddb.put_item(TableName=table, Item={
                "pk": {"S": key}, "n": {"N": str(int(item["n"]["N"]) + 1)},
                "version": {"N": str(version + 1)}},
                ConditionExpression="version = :v",
                ExpressionAttributeValues={":v": {"N": str(version)}})
            return
        except ddb.exceptions.ConditionalCheckFailedException:
            continue
    raise AssertionError(f"{key}: no write got through in 10000 tries")


def test_conditional_read_modify_write_loses_no_update(ddb, table) -> None:
    keys = [f"hot{i}" for i in range(HOT_ITEMS)]
    for key in keys:
        ddb.put_item(TableName=table, Item={"pk": {"S": key}, "n": {"N": "0"},
                                            "version": {"N": "0"}})

    def work(worker: int) -> None:
        for i in range(INCREMENTS):
            _increment(ddb, table, keys[(worker + i) % HOT_ITEMS])

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(work, range(THREADS)))
    total = 0
    for key in keys:
        item = ddb.get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True)["Item"]
        assert item["n"] == item["version"]
        total += int(item["n"]["N"])
    assert total == THREADS * INCREMENTS


def test_add_counters_are_exact(ddb, table) -> None:
    def work(worker: int) -> None:
        for _ in range(50):
            ddb.update_item(TableName=table, Key={"pk": {"S": "counter"}},
                            UpdateExpression="ADD hits :one, halves :half",
                            ExpressionAttributeValues={":one": {"N": "1"},
                                                       ":half": {"N": "0.5"}})

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(work, range(THREADS)))
    item = ddb.get_item(TableName=table, Key={"pk": {"S": "counter"}}, ConsistentRead=True)["Item"]
    assert item["hits"] == {"N": str(THREADS * 50)}
    assert item["halves"] == {"N": str(THREADS * 25)}
