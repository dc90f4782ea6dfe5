"""API Gateway's calls to other AWS services for a REST API's service integrations
(gateway/service_integrations.py), made in-process on the node's own SDK endpoint: a
JSON-protocol action (DynamoDB) through the SDK app, an S3 path through the S3 app, as
requests that app would get on the wire. The gateway asks for a call and gets its status,
headers and body; it never learns what serves them.
"""
from __future__ import annotations

import time
from typing import Any, Awaitable, Callable
from urllib.parse import unquote

from fogbank.gateway.service_integrations import ServiceAnswer, ServiceRequest
from fogbank.wire import WireRequest, WireResponse

Asgi = Callable[[dict, Callable, Callable], Awaitable[None]]
# API Gateway signs its calls with the integration's role; Fogbank checks no signature, but
# S3 treats an unsigned request as anonymous, so the call carries a well-formed one.
_ACCESS_KEY = "APIGATEWAYINTEGRATION"


class ServiceCalls:
    """`ServiceCalls(sdk.handle, s3)`: the gateway's `ServiceCaller` over the SDK app's
    `handle` and the S3 ASGI app."""

    def __init__(self, sdk: Callable[[WireRequest], Awaitable[WireResponse]], s3: Asgi,
                 clock: Callable[[], float] = time.time) -> None:
        self._sdk, self._s3, self._clock = sdk, s3, clock

    async def __call__(self, call: ServiceRequest) -> ServiceAnswer:
        if call.service == "s3":
            return await self._asgi(self._s3, call)
        headers = [(name, value) for name, value in call.headers]
        request = WireRequest.build(call.method, call.path, call.query, headers, call.body)
        answer = await self._sdk(request)
        return ServiceAnswer(answer.status, tuple(answer.headers.items()), answer.body)

    def _signed(self, call: ServiceRequest) -> list[tuple[bytes, bytes]]:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(self._clock()))
        scope = f"{_ACCESS_KEY}/{stamp[:8]}/{call.region}/{call.service}/aws4_request"
        return [(b"host", f"{call.service}.{call.region}.amazonaws.com".encode()),
                (b"x-amz-date", stamp.encode()),
                (b"authorization", (f"AWS4-HMAC-SHA256 Credential={scope}, "
                                    f"SignedHeaders=host;x-amz-date, "
                                    f"Signature={'0' * 64}").encode())]

    async def _asgi(self, app: Asgi, call: ServiceRequest) -> ServiceAnswer:
        headers = [(name.lower().encode("latin-1"), value.encode("latin-1", "replace"))
                   for name, value in call.headers
                   if name.lower() not in ("host", "authorization", "content-length")]
        headers += self._signed(call)
        headers.append((b"content-length", str(len(call.body)).encode()))
        scope: dict[str, Any] = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": call.method, "scheme": "https", "path": unquote(call.path),
            "raw_path": call.path.encode("latin-1"),
            "query_string": call.query.encode("latin-1"), "headers": headers,
            "client": ("127.0.0.1", 0), "server": None}
        sent = False

        async def receive() -> dict:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": call.body, "more_body": False}

        status, answer_headers, body = 500, [], bytearray()

        async def send(message: dict) -> None:
            nonlocal status, answer_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                answer_headers = [(name.decode("latin-1"), value.decode("latin-1"))
                                  for name, value in message.get("headers", [])]
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        await app(scope, receive, send)
        return ServiceAnswer(status, tuple(answer_headers), bytes(body))
