"""Stage throttles: REST MethodSettings and HTTP API route settings, from SAM and from
hand-written stages, answered with 429 before the function runs; token buckets on a
controlled clock; bad settings failing the deploy."""
from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.apis import ApiProviders
from fogbank.gateway.model import HTTP, Api, Integration, Route, Stage
from fogbank.gateway.throttling import Throttle, TokenBuckets, stage_throttle
from fogbank.types import Resource

LAMBDA_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
              "arn:aws:lambda:us-east-1:123456789012:function:{}/invocations")


def test_a_bucket_holds_its_burst_and_refills_at_its_rate() -> None:
    now = [100.0]
    buckets = TokenBuckets(lambda: now[0])
    limit = Throttle(rate=4, burst=2)
    assert [buckets.take("k", limit) for _ in range(3)] == [True, True, False]
    assert buckets.take("other", limit)                  # each key has its own bucket
    now[0] += 0.25
    assert [buckets.take("k", limit) for _ in range(2)] == [True, False]
    now[0] += 100
    assert [buckets.take("k", limit) for _ in range(3)] == [True, True, False]


def test_the_most_specific_stage_setting_applies() -> None:
    every, gets, items, item_gets = (Throttle(1, n) for n in (1, 2, 3, 4))
    rest = {"/* *": every, "/* GET": gets, "/items *": items, "/items GET": item_gets}
    assert stage_throttle(rest, True, "", "/items", "GET") == ("/items GET", item_gets)
    assert stage_throttle(rest, True, "", "/items", "POST") == ("/items *", items)
    assert stage_throttle(rest, True, "", "/other", "GET") == ("/* GET", gets)
    assert stage_throttle(rest, True, "", "/other", "PUT") == ("/* *", every)
    http = {"*": every, "GET /items": gets}
    assert stage_throttle(http, False, "GET /items", "/items", "GET") == ("GET /items", gets)
    assert stage_throttle(http, False, "$default", "$default", "") == ("*", every)
    assert stage_throttle({}, False, "GET /items", "/items", "GET") is None


def res(logical_id: str, kind: str, **props) -> Resource:
    return Resource(logical_id, kind, props, Path("."), "app")


def providers(gateway) -> dict:
    return {p.types[0]: p for p in ApiProviders(gateway.apis, "us-east-1",
                                                "123456789012").all()}


def rest_api_with_stage(gateway, **stage_props) -> str:
    p = providers(gateway)
    api_id = p["AWS::ApiGateway::RestApi"].create(
        res("Api", "AWS::ApiGateway::RestApi", Name="a")).physical_id
    root = gateway.apis.get(api_id).root_resource_id
    items = p["AWS::ApiGateway::Resource"].create(res(
        "Items", "AWS::ApiGateway::Resource", RestApiId=api_id, ParentId=root,
        PathPart="items")).physical_id
    for method in ("GET", "POST"):
        p["AWS::ApiGateway::Method"].create(res(
            method, "AWS::ApiGateway::Method", RestApiId=api_id, ResourceId=items,
            HttpMethod=method, Integration={"Type": "AWS_PROXY", "Uri": LAMBDA_URI.format("fn")}))
    p["AWS::ApiGateway::Stage"].create(res("Stage", "AWS::ApiGateway::Stage", RestApiId=api_id,
                                           StageName="v1", **stage_props))
    return api_id


def test_rest_method_settings_throttle_the_method_they_name(gateway, echo) -> None:
    gateway.runtime.handlers.update(fn=echo)
    api_id = rest_api_with_stage(gateway, MethodSettings=[
        {"ResourcePath": "/~1items", "HttpMethod": "GET", "ThrottlingBurstLimit": 2,
         "ThrottlingRateLimit": 0}])
    url = gateway.url(api_id, "v1", "/items")
    assert [gateway.request("GET", url).status_code for _ in range(3)] == [200, 200, 429]
    refused = gateway.request("GET", url)
    assert refused.json() == {"message": "Too Many Requests"}
    assert refused.headers["x-amzn-errortype"] == "TooManyRequestsException"
    assert len(gateway.runtime.calls) == 2               # the function never saw the rest
    assert all(gateway.request("POST", url).status_code == 200 for _ in range(5))


def test_a_rest_stage_throttle_for_every_method(gateway, echo) -> None:
    gateway.runtime.handlers.update(fn=echo)
    api_id = rest_api_with_stage(gateway, MethodSettings=[
        {"ResourcePath": "/*", "HttpMethod": "*", "ThrottlingBurstLimit": 1,
         "ThrottlingRateLimit": 0}])
    url = gateway.url(api_id, "v1", "/items")
    # The stage-wide setting applies to each method: every method has its own bucket.
    assert [gateway.request(m, url).status_code
            for m in ("GET", "GET", "POST", "POST")] == [200, 429, 200, 429]


