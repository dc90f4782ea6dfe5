"""The payload format 2.0 event HTTP APIs send to Lambda.

Keys AWS leaves out when empty (cookies, queryStringParameters, pathParameters,
stageVariables, body) are left out here too. Header names are lower-case; repeated
headers and query parameters are joined with commas; Cookie headers move to `cookies`.
"""
from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qsl, unquote

from fogbank.gateway.request import GatewayRequest, request_time, with_authorizer

# Bodies of these types reach the function as text; any other type is base64-encoded
# (as AWS does, which also encodes form posts).
_TEXT_SUBTYPES = ("json", "xml", "javascript")


def is_text(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    if not media:
        return True
    kind, _, subtype = media.partition("/")
    if kind == "text":
        return True
    return kind == "application" and any(
        subtype == name or subtype.endswith("+" + name) for name in _TEXT_SUBTYPES)


def encode_body(body: bytes, textual: bool) -> tuple[str, bool]:
    """(body, isBase64Encoded): text when the type is text and the bytes are UTF-8."""
    if textual:
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True


def _headers_and_cookies(req: GatewayRequest) -> tuple[dict[str, str], list[str]]:
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in req.headers:
        if name == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
        elif name in headers:
            headers[name] = f"{headers[name]},{value}"
        else:
            headers[name] = value
    return headers, cookies


def query_parameters(query_string: str) -> dict[str, str]:
    """The query's parameters, repeated names' values joined with commas."""
    params: dict[str, str] = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        params[name] = f"{params[name]},{value}" if name in params else value
    return params


def build_event(req: GatewayRequest) -> dict[str, Any]:
    headers, cookies = _headers_and_cookies(req)
    route_key = req.match.route.key
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": req.raw_path,
        "rawQueryString": req.query_string,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    query = query_parameters(req.query_string)
    if query:
        event["queryStringParameters"] = query
    context: dict[str, Any] = {
        "accountId": req.api.account_id,
        "apiId": req.api.api_id,
        "domainName": req.domain_name,
        "domainPrefix": req.domain_prefix,
        "http": {
            "method": req.method,
            "path": unquote(req.raw_path),
            "protocol": req.protocol,
            "sourceIp": req.source_ip,
            "userAgent": req.user_agent,
        },
        "requestId": req.request_id,
        "routeKey": route_key,
        "stage": req.stage.name,
        "time": request_time(req.time),
        "timeEpoch": int(req.time * 1000),
    }
    event["requestContext"] = context if req.authorizer is None else with_authorizer(
        context, req.authorizer)
    if req.body:
        event["body"], event["isBase64Encoded"] = encode_body(req.body,
                                                              is_text(req.content_type))
    else:
        event["isBase64Encoded"] = False
    if req.match.path_parameters:
        event["pathParameters"] = dict(req.match.path_parameters)
    if req.stage_variables:
        event["stageVariables"] = req.stage_variables
    return event
