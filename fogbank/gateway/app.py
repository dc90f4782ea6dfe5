"""`GatewayApp`: the ASGI app serving every API of the registry.

One request passes these layers, each its own module: address (which API and stage, from
the scope's host or `/_aws/execute-api/` path — see addressing.py) → route match
(routing.py) → CORS preflight (cors.py) → the stage's throttle for the route, if it sets
one (throttling.py) → a REST API's resource policy, if it has one (resource_policy.py)
→ the route's authorizer, if it has one (guard.py)
→ the API key and its usage plan, if the method requires one (usage_plans.py) → REST request
validation, if the method has a validator (validation.py) → event (event_v1.py /
event_v2.py; a non-proxy integration's event is mapped by its templates: templates.py;
a REST API's AWS service integration calls the service instead: service_integrations.py;
an HTTP or HTTP_PROXY integration calls its endpoint: http_integrations.py;
a mock answers by its templates) →
invoke as API Gateway, which the function's policy must allow (invoke_sources.py), waited
for up to the integration's timeout (the runtime's `wait_s`) → response mapping
(responses.py; a non-proxy integration's: templates.py).
Gateway failures are raised as `GatewayError` and answered in `_respond`, the one place
that turns them into responses (a REST API's customised gateway responses:
gateway_responses.py). Body reading and response writing are plain ASGI: this is the hot
path.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import replace
from typing import Awaitable, Callable, Mapping

import orjson

from fogbank.config import DEFAULT_VIEWER_COUNTRY
from fogbank.edge import lifespan
from fogbank.ids import request_uuid
from fogbank.types import AwsError, Invoker, NotPermitted, TooManyRequests, WaitExpired
from fogbank.gateway import (cors, event_v1, event_v2, gateway_responses, http_integrations,
                             iam_policy, invoke_sources, resource_policy,
                             service_integrations, templates)
from fogbank.gateway.http_integrations import HttpBackend
from fogbank.gateway.service_integrations import ServiceCaller
from fogbank.gateway.iam_policy import method_arn
from fogbank.gateway.addressing import Address, address_of, select_stage
from fogbank.gateway.cloudfront import CloudFront
from fogbank.gateway.guard import RequestGuard
from fogbank.gateway.errors import (BAD_BINARY, BAD_BODY, BAD_PARAMETERS, EXPLICIT_DENY,
                                    FORBIDDEN, FUNCTION_ERROR, IMPLICIT_DENY,
                                    INTEGRATION_FAILED, INVOKE_FAILED, MISCONFIGURED,
                                    NO_STAGE, NOT_FOUND, QUOTA_EXCEEDED, THROTTLED, TIMEOUT,
                                    TOO_LARGE, UNAUTHORIZED, UNSUPPORTED_MEDIA_TYPE,
                                    GatewayError, error_response)
from fogbank.gateway.model import EDGE, HTTP, REST, WEBSOCKET, Api, Integration, Route, Stage
from fogbank.gateway.registry import ApiRegistry, LiveApi
from fogbank.gateway.request import (MAX_BODY_BYTES, BodyTooLarge, ClientDisconnected, GatewayRequest,
                      continued_trace, declared_length, forwarded_headers, read_body,
                      short_request_id)
from fogbank.gateway.responses import (HTTP_DEFAULT_TYPE, REST_DEFAULT_TYPE, MalformedResponse, Response,
                        UndecodableBody, answers_binary, from_v1, from_v2)
from fogbank.gateway.throttling import TokenBuckets, stage_throttle
from fogbank.gateway.usage_plans import AUTHORIZER, UsagePlans

log = logging.getLogger(__name__)

_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_.:-]+)\}")
_NO_BODY_STATUSES = frozenset({204, 304})
# How long API Gateway waits for an integration without TimeoutInMillis: its maximum for
# each kind of API (REST 29 s, HTTP 30 s).
INTEGRATION_TIMEOUT_MS = {REST: 29_000, HTTP: 30_000}
# Failures found before an integration is called (no trace is started for them; a REST
# API's authorizer refusals carry no X-Amzn-Trace-Id either).
_BEFORE_INTEGRATION = frozenset({NOT_FOUND, NO_STAGE, TOO_LARGE, UNAUTHORIZED, EXPLICIT_DENY,
                                 IMPLICIT_DENY, FORBIDDEN, QUOTA_EXCEEDED, BAD_BODY,
                                 BAD_PARAMETERS, MISCONFIGURED, UNSUPPORTED_MEDIA_TYPE})

Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def _function_name(integration: Integration, variables: Mapping[str, str]) -> str:
    name = _STAGE_VARIABLE.sub(lambda m: variables.get(m.group(1), ""), integration.function
                               or "")
    if not name:
        raise GatewayError(INVOKE_FAILED)
    return name


class GatewayApp:
    """Serves the APIs in `apis`, invoking functions through `invoke`.

    `region` is the node's region (the APIs carry their own account and region);
    `clock` gives epoch seconds for request times; `services` calls the AWS services a REST
    API's service integrations name (service_integrations.py); `websockets` serves WebSocket
    connections (websocket/app.py), refused when absent; `viewer_country` is the country
    CloudFront reports in front of edge-optimized REST APIs (cloudfront.py); `backend`
    calls the endpoints of HTTP integrations (http_integrations.py).
    """

    def __init__(self, apis: ApiRegistry, invoke: Invoker, region: str = "us-east-1", *,
                 clock: Callable[[], float] = time.time,
                 max_body_bytes: int = MAX_BODY_BYTES,
                 websockets: Callable[[dict, Receive, Send], Awaitable[None]] | None = None,
                 viewer_country: str = DEFAULT_VIEWER_COUNTRY,
                 guard: RequestGuard | None = None,
                 usage: UsagePlans | None = None,
                 services: ServiceCaller | None = None,
                 backend: HttpBackend | None = None) -> None:
        self._websockets = websockets
        self._backend = backend or HttpBackend()
        self._services = services
        self._apis = apis
        self._invoke = invoke
        self.region = region
        self._clock = clock
        self._max_body = max_body_bytes
        self._cloudfront = CloudFront(viewer_country)
        self.guard = guard or RequestGuard(invoke)
        self.usage = usage or UsagePlans()
        self._stage_buckets = TokenBuckets()

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] == "websocket" and self._websockets is not None:
            await self._websockets(scope, receive, send)
            return
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1008})
            return
        try:
            response = await self._respond(scope, receive)
        except ClientDisconnected:            # nobody is left to answer
            return
        await send_response(send, response)

    async def _respond(self, scope: dict, receive: Receive) -> Response:
        address = address_of(scope)
        live = self._apis.live(address.api_id) if address else None
        if address is None or live is None or live.api.protocol == WEBSOCKET:
            # a WebSocket API answers upgrades only
            return error_response(HTTP, GatewayError(NOT_FOUND))
        protocol = live.api.protocol
        short_id = short_request_id()
        request_id = request_uuid() if protocol == REST else short_id
        trace = continued_trace(scope, self._clock())
        try:
            response, integrated = await self._serve(live, address, scope, receive,
                                                     (request_id, short_id, trace))
        except GatewayError as exc:
            response = self._refusal(live, address, scope, exc, (request_id, short_id))
            integrated = exc.kind not in _BEFORE_INTEGRATION
        if protocol == REST:
            stamp: tuple[tuple[bytes, bytes], ...] = (
                (b"x-amzn-requestid", request_id.encode()),
                (b"x-amz-apigw-id", short_id.encode()))
            if integrated:
                # REST APIs answer with the trace id they handed the integration; a request
                # refused before any integration ran, or answered by a mock, carries none.
                stamp += ((b"x-amzn-trace-id", trace.encode()),)
        else:
            stamp = ((b"apigw-requestid", request_id.encode()),)
        return Response(response.status, response.headers + stamp, response.body)

    def _refusal(self, live: LiveApi, address: Address, scope: dict, exc: GatewayError,
                 ids: tuple[str, str]) -> Response:
        """The answer to a failure: a REST API's customised gateway response for it, if it
        has one, else the fixed answer. `ids` are (requestId, extendedRequestId)."""
        if live.api.protocol == REST and live.api.gateway_responses:
            request = gateway_responses.failed_request(live, address, scope, ids,
                                                       self._clock())
            customised = gateway_responses.answer(live.api, exc, request)
            if customised is not None:
                return customised
        return error_response(live.api.protocol, exc)

    async def _serve(self, live: LiveApi, address: Address, scope: dict, receive: Receive,
                     ids: tuple[str, str, str]) -> tuple[Response, bool]:
        """The answer, and whether a function was called for it. `ids` are (requestId,
        extendedRequestId, X-Amzn-Trace-Id) of this request."""
        api = live.api
        selected = select_stage(api, address.raw_path)
        if selected is None:
            raise GatewayError(NO_STAGE)
        stage, route_path = selected
        method = scope["method"]
        origin = _header(scope, b"origin")
        if api.cors is not None:
            requested = _header(scope, b"access-control-request-method")
            if cors.is_preflight(method, origin, requested):
                return cors.preflight(api.cors, origin or "", requested or "",
                                      _header(scope, b"access-control-request-headers")), False
        match = live.router.match(method, route_path)
        if match is None:
            raise GatewayError(NOT_FOUND)
        if stage.throttles:                   # before the authorizer and the body
            self._throttle(api, stage, match.route, method)
        if declared_length(scope["headers"]) > self._max_body:
            raise GatewayError(TOO_LARGE)
        try:
            body = await read_body(receive, self._max_body)
        except BodyTooLarge:
            raise GatewayError(TOO_LARGE) from None
        now = self._clock()
        client = scope.get("client") or ("127.0.0.1", 0)
        edge = self._cloudfront if api.protocol == REST and api.endpoint_type == EDGE else None
        request = GatewayRequest(
            api=api, stage=stage, match=match, method=method, raw_path=address.raw_path,
            route_path=route_path, query_string=scope.get("query_string", b"").decode("latin-1"),
            headers=forwarded_headers(scope, client[0], ids[2], spelled=api.protocol == REST,
                                      edge=edge),
            body=body, source_ip=client[0],
            protocol=f"HTTP/{scope.get('http_version', '1.1')}",
            domain_name=address.host or "localhost",
            domain_prefix=api.api_id, request_id=ids[0], extended_request_id=ids[1], time=now,
            trace=ids[2])
        policy_allows = False
        if api.resource_policy is not None:
            policy_allows = self._check_policy(request, scope, match.route.authorizer_id != "")
        if match.route.authorizer_id:
            request = await self.guard.admit(request,
                                             INTEGRATION_TIMEOUT_MS[api.protocol] / 1000,
                                             policy_allows=policy_allows)
        if match.route.api_key_required:      # after the authorizer, which may name the key
            value = (request.usage_key if api.api_key_source == AUTHORIZER
                     else _header(scope, b"x-api-key"))
            key = self.usage.admit(api.api_id, stage.name, method, match.route.path, value)
            request = replace(request, api_key=(key.key_id, key.value))
        if match.route.validator_id:
            live.checks.check(request)
        response = await self._integrate(request)
        if api.cors is not None:
            response = cors.decorate(api.cors, origin, response)
        return response, match.integration.mock is None

    def _check_policy(self, request: GatewayRequest, scope: dict, authorized: bool) -> bool:
        """Whether the REST API's resource policy allows the request; GatewayError when it
        denies it, or says nothing of it and no authorizer may allow it instead."""
        api = request.api
        arn = method_arn(api.region, api.account_id, api.api_id, request.stage.name,
                         request.method, request.route_path)
        caller = resource_policy.Caller(request.source_ip, request.time, request.user_agent,
                                        request.header("referer"),
                                        scope.get("scheme") == "https")
        verdict = resource_policy.evaluate(api.resource_policy, arn,
                                           arn.split("/", 1)[0], caller)
        if verdict == iam_policy.EXPLICIT_DENY or (verdict == iam_policy.IMPLICIT_DENY
                                                   and not authorized):
            raise resource_policy.refusal(verdict, arn, api.account_id)
        return verdict == iam_policy.ALLOW

    def _throttle(self, api: Api, stage: Stage, route: Route, method: str) -> None:
        limit = stage_throttle(stage.throttles, api.protocol == REST, route.key, route.path,
                               method)
        # Stage limits apply per method (REST) or per route (HTTP), the stage-wide setting
        # too: each has a bucket of its own, as API Gateway applies them.
        if limit is not None and not self._stage_buckets.take(
                (api.api_id, stage.name, route.key), limit[1]):
            raise GatewayError(THROTTLED)

    async def _integrate(self, request: GatewayRequest) -> Response:
        integration = request.match.integration
        if integration.mock is not None:
            if integration.mapping is not None and templates.renders(integration.mapping):
                return templates.mock_answer(integration.mapping, request,
                                             templates.rest_context(request))
            mock = integration.mock
            headers = mock.headers or ((b"content-type", REST_DEFAULT_TYPE.encode()),)
            return Response(mock.status, headers, mock.body)
        if integration.service is not None:
            return await self._call_service(request, integration)
        if integration.http is not None:
            timeout_ms = integration.timeout_ms or INTEGRATION_TIMEOUT_MS[request.api.protocol]
            return await http_integrations.answer(self._backend, request, timeout_ms / 1000)
        v2 = integration.payload_version == "2.0"
        mapping = integration.mapping
        if mapping is not None:                       # non-proxy: templates map the event
            context = templates.rest_context(request)
            payload = templates.rest_event(mapping, request, context)
        else:
            payload = orjson.dumps(event_v2.build_event(request) if v2
                                   else event_v1.build_event(request))
        name = _function_name(integration, request.stage.variables)
        rest_proxy = mapping is None and request.api.protocol == REST
        if rest_proxy and integration.lambda_method != "POST":
            # Lambda's Invoke is a POST; API Gateway sends the method it was told to and fails.
            log.warning("API %s: %s calls %s with IntegrationHttpMethod %s; Lambda takes only "
                        "POST", request.api.api_id, request.match.route.key, name,
                        integration.lambda_method)
            raise GatewayError(INTEGRATION_FAILED)
        timeout_ms = integration.timeout_ms or INTEGRATION_TIMEOUT_MS[request.api.protocol]
        route = request.match.route
        # With Credentials API Gateway invokes as that role: no resource policy to ask.
        source = None if integration.credentials else invoke_sources.integration_source(
            request.api, request.stage.name, request.method, route.path, request.route_path)
        try:
            # The function continues the trace API Gateway handed it in X-Amzn-Trace-Id.
            result = await self._invoke(name, payload, trace_header=request.trace,
                                        wait_s=timeout_ms / 1000, source=source)
        except WaitExpired:
            raise GatewayError(TIMEOUT) from None
        except TooManyRequests:
            raise GatewayError(THROTTLED) from None
        except NotPermitted as refused:
            invoke_sources.warn_refused(request.api.api_id, route.key, name, refused)
            raise GatewayError(INVOKE_FAILED) from None
        except AwsError as exc:
            log.warning("API %s could not invoke %s: %s", request.api.api_id, name, exc)
            raise GatewayError(INVOKE_FAILED) from None
        if mapping is not None:
            # A function error is an answer too: its integration response says the status.
            return templates.rest_answer(mapping, result, request, context)
        if result.error_type == "Sandbox.Timedout":
            raise GatewayError(TIMEOUT)
        if result.function_error:
            raise GatewayError(FUNCTION_ERROR)
        rest = request.api.protocol == REST
        try:
            if v2:
                return from_v2(result.payload)
            if not rest:
                return from_v1(result.payload, HTTP_DEFAULT_TYPE)
            binary = answers_binary(request.header("accept"), request.api.binary_media_types)
            return from_v1(result.payload, REST_DEFAULT_TYPE, rest=True, binary=binary)
        except MalformedResponse as exc:
            log.warning("Malformed Lambda proxy response from %s (%s)", name, exc)
            raise GatewayError(BAD_BINARY if rest and isinstance(exc, UndecodableBody)
                               else FUNCTION_ERROR) from None


    async def _call_service(self, request: GatewayRequest, integration: Integration
                            ) -> Response:
        """An AWS service integration (service_integrations.py), waited for up to the
        integration's timeout."""
        target, mapping = integration.service, integration.mapping
        assert target is not None and mapping is not None
        if self._services is None:
            raise GatewayError(INVOKE_FAILED)
        context = templates.rest_context(request)
        call = service_integrations.service_request(target, mapping, request, context)
        timeout_ms = integration.timeout_ms or INTEGRATION_TIMEOUT_MS[request.api.protocol]
        try:
            answer = await asyncio.wait_for(self._services(call), timeout_ms / 1000)
        except asyncio.TimeoutError:
            raise GatewayError(TIMEOUT) from None
        return service_integrations.service_response(mapping, answer, request, context)


async def send_response(send: Send, response: Response) -> None:
    """A gateway answer as ASGI messages (no body for 204 and 304)."""
    headers = list(response.headers)
    body = response.body
    if response.status in _NO_BODY_STATUSES:
        body = b""
    else:
        headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
