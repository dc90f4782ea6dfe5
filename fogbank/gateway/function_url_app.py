"""`FunctionUrlApp`: the ASGI app serving Lambda function URLs.

One request passes: address (function_urls.py) → AuthType AWS_IAM's signature check →
CORS preflight (cors.py, answered without the function) → the payload-2.0 event
(event_v2.py, as an HTTP API's `$default` route builds it) → invoke, waited for as long
as the function may run → response mapping → CORS headers. Unlike an HTTP API, a function
URL answers a result without `statusCode` with the value itself (a string unquoted, any
other JSON compact) and types every answer `application/json` unless the function says
otherwise; a function error is a bare 502. Requests and results are bounded by Lambda's
6 MB synchronous payload. Failures before the function are answered as Lambda's URL
front end answers them.
"""
from __future__ import annotations

import json
import logging
import time
from typing import Awaitable, Callable

import orjson

from fogbank.aws.sigv4 import credential_scope
from fogbank.edge import lifespan
from fogbank.gateway import cors, event_v2
from fogbank.gateway.app import send_response
from fogbank.gateway.function_urls import (AWS_IAM, RESPONSE_STREAM, FunctionUrl,
                                           FunctionUrlRegistry, UrlAddress, address_of)
from fogbank.gateway.request import (BodyTooLarge, ClientDisconnected, GatewayRequest,
                                     continued_trace, declared_length, forwarded_headers,
                                     read_body)
from fogbank.gateway.responses import MalformedResponse, Response, from_v2
from fogbank.ids import request_uuid
from fogbank.types import (INVOKE_FUNCTION_URL, AwsError, InvokeSource, Invoker,
                           NotPermitted, ResourceNotFound, TooManyRequests)
from fogbank.wire import request_head

log = logging.getLogger(__name__)

MAX_PAYLOAD_BYTES = 6 * 1024 * 1024     # Lambda's synchronous invocation payload quota
_JSON = (b"content-type", b"application/json")
_FORBIDDEN_MESSAGE = ("Forbidden. For troubleshooting Function URL authorization issues, see: "
                      "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html")

Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


