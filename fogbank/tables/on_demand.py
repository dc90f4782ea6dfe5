"""OnDemandThroughput: an on-demand table's request-unit limits, checked and kept as
CreateTable and UpdateTable set them (Fogbank throttles nothing; they are reported back)."""
from __future__ import annotations

from typing import Any, Mapping

from fogbank.tables.errors import ValidationException
from fogbank.tables.schema import INVALID

_LIMITS = ("MaxReadRequestUnits", "MaxWriteRequestUnits")
NO_LIMIT = -1


def check_on_demand(limits: Mapping[str, Any] | None, mode: str, *, updating: bool) -> None:
    """Limits belong to on-demand tables; each is at least 1, or -1 (no limit) in an update,
    which is how a limit is taken away."""
    given = [name for name in _LIMITS if (limits or {}).get(name) is not None]
    if not given:
        return
    if mode == "PROVISIONED":
        # CreateTable and UpdateTable word this differently.
        when = "the table BillingMode is PROVISIONED" if updating else \
            "table BillingMode is PROVISIONED."
        raise ValidationException(INVALID + f"{given[0]} for OnDemandThroughput cannot be "
                                  f"specified when {when}")
    for name in given:
        value = limits[name]
        if value < 1 and not (updating and value == NO_LIMIT):
            raise ValidationException(INVALID + f"Requested {name} for OnDemandThroughput for "
                                      "table is outside of valid range")


def updated_limits(current: Mapping[str, Any] | None,
                   given: Mapping[str, Any]) -> dict[str, Any]:
    """A limit left out keeps its value."""
    return {**(current or {}), **{k: v for k, v in given.items() if v is not None}}


def described_limits(limits: Mapping[str, Any]) -> dict[str, Any]:
    """As DescribeTable shows them: a limit never set reads -1, as one taken away does."""
    return {name: limits.get(name, NO_LIMIT) for name in _LIMITS}
