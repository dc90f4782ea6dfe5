"""The API Gateway resource providers, fed by what aws-sam-translator makes of SAM apps and
by hand-written CloudFormation resources, checked by serving requests."""
from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.apis import ApiProviders
from fogbank.types import Resource

LAMBDA_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
              "arn:aws:lambda:us-east-1:123456789012:function:{}/invocations")


def ok(name):
    return lambda event, context: {"statusCode": 200, "body": name}


def provider(gateway, kind):
    (found,) = [p for p in ApiProviders(gateway.apis, "us-east-1", "123456789012").all()
                if kind in p.types]
    return found


def res(logical_id, kind, **props):
    return Resource(logical_id, kind, props, Path("."), "app")


def test_sam_http_api_events(gateway, deploy_sam, sam_function) -> None:
    gateway.runtime.handlers.update(fn=ok("fn"))
    stack = deploy_sam({
        "Fn": sam_function({
            "Get": {"Type": "HttpApi", "Properties": {"Path": "/items/{id}", "Method": "GET"}},
            "Catch": {"Type": "HttpApi"}}),
    })
    api_id = stack.api_id("ServerlessHttpApi")
    assert len(api_id) == 10 and api_id.isalnum() and api_id.islower()
    assert gateway.apis.urls(api_id) == [
        ("$default", f"http://127.0.0.1:4566/_aws/execute-api/{api_id}")]
    r = gateway.request("GET", gateway.url(api_id, path="/items/5"))
    assert (r.status_code, r.text) == (200, "fn")
    assert gateway.runtime.event["routeKey"] == "GET /items/{id}"
    assert gateway.runtime.event["version"] == "2.0"
    gateway.request("PATCH", gateway.url(api_id, path="/else"))
    assert gateway.runtime.event["routeKey"] == "$default"
    assert stack.deployed["ServerlessHttpApi"].attributes["ApiEndpoint"] == (
        f"http://127.0.0.1:4566/_aws/execute-api/{api_id}")


