"""Concurrency limits, as Lambda applies them to synchronous invokes: over the limit the
call is throttled at once (TooManyRequestsException), never queued.

A function with reserved concurrency may run that many at most; every other function
shares what the node has left after all reservations (the unreserved pool).
"""
from __future__ import annotations

from collections import Counter

from fogbank.types import NoReservedConcurrency, TooManyRequests


def _throttled(reason: str, kind: type[TooManyRequests] = TooManyRequests) -> TooManyRequests:
    return kind("Rate Exceeded.", extra={"Reason": reason, "Type": "User"})


class ConcurrencyLimiter:
    def __init__(self, node_limit: int) -> None:
        self._node_limit = node_limit
        self._reserved: dict[str, int] = {}
        self._running: Counter[str] = Counter()
        self._unreserved_running = 0

    def configure(self, name: str, reserved: int | None) -> None:
        if reserved is None:
            self._reserved.pop(name, None)
        else:
            self._reserved[name] = reserved

    def admit(self, name: str) -> bool:
        """Count one more execution of `name`, or raise TooManyRequests.

        Returns whether it counts against the unreserved pool (give it back to `release`,
        as the function's reservation may change while it runs).
        """
        reserved = self._reserved.get(name)
        if reserved is not None:
            if self._running[name] >= reserved:
                raise _throttled("ReservedFunctionConcurrentInvocationLimitExceeded",
                                 NoReservedConcurrency if reserved == 0 else TooManyRequests)
        elif self._unreserved_running >= self._node_limit - sum(self._reserved.values()):
            raise _throttled("ConcurrentInvocationLimitExceeded")
        self._running[name] += 1
        if reserved is None:
            self._unreserved_running += 1
        return reserved is None

    def release(self, name: str, unreserved: bool) -> None:
        self._running[name] -= 1
        if unreserved:
            self._unreserved_running -= 1
