"""What an API is, as the gateway serves it: routes, integrations, authorizers, stages, CORS.

These are the definitions the providers build from CloudFormation resources and the
registry stores. They are frozen; a change replaces a value (see `ApiRegistry.update`).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Mapping

from fogbank.gateway.throttling import Throttle

HTTP = "HTTP"        # API Gateway V2 HTTP API
REST = "REST"        # API Gateway V1 REST API
WEBSOCKET = "WEBSOCKET"  # API Gateway V2 WebSocket API
EDGE = "EDGE"        # a REST API's default endpoint type: reached through CloudFront

DEFAULT_ROUTE = "$default"
DEFAULT_STAGE = "$default"
ANY = "ANY"

_ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def stable_id(*parts: str, length: int = 10) -> str:
    """A lowercase alphanumeric id derived from `parts`, so it survives restarts."""
    number = int.from_bytes(hashlib.sha256("\x00".join(parts).encode()).digest(), "big")
    chars = []
    for _ in range(length):
        number, digit = divmod(number, len(_ID_ALPHABET))
        chars.append(_ID_ALPHABET[digit])
    return "".join(chars)


@dataclass(frozen=True)
class MockResponse:
    """A MOCK integration's answer (SAM's CORS preflight for REST APIs uses one)."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True)
class IntegrationResponse:
    """One integration response of a non-proxy Lambda integration (templates.py): chosen
    when `pattern` (a regular expression over the function's error message; "" for the
    default response) matches, it answers with `status`, the method response headers
    `parameters` map ((name, source) as configured: "'literal'",
    "integration.response.body.x" …) and the body its template for the content type
    renders (none: the result as it is)."""

    pattern: str
    status: int
    parameters: tuple[tuple[str, str], ...] = ()
    templates: tuple[tuple[str, str], ...] = ()      # (content type or key, template)
    template_selection: str = ""     # WebSocket: TemplateSelectionExpression of templates
    # SelectionPattern was given, if only as "": GetIntegrationResponse then shows it.
    pattern_given: bool = False


WHEN_NO_MATCH = "WHEN_NO_MATCH"
WHEN_NO_TEMPLATES = "WHEN_NO_TEMPLATES"
NEVER = "NEVER"


@dataclass(frozen=True)
class NonProxy:
    """How a non-proxy (type AWS) Lambda integration maps a request to its event and the
    result to the answer (templates.py). Request templates are keyed by content type
    (REST) or by what the WebSocket integration's `template_selection` expression selects;
    `passthrough` is PassthroughBehavior."""

    request_templates: tuple[tuple[str, str], ...] = ()
    passthrough: str = WHEN_NO_MATCH
    responses: tuple[IntegrationResponse, ...] = ()
    template_selection: str = ""                 # WebSocket TemplateSelectionExpression


@dataclass(frozen=True)
class ServiceTarget:
    """A REST API's AWS service integration (type AWS to another service than Lambda,
    service_integrations.py): `arn:aws:apigateway:{region}:{service}:action/{action}` or
    `…:{service}:path/{path}` (the path may hold `{name}` placeholders that `parameters`
    fill). `parameters` are RequestParameters as configured (destination
    "integration.request.path.key", source "method.request.path.key", "'literal'" …);
    `credentials` is the role API Gateway would assume, kept for reads only (no IAM)."""

    service: str
    uri: str
    action: str = ""
    path: str = ""
    http_method: str = "POST"
    parameters: tuple[tuple[str, str], ...] = ()
    credentials: str = ""


@dataclass(frozen=True)
class HttpTarget:
    """An HTTP endpoint behind a route (http_integrations.py): a REST API's HTTP_PROXY
    (`proxy`) or HTTP (non-proxy: the integration's `mapping` maps it) integration, or an
    HTTP API's HTTP_PROXY one. `uri` may hold `{name}` placeholders and
    `${stageVariables.x}`; `method` is IntegrationHttpMethod (ANY: the client's).
    `parameters` are RequestParameters as configured: REST ("integration.request.header.X",
    "method.request.path.p") or HTTP API ("append:header.x", "$request.header.y")."""

    uri: str
    method: str = "ANY"
    proxy: bool = True
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Integration:
    """Where a route sends requests: a Lambda function (proxy), another AWS service, an
    HTTP endpoint, or a mock answer.

    `function` may hold `${stageVariables.name}` references, resolved per request.
    `mapping` is set for a non-proxy integration (type AWS, to Lambda or to `service`) and
    for a REST API's mock: its request and answer are mapped by templates (templates.py).
    """

    function: str | None = None
    payload_version: str = "2.0"
    mock: MockResponse | None = None
    timeout_ms: int | None = None    # TimeoutInMillis; None: the gateway's default
    mapping: NonProxy | None = None
    service: ServiceTarget | None = None
    http: HttpTarget | None = None
    # A Lambda integration's Credentials: API Gateway invokes the function as this role,
    # so the function's resource-based policy is not asked (and Fogbank has no IAM).
    credentials: str = ""
    # A REST AWS_PROXY integration's IntegrationHttpMethod: Lambda's Invoke takes only POST,
    # so any other fails every call (the gateway answers INTEGRATION_FAILURE).
    lambda_method: str = "POST"


