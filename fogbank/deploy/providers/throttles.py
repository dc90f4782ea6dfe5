"""Throttle limits as templates give them: a usage plan's `Throttle` (RateLimit,
BurstLimit) and a stage's method or route settings (ThrottlingRateLimit,
ThrottlingBurstLimit). A limit left out does not bind: a missing burst is the rate
(rounded up, at least 1), a missing rate the account's default of 10,000 a second."""
from __future__ import annotations

import math
from typing import Any

from fogbank.deploy.errors import TemplateError
from fogbank.gateway.throttling import Throttle
from fogbank.types import Resource

ACCOUNT_RATE = 10_000.0


def _number(res: Resource, where: str, value: Any, kind: type) -> Any:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise TemplateError(f"Resource {res.logical_id}: {where} must be a number, got "
                            f"{value!r}") from None
    if number < 0:
        raise TemplateError(f"Resource {res.logical_id}: {where} must not be negative")
    return number


def throttle_of(res: Resource, where: str, rate: Any, burst: Any,
                names: tuple[str, str] = ("RateLimit", "BurstLimit")) -> Throttle | None:
    """The throttle of `rate` and `burst` (None when both are left out); `where` and
    `names` say in errors which property is wrong."""
    if rate is None and burst is None:
        return None
    rate_value = (ACCOUNT_RATE if rate is None
                  else _number(res, f"{where} {names[0]}", rate, float))
    burst_value = (max(1, math.ceil(rate_value)) if burst is None
                   else _number(res, f"{where} {names[1]}", burst, int))
    return Throttle(rate_value, burst_value)


def whole_number(res: Resource, where: str, value: Any) -> int:
    return _number(res, where, value, int)
