"""The SDK edge as a whole: service recognition at the door, request ids, failures."""
from __future__ import annotations

import httpx
import pytest
from botocore.exceptions import ClientError

from fogbank.aws import SdkApp

from .conftest import client, serve


def test_unsupported_service_is_named_in_the_error(endpoint):
    logs = client("logs", endpoint)
    with pytest.raises(ClientError) as excinfo:
        logs.describe_log_groups()
    response = excinfo.value.response
    assert response["Error"]["Code"] == "NotImplemented"
    assert response["Error"]["Message"] == "Service 'logs' is not supported by this endpoint."
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert response["ResponseMetadata"]["RequestId"]


def test_request_for_no_recognisable_service(endpoint):
    response = httpx.get(f"{endpoint}/index.html")
    assert response.status_code == 404
    assert response.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert "Could not tell which AWS service" in response.json()["message"]
    assert response.headers["x-amzn-RequestId"]


def test_unknown_lambda_path(endpoint):
    response = httpx.get(f"{endpoint}/2015-03-31/gadgets")
    assert response.status_code == 404
    assert response.headers["x-amzn-ErrorType"] == "UnknownOperationException"


def test_lambda_operation_not_served_yet(lambda_client):
    with pytest.raises(ClientError) as excinfo:
        lambda_client.list_capacity_providers()
    assert excinfo.value.response["Error"]["Code"] == "NotImplemented"
    assert excinfo.value.response["Error"]["Message"] == (
        "Operation ListCapacityProviders of service lambda is not supported yet.")


def test_every_response_has_a_distinct_request_id(lambda_client):
    first = lambda_client.list_functions()["ResponseMetadata"]
    second = lambda_client.list_functions()["ResponseMetadata"]
    assert first["RequestId"] and second["RequestId"]
    assert first["RequestId"] != second["RequestId"]
    assert first["HTTPHeaders"]["x-amzn-requestid"] == first["RequestId"]


def test_errors_carry_a_request_id(lambda_client):
    with pytest.raises(ClientError) as excinfo:
        lambda_client.get_function(FunctionName="ghost")
    assert excinfo.value.response["ResponseMetadata"]["RequestId"]


def test_out_of_range_integer_is_a_validation_error(endpoint):
    # botocore checks the minimum itself, so the request is sent raw.
    response = httpx.get(f"{endpoint}/2015-03-31/functions", params={"MaxItems": "0"})
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "ValidationException"
    assert response.json()["message"] == (
        "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1")


def test_unexpected_failure_is_an_internal_failure():
    class Broken:
        async def list_functions(self, params, ctx):
            raise RuntimeError("bug")

        @property
        def operations(self):
            return {"ListFunctions": self.list_functions}

    for url in serve(SdkApp({"lambda": Broken()})):
        with pytest.raises(ClientError) as excinfo:
            client("lambda", url).list_functions()
        assert excinfo.value.response["Error"]["Code"] == "InternalFailure"
        assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
