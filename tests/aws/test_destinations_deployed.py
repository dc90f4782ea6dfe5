"""A SAM app's EventInvokeConfig, permissions and tags on a real `fogbank up`, through boto3:
a failing function with MaximumRetryAttempts 0 runs once and its OnFailure function gets the
invocation record; a succeeding one reaches its OnSuccess function; GetPolicy, ListTags,
the EventInvokeConfig reads and GetFunction's code link answer as on AWS."""
from __future__ import annotations

import io
import json
import time
import zipfile
from typing import Any, Iterator

import boto3
import httpx
import pytest
from botocore.config import Config

from fogbank.testing import RunningNode

from .test_versions_deployed import started

ARN = "arn:aws:lambda:us-east-1:000000000000:function"
DELIVERY_TIMEOUT_S = 90           # cold starts of two functions on a loaded machine
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    CodeUri: src
    Runtime: python3.11
    Environment: {Variables: {TABLE: !Ref Records}}
Resources:
  Records:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: records
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
  Fails:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: fails
      Handler: app.fail
      Tags: {team: blue}
      EventInvokeConfig:
        MaximumRetryAttempts: 0
        DestinationConfig:
          OnFailure: {Type: Lambda, Destination: !GetAtt Keep.Arn}
  Works:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: works
      Handler: app.work
      EventInvokeConfig:
        MaximumEventAgeInSeconds: 600
        DestinationConfig:
          OnSuccess: {Type: Lambda, Destination: !GetAtt Keep.Arn}
      Events:
        Get:
          Type: HttpApi
          Properties: {Path: /work, Method: get}
  Keep:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: keep
      Handler: app.keep
"""
HANDLERS = """\
import json
import os
import uuid

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def fail(event, context):
    table.put_item(Item={"id": f"attempt-{uuid.uuid4()}", "request": context.aws_request_id})
    raise RuntimeError("cannot do " + json.dumps(event))


def work(event, context):
    return {"doubled": event["n"] * 2}


def keep(event, context):
    condition = event["requestContext"]["condition"]
    table.put_item(Item={"id": f"record-{condition}", "record": json.dumps(event)})
"""


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    app_dir = tmp_path_factory.mktemp("destinations") / "app"
    (app_dir / "src").mkdir(parents=True)
    (app_dir / "src" / "app.py").write_text(HANDLERS)
    (app_dir / "template.yaml").write_text(TEMPLATE)
    running = started(app_dir)
    yield running
    running.stop()


def client(node: RunningNode, service: str) -> Any:
    return boto3.client(service, config=Config(retries={"total_max_attempts": 1}),
                        **node.client_kwargs())


def record(node: RunningNode, condition: str) -> dict[str, Any]:
    """The invocation record the destination function kept, waiting for it."""
    dynamodb = client(node, "dynamodb")
    deadline = time.monotonic() + DELIVERY_TIMEOUT_S
    while time.monotonic() < deadline:
        item = dynamodb.get_item(TableName="records", Key={"id": {"S": f"record-{condition}"}},
                                 ConsistentRead=True).get("Item")
        if item:
            return json.loads(item["record"]["S"])
        time.sleep(0.2)
    raise AssertionError(f"no {condition} record within {DELIVERY_TIMEOUT_S} s:\n{node.output()}")


def test_failing_function_runs_once_and_its_record_reaches_on_failure(node):
    response = client(node, "lambda").invoke(FunctionName="fails", InvocationType="Event",
                                             Payload=b'{"order": 7}')
    assert response["StatusCode"] == 202
    kept = record(node, "RetriesExhausted")
    assert kept["version"] == "1.0"
    assert kept["requestContext"] == {
        "requestId": response["ResponseMetadata"]["RequestId"],
        "functionArn": f"{ARN}:fails:$LATEST", "condition": "RetriesExhausted",
        "approximateInvokeCount": 1}
    assert kept["requestPayload"] == {"order": 7}
    assert kept["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                       "functionError": "Unhandled"}
    assert kept["responsePayload"]["errorType"] == "RuntimeError"
    assert kept["responsePayload"]["errorMessage"] == 'cannot do {"order": 7}'
    # Once: the record is sent only after the last attempt.
    attempts = client(node, "dynamodb").scan(
        TableName="records", FilterExpression="begins_with(id, :a)",
        ExpressionAttributeValues={":a": {"S": "attempt-"}})["Items"]
    assert len(attempts) == 1


def test_succeeding_function_reaches_on_success(node):
    client(node, "lambda").invoke(FunctionName="works", InvocationType="Event",
                                  Payload=b'{"n": 21}')
    kept = record(node, "Success")
    assert kept["requestContext"]["functionArn"] == f"{ARN}:works:$LATEST"
    assert kept["requestPayload"] == {"n": 21}
    assert kept["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert kept["responsePayload"] == {"doubled": 42}


def test_event_invoke_configs_read_back(node):
    lam = client(node, "lambda")
    fails = lam.get_function_event_invoke_config(FunctionName="fails")
    assert (fails["FunctionArn"], fails["MaximumRetryAttempts"]) == (f"{ARN}:fails:$LATEST", 0)
    assert fails["DestinationConfig"] == {"OnSuccess": {},
                                          "OnFailure": {"Destination": f"{ARN}:keep"}}
    [works] = lam.list_function_event_invoke_configs(
        FunctionName="works")["FunctionEventInvokeConfigs"]
    assert works["MaximumEventAgeInSeconds"] == 600 and "MaximumRetryAttempts" not in works
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_function_event_invoke_config(FunctionName="keep")


def test_policy_from_the_api_event(node):
    lam = client(node, "lambda")
    policy = json.loads(lam.get_policy(FunctionName="works")["Policy"])
    [statement] = policy["Statement"]
    assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert statement["Action"] == "lambda:InvokeFunction"
    assert statement["Resource"] == f"{ARN}:works"
    source = statement["Condition"]["ArnLike"]["AWS:SourceArn"]
    assert source.startswith("arn:aws:execute-api:us-east-1:000000000000:")
    assert source.endswith("/*/GET/work")
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_policy(FunctionName="fails")


def test_tags_include_the_one_sam_adds(node):
    lam = client(node, "lambda")
    tags = lam.list_tags(Resource=f"{ARN}:fails")["Tags"]
    assert tags == {"lambda:createdBy": "SAM", "team": "blue"}
    assert lam.get_function(FunctionName="fails")["Tags"] == tags


def test_code_location_downloads_the_function_code(node):
    location = client(node, "lambda").get_function(FunctionName="keep")["Code"]["Location"]
    response = httpx.get(location, timeout=30)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == ["app.py"]
    assert archive.read("app.py").decode() == HANDLERS
