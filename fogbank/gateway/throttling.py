"""Request throttles as API Gateway applies them: token buckets, and a stage's own limits.

A `Throttle` is API Gateway's pair of limits: RateLimit requests a second, steadily, and
BurstLimit at once (a bucket that deep, refilled at the rate). A stage may set them per
method — REST stages' `MethodSettings` (ResourcePath and HttpMethod, `/*` and `*` for
all), HTTP API stages' `RouteSettings` by route key with `DefaultRouteSettings` for the
rest — and a request past them is refused (429) before its authorizer or function runs.
Usage plans (usage_plans.py) throttle per API key with the same buckets.
WebSocket stages are keyed as HTTP ones, by route key ($connect, $default, custom
keys); a refused message gets a frame rather than a 429 (websocket/app.py).
Buckets live in memory: a restart fills them again.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Hashable, Mapping

ALL = "*"                     # a stage throttle for every method / every route
ALL_PATHS = "/*"


@dataclass(frozen=True)
class Throttle:
    rate: float              # RateLimit: requests a second, steady
    burst: int               # BurstLimit: requests at once


class _Bucket:
    __slots__ = ("tokens", "at")

    def __init__(self, tokens: float, at: float) -> None:
        self.tokens, self.at = tokens, at


class TokenBuckets:
    """One bucket per key; `take` spends a token if there is one. `monotonic` gives seconds."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._buckets: dict[Hashable, _Bucket] = {}

    def take(self, key: Hashable, throttle: Throttle) -> bool:
        now = self._monotonic()
        depth = float(throttle.burst)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(depth, now)
        else:
            bucket.tokens = min(depth, bucket.tokens + (now - bucket.at) * throttle.rate)
            bucket.at = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True


def rest_key(resource_path: str, method: str) -> str:
    """How a REST stage's throttles are keyed: "/items GET", "/* *"."""
    return f"{resource_path} {method}"


def stage_throttle(throttles: Mapping[str, Throttle], rest: bool, route_key: str,
                   resource_path: str, method: str) -> tuple[str, Throttle] | None:
    """The stage limit that applies to a request, most specific first, with its key."""
    if not throttles:
        return None
    if rest:
        candidates = (rest_key(resource_path, method), rest_key(resource_path, ALL),
                      rest_key(ALL_PATHS, method), rest_key(ALL_PATHS, ALL))
    else:
        candidates = (route_key, ALL)
    for key in candidates:
        throttle = throttles.get(key)
        if throttle is not None:
            return key, throttle
    return None
