"""API Gateway resources → API definitions in the gateway's `ApiRegistry`.

HTTP APIs: AWS::ApiGatewayV2::Api (an OpenAPI `Body`, quick create `Target`, or bare),
::Stage, ::Route, ::Integration, ::Authorizer, ::Deployment. REST APIs:
AWS::ApiGateway::RestApi (a Swagger/OpenAPI `Body` or bare; its `Policy` is enforced, see
gateway/resource_policy.py), ::Resource, ::Method (to Lambda, to DynamoDB or S3 as an AWS
service integration — gateway/service_integrations.py —, HTTP_PROXY or HTTP to an endpoint —
gateway/http_integrations.py — or MOCK),
::Authorizer, ::Deployment, ::Stage (and ::GatewayResponse, ::RequestValidator, ::Model in
rest_api_checks.py). WebSocket
APIs: AWS::ApiGatewayV2::Api with `ProtocolType: WEBSOCKET` and the same ::Route (route keys
such as `$connect` or `sendmessage`), ::Integration (AWS_PROXY, or AWS with mapping
templates; its TimeoutInMillis is how long the gateway waits), ::Stage and ::Deployment,
plus ::RouteResponse (makes a route two-way) and ::IntegrationResponse.

Authorizers: Lambda (TOKEN, REQUEST) and JWT ones are enforced (see gateway/guard.py). A
route or method guarded by what Fogbank cannot enforce — IAM (AWS_IAM), Cognito user pools —
fails the deploy with a TemplateError naming it rather than being served open.

Routes are live in every stage as soon as they exist (as if each stage auto-deployed), so
Deployments only name a stage. An API's id is derived from stack name and logical id, so
URLs survive restarts; the registry is in memory, so `restore` registers again.
The parts of an API (stage, route …) may be applied before their API during a restore
(an unchanged stage of a changed API), so each resource only adds or removes its own
entries and an API keeps the entries others added.
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any, Mapping

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.intrinsics import as_flag
from fogbank.gateway import ApiRegistry
from fogbank.gateway.model import (ANY, DEFAULT_ROUTE, DEFAULT_STAGE, EDGE, HTTP, REQUEST,
                                   REST, TOKEN, WEBSOCKET, Api, Authorizer, HttpTarget,
                                   Integration, NonProxy, RestResource, Route, ServiceTarget,
                                   Stage, stable_id)
from fogbank.types import function_name_from_uri
from fogbank.deploy.providers.api_parts import PartProvider, own_id, required, without_key
from fogbank.deploy.providers.throttles import throttle_of
from fogbank.deploy.providers.rest_api_checks import (GatewayResponseProvider, ModelProvider,
                                                      RequestValidatorProvider,
                                                      check_method_references,
                                                      method_validation)
from fogbank.gateway.throttling import ALL, ALL_PATHS, Throttle, rest_key
from fogbank.gateway.usage_plans import AUTHORIZER, HEADER
from fogbank.gateway import http_integrations, resource_policy, templates
from fogbank.gateway.iam_policy import MalformedPolicy
from fogbank.gateway.service_integrations import is_service_uri, service_target
from fogbank.gateway.openapi import (Imported, UnsupportedDefinition, cors_from,
                                     identity_sources, import_body, jwt_authorizer,
                                     lambda_authorizer, mock_response, parse_policy)
from fogbank.types import Deployed, Resource

log = logging.getLogger(__name__)


def _merge(api: Api, old: Imported, new: Imported) -> Api:
    """`api` with the entries `old` added replaced by those of `new`."""
    def swap(current: Mapping[str, Any], before: Mapping[str, Any],
             after: Mapping[str, Any]) -> dict[str, Any]:
        kept = {key: value for key, value in current.items() if key not in before}
        return {**kept, **after}
    return replace(api, routes=swap(api.routes, old.routes, new.routes),
                   integrations=swap(api.integrations, old.integrations, new.integrations),
                   authorizers=swap(api.authorizers, old.authorizers, new.authorizers),
                   gateway_responses=swap(api.gateway_responses, old.gateway_responses,
                                          new.gateway_responses),
                   validators=swap(api.validators, old.validators, new.validators),
                   models=swap(api.models, old.models, new.models),
                   cors=new.cors, binary_media_types=new.binary_media_types,
                   api_key_source=new.api_key_source, resource_policy=new.resource_policy)


# ------------------------------------------------------------------ the APIs themselves

class _ApiProvider:
    """Shared by both API types: `_definition` says what the resource itself defines."""

    types: tuple[str, ...] = ()
    attribute_names: frozenset[str] = frozenset()
    protocol = ""

    def __init__(self, apis: ApiRegistry, region: str, account_id: str) -> None:
        self._apis, self._region, self._account_id = apis, region, account_id

    def create(self, res: Resource) -> Deployed:
        return self._apply(None, res)

    def restore(self, res: Resource, deployed: Deployed) -> Deployed:
        return self._apply(None, res)

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        return self._apply(old, new)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        self._apis.remove(deployed.physical_id)

    def _apply(self, old: Resource | None, new: Resource) -> Deployed:
        api_id = own_id(new)
        before = self._definition(old, api_id) if old else Imported()
        after = self._definition(new, api_id)
        stages = self._stages(new)
        protocol = self._protocol(new)

        def change(api: Api) -> Api:
            api = replace(api, protocol=protocol, region=self._region,
                          account_id=self._account_id,
                          name=str(new.properties.get("Name") or new.logical_id),
                          stages={**stages, **api.stages})
            return _merge(api, before, after)
        self._apis.update(api_id, change)
        return Deployed(api_id, self._attributes(api_id))

    def _protocol(self, res: Resource) -> str:
        return self.protocol

    def _body(self, res: Resource, api_id: str) -> Imported:
        if "BodyS3Location" in res.properties:
            raise TemplateError(f"Resource {res.logical_id}: BodyS3Location is in S3; Fogbank "
                                f"needs the API definition inline as Body (DefinitionBody)")
        body = res.properties.get("Body")
        if body is None:
            return Imported()
        if not isinstance(body, dict):
            raise TemplateError(f"Resource {res.logical_id}: Body must be an OpenAPI object")
        try:
            imported = import_body(api_id, self.protocol, body)
        except UnsupportedDefinition as exc:
            raise TemplateError(f"Resource {res.logical_id}: {exc}") from None
        for integration in imported.integrations.values():
            if integration.timeout_ms is not None:
                _check_timeout_bounds(res, self.protocol, integration.timeout_ms)
        return imported

    def _definition(self, res: Resource, api_id: str) -> Imported:
        return self._body(res, api_id)

    def _stages(self, res: Resource) -> dict[str, Stage]:
        return {}

    def _attributes(self, api_id: str) -> dict[str, Any]:
        return {}


class HttpApiProvider(_ApiProvider):
    types = ("AWS::ApiGatewayV2::Api",)
    attribute_names: frozenset[str] = frozenset({"ApiId", "ApiEndpoint"})
    protocol = HTTP

    def _protocol(self, res: Resource) -> str:
        kind = str(res.properties.get("ProtocolType", HTTP)).upper()
        if kind not in (HTTP, WEBSOCKET):
            raise TemplateError(f"Resource {res.logical_id}: ProtocolType {kind} is not "
                                f"HTTP or WEBSOCKET")
        return kind

    def _definition(self, res: Resource, api_id: str) -> Imported:
        if self._protocol(res) == WEBSOCKET:
            return Imported()       # a WebSocket API is made of its separate parts
        imported = self._body(res, api_id)
        cors = cors_from(res.properties.get("CorsConfiguration")) or imported.cors
        target = res.properties.get("Target")
        if not target:
            return replace(imported, cors=cors)
        # Quick create: one integration, a catch-all route (or RouteKey), a $default stage.
        function = function_name_from_uri(str(target))
        if function is None:
            raise TemplateError(f"Resource {res.logical_id}: Target {target} is not a Lambda "
                                f"function ARN")
        route_key = str(res.properties.get("RouteKey") or DEFAULT_ROUTE)
        method, _, path = route_key.partition(" ")
        route = (Route("", DEFAULT_ROUTE, api_id) if route_key == DEFAULT_ROUTE
                 else Route(method.upper(), path, api_id))
        return replace(imported, cors=cors,
                       routes={**imported.routes, stable_id(api_id, "route", route.key): route},
                       integrations={**imported.integrations,
                                     api_id: Integration(function=function)})

    def _stages(self, res: Resource) -> dict[str, Stage]:
        return {DEFAULT_STAGE: Stage(DEFAULT_STAGE)} if res.properties.get("Target") else {}

    def _apply(self, old: Resource | None, new: Resource) -> Deployed:
        deployed = super()._apply(old, new)
        if self._protocol(new) == WEBSOCKET:
            expression = str(required(new, "RouteSelectionExpression"))
            self._apis.update(deployed.physical_id, lambda api: replace(
                api, route_selection_expression=expression))
            # AWS gives wss://{id}.execute-api.{region}.amazonaws.com; templates append
            # "/${Stage}", which the path-based local URL supports as well.
            endpoint = self._apis.url_for(deployed.physical_id, DEFAULT_STAGE)
            return Deployed(deployed.physical_id, {
                "ApiId": deployed.physical_id, "ApiEndpoint": "ws" + endpoint[4:]})
        return deployed

    def _attributes(self, api_id: str) -> dict[str, Any]:
        return {"ApiId": api_id, "ApiEndpoint": self._apis.url_for(api_id, DEFAULT_STAGE)}


class RestApiProvider(_ApiProvider):
    types = ("AWS::ApiGateway::RestApi",)
    attribute_names: frozenset[str] = frozenset({"RestApiId", "RootResourceId"})
    protocol = REST

    def _definition(self, res: Resource, api_id: str) -> Imported:
        imported = self._body(res, api_id)
        # Property values escape "/" as "~1" (JSON pointer style): "image~1png".
        types = [str(t).replace("~1", "/") for t in res.properties.get("BinaryMediaTypes") or []]
        source = str(res.properties.get("ApiKeySourceType") or imported.api_key_source).upper()
        if source not in (HEADER, AUTHORIZER):
            raise TemplateError(f"Resource {res.logical_id}: ApiKeySourceType {source} is not "
                                f"{HEADER} or {AUTHORIZER}")
        return replace(imported, api_key_source=source, binary_media_types=tuple(
            dict.fromkeys([*imported.binary_media_types, *types])),
            resource_policy=_policy(res, imported.resource_policy))

    def _apply(self, old: Resource | None, new: Resource) -> Deployed:
        endpoint_type = _endpoint_type(new)      # refused before anything is registered
        deployed = super()._apply(old, new)
        self._apis.update(deployed.physical_id,
                          lambda api: replace(api, endpoint_type=endpoint_type))
        return deployed

    def _attributes(self, api_id: str) -> dict[str, Any]:
        root = stable_id(api_id, "/")
        return {"RestApiId": api_id, "RootResourceId": root}


def _policy(res: Resource, imported: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The RestApi's resource policy: its `Policy` (an object or JSON text), which replaces
    the one its definition carries."""
    policy = res.properties.get("Policy")
    if policy is None:
        return imported
    try:
        policy = parse_policy(policy)
        resource_policy.check(policy)
    except (UnsupportedDefinition, MalformedPolicy):
        # API Gateway's refusal, which CloudFormation reports as the resource's failure.
        raise TemplateError(f"Resource {res.logical_id}: {resource_policy.INVALID_POLICY}"
                            ) from None
    return policy


