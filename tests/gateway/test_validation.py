"""REST request validation as templates declare it — SAM's `RequestModel` and
`RequestParameters`, an OpenAPI body's validators, parameters and schemas — checked by what
a client gets back and whether the function ran."""
from __future__ import annotations

from typing import Any

import pytest

from fogbank.deploy.errors import TemplateError

ITEM = {"type": "object", "required": ["name"],
        "properties": {"name": {"type": "string"}, "count": {"type": "integer", "minimum": 1}}}
LAMBDA_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
              "arn:aws:lambda:us-east-1:123456789012:function:{}/invocations")


def sam_app(sam_function, validate_body: bool = True, validate_parameters: bool = True,
            **api: Any) -> dict:
    return {
        "Api": {"Type": "AWS::Serverless::Api", "Properties": {
            "StageName": "prod", "Models": {"Item": ITEM}, **api}},
        "Fn": sam_function({"Post": {"Type": "Api", "Properties": {
            "RestApiId": {"Ref": "Api"}, "Path": "/items", "Method": "post",
            "RequestModel": {"Model": "Item", "Required": True,
                             "ValidateBody": validate_body,
                             "ValidateParameters": validate_parameters},
            "RequestParameters": [{"method.request.querystring.tag": {"Required": True}},
                                  {"method.request.header.X-Client": {"Required": True}},
                                  "method.request.querystring.optional"]}}}),
    }


@pytest.fixture
def items_url(gateway, deploy_sam, sam_function, echo) -> str:
    gateway.runtime.handlers["fn"] = echo
    stack = deploy_sam(sam_app(sam_function))
    return gateway.url(stack.api_id("Api"), "prod", "/items")


GOOD = {"headers": {"X-Client": "c1"}, "params": {"tag": "t"}}


def test_a_valid_request_is_served(gateway, items_url) -> None:
    r = gateway.request("POST", items_url, json={"name": "lamp", "count": 2}, **GOOD)
    assert r.status_code == 200
    assert gateway.runtime.event["queryStringParameters"] == {"tag": "t"}


@pytest.mark.parametrize("body", [
    b'{"count": 2}', b'{"name": 5}', b'{"name": "x", "count": 0}', b'[1]', b'not json',
    b'{"name": "x"', b''])
def test_a_body_its_model_refuses_is_a_400(gateway, items_url, body) -> None:
    r = gateway.request("POST", items_url, content=body,
                        headers={"X-Client": "c1", "Content-Type": "application/json"},
                        params={"tag": "t"})
    assert (r.status_code, r.json()) == (400, {"message": "Invalid request body"})
    assert r.headers["x-amzn-errortype"] == "BadRequestException"
    assert "x-amzn-trace-id" not in r.headers
    assert gateway.runtime.calls == []


@pytest.mark.parametrize("query, headers, missing", [
    ({}, {}, "X-Client, tag"),           # headers first, as API Gateway names them
    ({"tag": ""}, {"X-Client": "c"}, "tag"),
    ({"tag": "t"}, {"X-Client": " "}, "X-Client"),
    ({"optional": "o"}, {"x-client": "c"}, "tag"),
])
def test_a_missing_or_blank_required_parameter_is_a_400(gateway, items_url, query, headers,
                                                        missing) -> None:
    r = gateway.request("POST", items_url, json={"count": 0}, params=query, headers=headers)
    # Parameters are checked before the body.
    assert (r.status_code, r.json()) == (
        400, {"message": f"Missing required request parameters: [{missing}]"})
    assert r.headers["x-amzn-errortype"] == "BadRequestException"
    assert gateway.runtime.calls == []


def test_a_body_of_a_type_without_a_model_is_not_checked(gateway, items_url) -> None:
    r = gateway.request("POST", items_url, content=b"<item/>", params={"tag": "t"},
                        headers={"X-Client": "c1", "Content-Type": "application/xml"})
    assert r.status_code == 200


def test_a_body_without_content_type_is_checked_as_json(gateway, items_url) -> None:
    r = gateway.request("POST", items_url, content=b'{"count": 1}', **GOOD)
    assert r.status_code == 400


@pytest.mark.parametrize("validate_body, validate_parameters, bad_body_ok, no_params_ok", [
    (True, False, False, True), (False, True, True, False), (False, False, True, True)])
def test_the_validator_checks_only_what_it_is_set_to(gateway, deploy_sam, sam_function, echo,
                                                     validate_body, validate_parameters,
                                                     bad_body_ok, no_params_ok) -> None:
    gateway.runtime.handlers["fn"] = echo
    stack = deploy_sam(sam_app(sam_function, validate_body, validate_parameters))
    url = gateway.url(stack.api_id("Api"), "prod", "/items")
    assert (gateway.request("POST", url, json={}, **GOOD).status_code == 200) is bad_body_ok
    assert (gateway.request("POST", url, json={"name": "n"}).status_code == 200) is no_params_ok


