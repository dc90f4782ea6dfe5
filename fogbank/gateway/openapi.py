"""An API's OpenAPI / Swagger `Body` → its routes, integrations and CORS, as API Gateway
imports it.

Operations carry `x-amazon-apigateway-integration` (`aws_proxy` to a Lambda function, or
`mock`); `x-amazon-apigateway-any-method` is the ANY method; the HTTP API path `$default`
is the default route. Integration types that run no Lambda function and no mock
(http_proxy, non-proxy aws) are not served yet: their operations are skipped and logged.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Mapping

from fogbank.gateway.model import (ANY, DEFAULT_ROUTE, HTTP, Cors, Integration, MockResponse, Route,
                                   stable_id)
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


def integration_from(spec: Mapping[str, Any], protocol: str) -> Integration | None:
    kind = str(spec.get("type", "")).lower()
    if kind == "mock":
        return Integration(mock=mock_response(spec))
    uri = spec.get("uri")
    function = function_name_from_uri(uri) if isinstance(uri, str) else None
    if kind != "aws_proxy" or function is None:
        return None
    default_version = "2.0" if protocol == HTTP else "1.0"
    return Integration(function=function,
                       payload_version=str(spec.get("payloadFormatVersion", default_version)),
                       timeout_ms=_whole_number(spec.get("timeoutInMillis")))


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


def import_body(api_id: str, protocol: str, body: Mapping[str, Any]) -> Imported:
    routes: dict[str, Route] = {}
    integrations: dict[str, Integration] = {}
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
            route = Route(method, path, stable_id(api_id, "integration", method, path))
            routes[stable_id(api_id, "route", route.key)] = route
            integrations[route.integration_id] = integration
    return Imported(routes, integrations, cors_from(body.get("x-amazon-apigateway-cors")),
                    _strings(body.get("x-amazon-apigateway-binary-media-types")))