def _expect_type(res: Resource, path: str, value: Any, kind: type) -> None:
    """CloudFormation's schema check of a property (`path` within it) that is set."""
    if value is not None and not isinstance(value, kind):
        found = _JSON_TYPES.get(type(value), type(value).__name__)
        raise TemplateError(f"Properties validation failed for resource {res.logical_id} with "
                            f"message: #/{path}: expected type: {_JSON_TYPES[kind]}, "
                            f"found: {found}")


_ENDPOINT_TYPES = ("PRIVATE", EDGE, "REGIONAL")     # in the order API Gateway lists them


def _endpoint_type(res: Resource) -> str:
    """A REST API's endpoint type: EndpointConfiguration's Types, else the import parameter
    `endpointConfigurationTypes` (SAM writes both), else EDGE. The refusals are API
    Gateway's, which CloudFormation reports as the resource's failure."""
    config = res.properties.get("EndpointConfiguration")
    parameter = (res.properties.get("Parameters") or {}).get("endpointConfigurationTypes")
    _expect_type(res, "EndpointConfiguration", config, dict)
    if config and "Types" in config:
        types = config["Types"]
        _expect_type(res, "EndpointConfiguration/Types", types, list)
    elif parameter:
        types = [part.strip() for part in str(parameter).split(",")]
    else:
        return EDGE
    if not types:
        raise TemplateError(f"Resource {res.logical_id}: REGIONAL Configuration and EDGE "
                            f"Configuration cannot be both DISABLED.")
    if len(types) > 1:
        raise TemplateError(f"Resource {res.logical_id}: Cannot create an api with multiple "
                            f"Endpoint Types.")
    if types[0] not in _ENDPOINT_TYPES:
        raise TemplateError(
            f"Resource {res.logical_id}: 1 validation error detected: Value '[{types[0]}]' at "
            f"'createRestApiInput.endpointConfiguration.types' failed to satisfy constraint: "
            f"Member must satisfy constraint: [Member must satisfy enum value set: "
            f"[{', '.join(_ENDPOINT_TYPES)}]]")
    return str(types[0])