def test_a_bad_request_answer_can_be_customised(gateway, deploy_sam, sam_function,
                                                echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    stack = deploy_sam(sam_app(sam_function, GatewayResponses={
        "BAD_REQUEST_BODY": {"StatusCode": 422, "ResponseTemplates": {"application/json":
            '{"message": $context.error.messageString, '
            '"errors": "$context.error.validationErrorString"}'}},
        "DEFAULT_4XX": {"ResponseParameters": {"Headers": {"Access-Control-Allow-Origin":
                                                            "'*'"}}}}))
    url = gateway.url(stack.api_id("Api"), "prod", "/items")
    r = gateway.request("POST", url, json={"count": 1}, **GOOD)
    assert r.status_code == 422
    assert r.json()["message"] == "Invalid request body"
    assert "'name' is a required property" in r.json()["errors"]
    missing = gateway.request("POST", url, json={"name": "n"})
    assert missing.status_code == 400 and missing.headers["access-control-allow-origin"] == "*"
    assert missing.json() == {"message": "Missing required request parameters: "
                                         "[X-Client, tag]"}


@pytest.fixture
def openapi_api(deploy_sam):
    """Deploys an API from an OpenAPI body (SAM's DefinitionBody); gives its id."""
    def deploy(body: dict) -> str:
        return deploy_sam({"Api": {"Type": "AWS::Serverless::Api", "Properties": {
            "StageName": "v1", "DefinitionBody": body}}}).api_id("Api")
    return deploy


def integration() -> dict:
    return {"type": "aws_proxy", "httpMethod": "POST", "uri": LAMBDA_URI.format("fn")}


def test_openapi_3_document_validator_path_parameters_and_referenced_schemas(
        gateway, openapi_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    body = {
        "openapi": "3.0.1",
        "x-amazon-apigateway-request-validators": {
            "all": {"validateRequestBody": True, "validateRequestParameters": True}},
        "x-amazon-apigateway-request-validator": "all",     # every operation's
        "components": {
            "schemas": {"Tag": {"type": "string", "maxLength": 3},
                        "Order": {"type": "object", "required": ["tags"], "properties": {
                            "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}}}},
            "parameters": {"Version": {"in": "header", "name": "X-Version", "required": True}}},
        "paths": {"/orders/{id}": {
            "parameters": [{"in": "query", "name": "lang", "required": True}],
            "put": {"parameters": [{"$ref": "#/components/parameters/Version"},
                                   {"in": "query", "name": "lang", "required": False}],
                    "requestBody": {"content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Order"}},
                        "application/vnd.inline+json": {"schema": {"type": "array"}}}},
                    "x-amazon-apigateway-integration": integration()},
            "get": {"x-amazon-apigateway-integration": integration(),
                    "x-amazon-apigateway-request-validator": "all"}}}}
    url = gateway.url(openapi_api(body), "v1", "/orders/7")
    version = {"X-Version": "2"}
    assert gateway.request("PUT", url, json={"tags": ["a"]}, headers=version).status_code == 200
    r = gateway.request("PUT", url, json={"tags": ["abcd"]}, headers=version)
    assert r.json() == {"message": "Invalid request body"}
    r = gateway.request("PUT", url, json={"tags": []})
    assert r.json() == {"message": "Missing required request parameters: [X-Version]"}
    inline = {"Content-Type": "application/vnd.inline+json", **version}
    assert gateway.request("PUT", url, content=b"[]", headers=inline).status_code == 200
    assert gateway.request("PUT", url, content=b"{}", headers=inline).status_code == 400
    # The path's own parameter applies where the operation does not override it.
    assert gateway.request("GET", url).json() == {
        "message": "Missing required request parameters: [lang]"}
    assert gateway.request("GET", url, params={"lang": "en"}).status_code == 200


def test_swagger_default_content_type_model(gateway, openapi_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    body = {"swagger": "2.0",
            "x-amazon-apigateway-request-validators": {"body": {"validateRequestBody": True}},
            "definitions": {"Any": {"type": "object", "required": ["a"]}},
            "paths": {"/a": {"post": {
                "consumes": ["$default"],
                "x-amazon-apigateway-request-validator": "body",
                "parameters": [{"in": "body", "name": "b",
                                "schema": {"$ref": "#/definitions/Any"}}],
                "x-amazon-apigateway-integration": integration()}}}}
    url = gateway.url(openapi_api(body), "v1", "/a")
    for content_type in ("text/plain", "application/json"):
        assert gateway.request("POST", url, content=b'{"b": 1}',
                               headers={"Content-Type": content_type}).status_code == 400
        assert gateway.request("POST", url, content=b'{"a": 1}',
                               headers={"Content-Type": content_type}).status_code == 200


@pytest.mark.parametrize("change, words", [
    ({"x-amazon-apigateway-request-validator": "nope"},
     "names request validator nope, which the definition does not define"),
    ({"definitions": {"Item": {"type": "thing"}}}, "Invalid model specified"),
    ({"definitions": {"Bad-Name": {"type": "object"}}}, "Model name must be alphanumeric"),
    ({"x-amazon-apigateway-request-validators": {"v": "yes"}}, "request validator v is not"),
])
def test_openapi_validation_api_gateway_refuses_fails_the_deploy(openapi_api, change,
                                                                 words) -> None:
    body = {"swagger": "2.0", "paths": {"/a": {"post": {
        "x-amazon-apigateway-integration": integration()}}}, **change}
    with pytest.raises(TemplateError, match="Resource Api: .*" + words):
        openapi_api(body)


def test_a_body_parameter_naming_no_definition_fails_the_deploy(openapi_api) -> None:
    body = {"swagger": "2.0", "paths": {"/a": {"post": {
        "parameters": [{"in": "body", "name": "b", "schema": {"$ref": "#/definitions/Gone"}}],
        "x-amazon-apigateway-integration": integration()}}}}
    with pytest.raises(TemplateError, match="Resource Api: .*#/definitions/Gone names no model"):
        openapi_api(body)


def test_sam_model_with_a_bad_schema_fails_the_deploy(gateway, deploy_sam, sam_function,
                                                      echo) -> None:
    with pytest.raises(TemplateError, match="Resource Api: Invalid model specified"):
        deploy_sam(sam_app(sam_function, Models={"Item": {"type": "object",
                                                          "required": "name"}}))
