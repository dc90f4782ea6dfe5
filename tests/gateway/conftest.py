"""Fixtures for the gateway: an in-process invoker standing in for the runtime, a client
that drives GatewayApp through httpx's ASGI transport, API builders, and SAM templates
translated by aws-sam-translator with their few intrinsics resolved."""
from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any, Callable

import boto3
import httpx
import pytest
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from fogbank.deploy.providers.apis import ApiProviders
from fogbank.gateway import ApiRegistry, GatewayApp
from fogbank.gateway.model import (DEFAULT_ROUTE, DEFAULT_STAGE, HTTP, REST, Api, Cors,
                                   Integration, Route, Stage)
from fogbank.runtime.waiting import within
from fogbank.types import (AwsError, Deployed, InvokeResult, InvokeSource, NotPermitted,
                           Resource)

NOW = 1700000000.123          # the gateway's clock in these tests
CLIENT_IP = "203.0.113.9"
ACCOUNT = "123456789012"


class TimedOut(Exception):
    """Raised by a test handler to stand for the runtime's timeout report."""


Handler = Callable[[dict, Any], Any]


class FakeRuntime:
    """Runs Python handlers in-process and records each event, as JSON the function got,
    and who the gateway said it was (`sources`). The functions named in `refusing` have a
    policy that lets no other service invoke them."""

    def __init__(self, handlers: dict[str, Handler]) -> None:
        self.handlers = handlers
        self.events: list[dict] = []
        self.calls: list[str] = []
        self.traces: list[str | None] = []
        self.sources: list[InvokeSource | None] = []
        self.refusing: set[str] = set()

    async def invoke(self, name: str, payload: bytes, *, trace_header: str | None = None,
                     wait_s: float | None = None,
                     source: InvokeSource | None = None) -> InvokeResult:
        """As the runtime's Invoker; a handler that returns a coroutine is awaited, and
        past `wait_s` the caller gets WaitExpired."""
        self.traces.append(trace_header)
        self.sources.append(source)
        if source is not None and name in self.refusing:
            raise NotPermitted(f"The resource-based policy of {name} does not allow "
                               f"{source.principal}: add an AWS::Lambda::Permission")
        call = self._run(name, payload)
        return await (call if wait_s is None else within(call, wait_s))

    async def _run(self, name: str, payload: bytes) -> InvokeResult:
        self.calls.append(name)
        event = json.loads(payload)
        self.events.append(event)
        handler = self.handlers[name]
        try:
            result = handler(event, None)
            if asyncio.iscoroutine(result):
                result = await result
        except AwsError:                # the runtime's own refusals (throttled, not found)
            raise
        except TimedOut:
            error = {"errorType": "Sandbox.Timedout", "errorMessage": "Task timed out"}
            return InvokeResult("req", json.dumps(error).encode(), "Unhandled",
                                error_type="Sandbox.Timedout")
        except Exception as exc:  # the handler's own error, as Lambda reports it
            error = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
            return InvokeResult("req", json.dumps(error).encode(), "Unhandled",
                                error_type=type(exc).__name__)
        return InvokeResult("req", json.dumps(result).encode())

    @property
    def event(self) -> dict:
        return self.events[-1]


class Gateway:
    """GatewayApp over a registry and a FakeRuntime, called synchronously from tests."""

    NOW, CLIENT_IP, ACCOUNT, TimedOut = NOW, CLIENT_IP, ACCOUNT, TimedOut

    def __init__(self, handlers: dict[str, Handler] | None = None) -> None:
        self.apis = ApiRegistry()
        self.runtime = FakeRuntime(handlers or {})
        self.app = GatewayApp(self.apis, self.runtime.invoke, clock=lambda: NOW)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=(CLIENT_IP, 51000))
            async with httpx.AsyncClient(transport=transport) as client:
                return await client.request(method, url, **kwargs)
        return asyncio.run(go())

    def url(self, api_id: str, stage: str = DEFAULT_STAGE, path: str = "") -> str:
        return self.apis.url_for(api_id, stage) + path


def make_http_api(routes: dict[str, str], *, api_id: str = "abcdef1234", version: str = "2.0",
             stages: dict[str, dict[str, str]] | None = None, cors: Cors | None = None
             ) -> Api:
    """An HTTP API: route key → function name, each with its own integration."""
    route_map, integrations = {}, {}
    for key, function in routes.items():
        method, _, path = key.partition(" ")
        route = (Route("", DEFAULT_ROUTE, key) if key == DEFAULT_ROUTE
                 else Route(method, path, key))
        route_map[key] = route
        integrations[key] = Integration(function=function, payload_version=version)
    stage_map = {name: Stage(name, variables) for name, variables in
                 (stages or {DEFAULT_STAGE: {}}).items()}
    return Api(api_id, HTTP, account_id=ACCOUNT, routes=route_map, integrations=integrations,
               stages=stage_map, cors=cors)


def make_rest_api(routes: dict[str, str], *, api_id: str = "rest123456",
             stages: dict[str, dict[str, str]] | None = None,
             binary_media_types: tuple[str, ...] = ()) -> Api:
    api = make_http_api(routes, api_id=api_id, version="1.0", stages=stages or {"Prod": {}})
    return Api(api_id, REST, account_id=ACCOUNT, routes=api.routes,
               integrations=api.integrations, stages=api.stages,
               binary_media_types=binary_media_types)


