"""Durability: a writer killed with SIGKILL loses no acknowledged write and leaves a sound
database; concurrent conditional read-modify-writes and ADD counters lose no update."""
from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from fogbank.tables.engine import TablesEngine
from fogbank.tables.errors import ConditionalCheckFailedException

from .conftest import Client, make_table

WRITER = textwrap.dedent("""
    import asyncio, sys
    from fogbank.tables.engine import TablesEngine
    engine = TablesEngine.open(sys.argv[1])
    async def main():
        await engine.create_table({"TableName": "ddd", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
        i = 0
        while True:
            batch = [engine.put_item({"TableName": "ddd", "Item": {"pk": {"S": str(i + j)},
                                      "v": {"S": "x" * 100}}}) for j in range(8)]
            await asyncio.gather(*batch)
            i += 8
            print(i, flush=True)
    asyncio.run(main())
""")


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], env=env,
                            stdout=subprocess.PIPE, text=True)
    acknowledged = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        acknowledged = int(line)
        if acknowledged >= 400:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(60)
    assert acknowledged >= 400
    with sqlite3.connect(tmp_path / "tables.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    client = Client(TablesEngine.open(tmp_path))
    try:
        for i in range(acknowledged):
            assert "Item" in client.get_item(TableName="ddd", Key={"pk": {"S": str(i)}}), i
    finally:
        client.engine.close()
        client.close()


def _worker(engine: TablesEngine, rounds: int, errors: list) -> None:
    loop = asyncio.new_event_loop()
    try:
        for _ in range(rounds):
            loop.run_until_complete(engine.update_item({
                "TableName": "ccc", "Key": {"pk": {"S": "counter"}},
                "UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}))
            while True:     # optimistic read-modify-write on a version attribute
                item = loop.run_until_complete(engine.get_item(
                    {"TableName": "ccc", "Key": {"pk": {"S": "versioned"}}, "ConsistentRead": True}))["Item"]
                version = int(item["version"]["N"])
                try:
                    loop.run_until_complete(engine.put_item({
                        "TableName": "ccc", "Item": {"pk": {"S": "versioned"}, "version": {"N": str(version + 1)}},
                        "ConditionExpression": "version = :v",
                        "ExpressionAttributeValues": {":v": {"N": str(version)}}}))
                    break
                except ConditionalCheckFailedException:
                    continue
    except Exception as exc:        # reported to the test thread
        errors.append(exc)
    finally:
        loop.close()


def test_concurrent_updates_lose_nothing(db) -> None:
    make_table(db, "ccc")
    db.put_item(TableName="ccc", Item={"pk": {"S": "versioned"}, "version": {"N": "0"}})
    errors: list = []
    threads = [threading.Thread(target=_worker, args=(db.engine, 25, errors)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    get = lambda pk: db.get_item(TableName="ccc", Key={"pk": {"S": pk}})["Item"]
    assert get("counter")["n"] == {"N": "200"}
    assert get("versioned")["version"] == {"N": "200"}