# ------------------------------------------------------------------ the parts of an API

class _StageProvider(PartProvider):
    variables_property = "StageVariables"

    def physical_id(self, res: Resource) -> str:
        return str(required(res, "StageName"))

    def with_(self, api: Api, res: Resource, physical_id: str) -> Api:
        variables = {str(k): str(v) for k, v in
                     (res.properties.get(self.variables_property) or {}).items()}
        stage = Stage(physical_id, variables, throttles=self.throttles(res))
        return replace(api, stages={**api.stages, physical_id: stage})

    def throttles(self, res: Resource) -> dict[str, Throttle]:
        raise NotImplementedError

    def without(self, api: Api, res: Resource, physical_id: str) -> Api:
        return replace(api, stages=without_key(api.stages, physical_id))


class HttpStageProvider(_StageProvider):
    types = ("AWS::ApiGatewayV2::Stage",)

    def throttles(self, res: Resource) -> dict[str, Throttle]:
        """DefaultRouteSettings for every route, RouteSettings by route key."""
        default = res.properties.get("DefaultRouteSettings") or {}
        routes = res.properties.get("RouteSettings") or {}
        _expect_type(res, "DefaultRouteSettings", default, dict)
        _expect_type(res, "RouteSettings", routes, dict)
        for key, value in routes.items():
            _expect_type(res, f"RouteSettings/{key}", value, dict)
        return _stage_throttles(res, {ALL: default, **{str(k): v for k, v in routes.items()}})


