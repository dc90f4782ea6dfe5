"""A WebSocket API's REQUEST authorizer on $connect: refusals answer the handshake, and the
grant rides on every event of the connection."""
from __future__ import annotations

import dataclasses
import json

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from fogbank.gateway.model import REQUEST, Authorizer

from .conftest import ok, ws_api


def authorize(event):
    token = event["queryStringParameters"].get("token")
    if token == "boom":
        raise RuntimeError("broken")
    if token not in ("good", "bad"):
        raise Exception("Unauthorized")
    effect = "Allow" if token == "good" else "Deny"
    return {"principalId": "ann", "context": {"room": "blue", "n": 2},
            "policyDocument": {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect,
                 "Resource": event["methodArn"]}]}}


@pytest.fixture
def guarded(gateway_factory):
    api = ws_api({"$connect": ("connect", False), "$default": ("default", False)})
    routes = {rid: dataclasses.replace(route, authorizer_id="a") if route.path == "$connect"
              else route for rid, route in api.routes.items()}
    api = dataclasses.replace(api, routes=routes, authorizers={"a": Authorizer(
        "A", REQUEST, function="auth", ttl_s=0,
        identity_sources=("route.request.querystring.token",))})
    return gateway_factory(api, {"connect": ok, "default": ok, "auth": authorize})


def test_an_authorized_connection_carries_the_grant(guarded) -> None:
    with connect(guarded.url + "?token=good", additional_headers={"X-Custom": "1"}) as ws:
        ws.send(json.dumps({"action": "x"}))
        message = guarded.functions.wait_for("default")[0]
    (auth_event,) = guarded.functions.events["auth"]
    assert list(auth_event)[:2] == ["type", "methodArn"]
    assert auth_event["methodArn"] == ("arn:aws:execute-api:us-east-1:000000000000:"
                                       "chatapi123/prod/$connect")
    assert auth_event["headers"]["X-Custom"] == "1"
    assert auth_event["queryStringParameters"] == {"token": "good"}
    assert auth_event["stageVariables"] == {}
    assert auth_event["requestContext"]["eventType"] == "CONNECT"
    grant = guarded.functions.events["connect"][0]["requestContext"]["authorizer"]
    assert isinstance(grant.pop("integrationLatency"), int)
    assert grant == {"room": "blue", "n": "2", "principalId": "ann"}
    assert message["requestContext"]["authorizer"] == {**grant, "integrationLatency":
                                                       message["requestContext"]["authorizer"][
                                                           "integrationLatency"]}


@pytest.mark.parametrize("query, status, body", [
    ("", 401, {"message": "Unauthorized"}),
    ("?token=nobody", 401, {"message": "Unauthorized"}),
    ("?token=bad", 403, {"message": "User is not authorized to access this resource with an "
                                    "explicit deny in an identity-based policy"}),
    ("?token=boom", 500, {"message": "Internal server error"}),
])
def test_refused_connections(guarded, query, status, body) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(guarded.url + query)
    response = refused.value.response
    assert response.status_code == status
    assert json.loads(response.body) == body
    assert guarded.functions.events["connect"] == []
    assert guarded.hub.count() == 0
