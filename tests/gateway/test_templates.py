"""A REST API's non-proxy Lambda integration (type AWS): request templates chosen by
Content-Type and the passthrough behaviour, integration responses chosen by the error
message, their templates chosen by Accept, and response parameters."""
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


def method_api(gateway, path_part=None, **integration):
    """A POST method with the integration settings given (a default response when none
    are), on the root or on `/{path_part}`; its stage's URL."""
    integration.setdefault("IntegrationResponses", [{"StatusCode": "200"}])
    p = providers(gateway)
    api_id = p["AWS::ApiGateway::RestApi"].create(res("Api", "AWS::ApiGateway::RestApi",
                                                      Name="a")).physical_id
    resource = gateway.apis.get(api_id).root_resource_id
    if path_part:
        resource = p["AWS::ApiGateway::Resource"].create(res(
            "Items", "AWS::ApiGateway::Resource", RestApiId=api_id, ParentId=resource,
            PathPart=path_part)).physical_id
    p["AWS::ApiGateway::Method"].create(res(
        "Post", "AWS::ApiGateway::Method", RestApiId=api_id, ResourceId=resource,
        HttpMethod="POST", AuthorizationType="NONE",
        Integration={"Type": "AWS", "IntegrationHttpMethod": "POST", "Uri": URI,
                     **integration}))
    p["AWS::ApiGateway::Stage"].create(res("Stage", "AWS::ApiGateway::Stage",
                                           RestApiId=api_id, StageName="v1",
                                           Variables={"table": "pets"}))
    return gateway.url(api_id, "v1", "/")


RESPONSES = [
    {"StatusCode": "200", "ResponseParameters": {
        "method.response.header.Access-Control-Allow-Origin": "'*'",
        "method.response.header.X-From": "integration.response.header.X-From"}},
    {"StatusCode": "400", "SelectionPattern": "Bad input.*"},
]


def test_without_templates_the_body_is_the_event_and_the_result_the_body(gateway) -> None:
    gateway.runtime.handlers["fn"] = shout
    url = method_api(gateway, IntegrationResponses=RESPONSES)
    r = gateway.request("POST", url, json={"a": 1})
    assert r.status_code == 200
    assert r.json() == {"got": {"a": 1}}
    assert r.headers["content-type"] == "application/json"
    assert r.headers["access-control-allow-origin"] == "*"
    assert "x-from" not in r.headers            # Lambda's answer has no such header
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


def test_a_selection_pattern_given_as_empty_is_kept_apart_from_none(gateway) -> None:
    # GetIntegrationResponse shows a SelectionPattern of "" the template set, not one left out.
    method_api(gateway, IntegrationResponses=[
        {"StatusCode": "200", "SelectionPattern": ""}, {"StatusCode": "500"}])
    [integration] = [i for api in gateway.apis for i in api.integrations.values()
                     if i.mapping is not None]
    assert [(r.status, r.pattern, r.pattern_given) for r in integration.mapping.responses] \
        == [(200, "", True), (500, "", False)]


def test_without_a_default_response_a_result_is_a_configuration_error(gateway) -> None:
    gateway.runtime.handlers["fn"] = shout
    url = method_api(gateway, IntegrationResponses=[RESPONSES[1]])
    r = gateway.request("POST", url, json={})
    assert (r.status_code, r.json()) == (500, {"message": "Internal server error"})


REQUEST_TEMPLATE = """#set($body = $input.path('$'))
{
  "name": "$util.escapeJavaScript($body.name).replaceAll("\\\\'", "'")",
  "raw": $input.json('$.name'),
  "id": "$input.params('id')",
  "q": "$input.params('q')",
  "agent": "$input.params('User-Agent')",
  "table": "$stageVariables.table",
  "requestId": "$context.requestId",
  "path": "$context.resourcePath",
  "ip": "$context.identity.sourceIp"
}"""
RESPONSE_TEMPLATE = """#set($got = $input.path('$.got'))
#if($got.name == "teapot")#set($context.responseOverride.status = 418)#end
{"hello": $input.json('$.got.name'), "items": $input.json('$.got')}"""


