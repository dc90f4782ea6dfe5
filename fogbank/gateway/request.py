"""An API request as the event builders need it, read from plain ASGI.

`GatewayRequest` is everything both payload formats are built from; `read_body` reads the
body with API Gateway's 10 MB limit; `forwarded_headers` adds the headers API Gateway
(and, in front of an edge-optimized REST API, CloudFront) adds before it calls an
integration, and takes away those a REST API never passes on; `continued_trace` is the
X-Amzn-Trace-Id the integration is handed.
"""
from __future__ import annotations

import base64
import functools
import re
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping

from fogbank.gateway.cloudfront import CloudFront
from fogbank.gateway.http_protocol import header_names
from fogbank.gateway.model import Api, Stage
from fogbank.ids import random_bytes, trace_id
from fogbank.gateway.routing import Match

MAX_BODY_BYTES = 10 * 1024 * 1024      # API Gateway's payload quota (HTTP and REST APIs)

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
           "Dec")


class BodyTooLarge(Exception):
    pass


class ClientDisconnected(Exception):
    pass


@dataclass(frozen=True)
class GatewayRequest:
    api: Api
    stage: Stage
    match: Match
    method: str
    raw_path: str                            # after the API part, stage included
    route_path: str                          # within the stage: what routes match
    query_string: str                        # raw, without "?"
    headers: tuple[tuple[str, str], ...]     # in arrival order; see forwarded_headers
    body: bytes
    source_ip: str
    protocol: str                            # "HTTP/1.1"
    domain_name: str
    domain_prefix: str
    request_id: str                          # REST: a UUID; HTTP: a short id
    extended_request_id: str                 # short id (HTTP APIs: same as request_id)
    time: float                              # epoch seconds
    trace: str = ""                          # the X-Amzn-Trace-Id handed to the integration
    # requestContext.authorizer: what the route's authorizer granted (None: no authorizer)
    authorizer: Mapping[str, Any] | None = None
    # The API key a Lambda authorizer named (`usageIdentifierKey`), for AUTHORIZER key sources
    usage_key: str | None = None
    # (id, value) of the API key a key-requiring method was called with (usage_plans.py)
    api_key: tuple[str, str] | None = None

    def header(self, lowered: str) -> str:
        """The first value of the header named `lowered` (in lower case), or ""."""
        for name, value in self.headers:
            if name.lower() == lowered:
                return value
        return ""

    @property
    def content_type(self) -> str:
        return self.header("content-type")

    @property
    def user_agent(self) -> str:
        return self.header("user-agent")

    @property
    def stage_variables(self) -> Mapping[str, str] | None:
        return dict(self.stage.variables) or None


async def read_body(receive: Callable[[], Awaitable[dict]],
                    limit: int = MAX_BODY_BYTES) -> bytes:
    message = await receive()
    if message["type"] == "http.disconnect":
        raise ClientDisconnected()
    body = message.get("body", b"")
    if not message.get("more_body"):
        if len(body) > limit:
            raise BodyTooLarge()
        return body
    chunks, size = [body], len(body)
    while message.get("more_body"):
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnected()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def declared_length(headers: list[tuple[bytes, bytes]]) -> int:
    for name, value in headers:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


# Request headers a REST API drops before its integration (a Lambda proxy event never
# shows them), as API Gateway's recorded events show.
_DROPPED_BY_REST = frozenset({
    b"connection", b"content-length", b"content-md5", b"expect", b"max-forwards",
    b"proxy-authenticate", b"server", b"te", b"trailer", b"transfer-encoding", b"upgrade",
    b"www-authenticate"})
# Names a REST API's event spells its own way whatever the client sent ("authorization" and
# "aUThorization" both arrive as "Authorization"); any other name keeps the client's spelling.
_REST_SPELLING = {name.lower().encode(): name.encode() for name in (
    "Accept", "Accept-Encoding", "Accept-Language", "Authorization", "Host", "User-Agent")}
