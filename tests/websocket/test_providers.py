"""WebSocket API resources → the API definitions the gateway serves, then served."""
from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import pytest
from websockets.sync.client import connect

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.apis import ApiProviders
from fogbank.gateway import ApiRegistry
from fogbank.gateway.model import WEBSOCKET, stable_id
from fogbank.types import Deployed, Resource

URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
       "arn:aws:lambda:us-east-1:123456789012:function:{}/invocations")


class Stack:
    """Providers over one registry; `put` creates a resource and remembers its id."""

    def __init__(self, apis: ApiRegistry) -> None:
        self.providers = ApiProviders(apis, "us-east-1", "123456789012").all()
        self.ids: dict[str, str] = {}

    def put(self, logical_id: str, kind: str, **props) -> str:
        (provider,) = [p for p in self.providers if kind in p.types]
        resource = Resource(logical_id, kind, props, Path("."), "app")
        deployed = provider.create(resource)
        self.ids[logical_id] = deployed.physical_id
        return deployed.physical_id


def build_chat(apis: ApiRegistry) -> tuple[Stack, str]:
    stack = Stack(apis)
    api = stack.put("Api", "AWS::ApiGatewayV2::Api", Name="chat", ProtocolType="WEBSOCKET",
                    RouteSelectionExpression="$request.body.action")
    for name in ("connect", "send", "default"):
        stack.put(f"{name}Int", "AWS::ApiGatewayV2::Integration", ApiId=api,
                  IntegrationType="AWS_PROXY", IntegrationUri=URI.format(name))
    stack.put("ConnectRoute", "AWS::ApiGatewayV2::Route", ApiId=api, RouteKey="$connect",
              Target=f"integrations/{stack.ids['connectInt']}")
    stack.put("SendRoute", "AWS::ApiGatewayV2::Route", ApiId=api, RouteKey="send",
              Target=f"integrations/{stack.ids['sendInt']}")
    default = stack.put("DefaultRoute", "AWS::ApiGatewayV2::Route", ApiId=api,
                        RouteKey="$default", Target=f"integrations/{stack.ids['defaultInt']}")
    stack.put("DefaultResponse", "AWS::ApiGatewayV2::RouteResponse", ApiId=api,
              RouteId=default, RouteResponseKey="$default")
    stack.put("DefaultIntResponse", "AWS::ApiGatewayV2::IntegrationResponse", ApiId=api,
              IntegrationId=stack.ids["defaultInt"], IntegrationResponseKey="$default")
    stack.put("Deployment", "AWS::ApiGatewayV2::Deployment", ApiId=api)
    stack.put("Stage", "AWS::ApiGatewayV2::Stage", ApiId=api, StageName="prod")
    return stack, api


def test_websocket_resources_define_a_served_api():
    apis = ApiRegistry(base_url="http://127.0.0.1:4566")
    stack, api_id = build_chat(apis)
    api = apis.get(api_id)
    assert api.protocol == WEBSOCKET
    assert api.route_selection_expression == "$request.body.action"
    assert sorted(r.key for r in api.routes.values()) == ["$connect", "$default", "send"]
    assert apis.urls(api_id) == [("prod", f"ws://127.0.0.1:4566/_aws/execute-api/{api_id}/prod")]


def test_api_endpoint_attribute_is_a_websocket_url():
    apis = ApiRegistry(base_url="http://127.0.0.1:4566")
    (provider,) = [p for p in ApiProviders(apis).all() if "AWS::ApiGatewayV2::Api" in p.types]
    deployed = provider.create(Resource("Api", "AWS::ApiGatewayV2::Api", {
        "ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.action"},
        Path("."), "app"))
    assert deployed.attributes["ApiEndpoint"] == \
        f"ws://127.0.0.1:4566/_aws/execute-api/{deployed.physical_id}"
    assert deployed.attributes["ApiId"] == deployed.physical_id


def test_route_selection_expression_is_required():
    stack = Stack(ApiRegistry())
    with pytest.raises(TemplateError) as error:
        stack.put("Api", "AWS::ApiGatewayV2::Api", ProtocolType="WEBSOCKET")
    assert "RouteSelectionExpression" in error.value.message


def test_unknown_protocol_type_is_refused():
    with pytest.raises(TemplateError) as error:
        Stack(ApiRegistry()).put("Api", "AWS::ApiGatewayV2::Api", ProtocolType="GRPC")
    assert "ProtocolType GRPC" in error.value.message


def test_http_api_still_refuses_route_keys_without_a_path():
    stack = Stack(ApiRegistry())
    api = stack.put("Api", "AWS::ApiGatewayV2::Api", ProtocolType="HTTP")
    with pytest.raises(TemplateError):
        stack.put("Route", "AWS::ApiGatewayV2::Route", ApiId=api, RouteKey="sendmessage")


def test_route_response_needs_its_key():
    stack = Stack(ApiRegistry())
    api = stack.put("Api", "AWS::ApiGatewayV2::Api", ProtocolType="WEBSOCKET",
                    RouteSelectionExpression="$request.body.action")
    with pytest.raises(TemplateError) as error:
        stack.put("Resp", "AWS::ApiGatewayV2::RouteResponse", ApiId=api, RouteId="r1")
    assert "RouteResponseKey" in error.value.message


def test_deleting_a_route_response_makes_the_route_one_way():
    apis = ApiRegistry()
    stack, api_id = build_chat(apis)
    (provider,) = [p for p in stack.providers if "AWS::ApiGatewayV2::RouteResponse" in p.types]
    props = {"ApiId": api_id, "RouteId": stack.ids["DefaultRoute"],
             "RouteResponseKey": "$default"}
    provider.delete(Resource("DefaultResponse", "AWS::ApiGatewayV2::RouteResponse", props,
                             Path("."), "app"), Deployed(stack.ids["DefaultResponse"]))
    assert apis.get(api_id).route_responses == {}


