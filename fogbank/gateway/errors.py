"""The gateway's own failures and the answer each protocol gives for them.

Layers raise `GatewayError(kind)`; `GatewayApp` turns it into a response in one place.
HTTP APIs and REST APIs word the same failure differently (REST APIs use their default
gateway responses, with an `x-amzn-ErrorType` header).
"""
from __future__ import annotations

from fogbank.gateway.model import REST
from fogbank.gateway.responses import Response, json_message

NOT_FOUND = "not_found"              # no route (or no such API)
NO_STAGE = "no_stage"                # no stage serves the path
FUNCTION_ERROR = "function_error"    # the function failed or answered malformed
INVOKE_FAILED = "invoke_failed"      # the function could not be invoked
TIMEOUT = "timeout"
THROTTLED = "throttled"
TOO_LARGE = "too_large"
UNAUTHORIZED = "unauthorized"        # no identity, or the authorizer said "Unauthorized"
EXPLICIT_DENY = "explicit_deny"      # the authorizer's policy denies the method
IMPLICIT_DENY = "implicit_deny"      # its policy allows nothing that covers the method
AUTHORIZER_FAILED = "authorizer_failed"  # the authorizer failed or answered malformed
FORBIDDEN = "forbidden"              # no usable API key for a method that requires one
QUOTA_EXCEEDED = "quota_exceeded"    # the key's usage plan quota is spent for the period

_HTTP_API = {
    NOT_FOUND: (404, "Not Found"),
    NO_STAGE: (404, "Not Found"),
    FUNCTION_ERROR: (500, "Internal Server Error"),
    INVOKE_FAILED: (500, "Internal Server Error"),
    TIMEOUT: (503, "Service Unavailable"),
    THROTTLED: (429, "Too Many Requests"),
    TOO_LARGE: (413, "Request Entity Too Large"),
    UNAUTHORIZED: (401, "Unauthorized"),
    EXPLICIT_DENY: (403, "Forbidden"),
    IMPLICIT_DENY: (403, "Forbidden"),
    AUTHORIZER_FAILED: (500, "Internal Server Error"),
    FORBIDDEN: (403, "Forbidden"),
    QUOTA_EXCEEDED: (429, "Limit Exceeded"),
}
# A REST API's access-denied answers name their member "Message", and an authorizer's
# failure carries no message at all ({"message":null}), as API Gateway sends them.
_DENIED = "User is not authorized to access this resource"
_REST_API = {
    NOT_FOUND: (403, "Missing Authentication Token", "MissingAuthenticationTokenException"),
    NO_STAGE: (403, "Forbidden", "ForbiddenException"),
    FUNCTION_ERROR: (502, "Internal server error", "InternalServerErrorException"),
    INVOKE_FAILED: (500, "Internal server error", "InternalServerErrorException"),
    TIMEOUT: (504, "Endpoint request timed out", "InternalServerErrorException"),
    THROTTLED: (429, "Too Many Requests", "TooManyRequestsException"),
    TOO_LARGE: (413, "Request Too Long", "RequestTooLargeException"),
    UNAUTHORIZED: (401, "Unauthorized", "UnauthorizedException"),
    EXPLICIT_DENY: (403, _DENIED + " with an explicit deny in an identity-based policy",
                    "AccessDeniedException"),
    IMPLICIT_DENY: (403, _DENIED, "AccessDeniedException"),
    AUTHORIZER_FAILED: (500, None, "AuthorizerConfigurationException"),
    FORBIDDEN: (403, "Forbidden", "ForbiddenException"),
    QUOTA_EXCEEDED: (429, "Limit Exceeded", "LimitExceededException"),
}
_CAPITALISED = frozenset({EXPLICIT_DENY, IMPLICIT_DENY})


class GatewayError(Exception):
    """`headers` go out with the answer (a JWT authorizer's `www-authenticate`)."""

    def __init__(self, kind: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
        super().__init__(kind)
        self.kind = kind
        self.headers = headers


def error_response(protocol: str, kind: str,
                   headers: tuple[tuple[bytes, bytes], ...] = ()) -> Response:
    if protocol == REST:
        status, message, error_type = _REST_API[kind]
        return json_message(status, message,
                            ((b"x-amzn-errortype", error_type.encode()),) + headers,
                            key="Message" if kind in _CAPITALISED else "message")
    status, message = _HTTP_API[kind]
    return json_message(status, message, headers)


# A WebSocket handshake's answer when the $connect authorizer refuses it.
_WEBSOCKET = {UNAUTHORIZED: (401, "Unauthorized"),
              EXPLICIT_DENY: (403, _REST_API[EXPLICIT_DENY][1]),
              IMPLICIT_DENY: (403, _DENIED),
              AUTHORIZER_FAILED: (500, "Internal server error")}


def websocket_refusal(kind: str) -> tuple[int, bytes]:
    """(status, body) of a refused WebSocket handshake."""
    status, message = _WEBSOCKET[kind]
    return status, json_message(status, message).body
