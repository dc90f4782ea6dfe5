"""CloudWatch Logs through boto3 against `fogbank up`: functions' log groups and streams as
Lambda writes them, groups and events made through the API, and AWS's errors."""
from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest
from botocore.exceptions import ClientError

from fogbank.testing import RunningNode, serving, write_empty_app
from tests.logs.conftest import client, serving_app

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Greeter:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: greeter
      CodeUri: src
      Handler: app.greet
      Runtime: python3.11
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: orders
      CodeUri: src
      Handler: app.order
      Runtime: python3.11
      LoggingConfig:
        LogFormat: JSON
        LogGroup: !Ref ShopLogs
  ShopLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /shop/orders
      RetentionInDays: 30
      Tags: [{Key: team, Value: shop}]
Outputs:
  ShopLogsArn:
    Value: !GetAtt ShopLogs.Arn
"""
HANDLER = """\
import logging
log = logging.getLogger()
def greet(event, context):
    print(f"greeting {event['name']}")
    return context.log_stream_name
def order(event, context):
    log.warning("order late: %s", event["order"])
    log.info("order seen: %s", event["order"])
    return context.log_group_name
"""
STREAM_NAME = re.compile(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}")


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    with serving_app(tmp_path_factory, "logs-api", TEMPLATE, HANDLER) as running:
        yield running


@pytest.fixture(scope="module")
def invoked(node: RunningNode) -> dict[str, Any]:
    """Three greetings and two orders; what the functions answered."""
    lam = client(node, "lambda")
    streams = [json.loads(lam.invoke(FunctionName="greeter", Payload=json.dumps(
        {"name": name}))["Payload"].read()) for name in ("ada", "bob", "cy")]
    groups = [json.loads(lam.invoke(FunctionName="orders", Payload=json.dumps(
        {"order": n}))["Payload"].read()) for n in (1, 2)]
    return {"streams": streams, "groups": groups}


def error_of(call: Any, **params: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response["Error"]


def test_a_templates_log_group_is_made_as_declared(node: RunningNode, logs: Any) -> None:
    # Before any invocation: the template made it; Lambda has made no group yet.
    groups = {g["logGroupName"]: g for g in logs.describe_log_groups()["logGroups"]}
    assert "/aws/lambda/greeter" not in groups
    shop = groups["/shop/orders"]
    assert shop["retentionInDays"] == 30
    assert shop["arn"] == node.wait_ready()["outputs"]["ShopLogsArn"]
    assert logs.list_tags_log_group(logGroupName="/shop/orders")["tags"] == {"team": "shop"}
    assert logs.describe_log_streams(logGroupName="/shop/orders")["logStreams"] == []


def test_functions_log_to_their_groups(logs: Any, invoked: dict[str, Any]) -> None:
    groups = {g["logGroupName"]: g for g in logs.describe_log_groups()["logGroups"]}
    assert {"/aws/lambda/greeter", "/shop/orders"} <= groups.keys()
    assert invoked["groups"] == ["/shop/orders", "/shop/orders"]
    greeter = groups["/aws/lambda/greeter"]
    assert greeter["logGroupArn"] == \
        "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/greeter"
    assert greeter["arn"] == greeter["logGroupArn"] + ":*"
    assert (greeter["logGroupClass"], greeter["metricFilterCount"], greeter["storedBytes"]) == \
        ("STANDARD", 0, 0)
    assert greeter["creationTime"] <= int(time.time() * 1000)
    assert "/aws/lambda/orders" not in groups        # its LoggingConfig names another group


def test_a_worker_writes_one_stream_named_as_its_context_says(logs: Any, invoked: dict) -> None:
    streams = logs.describe_log_streams(logGroupName="/aws/lambda/greeter")["logStreams"]
    names = [s["logStreamName"] for s in streams]
    assert set(invoked["streams"]) == set(names)
    assert all(STREAM_NAME.fullmatch(name) for name in names)
    stream = streams[0]
    assert stream["firstEventTimestamp"] <= stream["lastEventTimestamp"]
    assert stream["arn"].endswith(f":log-group:/aws/lambda/greeter:log-stream:{names[0]}")


def test_get_log_events_reads_a_stream_with_lambdas_lines(logs: Any, invoked: dict) -> None:
    stream = invoked["streams"][0]
    got = logs.get_log_events(logGroupName="/aws/lambda/greeter", logStreamName=stream,
                              startFromHead=True)
    messages = [e["message"] for e in got["events"]]
    greetings = [m for m in messages if m.startswith("greeting")]
    assert greetings == ["greeting ada", "greeting bob", "greeting cy"]
    assert messages[0].startswith("START RequestId: ")
    assert messages[-1].startswith("REPORT RequestId: ")
    assert all(e["ingestionTime"] >= e["timestamp"] for e in got["events"])


def test_get_log_events_pages_forward_and_back(logs: Any, invoked: dict) -> None:
    where = {"logGroupName": "/aws/lambda/greeter", "logStreamName": invoked["streams"][0]}
    whole = [e["message"] for e in logs.get_log_events(**where, startFromHead=True)["events"]]
    seen, token = [], None
    while True:
        page = logs.get_log_events(**where, startFromHead=True, limit=2,
                                   **({"nextToken": token} if token else {}))
        seen += [e["message"] for e in page["events"]]
        if page["nextForwardToken"] == token:       # the end: the token comes back
            break
        token = page["nextForwardToken"]
    assert seen == whole
    # Without startFromHead the newest events come first, and the backward token reaches
    # the ones before them.
    last = logs.get_log_events(**where, limit=2)
    assert [e["message"] for e in last["events"]] == whole[-2:]
    before = logs.get_log_events(**where, limit=2, nextToken=last["nextBackwardToken"])
    assert [e["message"] for e in before["events"]] == whole[-4:-2]


def test_filter_log_events_matches_terms(logs: Any, invoked: dict) -> None:
    found = logs.filter_log_events(logGroupName="/aws/lambda/greeter",
                                   filterPattern='"greeting" -bob')["events"]
    assert [e["message"] for e in found] == ["greeting ada", "greeting cy"]
    assert all(e["logStreamName"] in invoked["streams"] for e in found)
    either = logs.filter_log_events(logGroupName="/aws/lambda/greeter",
                                    filterPattern="?ada ?cy")["events"]
    assert [e["message"] for e in either] == ["greeting ada", "greeting cy"]
    reports = logs.filter_log_events(logGroupName="/aws/lambda/greeter",
                                     filterPattern="REPORT")["events"]
    assert len(reports) == 3 and all("Billed Duration" in e["message"] for e in reports)


def test_filter_log_events_matches_json_records(logs: Any, invoked: dict) -> None:
    found = logs.filter_log_events(logGroupName="/shop/orders",
                                   filterPattern='{ $.level = "WARNING" }')["events"]
    records = [json.loads(e["message"]) for e in found]
    assert [r["message"] for r in records] == ["order late: 1", "order late: 2"]


def test_filter_log_events_pages_with_tokens(logs: Any, invoked: dict) -> None:
    whole = logs.filter_log_events(logGroupName="/aws/lambda/greeter")["events"]
    paged = [e for page in logs.get_paginator("filter_log_events").paginate(
        logGroupName="/aws/lambda/greeter", PaginationConfig={"PageSize": 2})
        for e in page["events"]]
    assert paged == whole
    assert len({e["eventId"] for e in whole}) == len(whole)


def test_filter_log_events_time_window_and_streams(logs: Any, invoked: dict) -> None:
    whole = logs.filter_log_events(logGroupName="/aws/lambda/greeter")["events"]
    first = whole[0]["timestamp"]
    late = logs.filter_log_events(logGroupName="/aws/lambda/greeter", startTime=first + 1)
    assert all(e["timestamp"] > first for e in late["events"])
    early = logs.filter_log_events(logGroupName="/aws/lambda/greeter", endTime=first)
    assert [e["timestamp"] for e in early["events"]] == [e["timestamp"] for e in whole
                                                         if e["timestamp"] == first]
    none = logs.filter_log_events(logGroupName="/aws/lambda/greeter",
                                  logStreamNames=["2020/01/01/[$LATEST]nothing"])
    assert none["events"] == []


def test_deleting_a_functions_stream_forgets_only_its_events(node: RunningNode,
                                                              logs: Any) -> None:
    lam = client(node, "lambda")
    for n in range(2):
        lam.invoke(FunctionName="greeter", Payload=json.dumps({"name": f"gone{n}"}))
    stream = json.loads(lam.invoke(FunctionName="greeter", Payload=b'{"name": "last"}')
                        ["Payload"].read())
    before = logs.filter_log_events(logGroupName="/aws/lambda/greeter")["events"]
    logs.delete_log_stream(logGroupName="/aws/lambda/greeter", logStreamName=stream)
    after = logs.filter_log_events(logGroupName="/aws/lambda/greeter")["events"]
    assert after == [e for e in before if e["logStreamName"] != stream]
    assert stream not in [s["logStreamName"] for s in logs.describe_log_streams(
        logGroupName="/aws/lambda/greeter")["logStreams"]]


def test_reading_errors_are_awss(logs: Any, invoked: dict) -> None:
    assert error_of(logs.describe_log_streams, logGroupName="/aws/lambda/nobody") == {
        "Code": "ResourceNotFoundException", "Message": "The specified log group does not exist."}
    assert error_of(logs.get_log_events, logGroupName="/aws/lambda/greeter",
                    logStreamName="nope") == {
        "Code": "ResourceNotFoundException", "Message": "The specified log stream does not exist."}
    assert error_of(logs.describe_log_streams, logGroupName="/aws/lambda/greeter",
                    logGroupIdentifier="/aws/lambda/greeter") == {
        "Code": "ValidationException",
        "Message": "LogGroup name and LogGroup ARN are mutually exclusive parameters."}
    assert error_of(logs.get_log_events, logGroupName="/aws/lambda/greeter",
                    logStreamName=invoked["streams"][0], limit=10001) == {
        "Code": "InvalidParameterException",
        "Message": "1 validation error detected: Value '10001' at 'limit' failed to satisfy "
                   "constraint: Member must have value less than or equal to 10000"}
    assert error_of(logs.describe_log_groups, logGroupNamePrefix="/a",
                    logGroupNamePattern="b")["Message"] == (
        "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
    assert error_of(logs.describe_log_streams, logGroupName="/aws/lambda/greeter",
                    orderBy="LastEventTime", logStreamNamePrefix="2")["Message"] == (
        "Cannot order by LastEventTime with a logStreamNamePrefix.")
    for call, params in ((logs.filter_log_events, {}), (logs.describe_log_groups, {}),
                         (logs.describe_log_streams, {})):
        assert error_of(call, nextToken="not-a-token", **(
            {} if call == logs.describe_log_groups else {"logGroupName": "/aws/lambda/greeter"}
        ), **params) == {"Code": "InvalidParameterException",
                         "Message": "The specified nextToken is invalid."}
    assert error_of(logs.filter_log_events, logGroupName="/aws/lambda/greeter",
                    filterPattern="user:ada") == {
        "Code": "InvalidParameterException", "Message": "Invalid character(s) in term ':'"}


def test_groups_made_through_the_api(logs: Any) -> None:
    name = f"/app/{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=name, tags={"team": "shop"})
    assert error_of(logs.create_log_group, logGroupName=name) == {
        "Code": "ResourceAlreadyExistsException",
        "Message": "The specified log group already exists"}
    assert logs.list_tags_log_group(logGroupName=name)["tags"] == {"team": "shop"}
    arn = f"arn:aws:logs:us-east-1:000000000000:log-group:{name}"
    logs.tag_resource(resourceArn=arn, tags={"env": "dev"})
    logs.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"env": "dev"}

    refused = error_of(logs.put_retention_policy, logGroupName=name, retentionInDays=2)
    assert refused["Code"] == "InvalidParameterException"
    assert "Member must satisfy enum value set: [1, 3, 5, 7, 14," in refused["Message"]
    logs.put_retention_policy(logGroupName=name, retentionInDays=14)
    described = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert [(g["logGroupName"], g["retentionInDays"]) for g in described] == [(name, 14)]
    logs.delete_retention_policy(logGroupName=name)
    assert "retentionInDays" not in logs.describe_log_groups(
        logGroupNamePattern=name[5:].upper())["logGroups"][0]

    logs.delete_log_group(logGroupName=name)
    assert logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []
    assert error_of(logs.delete_log_group, logGroupName=name)["Code"] == \
        "ResourceNotFoundException"


def test_put_log_events_into_a_stream(logs: Any) -> None:
    group = f"/app/{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=group)
    assert error_of(logs.put_log_events, logGroupName=group, logStreamName="web",
                    logEvents=[{"timestamp": 1, "message": "x"}])["Message"] == \
        "The specified log stream does not exist."
    logs.create_log_stream(logGroupName=group, logStreamName="web")
    assert error_of(logs.create_log_stream, logGroupName=group, logStreamName="web") == {
        "Code": "ResourceAlreadyExistsException",
        "Message": "The specified log stream already exists"}
    now = int(time.time() * 1000)
    assert error_of(logs.put_log_events, logGroupName=group, logStreamName="web", logEvents=[
        {"timestamp": now, "message": "b"}, {"timestamp": now - 5, "message": "a"}]) == {
        "Code": "InvalidParameterException",
        "Message": "Log events in a single PutLogEvents request must be in chronological order."}
    old = now - 15 * 86_400_000
    answer = logs.put_log_events(logGroupName=group, logStreamName="web", logEvents=[
        {"timestamp": old, "message": "too old"},
        {"timestamp": old + 10, "message": "also too old"}])
    assert answer["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}
    answer = logs.put_log_events(logGroupName=group, logStreamName="web", logEvents=[
        {"timestamp": now - 10, "message": "GET /a 200"},
        {"timestamp": now, "message": "GET /b 500"},
        {"timestamp": now + 3 * 3_600_000, "message": "from the future"}])
    assert answer["rejectedLogEventsInfo"] == {"tooNewLogEventStartIndex": 2}
    got = logs.get_log_events(logGroupName=group, logStreamName="web", startFromHead=True)
    assert [e["message"] for e in got["events"]] == ["GET /a 200", "GET /b 500"]
    spaced = logs.filter_log_events(logGroupName=group, filterPattern="[verb, path, code=5*]")
    assert [e["message"] for e in spaced["events"]] == ["GET /b 500"]
    stream = logs.describe_log_streams(logGroupName=group)["logStreams"][0]
    assert (stream["firstEventTimestamp"], stream["lastEventTimestamp"]) == (now - 10, now)
    logs.delete_log_stream(logGroupName=group, logStreamName="web")
    assert logs.describe_log_streams(logGroupName=group)["logStreams"] == []
    logs.delete_log_group(logGroupName=group)


def test_deleting_a_functions_group_forgets_its_events(node: RunningNode, logs: Any,
                                                        invoked: dict) -> None:
    lam = client(node, "lambda")
    lam.invoke(FunctionName="orders", Payload=b'{"order": 3}')
    logs.delete_log_group(logGroupName="/shop/orders")
    assert error_of(logs.filter_log_events, logGroupName="/shop/orders")["Code"] == \
        "ResourceNotFoundException"
    # The next invocation makes it again, as Lambda does.
    lam.invoke(FunctionName="orders", Payload=b'{"order": 4}')
    found = logs.filter_log_events(logGroupName="/shop/orders",
                                   filterPattern='{ $.level = "WARNING" }')["events"]
    assert [json.loads(e["message"])["message"] for e in found] == ["order late: 4"]


def test_an_acknowledged_put_survives_a_crash(tmp_path: Path) -> None:
    app_dir = write_empty_app(tmp_path / "empty")
    now = int(time.time() * 1000)
    with serving(app_dir, "--no-watch") as first:
        first.wait_ready()
        logs = client(first, "logs")
        logs.create_log_group(logGroupName="/kept")
        logs.create_log_stream(logGroupName="/kept", logStreamName="s")
        logs.put_log_events(logGroupName="/kept", logStreamName="s",
                            logEvents=[{"timestamp": now, "message": "kept line"}])
        first.kill()
    with serving(app_dir, "--no-watch") as second:
        second.wait_ready()
        got = client(second, "logs").get_log_events(logGroupName="/kept", logStreamName="s")
        assert [e["message"] for e in got["events"]] == ["kept line"]
