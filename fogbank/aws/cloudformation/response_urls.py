"""Custom resources' ResponseURLs on the edge: where a function PUTs its response object.

On AWS a ResponseURL is a presigned S3 URL of CloudFormation's bucket; here it leads to the
node (`/_cloudformation-responses/<key>?X-Amz-Signature=<token>`, deploy/providers/
custom_resources.py) and is answered as S3 answers a presigned PUT: 200 with an ETag, or
S3's error document for a signature it never gave out or a method other than PUT.
"""
from __future__ import annotations

import hashlib
from typing import Any, Awaitable, Callable, Protocol
from xml.sax.saxutils import escape

from fogbank.wire import request_head

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

# A response object is at most 4 KB; a body far past that is not read whole.
_MAX_READ = 64 * 1024


class Slots(Protocol):
    def deliver(self, token: str, body: bytes) -> bool: ...


class ResponseUrls:
    """An ASGI app for the edge's route table: `handles` claims the path, the call answers."""

    def __init__(self, slots: Slots, path_prefix: str) -> None:
        self._slots = slots
        self._prefix = path_prefix

    def handles(self, scope: Scope) -> bool:
        return scope["type"] == "http" and scope["path"].startswith(self._prefix)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        head = request_head(scope)
        if head.method != "PUT":
            await _error(send, 405, "MethodNotAllowed",
                         "The specified method is not allowed against this resource.")
            return
        body = await _body(receive)
        token = head.query_value("X-Amz-Signature") or ""
        if not self._slots.deliver(token, body):
            await _error(send, 403, "SignatureDoesNotMatch",
                         "The request signature we calculated does not match the signature "
                         "you provided. Check your key and signing method.")
            return
        etag = f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'.encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"etag", etag), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})


async def _body(receive: Receive) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        if size < _MAX_READ:
            chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _error(send: Send, status: int, code: str, message: str) -> None:
    document = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
                f"<Message>{escape(message)}</Message></Error>").encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/xml"),
                            (b"content-length", str(len(document)).encode())]})
    await send({"type": "http.response.body", "body": document})
