"""The event source mapping operations of the Lambda API through boto3, on a node serving a
table with a stream and a function that copies what it is given into another table (and,
made through the API, one that keeps each event it is given whole)."""
from __future__ import annotations

import io
import json
import textwrap
import time
import zipfile
from pathlib import Path
from typing import Any, Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from fogbank.testing import serving

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Feed:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: feed
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  Plain:
    Type: AWS::Serverless::SimpleTable
    Properties: {TableName: plain}
  Copies:
    Type: AWS::Serverless::SimpleTable
    Properties: {TableName: copies}
  Copier:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: copier
      CodeUri: src
      Handler: copier.handler
      Runtime: python3.12
      AutoPublishAlias: live
  Received:
    Type: AWS::Serverless::SimpleTable
    Properties: {TableName: received}
"""

COPIER = """\
import json
import boto3

copies = boto3.client("dynamodb")


def handler(event, context):
    for record in event["Records"]:
        image = record["dynamodb"]["NewImage"]
        copies.put_item(TableName="copies", Item={"id": image["id"],
                                                  "batch": {"N": str(len(event["Records"]))}})
"""


RECORDER = """\
import json
import boto3

received = boto3.client("dynamodb")


def handler(event, context):
    received.put_item(TableName="received", Item={"id": {"S": context.aws_request_id},
                                                  "event": {"S": json.dumps(event)}})
"""


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    app = tmp_path_factory.mktemp("esm")
    (app / "template.yaml").write_text(TEMPLATE)
    (app / "src").mkdir()
    (app / "src" / "copier.py").write_text(textwrap.dedent(COPIER))
    with serving(app, "--no-watch") as running:
        yield running


@pytest.fixture
def lam(node: Any) -> Any:
    return boto3.client("lambda", config=Config(retries={"max_attempts": 1}),
                        **node.client_kwargs())


@pytest.fixture
def ddb(node: Any) -> Any:
    return boto3.client("dynamodb", **node.client_kwargs())


@pytest.fixture
def stream(ddb: Any) -> str:
    return ddb.describe_table(TableName="feed")["Table"]["LatestStreamArn"]


@pytest.fixture
def cleanup(lam: Any) -> Iterator[list[str]]:
    made: list[str] = []
    yield made
    for uuid in made:
        try:
            lam.delete_event_source_mapping(UUID=uuid)
        except ClientError:
            pass


def error(call: Any, **params: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response


def copied(ddb: Any, key: str, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = ddb.get_item(TableName="copies", Key={"id": {"S": key}}).get("Item")
        if item:
            return item
        time.sleep(0.2)
    raise AssertionError(f"{key} was not copied")


@pytest.fixture(scope="module")
def recorder(node: Any) -> str:
    """A function made through the Lambda API that keeps each event whole in "received"."""
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("recorder.py", RECORDER)
    lam = boto3.client("lambda", **node.client_kwargs())
    lam.create_function(FunctionName="recorder", Runtime="python3.12",
                        Handler="recorder.handler", Code={"ZipFile": code.getvalue()},
                        Role="arn:aws:iam::000000000000:role/recorder")
    return "recorder"


def received(ddb: Any, source_arn: str, timeout: float = 20.0) -> list[dict[str, Any]]:
    """The events the recorder was given from one stream (once there is one)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = [json.loads(item["event"]["S"])
                  for item in ddb.scan(TableName="received")["Items"]]
        events = [e for e in events if e["Records"][0]["eventSourceARN"] == source_arn]
        if events:
            return events
        time.sleep(0.2)
    raise AssertionError(f"nothing from {source_arn} was received")


