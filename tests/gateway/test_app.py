"""GatewayApp end to end: addressing, stages, the gateway's own error answers."""
from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from fogbank.gateway.model import Integration, MockResponse
from fogbank.types import ResourceNotFound, TooManyRequests


def ok(event, context):
    return {"statusCode": 200, "body": "ok"}


def test_host_based_and_path_based_addressing(gateway, http_api, rest_api) -> None:
    gateway.runtime.handlers["fn"] = ok
    gateway.apis.put(http_api({"GET /hi": "fn"}))
    gateway.apis.put(rest_api({"GET /hi": "fn"}))
    assert gateway.request("GET", "http://127.0.0.1:4566/_aws/execute-api/abcdef1234/hi").text \
        == "ok"
    assert gateway.request("GET", "http://abcdef1234.execute-api.localhost:4566/hi").text == "ok"
    r = gateway.request("GET", "http://rest123456.execute-api.localhost:4566/Prod/hi")
    assert r.text == "ok"
    event = gateway.runtime.event
    assert event["requestContext"]["domainName"] == "rest123456.execute-api.localhost:4566"
    assert event["requestContext"]["path"] == "/Prod/hi"


def test_named_stages_and_default_stage(gateway, http_api) -> None:
    gateway.runtime.handlers["fn"] = ok
    gateway.apis.put(http_api({"GET /prod/x": "fn", "GET /x": "fn"},
                              stages={"$default": {}, "prod": {"env": "p"}}))
    gateway.request("GET", gateway.url("abcdef1234", "prod", "/x"))
    assert gateway.runtime.event["requestContext"]["stage"] == "prod"
    # Without a stage segment, the $default stage serves the whole path.
    gateway.request("GET", gateway.url("abcdef1234", path="/x"))
    assert gateway.runtime.event["requestContext"]["stage"] == "$default"


def test_http_api_without_default_stage_needs_a_stage(gateway, http_api) -> None:
    gateway.runtime.handlers["fn"] = ok
    gateway.apis.put(http_api({"GET /x": "fn"}, stages={"prod": {}}))
    r = gateway.request("GET", gateway.url("abcdef1234", path="/x"))
    assert (r.status_code, r.json()) == (404, {"message": "Not Found"})


def test_stage_variable_names_the_function(gateway, http_api) -> None:
    gateway.runtime.handlers["fn-prod"] = ok
    api = http_api({"GET /x": "fn"}, stages={"prod": {"fn": "fn-prod"}, "dev": {}})
    api.integrations["GET /x"] = Integration(function="${stageVariables.fn}")
    gateway.apis.put(api)
    assert gateway.request("GET", gateway.url("abcdef1234", "prod", "/x")).text == "ok"
    assert gateway.runtime.calls == ["fn-prod"]
    r = gateway.request("GET", gateway.url("abcdef1234", "dev", "/x"))
    assert (r.status_code, r.json()) == (500, {"message": "Internal Server Error"})


def test_no_route(gateway, http_api, rest_api) -> None:
    gateway.apis.put(http_api({"GET /x": "fn"}))
    gateway.apis.put(rest_api({"GET /x": "fn"}))
    r = gateway.request("GET", gateway.url("abcdef1234", path="/nowhere"))
    assert (r.status_code, r.json()) == (404, {"message": "Not Found"})
    assert r.headers["apigw-requestid"]
    r = gateway.request("GET", gateway.url("rest123456", "Prod", "/nowhere"))
    assert (r.status_code, r.json()) == (403, {"message": "Missing Authentication Token"})
    assert r.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    assert r.headers["x-amzn-requestid"] and r.headers["x-amz-apigw-id"]


