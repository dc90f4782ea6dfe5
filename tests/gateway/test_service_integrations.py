"""A REST API's AWS service integrations (DynamoDB actions, S3 paths) and mock integrations
whose templates render, deployed as AWS::ApiGateway::Method resources and as an OpenAPI
body, driven through GatewayApp with a recording stand-in for the node's services."""
from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from fogbank.deploy.errors import TemplateError
from fogbank.gateway import GatewayApp, templates
from fogbank.gateway.model import REST
from fogbank.gateway.openapi import import_body
from fogbank.gateway.service_integrations import ServiceAnswer, ServiceRequest

from .test_apis import provider, res

ROLE = "arn:aws:iam::123456789012:role/ApiToTable"
PUT_TEMPLATE = """#set($body = $input.path('$'))
{"TableName": "Orders",
 "Item": {"id": {"S": "$input.params('id')"}, "note": {"S": "$body.note"},
          "by": {"S": "$context.requestId"}}}"""


class Services:
    """Answers each call with the next of `answers` (else 200 `{}`), recording the calls."""

    def __init__(self) -> None:
        self.calls: list[ServiceRequest] = []
        self.answers: list[ServiceAnswer] = []
        self.delay_s = 0.0

    async def __call__(self, call: ServiceRequest) -> ServiceAnswer:
        self.calls.append(call)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        return self.answers.pop(0) if self.answers else ServiceAnswer(200, (), b"{}")


@pytest.fixture
def services(gateway) -> Services:
    found = Services()
    gateway.app = GatewayApp(gateway.apis, gateway.runtime.invoke, clock=lambda: gateway.NOW,
                             services=found)
    return found


def _method(gateway, integration: dict[str, Any], path_part: str = "{id}",
            verb: str = "POST", **extra: Any) -> str:
    """A REST API with `verb /items/{path_part}` integrated as given, in stage "live"."""
    api = provider(gateway, "AWS::ApiGateway::RestApi").create(
        res("Api", "AWS::ApiGateway::RestApi", Name="api"))
    api_id = api.physical_id
    root = gateway.apis.get(api_id).root_resource_id
    items = provider(gateway, "AWS::ApiGateway::Resource").create(
        res("Items", "AWS::ApiGateway::Resource", RestApiId=api_id, ParentId=root,
            PathPart="items"))
    item = provider(gateway, "AWS::ApiGateway::Resource").create(
        res("Item", "AWS::ApiGateway::Resource", RestApiId=api_id,
            ParentId=items.physical_id, PathPart=path_part))
    provider(gateway, "AWS::ApiGateway::Method").create(
        res("Method", "AWS::ApiGateway::Method", RestApiId=api_id,
            ResourceId=item.physical_id, HttpMethod=verb, AuthorizationType="NONE",
            Integration=integration, **extra))
    provider(gateway, "AWS::ApiGateway::Stage").create(
        res("Stage", "AWS::ApiGateway::Stage", RestApiId=api_id, StageName="live",
            DeploymentId="d"))
    return api_id


def _put_item(**extra: Any) -> dict[str, Any]:
    return {"Type": "AWS", "IntegrationHttpMethod": "POST", "Credentials": ROLE,
            "Uri": "arn:aws:apigateway:us-east-1:dynamodb:action/PutItem",
            "RequestTemplates": {"application/json": PUT_TEMPLATE},
            "IntegrationResponses": [
                {"StatusCode": "200",
                 "ResponseTemplates": {"application/json": '{"saved": "$input.params(\'id\')"}'},
                 "ResponseParameters": {"method.response.header.X-Table": "'Orders'"}},
                {"StatusCode": "400", "SelectionPattern": "4\\d{2}",
                 "ResponseTemplates": {"application/json":
                                       '{"error": "$input.path(\'$.message\')"}'}}],
            **extra}


# ------------------------------------------------------------------ DynamoDB actions

def test_a_put_item_action_sends_the_rendered_request_to_dynamodb(gateway, services) -> None:
    api_id = _method(gateway, _put_item())
    r = gateway.request("POST", gateway.url(api_id, "live", "/items/o-1"),
                        json={"note": "tea"})
    assert r.status_code == 200, r.text
    assert r.json() == {"saved": "o-1"}
    assert (r.headers["content-type"], r.headers["x-table"]) == ("application/json", "Orders")
    (call,) = services.calls
    assert (call.service, call.method, call.path) == ("dynamodb", "POST", "/")
    assert dict(call.headers) == {"X-Amz-Target": "DynamoDB_20120810.PutItem",
                                  "Content-Type": "application/x-amz-json-1.0"}
    sent = json.loads(call.body)
    assert sent["TableName"] == "Orders"
    assert sent["Item"]["id"] == {"S": "o-1"} and sent["Item"]["note"] == {"S": "tea"}
    assert sent["Item"]["by"]["S"] == r.headers["x-amzn-requestid"]