def test_templates_map_the_request_and_the_answer(gateway) -> None:
    gateway.runtime.handlers["fn"] = shout
    url = method_api(gateway, "{id}", RequestTemplates={"application/json": REQUEST_TEMPLATE},
                     IntegrationResponses=[{
                         "StatusCode": "201",
                         "ResponseTemplates": {"application/json": RESPONSE_TEMPLATE},
                         "ResponseParameters": {
                             "method.response.header.X-Name":
                                 "integration.response.body.got.name",
                             "method.response.header.X-Got": "integration.response.body.got",
                             "method.response.header.X-Stage": "stageVariables.table",
                             "method.response.header.X-Request": "context.requestId"}}])
    r = gateway.request("POST", url + "7?q=a%20b", json={"name": 'O\'Brien "Bo"'},
                        headers={"User-Agent": "t/1"})
    event = gateway.runtime.event
    assert event["name"] == "O'Brien \"Bo\""    # AWS's advice: \' made ' again for JSON
    assert event["raw"] == 'O\'Brien "Bo"'
    assert (event["id"], event["q"], event["agent"], event["table"]) == ("7", "a b", "t/1",
                                                                          "pets")
    assert event["path"] == "/{id}" and event["ip"] == gateway.CLIENT_IP
    assert event["requestId"] == r.headers["x-amzn-requestid"]
    assert r.status_code == 201
    assert r.headers["content-type"] == "application/json"
    assert r.json()["hello"] == 'O\'Brien "Bo"'
    assert r.json()["items"]["q"] == "a b"
    assert r.headers["x-name"] == 'O\'Brien "Bo"'
    assert json.loads(r.headers["x-got"])["id"] == "7"    # what is no string: as JSON
    assert (r.headers["x-stage"], r.headers["x-request"]) == ("pets", event["requestId"])
    # The template overrides the status.
    assert gateway.request("POST", url + "1", json={"name": "teapot"}).status_code == 418


def test_the_content_type_chooses_the_request_template(gateway) -> None:
    gateway.runtime.handlers["fn"] = shout
    url = method_api(gateway, RequestTemplates={
        "application/json": '{"kind": "json"}',
        "application/x-www-form-urlencoded": '{"kind": "form", "body": "$input.body"}'})
    assert gateway.request("POST", url, json={}).json() == {"got": {"kind": "json"}}
    # No Content-Type: application/json's template.
    assert gateway.request("POST", url, content=b"{}").json() == {"got": {"kind": "json"}}
    r = gateway.request("POST", url, content=b"a=1&b=2",
                        headers={"Content-Type": "application/x-www-form-urlencoded; "
                                                 "charset=UTF-8"})
    assert r.json() == {"got": {"kind": "form", "body": "a=1&b=2"}}
    # WHEN_NO_MATCH (the default): a type without a template passes through.
    r = gateway.request("POST", url, content=b'{"plain": 1}',
                        headers={"Content-Type": "text/plain"})
    assert r.json() == {"got": {"plain": 1}}


@pytest.mark.parametrize("behaviour, templates, served", [
    ("WHEN_NO_TEMPLATES", {"application/xml": "{}"}, False),
    ("WHEN_NO_TEMPLATES", {}, True),
    ("NEVER", {}, False),
    ("NEVER", {"application/xml": "{}"}, False),
    ("when_no_match", {"application/xml": "{}"}, True),
])
def test_the_passthrough_behaviour(gateway, behaviour, templates, served) -> None:
    gateway.runtime.handlers["fn"] = shout
    url = method_api(gateway, PassthroughBehavior=behaviour, RequestTemplates=templates)
    r = gateway.request("POST", url, json={"a": 1})
    if served:
        assert r.json() == {"got": {"a": 1}}
        return
    assert r.status_code == 415
    assert r.json() == {"message": "Unsupported Media Type"}
    assert r.headers["x-amzn-errortype"] == "UnsupportedMediaTypeException"
    assert gateway.runtime.events == []


def test_the_accept_header_chooses_the_response_template(gateway) -> None:
    gateway.runtime.handlers["fn"] = shout
    url = method_api(gateway, IntegrationResponses=[{"StatusCode": "200", "ResponseTemplates": {
        "application/json": '{"as": "json"}', "application/xml": "<as>xml</as>"}}])
    r = gateway.request("POST", url, json={}, headers={"Accept": "application/xml"})
    assert (r.headers["content-type"], r.text) == ("application/xml", "<as>xml</as>")
    r = gateway.request("POST", url, json={}, headers={"Accept": "text/html, */*"})
    assert (r.headers["content-type"], r.json()) == ("application/json", {"as": "json"})


