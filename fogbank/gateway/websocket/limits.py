"""API Gateway's WebSocket quotas, configurable, and the new-connection rate limiter."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class WebSocketLimits:
    """AWS's defaults (API Gateway quotas for WebSocket APIs); tests shorten the timeouts."""

    frame_bytes: int = 32 * 1024            # a bigger frame closes the connection with 1009
    message_bytes: int = 128 * 1024         # a bigger message closes it with 1009
    idle_timeout_s: float = 600.0           # no message from the client for this long
    max_connection_s: float = 7200.0        # whatever the traffic
    new_connections_per_s: float = 500.0    # sustained rate of accepted handshakes …
    new_connections_burst: int = 1000       # … and the burst above it


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
