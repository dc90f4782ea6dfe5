"""Concurrency limits, as Lambda applies them to synchronous invokes: over the limit the
call is throttled at once (TooManyRequestsException), never queued.

A function with reserved concurrency may run that many at most; every other function
shares what the node has left after all reservations (the unreserved pool). A reserved
function's provisioned concurrency comes out of its reservation: each version with a
provisioned config has that many executions of its own, and every other execution of the
function (any version's beyond its provisioned ones, $LATEST's) shares what the
reservation has left. So a reservation equal to the provisioned total leaves nothing for
$LATEST, as on Lambda.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping

from fogbank.types import NoReservedConcurrency, TooManyRequests


def _throttled(reason: str, kind: type[TooManyRequests] = TooManyRequests) -> TooManyRequests:
    return kind("Rate Exceeded.", extra={"Reason": reason, "Type": "User"})


@dataclass(frozen=True)
class Admission:
    """Where one execution was counted, handed back to `release`: the function's
    reservation or settings may change while it runs."""

    name: str
    provisioned_version: str | None = None      # held one of this version's provisioned slots
    unreserved: bool = False                     # counted against the unreserved pool


class ConcurrencyLimiter:
    def __init__(self, node_limit: int) -> None:
        self._node_limit = node_limit
        self._reserved: dict[str, int] = {}
        self._provisioned: dict[str, Mapping[str, int]] = {}
        self._running: Counter[str] = Counter()          # outside provisioned slots
        self._provisioned_running: Counter[tuple[str, str]] = Counter()
        self._unreserved_running = 0

    def configure(self, name: str, reserved: int | None,
                  provisioned: Mapping[str, int] | None = None) -> None:
        """`provisioned`: version → its provisioned concurrency (aliases resolved)."""
        if reserved is None:
            self._reserved.pop(name, None)
        else:
            self._reserved[name] = reserved
        self._provisioned[name] = dict(provisioned or {})
        if not self._provisioned[name]:
            del self._provisioned[name]

    def admit(self, name: str, version: str) -> Admission:
        """Count one more execution of `name` at `version`, or raise TooManyRequests."""
        reserved = self._reserved.get(name)
        if reserved is not None:
            provisioned = self._provisioned.get(name, {})
            if self._provisioned_running[name, version] < provisioned.get(version, 0):
                self._provisioned_running[name, version] += 1
                return Admission(name, provisioned_version=version)
            if self._running[name] >= reserved - sum(provisioned.values()):
                raise _throttled("ReservedFunctionConcurrentInvocationLimitExceeded",
                                 NoReservedConcurrency if reserved == 0 else TooManyRequests)
        elif self._unreserved_running >= self._node_limit - sum(self._reserved.values()):
            raise _throttled("ConcurrentInvocationLimitExceeded")
        self._running[name] += 1
        if reserved is None:
            self._unreserved_running += 1
        return Admission(name, unreserved=reserved is None)

    def release(self, admission: Admission) -> None:
        name, version = admission.name, admission.provisioned_version
        if version is not None:
            self._provisioned_running[name, version] -= 1
            return
        self._running[name] -= 1
        if admission.unreserved:
            self._unreserved_running -= 1
