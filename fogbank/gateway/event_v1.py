"""The payload format 1.0 event: REST APIs' Lambda proxy event, and HTTP APIs' 1.0 form.

`headers` and `queryStringParameters` keep the last value of a repeated name; the
`multiValue…` maps keep all of them. A REST API's header maps are in the order of the names,
case aside. Empty maps and a missing body are null, as AWS sends.
An HTTP API adds `"version": "1.0"` and its path keeps the stage segment; a REST API's
`path` is the path within the stage and `requestContext.path` carries the stage, both as
sent (not percent-decoded), and its requestContext names the stage's `deploymentId`.
A REST API base64-encodes a body whose type is one of its binary media types; an HTTP API
encodes every non-text type. An edge-optimized REST API's headers include CloudFront's
(`CloudFront-Viewer-Country` and the rest, added with API Gateway's in request.py).
"""
from __future__ import annotations

import fnmatch
from typing import Any
from urllib.parse import parse_qsl, unquote

from fogbank.gateway.event_v2 import encode_body, is_text
from fogbank.gateway.model import REST, stable_id
from fogbank.gateway.request import GatewayRequest, request_time, with_authorizer

_IDENTITY_KEYS = ("cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller",
                  "principalOrgId", "accessKey", "cognitoAuthenticationType",
                  "cognitoAuthenticationProvider", "userArn", "user")


def _multi(pairs: list[tuple[str, str]] | tuple[tuple[str, str], ...]
           ) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return (single or None), (multi or None)


def last_query_values(query_string: str) -> dict[str, str]:
    """The query's parameters, a repeated name keeping its last value (as
    `queryStringParameters` does)."""
    return dict(parse_qsl(query_string, keep_blank_values=True))


def is_binary(content_type: str, binary_media_types: tuple[str, ...]) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return any(fnmatch.fnmatchcase(media, pattern.lower()) for pattern in binary_media_types)


def _body(req: GatewayRequest) -> tuple[str | None, bool]:
    if not req.body:
        return None, False
    if req.api.protocol == REST:
        if is_binary(req.content_type, req.api.binary_media_types):
            return encode_body(req.body, False)
        return req.body.decode("utf-8", errors="replace"), False
    return encode_body(req.body, is_text(req.content_type))


def _context(req: GatewayRequest, resource: str, stage_path: str) -> dict[str, Any]:
    identity: dict[str, Any] = {key: None for key in _IDENTITY_KEYS}
    identity["sourceIp"] = req.source_ip
    identity["userAgent"] = req.user_agent
    if req.api_key is not None:         # a method that requires an API key names the one used
        identity["apiKeyId"], identity["apiKey"] = req.api_key
    context: dict[str, Any] = {
        "accountId": req.api.account_id,
        "apiId": req.api.api_id,
    }
    if req.api.protocol == REST:        # the deployment the stage serves
        context["deploymentId"] = stable_id(req.api.api_id, "deployment", req.stage.name,
                                            length=6)
    context.update({
        "domainName": req.domain_name,
        "domainPrefix": req.domain_prefix,
        "extendedRequestId": req.extended_request_id,
        "httpMethod": req.method,
        "identity": identity,
        "path": stage_path,
        "protocol": req.protocol,
        "requestId": req.request_id,
        "requestTime": request_time(req.time),
        "requestTimeEpoch": int(req.time * 1000),
        "resourceId": stable_id(req.api.api_id, resource),
        "resourcePath": resource,
        "stage": req.stage.name,
    })
    return context if req.authorizer is None else with_authorizer(context, req.authorizer)


def request_context(req: GatewayRequest) -> dict[str, Any]:
    """The event's requestContext, which is also a mapping template's `$context`."""
    rest = req.api.protocol == REST
    return _context(req, req.match.route.path, req.raw_path if rest else unquote(req.raw_path))


def _name_order(header: tuple[str, str]) -> str:
    return header[0].lower()


def build_event(req: GatewayRequest) -> dict[str, Any]:
    rest = req.api.protocol == REST
    resource = req.match.route.path
    # A REST API hands the path over as the client sent it, percent-escapes and all.
    stage_path = req.raw_path if rest else unquote(req.raw_path)
    # A REST API lists the headers by name, case aside, whatever order they came in (the
    # order of a repeated header's values kept), as API Gateway's events show them.
    headers, multi_headers = _multi(sorted(req.headers, key=_name_order) if rest
                                    else req.headers)
    query, multi_query = _multi(parse_qsl(req.query_string, keep_blank_values=True))
    body, encoded = _body(req)
    event: dict[str, Any] = {} if rest else {"version": "1.0"}
    event.update({
        "resource": resource,
        "path": req.route_path if rest else stage_path,
        "httpMethod": req.method,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "requestContext": _context(req, resource, stage_path),
        "pathParameters": dict(req.match.path_parameters) or None,
        "stageVariables": req.stage_variables,
        "body": body,
        "isBase64Encoded": encoded,
    })
    return event