def test_sam_http_api_with_stage_variables_and_cors(gateway, deploy_sam, sam_function) -> None:
    gateway.runtime.handlers.update(fn=ok("fn"))
    stack = deploy_sam({
        "Api": {"Type": "AWS::Serverless::HttpApi", "Properties": {
            "StageName": "prod", "StageVariables": {"color": "blue"},
            "CorsConfiguration": {"AllowOrigins": ["https://a.example"],
                                  "AllowMethods": ["GET"], "MaxAge": 60}}},
        "Fn": sam_function({"Any": {"Type": "HttpApi", "Properties": {
            "ApiId": {"Ref": "Api"}, "Path": "/x/{proxy+}", "Method": "ANY"}}}),
    })
    api_id = stack.api_id("Api")
    assert [stage for stage, _ in gateway.apis.urls(api_id)] == ["prod"]
    r = gateway.request("POST", gateway.url(api_id, "prod", "/x/1/2"),
                        headers={"Origin": "https://a.example"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "https://a.example"
    event = gateway.runtime.event
    assert event["stageVariables"] == {"color": "blue"}
    assert event["pathParameters"] == {"proxy": "1/2"}
    r = gateway.request("OPTIONS", gateway.url(api_id, "prod", "/x/1"), headers={
        "Origin": "https://a.example", "Access-Control-Request-Method": "GET"})
    assert (r.status_code, r.headers["access-control-max-age"]) == (204, "60")


def test_sam_rest_api_with_cors(gateway, deploy_sam, sam_function) -> None:
    gateway.runtime.handlers.update(fn=ok("fn"))
    stack = deploy_sam({
        "Fn": sam_function({
            "Get": {"Type": "Api", "Properties": {"Path": "/items/{id}", "Method": "get"}},
            "Proxy": {"Type": "Api", "Properties": {"Path": "/{proxy+}", "Method": "any"}}}),
    }, {"Api": {"Cors": {"AllowOrigin": "'https://a.example'", "AllowMethods": "'GET,POST'",
                         "AllowHeaders": "'x-custom'"}}})
    api_id = stack.api_id("ServerlessRestApi")
    # SAM's deployment also makes a "Stage" stage: served, but the URL shown is Prod's.
    assert gateway.apis.urls(api_id) == [
        ("Prod", f"http://127.0.0.1:4566/_aws/execute-api/{api_id}/Prod")]
    r = gateway.request("GET", gateway.url(api_id, "Prod", "/items/3"))
    assert (r.status_code, r.text) == (200, "fn")
    event = gateway.runtime.event
    assert (event["resource"], event["pathParameters"]) == ("/items/{id}", {"id": "3"})
    assert gateway.request("GET", gateway.url(api_id, "Stage", "/items/3")).status_code == 200
    r = gateway.request("DELETE", gateway.url(api_id, "Prod", "/a/b"))
    assert gateway.runtime.event["resource"] == "/{proxy+}"
    r = gateway.request("OPTIONS", gateway.url(api_id, "Prod", "/items/3"))
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "https://a.example"
    assert r.headers["access-control-allow-methods"] == "GET,POST"
    assert r.headers["access-control-allow-headers"] == "x-custom"
    assert stack.deployed["ServerlessRestApi"].attributes["RootResourceId"]


def test_sam_rest_api_binary_media_types(gateway, deploy_sam, sam_function) -> None:
    gateway.runtime.handlers.update(fn=lambda event, context: {
        "statusCode": 200, "body": str(event["isBase64Encoded"])})
    stack = deploy_sam({
        "Api": {"Type": "AWS::Serverless::Api", "Properties": {
            "StageName": "v1", "BinaryMediaTypes": ["image~1png"]}},
        "Fn": sam_function({"Up": {"Type": "Api", "Properties": {
            "RestApiId": {"Ref": "Api"}, "Path": "/up", "Method": "post"}}}),
    })
    r = gateway.request("POST", gateway.url(stack.api_id("Api"), "v1", "/up"),
                        content=b"\x89PNG", headers={"content-type": "image/png"})
    assert r.text == "True"


def test_hand_written_http_api(gateway) -> None:
    # An integration that targets an alias invokes the function by that alias.
    gateway.runtime.handlers.update({"one": ok("one"), "two:live": ok("two")})
    api = provider(gateway, "AWS::ApiGatewayV2::Api").create(
        res("Api", "AWS::ApiGatewayV2::Api", Name="hand", ProtocolType="HTTP"))
    api_id = api.physical_id
    integration = provider(gateway, "AWS::ApiGatewayV2::Integration").create(
        res("Int", "AWS::ApiGatewayV2::Integration", ApiId=api_id, IntegrationType="AWS_PROXY",
            IntegrationUri=LAMBDA_URI.format("one"), PayloadFormatVersion="2.0"))
    routes = provider(gateway, "AWS::ApiGatewayV2::Route")
    route_res = res("Route", "AWS::ApiGatewayV2::Route", ApiId=api_id, RouteKey="GET /r/{id}",
                    Target=f"integrations/{integration.physical_id}")
    route = routes.create(route_res)
    provider(gateway, "AWS::ApiGatewayV2::Stage").create(
        res("Stage", "AWS::ApiGatewayV2::Stage", ApiId=api_id, StageName="$default"))
    provider(gateway, "AWS::ApiGatewayV2::Deployment").create(
        res("Dep", "AWS::ApiGatewayV2::Deployment", ApiId=api_id))
    assert gateway.request("GET", gateway.url(api_id, path="/r/1")).text == "one"
    assert gateway.runtime.event["version"] == "2.0"
    # A bare Lambda function ARN is accepted as IntegrationUri too.
    second = provider(gateway, "AWS::ApiGatewayV2::Integration").create(
        res("Int2", "AWS::ApiGatewayV2::Integration", ApiId=api_id, IntegrationType="AWS_PROXY",
            IntegrationUri="arn:aws:lambda:us-east-1:123456789012:function:two:live",
            PayloadFormatVersion="1.0"))
    moved = res("Route", "AWS::ApiGatewayV2::Route", ApiId=api_id, RouteKey="POST /s",
                Target=f"integrations/{second.physical_id}")
    routes.update(route_res, route, moved)
    assert gateway.request("GET", gateway.url(api_id, path="/r/1")).status_code == 404
    assert gateway.request("POST", gateway.url(api_id, path="/s")).text == "two"
    assert gateway.runtime.event["version"] == "1.0"
    routes.delete(moved, route)
    assert gateway.request("POST", gateway.url(api_id, path="/s")).status_code == 404


def test_hand_written_rest_api(gateway) -> None:
    gateway.runtime.handlers.update(fn=ok("fn"))
    api = provider(gateway, "AWS::ApiGateway::RestApi").create(
        res("Api", "AWS::ApiGateway::RestApi", Name="hand"))
    api_id, root = api.physical_id, api.attributes["RootResourceId"]
    resources = provider(gateway, "AWS::ApiGateway::Resource")
    users = resources.create(res("Users", "AWS::ApiGateway::Resource", RestApiId=api_id,
                                 ParentId=root, PathPart="users"))
    user = resources.create(res("User", "AWS::ApiGateway::Resource", RestApiId=api_id,
                                ParentId=users.physical_id, PathPart="{id}"))
    assert user.attributes["ResourceId"] == user.physical_id
    provider(gateway, "AWS::ApiGateway::Method").create(
        res("Any", "AWS::ApiGateway::Method", RestApiId=api_id, ResourceId=user.physical_id,
            HttpMethod="ANY", AuthorizationType="NONE",
            Integration={"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST",
                         "Uri": LAMBDA_URI.format("fn")}))
    provider(gateway, "AWS::ApiGateway::Method").create(
        res("Opt", "AWS::ApiGateway::Method", RestApiId=api_id, ResourceId=users.physical_id,
            HttpMethod="OPTIONS", Integration={"Type": "MOCK", "IntegrationResponses": [{
                "StatusCode": "200", "ResponseTemplates": {"application/json": ""},
                "ResponseParameters": {"method.response.header.X-Mocked": "'yes'"}}]}))
    dep = provider(gateway, "AWS::ApiGateway::Deployment").create(
        res("Dep", "AWS::ApiGateway::Deployment", RestApiId=api_id))
    provider(gateway, "AWS::ApiGateway::Stage").create(
        res("Stage", "AWS::ApiGateway::Stage", RestApiId=api_id, StageName="live",
            DeploymentId=dep.physical_id, Variables={"k": "v"}))
    r = gateway.request("PUT", gateway.url(api_id, "live", "/users/9"))
    assert r.text == "fn"
    event = gateway.runtime.event
    assert (event["resource"], event["pathParameters"], event["stageVariables"]) == (
        "/users/{id}", {"id": "9"}, {"k": "v"})
    assert event["requestContext"]["resourceId"] == user.physical_id
    r = gateway.request("OPTIONS", gateway.url(api_id, "live", "/users"))
    assert (r.status_code, r.headers["x-mocked"]) == (200, "yes")


def test_websocket_api_is_served_to_websocket_clients_only(gateway) -> None:
    api = provider(gateway, "AWS::ApiGatewayV2::Api").create(
        res("Ws", "AWS::ApiGatewayV2::Api", Name="ws", ProtocolType="WEBSOCKET",
            RouteSelectionExpression="$request.body.action"))
    integration = provider(gateway, "AWS::ApiGatewayV2::Integration").create(
        res("Int", "AWS::ApiGatewayV2::Integration", ApiId=api.physical_id,
            IntegrationType="AWS_PROXY", IntegrationUri=LAMBDA_URI.format("fn")))
    assert integration.physical_id
    assert gateway.apis.live(api.physical_id).api.protocol == "WEBSOCKET"
    assert gateway.request("GET", gateway.url(api.physical_id, path="/")).status_code == 404


def test_websocket_integration_to_other_than_lambda_is_named_as_not_served(gateway, caplog
                                                                           ) -> None:
    api = provider(gateway, "AWS::ApiGatewayV2::Api").create(
        res("Ws", "AWS::ApiGatewayV2::Api", Name="ws", ProtocolType="WEBSOCKET",
            RouteSelectionExpression="$request.body.action"))
    with caplog.at_level("WARNING"):
        provider(gateway, "AWS::ApiGatewayV2::Integration").create(
            res("Send", "AWS::ApiGatewayV2::Integration", ApiId=api.physical_id,
                IntegrationType="HTTP_PROXY", IntegrationUri="https://example.com/x"))
        # A non-proxy one to Lambda is served, with its templates (tests/websocket).
        provider(gateway, "AWS::ApiGatewayV2::Integration").create(
            res("Mapped", "AWS::ApiGatewayV2::Integration", ApiId=api.physical_id,
                IntegrationType="AWS", IntegrationUri=LAMBDA_URI.format("fn"),
                RequestTemplates={"$default": "$input.body"}))
    (integration,) = gateway.apis.get(api.physical_id).integrations.values()
    assert integration.mapping.request_templates == (("$default", "$input.body"),)
    assert "integration Send (HTTP_PROXY " in caplog.text and "is not served" in caplog.text
    assert "Mapped" not in caplog.text


def test_a_stage_cache_is_named_as_not_served(gateway, deploy_sam, sam_function,
                                               caplog) -> None:
    gateway.runtime.handlers.update(fn=ok("fn"))
    with caplog.at_level("WARNING"):
        stack = deploy_sam({
            "Api": {"Type": "AWS::Serverless::Api", "Properties": {
                "StageName": "Prod", "CacheClusterEnabled": True, "CacheClusterSize": "0.5"}},
            "Fn": sam_function({"Get": {"Type": "Api", "Properties": {
                "RestApiId": {"Ref": "Api"}, "Path": "/", "Method": "get"}}})})
    assert "stage Prod: the stage's cache (CacheClusterEnabled) is not served" in caplog.text
    assert gateway.request("GET", gateway.url(stack.api_id("Api"), "Prod", "/")).text == "fn"


def test_quick_create_target(gateway) -> None:
    gateway.runtime.handlers.update(fn=ok("fn"))
    api = provider(gateway, "AWS::ApiGatewayV2::Api").create(
        res("Quick", "AWS::ApiGatewayV2::Api", ProtocolType="HTTP",
            Target="arn:aws:lambda:us-east-1:123456789012:function:fn"))
    r = gateway.request("GET", gateway.url(api.physical_id, path="/any/path"))
    assert r.text == "fn"
    assert gateway.runtime.event["routeKey"] == "$default"


def test_ids_are_stable_across_restarts_and_restore_serves_again(gateway, deploy_sam,
                                                                  sam_function) -> None:
    gateway.runtime.handlers.update(fn=ok("fn"))
    stack = deploy_sam({"Fn": sam_function({"Get": {"Type": "HttpApi", "Properties": {
        "Path": "/a", "Method": "GET"}}})})
    api_id = stack.api_id("ServerlessHttpApi")
    restarted = type(gateway)(gateway.runtime.handlers)
    providers = {t: p for p in ApiProviders(restarted.apis, "us-east-1", "123456789012").all()
                 for t in p.types}
    assert restarted.request("GET", restarted.url(api_id, path="/a")).status_code == 404
    # Restore may meet a stage before its API (when the API changed and is not restored).
    parts_first = sorted(stack.applied, key=lambda lid: "Api" in stack.applied[lid].type)
    for lid in parts_first:
        resource = stack.applied[lid]
        providers[resource.type].restore(resource, stack.deployed[lid])
    assert restarted.request("GET", restarted.url(api_id, path="/a")).text == "fn"
    again = providers["AWS::ApiGatewayV2::Api"].create(stack.applied["ServerlessHttpApi"])
    assert again.physical_id == api_id


def test_updating_an_api_body_keeps_its_stages(gateway, deploy_sam, sam_function) -> None:
    gateway.runtime.handlers.update(fn=ok("fn"))
    stack = deploy_sam({"Fn": sam_function({"Get": {"Type": "HttpApi", "Properties": {
        "Path": "/old", "Method": "GET"}}})})
    api_id = stack.api_id("ServerlessHttpApi")
    old = stack.applied["ServerlessHttpApi"]
    body = dict(old.properties["Body"])
    body["paths"] = {"/new": body["paths"]["/old"]}
    new = res("ServerlessHttpApi", old.type, Body=body)
    provider(gateway, old.type).update(old, stack.deployed["ServerlessHttpApi"], new)
    assert gateway.request("GET", gateway.url(api_id, path="/old")).status_code == 404
    assert gateway.request("GET", gateway.url(api_id, path="/new")).text == "fn"


def test_deleting_an_api_stops_serving_it(gateway, deploy_sam, sam_function) -> None:
    gateway.runtime.handlers.update(fn=ok("fn"))
    stack = deploy_sam({"Fn": sam_function({"Get": {"Type": "Api", "Properties": {
        "Path": "/a", "Method": "get"}}})})
    api_id = stack.api_id("ServerlessRestApi")
    for lid in reversed(list(stack.applied)):
        resource = stack.applied[lid]
        provider(gateway, resource.type).delete(resource, stack.deployed[lid])
    assert gateway.apis.get(api_id) is None
    assert gateway.request("GET", gateway.url(api_id, "Prod", "/a")).status_code == 404


@pytest.mark.parametrize("kind, props, message", [
    ("AWS::ApiGatewayV2::Route", {"RouteKey": "GET /a"}, "required key [ApiId] not found"),
    ("AWS::ApiGatewayV2::Route", {"ApiId": "x", "RouteKey": "GET a"},
     "RouteKey GET a is not 'METHOD /path' or '$default'"),
    ("AWS::ApiGatewayV2::Stage", {"ApiId": "x"}, "required key [StageName] not found"),
    ("AWS::ApiGateway::Method", {"RestApiId": "x", "ResourceId": "r"},
     "required key [HttpMethod] not found"),
    ("AWS::ApiGateway::Method", {"RestApiId": "x", "ResourceId": "r", "HttpMethod": "GET",
                                 "Integration": {"Type": "HTTP_PROXY", "Uri": "http://x"}},
     "HTTP_PROXY integration needs its integration HTTP method"),
    ("AWS::ApiGateway::Resource", {"RestApiId": "x", "ParentId": "p"},
     "required key [PathPart] not found"),
    ("AWS::ApiGateway::RestApi", {"BodyS3Location": {"Bucket": "b", "Key": "k"}},
     "BodyS3Location is in S3"),
    ("AWS::ApiGatewayV2::Api", {"ProtocolType": "HTTP", "Body": "not an object"},
     "Body must be an OpenAPI object"),
    ("AWS::ApiGatewayV2::Api", {"ProtocolType": "HTTP", "Target": "https://example.com"},
     "Target https://example.com is not a Lambda function ARN"),
])
def test_bad_properties_are_template_errors(gateway, kind, props, message) -> None:
    with pytest.raises(TemplateError) as exc:
        provider(gateway, kind).create(res("Bad", kind, **props))
    assert message in exc.value.message
    assert exc.value.code == "ValidationError"


def test_an_http_api_http_proxy_without_a_method_is_refused(gateway) -> None:
    api = provider(gateway, "AWS::ApiGatewayV2::Api").create(
        res("Api", "AWS::ApiGatewayV2::Api", ProtocolType="HTTP"))
    with pytest.raises(TemplateError) as exc:
        provider(gateway, "AWS::ApiGatewayV2::Integration").create(
            res("Int", "AWS::ApiGatewayV2::Integration", ApiId=api.physical_id,
                IntegrationType="HTTP_PROXY", IntegrationUri="https://example.com"))
    assert "HTTP_PROXY integration needs its integration HTTP method" in exc.value.message


@pytest.mark.parametrize("event_type, api_lid, limit", [
    ("HttpApi", "ServerlessHttpApi", 30000), ("Api", "ServerlessRestApi", 29000)])
def test_sam_event_timeout_in_millis(gateway, deploy_sam, sam_function, event_type, api_lid,
                                     limit) -> None:
    gateway.runtime.handlers.update(fn=ok("fn"))
    event = {"Type": event_type, "Properties": {"Path": "/a", "Method": "GET",
                                                "TimeoutInMillis": 250}}
    stack = deploy_sam({"Fn": sam_function({"Get": event})})
    api = gateway.apis.get(stack.api_id(api_lid))
    assert [i.timeout_ms for i in api.integrations.values()] == [250]
    event["Properties"]["TimeoutInMillis"] = limit + 1
    with pytest.raises(TemplateError) as exc:
        deploy_sam({"Fn": sam_function({"Get": event})})
    assert exc.value.message == f"Resource {api_lid}: Timeout should be between 50 ms and " \
                                f"{limit} ms"


@pytest.mark.parametrize("value, message", [
    (29000, None), (49, "Resource M: Timeout should be between 50 ms and 29000 ms"),
    ("soon", "Properties validation failed for resource M with message: #/TimeoutInMillis: "
             "expected type: Integer, found: String")])
def test_rest_method_timeout_in_millis(gateway, value, message) -> None:
    api_id = provider(gateway, "AWS::ApiGateway::RestApi").create(
        res("Api", "AWS::ApiGateway::RestApi", Name="t")).physical_id
    root = gateway.apis.get(api_id).root_resource_id
    method = res("M", "AWS::ApiGateway::Method", RestApiId=api_id, ResourceId=root,
                 HttpMethod="GET", Integration={"Type": "AWS_PROXY", "TimeoutInMillis": value,
                                                "Uri": LAMBDA_URI.format("fn")})
    if message is None:
        provider(gateway, "AWS::ApiGateway::Method").create(method)
        (integration,) = gateway.apis.get(api_id).integrations.values()
        assert integration.timeout_ms == value
    else:
        with pytest.raises(TemplateError) as exc:
            provider(gateway, "AWS::ApiGateway::Method").create(method)
        assert exc.value.message == message
