"""A WebSocket API names its route (or its authorizer) when it invokes a function, and a
function whose policy refuses API Gateway fails the handshake or the message."""
from __future__ import annotations

import dataclasses
import json

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from fogbank.gateway.model import REQUEST, Authorizer
from fogbank.types import InvokeSource

from .conftest import ok, ws_api
from .test_app import error_frame

ARN = "arn:aws:execute-api:us-east-1:000000000000:chatapi123"


def test_routes_name_themselves_as_the_source(gateway_factory) -> None:
    gateway = gateway_factory(ws_api({"$connect": ("connect", False),
                                      "$default": ("default", False)}),
                              {"connect": ok, "default": ok})
    with connect(gateway.url) as ws:
        ws.send("hi")
        gateway.functions.wait_for("default")
    assert gateway.functions.sources[:2] == [
        InvokeSource("apigateway.amazonaws.com", f"{ARN}/prod/$connect", "000000000000"),
        InvokeSource("apigateway.amazonaws.com", f"{ARN}/prod/$default", "000000000000")]


def test_a_refused_connect_refuses_the_handshake_with_500(gateway_factory) -> None:
    gateway = gateway_factory(ws_api({"$connect": ("connect", False)}), {"connect": ok})
    gateway.functions.refusing.add("connect")
    with pytest.raises(InvalidStatus) as refused:
        connect(gateway.url)
    assert refused.value.response.status_code == 500
    assert json.loads(refused.value.response.body) == {"message": "Internal server error"}
    assert gateway.functions.events["connect"] == []


def test_a_refused_route_answers_internal_server_error(gateway_factory) -> None:
    gateway = gateway_factory(ws_api({"$default": ("default", True)}), {"default": ok})
    gateway.functions.refusing.add("default")
    with connect(gateway.url) as ws:
        ws.send("x")
        frame = ws.recv(timeout=30)
    assert error_frame("Internal server error").fullmatch(frame), frame


def test_a_refused_authorizer_refuses_the_handshake_with_500(gateway_factory) -> None:
    api = ws_api({"$connect": ("connect", False)})
    routes = {rid: dataclasses.replace(route, authorizer_id="az1")
              for rid, route in api.routes.items()}
    api = dataclasses.replace(api, routes=routes, authorizers={"az1": Authorizer(
        "A", REQUEST, function="auth", ttl_s=0,
        identity_sources=("route.request.querystring.token",))})
    gateway = gateway_factory(api, {"connect": ok, "auth": ok})
    gateway.functions.refusing.add("auth")
    with pytest.raises(InvalidStatus) as refused:
        connect(gateway.url + "?token=t")
    assert refused.value.response.status_code == 500
    assert gateway.functions.sources[0] == InvokeSource(
        "apigateway.amazonaws.com", f"{ARN}/authorizers/az1", "000000000000")


def test_a_route_with_credentials_invokes_as_its_role(gateway_factory) -> None:
    # API Gateway assumes the CredentialsArn role: the function's policy is not asked.
    api = ws_api({"$default": ("default", True)})
    api = dataclasses.replace(api, integrations={"i0": dataclasses.replace(
        api.integrations["i0"], credentials="arn:aws:iam::000000000000:role/invoker")})
    gateway = gateway_factory(api, {"default": ok})
    gateway.functions.refusing.add("default")
    with connect(gateway.url) as ws:
        ws.send("x")
        gateway.functions.wait_for("default")
    assert gateway.functions.sources == [None]
