"""What the client receives from API Gateway itself: route results and error messages."""
from __future__ import annotations

import base64
import json
from typing import Any

FORBIDDEN = "Forbidden"                          # no route matches and there is no $default
INTERNAL_ERROR = "Internal server error"         # the integration failed


def gateway_error(message: str, connection_id: str, request_id: str) -> str:
    return json.dumps({"message": message, "connectionId": connection_id,
                       "requestId": request_id})


def route_reply(payload: bytes) -> str | bytes | None:
    """The frame a two-way route sends back: a proxy result's `body` (decoded when
    `isBase64Encoded`), or the result itself when it is not proxy-shaped."""
    try:
        result: Any = json.loads(payload) if payload else None
    except ValueError:
        return payload.decode("utf-8", "replace")
    if result is None:
        return None
    if isinstance(result, dict) and ("statusCode" in result or "body" in result):
        body = result.get("body")
        if body is None:
            return None
        if not isinstance(body, str):
            return json.dumps(body)
        return base64.b64decode(body) if result.get("isBase64Encoded") else body
    return result if isinstance(result, str) else json.dumps(result)


def connect_status(payload: bytes) -> tuple[int, str | None]:
    """(HTTP status, accepted subprotocol) from a $connect result. A result without a
    status code accepts, as API Gateway does for a function that returns nothing."""
    try:
        result: Any = json.loads(payload) if payload else None
    except ValueError:
        return 502, None
    if not isinstance(result, dict) or "statusCode" not in result:
        return 200, None
    try:
        status = int(result["statusCode"])
    except (TypeError, ValueError):
        return 502, None
    headers = result.get("headers") or {}
    protocol = next((str(v) for k, v in headers.items()
                     if str(k).lower() == "sec-websocket-protocol"), None) \
        if isinstance(headers, dict) else None
    return status, protocol