def test_routes_restored_before_their_api_are_served(gateway_factory):
    """On restart an unchanged route may be restored before a changed API."""
    apis = ApiRegistry()
    stack = Stack(apis)
    api_id = stable_id("app", "Api")
    stack.put("Int", "AWS::ApiGatewayV2::Integration", ApiId=api_id,
              IntegrationType="AWS_PROXY", IntegrationUri=URI.format("send"))
    stack.put("Route", "AWS::ApiGatewayV2::Route", ApiId=api_id, RouteKey="send",
              RouteResponseSelectionExpression="$default",
              Target=f"integrations/{stack.ids['Int']}")
    stack.put("Stage", "AWS::ApiGatewayV2::Stage", ApiId=api_id, StageName="prod")
    stack.put("Api", "AWS::ApiGatewayV2::Api", ProtocolType="WEBSOCKET",
              RouteSelectionExpression="$request.body.action")
    gateway = gateway_factory(apis.get(api_id), {
        "send": lambda e: {"statusCode": 200, "body": "sent"}})
    with connect(gateway.url.replace("chatapi123", api_id)) as ws:
        ws.send(json.dumps({"action": "send"}))
        assert ws.recv(timeout=30) == "sent"


def websocket_api(stack: Stack) -> str:
    return stack.put("Api", "AWS::ApiGatewayV2::Api", ProtocolType="WEBSOCKET",
                     RouteSelectionExpression="$request.body.action")


def put_integration(stack: Stack, api: str, **props) -> str:
    return stack.put("Int", "AWS::ApiGatewayV2::Integration", ApiId=api,
                     IntegrationType="AWS_PROXY", IntegrationUri=URI.format("slow"), **props)


def test_timeout_in_millis_bounds_how_long_the_client_waits(gateway_factory):
    apis = ApiRegistry()
    stack = Stack(apis)
    api_id = websocket_api(stack)
    integration = put_integration(stack, api_id, TimeoutInMillis=300)
    route = stack.put("Route", "AWS::ApiGatewayV2::Route", ApiId=api_id, RouteKey="$default",
                      Target=f"integrations/{integration}")
    stack.put("Resp", "AWS::ApiGatewayV2::RouteResponse", ApiId=api_id, RouteId=route,
              RouteResponseKey="$default")
    stack.put("Stage", "AWS::ApiGatewayV2::Stage", ApiId=api_id, StageName="prod")
    release = threading.Event()

    async def slow(event):
        while not release.is_set():
            await asyncio.sleep(0.01)
        return {"statusCode": 200, "body": "too late"}
    # The node's default (29 s) is left as it is: the integration's own timeout answers.
    gateway = gateway_factory(apis.get(api_id), {"slow": slow})
    try:
        with connect(gateway.url.replace("chatapi123", api_id)) as ws:
            ws.send("x")
            frame = json.loads(ws.recv(timeout=10))
    finally:
        release.set()
    assert frame["message"] == "Endpoint request timed out"
    assert set(frame) == {"message", "connectionId", "requestId"}


@pytest.mark.parametrize("value", [50, "1000", 29000])
def test_timeout_in_millis_within_api_gateways_bounds_is_kept(value):
    apis = ApiRegistry()
    stack = Stack(apis)
    api_id = websocket_api(stack)
    integration = put_integration(stack, api_id, TimeoutInMillis=value)
    assert apis.get(api_id).integrations[integration].timeout_ms == int(value)


@pytest.mark.parametrize("protocol, value, bounds", [
    ("WEBSOCKET", 49, "50 ms and 29000 ms"), ("WEBSOCKET", 29001, "50 ms and 29000 ms"),
    ("WEBSOCKET", "-1", "50 ms and 29000 ms"), ("HTTP", 30001, "50 ms and 30000 ms")])
def test_timeout_in_millis_out_of_bounds_fails_the_deploy(protocol, value, bounds):
    stack = Stack(ApiRegistry())
    api_id = stack.put("Api", "AWS::ApiGatewayV2::Api", ProtocolType=protocol,
                       RouteSelectionExpression="$request.body.action")
    with pytest.raises(TemplateError) as error:
        put_integration(stack, api_id, TimeoutInMillis=value)
    assert error.value.message == f"Resource Int: Timeout should be between {bounds}"


def test_http_api_takes_its_own_longer_timeout():
    apis = ApiRegistry()
    stack = Stack(apis)
    api_id = stack.put("Api", "AWS::ApiGatewayV2::Api", ProtocolType="HTTP")
    integration = put_integration(stack, api_id, TimeoutInMillis=30000)
    assert apis.get(api_id).integrations[integration].timeout_ms == 30000


@pytest.mark.parametrize("value, found", [("soon", "String"), (1.5, "Number"),
                                          (True, "Boolean"), ({"ms": 1}, "JSONObject")])
def test_timeout_in_millis_that_is_no_integer_fails_the_deploy(value, found):
    stack = Stack(ApiRegistry())
    api_id = websocket_api(stack)
    with pytest.raises(TemplateError) as error:
        put_integration(stack, api_id, TimeoutInMillis=value)
    assert error.value.message == (
        "Properties validation failed for resource Int with message: #/TimeoutInMillis: "
        f"expected type: Integer, found: {found}")


def test_a_non_lambda_integration_is_checked_too():
    stack = Stack(ApiRegistry())
    api_id = websocket_api(stack)
    with pytest.raises(TemplateError) as error:
        stack.put("Mock", "AWS::ApiGatewayV2::Integration", ApiId=api_id,
                  IntegrationType="MOCK", TimeoutInMillis=10)
    assert "Timeout should be between 50 ms and 29000 ms" in error.value.message
