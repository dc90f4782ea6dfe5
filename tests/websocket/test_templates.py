"""A WebSocket API's non-proxy Lambda integrations (type AWS): the request template chosen
by the integration's TemplateSelectionExpression maps a message to the function's event,
and a two-way route's integration response template maps the result to the reply."""
from __future__ import annotations

import json

import pytest
from websockets.sync.client import connect

from fogbank.deploy.errors import TemplateError
from fogbank.gateway import ApiRegistry
from tests.websocket.test_providers import URI, Stack

GREETING = ('{"hi": $input.json(\'$.name\'), "route": "$context.routeKey", '
            '"connection": "$context.connectionId", "stage": "$stageVariables.env", '
            '"escaped": "$util.escapeJavaScript($input.path(\'$.name\'))"}')


def mapped_api(passthrough: str = "WHEN_NO_MATCH"):
    apis = ApiRegistry()
    stack = Stack(apis)
    api = stack.put("Api", "AWS::ApiGatewayV2::Api", Name="mapped", ProtocolType="WEBSOCKET",
                    RouteSelectionExpression="$request.body.action")
    stack.put("ConnectInt", "AWS::ApiGatewayV2::Integration", ApiId=api,
              IntegrationType="AWS", IntegrationUri=URI.format("connect"),
              TemplateSelectionExpression="\\$default",
              RequestTemplates={"$default": '{"token": "$input.params(\'token\')", '
                                            '"event": "$context.eventType"}'})
    stack.put("SendInt", "AWS::ApiGatewayV2::Integration", ApiId=api,
              IntegrationType="AWS", IntegrationUri=URI.format("send"),
              PassthroughBehavior=passthrough,
              TemplateSelectionExpression="$request.body.kind",
              RequestTemplates={"greet": GREETING, "count": '{"n": $input.path(\'$.n\')}'})
    stack.put("ConnectRoute", "AWS::ApiGatewayV2::Route", ApiId=api, RouteKey="$connect",
              Target=f"integrations/{stack.ids['ConnectInt']}")
    route = stack.put("SendRoute", "AWS::ApiGatewayV2::Route", ApiId=api, RouteKey="send",
                      Target=f"integrations/{stack.ids['SendInt']}",
                      RouteResponseSelectionExpression="$default")
    stack.put("SendResponse", "AWS::ApiGatewayV2::RouteResponse", ApiId=api, RouteId=route,
              RouteResponseKey="$default")
    stack.put("SendIntResponse", "AWS::ApiGatewayV2::IntegrationResponse", ApiId=api,
              IntegrationId=stack.ids["SendInt"], IntegrationResponseKey="$default",
              TemplateSelectionExpression="\\$default",
              ResponseTemplates={"$default": '{"reply": $input.json(\'$.greeting\'), '
                                             '"at": "$context.requestTimeEpoch"}'})
    stack.put("Stage", "AWS::ApiGatewayV2::Stage", ApiId=api, StageName="prod",
              StageVariables={"env": "test"})
    return apis.get(api)


def send(event: dict) -> dict:
    if event.get("n") == 0:
        raise ValueError("no count")
    return {"greeting": f"hello {event.get('hi')}", "got": event}


def test_templates_map_the_message_and_the_reply(gateway_factory) -> None:
    gateway = gateway_factory(mapped_api(), {"connect": lambda e: "ignored", "send": send})
    with connect(gateway.url + "?token=t1") as ws:
        (connected,) = gateway.functions.wait_for("connect")
        assert connected == {"token": "t1", "event": "CONNECT"}
        ws.send(json.dumps({"action": "send", "kind": "greet", "name": "Zoë"}))
        reply = json.loads(ws.recv(timeout=10))
        assert reply["reply"] == "hello Zoë" and reply["at"].isdigit()
        (event,) = gateway.functions.wait_for("send")
        assert event["hi"] == "Zoë" and event["route"] == "send"
        # escapeJavaScript wrote \u00EB, which JSON reads back as ë
        assert event["stage"] == "test" and event["escaped"] == "Zoë"
        assert len(event["connection"]) > 8
        # The selected template: another key, another event.
        ws.send(json.dumps({"action": "send", "kind": "count", "n": 2}))
        assert json.loads(ws.recv(timeout=10))["reply"] == "hello None"
        assert gateway.functions.wait_for("send", 2)[-1] == {"n": 2}


def test_no_template_passes_the_message_through_unless_never(gateway_factory) -> None:
    gateway = gateway_factory(mapped_api(), {"connect": lambda e: None, "send": send})
    with connect(gateway.url) as ws:
        ws.send(json.dumps({"action": "send", "kind": "other"}))
        json.loads(ws.recv(timeout=10))
        assert gateway.functions.wait_for("send")[-1] == {"action": "send", "kind": "other"}
    gateway = gateway_factory(mapped_api("NEVER"), {"connect": lambda e: None, "send": send})
    with connect(gateway.url) as ws:
        ws.send(json.dumps({"action": "send", "kind": "other"}))
        failed = json.loads(ws.recv(timeout=10))
        assert failed["message"] == "Internal server error"
        assert gateway.functions.events["send"] == []


def test_a_function_error_is_the_gateway_error_frame(gateway_factory) -> None:
    gateway = gateway_factory(mapped_api(), {"connect": lambda e: None, "send": send})
    with connect(gateway.url) as ws:
        ws.send(json.dumps({"action": "send", "kind": "count", "n": 0}))
        failed = json.loads(ws.recv(timeout=10))
        assert failed["message"] == "Internal server error"
        assert set(failed) == {"message", "connectionId", "requestId"}


@pytest.mark.parametrize("props, words", [
    ({"PassthroughBehavior": "ALWAYS"}, "PassthroughBehavior ALWAYS"),
])
def test_bad_settings_fail_the_deploy(props, words) -> None:
    stack = Stack(ApiRegistry())
    api = stack.put("Api", "AWS::ApiGatewayV2::Api", Name="m", ProtocolType="WEBSOCKET",
                    RouteSelectionExpression="$request.body.action")
    with pytest.raises(TemplateError, match=words):
        stack.put("Int", "AWS::ApiGatewayV2::Integration", ApiId=api, IntegrationType="AWS",
                  IntegrationUri=URI.format("send"), **props)
    with pytest.raises(TemplateError, match="not a regular expression"):
        stack.put("Resp", "AWS::ApiGatewayV2::IntegrationResponse", ApiId=api,
                  IntegrationId="x", IntegrationResponseKey="/(unclosed/")
