"""A REST API's AWS service integrations: type AWS to another service than Lambda, as
SAM patterns put DynamoDB and S3 straight behind a method.

The URI names the service and either an action (`arn:aws:apigateway:{region}:dynamodb:
action/PutItem`: a JSON-protocol call whose body is the rendered request template) or a
path (`…:s3:path/{bucket}/{key}`, called with the integration's HttpMethod; `{name}`
placeholders are filled by RequestParameters such as `integration.request.path.key:
method.request.path.key`, which may also set the call's query string and headers). The
request template for the request's Content-Type renders the call's body, as for a Lambda
integration (templates.py); without one the body passes through as PassthroughBehavior
allows. The service answers through `ServiceCaller`, which the node builds on its own SDK
endpoint: the gateway knows no storage. The answer maps through the integration responses,
chosen by matching their selection patterns against the answer's status code (for every
back end but Lambda, API Gateway selects by HTTP status); response parameters may read
`integration.response.header.X`. The role in `Credentials` is accepted and not assumed:
Fogbank has no IAM.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping
from urllib.parse import quote, urlencode

from fogbank.gateway import event_v1, templates, vtl
from fogbank.gateway.errors import MISCONFIGURED, GatewayError
from fogbank.gateway.model import NonProxy, ServiceTarget
from fogbank.gateway.request import GatewayRequest
from fogbank.gateway.responses import Response

# The services a node answers in-process, and how each is addressed.
ACTION_SERVICES = frozenset({"dynamodb"})
PATH_SERVICES = frozenset({"s3"})
# The JSON protocol's target prefix of each action service.
_TARGETS = {"dynamodb": "DynamoDB_20120810"}
_JSON_CONTENT_TYPES = {"dynamodb": "application/x-amz-json-1.0"}

_URI = re.compile(r"arn:aws[a-z-]*:apigateway:[a-z0-9-]*:(?P<service>[a-z0-9.-]+):"
                  r"(?P<kind>action|path)/(?P<rest>.*)", re.S)
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_DESTINATION = re.compile(r"integration\.request\.(path|querystring|header)\.(.+)")
_METHOD_SOURCE = re.compile(r"method\.request\.(path|querystring|header)\.(.+)")


@dataclass(frozen=True)
class ServiceRequest:
    """One call to a service, as API Gateway would send it (`path` percent-encoded)."""

    service: str
    method: str
    path: str
    query: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    region: str = "us-east-1"


@dataclass(frozen=True)
class ServiceAnswer:
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


ServiceCaller = Callable[[ServiceRequest], Awaitable[ServiceAnswer]]


def is_service_uri(uri: str) -> bool:
    """Whether an integration URI names an AWS service's action or path (Lambda's
    `lambda:path/2015-03-31/functions/…` is one too: ask function_name_from_uri first)."""
    return _URI.fullmatch(uri.strip()) is not None


def service_target(uri: str, http_method: Any, parameters: Any, credentials: Any
                   ) -> ServiceTarget:
    """The integration to `uri`; ValueError naming what Fogbank does not serve."""
    found = _URI.fullmatch(uri.strip())
    if found is None:
        raise ValueError(f"Integration Uri {uri} is not an AWS service's action or path")
    service, kind, rest = found.group("service"), found.group("kind"), found.group("rest")
    served = ACTION_SERVICES if kind == "action" else PATH_SERVICES
    if service not in served:
        raise ValueError(f"the integration calls {service}:{kind}/{rest}; Fogbank serves "
                         f"service integrations to DynamoDB actions and S3 paths")
    method = str(http_method or "POST").upper()
    return ServiceTarget(service, uri.strip(),
                         action=rest.split("&", 1)[0] if kind == "action" else "",
                         path=rest if kind == "path" else "", http_method=method,
                         parameters=request_parameters(parameters),
                         credentials=str(credentials or ""))


def request_parameters(parameters: Any) -> tuple[tuple[str, str], ...]:
    """A REST integration's RequestParameters as (destination, source) pairs; ValueError
    for a destination that is not the integration request's path, querystring or header."""
    pairs = []
    for destination, source in (parameters or {}).items():
        if _DESTINATION.fullmatch(str(destination)) is None:
            raise ValueError(f"request parameter {destination} is not an integration "
                             f"request's path, querystring or header")
        pairs.append((str(destination), str(source)))
    return tuple(pairs)


