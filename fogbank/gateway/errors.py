"""The gateway's own failures and the answer each protocol gives for them.

Layers raise `GatewayError(kind)`; `GatewayApp` turns it into a response in one place.
HTTP APIs and REST APIs word the same failure differently (REST APIs use their default
gateway responses, with an `x-amzn-ErrorType` header). Each REST failure has its gateway
response type, which an API may customise (gateway_responses.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from fogbank.gateway.model import REST
from fogbank.gateway.responses import Response, json_message

NOT_FOUND = "not_found"              # no route (or no such API)
NO_STAGE = "no_stage"                # no stage serves the path
FUNCTION_ERROR = "function_error"    # the function failed or answered malformed
BAD_BINARY = "bad_binary"            # REST: a binary answer's base64 body will not decode
INVOKE_FAILED = "invoke_failed"      # the function could not be invoked
INTEGRATION_FAILED = "integration_failed"  # REST: Lambda refused the call (not a POST)
TIMEOUT = "timeout"
THROTTLED = "throttled"
TOO_LARGE = "too_large"
UNAUTHORIZED = "unauthorized"        # no identity, or the authorizer said "Unauthorized"
EXPLICIT_DENY = "explicit_deny"      # the authorizer's policy denies the method
IMPLICIT_DENY = "implicit_deny"      # its policy allows nothing that covers the method
AUTHORIZER_FAILED = "authorizer_failed"  # the authorizer failed or answered malformed
FORBIDDEN = "forbidden"              # no usable API key for a method that requires one
QUOTA_EXCEEDED = "quota_exceeded"    # the key's usage plan quota is spent for the period
BAD_BODY = "bad_body"                # REST: the body fails its model (validation.py)
BAD_PARAMETERS = "bad_parameters"    # REST: a required request parameter is missing or blank
MISCONFIGURED = "misconfigured"      # REST: a method's validator, model or template fails
UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"  # no mapping template, and no passthrough

_HTTP_API = {
    NOT_FOUND: (404, "Not Found"),
    NO_STAGE: (404, "Not Found"),
    FUNCTION_ERROR: (500, "Internal Server Error"),
    BAD_BINARY: (500, "Internal Server Error"),
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
    MISCONFIGURED: (500, "Internal Server Error"),
}
# A REST API's access-denied answers name their member "Message", and an authorizer's
# failure carries no message at all ({"message":null}), as API Gateway sends them.
_DENIED = "User is not authorized to access this resource"
_REST_API = {
    NOT_FOUND: (403, "Missing Authentication Token", "MissingAuthenticationTokenException",
                "MISSING_AUTHENTICATION_TOKEN"),
    # No stage: no deployment of the API answers, so none of its gateway responses does.
    NO_STAGE: (403, "Forbidden", "ForbiddenException", None),
    # A function's error or malformed answer has no type of its own: the 5XX default.
    FUNCTION_ERROR: (502, "Internal server error", "InternalServerErrorException",
                     "DEFAULT_5XX"),
    # Turning a function's base64 answer into bytes failed: a 500, where a malformed
    # answer is a 502, as API Gateway answers it.
    BAD_BINARY: (500, "Internal server error", "InternalServerErrorException", "DEFAULT_5XX"),
    INVOKE_FAILED: (500, "Internal server error", "InternalServerErrorException",
                    "API_CONFIGURATION_ERROR"),
    # Recorded against AWS: a 500, though INTEGRATION_FAILURE's documented default is 504.
    INTEGRATION_FAILED: (500, "Internal server error", "InternalServerErrorException",
                         "INTEGRATION_FAILURE"),
    MISCONFIGURED: (500, "Internal server error", "InternalServerErrorException",
                    "API_CONFIGURATION_ERROR"),
    TIMEOUT: (504, "Endpoint request timed out", "InternalServerErrorException",
              "INTEGRATION_TIMEOUT"),
    THROTTLED: (429, "Too Many Requests", "TooManyRequestsException", "THROTTLED"),
    TOO_LARGE: (413, "Request Too Long", "RequestTooLargeException", "REQUEST_TOO_LARGE"),
    UNAUTHORIZED: (401, "Unauthorized", "UnauthorizedException", "UNAUTHORIZED"),
    EXPLICIT_DENY: (403, _DENIED + " with an explicit deny in an identity-based policy",
                    "AccessDeniedException", "ACCESS_DENIED"),
    IMPLICIT_DENY: (403, _DENIED, "AccessDeniedException", "ACCESS_DENIED"),
    AUTHORIZER_FAILED: (500, None, "AuthorizerConfigurationException",
                        "AUTHORIZER_CONFIGURATION_ERROR"),
    FORBIDDEN: (403, "Forbidden", "ForbiddenException", "INVALID_API_KEY"),
    QUOTA_EXCEEDED: (429, "Limit Exceeded", "LimitExceededException", "QUOTA_EXCEEDED"),
    BAD_BODY: (400, "Invalid request body", "BadRequestException", "BAD_REQUEST_BODY"),
    BAD_PARAMETERS: (400, "Missing required request parameters", "BadRequestException",
                     "BAD_REQUEST_PARAMETERS"),
    UNSUPPORTED_MEDIA_TYPE: (415, "Unsupported Media Type", "UnsupportedMediaTypeException",
                             "UNSUPPORTED_MEDIA_TYPE"),
}
_CAPITALISED = frozenset({EXPLICIT_DENY, IMPLICIT_DENY})


class GatewayError(Exception):
    """`headers` go out with the answer (a JWT authorizer's `www-authenticate`); `message`
    replaces the kind's fixed one (the parameters a request is missing); `detail` is what
    a gateway response's `$context.error.validationErrorString` shows."""

    def __init__(self, kind: str, headers: tuple[tuple[bytes, bytes], ...] = (),
                 message: str | None = None, detail: str = "") -> None:
        super().__init__(kind)
        self.kind = kind
        self.headers = headers
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class RestFailure:
    """A REST API's answer to a failure before any customisation: its gateway response
    type (None: not customisable), status, message and x-amzn-ErrorType."""

    response_type: str | None
    status: int
    message: str | None
    error_type: str
    key: str = "message"          # the body's member: "Message" for access denied


def rest_failure(exc: GatewayError) -> RestFailure:
    status, message, error_type, response_type = _REST_API[exc.kind]
    return RestFailure(response_type, status, exc.message or message, error_type,
                       "Message" if exc.kind in _CAPITALISED else "message")


def error_response(protocol: str, exc: GatewayError) -> Response:
    if protocol == REST:
        failure = rest_failure(exc)
        return json_message(failure.status, failure.message,
                            ((b"x-amzn-errortype", failure.error_type.encode()),)
                            + exc.headers, key=failure.key)
    status, message = _HTTP_API[exc.kind]
    return json_message(status, message, exc.headers)


# A WebSocket handshake's answer when the $connect authorizer refuses it.
_WEBSOCKET = {UNAUTHORIZED: (401, "Unauthorized"),
              EXPLICIT_DENY: (403, _REST_API[EXPLICIT_DENY][1]),
              IMPLICIT_DENY: (403, _DENIED),
              AUTHORIZER_FAILED: (500, "Internal server error")}


def websocket_refusal(kind: str) -> tuple[int, bytes]:
    """(status, body) of a refused WebSocket handshake."""
    status, message = _WEBSOCKET[kind]
    return status, json_message(status, message).body
