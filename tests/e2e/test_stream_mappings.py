"""A function triggered by a table's stream (SAM's DynamoDB event) under `fogbank up`: the
records it gets, a filtered second mapping, the mapping's UUID as `Ref` gives it, and reading
that goes on where it stopped after the node is killed (-9) and started again."""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from fogbank.testing import RunningNode

APP = Path(__file__).parent / "apps" / "stream_consumer"


def seen(dynamodb: Any) -> dict[str, dict[str, Any]]:
    """Each record the functions were given, with how many times: "deliveries"."""
    items = dynamodb.scan(TableName="seen")["Items"]
    return {item["id"]["S"]: {**json.loads(item["record"]["S"]),
                              "deliveries": int(item["deliveries"]["N"])} for item in items}


def wait_seen(dynamodb: Any, count: int, timeout: float = 30.0) -> dict[str, dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = seen(dynamodb)
        if len(got) >= count:
            return got
        time.sleep(0.2)
    raise AssertionError(f"expected {count} records, got {sorted(seen(dynamodb))}")


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    target = tmp_path / "stream_consumer"
    shutil.copytree(APP, target)
    return target


def test_changes_reach_the_functions_and_survive_a_crash(app_dir: Path, tmp_path: Path):
    node = RunningNode(app_dir, "--no-watch")
    try:
        info = node.wait_ready()
        dynamodb = boto3.client("dynamodb", **node.client_kwargs())
        lam = boto3.client("lambda", **node.client_kwargs())
        key = {"id": {"S": "o-1"}}
        dynamodb.put_item(TableName="orders", Item={**key, "total": {"N": "10"}})
        dynamodb.update_item(TableName="orders", Key=key, UpdateExpression="SET #t = :t",
                             ExpressionAttributeNames={"#t": "total"},
                             ExpressionAttributeValues={":t": {"N": "12"}})
        dynamodb.delete_item(TableName="orders", Key=key)
        got = wait_seen(dynamodb, 4)          # three changes, and the removal once more
        everything = sorted((k, r) for k, r in got.items() if k.startswith("all:"))
        assert [r["eventName"] for _, r in everything] == ["INSERT", "MODIFY", "REMOVE"]
        insert = everything[0][1]
        stream_arn = dynamodb.describe_table(TableName="orders")["Table"]["LatestStreamArn"]
        assert insert["eventSourceARN"] == stream_arn
        assert insert["eventSource"] == "aws:dynamodb" and insert["awsRegion"] == "us-east-1"
        assert insert["dynamodb"]["NewImage"] == {"id": {"S": "o-1"}, "total": {"N": "10"}}
        assert insert["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert everything[1][1]["dynamodb"]["OldImage"]["total"] == {"N": "10"}
        removed = [r for k, r in got.items() if k.startswith("removed:")]
        assert [r["eventName"] for r in removed] == ["REMOVE"]

        # The template's Ref of the mapping is its UUID, which the Lambda API knows.
        uuid = info["outputs"]["RecorderMapping"]
        described = lam.get_event_source_mapping(UUID=uuid)
        assert described["EventSourceArn"] == stream_arn
        assert described["FunctionArn"].endswith(":function:" + info["functions"]["Recorder"])
        assert described["State"] == "Enabled" and described["LastProcessingResult"] == "OK"
        listed = lam.list_event_source_mappings(EventSourceArn=stream_arn)["EventSourceMappings"]
        assert len(listed) == 2 and uuid in {m["UUID"] for m in listed}

        node.kill()
        node = RunningNode(app_dir, "--no-watch", log_path=tmp_path / "second.log")
        node.wait_ready()
        dynamodb = boto3.client("dynamodb", **node.client_kwargs())
        dynamodb.put_item(TableName="orders", Item={"id": {"S": "o-2"}})
        got = wait_seen(dynamodb, 5)
        time.sleep(1.0)                       # a redelivery would show by now
        got = seen(dynamodb)
        names = sorted(r["eventName"] + ":" + r["dynamodb"]["Keys"]["id"]["S"]
                       for k, r in got.items() if k.startswith("all:"))
        assert names == ["INSERT:o-1", "INSERT:o-2", "MODIFY:o-1", "REMOVE:o-1"]
        # Delivered once each: the restarted node went on from where it had stopped.
        assert {k: r["deliveries"] for k, r in got.items()} == {k: 1 for k in got}
    finally:
        node.stop()