def test_rest_api_answers_with_the_trace_id_it_gave_the_function(gateway, http_api,
                                                                 rest_api) -> None:
    gateway.runtime.handlers["fn"] = ok
    gateway.apis.put(rest_api({"GET /x": "fn"}))
    r = gateway.request("GET", gateway.url("rest123456", "Prod", "/x"))
    sent = {k.lower(): v for k, v in gateway.runtime.event["headers"].items()}
    assert r.headers["x-amzn-trace-id"] == sent["x-amzn-trace-id"]
    assert r.headers["x-amzn-trace-id"].startswith("Root=1-")
    # A request refused before any integration runs starts no trace.
    r = gateway.request("GET", gateway.url("rest123456", "Prod", "/nowhere"))
    assert r.status_code == 403 and "x-amzn-trace-id" not in r.headers
    # HTTP APIs send only their request id.
    gateway.apis.put(http_api({"GET /x": "fn"}))
    r = gateway.request("GET", gateway.url("abcdef1234", path="/x"))
    assert r.headers["apigw-requestid"] and "x-amzn-trace-id" not in r.headers


def test_rest_api_unknown_stage_is_forbidden(gateway, rest_api) -> None:
    gateway.apis.put(rest_api({"GET /x": "fn"}))
    r = gateway.request("GET", gateway.url("rest123456", "Beta", "/x"))
    assert (r.status_code, r.json()) == (403, {"message": "Forbidden"})
    r = gateway.request("GET", gateway.url("rest123456", path="/"))
    assert (r.status_code, r.json()) == (403, {"message": "Forbidden"})


def test_unknown_api(gateway) -> None:
    r = gateway.request("GET", gateway.url("nosuchapi0", path="/x"))
    assert (r.status_code, r.json()) == (404, {"message": "Not Found"})
    r = gateway.request("GET", "http://127.0.0.1:4566/_aws/execute-api/")
    assert r.status_code == 404


def raises(event, context):
    raise ValueError("boom")


def throttled(event, context):
    raise TooManyRequests("Rate Exceeded.")


def missing(event, context):
    raise ResourceNotFound("Function not found")


@pytest.mark.parametrize("handler, http_answer, rest_answer", [
    (raises, (500, "Internal Server Error"), (502, "Internal server error")),
    ("timeout", (503, "Service Unavailable"), (504, "Endpoint request timed out")),
    (throttled, (429, "Too Many Requests"), (429, "Too Many Requests")),
])
def test_invocation_failures(gateway, http_api, rest_api, handler, http_answer,
                             rest_answer) -> None:
    if handler == "timeout":
        def handler(event, context):
            raise gateway.TimedOut()
    gateway.runtime.handlers["fn"] = handler
    gateway.apis.put(http_api({"GET /x": "fn"}))
    gateway.apis.put(rest_api({"GET /x": "fn"}))
    r = gateway.request("GET", gateway.url("abcdef1234", path="/x"))
    assert (r.status_code, r.json()) == (http_answer[0], {"message": http_answer[1]})
    r = gateway.request("GET", gateway.url("rest123456", "Prod", "/x"))
    assert (r.status_code, r.json()) == (rest_answer[0], {"message": rest_answer[1]})


def test_function_that_cannot_be_invoked(gateway, http_api, rest_api) -> None:
    gateway.runtime.handlers["fn"] = missing
    gateway.apis.put(http_api({"GET /x": "fn"}))
    gateway.apis.put(rest_api({"GET /x": "fn"}))
    r = gateway.request("GET", gateway.url("abcdef1234", path="/x"))
    assert (r.status_code, r.json()) == (500, {"message": "Internal Server Error"})
    r = gateway.request("GET", gateway.url("rest123456", "Prod", "/x"))
    assert (r.status_code, r.json()) == (500, {"message": "Internal server error"})


def test_payload_over_10_mb(gateway, http_api, rest_api) -> None:
    gateway.runtime.handlers["fn"] = ok
    gateway.apis.put(http_api({"POST /x": "fn"}))
    gateway.apis.put(rest_api({"POST /x": "fn"}))
    big = b"a" * (10 * 1024 * 1024 + 1)
    r = gateway.request("POST", gateway.url("abcdef1234", path="/x"), content=big)
    assert (r.status_code, r.json()) == (413, {"message": "Request Entity Too Large"})
    r = gateway.request("POST", gateway.url("rest123456", "Prod", "/x"), content=big)
    assert (r.status_code, r.json()) == (413, {"message": "Request Too Long"})
    assert gateway.runtime.calls == []
    exact = b"a" * (10 * 1024 * 1024)
    assert gateway.request("POST", gateway.url("abcdef1234", path="/x"),
                           content=exact).status_code == 200


