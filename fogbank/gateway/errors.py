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

_HTTP_API = {
    NOT_FOUND: (404, "Not Found"),
    NO_STAGE: (404, "Not Found"),
    FUNCTION_ERROR: (500, "Internal Server Error"),
    INVOKE_FAILED: (500, "Internal Server Error"),
    TIMEOUT: (503, "Service Unavailable"),
    THROTTLED: (429, "Too Many Requests"),
    TOO_LARGE: (413, "Request Entity Too Large"),
}
_REST_API = {
    NOT_FOUND: (403, "Missing Authentication Token", "MissingAuthenticationTokenException"),
    NO_STAGE: (403, "Forbidden", "ForbiddenException"),
    FUNCTION_ERROR: (502, "Internal server error", "InternalServerErrorException"),
    INVOKE_FAILED: (500, "Internal server error", "InternalServerErrorException"),
    TIMEOUT: (504, "Endpoint request timed out", "InternalServerErrorException"),
    THROTTLED: (429, "Too Many Requests", "TooManyRequestsException"),
    TOO_LARGE: (413, "Request Too Long", "RequestTooLargeException"),
}


class GatewayError(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def error_response(protocol: str, kind: str) -> Response:
    if protocol == REST:
        status, message, error_type = _REST_API[kind]
        return json_message(status, message, ((b"x-amzn-errortype", error_type.encode()),))
    status, message = _HTTP_API[kind]
    return json_message(status, message)
