"""From a function's result to the HTTP response API Gateway sends back.

Payload 2.0: a JSON object with `statusCode` is a structured response (headers,
cookies → one Set-Cookie each, body, isBase64Encoded; `multiValueHeaders` is not part of
2.0 and is ignored, as AWS does); any other JSON value is the body of a 200 with
content-type application/json (a string's text, unquoted), but for an object with an
`errorMessage`, which API Gateway answers 500 as it does a function error. Payload 1.0:
`headers` and `multiValueHeaders` merge, the multi-value entry winning for a name in both. A REST API takes a missing `statusCode` as
200 and refuses any key beyond the five of the proxy response; an HTTP API's 1.0 form
needs `statusCode`. A missing Content-Type defaults to text/plain (HTTP APIs) or
application/json (REST APIs). Framing headers are the gateway's: an HTTP API drops a
function's, a REST API passes the ones it sets itself on as `x-amzn-Remapped-<name>`.
An HTTP API decodes every `isBase64Encoded` body; a REST API only when the client asks for
one of its binary media types (`answers_binary`), else the client gets the base64 text.
Anything else is a `MalformedResponse` (`UndecodableBody` when base64 text will not decode).
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Iterable

import orjson

Headers = tuple[tuple[bytes, bytes], ...]

# Framing headers are the gateway's to set, never the function's.
_HOP_BY_HOP = frozenset({"content-length", "transfer-encoding", "connection"})
# A REST API keeps a function's value of the headers it sets itself under another name
# (Content-Length: 3 arrives as x-amzn-Remapped-Content-Length: 3), as API Gateway answers.
_REMAPPED_BY_REST = frozenset({"connection", "content-length", "date", "server",
                               "x-amzn-requestid"})
_REMAPPED = "x-amzn-remapped-"
HTTP_DEFAULT_TYPE = "text/plain; charset=utf-8"
REST_DEFAULT_TYPE = "application/json"


# The keys of a REST API's Lambda proxy response; any other key makes it malformed.
_V1_KEYS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})


class MalformedResponse(Exception):
    pass


class UndecodableBody(MalformedResponse):
    """An `isBase64Encoded` body that is not base64 (a REST API answers it 500, not 502)."""


def answers_binary(accept: str, binary_media_types: tuple[str, ...]) -> bool:
    """Whether a REST API turns a function's base64 body into bytes: when the first type the
    client's Accept names is one of the API's binary media types, whatever the answer's
    Content-Type, as API Gateway decides. A type matches exactly, or by a "type/*" pattern,
    and "*/*" matches every type; a type with a wildcard on the left ("*/png") matches
    nothing, and an Accept of "*/*" or "image/*" matches only a binary media type that says
    just that."""
    first = accept.split(",", 1)[0].split(";", 1)[0].strip().lower()
    if "/" not in first:
        return False
    for pattern in binary_media_types:
        pattern = pattern.strip().lower()
        if pattern == "*/*":
            return True
        if pattern.startswith("*/"):          # never matches, not even "*/png" itself
            continue
        if pattern == first or (pattern.endswith("/*") and first.startswith(pattern[:-1])):
            return True
    return False


@dataclass(frozen=True)
class Response:
    status: int
    headers: Headers
    body: bytes


def _status(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise MalformedResponse("statusCode")
    try:
        status = int(value)
    except ValueError:
        raise MalformedResponse("statusCode") from None
    if not 100 <= status <= 599:
        raise MalformedResponse("statusCode")
    return status


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise MalformedResponse("header value")


def _body(data: dict, decode: bool = True) -> bytes:
    """`decode`: turn an `isBase64Encoded` body into its bytes (else pass the text on)."""
    body = data.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise MalformedResponse("body")
    if decode and data.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise UndecodableBody("body") from None
    return body.encode("utf-8")


def _add(headers: list[tuple[bytes, bytes]], name: str, value: str, rest: bool = False
         ) -> None:
    """`rest`: remap the headers a REST API sets itself rather than drop them."""
    name = name.lower()
    if rest and name in _REMAPPED_BY_REST:
        name = _REMAPPED + name
    elif name in _HOP_BY_HOP:
        return
    headers.append((name.encode("latin-1"), value.encode("latin-1", "replace")))


def passed_headers(pairs: Iterable[tuple[str, str]], rest: bool = False
                   ) -> list[tuple[bytes, bytes]]:
    """An HTTP endpoint's headers as the gateway passes them on: framing dropped, and the
    ones a REST API (`rest`) sets itself remapped."""
    headers: list[tuple[bytes, bytes]] = []
    for name, value in pairs:
        _add(headers, name, value, rest)
    return headers


def _single_headers(data: dict, skip: frozenset[str] = frozenset(), rest: bool = False
                    ) -> list[tuple[bytes, bytes]]:
    given = data.get("headers") or {}
    if not isinstance(given, dict):
        raise MalformedResponse("headers")
    headers: list[tuple[bytes, bytes]] = []
    for name, value in given.items():
        if value is not None and name.lower() not in skip:
            _add(headers, name, _text(value), rest)
    return headers


def _with_default_type(headers: list[tuple[bytes, bytes]], default: str) -> Headers:
    if not any(name == b"content-type" for name, _ in headers):
        headers.append((b"content-type", default.encode()))
    return tuple(headers)


def _load(payload: bytes) -> Any:
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        raise MalformedResponse("not JSON") from None


def from_v2(payload: bytes, default_type: str = HTTP_DEFAULT_TYPE) -> Response:
    """`default_type`: the Content-Type of a structured response that names none."""
    data = _load(payload)
    if isinstance(data, dict) and "statusCode" not in data:
        if "errorMessage" in data:
            # Shaped like a function's error report: API Gateway answers it as one (500),
            # though the function returned it.
            raise MalformedResponse("errorMessage")
        return Response(200, ((b"content-type", b"application/json"),), payload)
    if not isinstance(data, dict):
        # A string is the body as it is, not its JSON ("null" answers null, unquoted).
        body = data.encode("utf-8") if isinstance(data, str) else payload
        return Response(200, ((b"content-type", b"application/json"),), body)
    headers = _single_headers(data)
    cookies = data.get("cookies") or []
    if not isinstance(cookies, list):
        raise MalformedResponse("cookies")
    for cookie in cookies:
        _add(headers, "set-cookie", _text(cookie))
    return Response(_status(data["statusCode"]), _with_default_type(headers, default_type),
                    _body(data))


def from_v1(payload: bytes, default_type: str, *, rest: bool = False,
            binary: bool = True) -> Response:
    """`rest`: read as a REST API does, where every key is optional but none is unknown;
    `binary`: decode an `isBase64Encoded` body (see `answers_binary`)."""
    data = _load(payload)
    if not isinstance(data, dict):
        raise MalformedResponse("not a proxy response")
    if rest:
        if not data.keys() <= _V1_KEYS:
            raise MalformedResponse("unknown key")
    elif "statusCode" not in data:
        raise MalformedResponse("statusCode")
    multi = data.get("multiValueHeaders") or {}
    if not isinstance(multi, dict):
        raise MalformedResponse("multiValueHeaders")
    lowered = frozenset(name.lower() for name in multi)
    headers = _single_headers(data, skip=lowered, rest=rest)
    for name, values in multi.items():
        if not isinstance(values, list):
            raise MalformedResponse("multiValueHeaders")
        for value in values:
            _add(headers, name, _text(value), rest)
    return Response(_status(data.get("statusCode", 200)),
                    _with_default_type(headers, default_type), _body(data, binary))


def json_message(status: int, message: str | None, extra: Headers = (),
                 key: str = "message") -> Response:
    """API Gateway's own error answer: `{"message":"…"}` (some name it "Message")."""
    body = json.dumps({key: message}, separators=(",", ":")).encode()
    return Response(status, ((b"content-type", b"application/json"),) + extra, body)
