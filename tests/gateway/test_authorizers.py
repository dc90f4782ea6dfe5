"""Lambda authorizers of REST and HTTP APIs, through GatewayApp with in-process functions:
who is refused with what, the authorizer's event, its grant in the integration's event, and
the cache."""
from __future__ import annotations

from dataclasses import replace

import pytest

from fogbank.gateway.authorizers import Authorizers
from fogbank.gateway.guard import RequestGuard
from fogbank.gateway.model import REQUEST, TOKEN, Authorizer

ARN_PREFIX = "arn:aws:execute-api:us-east-1:123456789012"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def policy(effect: str, resource: str, principal: str = "user-1", **context):
    answer = {"principalId": principal, "policyDocument": {"Version": "2012-10-17", "Statement": [
        {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}]}}
    if context:
        answer["context"] = context
    return answer


def by_token(event, context):
    """Allows "allow…", denies "deny", refuses "unauthorized", fails on "boom"."""
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    token = event.get("authorizationToken") or headers.get("x-token", "")
    if token == "unauthorized":
        raise Exception("Unauthorized")
    if token == "boom":
        raise RuntimeError("broken")
    if token == "deny":
        return policy("Deny", event["methodArn"])
    if token == "elsewhere":
        return policy("Allow", f"{ARN_PREFIX}:rest123456/Prod/GET/other")
    if token == "nested":
        return policy("Allow", "*", tags=["a"])
    if token == "garbled":
        return {"principalId": "x"}
    return policy("Allow", f"{ARN_PREFIX}:rest123456/*/GET/*", name="Ann", n=3, ok=True)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def rest(gateway, rest_api, echo, clock):
    """A REST API: GET /items/{id} behind a TOKEN authorizer on X-Token, /open unguarded."""
    gateway.app.guard = RequestGuard(gateway.runtime.invoke,
                                     Authorizers(gateway.runtime.invoke, clock))
    gateway.runtime.handlers.update(fn=echo, auth=by_token)
    api = rest_api({"GET /items/{id}": "fn", "GET /open": "fn"})
    authorizer = Authorizer("TokenAuth", TOKEN, function="auth",
                            identity_sources=("method.request.header.X-Token",),
                            validation_expression="^[a-z]+$")
    routes = {key: replace(route, authorizer_id="a1") if "items" in key else route
              for key, route in api.routes.items()}
    gateway.apis.put(replace(api, routes=routes, authorizers={"a1": authorizer}))
    return gateway


def get_item(gateway, token=None, path="/items/7"):
    headers = {"X-Token": token} if token is not None else {}
    return gateway.request("GET", gateway.url("rest123456", "Prod", path), headers=headers)


def test_token_authorizer_allows_and_the_integration_sees_its_grant(rest) -> None:
    r = get_item(rest, "allow")
    assert r.status_code == 200
    auth_event, event = rest.runtime.events
    assert auth_event == {"type": "TOKEN", "authorizationToken": "allow",
                          "methodArn": f"{ARN_PREFIX}:rest123456/Prod/GET/items/7"}
    context = event["requestContext"]
    assert list(context)[:3] == ["accountId", "apiId", "authorizer"]
    # Context values reach a REST integration as strings.
    assert context["authorizer"] == {"name": "Ann", "n": "3", "ok": "true",
                                     "principalId": "user-1", "integrationLatency": 0}
    assert "x-amzn-trace-id" in r.headers


def test_a_route_without_authorizer_stays_open(rest) -> None:
    r = get_item(rest, path="/open")
    assert r.status_code == 200
    assert rest.runtime.calls == ["fn"]
    assert "authorizer" not in rest.runtime.event["requestContext"]


@pytest.mark.parametrize("token", [None, "", "Not-Matching 1"])
def test_missing_or_invalid_token_is_401_without_calling_the_authorizer(rest, token) -> None:
    r = get_item(rest, token)
    assert (r.status_code, r.json()) == (401, {"message": "Unauthorized"})
    assert r.headers["x-amzn-errortype"] == "UnauthorizedException"
    assert "x-amzn-trace-id" not in r.headers
    assert rest.runtime.calls == []


