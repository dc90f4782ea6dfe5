"""API Gateway's WebSocket quotas and the new-connection rate limiter.

`WebSocketLimits` is defined with the node's other settings (config.py) and used from here.
"""
from __future__ import annotations

import time
from typing import Callable

from fogbank.config import WebSocketLimits

__all__ = ["TokenBucket", "WebSocketLimits"]


class TokenBucket:
    """`take()` is True while the average rate stays under `rate` with `burst` to spare."""

    def __init__(self, rate: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._rate, self._burst, self._clock = rate, float(burst), clock
        self._tokens = float(burst)
        self._at = clock()

    def take(self) -> bool:
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._at) * self._rate)
        self._at = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True