def test_the_answer_status_selects_the_integration_response(gateway, services) -> None:
    api_id = _method(gateway, _put_item())
    services.answers.append(ServiceAnswer(400, (), json.dumps({
        "__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
        "message": "Requested resource not found"}).encode()))
    r = gateway.request("POST", gateway.url(api_id, "live", "/items/o-1"), json={})
    assert r.status_code == 400
    assert r.json() == {"error": "Requested resource not found"}
    assert "x-table" not in r.headers


def test_a_status_no_response_selects_is_the_configuration_error(gateway, services) -> None:
    integration = _put_item()
    integration["IntegrationResponses"] = integration["IntegrationResponses"][1:]
    api_id = _method(gateway, integration)
    r = gateway.request("POST", gateway.url(api_id, "live", "/items/o-1"), json={})
    assert (r.status_code, r.json()) == (500, {"message": "Internal server error"})


def test_without_a_template_the_body_passes_and_the_answer_is_the_payload(gateway, services
                                                                          ) -> None:
    api_id = _method(gateway, {
        "Type": "AWS", "IntegrationHttpMethod": "POST",
        "Uri": "arn:aws:apigateway:us-east-1:dynamodb:action/Scan",
        "IntegrationResponses": [{"StatusCode": "200"}]})
    services.answers.append(ServiceAnswer(200, (), b'{"Count":0,"Items":[]}'))
    r = gateway.request("POST", gateway.url(api_id, "live", "/items/x"),
                        content=b'{"TableName":"Orders"}')
    assert (r.status_code, r.content) == (200, b'{"Count":0,"Items":[]}')
    assert services.calls[0].body == b'{"TableName":"Orders"}'


