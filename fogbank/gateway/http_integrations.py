"""HTTP integrations: a route in front of an HTTP endpoint.

A REST API's HTTP_PROXY integration passes the client's method (or IntegrationHttpMethod,
unless that is ANY), query string, headers and body to the endpoint, and the endpoint's
status, headers and body back as they are (the headers a REST API sets itself arrive as
`x-amzn-Remapped-<name>`, as it answers for Lambda; a missing Content-Type is
application/json, as API Gateway documents for proxy integrations). The Uri's `{name}`
placeholders are filled by RequestParameters (`integration.request.path.proxy:
method.request.path.proxy`), which may also set the call's headers and query string
values; `${stageVariables.x}` in the Uri is the stage's variable. A REST API's HTTP
(non-proxy) integration sends only what its RequestParameters map, its body rendered by
the request template (templates.py, as for AWS service integrations), and maps the answer
through the integration response its selection pattern chooses by status code.

An HTTP API's HTTP_PROXY integration fills the IntegrationUri's `{name}` with the route's
path variables (`{proxy}` for `{proxy+}`), and its RequestParameters change the call:
`append|overwrite|remove:header.x`, `append|overwrite|remove:querystring.x` and
`overwrite:path`, valued by `$request.header.x`, `$request.querystring.x`,
`$request.body.x` (JSON path), `$request.path`, `$request.path.x`, `$context.x`,
`$stageVariables.x` (each also as `${…}`, several in one value) or a static text. The
reserved headers cannot be mapped.

The endpoint is called through `HttpBackend` (one pooled httpx client), waited for up to
the integration's timeout: past it the gateway answers its timeout (504 "Endpoint request
timed out" for REST APIs); an endpoint that cannot be reached, or an address that is not
one, is API Gateway's configuration error (500 "Internal server error").
"""
from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from fogbank.gateway import templates, vtl
from fogbank.gateway.errors import INVOKE_FAILED, MISCONFIGURED, TIMEOUT, GatewayError
from fogbank.gateway.model import REST, HttpTarget, Integration
from fogbank.gateway.request import GatewayRequest
from fogbank.gateway.responses import REST_DEFAULT_TYPE, Response, passed_headers
from fogbank.gateway.service_integrations import (ServiceAnswer, apply_overrides,
                                                  fill_placeholders, mapped_values,
                                                  request_parameters, service_response)

log = logging.getLogger(__name__)

_URL = re.compile(r"https?://[^/\s?#]+[^\s]*", re.I)
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_.:-]+)\}")
# Never passed on: the endpoint's own Host and the framing of this hop.
_NOT_FORWARDED = frozenset({"host", "content-length", "connection", "keep-alive",
                            "transfer-encoding", "te", "trailer", "upgrade",
                            "proxy-authorization", "proxy-connection"})
# HTTP API parameter mapping: its keys, and the headers no mapping may name (API Gateway's
# reserved headers; a name ending in "-" is a prefix).
_HTTP_KEY = re.compile(r"(append|overwrite|remove):(header|querystring)\.(.+)|overwrite:path")
_RESERVED = ("access-control-", "apigw-", "authorization", "connection", "content-encoding",
             "content-length", "content-location", "forwarded", "keep-alive", "origin",
             "proxy-authenticate", "proxy-authorization", "te", "trailers",
             "transfer-encoding", "upgrade", "x-amz-", "x-amzn-", "x-forwarded-for",
             "x-forwarded-host", "x-forwarded-proto", "via")
_VALUE = re.compile(r"\$\{([^}]+)\}|\$((?:request|context|stageVariables)[A-Za-z0-9_.\-\[\]]*)")


def http_target(uri: Any, method: Any, parameters: Any, *, proxy: bool, protocol: str
                ) -> HttpTarget:
    """An HTTP integration from its settings; ValueError naming what API Gateway refuses."""
    address = str(uri or "").strip()
    if not _URL.fullmatch(address):
        raise ValueError(f"Invalid HTTP endpoint specified for URI ({address or 'none'})")
    verb = str(method or "").strip().upper()
    if not verb:
        raise ValueError(f"an {'HTTP_PROXY' if proxy else 'HTTP'} integration needs its "
                         f"integration HTTP method")
    if protocol == REST:
        pairs = request_parameters(parameters)
    else:
        pairs = tuple((str(key), str(value)) for key, value in (parameters or {}).items())
        for key, _ in pairs:
            _check_http_key(key)
    return HttpTarget(address, verb, proxy, pairs)