def test_authorizer_raising_unauthorized_is_401(rest) -> None:
    r = get_item(rest, "unauthorized")
    assert (r.status_code, r.json()) == (401, {"message": "Unauthorized"})
    assert rest.runtime.calls == ["auth"]


def test_explicit_deny_is_403(rest) -> None:
    r = get_item(rest, "deny")
    assert r.status_code == 403
    assert r.json() == {"Message": "User is not authorized to access this resource with an "
                                   "explicit deny in an identity-based policy"}
    assert r.headers["x-amzn-errortype"] == "AccessDeniedException"
    assert rest.runtime.calls == ["auth"]


def test_a_policy_that_does_not_cover_the_method_is_an_implicit_deny(rest) -> None:
    r = get_item(rest, "elsewhere")
    assert (r.status_code, r.json()) == (
        403, {"Message": "User is not authorized to access this resource"})


@pytest.mark.parametrize("token", ["boom", "nested", "garbled"])
def test_authorizer_failure_or_malformed_answer_is_500(rest, token) -> None:
    r = get_item(rest, token)
    assert (r.status_code, r.json()) == (500, {"message": None})
    assert r.headers["x-amzn-errortype"] == "AuthorizerConfigurationException"
    assert rest.runtime.calls == ["auth"]


def test_answers_are_cached_per_token_for_the_ttl(rest, clock) -> None:
    assert get_item(rest, "allow").status_code == 200
    assert get_item(rest, "allow", "/items/8").status_code == 200
    assert rest.runtime.calls == ["auth", "fn", "fn"]
    # The cached policy is evaluated against each request's own method ARN.
    assert rest.runtime.event["requestContext"]["authorizer"]["principalId"] == "user-1"
    assert get_item(rest, "deny").status_code == 403       # another token: its own answer
    assert get_item(rest, "deny").status_code == 403
    assert rest.runtime.calls.count("auth") == 2
    clock.now += 301                                        # the default TTL, 300 s
    assert get_item(rest, "allow").status_code == 200
    assert rest.runtime.calls.count("auth") == 3


def test_a_zero_ttl_calls_the_authorizer_every_time(rest) -> None:
    api = rest.apis.get("rest123456")
    rest.apis.put(replace(api, authorizers={"a1": replace(api.authorizers["a1"], ttl_s=0)}))
    get_item(rest, "allow")
    get_item(rest, "allow")
    assert rest.runtime.calls == ["auth", "fn", "auth", "fn"]


def test_a_route_naming_an_unknown_authorizer_is_never_served_open(rest) -> None:
    api = rest.apis.get("rest123456")
    rest.apis.put(replace(api, authorizers={}))
    r = get_item(rest, "allow")
    assert r.status_code == 500
    assert rest.runtime.calls == []


def test_rest_request_authorizer_event_and_identity_sources(gateway, rest_api, echo) -> None:
    gateway.runtime.handlers.update(fn=echo, auth=by_token)
    api = rest_api({"GET /items/{id}": "fn"}, stages={"Prod": {"sv": "blue"}})
    authorizer = Authorizer("Req", REQUEST, function="auth", identity_sources=(
        "method.request.header.X-Token", "method.request.querystring.q", "stageVariables.sv",
        "context.httpMethod"))
    gateway.apis.put(replace(api, authorizers={"a": authorizer}, routes={
        k: replace(r, authorizer_id="a") for k, r in api.routes.items()}))
    url = gateway.url("rest123456", "Prod", "/items/7")
    r = gateway.request("GET", url, headers={"X-Token": "allow"})
    assert r.status_code == 401                      # the query string source is missing
    r = gateway.request("GET", url + "?q=1", headers={"X-Token": "allow"})
    assert r.status_code == 200
    event = gateway.runtime.events[0]
    assert list(event)[:2] == ["type", "methodArn"]
    assert event["type"] == "REQUEST"
    assert event["methodArn"] == f"{ARN_PREFIX}:rest123456/Prod/GET/items/7"
    assert event["resource"] == "/items/{id}" and event["path"] == "/items/7"
    assert event["headers"]["x-token"] == "allow"     # as spelled (httpx sends lower case)
    assert event["queryStringParameters"] == {"q": "1"}
    assert event["pathParameters"] == {"id": "7"}
    assert event["stageVariables"] == {"sv": "blue"}
    assert event["requestContext"]["resourcePath"] == "/items/{id}"
    assert "body" not in event and "version" not in event


