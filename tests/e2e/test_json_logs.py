"""A SAM function with LoggingConfig JSON under `fogbank up`: its configuration through
boto3, its log through Invoke's LogType Tail, `fogbank logs` and `fogbank up`'s stream."""
from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any, Iterator

import boto3
import pytest
from botocore.config import Config

from fogbank.testing import RunningNode, serving

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: orders
      CodeUri: src
      Handler: app.handler
      Runtime: python3.11
      LoggingConfig:
        LogFormat: JSON
        ApplicationLogLevel: WARN
        LogGroup: /shop/orders
"""
HANDLER = """\
import logging
log = logging.getLogger("orders")
def handler(event, context):
    print("a printed line")
    log.info("an info record")
    log.warning("order %s is late", event["order"], extra={"order": event["order"]})
    return context.log_group_name
"""


@pytest.fixture(scope="module")
def node(tmp_path_factory) -> Iterator[RunningNode]:
    app_dir: Path = tmp_path_factory.mktemp("json-logs")
    (app_dir / "src").mkdir()
    (app_dir / "src" / "app.py").write_text(HANDLER)
    (app_dir / "template.yaml").write_text(TEMPLATE)
    with serving(app_dir, "--no-watch") as running:
        yield running


def lambda_client(node: RunningNode) -> Any:
    return boto3.client("lambda", config=Config(retries={"total_max_attempts": 1}),
                        **node.client_kwargs())


def as_records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_the_configuration_shows_the_templates_logging_config(node: RunningNode) -> None:
    config = lambda_client(node).get_function_configuration(FunctionName="orders")
    assert config["LoggingConfig"] == {"LogFormat": "JSON", "ApplicationLogLevel": "WARN",
                                       "SystemLogLevel": "INFO", "LogGroup": "/shop/orders"}


def test_json_lines_through_tail_logs_and_the_stream(node: RunningNode) -> None:
    response = lambda_client(node).invoke(FunctionName="orders", Payload=b'{"order": 7}',
                                          LogType="Tail")
    request_id = response["ResponseMetadata"]["RequestId"]
    assert json.loads(response["Payload"].read()) == "/shop/orders"
    tail = as_records(base64.b64decode(response["LogResult"]).decode())
    # Every line is JSON: the printed line and the INFO record fall below WARN.
    assert [r.get("type") for r in tail] == ["platform.initStart", "platform.start", None,
                                             "platform.report"]
    warning = tail[2]
    assert (warning["level"], warning["message"], warning["logger"], warning["order"]) == (
        "WARNING", "order 7 is late", "orders", 7)
    assert warning["requestId"] == request_id
    assert tail[3]["record"]["requestId"] == request_id

    printed = node.logs("orders")
    assert as_records(printed) == tail
    deadline = time.monotonic() + 10
    while f'[orders] {json.dumps(warning)}' not in node.output():
        assert time.monotonic() < deadline, node.output()
        time.sleep(0.1)
    assert "a printed line" not in node.output()