# ------------------------------------------------------------------ the call

def _source_value(source: str, request: GatewayRequest, context: Mapping[str, Any]
                  ) -> str | None:
    if len(source) >= 2 and source[0] == source[-1] == "'":
        return source[1:-1]
    found = _METHOD_SOURCE.fullmatch(source)
    if found is not None:
        kind, name = found.groups()
        if kind == "path":
            return request.match.path_parameters.get(name)
        if kind == "querystring":
            return event_v1.last_query_values(request.query_string).get(name)
        return request.header(name.lower()) or None
    if source.startswith("stageVariables."):
        return request.stage.variables.get(source[len("stageVariables."):])
    if source.startswith("context."):
        value: Any = context
        for part in source[len("context."):].split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return None if vtl.is_null(value) or isinstance(value, dict) else str(value)
    return None


def mapped_values(parameters: tuple[tuple[str, str], ...], request: GatewayRequest,
                  context: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The integration request's path, querystring and header values its
    RequestParameters give; a source with no value sets nothing."""
    found: dict[str, dict[str, str]] = {"path": {}, "querystring": {}, "header": {}}
    for destination, source in parameters:
        match = _DESTINATION.fullmatch(destination)
        value = _source_value(source, request, context)
        if match is not None and value is not None:
            found[match.group(1)][match.group(2)] = value
    return found


def fill_placeholders(template: str, values: Mapping[str, str]) -> str:
    """`template` with each `{name}` replaced by its integration request path value;
    GatewayError (API Gateway's configuration error) for one no parameter maps."""
    def fill(found: re.Match) -> str:
        value = values.get(found.group(1))
        if value is None:
            # An unmapped placeholder cannot be sent: API Gateway's configuration error.
            raise GatewayError(MISCONFIGURED)
        # A method request's path parameter arrives percent-encoded, as sent: kept so.
        return quote(value, safe="/%")
    return _PLACEHOLDER.sub(fill, template)


def apply_overrides(values: dict[str, dict[str, str]], context: Mapping[str, Any]) -> None:
    """What the request template set in `$context.requestOverride.header|path|querystring`
    wins over the RequestParameters' values, as API Gateway applies overrides last."""
    overrides = context.get("requestOverride")
    if not isinstance(overrides, dict):
        return
    for kind, found in values.items():
        for name, value in (overrides.get(kind) or {}).items():
            if not vtl.is_null(value):
                found[str(name)] = str(value)


def service_request(target: ServiceTarget, mapping: NonProxy, request: GatewayRequest,
                    context: vtl.JavaMap) -> ServiceRequest:
    """The call a REST request makes; GatewayError 415 when its body may not pass."""
    rendered = templates.rest_body(mapping, request, context)
    body = request.body if rendered is None else rendered.encode()
    values = mapped_values(target.parameters, request, context)
    apply_overrides(values, context)
    headers = dict(values["header"])
    if target.service in _TARGETS:
        headers = {**headers, "X-Amz-Target": f"{_TARGETS[target.service]}.{target.action}",
                   "Content-Type": _JSON_CONTENT_TYPES[target.service]}
        return ServiceRequest(target.service, "POST", "/", "", tuple(headers.items()), body,
                              request.api.region)
    if not any(name.lower() == "content-type" for name in headers) and request.content_type:
        headers["Content-Type"] = request.content_type
    # IntegrationHttpMethod ANY calls the service with the method the client used.
    method = request.method if target.http_method == "ANY" else target.http_method
    path = "/" + fill_placeholders(target.path, values["path"]).lstrip("/")
    return ServiceRequest(target.service, method, path,
                          urlencode(values["querystring"]), tuple(headers.items()), body,
                          request.api.region)


def service_response(mapping: NonProxy, answer: ServiceAnswer, request: GatewayRequest,
                     context: vtl.JavaMap) -> Response:
    """The method's answer: the integration response its status code selects."""
    chosen = templates.selected_response(mapping, str(answer.status))
    return templates.mapped_answer(chosen, answer.body, request, context, answer.headers)
