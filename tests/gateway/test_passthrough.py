"""A REST API's non-proxy Lambda integration (type AWS) without mapping templates: the body
goes through as the event, the result comes back as the body, and the integration
response chosen by the error message sets the status and headers."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.apis import ApiProviders
from fogbank.types import Resource

URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
       "arn:aws:lambda:us-east-1:123456789012:function:fn/invocations")


def res(logical_id, kind, **props):
    return Resource(logical_id, kind, props, Path("."), "app")


def providers(gateway):
    return {t: p for p in ApiProviders(gateway.apis, "us-east-1", "123456789012").all()
            for t in p.types}


def shout(event, context):
    """Answers with what it got, or fails with the message it is asked to."""
    if "fail" in event:
        raise ValueError(event["fail"])
    return {"got": event}


def method_api(gateway, **integration):
    p = providers(gateway)
    api_id = p["AWS::ApiGateway::RestApi"].create(res("Api", "AWS::ApiGateway::RestApi",
                                                      Name="a")).physical_id
    root = gateway.apis.get(api_id).root_resource_id
    p["AWS::ApiGateway::Method"].create(res(
        "Post", "AWS::ApiGateway::Method", RestApiId=api_id, ResourceId=root,
        HttpMethod="POST", AuthorizationType="NONE",
        Integration={"Type": "AWS", "IntegrationHttpMethod": "POST", "Uri": URI,
                     **integration}))
    p["AWS::ApiGateway::Stage"].create(res("Stage", "AWS::ApiGateway::Stage",
                                           RestApiId=api_id, StageName="v1"))
    return gateway.url(api_id, "v1", "/")


RESPONSES = [
    {"StatusCode": "200", "ResponseParameters": {
        "method.response.header.Access-Control-Allow-Origin": "'*'",
        "method.response.header.X-From": "integration.response.header.X-From"}},
    {"StatusCode": "400", "SelectionPattern": "Bad input.*"},
]


def test_the_body_is_the_event_and_the_result_the_body(gateway) -> None:
    gateway.runtime.handlers["fn"] = shout
    url = method_api(gateway, IntegrationResponses=RESPONSES)
    r = gateway.request("POST", url, json={"a": 1})
    assert r.status_code == 200
    assert r.json() == {"got": {"a": 1}}
    assert r.headers["content-type"] == "application/json"
    assert r.headers["access-control-allow-origin"] == "*"
    assert "x-from" not in r.headers            # read from the answer: not a literal
    assert gateway.request("POST", url).json() == {"got": {}}      # no body: {}


def test_the_error_message_chooses_the_response(gateway) -> None:
    gateway.runtime.handlers["fn"] = shout
    url = method_api(gateway, IntegrationResponses=RESPONSES)
    r = gateway.request("POST", url, json={"fail": "Bad input: no name"})
    assert r.status_code == 400
    assert r.json()["errorMessage"] == "Bad input: no name"
    assert "access-control-allow-origin" not in r.headers
    # A message no pattern matches wholly gets the default response.
    r = gateway.request("POST", url, json={"fail": "Not a Bad input"})
    assert (r.status_code, r.json()["errorType"]) == (200, "ValueError")


def test_without_a_default_response_a_result_is_a_configuration_error(gateway) -> None:
    gateway.runtime.handlers["fn"] = shout
    url = method_api(gateway, IntegrationResponses=[RESPONSES[1]])
    r = gateway.request("POST", url, json={})
    assert (r.status_code, r.json()) == (500, {"message": "Internal server error"})


@pytest.mark.parametrize("integration, words", [
    ({"RequestTemplates": {"application/json": '{"name": "$input.params(\'name\')"}'}},
     "request mapping template"),
    ({"IntegrationResponses": [{"StatusCode": "200", "ResponseTemplates": {
        "application/xml": "#set($x = 1)<a/>"}}]}, "response mapping template"),
    ({"PassthroughBehavior": "NEVER"}, "PassthroughBehavior NEVER"),
    ({"IntegrationResponses": [{"StatusCode": "400", "SelectionPattern": "(unclosed"}]},
     "not a regular expression"),
])
def test_what_needs_templates_fails_the_deploy(gateway, integration, words) -> None:
    with pytest.raises(TemplateError, match=words):
        method_api(gateway, **integration)


def test_passthrough_templates_are_served(gateway) -> None:
    gateway.runtime.handlers["fn"] = shout
    url = method_api(gateway, RequestTemplates={"application/json": "$input.json('$')"},
                     IntegrationResponses=[{"StatusCode": "201", "ResponseTemplates": {
                         "application/json": "$input.body"}}])
    r = gateway.request("POST", url, json={"b": 2})
    assert (r.status_code, r.json()) == (201, {"got": {"b": 2}})


def test_an_openapi_aws_integration_to_lambda(gateway) -> None:
    gateway.runtime.handlers["fn"] = shout
    p = providers(gateway)
    body = {"swagger": "2.0", "paths": {
        "/echo": {"post": {"x-amazon-apigateway-integration": {
            "type": "aws", "httpMethod": "POST", "uri": URI,
            "responses": {"default": {"statusCode": "200"},
                          "Bad.*": {"statusCode": "422"}}}}},
        "/mapped": {"post": {"x-amazon-apigateway-integration": {
            "type": "aws", "httpMethod": "POST", "uri": URI,
            "requestTemplates": {"application/json": "{\"x\": \"$input.path('$.x')\"}"},
            "responses": {"default": {"statusCode": "200"}}}}}}}
    api_id = p["AWS::ApiGateway::RestApi"].create(res("Api", "AWS::ApiGateway::RestApi",
                                                      Name="a", Body=body)).physical_id
    p["AWS::ApiGateway::Stage"].create(res("Stage", "AWS::ApiGateway::Stage",
                                           RestApiId=api_id, StageName="v1"))
    url = gateway.url(api_id, "v1")
    assert gateway.request("POST", url + "/echo", content=json.dumps([1])).json() == {
        "got": [1]}
    assert gateway.request("POST", url + "/echo", json={"fail": "Bad"}).status_code == 422
    # Mapped with a template Fogbank does not run: not served.
    assert gateway.request("POST", url + "/mapped", json={"x": 1}).status_code == 403
