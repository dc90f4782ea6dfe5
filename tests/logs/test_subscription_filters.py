"""Subscription filters: a SAM function's `CloudWatchLogs` event and PutSubscriptionFilter
deliver a log group's matching events to a function, as CloudWatch Logs does."""
from __future__ import annotations

import json
import time
from typing import Any, Iterator

import pytest
from botocore.exceptions import ClientError

from fogbank.testing import RunningNode
from tests.logs.conftest import client, serving_app

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  AuditLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /app/audit
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: worker
      CodeUri: src
      Handler: app.work
      Runtime: python3.11
      LoggingConfig:
        LogGroup: !Ref AuditLogs
  Shipper:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: shipper
      CodeUri: src
      Handler: app.ship
      Runtime: python3.11
      Events:
        Errors:
          Type: CloudWatchLogs
          Properties:
            LogGroupName: !Ref AuditLogs
            FilterPattern: ERROR
  Unpermitted:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: unpermitted
      CodeUri: src
      Handler: app.ship
      Runtime: python3.11
"""
HANDLER = """\
import base64, gzip, json
def work(event, context):
    print("INFO all fine")
    print(f"ERROR {event['what']} failed")
    return context.log_stream_name
def ship(event, context):
    data = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    print("SHIPPED " + json.dumps(data))
"""


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    with serving_app(tmp_path_factory, "log-subscriptions", TEMPLATE, HANDLER) as running:
        yield running


def shipped(logs: Any, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
    """The DATA_MESSAGEs the shipper received, once there are `count` of them."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            events = logs.filter_log_events(logGroupName="/aws/lambda/shipper",
                                            filterPattern="SHIPPED")["events"]
        except ClientError:         # its group appears with its first invocation
            events = []
        found = [json.loads(e["message"].split(" ", 1)[1]) for e in events]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_the_templates_filter_is_described(logs: Any) -> None:
    filters = logs.describe_subscription_filters(logGroupName="/app/audit")
    [found] = filters["subscriptionFilters"]
    assert (found["logGroupName"], found["filterPattern"], found["distribution"]) == \
        ("/app/audit", "ERROR", "ByLogStream")
    assert found["destinationArn"] == "arn:aws:lambda:us-east-1:000000000000:function:shipper"


def test_a_functions_matching_lines_reach_the_subscribed_function(node: RunningNode,
                                                                   logs: Any) -> None:
    stream = json.loads(client(node, "lambda").invoke(
        FunctionName="worker", Payload=b'{"what": "billing"}')["Payload"].read())
    [message] = shipped(logs, 1)
    assert message["messageType"] == "DATA_MESSAGE"
    assert (message["owner"], message["logGroup"], message["logStream"]) == \
        ("000000000000", "/app/audit", stream)
    assert message["subscriptionFilters"] == [
        logs.describe_subscription_filters(logGroupName="/app/audit")["subscriptionFilters"][0]
        ["filterName"]]
    assert [e["message"] for e in message["logEvents"]] == ["ERROR billing failed"]
    assert all(e["id"] and e["timestamp"] for e in message["logEvents"])


def test_put_log_events_reach_it_too(logs: Any) -> None:
    before = len(shipped(logs, 1))
    logs.create_log_stream(logGroupName="/app/audit", logStreamName="batch")
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName="/app/audit", logStreamName="batch", logEvents=[
        {"timestamp": now, "message": "ERROR disk full"},
        {"timestamp": now, "message": "nothing to see"},
        {"timestamp": now + 1, "message": "ERROR disk still full"}])
    messages = shipped(logs, before + 1)
    latest = messages[-1]
    assert latest["logStream"] == "batch"
    assert [e["message"] for e in latest["logEvents"]] == ["ERROR disk full",
                                                           "ERROR disk still full"]


def test_subscription_filter_errors_are_awss(logs: Any) -> None:
    def error_of(**params: Any) -> dict[str, str]:
        with pytest.raises(ClientError) as caught:
            logs.put_subscription_filter(logGroupName="/app/audit", **params)
        return caught.value.response["Error"]

    lambda_arn = "arn:aws:lambda:us-east-1:000000000000:function:"
    assert error_of(filterName="x", filterPattern="", destinationArn=lambda_arn + "unpermitted"
                    ) == {"Code": "InvalidParameterException",
                          "Message": "Could not execute the lambda function. Make sure you "
                                     "have given CloudWatch Logs permission to execute your "
                                     "function."}
    assert error_of(filterName="x", filterPattern="a:b", destinationArn=lambda_arn + "shipper"
                    )["Message"] == "Invalid character(s) in term ':'"
    with pytest.raises(ClientError) as caught:
        logs.put_subscription_filter(logGroupName="/app/nowhere", filterName="x",
                                     filterPattern="", destinationArn=lambda_arn + "shipper")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as caught:
        logs.delete_subscription_filter(logGroupName="/app/audit", filterName="nope")
    assert caught.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "The specified subscription filter does not exist."}


def test_two_filters_a_group_and_deleting_one(logs: Any) -> None:
    arn = "arn:aws:lambda:us-east-1:000000000000:function:shipper"
    logs.put_subscription_filter(logGroupName="/app/audit", filterName="second",
                                 filterPattern="WARN", destinationArn=arn)
    with pytest.raises(ClientError) as caught:
        logs.put_subscription_filter(logGroupName="/app/audit", filterName="third",
                                     filterPattern="", destinationArn=arn)
    assert caught.value.response["Error"] == {"Code": "LimitExceededException",
                                              "Message": "Resource limit exceeded."}
    # Replacing an existing filter is no new filter.
    logs.put_subscription_filter(logGroupName="/app/audit", filterName="second",
                                 filterPattern="FATAL", destinationArn=arn)
    names = {f["filterName"]: f["filterPattern"] for f in logs.describe_subscription_filters(
        logGroupName="/app/audit")["subscriptionFilters"]}
    assert names["second"] == "FATAL" and len(names) == 2
    logs.delete_subscription_filter(logGroupName="/app/audit", filterName="second")
    assert "second" not in [f["filterName"] for f in logs.describe_subscription_filters(
        logGroupName="/app/audit")["subscriptionFilters"]]

