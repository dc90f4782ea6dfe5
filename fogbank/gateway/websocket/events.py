"""The Lambda events of a WebSocket API: CONNECT, MESSAGE and DISCONNECT, as AWS sends them.

Each is a raw AWS dict built from a `ConnectionInfo` (what is known of the connection) and
a `Delivery` (this one request's ids and time).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from fogbank.gateway.http_protocol import header_names
from fogbank.gateway.request import continued_trace, request_time

# The reason $disconnect reports when API Gateway itself closed the connection, by close code.
_SERVER_CLOSE_REASONS = {1000: "Connection Closed Normally",   # DeleteConnection
                         1001: "Going away"}                    # idle or over-age
_NO_STATUS_REASON = "Client-side close frame status not set"     # the client's close had no code


@dataclass(frozen=True, slots=True)
class ConnectionInfo:
    connection_id: str
    api_id: str
    stage: str
    domain_name: str               # {apiId}.execute-api.{region}.amazonaws.com
    connected_at_ms: int
    source_ip: str
    user_agent: str | None
    # requestContext.authorizer: what the $connect authorizer granted (None: no authorizer)
    authorizer: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    request_id: str
    time: float                    # epoch seconds


def _context(conn: ConnectionInfo, delivery: Delivery, route_key: str, event_type: str, *,
             message_id: str | None = None,
             close: tuple[int, str] | None = None) -> dict[str, Any]:
    """The requestContext, members in AWS's order: `messageId` only for a MESSAGE, the
    close code and reason only for a DISCONNECT; `identity` holds what the handshake
    told (no user agent member when it sent none)."""
    context: dict[str, Any] = {"routeKey": route_key}
    if message_id is not None:
        context["messageId"] = message_id
    if close is not None:
        context["disconnectStatusCode"] = close[0]
    context.update(eventType=event_type, extendedRequestId=delivery.request_id,
                   requestTime=request_time(delivery.time), messageDirection="IN")
    if close is not None:
        context["disconnectReason"] = close[1]
    identity = {"userAgent": conn.user_agent} if conn.user_agent is not None else {}
    identity["sourceIp"] = conn.source_ip
    context.update(stage=conn.stage, connectedAt=conn.connected_at_ms,
                   requestTimeEpoch=int(delivery.time * 1000), identity=identity,
                   requestId=delivery.request_id, domainName=conn.domain_name,
                   connectionId=conn.connection_id, apiId=conn.api_id)
    if conn.authorizer is not None:
        context["authorizer"] = dict(conn.authorizer)
    return context


def _multi(pairs: tuple[tuple[str, str], ...]) -> tuple[dict[str, str], dict[str, list[str]]]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


def connect_event(conn: ConnectionInfo, delivery: Delivery,
                  headers: tuple[tuple[str, str], ...],
                  query: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    single, multi = _multi(headers)
    event: dict[str, Any] = {"headers": single, "multiValueHeaders": multi}
    if query:
        params, multi_params = _multi(query)
        event["queryStringParameters"] = params
        event["multiValueQueryStringParameters"] = multi_params
    event["requestContext"] = _context(conn, delivery, "$connect", "CONNECT")
    event["isBase64Encoded"] = False
    return event


def authorizer_event(conn: ConnectionInfo, delivery: Delivery,
                     headers: tuple[tuple[str, str], ...], query: tuple[tuple[str, str], ...],
                     method_arn: str, stage_variables: Mapping[str, str]) -> dict[str, Any]:
    """The REQUEST authorizer's event for a $connect: the handshake as $connect's event has
    it, empty maps included, with `type` and `methodArn` first."""
    single, multi = _multi(headers)
    params, multi_params = _multi(query)
    return {"type": "REQUEST", "methodArn": method_arn, "headers": single,
            "multiValueHeaders": multi, "queryStringParameters": params,
            "multiValueQueryStringParameters": multi_params,
            "stageVariables": dict(stage_variables),
            "requestContext": _context(conn, delivery, "$connect", "CONNECT")}


def message_event(conn: ConnectionInfo, delivery: Delivery, message_id: str, route_key: str,
                  body: str, is_base64: bool) -> dict[str, Any]:
    return {"requestContext": _context(conn, delivery, route_key, "MESSAGE",
                                       message_id=message_id),
            "body": body, "isBase64Encoded": is_base64}


def disconnect_event(conn: ConnectionInfo, delivery: Delivery, code: int,
                     reason: str) -> dict[str, Any]:
    headers = {"Host": conn.domain_name, "x-api-key": "", "X-Forwarded-For": "",
               "x-restapi": ""}
    return {"headers": headers,
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
            "requestContext": _context(conn, delivery, "$disconnect", "DISCONNECT",
                                       close=(code, reason)),
            "isBase64Encoded": False}


def client_close_reason(code: int, reason: str) -> str:
    """The disconnectReason of a close the client started: its own reason, or API Gateway's
    text when its close frame carried no status code."""
    return _NO_STATUS_REASON if code == 1005 and not reason else reason


def server_close_reason(code: int) -> str:
    """The disconnectReason of a close API Gateway started with `code`."""
    return _SERVER_CLOSE_REASONS.get(code, "")


def handshake_headers(scope: dict, delivery: Delivery) -> tuple[tuple[str, str], ...]:
    """The handshake's headers, plus those API Gateway adds (its X-Amzn-Trace-Id continues
    one the client sent, in its place)."""
    client = scope.get("client") or ("127.0.0.1", 0)
    server = scope.get("server") or ("127.0.0.1", 80)
    headers = [(name.decode("latin-1"), value.decode("latin-1"))
               for name, (key, value) in zip(header_names(scope), scope["headers"])
               if key.lower() not in (b"x-forwarded-for", b"x-amzn-trace-id")]
    headers += [("X-Amzn-Trace-Id", continued_trace(scope, delivery.time)),
                ("X-Forwarded-For", client[0]), ("X-Forwarded-Port", str(server[1])),
                ("X-Forwarded-Proto", "https" if scope.get("scheme") == "wss" else "http")]
    return tuple(headers)
