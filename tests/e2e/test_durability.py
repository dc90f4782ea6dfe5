"""An acknowledged asynchronous invocation survives kill -9 of the node."""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any, Callable

import boto3
from botocore.config import Config

from fogbank.testing import RunningNode

APP = Path(__file__).parent / "apps" / "durable"


def clients(node: RunningNode):
    config = Config(retries={"max_attempts": 1})
    return (boto3.client("lambda", config=config, **node.client_kwargs()),
            boto3.client("s3", config=config, **node.client_kwargs()))


def recorded(s3) -> set[str]:
    return {o["Key"] for o in s3.list_objects_v2(Bucket="durable-results").get("Contents", [])}


def restarted_after_crash(tmp_path: Path, send: Callable[[Any], None]) -> RunningNode:
    """A node of the durable app that was killed (-9) right after `send(lambda_client)`
    queued its Event invocations, then started again on the same state."""
    app_dir = tmp_path / "durable"
    shutil.copytree(APP, app_dir)
    node = RunningNode(app_dir, "--no-watch")
    node.wait_ready()
    lam, _ = clients(node)
    send(lam)
    node.kill()
    again = RunningNode(app_dir, "--no-watch", log_path=tmp_path / "second.log")
    try:
        again.wait_ready()
    except BaseException:
        again.stop()
        raise
    return again


def wait_recorded(s3: Any, keys: set[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and recorded(s3) != keys:
        time.sleep(0.5)


def test_event_invocations_accepted_before_a_crash_run_after_restart(tmp_path: Path) -> None:
    keys = {f"event-{i}" for i in range(5)}

    def send(lam: Any) -> None:
        for key in keys:
            # Each handler sleeps long enough that the crash comes before it finishes.
            resp = lam.invoke(FunctionName="recorder", InvocationType="Event",
                              Payload=json.dumps({"key": key, "sleep": 3}))
            assert resp["StatusCode"] == 202

    again = restarted_after_crash(tmp_path, send)
    try:
        _, s3 = clients(again)
        wait_recorded(s3, keys)
        assert recorded(s3) == keys, again.output()
    finally:
        again.stop()


def test_queued_event_keeps_its_qualifier_across_a_crash(tmp_path: Path) -> None:
    arn = "arn:aws:lambda:us-east-1:000000000000:function:recorder"
    calls = {"qualified": {"Qualifier": "$LATEST"},
             "partial": {"FunctionName": "recorder:$LATEST"}, "plain": {}}

    def send(lam: Any) -> None:
        for key, named in calls.items():
            lam.invoke(**{"FunctionName": "recorder", **named}, InvocationType="Event",
                       Payload=json.dumps({"key": key, "sleep": 3}))

    again = restarted_after_crash(tmp_path, send)
    try:
        _, s3 = clients(again)
        wait_recorded(s3, set(calls))
        assert recorded(s3) == set(calls), again.output()
        seen = {key: s3.get_object(Bucket="durable-results", Key=key)["Body"].read().decode()
                for key in calls}
        assert seen == {"qualified": f"{arn}:$LATEST", "partial": f"{arn}:$LATEST",
                        "plain": arn}
    finally:
        again.stop()