class Refused(Exception):
    """A request answered without (or instead of) the function's result."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def _refusal(status: int, error_type: str, message: str | None) -> Response:
    body = json.dumps({"Message": message}, separators=(",", ":")).encode()
    return Response(status, (_JSON, (b"x-amzn-errortype", error_type.encode())), body)


FORBIDDEN = _refusal(403, "AccessDeniedException", _FORBIDDEN_MESSAGE)
# A url id no URL has: Lambda's front end knows nothing to name.
UNKNOWN_URL = _refusal(403, "AccessDeniedException", None)
TOO_LARGE = _refusal(413, "RequestEntityTooLargeException",
                     f"Request must be smaller than {MAX_PAYLOAD_BYTES} bytes for the "
                     "InvokeFunction operation")
THROTTLED = _refusal(429, "TooManyRequestsException", "Rate Exceeded.")
FUNCTION_FAILED = Response(502, ((b"content-type", b"text/plain; charset=utf-8"),),
                           b"Internal Server Error")


def url_response(payload: bytes) -> Response:
    """A BUFFERED URL's answer for a function's result."""
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError:
        raise MalformedResponse("not JSON") from None
    if isinstance(data, dict) and "statusCode" in data:
        return from_v2(payload, default_type="application/json")
    body = data.encode("utf-8") if isinstance(data, str) else orjson.dumps(data)
    return Response(200, (_JSON,), body)


def iam_identity(scope: dict, account_id: str) -> dict:
    """requestContext.authorizer of a request signed for Lambda (any signature is taken:
    Fogbank has no IAM); an unsigned one, or one signed for another service, is refused."""
    try:
        signed = credential_scope(request_head(scope))
    except AwsError:                         # a malformed Authorization header
        raise Refused(FORBIDDEN) from None
    if signed is None or signed.service != "lambda":
        raise Refused(FORBIDDEN)
    return {"iam": {"accessKey": signed.access_key, "accountId": account_id,
                    "callerId": account_id, "cognitoIdentity": None,
                    "principalOrgId": None, "userArn": f"arn:aws:iam::{account_id}:root",
                    "userId": account_id}}


def _caller(url: FunctionUrl) -> InvokeSource | None:
    """Who calls a URL, as the function's policy must allow it: for AuthType NONE anyone
    (a statement for principal "*", lambda:InvokeFunctionUrl, FunctionUrlAuthType NONE;
    SAM's FunctionUrlConfig adds it). An AWS_IAM URL's signed caller is the account itself,
    which Fogbank, having no IAM, never asks about."""
    if url.auth_type == AWS_IAM:
        return None
    return InvokeSource("*", action=INVOKE_FUNCTION_URL, url_auth_type=url.auth_type)


class FunctionUrlApp:
    """Serves the URLs in `urls`, invoking functions through `invoke`; `clock` gives epoch
    seconds for request times."""

    def __init__(self, urls: FunctionUrlRegistry, invoke: Invoker, *,
                 clock: Callable[[], float] = time.time,
                 max_payload_bytes: int = MAX_PAYLOAD_BYTES) -> None:
        self._urls = urls
        self._invoke = invoke
        self._clock = clock
        self._max_payload = max_payload_bytes

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1008})
            return
        request_id, trace = request_uuid(), continued_trace(scope, self._clock())
        try:
            response = await self._serve(scope, receive, request_id, trace)
        except Refused as refused:
            response = refused.response
        except ClientDisconnected:            # nobody is left to answer
            return
        stamp = ((b"x-amzn-requestid", request_id.encode()),
                 (b"x-amzn-trace-id", trace.encode()))
        await send_response(send, Response(response.status, response.headers + stamp,
                                           response.body))

    async def _serve(self, scope: dict, receive: Receive, request_id: str,
                     trace: str) -> Response:
        address = address_of(scope)
        url = self._urls.get(address.url_id) if address else None
        if address is None or url is None:
            raise Refused(UNKNOWN_URL)
        if url.orphaned:            # its alias is gone: nothing may call it any more
            raise Refused(FORBIDDEN)
        authorizer = iam_identity(scope, url.account_id) if url.auth_type == AWS_IAM else None
        head = request_head(scope)
        origin = head.header("origin")
        if url.cors is not None:
            requested = head.header("access-control-request-method")
            if cors.is_preflight(head.method, origin, requested):
                return cors.preflight(url.cors, origin or "", requested or "",
                                      head.header("access-control-request-headers"))
        if declared_length(scope["headers"]) > self._max_payload:
            raise Refused(TOO_LARGE)
        try:
            body = await read_body(receive, self._max_payload)
        except BodyTooLarge:
            raise Refused(TOO_LARGE) from None
        request = self._request(url, address, scope, body, request_id, trace, authorizer)
        payload = orjson.dumps(event_v2.build_event(request))
        if len(payload) > self._max_payload:       # the body grew by base64 and the envelope
            raise Refused(TOO_LARGE)
        response = await self._integrate(url, payload, request_id, trace)
        return response if url.cors is None else cors.decorate(url.cors, origin, response)

    def _request(self, url: FunctionUrl, address: UrlAddress, scope: dict, body: bytes,
                 request_id: str, trace: str, authorizer: dict | None) -> GatewayRequest:
        client = scope.get("client") or ("127.0.0.1", 0)
        # Reached by its own name, a URL's domain is the Host without the port; by the
        # node's address, it is the name the URL has on this machine.
        domain = (address.host.rsplit(":", 1)[0] if address.host_based
                  else f"{url.url_id}.lambda-url.localhost")
        # Lambda's front end ends the client's connection: its Connection header does not
        # reach the function.
        headers = tuple(header for header in
                        forwarded_headers(scope, client[0], trace, spelled=False)
                        if header[0] != "connection")
        return GatewayRequest(
            api=url.api, stage=url.stage, match=url.match, method=scope["method"],
            raw_path=address.raw_path, route_path=address.raw_path,
            query_string=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=body, source_ip=client[0],
            protocol=f"HTTP/{scope.get('http_version', '1.1')}", domain_name=domain,
            domain_prefix=url.url_id, request_id=request_id, extended_request_id=request_id,
            time=self._clock(), trace=trace, authorizer=authorizer)

    async def _integrate(self, url: FunctionUrl, payload: bytes, request_id: str,
                         trace: str) -> Response:
        try:
            result = await self._invoke(url.target, payload, trace_header=trace,
                                        request_id=request_id, source=_caller(url))
        except TooManyRequests:
            raise Refused(THROTTLED) from None
        except (ResourceNotFound, NotPermitted):  # its function or alias is gone, or its
            raise Refused(FORBIDDEN) from None    # policy lets nobody call the URL
        except AwsError as exc:
            log.warning("Function URL %s could not invoke %s: %s", url.url_id, url.target, exc)
            raise Refused(FUNCTION_FAILED) from None
        if result.function_error:
            raise Refused(FUNCTION_FAILED)
        if url.invoke_mode == RESPONSE_STREAM:
            # A streamed URL passes a (non-streaming) handler's result on as it is.
            return Response(200, ((b"content-type", b"application/octet-stream"),),
                            result.payload)
        try:
            return url_response(result.payload)
        except MalformedResponse as exc:
            log.warning("Malformed function URL response from %s (%s)", url.target, exc)
            raise Refused(FUNCTION_FAILED) from None
