"""REST APIs' gateway responses: the answers API Gateway gives when it refuses or fails a
request itself, as an API customises them (AWS::ApiGateway::GatewayResponse, or an
OpenAPI body's `x-amazon-apigateway-gateway-responses`).

Each failure has a response type (errors.py). The answer to it is the API's customisation
of that type, else its customisation of DEFAULT_4XX or DEFAULT_5XX (by the failure's
status), else the fixed answer. A customised answer has
- the customisation's status, else the customised DEFAULT_4XX/5XX's, else the failure's;
- the fixed answer's headers (Content-Type, x-amzn-ErrorType …) with the customisation's
  `gatewayresponse.header.*` on top: static `'values'`, or `method.request.header.*`,
  `method.request.querystring.*`, `method.request.path.*`, `stageVariables.*` and
  `context.*` values of the request (a header whose value the request lacks is left out);
- its `application/json` template (else its only template, else the default
  `{"message":$context.error.messageString}`) with references substituted.

A specific type's customisation replaces DEFAULT_4XX's as a whole: it inherits none of its
headers. Templates are not run through VTL, as API Gateway does not: only `$context.*` and
`$stageVariables.*` references (also written `${…}`) are replaced — an unknown one by
nothing — and everything else is kept as written (no `#if`, `$input` or `$util`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from fogbank.gateway.addressing import Address, select_stage
from fogbank.gateway.errors import GatewayError, rest_failure
from fogbank.gateway.event_v1 import last_query_values
from fogbank.gateway.model import Api, GatewayResponse
from fogbank.gateway.registry import LiveApi
from fogbank.gateway.request import request_time
from fogbank.gateway.responses import Response

# The response types, in the order API Gateway's model lists them.
RESPONSE_TYPES = (
    "DEFAULT_4XX", "DEFAULT_5XX", "RESOURCE_NOT_FOUND", "UNAUTHORIZED", "INVALID_API_KEY",
    "ACCESS_DENIED", "AUTHORIZER_FAILURE", "AUTHORIZER_CONFIGURATION_ERROR",
    "INVALID_SIGNATURE", "EXPIRED_TOKEN", "MISSING_AUTHENTICATION_TOKEN",
    "INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT", "API_CONFIGURATION_ERROR",
    "UNSUPPORTED_MEDIA_TYPE", "BAD_REQUEST_PARAMETERS", "BAD_REQUEST_BODY",
    "REQUEST_TOO_LARGE", "THROTTLED", "QUOTA_EXCEEDED", "WAF_FILTERED")
_TYPES = frozenset(RESPONSE_TYPES)
_JSON = "application/json"
_HEADER = "gatewayresponse.header."
_PARAMETER_KEY = re.compile(r"gatewayresponse\.(header|path|querystring)\.[A-Za-z0-9._$-]+")
_SOURCE = re.compile(r"'[^']*'|method\.request\.(header|querystring|path)\.[A-Za-z0-9._$-]+"
                     r"|stageVariables\.[A-Za-z0-9_]+|context\.[A-Za-z0-9_.]+")
_STATUS = re.compile(r"[1-5]\d\d")
_REFERENCE = re.compile(r"\$\{(context|stageVariables)\.([A-Za-z0-9_.]+)\}"
                        r"|\$(context|stageVariables)\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)")


def gateway_response(response_type: Any, status: Any, parameters: Any,
                     templates: Any) -> GatewayResponse:
    """A customisation from its settings; ValueError with API Gateway's words when one is
    not acceptable."""
    kind = str(response_type or "")
    if kind not in _TYPES:
        raise ValueError(f"1 validation error detected: Value '{kind}' at 'responseType' "
                         f"failed to satisfy constraint: Member must satisfy enum value set: "
                         f"[{', '.join(RESPONSE_TYPES)}]")
    code = None
    if status not in (None, ""):
        if isinstance(status, bool) or not _STATUS.fullmatch(str(status)):
            raise ValueError(f"1 validation error detected: Value '{status}' at 'statusCode' "
                             f"failed to satisfy constraint: Member must satisfy regular "
                             f"expression pattern: [1-5]\\d\\d")
        code = int(status)
    headers = []
    for key, source in _string_map(parameters, "ResponseParameters").items():
        if not _PARAMETER_KEY.fullmatch(key) or not _SOURCE.fullmatch(source):
            raise ValueError(f"Invalid mapping expression specified: {key}: {source}")
        if key.startswith(_HEADER):           # a response has no path or query string
            headers.append((key[len(_HEADER):], source))
    bodies = tuple(_string_map(templates, "ResponseTemplates").items())
    return GatewayResponse(kind, code, tuple(headers), bodies)


def _string_map(value: Any, what: str) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping) or not all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool)
            for v in value.values()):
        raise ValueError(f"{what} must map names to strings")
    return {str(k): str(v) for k, v in value.items()}


@dataclass(frozen=True)
class FailedRequest:
    """What a gateway response may show of the request it refuses. `context` holds the
    `$context` variables by name ("requestId", "identity.sourceIp" …); header names are
    lower-cased."""

    context: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    path_parameters: Mapping[str, str] = field(default_factory=dict)
    stage_variables: Mapping[str, str] = field(default_factory=dict)


def failed_request(live: LiveApi, address: Address, scope: dict, ids: tuple[str, str],
                   now: float) -> FailedRequest:
    """What is known of a refused request: its stage and route when it got that far.
    `ids` are its (requestId, extendedRequestId)."""
    api, method = live.api, scope["method"]
    headers: dict[str, str] = {}
    for name, value in scope["headers"]:
        headers.setdefault(name.decode("latin-1"), value.decode("latin-1"))
    context = {"requestId": ids[0], "extendedRequestId": ids[1], "apiId": api.api_id,
               "accountId": api.account_id, "httpMethod": method, "path": address.raw_path,
               "domainName": address.host or "localhost", "domainPrefix": api.api_id,
               "protocol": f"HTTP/{scope.get('http_version', '1.1')}",
               "requestTime": request_time(now), "requestTimeEpoch": str(int(now * 1000)),
               "identity.sourceIp": (scope.get("client") or ("127.0.0.1", 0))[0],
               "identity.userAgent": headers.get("user-agent", "")}
    selected = select_stage(api, address.raw_path)
    if selected is None:
        return FailedRequest(context, headers)
    stage, route_path = selected
    context["stage"] = stage.name
    match = live.router.match(method, route_path)
    if match is not None:
        context["resourcePath"] = match.route.path
    query = last_query_values(scope.get("query_string", b"").decode("latin-1"))
    return FailedRequest(context, headers, query,
                         dict(match.path_parameters) if match else {}, stage.variables)


def customisation(api: Api, exc: GatewayError) -> tuple[GatewayResponse, int] | None:
    """The API's customisation answering `exc` and the status it answers with, or None when
    the fixed answer stands."""
    failure = rest_failure(exc)
    if failure.response_type is None or not api.gateway_responses:
        return None
    fallback = api.gateway_responses.get("DEFAULT_4XX" if failure.status < 500
                                         else "DEFAULT_5XX")
    chosen = api.gateway_responses.get(failure.response_type) or fallback
    if chosen is None:
        return None
    status = chosen.status or (fallback.status if fallback else None) or failure.status
    return chosen, status


def answer(api: Api, exc: GatewayError, request: FailedRequest) -> Response | None:
    """The customised answer to `exc`, or None when the API does not customise it."""
    found = customisation(api, exc)
    if found is None:
        return None
    custom, status = found
    failure = rest_failure(exc)
    variables = {**request.context,
                 "error.message": failure.message or "",
                 "error.messageString": json.dumps(failure.message),
                 "error.responseType": failure.response_type or "",
                 "error.validationErrorString": exc.detail}
    templates = dict(custom.templates)
    content_type = _JSON if _JSON in templates or not templates else next(iter(templates))
    template = templates.get(content_type) or (
        '{"%s":$context.error.messageString}' % failure.key)
    headers: dict[bytes, bytes] = {b"content-type": content_type.encode("latin-1"),
                                   b"x-amzn-errortype": failure.error_type.encode()}
    headers.update(exc.headers)
    for name, source in custom.headers:
        value = _header_value(source, request, variables)
        if value is not None:
            headers[name.lower().encode("latin-1")] = value.encode("latin-1", "replace")
    body = render(template, variables, request.stage_variables)
    return Response(status, tuple(headers.items()), body.encode())


def _header_value(source: str, request: FailedRequest, variables: Mapping[str, str]
                  ) -> str | None:
    if source.startswith("'"):
        return source[1:-1]
    if source.startswith("stageVariables."):
        return request.stage_variables.get(source[len("stageVariables."):])
    if source.startswith("context."):
        return variables.get(source[len("context."):])
    _, _, where, name = source.split(".", 3)
    if where == "header":
        return request.headers.get(name.lower())
    return (request.query if where == "querystring" else request.path_parameters).get(name)


def render(template: str, variables: Mapping[str, str],
           stage_variables: Mapping[str, str]) -> str:
    """`template` with its `$context.x` and `$stageVariables.x` references replaced."""
    def one(match: re.Match[str]) -> str:
        if match.group(1):                          # ${context.x}: the name is exact
            source = variables if match.group(1) == "context" else stage_variables
            return source.get(match.group(2)) or ""
        scope, name = match.group(3), match.group(4)
        source = variables if scope == "context" else stage_variables
        # "$context.requestId.x" is requestId followed by ".x", as VTL reads it.
        known = name
        while known not in source and "." in known:
            known = known.rsplit(".", 1)[0]
        if known not in source:
            return ""
        return source[known] + name[len(known):]
    return _REFERENCE.sub(one, template)
