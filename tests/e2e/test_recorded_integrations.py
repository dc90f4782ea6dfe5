"""REST methods under `fogbank up` answering as AWS answered LocalStack's recorded tests
(test_apigateway_lambda.py, test_apigateway_s3.py): non-proxy Lambda integrations invoked
as their Credentials role with no function policy, a response template that sets the
status, selection patterns over error messages, and S3 behind `ANY` with
IntegrationHttpMethod ANY."""
from __future__ import annotations

import json
from typing import Iterator

import httpx
import pytest
from botocore.exceptions import ClientError

from fogbank.testing import RunningNode

from .conftest import api_url, serving_copy
from .test_stack_reads import client


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    with serving_copy(tmp_path_factory, "recorded_integrations",
                      "recorded-integrations") as running:
        yield running



@pytest.mark.parametrize("http_status, status, answer", [
    ("200", 202, "noerror"),
    ("400", 400, "customerror"),
])
def test_a_response_template_sets_the_status(node, http_status, status, answer) -> None:
    url = api_url(node, "Api")
    r = httpx.post(f"{url}/map", content=json.dumps({"httpStatus": http_status}),
                   headers={"Content-Type": "application/json"}, timeout=60)
    assert (r.status_code, r.json()) == (status, {"statusCode": 200, "body": answer})


@pytest.mark.parametrize("asked, status", [("200", 200), ("400", 405), ("500", 502)])
def test_selection_patterns_choose_by_the_error_message(node, asked, status) -> None:
    url = api_url(node, "Api")
    r = httpx.get(f"{url}/{asked}", timeout=60)
    assert r.status_code == status
    if asked == "200":
        assert r.json() == "Pass"
    else:
        assert r.json()["errorMessage"] == (f"Error: Raising {asked} from within the "
                                            f"Lambda function")
        assert r.json()["errorType"] == "Exception"


def test_s3_behind_any_puts_gets_and_deletes(node) -> None:
    target = api_url(node, "Api") + "/files/test.json"
    # No object yet: S3's NoSuchKey, through the one (default) integration response.
    r = httpx.get(target, timeout=60)
    assert r.status_code == 200 and "<Code>NoSuchKey</Code>" in r.text
    for put_id in (1, 2):
        assert httpx.put(target, json={"put_id": put_id}, timeout=60).status_code == 200
        assert httpx.get(target, timeout=60).json() == {"put_id": put_id}
    assert httpx.delete(target, timeout=60).status_code == 200
    bucket = client(node, "cloudformation").describe_stack_resource(
        StackName="recorded-integrations", LogicalResourceId="Objects"
    )["StackResourceDetail"]["PhysicalResourceId"]
    with pytest.raises(ClientError) as exc:
        client(node, "s3").get_object(Bucket=bucket, Key="test.json")
    assert exc.value.response["Error"]["Code"] == "NoSuchKey"


def test_a_lambda_integration_reads_with_its_credentials(node) -> None:
    gateway = client(node, "apigateway")
    api_id = client(node, "cloudformation").describe_stack_resource(
        StackName="recorded-integrations", LogicalResourceId="Api"
    )["StackResourceDetail"]["PhysicalResourceId"]
    resources = {r["path"]: r["id"] for r in gateway.get_resources(restApiId=api_id)["items"]}
    found = gateway.get_integration(restApiId=api_id, resourceId=resources["/map"],
                                    httpMethod="POST")
    assert (found["type"], found["httpMethod"]) == ("AWS", "POST")
    assert found["credentials"].startswith("arn:aws:iam::")
    files = gateway.get_integration(restApiId=api_id,
                                    resourceId=resources["/files/{object_path+}"],
                                    httpMethod="ANY")
    assert files["httpMethod"] == "ANY"
