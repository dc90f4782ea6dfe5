"""A REST API's AWS service and mock integrations under `fogbank up`, driven with httpx:
DynamoDB PutItem and Query actions and an S3 GET behind methods with no function, their
requests and answers mapped by Velocity templates, a MOCK whose request template picks its
status; and the integrations as `aws apigateway get-method` and its neighbours show them."""
from __future__ import annotations

from typing import Iterator

import httpx
import pytest
from botocore.exceptions import ClientError

from fogbank.testing import RunningNode

from .conftest import api_url, serving_copy
from .test_stack_reads import client


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    with serving_copy(tmp_path_factory, "service_integrations",
                      "service-integrations") as running:
        yield running


@pytest.fixture(scope="module")
def url(node: RunningNode) -> str:
    return api_url(node, "StoreApi")


def _resource(node: RunningNode, logical_id: str) -> str:
    return client(node, "cloudformation").describe_stack_resource(
        StackName="service-integrations", LogicalResourceId=logical_id
    )["StackResourceDetail"]["PhysicalResourceId"]


def test_put_item_then_query_through_dynamodb_actions(node, url) -> None:
    r = httpx.post(f"{url}/customers/ann/orders", json={"item": 'tea "green"', "quantity": 2},
                   timeout=60)
    assert r.status_code == 201, r.text
    order_id = r.json()["id"]
    assert order_id == r.headers["x-amzn-requestid"]
    table = _resource(node, "OrdersTable")
    item = client(node, "dynamodb").get_item(
        TableName=table, Key={"customer": {"S": "ann"}, "id": {"S": order_id}})["Item"]
    assert item["item"] == {"S": 'tea "green"'} and item["quantity"] == {"N": "2"}
    httpx.post(f"{url}/customers/ann/orders", json={"item": "cup", "quantity": 1}, timeout=60)
    r = httpx.get(f"{url}/customers/ann/orders", timeout=60)
    assert r.status_code == 200, r.text
    assert r.headers["x-count"] == "2"
    assert sorted(r.json()["orders"], key=lambda o: o["item"]) == [
        {"item": "cup", "quantity": 1}, {"item": 'tea "green"', "quantity": 2}]


def test_a_dynamodb_refusal_selects_the_400_response(url) -> None:
    r = httpx.post(f"{url}/customers/bo/orders", json={"item": "mug"}, timeout=60)
    assert r.status_code == 400
    assert r.json()["error"]          # DynamoDB's message for the empty number


def test_never_passing_through_refuses_other_content_types(url) -> None:
    r = httpx.post(f"{url}/customers/bo/orders", content=b"item=mug", timeout=60,
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (r.status_code, r.json()) == (415, {"message": "Unsupported Media Type"})


def test_an_s3_get_reads_the_object_the_path_names(node, url) -> None:
    bucket = _resource(node, "Photos")
    client(node, "s3").put_object(Bucket=bucket, Key="cat.txt", Body=b"meow",
                                  ContentType="text/plain")
    r = httpx.get(f"{url}/photos/cat.txt", timeout=60)
    assert (r.status_code, r.content, r.headers["content-type"]) == (200, b"meow",
                                                                     "text/plain")
    r = httpx.get(f"{url}/photos/dog.txt", timeout=60)
    assert (r.status_code, r.json()) == (404, {"message": "no such photo"})


def test_a_mock_renders_its_templates(url) -> None:
    r = httpx.get(f"{url}/health", timeout=60)
    assert (r.status_code, r.json()) == (200, {"status": "ok", "stage": "live"})
    r = httpx.get(f"{url}/health?deep=yes", timeout=60)
    assert (r.status_code, r.json(), r.headers["retry-after"]) == (503, {"status": "degraded"},
                                                                   "30")


def test_the_integrations_read_as_deployed(node) -> None:
    gateway = client(node, "apigateway")
    api_id = _resource(node, "StoreApi")
    resources = {r["path"]: r["id"] for r in gateway.get_resources(restApiId=api_id)["items"]}
    orders = resources["/customers/{customer}/orders"]
    put = gateway.get_integration(restApiId=api_id, resourceId=orders, httpMethod="POST")
    assert (put["type"], put["httpMethod"], put["passthroughBehavior"]) == ("AWS", "POST",
                                                                            "NEVER")
    assert put["uri"] == "arn:aws:apigateway:us-east-1:dynamodb:action/PutItem"
    assert put["credentials"].endswith(":role/" + _resource(node, "ApiRole"))
    assert '"TableName"' in put["requestTemplates"]["application/json"]
    assert put["integrationResponses"]["400"]["selectionPattern"] == "4\\d{2}"
    method = gateway.get_method(restApiId=api_id, resourceId=orders, httpMethod="GET")
    assert method["methodIntegration"]["uri"].endswith(":dynamodb:action/Query")
    photo = gateway.get_integration(restApiId=api_id, resourceId=resources["/photos/{name}"],
                                    httpMethod="GET")
    assert photo["requestParameters"] == {
        "integration.request.path.key": "method.request.path.name"}
    mock = gateway.get_integration_response(restApiId=api_id, resourceId=resources["/health"],
                                            httpMethod="GET", statusCode="503")
    assert mock["responseParameters"] == {"method.response.header.Retry-After": "'30'"}
    with pytest.raises(ClientError) as exc:
        gateway.get_integration_response(restApiId=api_id, resourceId=resources["/health"],
                                         httpMethod="GET", statusCode="418")
    assert exc.value.response["Error"]["Message"] == "Invalid Response status code specified"