class RestStageProvider(_StageProvider):
    types = ("AWS::ApiGateway::Stage",)
    api_property = "RestApiId"
    variables_property = "Variables"

    def with_(self, api: Api, res: Resource, physical_id: str) -> Api:
        if as_flag(res.properties.get("CacheClusterEnabled")):
            # Responses are never cached: each request reaches the integration.
            log.warning("API %s stage %s: the stage's cache (CacheClusterEnabled) is not "
                        "served; every request reaches its integration", api.api_id,
                        physical_id)
        return super().with_(api, res, physical_id)

    def throttles(self, res: Resource) -> dict[str, Throttle]:
        """MethodSettings by ResourcePath ("/~1items", "/*") and HttpMethod ("GET", "*")."""
        entries = res.properties.get("MethodSettings") or []
        _expect_type(res, "MethodSettings", entries, list)
        settings: dict[str, Any] = {}
        for entry in entries:
            _expect_type(res, "MethodSettings", entry, dict)
            path = str(entry.get("ResourcePath") or ALL_PATHS)
            if path.startswith("/~1"):          # "/~1items~1{id}" stands for "/items/{id}"
                path = path[1:].replace("~1", "/")
            method = str(entry.get("HttpMethod") or ALL).upper()
            settings[rest_key(path, method)] = entry
        return _stage_throttles(res, settings)


def _stage_throttles(res: Resource, settings: Mapping[str, Any]) -> dict[str, Throttle]:
    throttles = {}
    for key, entry in settings.items():
        throttle = throttle_of(res, f"throttle of {key}", entry.get("ThrottlingRateLimit"),
                               entry.get("ThrottlingBurstLimit"),
                               ("ThrottlingRateLimit", "ThrottlingBurstLimit"))
        if throttle is not None:
            throttles[key] = throttle
    return throttles


class HttpRouteProvider(PartProvider):
    """RouteKey ("GET /items/{id}" or "$default") → Target "integrations/{id}"."""

    types = ("AWS::ApiGatewayV2::Route",)

    def with_(self, api: Api, res: Resource, physical_id: str) -> Api:
        key = str(required(res, "RouteKey"))
        method, _, path = key.partition(" ")
        route = (Route("", DEFAULT_ROUTE, "") if key == DEFAULT_ROUTE
                 else Route(method.upper(), path, ""))
        if not route.path.startswith("/") and key != DEFAULT_ROUTE:
            # A WebSocket route key. An API restored after its routes has no protocol yet:
            # a key with a space there is taken for a malformed HTTP one.
            if api.protocol == HTTP or (api.protocol != WEBSOCKET and " " in key):
                raise TemplateError(f"Resource {res.logical_id}: RouteKey {key} is not "
                                    f"'METHOD /path' or '$default'")
            route = Route("", key, "")
        target = str(res.properties.get("Target") or "")
        # A route without a target exists but is not served until it has one.
        route = replace(route, integration_id=target.rpartition("integrations/")[2],
                        response_selection=str(
                            res.properties.get("RouteResponseSelectionExpression") or ""))
        route = _guarded(res, route, ("NONE", "CUSTOM", "JWT"))
        return replace(api, routes={**api.routes, physical_id: route})

    def without(self, api: Api, res: Resource, physical_id: str) -> Api:
        return replace(api, routes=without_key(api.routes, physical_id))


