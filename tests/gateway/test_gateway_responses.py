"""REST APIs' customised gateway responses: from SAM's `GatewayResponses`, from hand-written
AWS::ApiGateway::GatewayResponse resources and from an OpenAPI body, checked by what a
client gets back when the gateway refuses or fails a request; and the settings API Gateway
refuses, which fail the deploy."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.apis import ApiProviders
from fogbank.gateway import errors
from fogbank.gateway.errors import rest_failure
from fogbank.gateway.gateway_responses import (RESPONSE_TYPES, FailedRequest, answer,
                                               gateway_response, render)
from fogbank.gateway.model import Api
from fogbank.types import Resource

LAMBDA_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
              "arn:aws:lambda:us-east-1:123456789012:function:{}/invocations")


def sam_api(gateway_responses: dict[str, Any], **extra: Any) -> dict:
    return {"Type": "AWS::Serverless::Api", "Properties": {
        "StageName": "prod", "GatewayResponses": gateway_responses,
        "Variables": {"origin": "https://app.example"}, **extra}}


def get_event(path: str = "/items") -> dict:
    return {"Get": {"Type": "Api", "Properties": {"RestApiId": {"Ref": "Api"}, "Path": path,
                                                  "Method": "get"}}}


def failing(event, context):
    raise RuntimeError("boom")


def test_default_4xx_adds_cors_headers_to_every_4xx(gateway, deploy_sam, sam_function,
                                                     echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    stack = deploy_sam({"Api": sam_api({"DEFAULT_4XX": {"ResponseParameters": {"Headers": {
        "Access-Control-Allow-Origin": "'*'",
        "Access-Control-Allow-Headers": "'Content-Type,X-Token'"}}}}),
        "Fn": sam_function(get_event())})
    url = gateway.url(stack.api_id("Api"), "prod")
    r = gateway.request("GET", url + "/nowhere")
    assert (r.status_code, r.json()) == (403, {"message": "Missing Authentication Token"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["access-control-allow-headers"] == "Content-Type,X-Token"
    assert r.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-amzn-requestid"]
    ok = gateway.request("GET", url + "/items")     # served answers are the function's own
    assert ok.status_code == 200 and "access-control-allow-origin" not in ok.headers


def test_uncustomised_answers_stay_as_they_were(gateway, deploy_sam, sam_function) -> None:
    gateway.runtime.handlers["fn"] = failing
    stack = deploy_sam({"Api": sam_api({"DEFAULT_4XX": {"StatusCode": 418}}),
                        "Fn": sam_function(get_event())})
    r = gateway.request("GET", gateway.url(stack.api_id("Api"), "prod", "/items"))
    assert (r.status_code, r.content) == (502, b'{"message":"Internal server error"}')
    assert "access-control-allow-origin" not in r.headers


def test_a_specific_type_with_status_template_and_request_values(gateway, deploy_sam,
                                                                 sam_function, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    template = ('{"error": $context.error.messageString, "type": "$context.error.responseType",'
                ' "id": "$context.requestId", "stage": "$context.stage", '
                '"origin": "$stageVariables.origin", "unknown": "$context.nothing.here"}')
    stack = deploy_sam({"Api": sam_api({"MISSING_AUTHENTICATION_TOKEN": {
        "StatusCode": 404, "ResponseTemplates": {"application/json": template},
        "ResponseParameters": {"Headers": {
            "Access-Control-Allow-Origin": "stageVariables.origin",
            "X-Echo": "method.request.header.X-Trace", "X-Asked": "method.request.querystring.q",
            "X-Request": "context.requestId", "X-Absent": "method.request.header.X-Missing"}}}}),
        "Fn": sam_function(get_event())})
    r = gateway.request("GET", gateway.url(stack.api_id("Api"), "prod", "/nowhere?q=cats"),
                        headers={"X-Trace": "t-1"})
    assert r.status_code == 404
    request_id = r.headers["x-amzn-requestid"]
    assert r.json() == {"error": "Missing Authentication Token",
                        "type": "MISSING_AUTHENTICATION_TOKEN", "id": request_id,
                        "stage": "prod", "origin": "https://app.example", "unknown": ""}
    assert r.headers["access-control-allow-origin"] == "https://app.example"
    assert (r.headers["x-echo"], r.headers["x-asked"]) == ("t-1", "cats")
    assert r.headers["x-request"] == request_id
    assert "x-absent" not in r.headers


def test_default_5xx_status_applies_to_every_5xx(gateway, deploy_sam, sam_function) -> None:
    gateway.runtime.handlers["fn"] = failing
    stack = deploy_sam({"Api": sam_api({"DEFAULT_5XX": {
        "StatusCode": 503, "ResponseParameters": {"Headers": {"Retry-After": "'5'"}}}}),
        "Fn": sam_function(get_event())})
    r = gateway.request("GET", gateway.url(stack.api_id("Api"), "prod", "/items"))
    assert (r.status_code, r.json()) == (503, {"message": "Internal server error"})
    assert r.headers["retry-after"] == "5"


def test_a_specific_customisation_takes_the_default_classes_status_but_not_its_headers(
        gateway, deploy_sam, sam_function, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    stack = deploy_sam({"Api": sam_api({
        "DEFAULT_4XX": {"StatusCode": 400, "ResponseParameters": {"Headers": {"X-A": "'a'"}}},
        "MISSING_AUTHENTICATION_TOKEN": {"ResponseParameters": {"Headers": {"X-B": "'b'"}}}}),
        "Fn": sam_function(get_event())})
    r = gateway.request("GET", gateway.url(stack.api_id("Api"), "prod", "/nowhere"))
    assert r.status_code == 400
    assert r.headers["x-b"] == "b" and "x-a" not in r.headers


def deny_all(event, context):
    return {"principalId": "p", "policyDocument": {"Version": "2012-10-17", "Statement": [
        {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": "*"}]}}


def test_authorizer_refusals_carry_the_customised_headers(gateway, deploy_sam, sam_function,
                                                           echo) -> None:
    gateway.runtime.handlers.update(fn=echo, authfn=deny_all)
    stack = deploy_sam({
        "Api": sam_api({"DEFAULT_4XX": {"ResponseParameters": {"Headers": {
            "Access-Control-Allow-Origin": "'*'"}}}}, Auth={
            "Authorizers": {"T": {"FunctionArn": {"Fn::GetAtt": ["AuthFn", "Arn"]},
                                  "Identity": {"Header": "X-Token"}}},
            "DefaultAuthorizer": "T"}),
        "AuthFn": sam_function({}), "Fn": sam_function(get_event())})
    url = gateway.url(stack.api_id("Api"), "prod", "/items")
    missing = gateway.request("GET", url)
    assert (missing.status_code, missing.json()) == (401, {"message": "Unauthorized"})
    denied = gateway.request("GET", url, headers={"X-Token": "t"})
    assert denied.status_code == 403
    # The default template keeps the member name the fixed answer uses.
    assert denied.json() == {"Message": "User is not authorized to access this resource with "
                                        "an explicit deny in an identity-based policy"}
    for r in (missing, denied):
        assert r.headers["access-control-allow-origin"] == "*"


def res(logical_id: str, kind: str, **props: Any) -> Resource:
    return Resource(logical_id, kind, props, Path("."), "app")


def providers(gateway) -> dict:
    return {t: p for p in ApiProviders(gateway.apis, "us-east-1", "123456789012").all()
            for t in p.types}


def hand_written_api(gateway, echo) -> tuple[dict, str]:
    gateway.runtime.handlers["fn"] = echo
    p = providers(gateway)
    api_id = p["AWS::ApiGateway::RestApi"].create(res("Api", "AWS::ApiGateway::RestApi")
                                                  ).physical_id
    root = gateway.apis.get(api_id).root_resource_id
    p["AWS::ApiGateway::Method"].create(res(
        "Get", "AWS::ApiGateway::Method", RestApiId=api_id, ResourceId=root, HttpMethod="GET",
        AuthorizationType="NONE", Integration={"Type": "AWS_PROXY",
                                               "Uri": LAMBDA_URI.format("fn")}))
    p["AWS::ApiGateway::Stage"].create(res("Stage", "AWS::ApiGateway::Stage",
                                           RestApiId=api_id, StageName="v1"))
    return p, api_id


def test_hand_written_gateway_response_is_applied_changed_and_removed(gateway, echo) -> None:
    p, api_id = hand_written_api(gateway, echo)
    kind = "AWS::ApiGateway::GatewayResponse"
    first = res("NotFound", kind, RestApiId=api_id, ResponseType="MISSING_AUTHENTICATION_TOKEN",
                StatusCode="404", ResponseParameters={
                    "gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
                ResponseTemplates={"application/json": '{"missing": "$context.path"}'})
    deployed = p[kind].create(first)
    url = gateway.url(api_id, "v1", "/gone")
    r = gateway.request("GET", url)
    assert (r.status_code, r.json()) == (404, {"missing": "/v1/gone"})
    assert r.headers["access-control-allow-origin"] == "*"
    second = res("NotFound", kind, RestApiId=api_id, ResponseType="MISSING_AUTHENTICATION_TOKEN",
                 ResponseTemplates={"text/plain": "nothing at $context.resourcePath"})
    deployed = p[kind].update(first, deployed, second)
    r = gateway.request("GET", url)
    assert (r.status_code, r.text) == (403, "nothing at ")
    assert r.headers["content-type"] == "text/plain"
    p[kind].delete(second, deployed)
    r = gateway.request("GET", url)
    assert (r.status_code, r.json()) == (403, {"message": "Missing Authentication Token"})


def test_http_apis_have_no_gateway_responses(gateway, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"GET /a": "fn"}))
    r = gateway.request("GET", gateway.url("abcdef1234", path="/b"))
    assert (r.status_code, r.json()) == (404, {"message": "Not Found"})


def test_openapi_body_gateway_responses(gateway, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    p = providers(gateway)
    body = {"swagger": "2.0", "paths": {"/a": {"get": {"x-amazon-apigateway-integration": {
        "type": "aws_proxy", "httpMethod": "POST", "uri": LAMBDA_URI.format("fn")}}}},
        "x-amazon-apigateway-gateway-responses": {"DEFAULT_4XX": {
            "statusCode": "410", "responseParameters": {"gatewayresponse.header.X-Gone": "'y'"},
            "responseTemplates": {"application/json": '{"why": "$context.error.message"}'}}}}
    api_id = p["AWS::ApiGateway::RestApi"].create(res("Api", "AWS::ApiGateway::RestApi",
                                                      Body=body)).physical_id
    p["AWS::ApiGateway::Stage"].create(res("Stage", "AWS::ApiGateway::Stage",
                                           RestApiId=api_id, StageName="v1"))
    r = gateway.request("GET", gateway.url(api_id, "v1", "/b"))
    assert (r.status_code, r.json(), r.headers["x-gone"]) == (
        410, {"why": "Missing Authentication Token"}, "y")


@pytest.mark.parametrize("props, words", [
    ({"ResponseType": "NOT_A_TYPE"}, "Value 'NOT_A_TYPE' at 'responseType' failed to satisfy"),
    ({"ResponseType": "DEFAULT_4XX", "StatusCode": "99"}, "Value '99' at 'statusCode'"),
    ({"ResponseType": "DEFAULT_4XX", "StatusCode": "600"}, "Value '600' at 'statusCode'"),
    ({"ResponseType": "DEFAULT_4XX", "ResponseParameters": {
        "gatewayresponse.header.X": "method.request.body"}}, "Invalid mapping expression"),
    ({"ResponseType": "DEFAULT_4XX", "ResponseParameters": {
        "gatewayresponse.header.X": "no quotes"}}, "Invalid mapping expression"),
    ({"ResponseType": "DEFAULT_4XX", "ResponseParameters": {
        "method.response.header.X": "'x'"}}, "Invalid mapping expression"),
    ({"ResponseType": "DEFAULT_4XX", "ResponseTemplates": {"application/json": {"a": 1}}},
     "ResponseTemplates must map"),
    ({}, "required key [ResponseType] not found"),
])
def test_gateway_responses_api_gateway_refuses_fail_the_deploy(gateway, echo, props,
                                                               words) -> None:
    p, api_id = hand_written_api(gateway, echo)
    bad = res("Bad", "AWS::ApiGateway::GatewayResponse", RestApiId=api_id, **props)
    with pytest.raises(TemplateError) as caught:
        p["AWS::ApiGateway::GatewayResponse"].create(bad)
    assert "Bad" in str(caught.value) and words in str(caught.value)
    assert gateway.apis.get(api_id).gateway_responses == {}


def test_sam_gateway_response_with_an_unknown_type_fails_the_deploy(
        gateway, deploy_sam, sam_function, echo) -> None:
    with pytest.raises(TemplateError, match=r"Resource Api: .*Value 'NOPE' at 'responseType'"):
        deploy_sam({"Api": {"Type": "AWS::Serverless::Api", "Properties": {
            "StageName": "prod", "DefinitionBody": {
                "swagger": "2.0", "paths": {},
                "x-amazon-apigateway-gateway-responses": {"NOPE": {"statusCode": "400"}}}}}})


def test_every_documented_type_is_accepted() -> None:
    assert len(RESPONSE_TYPES) == 21
    for kind in RESPONSE_TYPES:
        assert gateway_response(kind, None, None, None).response_type == kind


def test_render_substitutes_only_what_it_knows() -> None:
    variables = {"requestId": "r-1", "error.messageString": '"m"'}
    assert render("$context.requestId. ${context.requestId}x $context.error.messageString "
                  "$stageVariables.v $input.body #if(1) $context.nope",
                  variables, {"v": "s"}) == 'r-1. r-1x "m" s $input.body #if(1) '
    assert json.loads(render('{"m": $context.error.messageString}', variables, {})) == {"m": "m"}


@pytest.mark.parametrize("kind, response_type, status", [
    (errors.NOT_FOUND, "MISSING_AUTHENTICATION_TOKEN", 403),
    (errors.FUNCTION_ERROR, "DEFAULT_5XX", 502),
    (errors.INVOKE_FAILED, "API_CONFIGURATION_ERROR", 500),
    (errors.MISCONFIGURED, "API_CONFIGURATION_ERROR", 500),
    (errors.TIMEOUT, "INTEGRATION_TIMEOUT", 504),
    (errors.THROTTLED, "THROTTLED", 429),
    (errors.TOO_LARGE, "REQUEST_TOO_LARGE", 413),
    (errors.UNAUTHORIZED, "UNAUTHORIZED", 401),
    (errors.EXPLICIT_DENY, "ACCESS_DENIED", 403),
    (errors.IMPLICIT_DENY, "ACCESS_DENIED", 403),
    (errors.AUTHORIZER_FAILED, "AUTHORIZER_CONFIGURATION_ERROR", 500),
    (errors.FORBIDDEN, "INVALID_API_KEY", 403),
    (errors.QUOTA_EXCEEDED, "QUOTA_EXCEEDED", 429),
    (errors.BAD_BODY, "BAD_REQUEST_BODY", 400),
    (errors.BAD_PARAMETERS, "BAD_REQUEST_PARAMETERS", 400),
])
def test_each_failure_answers_as_its_type_then_its_class_default(kind, response_type,
                                                                 status) -> None:
    own = Api("a", "REST", gateway_responses={response_type: gateway_response(
        response_type, None, None, {"text/plain": "$context.error.responseType"})})
    r = answer(own, errors.GatewayError(kind), FailedRequest())
    assert (r.status, r.body) == (status, response_type.encode())
    default = "DEFAULT_4XX" if status < 500 else "DEFAULT_5XX"
    by_class = Api("a", "REST", gateway_responses={default: gateway_response(
        default, "599" if status >= 500 else "499", {"gatewayresponse.header.X": "'x'"}, None)})
    r = answer(by_class, errors.GatewayError(kind), FailedRequest())
    assert r.status == (599 if status >= 500 else 499) and (b"x", b"x") in r.headers
    assert r.body.decode().endswith('":' + json.dumps(rest_failure(
        errors.GatewayError(kind)).message) + "}")


def test_no_stage_is_never_customised() -> None:
    api = Api("a", "REST", gateway_responses={"DEFAULT_4XX": gateway_response(
        "DEFAULT_4XX", "418", None, None)})
    assert answer(api, errors.GatewayError(errors.NO_STAGE), FailedRequest()) is None
