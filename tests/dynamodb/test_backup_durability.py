"""A backup acknowledged just before kill -9 is there after a restart, whole, and restores.

Fogbank only: it starts its own node on a private state directory.
"""
from __future__ import annotations

from pathlib import Path

import boto3
from botocore.config import Config

from fogbank.testing import RunningNode

TABLE = "durable-source"


def _client(node: RunningNode):
    return boto3.client("dynamodb", config=Config(retries={"max_attempts": 1},
                                                  read_timeout=30), **node.client_kwargs())


def test_a_backup_survives_kill_9_and_restart(no_tables_app: Path) -> None:
    node = RunningNode(no_tables_app, "--no-watch", log_path=no_tables_app / "first.log")
    node.wait_ready()
    try:
        client = _client(node)
        client.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        client.get_waiter("table_exists").wait(TableName=TABLE)
        for n in range(200):
            client.put_item(TableName=TABLE, Item={"pk": {"S": f"k{n}"}, "n": {"N": str(n)}})
        arn = client.create_backup(TableName=TABLE, BackupName="before-crash")[
            "BackupDetails"]["BackupArn"]
        # The table goes on changing after the backup; the backup must not.
        client.delete_item(TableName=TABLE, Key={"pk": {"S": "k0"}})
    finally:
        node.kill()

    again = RunningNode(no_tables_app, "--no-watch", log_path=no_tables_app / "second.log")
    try:
        again.wait_ready()
        client = _client(again)
        described = client.describe_backup(BackupArn=arn)["BackupDescription"]
        assert described["BackupDetails"]["BackupStatus"] == "AVAILABLE"
        assert described["SourceTableDetails"]["ItemCount"] == 200
        client.delete_table(TableName=TABLE)
        client.restore_table_from_backup(TargetTableName=TABLE, BackupArn=arn)
        keys = set()
        for page in client.get_paginator("scan").paginate(TableName=TABLE):
            keys |= {item["pk"]["S"] for item in page["Items"]}
        assert keys == {f"k{n}" for n in range(200)}
    finally:
        again.stop()