class HttpIntegrationProvider(PartProvider):
    """An integration to Lambda: AWS_PROXY, or for a WebSocket API also AWS (non-proxy,
    mapped by its RequestTemplates: gateway/templates.py); an HTTP API's HTTP_PROXY one to
    an HTTP endpoint (gateway/http_integrations.py)."""

    types = ("AWS::ApiGatewayV2::Integration",)

    def with_(self, api: Api, res: Resource, physical_id: str) -> Api:
        kind = str(required(res, "IntegrationType")).upper()
        timeout_ms = _timeout_ms(res, api.protocol, res.properties.get("TimeoutInMillis"))
        uri = str(res.properties.get("IntegrationUri") or "")
        if kind == "HTTP_PROXY" and api.protocol in (HTTP, ""):
            props = res.properties
            target = _http(res, uri, props.get("IntegrationMethod"),
                           props.get("RequestParameters"), True, HTTP)
            return replace(api, integrations={
                **api.integrations,
                physical_id: http_integrations.integration(target, None, timeout_ms)})
        function = function_name_from_uri(uri)
        served = ("AWS_PROXY", "AWS") if api.protocol == WEBSOCKET else ("AWS_PROXY",)
        if kind not in served or function is None:
            if api.protocol == HTTP:
                raise TemplateError(f"Resource {res.logical_id}: IntegrationType {kind} with "
                                    f"IntegrationUri {uri or '(none)'} is not supported; "
                                    f"Fogbank serves AWS_PROXY integrations to Lambda and "
                                    f"HTTP_PROXY ones")
            # A WebSocket API's integration to other than Lambda is not served: its routes
            # answer as unmatched ones, so say so.
            log.warning("API %s: integration %s (%s %s) is not served: Fogbank serves "
                        "AWS_PROXY and AWS integrations to Lambda", api.api_id,
                        res.logical_id, kind, uri or "(no IntegrationUri)")
            return api
        version = str(res.properties.get("PayloadFormatVersion") or "1.0")
        mapping = None
        if kind == "AWS":
            props = res.properties
            try:
                mapping = templates.non_proxy(props.get("RequestTemplates"),
                                              props.get("PassthroughBehavior"), [],
                                              props.get("TemplateSelectionExpression"))
            except ValueError as exc:
                raise TemplateError(f"Resource {res.logical_id}: {exc}") from None
        integration = Integration(function=function, payload_version=version,
                                  timeout_ms=timeout_ms, mapping=mapping,
                                  credentials=str(res.properties.get("CredentialsArn") or ""))
        return replace(api, integrations={**api.integrations, physical_id: integration})

    def without(self, api: Api, res: Resource, physical_id: str) -> Api:
        return replace(api, integrations=without_key(api.integrations, physical_id))


# TimeoutInMillis's bounds, as the API Gateway V2 model documents them per protocol. An API
# restored after its integrations has no protocol yet: the wider bounds (the template was
# checked when it was first deployed).
_TIMEOUT_BOUNDS_MS = {WEBSOCKET: (50, 29_000), HTTP: (50, 30_000), REST: (50, 29_000)}
_JSON_TYPES = {str: "String", float: "Number", bool: "Boolean", dict: "JSONObject",
               list: "JSONArray"}
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def _timeout_ms(res: Resource, protocol: str, value: Any) -> int | None:
    """An integration's TimeoutInMillis as the template gives it, or None when it has none."""
    if value is None:
        return None
    # CloudFormation takes a whole number written as a string for an integer property.
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        found = _JSON_TYPES.get(type(value), type(value).__name__)
        raise TemplateError(f"Properties validation failed for resource {res.logical_id} "
                            f"with message: #/TimeoutInMillis: expected type: Integer, "
                            f"found: {found}")
    _check_timeout_bounds(res, protocol, value)
    return value


def _check_timeout_bounds(res: Resource, protocol: str, ms: int) -> None:
    low, high = _TIMEOUT_BOUNDS_MS.get(protocol, _TIMEOUT_BOUNDS_MS[HTTP])
    if not low <= ms <= high:
        # API Gateway's answer, which CloudFormation reports as the resource's failure.
        raise TemplateError(f"Resource {res.logical_id}: Timeout should be between {low} ms "
                            f"and {high} ms")


class RouteResponseProvider(PartProvider):
    """A WebSocket route's response (key `$default`): the route answers the client with
    its integration's result."""

    types = ("AWS::ApiGatewayV2::RouteResponse",)

    id_attribute = "RouteResponseId"

    def with_(self, api: Api, res: Resource, physical_id: str) -> Api:
        required(res, "RouteResponseKey")
        route_id = str(required(res, "RouteId"))
        return replace(api, route_responses={**api.route_responses, physical_id: route_id})

    def without(self, api: Api, res: Resource, physical_id: str) -> Api:
        return replace(api, route_responses=without_key(api.route_responses, physical_id))