# ------------------------------------------------------------------ HTTP APIs

def simple(event, context):
    allowed = event["headers"].get("authorization") == "yes"
    return {"isAuthorized": allowed, "context": {"who": "ann", "roles": ["a", "b"]}}


def iam_http(event, context):
    if event["headers"].get("authorization") == "boom":
        raise Exception("Unauthorized")      # an HTTP API takes any error as a failure
    effect = "Allow" if event["headers"].get("authorization") == "yes" else "Deny"
    return policy(effect, event.get("routeArn") or event["methodArn"], flag=True)


@pytest.fixture
def http(gateway, http_api, echo, clock):
    gateway.app.guard = RequestGuard(gateway.runtime.invoke,
                                     Authorizers(gateway.runtime.invoke, clock))
    gateway.runtime.handlers.update(fn=echo, simple=simple, iam=iam_http)

    def deploy(authorizer: Authorizer, version: str = "2.0"):
        api = http_api({"GET /items/{id}": "fn"}, version=version)
        gateway.apis.put(replace(api, authorizers={"a": authorizer}, routes={
            k: replace(r, authorizer_id="a") for k, r in api.routes.items()}))
        return lambda value=None: gateway.request(
            "GET", gateway.url("abcdef1234", path="/items/7?x=1"),
            headers={"Authorization": value} if value is not None else {})
    return deploy


def test_http_simple_response_authorizer(http, gateway) -> None:
    call = http(Authorizer("S", REQUEST, function="simple", payload_version="2.0",
                           simple_responses=True,
                           identity_sources=("$request.header.Authorization",)))
    r = call()
    assert (r.status_code, r.json()) == (401, {"message": "Unauthorized"})
    r = call("no")
    assert (r.status_code, r.json()) == (403, {"message": "Forbidden"})
    assert call("yes").status_code == 200
    auth_event, event = gateway.runtime.events[-2:]
    assert list(auth_event)[:4] == ["version", "type", "routeArn", "identitySource"]
    assert auth_event["routeArn"] == f"{ARN_PREFIX}:abcdef1234/$default/GET/items/7"
    assert auth_event["identitySource"] == ["yes"]
    assert auth_event["routeKey"] == "GET /items/{id}"
    assert auth_event["queryStringParameters"] == {"x": "1"}
    assert "body" not in auth_event
    assert event["requestContext"]["authorizer"] == {
        "lambda": {"who": "ann", "roles": ["a", "b"]}}


def test_http_iam_policy_authorizer_payload_1(http, gateway) -> None:
    call = http(Authorizer("P", REQUEST, function="iam", payload_version="1.0", ttl_s=60,
                           identity_sources=("$request.header.Authorization",)), version="1.0")
    r = call("no")
    assert (r.status_code, r.json()) == (403, {"message": "Forbidden"})
    assert call("yes").status_code == 200
    assert call("yes").status_code == 200              # cached: one more call of fn only
    auth_events = [e for e in gateway.runtime.events if e.get("type") == "REQUEST"]
    assert len(auth_events) == 2
    first = auth_events[1]
    assert first["version"] == "1.0" and first["identitySource"] == "yes"
    assert first["authorizationToken"] == "yes"
    assert first["methodArn"] == f"{ARN_PREFIX}:abcdef1234/$default/GET/items/7"
    assert gateway.runtime.event["requestContext"]["authorizer"] == {"lambda": {"flag": True}}
    r = call("boom")
    assert (r.status_code, r.json()) == (500, {"message": "Internal Server Error"})
