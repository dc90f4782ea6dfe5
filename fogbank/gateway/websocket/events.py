"""The Lambda events of a WebSocket API: CONNECT, MESSAGE and DISCONNECT, as AWS sends them.

Each is a raw AWS dict built from a `ConnectionInfo` (what is known of the connection) and
a `Delivery` (this one request's ids and time).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fogbank.gateway.http_protocol import header_names
from fogbank.gateway.request import request_time, trace_id

_IDENTITY_NULLS = ("cognitoIdentityPoolId", "cognitoIdentityId", "principalOrgId",
                   "cognitoAuthenticationType", "userArn", "accountId", "caller", "accessKey",
                   "cognitoAuthenticationProvider", "user")


@dataclass(frozen=True, slots=True)
class ConnectionInfo:
    connection_id: str
    api_id: str
    stage: str
    domain_name: str               # {apiId}.execute-api.{region}.amazonaws.com
    connected_at_ms: int
    source_ip: str
    user_agent: str | None


@dataclass(frozen=True, slots=True)
class Delivery:
    request_id: str
    time: float                    # epoch seconds


def _context(conn: ConnectionInfo, delivery: Delivery, route_key: str, event_type: str,
             message_id: str | None) -> dict[str, Any]:
    return {
        "routeKey": route_key,
        "messageId": message_id,
        "eventType": event_type,
        "extendedRequestId": delivery.request_id,
        "requestTime": request_time(delivery.time),
        "messageDirection": "IN",
        "stage": conn.stage,
        "connectedAt": conn.connected_at_ms,
        "requestTimeEpoch": int(delivery.time * 1000),
        "identity": {**dict.fromkeys(_IDENTITY_NULLS), "userAgent": conn.user_agent,
                     "sourceIp": conn.source_ip},
        "requestId": delivery.request_id,
        "domainName": conn.domain_name,
        "connectionId": conn.connection_id,
        "apiId": conn.api_id,
    }


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
    event["requestContext"] = _context(conn, delivery, "$connect", "CONNECT", None)
    event["isBase64Encoded"] = False
    return event


def message_event(conn: ConnectionInfo, delivery: Delivery, route_key: str, body: str,
                  is_base64: bool) -> dict[str, Any]:
    return {"requestContext": _context(conn, delivery, route_key, "MESSAGE",
                                       delivery.request_id),
            "body": body, "isBase64Encoded": is_base64}


def disconnect_event(conn: ConnectionInfo, delivery: Delivery, code: int,
                     reason: str) -> dict[str, Any]:
    headers = {"Host": conn.domain_name, "x-api-key": "", "X-Forwarded-For": "",
               "x-restapi": ""}
    context = _context(conn, delivery, "$disconnect", "DISCONNECT", None)
    context["disconnectStatusCode"] = code
    context["disconnectReason"] = reason
    return {"headers": headers,
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
            "requestContext": context, "isBase64Encoded": False}


def handshake_headers(scope: dict, delivery: Delivery) -> tuple[tuple[str, str], ...]:
    """The handshake's headers, plus those API Gateway adds."""
    client = scope.get("client") or ("127.0.0.1", 0)
    server = scope.get("server") or ("127.0.0.1", 80)
    headers = [(name.decode("latin-1"), value.decode("latin-1"))
               for name, (key, value) in zip(header_names(scope), scope["headers"])
               if key.lower() != b"x-forwarded-for"]
    headers += [("X-Amzn-Trace-Id", trace_id(delivery.time)),
                ("X-Forwarded-For", client[0]), ("X-Forwarded-Port", str(server[1])),
                ("X-Forwarded-Proto", "https" if scope.get("scheme") == "wss" else "http")]
    return tuple(headers)
