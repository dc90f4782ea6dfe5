"""Who API Gateway and function URLs say they are when they invoke a function, and what the
client and the node's log get when the function's policy refuses them."""
from __future__ import annotations

import json
import logging
from dataclasses import replace

import pytest

from fogbank.gateway.function_urls import AWS_IAM
from fogbank.gateway.model import REQUEST, Authorizer
from fogbank.types import InvokeSource

from tests.gateway.test_function_urls import Urls, echo as url_echo

ARN = "arn:aws:execute-api:us-east-1:123456789012"
API_GATEWAY = "apigateway.amazonaws.com"


def allow_all(event, context):
    return {"principalId": "u", "policyDocument": {"Version": "2012-10-17", "Statement": [
        {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"}]}}


def test_a_rest_integration_names_the_path_requested(gateway, rest_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"GET /items/{id}": "fn", "GET /": "fn"}))
    assert gateway.request("GET", gateway.url("rest123456", "Prod", "/items/42")).status_code \
        == 200
    assert gateway.request("GET", gateway.url("rest123456", "Prod", "/")).status_code == 200
    assert gateway.runtime.sources == [
        InvokeSource(API_GATEWAY, f"{ARN}:rest123456/Prod/GET/items/42", "123456789012"),
        InvokeSource(API_GATEWAY, f"{ARN}:rest123456/Prod/GET/", "123456789012")]


def test_an_http_integration_names_its_route(gateway, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"GET /items/{id}": "fn", "$default": "fn"}))
    gateway.request("GET", gateway.url("abcdef1234", path="/items/42"))
    gateway.request("POST", gateway.url("abcdef1234", path="/elsewhere"))
    assert [source.source_arn for source in gateway.runtime.sources] == [
        f"{ARN}:abcdef1234/$default/GET/items/{{id}}", f"{ARN}:abcdef1234/$default/$default"]


@pytest.mark.parametrize("make, api_id, stage, body", [
    ("rest_api", "rest123456", "Prod", {"message": "Internal server error"}),
    ("http_api", "abcdef1234", "$default", {"message": "Internal Server Error"}),
])
def test_a_refused_integration_is_a_500_and_one_warning(request, gateway, echo, caplog, make,
                                                        api_id, stage, body) -> None:
    name = f"guarded-{api_id}"
    gateway.runtime.handlers[name] = echo
    gateway.runtime.refusing.add(name)
    gateway.apis.put(request.getfixturevalue(make)({"GET /items/{id}": name}))
    with caplog.at_level(logging.WARNING, logger="fogbank.gateway"):
        answers = [gateway.request("GET", gateway.url(api_id, stage, f"/items/{n}"))
                   for n in (1, 2)]
    assert [(r.status_code, r.json()) for r in answers] == [(500, body)] * 2
    assert gateway.runtime.events == []          # the function never ran
    warnings = [r.getMessage() for r in caplog.records if name in r.getMessage()]
    assert len(warnings) == 1
    assert "GET /items/{id}" in warnings[0] and "AWS::Lambda::Permission" in warnings[0]


@pytest.mark.parametrize("make, api_id, stage, body", [
    ("rest_api", "rest123456", "Prod", {"message": None}),
    ("http_api", "abcdef1234", "$default", {"message": "Internal Server Error"}),
])
def test_an_authorizer_names_itself_and_a_refused_one_is_a_500(request, gateway, echo, make,
                                                               api_id, stage, body) -> None:
    gateway.runtime.handlers.update(fn=echo, auth=allow_all)
    api = request.getfixturevalue(make)({"GET /items": "fn"})
    header = {"rest_api": "method.request.header.X-Token",
              "http_api": "$request.header.X-Token"}[make]
    authorizer = Authorizer("Auth", REQUEST, function="auth", ttl_s=0,
                            identity_sources=(header,))
    routes = {key: replace(route, authorizer_id="au7") for key, route in api.routes.items()}
    gateway.apis.put(replace(api, routes=routes, authorizers={"au7": authorizer}))
    url = gateway.url(api_id, stage, "/items")
    assert gateway.request("GET", url, headers={"X-Token": "t"}).status_code == 200
    assert gateway.runtime.sources[0] == InvokeSource(
        API_GATEWAY, f"{ARN}:{api_id}/authorizers/au7", "123456789012")
    gateway.runtime.refusing.add("auth")
    refused = gateway.request("GET", url, headers={"X-Token": "t"})
    assert (refused.status_code, refused.json()) == (500, body)


def test_a_url_anyone_may_call_asks_for_invoke_function_url() -> None:
    urls = Urls(url_echo)
    assert urls.request("GET", urls.path("x")).status_code == 200
    assert urls.runtime.sources == [InvokeSource("*", action="lambda:InvokeFunctionUrl",
                                                 url_auth_type="NONE")]
    urls.runtime.refusing.add("fn")
    refused = urls.request("GET", urls.path("x"))
    assert refused.status_code == 403
    assert refused.json()["Message"].startswith("Forbidden")
    assert refused.headers["x-amzn-errortype"] == "AccessDeniedException"


def test_a_signed_url_caller_is_the_account_and_is_not_asked() -> None:
    urls = Urls(url_echo, auth_type=AWS_IAM)
    urls.runtime.refusing.add("fn")
    signed = {"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20231114/us-east-1/lambda/"
                               "aws4_request, SignedHeaders=host, Signature=abc"}
    r = urls.request("GET", urls.path("x"), headers=signed)
    assert r.status_code == 200, r.text
    assert urls.runtime.sources == [None]
    assert json.loads(r.text)["requestContext"]["authorizer"]["iam"]["accountId"]