def echo_handler(event: dict, context: Any) -> dict:
    """Answers with the event it got, so tests can read it from the response too."""
    return {"statusCode": 200, "body": json.dumps(event)}


@pytest.fixture
def gateway() -> Gateway:
    return Gateway()


@pytest.fixture
def http_api() -> Callable[..., Api]:
    return make_http_api


@pytest.fixture
def rest_api() -> Callable[..., Api]:
    return make_rest_api


@pytest.fixture
def echo() -> Handler:
    return echo_handler


# ------------------------------------------------------------------ SAM templates

_POLICIES = {"AWSLambdaBasicExecutionRole":
             "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}
STACK = "app"
REGION = "us-east-1"


def translate(template: dict) -> dict:
    """The CloudFormation resources aws-sam-translator makes of a SAM template."""
    translator = Translator(_POLICIES, Parser(), boto_session=boto3.Session(region_name=REGION))
    return translator.translate(template, {}, get_managed_policy_map=lambda: _POLICIES)[
        "Resources"]


class Stack:
    """Deploys translated API resources through ApiProviders, resolving the intrinsics
    they use (Ref, Fn::Sub, Fn::GetAtt) the way the deployer would."""

    ORDER = ("AWS::ApiGatewayV2::Api", "AWS::ApiGateway::RestApi", "AWS::ApiGateway::Resource",
             "AWS::ApiGatewayV2::Authorizer", "AWS::ApiGateway::Authorizer",
             "AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Route",
             "AWS::ApiGateway::Method", "AWS::ApiGatewayV2::Deployment",
             "AWS::ApiGateway::Deployment", "AWS::ApiGatewayV2::Stage",
             "AWS::ApiGateway::Stage")

    def __init__(self, gateway: Gateway, resources: dict) -> None:
        self.gateway = gateway
        self.resources = resources
        self.providers = {t: p for p in ApiProviders(gateway.apis, REGION, ACCOUNT).all()
                          for t in p.types}
        self.deployed: dict[str, Deployed] = {}
        self.applied: dict[str, Resource] = {}

    def deploy(self) -> "Stack":
        kinds = sorted((lid for lid, r in self.resources.items() if r["Type"] in self.ORDER),
                       key=lambda lid: self.ORDER.index(self.resources[lid]["Type"]))
        for lid in kinds:
            res = self.resource(lid)
            self.deployed[lid] = self.providers[res.type].create(res)
            self.applied[lid] = res
        return self

    def resource(self, lid: str) -> Resource:
        raw = self.resources[lid]
        return Resource(lid, raw["Type"], self.resolve(raw.get("Properties", {})), Path("."),
                        STACK)

    def api_id(self, lid: str) -> str:
        return self.deployed[lid].physical_id

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if list(value) == ["Ref"]:
            return self._ref(value["Ref"])
        if list(value) == ["Fn::GetAtt"]:
            name, attribute = value["Fn::GetAtt"]
            return self._get_att(name, attribute)
        if list(value) == ["Fn::Sub"]:
            return self._sub(value["Fn::Sub"])
        return {k: self.resolve(v) for k, v in value.items()}

    def _ref(self, name: str) -> str:
        pseudo = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::StackName": STACK,
                  "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
        if name in pseudo:
            return pseudo[name]
        if self.resources[name]["Type"] == "AWS::Lambda::Function":
            return name.lower()         # functions are named after their logical id here
        return self.deployed[name].physical_id

    def _get_att(self, name: str, attribute: str) -> Any:
        if self.resources[name]["Type"] == "AWS::Lambda::Function" and attribute == "Arn":
            return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name.lower()}"
        return self.deployed[name].attributes[attribute]

    def _sub(self, spec: Any) -> str:
        text, names = (spec, {}) if isinstance(spec, str) else (spec[0], spec[1])

        def one(match: re.Match) -> str:
            key = match.group(1)
            if key in names:
                return str(self.resolve(names[key]))
            if "." in key and not key.startswith("AWS::"):
                return str(self._get_att(*key.split(".", 1)))
            return str(self._ref(key))
        return re.sub(r"\$\{([^}]+)\}", one, text)


@pytest.fixture
def deploy_sam(gateway: Gateway) -> Callable[..., Stack]:
    """Translates a SAM template's resources and deploys its APIs into `gateway`."""
    def deploy(resources: dict, globals_: dict | None = None) -> Stack:
        template: dict = {"Transform": "AWS::Serverless-2016-10-31", "Resources": resources}
        if globals_:
            template["Globals"] = globals_
        return Stack(gateway, translate(template)).deploy()
    return deploy


@pytest.fixture
def sam_function() -> Callable[..., dict]:
    def function(events: dict, **extra: Any) -> dict:
        props = {"CodeUri": "s3://bucket/code.zip", "Handler": "app.handler",
                 "Runtime": "python3.11", "Events": events, **extra}
        return {"Type": "AWS::Serverless::Function", "Properties": props}
    return function