_TRACE_ROOT = re.compile(r"(?:^|;)\s*Root=1-[0-9a-fA-F]{8}-[0-9a-fA-F]{24}\s*(?:;|$)")


def continued_trace(scope: dict, epoch: float) -> str:
    """The X-Amzn-Trace-Id handed to the integration: the client's, when it sent one with a
    Root (with a Parent added when it named none, as API Gateway continues a trace), else a
    new one."""
    for name, value in scope["headers"]:
        if name.lower() == b"x-amzn-trace-id":
            sent = value.decode("latin-1").strip()
            if not _TRACE_ROOT.search(sent):
                break
            if "parent=" in sent.lower():
                return sent
            parts = [part.strip() for part in sent.split(";") if part.strip()]
            at = next(i for i, part in enumerate(parts) if part.startswith("Root="))
            parts.insert(at + 1, f"Parent={random_bytes(8).hex()}")
            return ";".join(parts)
    return trace_id(epoch)


def forwarded_headers(scope: dict, source_ip: str, trace: str, *, spelled: bool,
                      edge: CloudFront | None = None) -> tuple[tuple[str, str], ...]:
    """The client's headers plus X-Forwarded-For/-Port/-Proto and X-Amzn-Trace-Id (`trace`,
    in place of any the client sent), which API Gateway adds (appending the client address
    to an X-Forwarded-For already sent). A REST API (`spelled`) passes names as the client
    spelled them, but for the few it spells its own way, and drops the connection-level
    ones; an HTTP API lower-cases them.
    An edge-optimized REST API is reached through CloudFront (`edge`): its headers come
    too, and the node's own address stands for CloudFront's as the last X-Forwarded-For hop."""
    headers = []
    forwarded_for = source_ip
    names = header_names(scope) if spelled else (name.lower() for name, _ in scope["headers"])
    for name, (key, value) in zip(names, scope["headers"]):
        text = value.decode("latin-1")
        key = key.lower()
        if key == b"x-forwarded-for":
            forwarded_for = f"{text}, {source_ip}"
            continue
        if key == b"x-amzn-trace-id" or (spelled and key in _DROPPED_BY_REST):
            continue
        if spelled:
            name = _REST_SPELLING.get(key, name)
        headers.append((name.decode("latin-1"), text))
    server = scope.get("server") or ("127.0.0.1", 80)
    scheme = scope.get("scheme", "http")
    if edge is not None:
        headers = edge.forward(headers, scheme, scope.get("http_version", "1.1"))
        forwarded_for = f"{forwarded_for}, {server[0]}"
    added = (("X-Amzn-Trace-Id", trace), ("X-Forwarded-For", forwarded_for),
             ("X-Forwarded-Port", str(server[1])), ("X-Forwarded-Proto", scheme))
    headers.extend(added if spelled else ((name.lower(), value) for name, value in added))
    return tuple(headers)


def with_authorizer(context: dict[str, Any], authorizer: Mapping[str, Any]
                    ) -> dict[str, Any]:
    """A requestContext with `authorizer` where AWS puts it: after accountId and apiId."""
    head = {"accountId": context.pop("accountId"), "apiId": context.pop("apiId"),
            "authorizer": authorizer}
    return {**head, **context}


def request_time(epoch: float) -> str:
    """"12/Mar/2020:19:03:58 +0000", the format of requestContext time/requestTime
    (month names fixed in English, whatever the locale)."""
    return _second(int(epoch))


@functools.lru_cache(maxsize=4)      # requests in the same second share the text
def _second(epoch: int) -> str:
    t = time.gmtime(epoch)
    return (f"{t.tm_mday:02d}/{_MONTHS[t.tm_mon - 1]}/{t.tm_year}:"
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000")


def short_request_id() -> str:
    """An id shaped like HTTP APIs' requestId and REST APIs' extendedRequestId."""
    return base64.b64encode(random_bytes(11)).decode()