def test_never_passing_through_refuses_an_unmatched_content_type(gateway, services) -> None:
    api_id = _method(gateway, _put_item(PassthroughBehavior="NEVER"))
    r = gateway.request("POST", gateway.url(api_id, "live", "/items/o-1"), content=b"a=b",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (r.status_code, r.json()) == (415, {"message": "Unsupported Media Type"})
    assert services.calls == []


def test_a_service_slower_than_the_timeout_is_a_504(gateway, services) -> None:
    api_id = _method(gateway, _put_item(TimeoutInMillis=50))
    services.delay_s = 0.5
    r = gateway.request("POST", gateway.url(api_id, "live", "/items/o-1"), json={})
    assert r.status_code == 504


def test_a_gateway_without_services_answers_500(gateway) -> None:
    api_id = _method(gateway, _put_item())
    r = gateway.request("POST", gateway.url(api_id, "live", "/items/o-1"), json={})
    assert (r.status_code, r.json()) == (500, {"message": "Internal server error"})


# ------------------------------------------------------------------ S3 paths

def _s3_get(**parameters: str) -> dict[str, Any]:
    return {"Type": "AWS", "IntegrationHttpMethod": "GET", "Credentials": ROLE,
            "Uri": "arn:aws:apigateway:us-east-1:s3:path/photos/{key}",
            "RequestParameters": parameters or {
                "integration.request.path.key": "method.request.path.item"},
            "IntegrationResponses": [
                {"StatusCode": "200", "ResponseParameters": {
                    "method.response.header.Content-Type":
                        "integration.response.header.Content-Type"}},
                {"StatusCode": "404", "SelectionPattern": "404"}]}


def test_an_s3_path_is_filled_by_request_parameters(gateway, services) -> None:
    api_id = _method(gateway, _s3_get(), path_part="{item}", verb="GET")
    services.answers.append(ServiceAnswer(200, (("Content-Type", "text/plain"),
                                                ("ETag", '"x"')), b"hello"))
    r = gateway.request("GET", gateway.url(api_id, "live", "/items/a%20b.txt"))
    assert (r.status_code, r.content, r.headers["content-type"]) == (200, b"hello",
                                                                     "text/plain")
    (call,) = services.calls
    assert (call.service, call.method, call.path) == ("s3", "GET", "/photos/a%20b.txt")


def test_an_s3_answer_of_404_selects_its_response(gateway, services) -> None:
    api_id = _method(gateway, _s3_get(), path_part="{item}", verb="GET")
    services.answers.append(ServiceAnswer(404, (("Content-Type", "application/xml"),),
                                          b"<Error><Code>NoSuchKey</Code></Error>"))
    r = gateway.request("GET", gateway.url(api_id, "live", "/items/none"))
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/json"   # not mapped: the default


def test_request_parameters_set_headers_and_the_query(gateway, services) -> None:
    integration = _s3_get(**{"integration.request.path.key": "method.request.path.item",
                             "integration.request.header.x-amz-meta-by":
                                 "method.request.header.X-User",
                             "integration.request.header.Content-Type": "'text/csv'",
                             "integration.request.querystring.versionId":
                                 "method.request.querystring.v"})
    integration["IntegrationHttpMethod"] = "PUT"
    api_id = _method(gateway, integration, path_part="{item}", verb="PUT")
    gateway.request("PUT", gateway.url(api_id, "live", "/items/r.csv?v=3"), content=b"a,b",
                    headers={"X-User": "ann", "Content-Type": "text/plain"})
    (call,) = services.calls
    assert (call.method, call.path, call.query, call.body) == (
        "PUT", "/photos/r.csv", "versionId=3", b"a,b")
    assert dict(call.headers) == {"x-amz-meta-by": "ann", "Content-Type": "text/csv"}


def test_an_unfilled_placeholder_is_the_configuration_error(gateway, services) -> None:
    api_id = _method(gateway, _s3_get(**{"integration.request.header.x": "'y'"}),
                     path_part="{item}", verb="GET")
    r = gateway.request("GET", gateway.url(api_id, "live", "/items/a"))
    assert r.status_code == 500 and services.calls == []


def test_an_any_integration_method_calls_s3_with_the_clients_method(gateway, services
                                                                     ) -> None:
    # Recorded from AWS (LocalStack's test_apigateway_s3_any): ANY on /{object_path+}
    # with IntegrationHttpMethod ANY puts, gets and deletes the object.
    integration = _s3_get(**{"integration.request.path.key":
                             "method.request.path.object_path"})
    integration["IntegrationHttpMethod"] = "ANY"
    api_id = _method(gateway, integration, path_part="{object_path+}", verb="ANY")
    url = gateway.url(api_id, "live", "/items/dir/test.json")
    for verb in ("PUT", "GET", "DELETE"):
        assert gateway.request(verb, url, json={"put_id": 1}).status_code == 200
    assert [(call.method, call.path) for call in services.calls] == [
        ("PUT", "/photos/dir/test.json"), ("GET", "/photos/dir/test.json"),
        ("DELETE", "/photos/dir/test.json")]


OVERRIDE_TEMPLATE = """#set($context.requestOverride.path.key = "by-$input.params('item')")
#set($context.requestOverride.header.Expires = "template")
#set($context.requestOverride.querystring.versionId = "7")
$input.body"""


def test_request_overrides_a_template_sets_win_over_request_parameters(gateway, services
                                                                        ) -> None:
    integration = _s3_get(**{"integration.request.path.key": "method.request.path.item",
                             "integration.request.header.Expires": "'parameter'"})
    integration.update(IntegrationHttpMethod="PUT",
                       RequestTemplates={"text/plain": OVERRIDE_TEMPLATE})
    api_id = _method(gateway, integration, path_part="{item}", verb="PUT")
    gateway.request("PUT", gateway.url(api_id, "live", "/items/r.txt"), content=b"hi",
                    headers={"Content-Type": "text/plain"})
    (call,) = services.calls
    assert (call.path, call.query, call.body) == ("/photos/by-r.txt", "versionId=7", b"hi")
    assert dict(call.headers)["Expires"] == "template"


@pytest.mark.parametrize("integration, words", [
    ({"Type": "AWS", "Uri": "arn:aws:apigateway:us-east-1:sqs:action/SendMessage"},
     "Fogbank serves service integrations to DynamoDB actions and S3 paths"),
    ({"Type": "AWS", "Uri": "arn:aws:apigateway:us-east-1:s3:action/GetObject"},
     "s3:action/GetObject"),
    ({"Type": "AWS", "Uri": "arn:aws:apigateway:us-east-1:s3:path/b/{key}",
      "RequestParameters": {"method.request.path.key": "method.request.path.key"}},
     "request parameter method.request.path.key is not an integration request's"),
])
def test_service_integrations_fogbank_cannot_serve_fail_the_deploy(gateway, integration,
                                                                   words) -> None:
    with pytest.raises(TemplateError) as exc:
        _method(gateway, integration)
    assert words in exc.value.message


# ------------------------------------------------------------------ OpenAPI bodies

def test_an_openapi_aws_integration_to_dynamodb_is_imported() -> None:
    imported = import_body("api", REST, {"paths": {"/items": {"get": {
        "x-amazon-apigateway-integration": {
            "type": "aws", "httpMethod": "POST", "credentials": ROLE,
            "uri": "arn:aws:apigateway:us-east-1:dynamodb:action/Query",
            "requestTemplates": {"application/json": '{"TableName": "T"}'},
            "passthroughBehavior": "when_no_templates",
            "responses": {"default": {"statusCode": "200"}}}}}}})
    (integration,) = imported.integrations.values()
    assert integration.service is not None
    assert (integration.service.service, integration.service.action,
            integration.service.credentials) == ("dynamodb", "Query", ROLE)
    assert integration.mapping.passthrough == "WHEN_NO_TEMPLATES"


def test_an_openapi_aws_integration_fogbank_cannot_serve_is_skipped() -> None:
    imported = import_body("api", REST, {"paths": {"/q": {"post": {
        "x-amazon-apigateway-integration": {
            "type": "aws", "httpMethod": "POST",
            "uri": "arn:aws:apigateway:us-east-1:sqs:path/123456789012/queue"}}}}})
    assert imported.routes == {}


# ------------------------------------------------------------------ mock templates

SCOPED = """{
  #if( $input.params('scope') == "internal" )
    "statusCode": 200
  #else
    "statusCode": 500
  #end
}"""


def _mock(**extra: Any) -> dict[str, Any]:
    return {"Type": "MOCK", "RequestTemplates": {"application/json": SCOPED},
            "IntegrationResponses": [
                {"StatusCode": "200", "ResponseTemplates": {
                    "application/json": '{"scope": "$input.params(\'scope\')", '
                                        '"stage": "$context.stage"}'}},
                {"StatusCode": "500", "SelectionPattern": "5\\d{2}",
                 "ResponseTemplates": {"application/json": '{"message": "not for you"}'},
                 "ResponseParameters": {"method.response.header.X-Why": "'scope'"}}],
            **extra}


def test_a_mock_request_template_sets_the_status_that_selects_the_response(gateway) -> None:
    api_id = _method(gateway, _mock(), verb="GET")
    r = gateway.request("GET", gateway.url(api_id, "live", "/items/1?scope=internal"))
    assert (r.status_code, r.json()) == (200, {"scope": "internal", "stage": "live"})
    r = gateway.request("GET", gateway.url(api_id, "live", "/items/1?scope=outside"))
    assert (r.status_code, r.json(), r.headers["x-why"]) == (500, {"message": "not for you"},
                                                             "scope")
    assert "x-amzn-trace-id" not in r.headers        # a mock calls no integration


def test_a_mock_status_no_response_selects_is_the_configuration_error(gateway) -> None:
    integration = _mock()
    integration["IntegrationResponses"] = integration["IntegrationResponses"][:1]
    integration["IntegrationResponses"][0]["SelectionPattern"] = "200"
    api_id = _method(gateway, integration, verb="GET")
    r = gateway.request("GET", gateway.url(api_id, "live", "/items/1?scope=outside"))
    assert (r.status_code, r.json()) == (500, {"message": "Internal server error"})


def test_a_mock_without_a_request_template_answers_its_default_response(gateway) -> None:
    integration = _mock()
    del integration["RequestTemplates"]
    api_id = _method(gateway, integration, verb="GET")
    r = gateway.request("GET", gateway.url(api_id, "live", "/items/1?scope=x"))
    assert (r.status_code, r.json()) == (200, {"scope": "x", "stage": "live"})


def _openapi_mock(response_template: str) -> Any:
    imported = import_body("api", REST, {"paths": {"/a": {"get": {
        "x-amazon-apigateway-integration": {
            "type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "responses": {"default": {"statusCode": "200", "responseTemplates": {
                "application/json": response_template}}}}}}}})
    (integration,) = imported.integrations.values()
    return integration


def test_an_openapi_mock_response_template_renders() -> None:
    assert templates.renders(_openapi_mock('{"id": "$context.requestId"}').mapping)


def test_a_plain_mock_keeps_its_literal_answer() -> None:
    integration = _openapi_mock("{}\n")
    assert not templates.renders(integration.mapping)
    assert integration.mock.body == b"{}"
