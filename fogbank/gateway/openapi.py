"""An API's OpenAPI / Swagger `Body` → its routes, integrations, authorizers and CORS, as
API Gateway imports it.

Operations carry `x-amazon-apigateway-integration` (`aws_proxy` to a Lambda function, a
REST API's `aws` one to Lambda with its mapping templates (templates.py) or to DynamoDB
or S3 (service_integrations.py), `http_proxy` to an HTTP endpoint, or a REST API's `http`
one with its mapping templates (http_integrations.py), or `mock`, whose templates render
too); `x-amazon-apigateway-any-method` is the ANY method; the HTTP API path `$default` is
the default route. Other integrations (aws to other services) are not served yet: their
operations are skipped and logged.
Authorizers are security schemes (`components.securitySchemes`, Swagger's
`securityDefinitions`) with `x-amazon-apigateway-authorizer`; an operation's `security`
(else the document's) names the one guarding it, with its scopes ("NONE": open). A scheme
Fogbank cannot enforce (Cognito user pools, IAM) is an `UnsupportedDefinition` when an
operation uses it, so that no route it guards is ever served open. In a REST API, an
`apiKey` scheme without an authorizer is the API key (`x-api-key`): an operation whose
security names it requires one (`Route.api_key_required`), beside any authorizer; the
document's `x-amazon-apigateway-api-key-source` says where the key is read. A REST API's
`x-amazon-apigateway-gateway-responses` customise its gateway responses
(gateway_responses.py); its request validation is read by openapi_validation.py, and its
`x-amazon-apigateway-policy` is the API's resource policy (resource_policy.py).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from fogbank.gateway import http_integrations, resource_policy, templates
from fogbank.gateway.authorizers import identity_source
from fogbank.gateway.gateway_responses import gateway_response
from fogbank.gateway.iam_policy import MalformedPolicy
from fogbank.gateway.model import (ANY, DEFAULT_ROUTE, HTTP, JWT, REQUEST, REST, TOKEN,
                                   Authorizer, BodyModel, Cors, GatewayResponse,
                                   Integration, MockResponse, NonProxy, RequestValidator,
                                   Route, stable_id)
from fogbank.gateway.openapi_validation import OperationChecks, models, validators
from fogbank.gateway.service_integrations import is_service_uri, service_target
from fogbank.types import function_name_from_uri

log = logging.getLogger(__name__)

_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch"})
_ANY_METHOD = "x-amazon-apigateway-any-method"
_HEADER_PARAMETER = "method.response.header."


@dataclass(frozen=True)
class Imported:
    routes: Mapping[str, Route] = field(default_factory=dict)
    integrations: Mapping[str, Integration] = field(default_factory=dict)
    cors: Cors | None = None
    binary_media_types: tuple[str, ...] = ()
    authorizers: Mapping[str, Authorizer] = field(default_factory=dict)
    api_key_source: str = "HEADER"
    gateway_responses: Mapping[str, GatewayResponse] = field(default_factory=dict)
    validators: Mapping[str, RequestValidator] = field(default_factory=dict)
    models: Mapping[str, BodyModel] = field(default_factory=dict)
    resource_policy: Mapping[str, Any] | None = None


class UnsupportedDefinition(ValueError):
    """A part of the definition Fogbank cannot serve faithfully; the message says which."""


_AUTHORIZER = "x-amazon-apigateway-authorizer"
_AUTH_TYPE = "x-amazon-apigateway-authtype"
_KEY_SOURCE = "x-amazon-apigateway-api-key-source"
_OPEN = "NONE"
# AuthorizerResultTtlInSeconds when none is given: REST APIs cache for 5 minutes, HTTP APIs
# not at all.
DEFAULT_TTL_S = {HTTP: 0}
REST_DEFAULT_TTL_S = 300


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return tuple(str(item) for item in value)


def cors_from(config: Mapping[str, Any] | None) -> Cors | None:
    """A Cors from `CorsConfiguration` (AllowOrigins …) or `x-amazon-apigateway-cors`
    (allowOrigins …): the same fields, capitalised or not."""
    if not config:
        return None
    get = {key[:1].lower() + key[1:]: value for key, value in config.items()}.get
    max_age = get("maxAge")
    return Cors(allow_origins=_strings(get("allowOrigins")),
                allow_methods=tuple(m.upper() for m in _strings(get("allowMethods"))),
                allow_headers=_strings(get("allowHeaders")),
                expose_headers=_strings(get("exposeHeaders")),
                max_age=int(max_age) if max_age is not None else None,
                allow_credentials=bool(get("allowCredentials", False)))


def _unquote(value: str) -> str:
    """Static response parameter values are single-quoted: "'value'" → "value"."""
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    return value


def mock_response(integration: Mapping[str, Any]) -> MockResponse:
    """The default response of a mock integration: status, static headers, and the
    application/json template when it is plain text (templates using VTL render empty)."""
    default = (integration.get("responses") or {}).get("default") or {}
    headers = []
    for name, value in (default.get("responseParameters") or {}).items():
        if name.startswith(_HEADER_PARAMETER) and isinstance(value, str):
            headers.append((name[len(_HEADER_PARAMETER):].lower().encode("latin-1"),
                            _unquote(value).encode("latin-1")))
    template = (default.get("responseTemplates") or {}).get("application/json") or ""
    body = b"" if "$" in template or "#" in template else template.strip().encode()
    if headers and not any(name == b"content-type" for name, _ in headers):
        headers.append((b"content-type", b"application/json"))
    return MockResponse(int(default.get("statusCode", 200)), tuple(headers), body)


def _mapping(spec: Mapping[str, Any]) -> NonProxy:
    """A non-proxy or mock integration's templates and responses (keyed "default" or by
    their selection pattern); ValueError naming what API Gateway refuses."""
    entries = [(None if key == "default" else str(key),
                {"status": (value or {}).get("statusCode"),
                 "parameters": (value or {}).get("responseParameters"),
                 "templates": (value or {}).get("responseTemplates")})
               for key, value in (spec.get("responses") or {}).items()]
    return templates.non_proxy(spec.get("requestTemplates"), spec.get("passthroughBehavior"),
                               entries)


def _service_integration(spec: Mapping[str, Any], uri: str) -> Integration | None:
    try:
        target = service_target(uri, spec.get("httpMethod"), spec.get("requestParameters"),
                                spec.get("credentials"))
        mapping = _mapping(spec)
    except ValueError as exc:
        log.warning("an AWS service integration is not served: %s", exc)
        return None
    return Integration(payload_version="1.0", service=target, mapping=mapping,
                       timeout_ms=_whole_number(spec.get("timeoutInMillis")))


def _http_integration(spec: Mapping[str, Any], protocol: str, proxy: bool
                      ) -> Integration | None:
    try:
        target = http_integrations.http_target(
            spec.get("uri"), spec.get("httpMethod"), spec.get("requestParameters"),
            proxy=proxy, protocol=protocol)
        mapping = None if proxy else _mapping(spec)
    except ValueError as exc:
        log.warning("an HTTP integration is not served: %s", exc)
        return None
    return http_integrations.integration(target, mapping,
                                         _whole_number(spec.get("timeoutInMillis")))


def integration_from(spec: Mapping[str, Any], protocol: str) -> Integration | None:
    kind = str(spec.get("type", "")).lower()
    if kind == "http_proxy" or (kind == "http" and protocol == REST):
        return _http_integration(spec, protocol, proxy=kind == "http_proxy")
    if kind == "mock":
        try:
            mapping = _mapping(spec) if protocol == REST else None
        except ValueError as exc:
            log.warning("a mock integration is not served: %s", exc)
            return None
        return Integration(mock=mock_response(spec), mapping=mapping)
    uri = spec.get("uri")
    function = function_name_from_uri(uri) if isinstance(uri, str) else None
    if (function is None and kind == "aws" and protocol == REST and isinstance(uri, str)
            and is_service_uri(uri)):
        return _service_integration(spec, uri)
    if function is None or kind not in ("aws_proxy", "aws") or (kind == "aws"
                                                                and protocol != REST):
        return None
    if kind == "aws":
        try:
            mapping = _mapping(spec)
        except ValueError as exc:
            log.warning("a non-proxy Lambda integration is not served: %s", exc)
            return None
        return Integration(function=function, payload_version="1.0", mapping=mapping,
                           timeout_ms=_whole_number(spec.get("timeoutInMillis")),
                           credentials=_credentials(spec), lambda_method=_lambda_method(spec))
    default_version = "2.0" if protocol == HTTP else "1.0"
    return Integration(function=function,
                       payload_version=str(spec.get("payloadFormatVersion", default_version)),
                       timeout_ms=_whole_number(spec.get("timeoutInMillis")),
                       credentials=_credentials(spec), lambda_method=_lambda_method(spec))


def _lambda_method(spec: Mapping[str, Any]) -> str:
    """The method API Gateway calls Lambda's Invoke with (`httpMethod`; only POST works)."""
    return str(spec.get("httpMethod") or "POST").upper()


