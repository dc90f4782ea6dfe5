"""A WebSocket API's routes by route key, for the routes that have a Lambda integration.

Compiled once per API definition (definitions are frozen and replaced on every change, so
the definition object itself is the cache key).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

from fogbank.gateway.model import Api, Integration, Route

CONNECT, DISCONNECT, DEFAULT = "$connect", "$disconnect", "$default"


@dataclass(frozen=True, slots=True)
class Target:
    route: Route
    integration: Integration
    two_way: bool                 # the route has a route response: the client gets the result


def _with_responses(api: Api, integration_id: str, integration: Integration) -> Integration:
    """A non-proxy integration with its integration responses (separate resources), the
    default one last."""
    if integration.mapping is None:
        return integration
    found = sorted((response for owner, response in api.integration_responses.values()
                    if owner == integration_id), key=lambda r: r.pattern == "")
    return replace(integration, mapping=replace(integration.mapping, responses=tuple(found)))


def compile_routes(api: Api) -> Mapping[str, Target]:
    answered = set(api.route_responses.values())
    table: dict[str, Target] = {}
    for route_id, route in api.routes.items():
        integration = api.integrations.get(route.integration_id)
        if route.method or integration is None or integration.function is None:
            continue              # an HTTP-shaped key, or not integrated yet
        integration = _with_responses(api, route.integration_id, integration)
        two_way = bool(route.response_selection) or route_id in answered
        table[route.path] = Target(route, integration, two_way)
    return table


class RouteTables:
    """`tables.of(api)`: the compiled table of the current definition of an API."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[Api, Mapping[str, Target]]] = {}

    def of(self, api: Api) -> Mapping[str, Target]:
        cached = self._cache.get(api.api_id)
        if cached is None or cached[0] is not api:
            cached = (api, compile_routes(api))
            self._cache[api.api_id] = cached
        return cached[1]
