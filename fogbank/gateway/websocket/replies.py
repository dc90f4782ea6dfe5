"""What the client receives from API Gateway itself: route results and error messages."""
from __future__ import annotations

import base64
import json
from typing import Any

FORBIDDEN = "Forbidden"                          # no route matches and there is no $default
INTERNAL_ERROR = "Internal server error"         # the integration failed
TIMED_OUT = "Endpoint request timed out"         # no answer within the integration timeout
THROTTLED = "Too Many Requests"                  # the stage's throttle for the route is spent


def gateway_error(message: str, connection_id: str, request_id: str) -> str:
    """API Gateway's own frame, byte for byte as it spaces it: a space after the first
    colon and after each comma, none after the later colons."""
    return (f'{{"message": {json.dumps(message)}, "connectionId":{json.dumps(connection_id)}, '
            f'"requestId":{json.dumps(request_id)}}}')


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


def connect_status(payload: bytes) -> tuple[int | None, str | None]:
    """(HTTP status, accepted subprotocol) from a $connect result; the status is None when
    the result is malformed (not JSON, or a status code that is not a whole number from
    200 to 599), which API Gateway answers as a failed integration. A result without a
    status code accepts, as API Gateway does for a function that returns nothing."""
    try:
        result: Any = json.loads(payload) if payload else None
    except ValueError:
        return None, None
    if not isinstance(result, dict) or "statusCode" not in result:
        return 200, None
    status = result["statusCode"]
    if isinstance(status, str) and status.isascii() and status.isdigit():
        status = int(status)
    if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
        return None, None
    headers = result.get("headers") or {}
    protocol = next((str(v) for k, v in headers.items()
                     if str(k).lower() == "sec-websocket-protocol"), None) \
        if isinstance(headers, dict) else None
    return status, protocol