def _credentials(spec: Mapping[str, Any]) -> str:
    """The role a Lambda integration invokes its function as (`credentials`)."""
    value = spec.get("credentials")
    return value if isinstance(value, str) else ""


def _whole_number(value: Any) -> int | None:
    """An integer written as a number or a string of digits (as SAM writes template values
    into the definition); None for anything else, which the deploy then reports."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def identity_sources(value: Any) -> tuple[str, ...]:
    """Identity sources as configured: a list, or one string of comma-separated ones."""
    return _strings(value)


def check_identity_sources(name: str, sources: tuple[str, ...]) -> None:
    for source in sources:
        if identity_source(source) is None:
            raise UnsupportedDefinition(f"authorizer {name}: identity source {source} is not "
                                        f"a header, query string, stage or context value")


def lambda_authorizer(name: str, kind: str, uri: Any, protocol: str, *,
                      sources: tuple[str, ...], ttl: Any, validation: Any = None,
                      payload_version: Any = None, simple: Any = False) -> Authorizer:
    """A TOKEN or REQUEST authorizer from its settings, however spelled."""
    function = function_name_from_uri(uri) if isinstance(uri, str) else None
    if function is None:
        raise UnsupportedDefinition(f"authorizer {name}: AuthorizerUri {uri} is not a Lambda "
                                    f"function's")
    check_identity_sources(name, sources)
    if kind == TOKEN and len(sources) != 1:
        raise UnsupportedDefinition(f"authorizer {name}: a TOKEN authorizer reads one header")
    seconds = _whole_number(ttl)
    if ttl is not None and (seconds is None or not 0 <= seconds <= 3600):
        raise UnsupportedDefinition(f"authorizer {name}: AuthorizerResultTtlInSeconds {ttl} "
                                    f"is not between 0 and 3600")
    if seconds is None:
        seconds = DEFAULT_TTL_S.get(protocol, REST_DEFAULT_TTL_S)
    version = str(payload_version or ("2.0" if protocol == HTTP else "1.0"))
    if version not in ("1.0", "2.0"):
        raise UnsupportedDefinition(f"authorizer {name}: payload format version {version} "
                                    f"is not 1.0 or 2.0")
    return Authorizer(name, kind, function=function, identity_sources=sources,
                      validation_expression=str(validation or ""), ttl_s=seconds,
                      payload_version=version, simple_responses=bool(simple))


def jwt_authorizer(name: str, sources: tuple[str, ...], issuer: Any, audience: Any
                   ) -> Authorizer:
    check_identity_sources(name, sources)
    if not issuer or not audience:
        raise UnsupportedDefinition(f"authorizer {name}: a JWT authorizer needs an issuer "
                                    f"and an audience")
    return Authorizer(name, JWT, identity_sources=sources, issuer=str(issuer),
                      audience=_strings(audience), ttl_s=0)


def _scheme_authorizer(name: str, scheme: Any, protocol: str) -> Authorizer:
    if not isinstance(scheme, Mapping):
        raise UnsupportedDefinition(f"security scheme {name} is not an object")
    spec = scheme.get(_AUTHORIZER)
    if not isinstance(spec, Mapping):
        kind = str(scheme.get(_AUTH_TYPE) or scheme.get("type") or "")
        what = "IAM authorization (SigV4)" if kind == "awsSigv4" else f"the {kind} scheme"
        raise UnsupportedDefinition(f"security scheme {name} is {what}, which Fogbank does "
                                    f"not enforce")
    kind = str(spec.get("type", "")).lower()
    if kind == "jwt":
        config = spec.get("jwtConfiguration") or {}
        return jwt_authorizer(name, identity_sources(spec.get("identitySource")
                                                     or "$request.header.Authorization"),
                              config.get("issuer"), config.get("audience"))
    if kind == "token":
        source = spec.get("identitySource") or f"method.request.header.{scheme.get('name')}"
        return lambda_authorizer(name, TOKEN, spec.get("authorizerUri"), protocol,
                                 sources=identity_sources(source),
                                 ttl=spec.get("authorizerResultTtlInSeconds"),
                                 validation=spec.get("identityValidationExpression"))
    if kind == "request":
        return lambda_authorizer(name, REQUEST, spec.get("authorizerUri"), protocol,
                                 sources=identity_sources(spec.get("identitySource")),
                                 ttl=spec.get("authorizerResultTtlInSeconds"),
                                 payload_version=spec.get("authorizerPayloadFormatVersion"),
                                 simple=spec.get("enableSimpleResponses", False))
    if kind == "cognito_user_pools":
        raise UnsupportedDefinition(f"authorizer {name} is a Cognito user pool authorizer; "
                                    f"Fogbank has no user pools yet")
    raise UnsupportedDefinition(f"authorizer {name} has type {kind or '(none)'}, which "
                                f"Fogbank does not enforce")


def _security(requirement: Any, key_schemes: frozenset[str]
              ) -> tuple[str, tuple[str, ...], bool]:
    """(authorizer scheme name, scopes, whether an API key is required) of an operation's
    `security`; the name is "NONE" when no authorizer guards it."""
    if not requirement:
        return _OPEN, (), False
    first = requirement[0] if isinstance(requirement, list) else requirement
    if not isinstance(first, Mapping) or not first:
        return _OPEN, (), False
    named = [(str(name), scopes) for name, scopes in first.items()]
    guards = [(name, scopes) for name, scopes in named if name not in key_schemes]
    needs_key = len(guards) < len(named)
    if not guards:
        return _OPEN, (), needs_key
    return guards[0][0], _strings(guards[0][1]), needs_key


def _key_schemes(schemes: Mapping[str, Any], protocol: str) -> frozenset[str]:
    """The schemes that are a REST API's API key: the `x-api-key` header, with neither an
    authorizer nor another auth type (IAM is an `apiKey` scheme too) behind it."""
    if protocol != REST:
        return frozenset()
    return frozenset(name for name, scheme in schemes.items()
                     if isinstance(scheme, Mapping) and scheme.get("type") == "apiKey"
                     and str(scheme.get("name", "")).lower() == "x-api-key"
                     and _AUTHORIZER not in scheme and _AUTH_TYPE not in scheme)


def import_body(api_id: str, protocol: str, body: Mapping[str, Any]) -> Imported:
    try:
        return _import(api_id, protocol, body)
    except UnsupportedDefinition:
        raise
    except ValueError as exc:       # a gateway response, validator or model API Gateway refuses
        raise UnsupportedDefinition(str(exc)) from None


def _gateway_responses(body: Mapping[str, Any]) -> dict[str, GatewayResponse]:
    found = {}
    for kind, spec in (body.get("x-amazon-apigateway-gateway-responses") or {}).items():
        spec = spec if isinstance(spec, Mapping) else {}
        found[str(kind)] = gateway_response(kind, spec.get("statusCode"),
                                            spec.get("responseParameters"),
                                            spec.get("responseTemplates"))
    return found


def _import(api_id: str, protocol: str, body: Mapping[str, Any]) -> Imported:
    rest = protocol == REST
    known_validators = validators(body) if rest else {}
    known_models = models(api_id, body) if rest else {}
    routes: dict[str, Route] = {}
    integrations: dict[str, Integration] = {}
    schemes = ((body.get("components") or {}).get("securitySchemes")
               or body.get("securityDefinitions") or {})
    key_schemes = _key_schemes(schemes, protocol)
    authorizers = {}
    for name, scheme in schemes.items():
        try:
            authorizers[name] = _scheme_authorizer(name, scheme, protocol)
        except UnsupportedDefinition:
            continue        # refused when an operation uses it: unused, it guards nothing
    for path, item in (body.get("paths") or {}).items():
        for key, operation in (item or {}).items():
            if key != _ANY_METHOD and key.lower() not in _METHODS:
                continue
            spec = (operation or {}).get("x-amazon-apigateway-integration")
            integration = integration_from(spec, protocol) if spec else None
            if integration is None:
                log.warning("API %s: %s %s has no Lambda proxy or mock integration; "
                            "not served", api_id, key, path)
                continue
            method = "" if path == DEFAULT_ROUTE else ANY if key == _ANY_METHOD else key.upper()
            scheme, scopes, needs_key = _security(
                (operation or {}).get("security", body.get("security")), key_schemes)
            if scheme != _OPEN and scheme not in authorizers:
                if scheme not in schemes:
                    raise UnsupportedDefinition(f"{key} {path} names security scheme {scheme}, "
                                                f"which the definition does not define")
                _scheme_authorizer(scheme, schemes[scheme], protocol)   # says why not
            route = Route(method, path, stable_id(api_id, "integration", method, path),
                          authorizer_id="" if scheme == _OPEN else scheme, scopes=scopes,
                          api_key_required=needs_key)
            if rest:
                checks = OperationChecks(api_id, body, method, path, item, operation or {},
                                         known_validators)
                known_models.update(checks.added_models)
                route = replace(route, validator_id=checks.validator_id,
                                required_parameters=checks.required,
                                request_models=checks.request_models)
            routes[stable_id(api_id, "route", route.key)] = route
            integrations[route.integration_id] = integration
    return Imported(routes, integrations, cors_from(body.get("x-amazon-apigateway-cors")),
                    _strings(body.get("x-amazon-apigateway-binary-media-types")), authorizers,
                    str(body.get(_KEY_SOURCE) or "HEADER").upper(),
                    _gateway_responses(body) if rest else {}, known_validators, known_models,
                    _resource_policy(body) if rest else None)


def _resource_policy(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """A REST API's `x-amazon-apigateway-policy` (an object, or JSON text of one)."""
    policy = body.get("x-amazon-apigateway-policy")
    if policy is None:
        return None
    policy = parse_policy(policy)
    try:
        resource_policy.check(policy)
    except MalformedPolicy:
        raise UnsupportedDefinition(resource_policy.INVALID_POLICY) from None
    return policy


def parse_policy(policy: Any) -> Any:
    """A policy document given as an object or as its JSON text."""
    if isinstance(policy, str):
        try:
            return json.loads(policy)
        except ValueError:
            raise UnsupportedDefinition(resource_policy.INVALID_POLICY) from None
    return policy
