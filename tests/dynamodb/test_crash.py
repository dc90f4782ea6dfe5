"""kill -9 during a stream of acknowledged writes: after a restart every one of them is there.

Fogbank only: it starts its own node on a private state directory.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from fogbank.testing import RunningNode

TABLE = "crash-writes"


def _client(node: RunningNode):
    return boto3.client("dynamodb", config=Config(retries={"max_attempts": 1},
                                                  connect_timeout=5, read_timeout=30),
                        **node.client_kwargs())


def _sqlite_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()
            and p.open("rb").read(16) == b"SQLite format 3\x00"]


def _write_until_killed(client, worker: int, acked: list[str], stop: threading.Event) -> None:
    i = 0
    while not stop.is_set():
        key = f"w{worker}-{i}"
        try:
            client.put_item(TableName=TABLE, Item={"pk": {"S": key}, "v": {"N": str(i)}})
        except (BotoCoreError, ClientError):
            return                      # the node is gone: this write was never acknowledged
        acked.append(key)
        i += 1


def test_acknowledged_writes_survive_kill_9(no_tables_app: Path) -> None:
    node = RunningNode(no_tables_app, "--no-watch", log_path=no_tables_app / "first.log")
    node.wait_ready()
    client = _client(node)
    client.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    client.get_waiter("table_exists").wait(TableName=TABLE)
    acked: list[str] = []
    stop = threading.Event()
    writers = [threading.Thread(target=_write_until_killed, args=(client, w, acked, stop))
               for w in range(4)]
    for t in writers:
        t.start()
    deadline = time.monotonic() + 120
    while len(acked) < 400 and time.monotonic() < deadline:
        time.sleep(0.05)
    node.kill()                         # mid-stream: writers are still sending
    stop.set()
    for t in writers:
        t.join(60)
    assert len(acked) >= 400, node.output()

    again = RunningNode(no_tables_app, "--no-watch", log_path=no_tables_app / "second.log")
    try:
        again.wait_ready()
        client = _client(again)
        stored: set[str] = set()
        for page in client.get_paginator("scan").paginate(TableName=TABLE):
            stored |= {item["pk"]["S"] for item in page["Items"]}
        missing = set(acked) - stored
        assert not missing, f"{len(missing)} acknowledged writes lost, e.g. {sorted(missing)[:5]}"
    finally:
        again.stop()
    databases = _sqlite_files(no_tables_app)
    assert databases, "no SQLite database under the app's state"
    for db in databases:
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",), db
