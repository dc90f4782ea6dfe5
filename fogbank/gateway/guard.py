"""The authorizer step of an HTTP or REST API request: who is asking, and may they.

`RequestGuard.admit` runs the route's authorizer — a Lambda authorizer (authorizers.py) or
a JWT authorizer (jwt_authorizer.py) — and gives back the request carrying the grant its
integration event shows as `requestContext.authorizer`; a refusal is a GatewayError. The
authorizer events, as API Gateway sends them:
- TOKEN: `type`, `authorizationToken`, `methodArn`;
- REST REQUEST: `type`, `methodArn`, then the proxy event without its body;
- HTTP API payload 1.0: the same with `version`, `identitySource` and
  `authorizationToken` (the identity values joined by commas);
- HTTP API payload 2.0: `version`, `type`, `routeArn`, `identitySource` (a list), then
  the 2.0 event without its body.
A route whose authorizer is not (or no longer) defined is refused as an authorizer failure:
a guarded route is never served open.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable

from fogbank.gateway import event_v1, event_v2
from fogbank.gateway.authorizers import Authorizers, Identity
from fogbank.gateway.errors import AUTHORIZER_FAILED, UNAUTHORIZED, GatewayError
from fogbank.gateway.iam_policy import method_arn
from fogbank.gateway.invoke_sources import authorizer_source
from fogbank.gateway.jwt_authorizer import JwtAuthorizers
from fogbank.gateway.model import HTTP, JWT, TOKEN, Authorizer
from fogbank.gateway.request import GatewayRequest
from fogbank.types import Invoker


class RequestGuard:
    def __init__(self, invoke: Invoker, lambdas: Authorizers | None = None,
                 jwts: JwtAuthorizers | None = None) -> None:
        self.lambdas = lambdas or Authorizers(invoke)
        self.jwts = jwts or JwtAuthorizers()

    async def admit(self, req: GatewayRequest, timeout_s: float,
                    policy_allows: bool = False) -> GatewayRequest:
        """`req` with its grant, or GatewayError. `policy_allows`: the API's resource policy
        allows the request, which then passes unless the authorizer's policy denies it."""
        api, route = req.api, req.match.route
        authorizer = api.authorizers.get(route.authorizer_id)
        if authorizer is None:
            raise GatewayError(AUTHORIZER_FAILED)
        identity = _identity(req)
        if authorizer.kind == JWT:
            token = "".join(identity.value(source) for source in authorizer.identity_sources)
            if not token:
                raise GatewayError(UNAUTHORIZED)
            grant = await self.jwts.grant(authorizer, token, route.scopes)
        else:
            arn = method_arn(api.region, api.account_id, api.api_id, req.stage.name,
                             req.method, req.route_path)
            grant = await self.lambdas.lambda_grant(
                api.api_id, api.protocol, authorizer, identity, arn,
                _event_builder(req, authorizer, arn), timeout_s,
                authorizer_source(api, route.authorizer_id), policy_allows)
        version = req.match.integration.payload_version
        return replace(req, authorizer=grant.event_value(api.protocol, version),
                       usage_key=grant.usage_key)


def _identity(req: GatewayRequest) -> Identity:
    headers: dict[str, str] = {}
    for name, value in req.headers:
        key = name.lower()
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    query = (event_v2.query_parameters(req.query_string) if req.api.protocol == HTTP
             else event_v1.last_query_values(req.query_string))
    context = {"httpMethod": req.method, "stage": req.stage.name,
               "resourcePath": req.match.route.path, "path": req.raw_path,
               "routeKey": req.match.route.key, "apiId": req.api.api_id,
               "identity.sourceIp": req.source_ip, "identity.userAgent": req.user_agent,
               "domainName": req.domain_name}
    return Identity(headers, query, dict(req.stage.variables), context)


def _event_builder(req: GatewayRequest, authorizer: Authorizer, arn: str
                   ) -> Callable[[tuple[str, ...]], dict[str, Any]]:
    def build(values: tuple[str, ...]) -> dict[str, Any]:
        if authorizer.kind == TOKEN:
            return {"type": "TOKEN", "authorizationToken": values[0], "methodArn": arn}
        if req.api.protocol == HTTP and authorizer.payload_version == "2.0":
            proxy = event_v2.build_event(req)
            head = {"version": "2.0", "type": "REQUEST", "routeArn": arn,
                    "identitySource": list(values)}
        else:
            proxy = event_v1.build_event(req)
            proxy.pop("version", None)
            head = {"type": "REQUEST", "methodArn": arn}
            if req.api.protocol == HTTP:
                joined = ",".join(values)
                head = {"version": "1.0", **head, "identitySource": joined,
                        "authorizationToken": joined}
        for key in ("body", "isBase64Encoded"):
            proxy.pop(key, None)
        return {**head, **proxy}
    return build