def test_streamed_body_over_the_limit(gateway, http_api) -> None:
    gateway.runtime.handlers["fn"] = ok
    gateway.apis.put(http_api({"POST /x": "fn"}))

    async def chunks():
        for _ in range(11):
            yield b"a" * (1024 * 1024)
    r = gateway.request("POST", gateway.url("abcdef1234", path="/x"), content=chunks())
    assert r.status_code == 413
    assert gateway.runtime.calls == []


def test_mock_integration_answers_without_a_function(gateway, rest_api) -> None:
    api = rest_api({"OPTIONS /x": "unused"})
    api.integrations["OPTIONS /x"] = Integration(mock=MockResponse(
        200, ((b"access-control-allow-origin", b"*"),), b"{}"))
    gateway.apis.put(api)
    r = gateway.request("OPTIONS", gateway.url("rest123456", "Prod", "/x"))
    assert (r.status_code, r.text) == (200, "{}")
    assert r.headers["access-control-allow-origin"] == "*"
    assert gateway.runtime.calls == []


def test_removed_api_is_no_longer_served(gateway, http_api) -> None:
    gateway.runtime.handlers["fn"] = ok
    gateway.apis.put(http_api({"GET /x": "fn"}))
    assert gateway.request("GET", gateway.url("abcdef1234", path="/x")).status_code == 200
    gateway.apis.remove("abcdef1234")
    assert gateway.request("GET", gateway.url("abcdef1234", path="/x")).status_code == 404


def test_client_gone_before_the_body_arrived(gateway, http_api) -> None:
    gateway.runtime.handlers["fn"] = ok
    gateway.apis.put(http_api({"POST /x": "fn"}))
    sent: list[dict] = []

    async def receive():
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
    scope = {"type": "http", "method": "POST", "path": "/_aws/execute-api/abcdef1234/x",
             "raw_path": b"/_aws/execute-api/abcdef1234/x", "query_string": b"",
             "headers": [(b"host", b"127.0.0.1:4566")]}
    asyncio.run(gateway.app(scope, receive, send))
    assert sent == [] and gateway.runtime.calls == []


def test_integration_timeout_answers_while_the_function_runs_on(gateway, http_api,
                                                                rest_api) -> None:
    async def slow(event, context):
        await asyncio.sleep(0.5)
        return {"statusCode": 200, "body": "late"}

    gateway.runtime.handlers["fn"] = slow
    fast = replace(http_api({"GET /x": "fn"}), integrations={
        "GET /x": Integration(function="fn", payload_version="2.0", timeout_ms=100)})
    gateway.apis.put(fast)
    r = gateway.request("GET", gateway.url("abcdef1234", path="/x"))
    assert (r.status_code, r.json()) == (503, {"message": "Service Unavailable"})
    rest = rest_api({"GET /x": "fn"})
    gateway.apis.put(replace(rest, integrations={
        key: replace(i, timeout_ms=100) for key, i in rest.integrations.items()}))
    r = gateway.request("GET", gateway.url("rest123456", "Prod", "/x"))
    assert (r.status_code, r.json()) == (504, {"message": "Endpoint request timed out"})


def test_the_function_continues_the_trace_of_the_event(gateway, http_api) -> None:
    gateway.runtime.handlers["fn"] = ok
    gateway.apis.put(http_api({"GET /x": "fn"}))
    gateway.request("GET", gateway.url("abcdef1234", path="/x"))
    assert gateway.runtime.traces[-1] == gateway.runtime.event["headers"]["x-amzn-trace-id"]