@dataclass(frozen=True)
class Route:
    """`METHOD /path` (or `$default`) bound to an integration by id.

    A WebSocket route has no method: its path is the route key ("$connect", "sendmessage").
    """

    method: str                      # "GET", … or "ANY"; "" for $default and WebSocket routes
    path: str                        # "/items/{id}", "/{proxy+}", "$default" or a route key
    integration_id: str
    # WebSocket RouteResponseSelectionExpression: set, the route answers the client.
    response_selection: str = ""
    authorizer_id: str = ""          # the API's authorizer guarding the route; "" when open
    scopes: tuple[str, ...] = ()     # AuthorizationScopes a JWT must carry
    api_key_required: bool = False   # REST: served only with a usage plan's key (usage_plans.py)
    # REST request validation (validation.py): the API's validator checking the method, the
    # parameters it requires ("querystring", "q") and its body models by content type.
    validator_id: str = ""
    required_parameters: tuple[tuple[str, str], ...] = ()
    request_models: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return self.path if not self.method else f"{self.method} {self.path}"


TOKEN = "TOKEN"      # a Lambda authorizer given one header's value
REQUEST = "REQUEST"  # a Lambda authorizer given the request (headers, query, context …)
JWT = "JWT"          # an HTTP API's JWT authorizer


@dataclass(frozen=True)
class Authorizer:
    """A Lambda authorizer (TOKEN or REQUEST) or an HTTP API's JWT authorizer.

    `identity_sources` are kept as configured ("method.request.header.Auth",
    "$request.header.Authorization", "route.request.querystring.token" …); `ttl_s` is
    AuthorizerResultTtlInSeconds (0: no cache). `payload_version` and `simple_responses`
    are HTTP APIs' (REST and WebSocket authorizers speak 1.0 with IAM policies).
    """

    name: str
    kind: str
    function: str | None = None
    identity_sources: tuple[str, ...] = ()
    validation_expression: str = ""
    ttl_s: int = 300
    payload_version: str = "1.0"
    simple_responses: bool = False
    issuer: str = ""
    audience: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stage:
    name: str
    variables: Mapping[str, str] = field(default_factory=dict)
    from_deployment: bool = False     # made by a REST Deployment's StageName alone
    # Method (REST) or route (HTTP) throttles, keyed as throttling.stage_throttle reads them
    throttles: Mapping[str, Throttle] = field(default_factory=dict)


@dataclass(frozen=True)
class Cors:
    """An HTTP API's CorsConfiguration (header names and methods kept as configured)."""

    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False


@dataclass(frozen=True)
class GatewayResponse:
    """A REST API's customised answer of one response type (gateway_responses.py).

    `headers` are (name, mapping expression) as configured: "'static'",
    "method.request.header.X", "stageVariables.x" or "context.requestId"; `templates` are
    body templates by content type. `status` None keeps the type's own status."""

    response_type: str
    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    templates: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RequestValidator:
    """What a REST API's request validator checks."""

    name: str
    body: bool = False
    parameters: bool = False


@dataclass(frozen=True)
class BodyModel:
    """A REST API's model: a JSON Schema (draft 4) a request body may be checked against."""

    name: str
    schema: Mapping[str, Any]
    content_type: str = "application/json"


@dataclass(frozen=True)
class RestResource:
    """A REST API resource: one path part under a parent (the root has neither)."""

    parent_id: str | None
    path_part: str


@dataclass(frozen=True)
class Api:
    """One API. Routes, integrations and stages are keyed by their resource ids so that
    the separate CloudFormation resources (Route, Integration, Method …) can change one
    entry each; an OpenAPI body fills the same maps."""

    api_id: str
    protocol: str                       # HTTP or REST; "" while only its parts are known
    name: str = ""
    region: str = "us-east-1"
    account_id: str = "000000000000"
    routes: Mapping[str, Route] = field(default_factory=dict)
    integrations: Mapping[str, Integration] = field(default_factory=dict)
    stages: Mapping[str, Stage] = field(default_factory=dict)
    resources: Mapping[str, RestResource] = field(default_factory=dict)
    cors: Cors | None = None
    binary_media_types: tuple[str, ...] = ()        # REST only
    endpoint_type: str = EDGE                       # REST only: EDGE, REGIONAL or PRIVATE
    route_selection_expression: str = ""            # WebSocket only
    route_responses: Mapping[str, str] = field(default_factory=dict)  # id → route id
    # WebSocket only: integration responses by id, with the id of their integration
    integration_responses: Mapping[str, tuple[str, IntegrationResponse]] = field(
        default_factory=dict)
    authorizers: Mapping[str, Authorizer] = field(default_factory=dict)
    api_key_source: str = "HEADER"                  # REST only: HEADER or AUTHORIZER
    # REST only: customised gateway responses by response type, request validators by id,
    # models by name
    gateway_responses: Mapping[str, GatewayResponse] = field(default_factory=dict)
    validators: Mapping[str, RequestValidator] = field(default_factory=dict)
    models: Mapping[str, BodyModel] = field(default_factory=dict)
    # REST only: the resource policy (resource_policy.py), None when the API has none
    resource_policy: Mapping[str, Any] | None = None

    @property
    def root_resource_id(self) -> str:
        return stable_id(self.api_id, "/", length=10)

    def resource_path(self, resource_id: str) -> str:
        """The full path of a REST resource, e.g. "/items/{id}"."""
        parts: list[str] = []
        current = self.resources.get(resource_id)
        while current is not None and current.parent_id is not None:
            parts.append(current.path_part)
            current = self.resources.get(current.parent_id)
        return "/" + "/".join(reversed(parts))
