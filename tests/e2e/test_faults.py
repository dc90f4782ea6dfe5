"""Every way a function fails, seen through boto3 and through the HTTP and REST APIs."""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from botocore.exceptions import ClientError

import boto3
from botocore.config import Config

from fogbank.testing import RunningNode

APP = Path(__file__).parent / "apps" / "faults"


@pytest.fixture(scope="module")
def faults(tmp_path_factory) -> Iterator[tuple[RunningNode, dict]]:
    app_dir = tmp_path_factory.mktemp("faults") / "faults"
    shutil.copytree(APP, app_dir)
    node = RunningNode(app_dir, "--no-watch")
    try:
        yield node, node.wait_ready()
    finally:
        node.stop()


def lambda_client(node: RunningNode):
    return boto3.client("lambda", config=Config(retries={"max_attempts": 1}),
                        **node.client_kwargs())


def invoke(node: RunningNode, name: str, payload: bytes = b"{}") -> tuple[dict, dict]:
    resp = lambda_client(node).invoke(FunctionName=name, Payload=payload)
    return resp, json.loads(resp["Payload"].read())


def http_api(info: dict) -> str:
    (url,) = [u for k, u in info["apis"].items() if "ServerlessHttpApi" in k]
    return url.rstrip("/")


def rest_api(info: dict) -> str:
    (url,) = [u for k, u in info["apis"].items() if "ServerlessRestApi" in k]
    return url.rstrip("/")


def test_rest_api_event_keeps_header_names_as_sent(faults) -> None:
    _, info = faults
    r = httpx.get(rest_api(info) + "/echo/a", headers=[("X-API-Version", "3"),
                                                       ("x-lower", "l"), ("X-Twice", "1"),
                                                       ("x-twice", "2")])
    event = r.json()
    headers, multi = event["headers"], event["multiValueHeaders"]
    assert headers["X-API-Version"] == "3" and multi["X-API-Version"] == ["3"]
    assert headers["x-lower"] == "l" and "X-Lower" not in headers
    assert headers["User-Agent"].startswith("python-httpx/")
    assert headers["Host"].startswith("127.0.0.1:")
    # The headers API Gateway adds, spelled as a REST API spells them.
    # The client, then CloudFront (the node stands for it): the API is edge-optimized.
    assert headers["X-Forwarded-For"] == "127.0.0.1, 127.0.0.1"
    assert headers["X-Forwarded-Proto"] == "http"
    assert headers["X-Amzn-Trace-Id"].startswith("Root=1-")
    assert event["requestContext"]["identity"]["userAgent"] == headers["User-Agent"]


def test_unhandled_exception(faults) -> None:
    node, _ = faults
    resp, body = invoke(node, "raises")
    assert resp["FunctionError"] == "Unhandled"
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"] == "something broke"
    assert body["requestId"] and isinstance(body["stackTrace"], list)


def test_timeout(faults) -> None:
    node, _ = faults
    resp, body = invoke(node, "sleeps")
    assert resp["FunctionError"] == "Unhandled"
    assert "Task timed out after 1.00 seconds" in body["errorMessage"]


def test_memory_exhaustion_fails_and_node_keeps_serving(faults) -> None:
    node, _ = faults
    resp, body = invoke(node, "hog")
    assert resp["FunctionError"] == "Unhandled"
    assert body["errorType"].startswith("Runtime.")
    assert "Runtime exited" in body["errorMessage"]
    _, ok = invoke(node, "echo", b'{"still": "here"}')
    assert ok == {"still": "here"}


def test_reserved_concurrency_zero_throttles(faults) -> None:
    node, info = faults
    with pytest.raises(ClientError) as exc:
        invoke(node, "throttled")
    assert exc.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    r = httpx.get(http_api(info) + "/throttled")
    assert r.status_code == 429


