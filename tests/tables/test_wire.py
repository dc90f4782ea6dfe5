"""DynamoDB on the wire: boto3 against the SDK edge serving the engine, plus the bytes
DynamoDB's clients check (`__type`, `x-amz-crc32`, gzip request bodies)."""
from __future__ import annotations

import gzip
import json
import socket
import threading
import time
import zlib
from typing import Iterator

import boto3
import httpx
import pytest
import uvicorn
from botocore.config import Config

from fogbank.aws import SdkApp
from fogbank.aws.dynamodb import DynamoDBService, DynamoDBStreamsService
from fogbank.tables.engine import TablesEngine

TARGET = "DynamoDB_20120810."


@pytest.fixture
def url(tmp_path) -> Iterator[str]:
    engine = TablesEngine.open(tmp_path)
    app = SdkApp({"dynamodb": DynamoDBService(engine),
                  "dynamodbstreams": DynamoDBStreamsService(engine)})
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline
        time.sleep(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(30)
    sock.close()
    engine.close()


def client(service: str, url: str):
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="t", aws_secret_access_key="t",
                        config=Config(retries={"total_max_attempts": 1}))


@pytest.fixture
def ddb(url):
    ddb = client("dynamodb", url)
    ddb.create_table(TableName="www", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    return ddb


def post(url: str, operation: str, body: dict, **headers: str) -> httpx.Response:
    return httpx.post(url, content=json.dumps(body).encode(),
                      headers={"X-Amz-Target": TARGET + operation,
                               "Content-Type": "application/x-amz-json-1.0", **headers})


def test_boto3_round_trip_with_binary_and_waiter(ddb):
    ddb.get_waiter("table_exists").wait(TableName="www")
    ddb.put_item(TableName="www", Item={"pk": {"S": "a"}, "b": {"B": b"\x00\xff"}})
    assert ddb.get_item(TableName="www", Key={"pk": {"S": "a"}})["Item"]["b"]["B"] == b"\x00\xff"


def test_condition_failure_reaches_boto3_with_the_item(ddb):
    ddb.put_item(TableName="www", Item={"pk": {"S": "a"}, "b": {"B": b"\x01"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException) as exc:
        ddb.put_item(TableName="www", Item={"pk": {"S": "a"}},
                     ConditionExpression="attribute_not_exists(pk)",
                     ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert exc.value.response["Item"]["b"]["B"] == b"\x01"


def test_transaction_cancellation_reasons_reach_boto3(ddb):
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as exc:
        ddb.transact_write_items(TransactItems=[{"ConditionCheck": {
            "TableName": "www", "Key": {"pk": {"S": "none"}},
            "ConditionExpression": "attribute_exists(pk)"}}])
    assert exc.value.response["CancellationReasons"] == [
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}]


def test_error_type_is_namespaced_and_body_signed_with_crc32(url, ddb):
    response = post(url, "DescribeTable", {"TableName": "ghost"})
    assert response.status_code == 400
    assert response.json()["__type"] == "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
    assert response.headers["x-amz-crc32"] == str(zlib.crc32(response.content))


def test_validation_errors_use_coral_namespace(url, ddb):
    response = post(url, "GetItem", {"TableName": "www", "Key": {"nope": {"S": "a"}}})
    assert response.json() == {"__type": "com.amazon.coral.validate#ValidationException",
                               "message": "The provided key element does not match the schema"}


def test_gzip_request_body_is_accepted(url, ddb):
    body = gzip.compress(json.dumps({"TableName": "www", "Item": {"pk": {"S": "z"}}}).encode())
    response = httpx.post(url, content=body, headers={
        "X-Amz-Target": TARGET + "PutItem", "Content-Encoding": "gzip",
        "Content-Type": "application/x-amz-json-1.0"})
    assert response.status_code == 200
    assert "Item" in ddb.get_item(TableName="www", Key={"pk": {"S": "z"}})


def test_corrupt_gzip_body_is_a_server_error(url, ddb):
    # DynamoDB answers a body it cannot decompress with a 500, as it does a body in an
    # encoding it lacks.
    response = httpx.post(url, content=b"not gzip", headers={
        "X-Amz-Target": TARGET + "PutItem", "Content-Encoding": "gzip"})
    assert response.status_code == 500
    assert response.json()["__type"].endswith("#InternalServerError")


def test_unknown_operation(url):
    response = post(url, "Explode", {})
    assert response.status_code == 400
    assert response.json()["__type"].endswith("#UnknownOperationException")


def test_streams_api_on_the_same_endpoint(url, ddb):
    ddb.put_item(TableName="www", Item={"pk": {"S": "s"}})
    streams = client("dynamodbstreams", url)
    arn = streams.list_streams(TableName="www")["Streams"][0]["StreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    record = streams.get_records(ShardIterator=iterator)["Records"][0]
    assert record["eventName"] == "INSERT"
    assert record["dynamodb"]["NewImage"] == {"pk": {"S": "s"}}


@pytest.mark.parametrize("operation,body,message", [
    ("TransactWriteItems", {"TransactItems": []},
     "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: "
     "Member must have length greater than or equal to 1"),
    ("BatchGetItem", {"RequestItems": {}},
     "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: "
     "Member must have length greater than or equal to 1"),
])
def test_collection_lengths_are_checked_on_the_wire(url, operation, body, message):
    response = post(url, operation, body)
    assert response.status_code == 400
    assert response.json()["message"] == message


@pytest.mark.parametrize("item,message", [
    ({"pk": {"S": 5}}, "NUMBER_VALUE cannot be converted to String"),
    ({"pk": {"S": "a"}, "x": {"N": 5}}, "NUMBER_VALUE cannot be converted to String"),
    ({"pk": {"S": "a"}, "x": {"BOOL": "yes"}}, "STRING_VALUE can not be converted to a Boolean"),
])
def test_wrongly_typed_json_is_a_serialization_error(url, ddb, item, message):
    response = post(url, "PutItem", {"TableName": "www", "Item": item})
    assert response.status_code == 400
    assert response.json() == {"__type": "com.amazon.coral.service#SerializationException",
                               "message": message}
