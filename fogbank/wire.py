"""Bytes on the wire, as the edge and the wire layers see them: one request in, one response out.

The ASGI adapters build a `WireRequest` (`request_head`); protocols read it and build a
`WireResponse`. Keeping these plain lets every protocol be tested without a server.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

# Where `request_head` keeps its parse in the ASGI scope: the edge's route predicates and
# the app that serves the request read one parse instead of one each.
_HEAD = "fogbank.request_head"


@dataclass(frozen=True)
class WireRequest:
    method: str
    raw_path: str                               # percent-encoded, as sent
    query: dict[str, list[str]]                 # decoded keys and values, blank kept
    headers: dict[str, str]                     # lower-case names; repeats joined by ","
    body: bytes = b""

    @property
    def path(self) -> str:
        return unquote(self.raw_path)

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def query_value(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    @classmethod
    def build(cls, method: str, raw_path: str, query_string: str,
              headers: list[tuple[str, str]], body: bytes) -> WireRequest:
        merged: dict[str, str] = {}
        for name, value in headers:
            key = name.lower()
            merged[key] = f"{merged[key]},{value}" if key in merged else value
        query = parse_qs(query_string, keep_blank_values=True) if query_string else {}
        return cls(method.upper(), raw_path or "/", query, merged, body)

    def with_body(self, body: bytes) -> WireRequest:
        return WireRequest(self.method, self.raw_path, self.query, self.headers, body)


def request_head(scope: dict[str, Any]) -> WireRequest:
    """An HTTP or WebSocket scope's request line and headers, without the body; parsed once
    per scope."""
    head = scope.get(_HEAD)
    if head is None:
        raw = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        merged: dict[str, str] = {}
        for name, value in scope["headers"]:       # ASGI names are lower-case already
            key, text = name.decode("latin-1"), value.decode("latin-1")
            merged[key] = f"{merged[key]},{text}" if key in merged else text
        query = scope.get("query_string", b"").decode("latin-1")
        head = scope[_HEAD] = WireRequest(
            scope.get("method", "GET").upper(), raw.split("?", 1)[0] or "/",
            parse_qs(query, keep_blank_values=True) if query else {}, merged)
    return head


def host_header(scope: dict[str, Any]) -> str:
    """The Host header as sent ("" when absent)."""
    return request_head(scope).headers.get("host", "")


def with_path(scope: dict[str, Any], raw_path: bytes, path: str) -> dict[str, Any]:
    """A copy of `scope` addressed to another path (its parsed head dropped with the old one)."""
    copy = {**scope, "raw_path": raw_path, "path": path}
    copy.pop(_HEAD, None)
    return copy


@dataclass
class WireResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