def test_missing_module_and_handler(faults) -> None:
    node, _ = faults
    resp, body = invoke(node, "nomodule")
    assert resp["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert "No module named 'missing'" in body["errorMessage"]
    resp, body = invoke(node, "nohandler")
    assert body["errorType"] == "Runtime.HandlerNotFound"


def test_unknown_function(faults) -> None:
    node, _ = faults
    with pytest.raises(ClientError) as exc:
        invoke(node, "nope")
    err = exc.value.response["Error"]
    assert err["Code"] == "ResourceNotFoundException"
    assert "Function not found" in err["Message"]


def test_bad_json_payload(faults) -> None:
    node, _ = faults
    with pytest.raises(ClientError) as exc:
        invoke(node, "echo", b"{not json")
    assert exc.value.response["Error"]["Code"] == "InvalidRequestContentException"


def test_oversized_payloads(faults) -> None:
    node, _ = faults
    big = b'{"x": "' + b"a" * (6 * 1024 * 1024) + b'"}'
    with pytest.raises(ClientError) as exc:
        invoke(node, "echo", big)
    assert exc.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
    client = lambda_client(node)
    async_big = b'{"x": "' + b"a" * (1024 * 1024) + b'"}'
    with pytest.raises(ClientError) as exc:
        client.invoke(FunctionName="echo", InvocationType="Event", Payload=async_big)
    assert exc.value.response["Error"]["Code"] == "RequestEntityTooLargeException"


def test_http_api_error_statuses(faults) -> None:
    _, info = faults
    r = httpx.get(http_api(info) + "/raises")
    assert (r.status_code, r.json()) == (500, {"message": "Internal Server Error"})
    r = httpx.get(http_api(info) + "/sleeps", timeout=30)
    assert r.status_code == 503
    r = httpx.get(rest_api(info) + "/raises")
    assert (r.status_code, r.json()) == (502, {"message": "Internal server error"})


def test_integration_timeout_answers_and_the_function_runs_on(faults) -> None:
    node, info = faults
    for url, answer in ((http_api(info) + "/slow", (503, {"message": "Service Unavailable"})),
                        (rest_api(info) + "/slow",
                         (504, {"message": "Endpoint request timed out"}))):
        started = time.monotonic()
        r = httpx.get(url, timeout=30)
        assert (r.status_code, r.json()) == answer
        assert time.monotonic() - started < 1.4        # the 300 ms TimeoutInMillis, not 1.5 s
    deadline = time.monotonic() + 30
    while node.logs("slow").count("slow finished") < 2:
        assert time.monotonic() < deadline, node.logs("slow")
        time.sleep(0.2)


def test_the_function_continues_the_trace_api_gateway_hands_it(faults) -> None:
    _, info = faults
    r = httpx.get(rest_api(info) + "/echo/traced")
    handed = r.json()["headers"]["X-Amzn-Trace-Id"]            # Root=1-…, in the event
    seen = dict(part.split("=", 1) for part in r.headers["x-function-trace"].split(";"))
    assert f"Root={seen['Root']}" == handed
    assert set(seen) == {"Root", "Parent", "Sampled"}


def test_http_api_event_reaches_the_function(faults) -> None:
    _, info = faults
    r = httpx.post(http_api(info) + "/echo/a/b?x=1&x=2", content=b'{"k": 1}',
                   headers={"content-type": "application/json", "X-Custom": "v",
                            "X-API-Version": "3"})
    event = r.json()
    assert event["version"] == "2.0"
    # An HTTP API lower-cases header names, its own included.
    assert event["headers"]["x-api-version"] == "3"
    assert all(name == name.lower() for name in event["headers"])
    assert event["rawPath"].endswith("/echo/a/b")
    assert event["pathParameters"] == {"proxy": "a/b"}
    assert event["queryStringParameters"] == {"x": "1,2"}
    assert event["headers"]["x-custom"] == "v"
    assert event["requestContext"]["http"]["method"] == "POST"
    assert json.loads(event["body"]) == {"k": 1}


def test_unsupported_resource_is_a_warning(faults) -> None:
    node, info = faults
    assert any("AWS::Route53::HostedZone" in w and "Unsupported" in w
               for w in info["warnings"])
    assert "AWS::Route53::HostedZone" in node.output()