def test_a_record_with_a_binary_attribute_arrives_as_recorded_from_lambda(lam, ddb, recorder,
                                                                         cleanup):
    # The recorded case: a table whose stream is turned on afterwards, one item holding a
    # binary value. Lambda's event carries it in base64, and the creation time as a float.
    ddb.create_table(TableName="binaries", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "my_partition_key", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "my_partition_key",
                                            "AttributeType": "S"}])
    try:
        updated = ddb.update_table(TableName="binaries", StreamSpecification={
            "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        stream_arn = updated["TableDescription"]["LatestStreamArn"]
        made = lam.create_event_source_mapping(
            FunctionName=recorder, BatchSize=1, StartingPosition="TRIM_HORIZON",
            EventSourceArn=stream_arn, MaximumBatchingWindowInSeconds=1, MaximumRetryAttempts=1)
        cleanup.append(made["UUID"])
        ddb.put_item(TableName="binaries", Item={"my_partition_key": {"S": "hello world"},
                                                 "binary_key": {"B": b"foobar"}})
        [event] = received(ddb, stream_arn)
        [record] = event["Records"]
        body = record["dynamodb"]
        created = body.pop("ApproximateCreationDateTime")
        assert isinstance(created, float) and created.is_integer()
        assert abs(created - time.time()) < 60
        assert len(record.pop("eventID")) == 32 and body.pop("SequenceNumber").isdigit()
        assert record == {
            "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": {"Keys": {"my_partition_key": {"S": "hello world"}},
                         "NewImage": {"binary_key": {"B": "Zm9vYmFy"},
                                      "my_partition_key": {"S": "hello world"}},
                         "SizeBytes": 70, "StreamViewType": "NEW_IMAGE"},
            "eventSourceARN": stream_arn}
        assert lam.get_event_source_mapping(UUID=made["UUID"])["LastProcessingResult"] == "OK"
    finally:
        ddb.delete_table(TableName="binaries")


def test_a_mapping_made_through_the_api_delivers_and_is_described(lam, ddb, stream, cleanup):
    made = lam.create_event_source_mapping(FunctionName="copier", EventSourceArn=stream,
                                           StartingPosition="LATEST", BatchSize=5)
    cleanup.append(made["UUID"])
    assert made["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert made["State"] == "Creating" and made["StateTransitionReason"] == "User action"
    assert made["LastProcessingResult"] == "No records processed"
    assert made["FunctionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:copier"
    assert (made["BatchSize"], made["MaximumBatchingWindowInSeconds"],
            made["MaximumRetryAttempts"], made["MaximumRecordAgeInSeconds"],
            made["ParallelizationFactor"], made["TumblingWindowInSeconds"]) == (5, 0, -1, -1, 1, 0)
    assert made["DestinationConfig"] == {"OnFailure": {}}
    assert made["FunctionResponseTypes"] == []
    assert made["EventSourceMappingArn"] == \
        f"arn:aws:lambda:us-east-1:000000000000:event-source-mapping:{made['UUID']}"
    ddb.put_item(TableName="feed", Item={"id": {"S": "api-1"}})
    copied(ddb, "api-1")
    got = lam.get_event_source_mapping(UUID=made["UUID"])
    assert got["State"] == "Enabled" and got["LastProcessingResult"] == "OK"
    listed = lam.list_event_source_mappings(FunctionName="copier")["EventSourceMappings"]
    assert [m["UUID"] for m in listed] == [made["UUID"]]


def test_disabling_stops_delivery_and_enabling_resumes_it(lam, ddb, stream, cleanup):
    made = lam.create_event_source_mapping(FunctionName="copier", EventSourceArn=stream,
                                           StartingPosition="LATEST")
    cleanup.append(made["UUID"])
    disabled = lam.update_event_source_mapping(UUID=made["UUID"], Enabled=False)
    assert disabled["State"] == "Disabling"
    assert lam.get_event_source_mapping(UUID=made["UUID"])["State"] == "Disabled"
    ddb.put_item(TableName="feed", Item={"id": {"S": "while-off"}})
    time.sleep(1.0)
    assert "Item" not in ddb.get_item(TableName="copies", Key={"id": {"S": "while-off"}})
    enabled = lam.update_event_source_mapping(UUID=made["UUID"], Enabled=True, BatchSize=7)
    assert enabled["State"] == "Enabling" and enabled["BatchSize"] == 7
    copied(ddb, "while-off")


def test_filter_criteria_are_kept_and_applied(lam, ddb, stream, cleanup):
    pattern = json.dumps({"dynamodb": {"NewImage": {"id": {"S": [{"prefix": "yes"}]}}}})
    made = lam.create_event_source_mapping(FunctionName="copier", EventSourceArn=stream,
                                           StartingPosition="LATEST",
                                           FilterCriteria={"Filters": [{"Pattern": pattern}]})
    cleanup.append(made["UUID"])
    assert made["FilterCriteria"] == {"Filters": [{"Pattern": pattern}]}
    ddb.put_item(TableName="feed", Item={"id": {"S": "no-filtered"}})
    ddb.put_item(TableName="feed", Item={"id": {"S": "yes-filtered"}})
    copied(ddb, "yes-filtered")
    assert "Item" not in ddb.get_item(TableName="copies", Key={"id": {"S": "no-filtered"}})


def test_a_second_mapping_of_the_same_stream_and_function_is_a_conflict(lam, stream, cleanup):
    made = lam.create_event_source_mapping(FunctionName="copier", EventSourceArn=stream,
                                           StartingPosition="LATEST")
    cleanup.append(made["UUID"])
    answer = error(lam.create_event_source_mapping, FunctionName="copier",
                   EventSourceArn=stream, StartingPosition="TRIM_HORIZON")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert answer["Error"]["Code"] == "ResourceConflictException"
    assert answer["Error"]["Message"] == (
        f'The event source arn (" {stream} ") and function (" copier ") provided mapping '
        f"already exists. Please update or delete the existing mapping with UUID {made['UUID']}")
    # The alias is another function as far as mappings go.
    other = lam.create_event_source_mapping(FunctionName="copier:live", EventSourceArn=stream,
                                            StartingPosition="LATEST")
    cleanup.append(other["UUID"])
    assert other["FunctionArn"].endswith(":function:copier:live")
    live = lam.list_event_source_mappings(FunctionName="copier:live")["EventSourceMappings"]
    assert [m["UUID"] for m in live] == [other["UUID"]]


def test_deleting_answers_deleting_then_the_mapping_is_gone(lam, stream):
    made = lam.create_event_source_mapping(FunctionName="copier", EventSourceArn=stream,
                                           StartingPosition="LATEST")
    deleted = lam.delete_event_source_mapping(UUID=made["UUID"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202 and deleted["State"] == "Deleting"
    answer = error(lam.get_event_source_mapping, UUID=made["UUID"])
    assert answer["Error"] == {"Code": "ResourceNotFoundException",
                               "Message": "The resource you requested does not exist."}
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_unknown_mappings_are_not_found_for_every_operation(lam):
    missing = "00000000-0000-0000-0000-000000000000"
    for call, params in ((lam.get_event_source_mapping, {}),
                         (lam.update_event_source_mapping, {"BatchSize": 5}),
                         (lam.delete_event_source_mapping, {})):
        answer = error(call, UUID=missing, **params)
        assert answer["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.parametrize("params, code, message", [
    # Lambda lists the positions in an order of its own, not the model's.
    ({"StartingPosition": "0"}, "ValidationException",
     "1 validation error detected: Value '0' at 'startingPosition' failed to satisfy "
     "constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]"),
    ({"StartingPosition": "AT_TIMESTAMP", "StartingPositionTimestamp": -1700000000},
     "InvalidParameterValueException", "Unsupported starting position for arn type: {stream}"),
    ({"StartingPosition": "AT_TIMESTAMP"}, "InvalidParameterValueException",
     "Unsupported starting position for arn type: {stream}"),
    ({"StartingPosition": "LATEST", "StartingPositionTimestamp": 1700000000},
     "InvalidParameterValueException", "Timestamp only valid with StartingPosition AT_TIMESTAMP"),
    ({"StartingPosition": "LATEST", "BatchSize": 10001}, "ValidationException",
     "1 validation error detected: Value '10001' at 'batchSize' failed to satisfy constraint: "
     "Member must have value less than or equal to 10000"),
    ({"StartingPosition": "LATEST", "FilterCriteria": {"Filters": [{"Pattern": "{"}]}},
     "InvalidParameterValueException", "Invalid filter pattern definition."),
    ({"StartingPosition": "LATEST", "FilterCriteria": {"Filters": [{"Pattern": "single-string"}]}},
     "InvalidParameterValueException", "Invalid filter pattern definition."),
    ({"StartingPosition": "LATEST",
      "FilterCriteria": {"Filters": [{"Pattern": '[{"eventName": ["INSERT"=123}]'}]}},
     "InvalidParameterValueException", "Invalid filter pattern definition."),
    ({"StartingPosition": "LATEST", "TumblingWindowInSeconds": 30},
     "InvalidParameterValueException", "TumblingWindowInSeconds is not served by Fogbank"),
])
def test_bad_settings_are_refused(lam, stream, params, code, message):
    answer = error(lam.create_event_source_mapping, FunctionName="copier",
                   EventSourceArn=stream, **params)
    assert answer["Error"]["Code"] == code
    assert answer["Error"]["Message"] == message.format(stream=stream)
    assert lam.list_event_source_mappings(EventSourceArn=stream)["EventSourceMappings"] == []


def test_a_missing_function_does_not_exist(lam, stream):
    # Lambda's words for a mapping of a missing function (recorded with a queue's source).
    answer = error(lam.create_event_source_mapping, FunctionName="nobody",
                   EventSourceArn=stream, StartingPosition="LATEST")
    assert (answer["Error"]["Code"], answer["Error"]["Message"], answer.get("Type")) == \
        ("InvalidParameterValueException", "Function does not exist", "User")


def test_a_table_without_a_stream_or_another_source_is_refused(lam, ddb):
    plain = ddb.describe_table(TableName="plain")["Table"]["TableArn"]
    answer = error(lam.create_event_source_mapping, FunctionName="copier",
                   EventSourceArn=plain + "/stream/2026-01-01T00:00:00.000",
                   StartingPosition="LATEST")
    assert answer["Error"]["Code"] == "InvalidParameterValueException"
    assert answer["Error"]["Message"].startswith("Stream not found: ")
    queue = "arn:aws:sqs:us-east-1:000000000000:jobs"
    answer = error(lam.create_event_source_mapping, FunctionName="copier", EventSourceArn=queue)
    assert answer["Error"]["Code"] == "InvalidParameterValueException"
    assert "DynamoDB streams only" in answer["Error"]["Message"]


def test_listing_pages_with_markers(lam, stream, cleanup):
    uuids = []
    for qualifier in ("copier", "copier:live", "copier:$LATEST"):
        made = lam.create_event_source_mapping(FunctionName=qualifier, EventSourceArn=stream,
                                               StartingPosition="LATEST")
        cleanup.append(made["UUID"])
        uuids.append(made["UUID"])
    first = lam.list_event_source_mappings(EventSourceArn=stream, MaxItems=2)
    assert len(first["EventSourceMappings"]) == 2 and "NextMarker" in first
    rest = lam.list_event_source_mappings(EventSourceArn=stream, Marker=first["NextMarker"])
    assert "NextMarker" not in rest
    listed = [m["UUID"] for m in first["EventSourceMappings"] + rest["EventSourceMappings"]]
    assert sorted(listed) == sorted(uuids)
    answer = error(lam.list_event_source_mappings, Marker="bm90LWEtbWFwcGluZw==")
    assert answer["Error"]["Code"] == "InvalidParameterValueException"


def test_a_mapping_without_a_source_or_a_position(lam, stream):
    answer = error(lam.create_event_source_mapping, FunctionName="doesnotexist")
    assert (answer["Error"]["Code"], answer["Error"]["Message"], answer.get("Type")) == \
        ("InvalidParameterValueException", "Unrecognized event source.", "User")
    answer = error(lam.create_event_source_mapping, FunctionName="copier", EventSourceArn=stream)
    assert (answer["Error"]["Code"], answer["Error"]["Message"]) == (
        "InvalidParameterValueException",
        "1 validation error detected: Value null at 'startingPosition' failed to satisfy "
        "constraint: Member must not be null.")
    assert lam.list_event_source_mappings(EventSourceArn=stream)["EventSourceMappings"] == []


def test_the_function_arn_keeps_the_qualifier_it_was_named_by(lam, stream, cleanup):
    for given, arn in (("copier", ""), ("copier:$LATEST", ":$LATEST"), ("copier:live", ":live"),
                       ("arn:aws:lambda:us-east-1:000000000000:function:copier", "")):
        made = lam.create_event_source_mapping(FunctionName=given, EventSourceArn=stream,
                                               StartingPosition="LATEST")
        cleanup.append(made["UUID"])
        assert made["FunctionArn"] == f"arn:aws:lambda:us-east-1:000000000000:function:copier{arn}"
        lam.delete_event_source_mapping(UUID=made["UUID"])
