"""Bytes on the wire, as the SDK edge sees them: one request in, one response out.

The ASGI adapter (app.py) builds a `WireRequest`; protocols read it and build a
`WireResponse`. Keeping these plain lets every protocol be tested without a server.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote


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
        query = parse_qs(query_string, keep_blank_values=True)
        return cls(method.upper(), raw_path or "/", query, merged, body)


@dataclass
class WireResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