class IntegrationResponseProvider(PartProvider):
    """A WebSocket integration's response. An AWS_PROXY integration passes its function's
    result through unchanged, so there it only needs to exist; a non-proxy one's maps the
    result with its ResponseTemplates (gateway/templates.py). The key is `$default` or a
    `/regular expression/` over a function error's message."""

    types = ("AWS::ApiGatewayV2::IntegrationResponse",)

    id_attribute = "IntegrationResponseId"

    def with_(self, api: Api, res: Resource, physical_id: str) -> Api:
        integration_id = str(required(res, "IntegrationId"))
        key = str(required(res, "IntegrationResponseKey"))
        pattern = "" if key == "$default" else key
        if len(pattern) >= 2 and pattern[0] == pattern[-1] == "/":
            pattern = pattern[1:-1]
        props = res.properties
        try:
            mapping = templates.non_proxy(None, None, [(pattern, {
                "templates": props.get("ResponseTemplates")})])
        except ValueError as exc:
            raise TemplateError(f"Resource {res.logical_id}: {exc}") from None
        response = replace(mapping.responses[0], template_selection=str(
            props.get("TemplateSelectionExpression") or ""))
        return replace(api, integration_responses={**api.integration_responses,
                                                   physical_id: (integration_id, response)})

    def without(self, api: Api, res: Resource, physical_id: str) -> Api:
        return replace(api, integration_responses=without_key(api.integration_responses,
                                                              physical_id))


def _guarded(res: Resource, route: Route, enforced: tuple[str, ...]) -> Route:
    """`route` with the authorizer a Route's or Method's AuthorizationType and AuthorizerId
    name. A type Fogbank cannot enforce fails the deploy: the route is never served open."""
    kind = str(res.properties.get("AuthorizationType") or "NONE").upper()
    if kind not in enforced:
        what = {"AWS_IAM": "IAM authorization (AWS_IAM)",
                "COGNITO_USER_POOLS": "a Cognito user pool authorizer (Fogbank has no user "
                                      "pools yet)"}.get(kind, f"AuthorizationType {kind}")
        raise TemplateError(f"Resource {res.logical_id}: {route.key} is guarded by {what}, "
                            f"which Fogbank does not enforce")
    if kind == "NONE":
        return route
    scopes = tuple(str(s) for s in res.properties.get("AuthorizationScopes") or ())
    return replace(route, authorizer_id=str(required(res, "AuthorizerId")), scopes=scopes)


class _AuthorizerProvider(PartProvider):
    """An authorizer of an API, keyed by its own id (what AuthorizerId refers to)."""

    id_attribute = "AuthorizerId"

    def with_(self, api: Api, res: Resource, physical_id: str) -> Api:
        try:
            authorizer = self.authorizer(api, res)
        except UnsupportedDefinition as exc:
            raise TemplateError(f"Resource {res.logical_id}: {exc}") from None
        if authorizer is None:
            return api
        return replace(api, authorizers={**api.authorizers, physical_id: authorizer})

    def without(self, api: Api, res: Resource, physical_id: str) -> Api:
        return replace(api, authorizers=without_key(api.authorizers, physical_id))

    def authorizer(self, api: Api, res: Resource) -> Authorizer | None:
        raise NotImplementedError


class RestAuthorizerProvider(_AuthorizerProvider):
    """TOKEN and REQUEST Lambda authorizers. A COGNITO_USER_POOLS one is recorded as nothing:
    a method using it is refused (see `_guarded`)."""

    types = ("AWS::ApiGateway::Authorizer",)
    api_property = "RestApiId"

    def authorizer(self, api: Api, res: Resource) -> Authorizer | None:
        props = res.properties
        kind = str(required(res, "Type")).upper()
        name = str(props.get("Name") or res.logical_id)
        if kind not in (TOKEN, REQUEST):
            return None
        sources = identity_sources(props.get("IdentitySource"))
        if kind == TOKEN and not sources:
            required(res, "IdentitySource")
        return lambda_authorizer(name, kind, props.get("AuthorizerUri"), REST, sources=sources,
                                 ttl=props.get("AuthorizerResultTtlInSeconds"),
                                 validation=props.get("IdentityValidationExpression"))


class HttpAuthorizerProvider(_AuthorizerProvider):
    """HTTP APIs' REQUEST (Lambda) and JWT authorizers; WebSocket APIs' REQUEST ones."""

    types = ("AWS::ApiGatewayV2::Authorizer",)

    def authorizer(self, api: Api, res: Resource) -> Authorizer | None:
        props = res.properties
        kind = str(required(res, "AuthorizerType")).upper()
        name = str(required(res, "Name"))
        sources = identity_sources(props.get("IdentitySource"))
        if kind == "JWT":
            config = props.get("JwtConfiguration") or {}
            return jwt_authorizer(name, sources or ("$request.header.Authorization",),
                                  config.get("Issuer"), config.get("Audience"))
        if kind != REQUEST:
            raise UnsupportedDefinition(f"AuthorizerType {kind} is not REQUEST or JWT")
        protocol = WEBSOCKET if api.protocol == WEBSOCKET else HTTP
        # WebSocket authorizers cache nothing (the setting is HTTP APIs' only).
        ttl = 0 if protocol == WEBSOCKET else props.get("AuthorizerResultTtlInSeconds")
        return lambda_authorizer(name, REQUEST, props.get("AuthorizerUri"), protocol,
                                 sources=sources, ttl=ttl,
                                 payload_version=props.get("AuthorizerPayloadFormatVersion"),
                                 simple=props.get("EnableSimpleResponses", False))


