"""The JSON 1.0 protocol, driven by boto3's DynamoDB client against a tiny fake service."""
from __future__ import annotations

from typing import Any

import httpx
import pytest

from fogbank.aws import SdkApp
from fogbank.aws.service import CallContext
from fogbank.types import ResourceNotFound

from .conftest import client, serve


class TinyTables:
    """Just enough of DynamoDB to exercise the protocol: no storage engine behind it."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.operations = {"ListTables": self.list_tables, "DescribeTable": self.describe_table,
                           "PutItem": self.put_item, "GetItem": self.get_item}

    async def list_tables(self, params: dict, ctx: CallContext) -> dict:
        return {"TableNames": ["alpha", "beta"][: params.get("Limit", 100)]}

    async def describe_table(self, params: dict, ctx: CallContext) -> dict:
        # The status comes from the error (DynamoDB's model gives none): DynamoDB sends 400.
        raise ResourceNotFound(
            f"Requested resource not found: Table: {params['TableName']} not found", status=400)

    async def put_item(self, params: dict, ctx: CallContext) -> dict:
        self.items[params["Item"]["pk"]["S"]] = params["Item"]
        return {}

    async def get_item(self, params: dict, ctx: CallContext) -> dict:
        return {"Item": self.items[params["Key"]["pk"]["S"]]}


@pytest.fixture
def tables() -> TinyTables:
    return TinyTables()


@pytest.fixture
def url(tables):
    yield from serve(SdkApp({"dynamodb": tables}))


@pytest.fixture
def dynamodb(url):
    return client("dynamodb", url)


def test_operation_dispatched_by_target(dynamodb):
    assert dynamodb.list_tables(Limit=1)["TableNames"] == ["alpha"]


def test_error_is_read_by_boto3_as_its_modeled_exception(dynamodb):
    with pytest.raises(dynamodb.exceptions.ResourceNotFoundException) as excinfo:
        dynamodb.describe_table(TableName="ghost")
    error = excinfo.value.response["Error"]
    assert error["Message"] == "Requested resource not found: Table: ghost not found"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_binary_values_round_trip_as_bytes(dynamodb, tables):
    dynamodb.put_item(TableName="t", Item={"pk": {"S": "k"}, "data": {"B": b"\x00\xff"}})
    assert tables.items["k"]["data"]["B"] == b"\x00\xff"
    assert dynamodb.get_item(TableName="t", Key={"pk": {"S": "k"}})["Item"]["data"]["B"] == b"\x00\xff"


def test_response_is_json_1_0_with_a_request_id(url):
    response = httpx.post(url, content=b"{}", headers={"X-Amz-Target": "DynamoDB_20120810.ListTables"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-amz-json-1.0"
    assert response.headers["x-amzn-RequestId"]
    assert response.json() == {"TableNames": ["alpha", "beta"]}


def test_unknown_target_operation(url):
    response = httpx.post(url, content=b"{}", headers={"X-Amz-Target": "DynamoDB_20120810.Explode"})
    assert response.status_code == 400
    assert response.json()["__type"] == "com.amazon.coral.service#UnknownOperationException"


def test_body_that_is_not_json(url):
    response = httpx.post(url, content=b"{", headers={"X-Amz-Target": "DynamoDB_20120810.ListTables"})
    assert response.status_code == 400
    assert response.json()["__type"] == "com.amazon.coral.service#SerializationException"


def test_body_that_is_not_an_object(url):
    response = httpx.post(url, content=b"[1]", headers={"X-Amz-Target": "DynamoDB_20120810.ListTables"})
    assert response.status_code == 400
    assert response.json()["__type"] == "com.amazon.coral.service#SerializationException"


def test_constraint_violation_is_a_validation_error(url):
    # botocore checks lengths before sending, so this goes out raw.
    response = httpx.post(url, content=b'{"TableName": ""}',
                          headers={"X-Amz-Target": "DynamoDB_20120810.DescribeTable"})
    assert response.status_code == 400
    body = response.json()
    assert body["__type"] == "com.amazon.coral.validate#ValidationException"
    assert body["message"] == ("1 validation error detected: Value '' at 'tableName' failed to "
                               "satisfy constraint: Member must have length greater than or "
                               "equal to 1")


def test_missing_required_member_is_a_validation_error(url):
    response = httpx.post(url, content=b"{}",
                          headers={"X-Amz-Target": "DynamoDB_20120810.DescribeTable"})
    assert response.status_code == 400
    assert response.json()["message"] == ("1 validation error detected: Value null at 'tableName' "
                                          "failed to satisfy constraint: Member must not be null")


def test_operation_the_service_does_not_serve(dynamodb):
    with pytest.raises(dynamodb.exceptions.ClientError) as excinfo:
        dynamodb.delete_table(TableName="t")
    error = excinfo.value.response["Error"]
    assert error["Code"] == "NotImplemented"
    assert error["Message"] == "Operation DeleteTable of service dynamodb is not supported yet."
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
