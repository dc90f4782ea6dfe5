"""Wrong requests to the REST-JSON services (Lambda, @connections) never get a 500: each
gets a 4xx (or 501 for an operation not served) with the error type in `x-amzn-ErrorType`
and a JSON body, and the endpoint answers a good request afterwards.

Requests are made from every operation of botocore's models: labels, query values,
headers and body members each given wrong values over real HTTP.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterator
from urllib.parse import urlencode

import httpx
import pytest
from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import FakeRuntime, serve
from fogbank.aws import SdkApp
from fogbank.aws.apigw_management import ManagementService
from fogbank.aws.lambda_api import CodeLinks, LambdaService
from fogbank.connections.errors import Gone

LABELS = ["fn", "x" * 300, "%ff%fe", "%00", "a:b:c:d:e:f:g", "arn:aws:lambda:us-east-1:1:function:f"]
QUERY_VALUES = ["x", "-1", "99999999999999999999999", "1e999", "", "%ff", "nan"]
BODY_VALUES = [None, "x", 1, -1, 1.5, True, [], {}, [None], {"a": None}, "x" * 70_000, 2**70,
               1e308, [[]], [{}]]
BODIES = [b"", b"{}", b"null", b"[]", b"1", b'"x"', b"{", b"\xff\xfe", b"[" * 1000]

_LOADER = Loader()


def _operations(service: str) -> list[OperationModel]:
    model = ServiceModel(_LOADER.load_service_model(service, "service-2"), service)
    return [model.operation_model(name) for name in model.operation_names]


OPERATIONS = _operations("lambda") + _operations("apigatewaymanagementapi")


class NoConnections:
    """A connection registry with no connections: every id is gone."""

    def describe(self, connection_id: str, api_id: str | None = None,
                 stage: str | None = None) -> Any:
        raise Gone()

    async def post(self, connection_id: str, data: bytes, api_id: str | None = None,
                   stage: str | None = None) -> None:
        raise Gone()

    async def disconnect(self, connection_id: str, api_id: str | None = None,
                         stage: str | None = None) -> None:
        raise Gone()


class NoQueue:
    async def enqueue(self, function_name: str, payload: bytes, *,
                      request_id: str | None = None) -> str:
        return request_id or "queued"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    runtime = FakeRuntime(tmp_path_factory.mktemp("malformed"))
    runtime.add("fn", lambda event, context: event)
    links = CodeLinks("http://127.0.0.1:1", runtime)      # no test here follows a link
    app = SdkApp({"lambda": LambdaService(runtime, NoQueue(), links),
                  "apigatewaymanagementapi": ManagementService(NoConnections())})
    yield from serve(app)


def _path(operation: OperationModel, label: str) -> str:
    path = operation.http["requestUri"]
    return re.sub(r"\{[^}]+\}", label, path)


def _send(url: str, operation: OperationModel, path: str, body: bytes,
          headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.request(operation.http["method"], url + path, content=body, timeout=30,
                         headers={"Content-Type": "application/json", **(headers or {})})


def assert_rest_json_error(response: httpx.Response) -> None:
    """A client error (or 501 for an operation not served), named in `x-amzn-ErrorType`,
    with a JSON object body (GoneException's is empty: its shape has no members)."""
    status = response.status_code
    assert 400 <= status < 500 or status == 501, (status, response.text)
    assert response.headers.get("x-amzn-errortype"), response.headers
    body = response.json()
    assert isinstance(body, dict)
    if response.headers["x-amzn-errortype"] != "GoneException":
        assert body.get("message") or body.get("Message"), body


def _answered(response: httpx.Response) -> None:
    if response.status_code >= 300:
        assert_rest_json_error(response)


_FUZZ = settings(max_examples=200, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


@_FUZZ
@given(operation=st.sampled_from(OPERATIONS), label=st.sampled_from(LABELS),
       body=st.sampled_from(BODIES))
def test_any_operation_with_any_label_and_body_gets_a_client_error(url, operation, label, body):
    _answered(_send(url, operation, _path(operation, label), body))


def _members(location: str | None) -> list[tuple[OperationModel, str, Any]]:
    found = []
    for operation in OPERATIONS:
        shape = operation.input_shape
        for name, member in (shape.members.items() if shape else ()):
            if member.serialization.get("location") == location:
                found.append((operation, member.serialization.get("name", name), member))
    return found


@_FUZZ
@given(target=st.sampled_from(_members(None)), value=st.sampled_from(BODY_VALUES))
def test_a_body_member_of_the_wrong_type_gets_a_client_error(url, target, value):
    operation, wire, _ = target
    body = json.dumps({wire: value}).encode()
    _answered(_send(url, operation, _path(operation, "fn"), body))


@_FUZZ
@given(target=st.sampled_from(_members("querystring") + _members("header")),
       value=st.sampled_from(QUERY_VALUES))
def test_a_wrong_query_or_header_value_gets_a_client_error(url, target, value):
    operation, wire, member = target
    path = _path(operation, "fn")
    if member.serialization["location"] == "querystring":
        path += ("&" if "?" in path else "?") + urlencode({wire: value})
        _answered(_send(url, operation, path, b""))
    else:
        _answered(_send(url, operation, path, b"", {wire: value}))


def test_a_json_null_body_binds_no_member(url):
    # PutFunctionConcurrency has body members; a null body used to fail inside the parser.
    operation = next(op for op in OPERATIONS if op.name == "PutFunctionConcurrency")
    response = _send(url, operation, _path(operation, "fn"), b"null")
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"] == "ValidationException"
    assert response.json()["message"] == (
        "1 validation error detected: Value null at 'reservedConcurrentExecutions' failed to "
        "satisfy constraint: Member must not be null")


def test_the_endpoint_still_answers_a_good_request(url):
    for operation in OPERATIONS[::5]:
        _send(url, operation, _path(operation, "%ff"), b"[")
    listed = httpx.get(url + "/2015-03-31/functions/", timeout=30)
    assert listed.status_code == 200
    assert [f["FunctionName"] for f in listed.json()["Functions"]] == ["fn"]