class HttpDeploymentProvider(PartProvider):
    """Routes are live at once, so a deployment changes nothing; it only gets its id."""

    types = ("AWS::ApiGatewayV2::Deployment",)

    id_attribute = "DeploymentId"


class RestResourceProvider(PartProvider):
    """A path part under a parent; its id is derived from the API and its full path."""

    types = ("AWS::ApiGateway::Resource",)
    api_property = "RestApiId"

    def _path(self, res: Resource) -> str:
        api = self._apis.get(str(required(res, "RestApiId")))
        parent = str(required(res, "ParentId"))
        parent_path = api.resource_path(parent) if api else "/"
        return parent_path.rstrip("/") + "/" + str(required(res, "PathPart"))

    def physical_id(self, res: Resource) -> str:
        return stable_id(str(required(res, "RestApiId")), self._path(res))

    id_attribute = "ResourceId"

    def with_(self, api: Api, res: Resource, physical_id: str) -> Api:
        resource = RestResource(str(res.properties["ParentId"]), str(res.properties["PathPart"]))
        return replace(api, resources={**api.resources, physical_id: resource})

    def without(self, api: Api, res: Resource, physical_id: str) -> Api:
        return replace(api, resources=without_key(api.resources, physical_id))


class RestMethodProvider(PartProvider):
    """HttpMethod on ResourceId with an AWS_PROXY or AWS (non-proxy, mapped by templates:
    gateway/templates.py) Integration to Lambda, an AWS one to DynamoDB or S3
    (gateway/service_integrations.py), an HTTP_PROXY or HTTP one to an HTTP endpoint
    (gateway/http_integrations.py), or a MOCK one, and the request validation it asks
    for (rest_api_checks.py)."""

    types = ("AWS::ApiGateway::Method",)
    api_property = "RestApiId"

    def create(self, res: Resource) -> Deployed:
        check_method_references(res, self._apis.get(str(required(res, "RestApiId"))))
        return super().create(res)

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        check_method_references(new, self._apis.get(str(required(new, "RestApiId"))))
        return super().update(old, deployed, new)

    def with_(self, api: Api, res: Resource, physical_id: str) -> Api:
        method = str(required(res, "HttpMethod")).upper()
        spec = res.properties.get("Integration") or {}
        kind = str(spec.get("Type", "")).upper()
        if kind == "MOCK":
            responses = spec.get("IntegrationResponses") or [{}]
            default = next((entry for entry in responses if not entry.get("SelectionPattern")),
                           responses[0])
            integration = Integration(mock=mock_response({"responses": {"default": {
                "statusCode": default.get("StatusCode", 200),
                "responseParameters": default.get("ResponseParameters"),
                "responseTemplates": default.get("ResponseTemplates")}}}),
                mapping=_non_proxy(res, spec))
        elif kind in ("HTTP_PROXY", "HTTP"):
            proxy = kind == "HTTP_PROXY"
            integration = http_integrations.integration(
                _http(res, spec.get("Uri"), spec.get("IntegrationHttpMethod"),
                      spec.get("RequestParameters"), proxy, REST),
                None if proxy else _non_proxy(res, spec),
                _timeout_ms(res, REST, spec.get("TimeoutInMillis")))
        elif (kind == "AWS" and function_name_from_uri(str(spec.get("Uri") or "")) is None
              and is_service_uri(str(spec.get("Uri") or ""))):
            integration = Integration(payload_version="1.0", service=_service(res, spec),
                                      mapping=_non_proxy(res, spec),
                                      timeout_ms=_timeout_ms(res, REST,
                                                             spec.get("TimeoutInMillis")))
        else:
            uri = str(spec.get("Uri") or "")
            function = function_name_from_uri(uri)
            if kind == "AWS_PROXY" and function is None:
                # The type is served; what it points at is not a function.
                raise TemplateError(f"Resource {res.logical_id}: Integration Uri "
                                    f"{uri or '(none)'} is not a Lambda function's "
                                    f"invocation URI; Fogbank serves AWS_PROXY integrations "
                                    f"to Lambda and MOCK")
            if kind not in ("AWS_PROXY", "AWS") or function is None:
                raise TemplateError(f"Resource {res.logical_id}: Integration Type "
                                    f"{kind or '(none)'} is not supported with Uri "
                                    f"{uri or '(none)'}; Fogbank serves AWS_PROXY and AWS "
                                    f"integrations to Lambda, AWS integrations to DynamoDB "
                                    f"actions and S3 paths, HTTP_PROXY, HTTP and MOCK")
            integration = Integration(function=function, payload_version="1.0",
                                      timeout_ms=_timeout_ms(res, REST,
                                                             spec.get("TimeoutInMillis")),
                                      mapping=_non_proxy(res, spec) if kind == "AWS"
                                      else None,
                                      credentials=str(spec.get("Credentials") or ""),
                                      lambda_method=str(spec.get("IntegrationHttpMethod")
                                                        or "POST").upper())
        path = api.resource_path(str(required(res, "ResourceId")))
        route = _guarded(res, Route(ANY if method == ANY else method, path, physical_id,
                                    api_key_required=as_flag(res.properties.get("ApiKeyRequired"))),
                         ("NONE", "CUSTOM"))
        route = method_validation(res, route)
        return replace(api, routes={**api.routes, physical_id: route},
                       integrations={**api.integrations, physical_id: integration})

    def without(self, api: Api, res: Resource, physical_id: str) -> Api:
        return replace(api, routes=without_key(api.routes, physical_id),
                       integrations=without_key(api.integrations, physical_id))


