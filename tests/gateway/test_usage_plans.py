"""API keys and usage plans: admission, throttles and quotas on a controlled clock; the
OpenAPI and CloudFormation forms that require a key; a key named by a Lambda authorizer;
the template errors of the three resources."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.apis import ApiProviders
from fogbank.deploy.providers.usage_plans import usage_plan_providers
from fogbank.gateway.errors import FORBIDDEN, QUOTA_EXCEEDED, THROTTLED, GatewayError
from fogbank.gateway.model import REST, TOKEN, Api, Authorizer, Integration, Route, Stage
from fogbank.gateway.openapi import import_body
from fogbank.gateway.usage_plans import (ApiKey, PlanStage, Quota, Throttle, UsagePlan,
                                         UsagePlans, period_of)
from fogbank.types import Resource

DAY_START = 1_767_225_600.0          # 2026-01-01T00:00:00Z, a Thursday


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def plans(throttle: Throttle | None = None, quota: Quota | None = None,
          methods: dict[str, Throttle] | None = None) -> tuple[UsagePlans, Clock]:
    clock = Clock(DAY_START)
    usage = UsagePlans(monotonic=clock, clock=clock)
    usage.put_key(ApiKey("k1", "one", "a" * 20))
    usage.put_key(ApiKey("k2", "off", "b" * 20, enabled=False))
    usage.put_key(ApiKey("k3", "elsewhere", "c" * 20))
    usage.put_plan(UsagePlan("p1", "plan", (PlanStage("api", "prod", methods or {}),),
                             throttle, quota))
    usage.put_plan(UsagePlan("p2", "other", (PlanStage("api", "dev"),)))
    for key_id in ("k1", "k2"):
        usage.link("p1", key_id)
    usage.link("p2", "k3")
    return usage, clock


def refusal(usage: UsagePlans, value: str | None, stage: str = "prod",
            method: str = "GET", path: str = "/items") -> str:
    with pytest.raises(GatewayError) as caught:
        usage.admit("api", stage, method, path, value)
    return caught.value.kind


def test_only_an_enabled_key_in_a_plan_for_the_stage_is_admitted() -> None:
    usage, _ = plans()
    assert usage.admit("api", "prod", "GET", "/items", "a" * 20).key_id == "k1"
    for value in (None, "", "z" * 20, "b" * 20, "c" * 20):
        assert refusal(usage, value) == FORBIDDEN, value
    assert refusal(usage, "a" * 20, stage="dev") == FORBIDDEN      # p1 covers prod only
    assert usage.admit("api", "dev", "GET", "/items", "c" * 20).key_id == "k3"


def test_a_removed_key_or_plan_admits_nothing() -> None:
    usage, _ = plans()
    usage.unlink("p1", "k1")
    assert refusal(usage, "a" * 20) == FORBIDDEN
    usage.link("p1", "k1")
    usage.remove_plan("p1")
    assert refusal(usage, "a" * 20) == FORBIDDEN
    usage.remove_key("k3")
    assert refusal(usage, "c" * 20, stage="dev") == FORBIDDEN


def test_a_new_value_replaces_the_old_one() -> None:
    usage, _ = plans()
    usage.put_key(ApiKey("k1", "one", "n" * 20))
    assert refusal(usage, "a" * 20) == FORBIDDEN
    assert usage.admit("api", "prod", "GET", "/items", "n" * 20).key_id == "k1"


def test_the_throttle_is_a_token_bucket_per_key() -> None:
    usage, clock = plans(throttle=Throttle(rate=2, burst=3))
    for _ in range(3):
        usage.admit("api", "prod", "GET", "/items", "a" * 20)
    assert refusal(usage, "a" * 20) == THROTTLED
    clock.now += 0.5                                  # one token back at 2 a second
    usage.admit("api", "prod", "GET", "/items", "a" * 20)
    assert refusal(usage, "a" * 20) == THROTTLED
    clock.now += 60                                   # never more than the burst
    for _ in range(3):
        usage.admit("api", "prod", "GET", "/items", "a" * 20)
    assert refusal(usage, "a" * 20) == THROTTLED


def test_a_method_throttle_replaces_the_plans_for_that_method() -> None:
    usage, _ = plans(throttle=Throttle(rate=100, burst=100),
                     methods={"/items/POST": Throttle(rate=0, burst=1)})
    usage.admit("api", "prod", "POST", "/items", "a" * 20)
    assert refusal(usage, "a" * 20, method="POST") == THROTTLED
    for _ in range(10):                               # other methods keep the plan's
        usage.admit("api", "prod", "GET", "/items", "a" * 20)


def test_a_zero_rate_throttle_refuses_everything_past_its_burst() -> None:
    usage, _ = plans(throttle=Throttle(rate=0, burst=0))
    assert refusal(usage, "a" * 20) == THROTTLED


def test_the_quota_counts_per_period_and_starts_with_its_offset() -> None:
    usage, clock = plans(quota=Quota(limit=3, period="DAY", offset=1))
    for _ in range(2):
        usage.admit("api", "prod", "GET", "/items", "a" * 20)
    assert refusal(usage, "a" * 20) == QUOTA_EXCEEDED
    assert refusal(usage, "a" * 20) == QUOTA_EXCEEDED   # refusals are not counted on
    clock.now += 86_400                                  # the next UTC day: afresh
    for _ in range(3):
        usage.admit("api", "prod", "GET", "/items", "a" * 20)
    assert refusal(usage, "a" * 20) == QUOTA_EXCEEDED


@pytest.mark.parametrize("period, later, same", [
    ("DAY", DAY_START + 86_399, True), ("DAY", DAY_START + 86_400, False),
    ("WEEK", DAY_START + 3 * 86_400, True),              # Thursday → Sunday: one ISO week
    ("WEEK", DAY_START + 4 * 86_400, False),             # → Monday: the next
    ("MONTH", DAY_START + 30 * 86_400, True), ("MONTH", DAY_START + 31 * 86_400, False)])
def test_quota_periods_follow_the_utc_calendar(period: str, later: float, same: bool) -> None:
    assert (period_of(period, DAY_START) == period_of(period, later)) is same


# ------------------------------------------------------------------ definitions

URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
       "arn:aws:lambda:us-east-1:123456789012:function:{}/invocations")


def operation(security: Any = None) -> dict:
    op: dict = {"x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST",
                                                    "uri": URI.format("fn")}}
    if security is not None:
        op["security"] = security
    return op


SCHEMES = {"api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
           "Token": {"type": "apiKey", "name": "Authorization", "in": "header",
                     "x-amazon-apigateway-authtype": "custom",
                     "x-amazon-apigateway-authorizer": {
                         "type": "token", "authorizerUri": URI.format("auth")}}}


def test_openapi_security_naming_the_api_key_scheme_requires_a_key() -> None:
    body = {"swagger": "2.0", "securityDefinitions": SCHEMES,
            "x-amazon-apigateway-api-key-source": "AUTHORIZER",
            "paths": {"/keyed": {"get": operation([{"api_key": []}])},
                      "/both": {"get": operation([{"Token": [], "api_key": []}])},
                      "/token": {"get": operation([{"Token": []}])},
                      "/open": {"get": operation([])}}}
    imported = import_body("api", REST, body)
    routes = {route.path: route for route in imported.routes.values()}
    assert (routes["/keyed"].api_key_required, routes["/keyed"].authorizer_id) == (True, "")
    assert (routes["/both"].api_key_required, routes["/both"].authorizer_id) == (True, "Token")
    assert (routes["/token"].api_key_required, routes["/token"].authorizer_id) == (False,
                                                                                   "Token")
    assert not routes["/open"].api_key_required
    assert imported.api_key_source == "AUTHORIZER"


def test_a_key_named_by_the_authorizer_is_the_one_used(gateway) -> None:
    def authorizer(event: dict, context: Any) -> dict:
        return {"principalId": "p", "usageIdentifierKey": "k" * 20, "policyDocument": {
            "Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"}]}}

    def whoami(event: dict, context: Any) -> dict:
        return {"statusCode": 200, "body": json.dumps(event["requestContext"]["identity"])}

    gateway.runtime.handlers.update(auth=authorizer, fn=whoami)
    gateway.apis.put(Api(
        "keyed12345", REST, routes={"r": Route("GET", "/me", "i", authorizer_id="a",
                                               api_key_required=True)},
        integrations={"i": Integration(function="fn", payload_version="1.0")},
        stages={"prod": Stage("prod")}, api_key_source="AUTHORIZER",
        authorizers={"a": Authorizer("a", TOKEN, function="auth",
                                     identity_sources=("method.request.header.Auth",),
                                     ttl_s=0)}))
    usage = gateway.app.usage
    usage.put_key(ApiKey("kid", "named", "k" * 20))
    usage.put_plan(UsagePlan("plan", "plan", (PlanStage("keyed12345", "prod"),)))
    usage.link("plan", "kid")
    url = gateway.url("keyed12345", "prod", "/me")
    r = gateway.request("GET", url, headers={"Auth": "t", "x-api-key": "ignored"})
    assert r.status_code == 200
    assert (r.json()["apiKey"], r.json()["apiKeyId"]) == ("k" * 20, "kid")
    usage.unlink("plan", "kid")
    refused = gateway.request("GET", url, headers={"Auth": "t"})
    assert (refused.status_code, refused.json()) == (403, {"message": "Forbidden"})


def resource(kind: str, props: dict, logical_id: str = "Res") -> Resource:
    return Resource(logical_id, kind, props, Path("."), "app")


@pytest.fixture
def providers(gateway) -> dict[str, Any]:
    gateway.apis.put(Api("api1234567", REST, stages={"prod": Stage("prod")}))
    return {p.types[0]: p for p in usage_plan_providers(gateway.app.usage, gateway.apis)}


@pytest.mark.parametrize("kind, props, message", [
    ("AWS::ApiGateway::ApiKey", {"Value": "short"}, "Value must be 20 to 128"),
    ("AWS::ApiGateway::ApiKey", {"Value": "has-a-dash-0123456789"}, "letters and digits"),
    ("AWS::ApiGateway::UsagePlan", {"ApiStages": [{"ApiId": "api1234567", "Stage": "dev"}]},
     "names stage dev of API api1234567, which does not exist"),
    ("AWS::ApiGateway::UsagePlan", {"ApiStages": [{"ApiId": "api1234567"}]},
     "needs ApiId and Stage"),
    ("AWS::ApiGateway::UsagePlan", {"Quota": {"Limit": 5, "Period": "HOUR"}},
     "Quota Period must be one of DAY, WEEK, MONTH"),
    ("AWS::ApiGateway::UsagePlan", {"Throttle": {"RateLimit": "fast"}},
     "Throttle RateLimit must be a number"),
    ("AWS::ApiGateway::UsagePlan", {"Throttle": {"BurstLimit": -1}},
     "Throttle BurstLimit must not be negative"),
    ("AWS::ApiGateway::UsagePlanKey", {"KeyId": "x", "KeyType": "API_KEY",
                                       "UsagePlanId": "nope"}, "UsagePlanId nope is not"),
    ("AWS::ApiGateway::UsagePlanKey", {"KeyId": "x", "UsagePlanId": "nope"},
     "KeyType must be API_KEY"),
])
def test_bad_definitions_fail_the_deploy_naming_the_resource(providers, kind: str, props: dict,
                                                             message: str) -> None:
    with pytest.raises(TemplateError) as caught:
        providers[kind].create(resource(kind, props))
    assert "Resource Res:" in str(caught.value) and message in str(caught.value)


def test_two_keys_cannot_share_a_value(providers) -> None:
    kind = "AWS::ApiGateway::ApiKey"
    providers[kind].create(resource(kind, {"Value": "v" * 20, "Enabled": "true"}, "One"))
    with pytest.raises(TemplateError, match="already exists"):
        providers[kind].create(resource(kind, {"Value": "v" * 20}, "Two"))


def test_a_key_linked_to_a_plan_by_hand_is_admitted(gateway, providers) -> None:
    key = providers["AWS::ApiGateway::ApiKey"].create(
        resource("AWS::ApiGateway::ApiKey", {"Enabled": True}, "Key"))
    plan = providers["AWS::ApiGateway::UsagePlan"].create(resource(
        "AWS::ApiGateway::UsagePlan", {"ApiStages": [{"ApiId": "api1234567", "Stage": "prod"}],
                                       "Quota": {"Limit": 1, "Period": "MONTH"}}, "Plan"))
    providers["AWS::ApiGateway::UsagePlanKey"].create(resource(
        "AWS::ApiGateway::UsagePlanKey",
        {"KeyId": key.physical_id, "KeyType": "API_KEY", "UsagePlanId": plan.physical_id}))
    value = key.attributes["GeneratedValue"]
    assert len(value) == 40 and value.isalnum()
    usage = gateway.app.usage
    assert usage.admit("api1234567", "prod", "GET", "/", value).key_id == key.physical_id
    with pytest.raises(GatewayError):
        usage.admit("api1234567", "prod", "GET", "/", value)        # a quota of one


def test_a_hand_written_method_with_api_key_required(gateway, echo) -> None:
    gateway.runtime.handlers.update(fn=echo)
    apis = {p.types[0]: p for p in ApiProviders(gateway.apis).all()}
    api_id = apis["AWS::ApiGateway::RestApi"].create(resource(
        "AWS::ApiGateway::RestApi", {"Name": "a"}, "Api")).physical_id
    root = gateway.apis.get(api_id).root_resource_id
    apis["AWS::ApiGateway::Method"].create(resource("AWS::ApiGateway::Method", {
        "RestApiId": api_id, "ResourceId": root, "HttpMethod": "GET", "ApiKeyRequired": "true",
        "Integration": {"Type": "AWS_PROXY", "Uri": URI.format("fn")}}, "Get"))
    apis["AWS::ApiGateway::Stage"].create(resource("AWS::ApiGateway::Stage", {
        "RestApiId": api_id, "StageName": "v1"}, "Stage"))
    usage = gateway.app.usage
    usage.put_key(ApiKey("kid", "k", "q" * 20))
    usage.put_plan(UsagePlan("plan", "plan", (PlanStage(api_id, "v1"),)))
    usage.link("plan", "kid")
    url = gateway.url(api_id, "v1", "/")
    assert gateway.request("GET", url).status_code == 403
    assert gateway.request("GET", url, headers={"x-api-key": "q" * 20}).status_code == 200
    assert gateway.runtime.event["requestContext"]["identity"]["apiKeyId"] == "kid"


def test_an_unknown_api_key_source_fails_the_deploy(gateway) -> None:
    (rest,) = [p for p in ApiProviders(gateway.apis).all()
               if p.types == ("AWS::ApiGateway::RestApi",)]
    with pytest.raises(TemplateError, match="ApiKeySourceType QUERY is not HEADER or "
                                            "AUTHORIZER"):
        rest.create(resource("AWS::ApiGateway::RestApi", {"ApiKeySourceType": "QUERY"}, "Api"))