def _check_http_key(key: str) -> None:
    found = _HTTP_KEY.fullmatch(key)
    if found is None:
        raise ValueError(f"request parameter {key} is not append|overwrite|remove:header.x, "
                         f"append|overwrite|remove:querystring.x or overwrite:path")
    name = (found.group(3) or "").lower()
    if found.group(2) == "header" and any(
            name.startswith(reserved) if reserved.endswith("-") else name == reserved
            for reserved in _RESERVED):
        raise ValueError(f"request parameter {key} maps the reserved header {name}")


def integration(target: HttpTarget, mapping: Any, timeout_ms: int | None) -> Integration:
    return Integration(payload_version="1.0", http=target, mapping=mapping,
                       timeout_ms=timeout_ms)


# ------------------------------------------------------------------ the call

@dataclass(frozen=True)
class Outgoing:
    """The request an integration sends its endpoint (`url` with its query string)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


def _with_stage_variables(uri: str, variables: Mapping[str, str]) -> str:
    return _STAGE_VARIABLE.sub(lambda m: variables.get(m.group(1), ""), uri)


def _with_query(url: str, query: str) -> str:
    if not query:
        return url
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _method(target: HttpTarget, request: GatewayRequest) -> str:
    return request.method if target.method == "ANY" else target.method


def _forwarded(request: GatewayRequest, replaced: set[str]) -> list[tuple[str, str]]:
    return [(name, value) for name, value in request.headers
            if name.lower() not in _NOT_FORWARDED and name.lower() not in replaced]


def rest_call(target: HttpTarget, mapping: Any, request: GatewayRequest,
              context: vtl.JavaMap) -> Outgoing:
    """What a REST API's HTTP or HTTP_PROXY integration sends; GatewayError 415 when a
    non-proxy one's body may not pass, 500 when the Uri names a path value none maps."""
    values = mapped_values(target.parameters, request, context)
    body = request.body
    if not target.proxy:
        rendered = templates.rest_body(mapping, request, context)
        body = request.body if rendered is None else rendered.encode()
        apply_overrides(values, context)
    uri = _with_stage_variables(target.uri, request.stage.variables)
    url = fill_placeholders(uri, values["path"])
    mapped = values["header"]
    if target.proxy:
        query_string = request.query_string
        if values["querystring"]:
            # A mapped name replaces the client's values of it; the rest pass as sent.
            kept = [(name, value)
                    for name, value in parse_qsl(query_string, keep_blank_values=True)
                    if name not in values["querystring"]]
            query_string = urlencode(kept + list(values["querystring"].items()))
        headers = _forwarded(request, {name.lower() for name in mapped})
    else:
        query_string = urlencode(values["querystring"])
        headers = []
        if request.content_type and not any(n.lower() == "content-type" for n in mapped):
            headers.append(("Content-Type", request.content_type))
    headers.extend(mapped.items())
    return Outgoing(_method(target, request), _with_query(url, query_string), tuple(headers),
                    body)


def http_api_call(target: HttpTarget, request: GatewayRequest) -> Outgoing:
    """What an HTTP API's HTTP_PROXY integration sends, its parameter mapping applied."""
    uri = _with_stage_variables(target.uri, request.stage.variables)
    url = fill_placeholders(uri, request.match.path_parameters)
    headers = _forwarded(request, set())
    query: list[tuple[str, str]] | None = None
    for key, source in target.parameters:
        value = _http_value(source, request)
        if key == "overwrite:path":
            if value is not None:
                parts = urlsplit(url)
                url = urlunsplit((parts.scheme, parts.netloc, "/" + value.lstrip("/"),
                                  parts.query, ""))
            continue
        parsed = _HTTP_KEY.fullmatch(key)
        if parsed is None:
            continue
        action, kind, name = parsed.groups()
        if kind == "header":
            headers = _changed(headers, action, name, value, fold=True)
        else:
            if query is None:
                query = parse_qsl(request.query_string, keep_blank_values=True)
            query = _changed(query, action, name, value, fold=False)
    query_string = request.query_string if query is None else urlencode(query)
    return Outgoing(_method(target, request), _with_query(url, query_string), tuple(headers),
                    request.body)


def _changed(pairs: list[tuple[str, str]], action: str, name: str, value: str | None,
             fold: bool) -> list[tuple[str, str]]:
    """`pairs` with `name` removed, overwritten or appended to (header names are
    case-insensitive: `fold`); a value that is not there changes nothing but a removal."""
    def same(other: str) -> bool:
        return other.lower() == name.lower() if fold else other == name
    if action == "remove":
        return [pair for pair in pairs if not same(pair[0])]
    if value is None:
        return pairs
    if action == "overwrite":
        return [pair for pair in pairs if not same(pair[0])] + [(name, value)]
    return pairs + [(name, value)]


