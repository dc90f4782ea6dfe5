"""The APIs this node serves, in memory, keyed by api id.

The deployer's providers write definitions here (`put`, `update`, `remove`); the gateway
reads a compiled view per request (`live`). Every change goes through `_store`, which
also recompiles that API's router and request checks, so a request never sees a
half-applied change.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from fogbank.gateway.addressing import PATH_PREFIX, is_api_request
from fogbank.gateway.model import DEFAULT_STAGE, WEBSOCKET, Api
from fogbank.gateway.routing import Router
from fogbank.gateway.validation import RequestChecks

DEFAULT_BASE_URL = "http://127.0.0.1:4566"


@dataclass(frozen=True)
class LiveApi:
    """An API as a request sees it: the definition, its compiled routes and request
    validation."""

    api: Api
    router: Router
    checks: RequestChecks


class ApiRegistry:
    def __init__(self, base_url: str = DEFAULT_BASE_URL) -> None:
        self.base_url = base_url.rstrip("/")
        self._live: dict[str, LiveApi] = {}

    def put(self, api: Api) -> None:
        """Add or replace a whole API definition."""
        self._store(api)

    def update(self, api_id: str, change: Callable[[Api], Api]) -> None:
        """Apply `change` to one API (e.g. add a route). An API not registered yet starts
        blank and unserved (no protocol): its parts may be restored before it."""
        live = self._live.get(api_id)
        self._store(change(live.api if live else Api(api_id, protocol="")))

    def remove(self, api_id: str) -> None:
        self._live.pop(api_id, None)

    def get(self, api_id: str) -> Api | None:
        live = self._live.get(api_id)
        return live.api if live else None

    def live(self, api_id: str) -> LiveApi | None:
        """The served view of an API, None when unknown or not served."""
        live = self._live.get(api_id)
        return live if live is not None and live.api.protocol else None

    def __iter__(self) -> Iterator[Api]:
        return iter([live.api for live in self._live.values() if live.api.protocol])

    def url_for(self, api_id: str, stage: str, base: str | None = None) -> str:
        """The path-based invoke URL users are shown (needs no DNS); a `$default` stage
        has no stage segment."""
        url = f"{(base or self.base_url).rstrip('/')}{PATH_PREFIX}{api_id}"
        return url if stage == DEFAULT_STAGE else f"{url}/{stage}"

    def urls(self, api_id: str, base: str | None = None) -> list[tuple[str, str]]:
        """(stage, URL) for each stage users should be shown, `$default` first. A stage
        made only as a side effect of a REST Deployment's StageName (SAM's "Stage") is
        served but not listed."""
        api = self.get(api_id)
        if api is None:
            return []
        stages = sorted(api.stages.values(),
                        key=lambda s: (s.name != DEFAULT_STAGE, s.from_deployment, s.name))
        listed = [s for s in stages if not s.from_deployment] or stages
        scheme = "ws" if api.protocol == WEBSOCKET else "http"
        return [(s.name, scheme + self.url_for(api_id, s.name, base)[4:]) for s in listed]

    @staticmethod
    def handles(scope: dict[str, Any]) -> bool:
        """Whether an ASGI scope is addressed to an API (for node.py's dispatch)."""
        return is_api_request(scope)

    def _store(self, api: Api) -> None:
        self._live[api.api_id] = LiveApi(api, Router(api), RequestChecks(api))