@pytest.mark.parametrize("template", [
    "#if($x",                                   # does not parse
    "$util.parseJson('{')",                     # fails while rendering
    "not json $input.body",                     # renders no JSON event
])
def test_a_broken_request_template_is_a_configuration_error(gateway, template) -> None:
    gateway.runtime.handlers["fn"] = shout
    url = method_api(gateway, RequestTemplates={"application/json": template})
    r = gateway.request("POST", url, json={"a": 1})
    assert (r.status_code, r.json()) == (500, {"message": "Internal server error"})
    assert gateway.runtime.events == []


@pytest.mark.parametrize("integration, words", [
    ({"PassthroughBehavior": "SOMETIMES"}, "PassthroughBehavior SOMETIMES"),
    ({"IntegrationResponses": [{"StatusCode": "400", "SelectionPattern": "(unclosed"}]},
     "not a regular expression"),
])
def test_bad_settings_fail_the_deploy(gateway, integration, words) -> None:
    with pytest.raises(TemplateError, match=words):
        method_api(gateway, **integration)


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
            "passthroughBehavior": "when_no_templates",
            "requestTemplates": {"application/json": "{\"x\": \"$input.path('$.x')\"}"},
            "responses": {"default": {"statusCode": "200", "responseTemplates": {
                "application/json": "$input.json('$.got')"}}}}}}}}
    api_id = p["AWS::ApiGateway::RestApi"].create(res("Api", "AWS::ApiGateway::RestApi",
                                                      Name="a", Body=body)).physical_id
    p["AWS::ApiGateway::Stage"].create(res("Stage", "AWS::ApiGateway::Stage",
                                           RestApiId=api_id, StageName="v1"))
    url = gateway.url(api_id, "v1")
    assert gateway.request("POST", url + "/echo", content=json.dumps([1])).json() == {
        "got": [1]}
    assert gateway.request("POST", url + "/echo", json={"fail": "Bad"}).status_code == 422
    assert gateway.request("POST", url + "/mapped", json={"x": 1}).json() == {"x": "1"}
    assert gateway.request("POST", url + "/mapped", content=b"{}",
                           headers={"Content-Type": "text/plain"}).status_code == 415


# Recorded from AWS (LocalStack's test_apigateway_lambda.py): every Lambda integration there
# names a Credentials role and no function policy; API Gateway invokes as the role.
ROLE = "arn:aws:iam::123456789012:role/apigw-invokes"


def test_a_credentials_role_invokes_without_the_function_policy(gateway) -> None:
    gateway.runtime.handlers["fn"] = shout
    gateway.runtime.refusing.add("fn")
    url = method_api(gateway, Credentials=ROLE)
    r = gateway.request("POST", url, json={"message": "hello world"})
    assert (r.status_code, r.json()) == (200, {"got": {"message": "hello world"}})
    assert gateway.runtime.sources == [None]
    # Without the role the function's policy is asked, and refuses.
    url = method_api(gateway)
    r = gateway.request("POST", url, json={})
    assert (r.status_code, r.json()) == (500, {"message": "Internal server error"})
    assert gateway.runtime.sources[-1] is not None


def test_an_openapi_lambda_integration_with_credentials_invokes_as_the_role(gateway) -> None:
    gateway.runtime.handlers["fn"] = shout
    gateway.runtime.refusing.add("fn")
    p = providers(gateway)
    body = {"openapi": "3.0.1", "paths": {"/echo": {"post": {
        "x-amazon-apigateway-integration": {
            "type": "aws_proxy", "httpMethod": "POST", "uri": URI, "credentials": ROLE}}}}}
    api_id = p["AWS::ApiGateway::RestApi"].create(res("Api", "AWS::ApiGateway::RestApi",
                                                      Name="a", Body=body)).physical_id
    p["AWS::ApiGateway::Stage"].create(res("Stage", "AWS::ApiGateway::Stage",
                                           RestApiId=api_id, StageName="v1"))
    shout_proxy = {"statusCode": 200, "body": "ok"}
    gateway.runtime.handlers["fn"] = lambda event, context: shout_proxy
    r = gateway.request("POST", gateway.url(api_id, "v1") + "/echo", json={})
    assert (r.status_code, r.text) == (200, "ok")
    assert gateway.runtime.sources == [None]