def _http_value(source: str, request: GatewayRequest) -> str | None:
    """A mapping value: its `$…` and `${…}` variables replaced; None when the only
    variable it is made of has no value."""
    found = _VALUE.fullmatch(source.strip())
    if found is not None:
        return _variable(found.group(1) or found.group(2), request)
    return _VALUE.sub(lambda m: _variable(m.group(1) or m.group(2), request) or "", source)


def _variable(name: str, request: GatewayRequest) -> str | None:
    kind, _, rest = name.partition(".")
    if name == "request.path":
        return request.route_path
    if kind == "request":
        where, _, key = rest.partition(".")
        if where == "header":
            found = [value for header, value in request.headers if header.lower() == key.lower()]
            return ",".join(found) if found else None
        if where == "querystring":
            values = [v for k, v in parse_qsl(request.query_string, keep_blank_values=True)
                      if k == key]
            return ",".join(values) if values else None
        if where == "path":
            return request.match.path_parameters.get(key)
        if where == "body":
            return templates.body_value(request.body.decode("utf-8", "replace"), "." + key)
        return None
    if kind == "stageVariables":
        return request.stage.variables.get(rest)
    if kind == "context":
        value: Any = _http_context(request)
        for part in rest.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return None if value is None or isinstance(value, dict) else str(value)
    return None


def _http_context(request: GatewayRequest) -> dict[str, Any]:
    """The `$context` variables of an HTTP API request a mapping may read."""
    return {"requestId": request.request_id, "extendedRequestId": request.extended_request_id,
            "apiId": request.api.api_id, "accountId": request.api.account_id,
            "stage": request.stage.name, "domainName": request.domain_name,
            "domainPrefix": request.domain_prefix, "httpMethod": request.method,
            "path": request.raw_path, "protocol": request.protocol,
            "routeKey": request.match.route.key, "requestTimeEpoch": int(request.time * 1000),
            "identity": {"sourceIp": request.source_ip, "userAgent": request.user_agent},
            "authorizer": dict(request.authorizer or {})}


# ------------------------------------------------------------------ the endpoint

class HttpBackend:
    """Calls HTTP integrations' endpoints through one pooled client, opened on first use.
    Bodies are read as sent (never decompressed), so Content-Encoding stays true; redirects
    are answers, passed on."""

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None

    async def call(self, outgoing: Outgoing, timeout_s: float) -> ServiceAnswer:
        """The endpoint's answer; GatewayError TIMEOUT past `timeout_s`, INVOKE_FAILED when
        it cannot be reached."""
        if self._client is None:
            # The environment's proxy settings are the developer's, not API Gateway's.
            self._client = httpx.AsyncClient(trust_env=False)
        try:
            request = httpx.Request(outgoing.method, outgoing.url,
                                    headers=list(outgoing.headers),
                                    content=outgoing.body or None,
                                    extensions={"timeout": httpx.Timeout(timeout_s).as_dict()})
            return await asyncio.wait_for(self._send(self._client, request), timeout_s)
        except (asyncio.TimeoutError, httpx.TimeoutException):
            raise GatewayError(TIMEOUT) from None
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            # API Gateway's execution log says "Execution failed due to configuration error".
            log.warning("HTTP integration %s %s failed: %s", outgoing.method, outgoing.url,
                        exc)
            raise GatewayError(INVOKE_FAILED) from None

    @staticmethod
    async def _send(client: httpx.AsyncClient, request: httpx.Request) -> ServiceAnswer:
        response = await client.send(request, stream=True)
        try:
            body = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        headers = tuple((name.decode("latin-1"), value.decode("latin-1"))
                        for name, value in response.headers.raw)
        return ServiceAnswer(response.status_code, headers, body)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


async def answer(backend: HttpBackend, request: GatewayRequest, timeout_s: float) -> Response:
    """The answer to a request whose route has an HTTP integration."""
    integration = request.match.integration
    target = integration.http
    assert target is not None
    rest = request.api.protocol == REST
    if not rest:
        got = await backend.call(http_api_call(target, request), timeout_s)
        return Response(got.status, tuple(passed_headers(got.headers)), got.body)
    context = templates.rest_context(request)
    got = await backend.call(rest_call(target, integration.mapping, request, context),
                             timeout_s)
    if not target.proxy:
        if integration.mapping is None:
            raise GatewayError(MISCONFIGURED)
        return service_response(integration.mapping, got, request, context)
    headers = passed_headers(got.headers, rest=True)
    if not any(name == b"content-type" for name, _ in headers):
        headers.append((b"content-type", REST_DEFAULT_TYPE.encode()))
    return Response(got.status, tuple(headers), got.body)