def _non_proxy(res: Resource, spec: Mapping[str, Any]) -> NonProxy:
    """A Method's non-proxy Lambda integration: its templates and responses
    (gateway/templates.py)."""
    entries = [(None if entry.get("SelectionPattern") is None
                else str(entry["SelectionPattern"]),
                {"status": entry.get("StatusCode"), "parameters": entry.get("ResponseParameters"),
                 "templates": entry.get("ResponseTemplates")})
               for entry in spec.get("IntegrationResponses") or []]
    try:
        return templates.non_proxy(spec.get("RequestTemplates"),
                                   spec.get("PassthroughBehavior"), entries)
    except ValueError as exc:
        raise TemplateError(f"Resource {res.logical_id}: {exc}") from None


def _http(res: Resource, uri: Any, method: Any, parameters: Any, proxy: bool,
          protocol: str) -> HttpTarget:
    """An HTTP or HTTP_PROXY integration's endpoint (gateway/http_integrations.py)."""
    try:
        return http_integrations.http_target(uri, method, parameters, proxy=proxy,
                                             protocol=protocol)
    except ValueError as exc:
        raise TemplateError(f"Resource {res.logical_id}: {exc}") from None


def _service(res: Resource, spec: Mapping[str, Any]) -> ServiceTarget:
    """A Method's AWS service integration (gateway/service_integrations.py)."""
    try:
        return service_target(str(spec.get("Uri")), spec.get("IntegrationHttpMethod"),
                              spec.get("RequestParameters"), spec.get("Credentials"))
    except ValueError as exc:
        raise TemplateError(f"Resource {res.logical_id}: {exc}") from None


class RestDeploymentProvider(PartProvider):
    """A deployment with a StageName creates that stage (SAM's "Stage" stage comes from
    here); routes are live at once, so it does nothing else."""

    types = ("AWS::ApiGateway::Deployment",)
    api_property = "RestApiId"

    id_attribute = "DeploymentId"

    def with_(self, api: Api, res: Resource, physical_id: str) -> Api:
        name = res.properties.get("StageName")
        if not name or name in api.stages:
            return api
        variables = (res.properties.get("StageDescription") or {}).get("Variables") or {}
        stage = Stage(str(name), {str(k): str(v) for k, v in variables.items()},
                      from_deployment=True)
        return replace(api, stages={**api.stages, stage.name: stage})

    def without(self, api: Api, res: Resource, physical_id: str) -> Api:
        name = res.properties.get("StageName")
        stage = api.stages.get(str(name)) if name else None
        if stage is None or not stage.from_deployment:
            return api
        return replace(api, stages=without_key(api.stages, stage.name))


class ApiProviders:
    """Every API Gateway resource provider, over one registry."""

    def __init__(self, apis: ApiRegistry, region: str = "us-east-1",
                 account_id: str = "000000000000") -> None:
        self._args = (apis, region, account_id)

    def all(self) -> list:
        kinds = (HttpApiProvider, HttpStageProvider, HttpRouteProvider,
                 HttpIntegrationProvider, HttpAuthorizerProvider, HttpDeploymentProvider,
                 RouteResponseProvider, IntegrationResponseProvider, RestApiProvider,
                 RestResourceProvider, RestMethodProvider, RestAuthorizerProvider,
                 RestDeploymentProvider, RestStageProvider, GatewayResponseProvider,
                 RequestValidatorProvider, ModelProvider)
        return [kind(*self._args) for kind in kinds]