def test_sam_method_settings_and_http_api_route_settings(gateway, deploy_sam, sam_function,
                                                         echo) -> None:
    gateway.runtime.handlers.update(fn=echo)
    stack = deploy_sam({
        "Rest": {"Type": "AWS::Serverless::Api", "Properties": {
            "StageName": "prod", "MethodSettings": [
                {"ResourcePath": "/*", "HttpMethod": "*", "ThrottlingBurstLimit": 1,
                 "ThrottlingRateLimit": 0}]}},
        "Http": {"Type": "AWS::Serverless::HttpApi", "Properties": {
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 1, "ThrottlingRateLimit": 0},
            "RouteSettings": {"GET /many": {"ThrottlingBurstLimit": 3,
                                            "ThrottlingRateLimit": 0}}}},
        "Fn": sam_function({
            "R": {"Type": "Api", "Properties": {"RestApiId": {"Ref": "Rest"}, "Path": "/a",
                                                "Method": "get"}},
            "One": {"Type": "HttpApi", "Properties": {"ApiId": {"Ref": "Http"},
                                                      "Path": "/one", "Method": "get"}},
            "Many": {"Type": "HttpApi", "Properties": {"ApiId": {"Ref": "Http"},
                                                       "Path": "/many", "Method": "get"}},
            "Other": {"Type": "HttpApi", "Properties": {"ApiId": {"Ref": "Http"},
                                                        "Path": "/other", "Method": "get"}}}),
    })
    rest = gateway.url(stack.api_id("Rest"), "prod", "/a")
    assert [gateway.request("GET", rest).status_code for _ in range(2)] == [200, 429]
    http = stack.api_id("Http")
    one, many = gateway.url(http, path="/one"), gateway.url(http, path="/many")
    assert [gateway.request("GET", one).status_code for _ in range(2)] == [200, 429]
    assert gateway.request("GET", one).json() == {"message": "Too Many Requests"}
    assert [gateway.request("GET", many).status_code for _ in range(4)] == [200, 200, 200, 429]
    # DefaultRouteSettings give every route a bucket of its own.
    other = gateway.url(http, path="/other")
    assert [gateway.request("GET", other).status_code for _ in range(2)] == [200, 429]


@pytest.mark.parametrize("kind, props, words", [
    ("AWS::ApiGateway::Stage", {"MethodSettings": {"ResourcePath": "/*"}},
     "#/MethodSettings: expected type: JSONArray"),
    ("AWS::ApiGateway::Stage", {"MethodSettings": [{"ThrottlingRateLimit": -1}]},
     "throttle of /* * ThrottlingRateLimit must not be negative"),
    ("AWS::ApiGatewayV2::Stage", {"DefaultRouteSettings": {"ThrottlingBurstLimit": "lots"}},
     "throttle of * ThrottlingBurstLimit must be a number"),
    ("AWS::ApiGatewayV2::Stage", {"RouteSettings": {"GET /a": 5}},
     "#/RouteSettings/GET /a: expected type: JSONObject"),
])
def test_bad_throttle_settings_fail_the_deploy(gateway, kind: str, props: dict,
                                               words: str) -> None:
    p = providers(gateway)
    if kind == "AWS::ApiGateway::Stage":
        api_id = p["AWS::ApiGateway::RestApi"].create(
            res("Api", "AWS::ApiGateway::RestApi", Name="a")).physical_id
        props = {"RestApiId": api_id, **props}
    else:
        api_id = p["AWS::ApiGatewayV2::Api"].create(
            res("Api", "AWS::ApiGatewayV2::Api", Name="h", ProtocolType="HTTP")).physical_id
        props = {"ApiId": api_id, **props}
    with pytest.raises(TemplateError) as caught:
        p[kind].create(res("Stage", kind, StageName="s", **props))
    assert words in str(caught.value)


def test_a_stage_without_settings_is_not_throttled(gateway, echo) -> None:
    gateway.runtime.handlers.update(fn=echo)
    gateway.apis.put(Api("plain12345", HTTP, routes={"r": Route("GET", "/x", "i")},
                         integrations={"i": Integration(function="fn")},
                         stages={"$default": Stage("$default")}))
    url = gateway.url("plain12345", path="/x")
    assert all(gateway.request("GET", url).status_code == 200 for _ in range(20))
