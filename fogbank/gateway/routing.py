"""Route selection: which route of an API serves `METHOD /path`, and its path parameters.

API Gateway picks the most specific match. HTTP APIs: a route without a greedy variable
beats one with `{proxy+}`, which beats `$default`. REST APIs walk the resource tree, so a
literal path part beats a `{variable}` beats a `{greedy+}`, leftmost part first. In both a
route for the request's method beats `ANY` on the same path. Routes are sorted once by
that rank when the API changes; a request takes the first route that matches.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import unquote

from fogbank.gateway.model import ANY, DEFAULT_ROUTE, HTTP, REST, Api, Integration, Route

_LITERAL, _VARIABLE, _GREEDY = 0, 1, 2


@dataclass(frozen=True)
class Match:
    route: Route
    integration: Integration
    path_parameters: Mapping[str, str]


@dataclass(frozen=True)
class _Compiled:
    route: Route
    integration: Integration
    pattern: re.Pattern[str]
    names: tuple[str, ...]


def _segments(path: str) -> list[tuple[int, str]]:
    kinds = []
    for part in path.strip("/").split("/") if path.strip("/") else []:
        if part.startswith("{") and part.endswith("+}"):
            kinds.append((_GREEDY, part[1:-2]))
        elif part.startswith("{") and part.endswith("}"):
            kinds.append((_VARIABLE, part[1:-1]))
        else:
            kinds.append((_LITERAL, part))
    return kinds


def _pattern(segments: list[tuple[int, str]]) -> re.Pattern[str]:
    pieces = []
    for kind, text in segments:
        pieces.append(re.escape(text) if kind == _LITERAL else "(.+)" if kind == _GREEDY
                      else "([^/]+)")
    return re.compile("/" + "/".join(pieces))


def _rank(route: Route, segments: list[tuple[int, str]], protocol: str) -> tuple:
    kinds = tuple(kind for kind, _ in segments)
    method_rank = 1 if route.method == ANY else 0
    if protocol == HTTP:
        return (_GREEDY in kinds, kinds, method_rank)
    return (kinds, method_rank)


class Router:
    """The routes of one API, compiled for matching."""

    def __init__(self, api: Api) -> None:
        ranked = []
        self._default: Match | None = None
        # HTTP APIs percent-decode path parameters; REST APIs pass them on as sent.
        self._decode = api.protocol != REST
        for route in api.routes.values():
            integration = api.integrations.get(route.integration_id)
            if integration is None:           # a route whose integration is not there yet
                continue
            if route.path == DEFAULT_ROUTE:
                self._default = Match(route, integration, {})
                continue
            segments = _segments(route.path)
            compiled = _Compiled(route, integration, _pattern(segments),
                                 tuple(text for kind, text in segments if kind != _LITERAL))
            ranked.append((_rank(route, segments, api.protocol), route.key, compiled))
        ranked.sort(key=lambda item: (item[0], item[1]))
        self._routes = tuple(compiled for _, _, compiled in ranked)

    def match(self, method: str, raw_path: str) -> Match | None:
        """The route serving `method raw_path` (raw_path still percent-encoded)."""
        if len(raw_path) > 1 and raw_path.endswith("/"):
            raw_path = raw_path.rstrip("/") or "/"
        for compiled in self._routes:
            if compiled.route.method != method and compiled.route.method != ANY:
                continue
            found = compiled.pattern.fullmatch(raw_path)
            if found is not None:
                params = {name: unquote(value) if self._decode and "%" in value else value
                          for name, value in zip(compiled.names, found.groups())}
                return Match(compiled.route, compiled.integration, params)
        return self._default
