"""CORS for HTTP APIs, from the API's CorsConfiguration.

With CORS configured, API Gateway answers preflight requests itself (whatever the routes)
and, for a request from an allowed origin, adds the CORS headers to the integration's
response, replacing any the function set. REST APIs have no gateway CORS: SAM expands
their `Cors` into OPTIONS routes with mock integrations, served like any route.
"""
from __future__ import annotations

import fnmatch

from fogbank.gateway.model import Cors
from fogbank.gateway.responses import Headers, Response


def _allowed_origin(cors: Cors, origin: str) -> str | None:
    if "*" in cors.allow_origins:
        return "*"
    lowered = origin.lower()
    for allowed in cors.allow_origins:
        if fnmatch.fnmatchcase(lowered, allowed.lower()):
            return origin
    return None


def is_preflight(method: str, origin: str | None, requested_method: str | None) -> bool:
    return method == "OPTIONS" and origin is not None and requested_method is not None


def preflight(cors: Cors, origin: str, requested_method: str,
              requested_headers: str | None) -> Response:
    allow = _allowed_origin(cors, origin)
    if allow is None:
        return Response(204, (), b"")
    headers = [(b"access-control-allow-origin", allow.encode("latin-1"))]
    if cors.allow_methods:
        methods = (requested_method if "*" in cors.allow_methods
                   else ",".join(cors.allow_methods))
        headers.append((b"access-control-allow-methods", methods.encode("latin-1")))
    if cors.allow_headers:
        allowed = (requested_headers or "" if "*" in cors.allow_headers
                   else ",".join(cors.allow_headers))
        if allowed:
            headers.append((b"access-control-allow-headers", allowed.encode("latin-1")))
    if cors.max_age is not None:
        headers.append((b"access-control-max-age", str(cors.max_age).encode()))
    if cors.allow_credentials:
        headers.append((b"access-control-allow-credentials", b"true"))
    return Response(204, tuple(headers), b"")


def decorate(cors: Cors, origin: str | None, response: Response) -> Response:
    """The integration's response with the configured CORS headers in place of its own."""
    kept = tuple((name, value) for name, value in response.headers
                 if not name.startswith(b"access-control-"))
    allow = _allowed_origin(cors, origin) if origin is not None else None
    if allow is None:
        return Response(response.status, kept, response.body)
    added: Headers = ((b"access-control-allow-origin", allow.encode("latin-1")),)
    if cors.expose_headers:
        added += ((b"access-control-expose-headers",
                   ",".join(cors.expose_headers).encode("latin-1")),)
    if cors.allow_credentials:
        added += ((b"access-control-allow-credentials", b"true"),)
    return Response(response.status, kept + added, response.body)
