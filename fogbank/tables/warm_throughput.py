"""WarmThroughput: the reads and writes a second a table or global index takes at once.

DynamoDB describes it for every table and global index. An on-demand one starts at 12000
reads and 4000 writes a second, a provisioned one at its capacity units, and the figures
never fall: a table that was on demand keeps 12000/4000 after a switch to provisioned, and
one pre-warmed (WarmThroughput in CreateTable or UpdateTable) keeps what it asked for.
Fogbank throttles nothing; the figures are kept so that clients reading them, and waiters
that wait for their Status to be ACTIVE (Terraform's), see what DynamoDB shows.
"""
from __future__ import annotations

from typing import Any, Mapping

from fogbank.tables.errors import ValidationException
from fogbank.tables.schema import INVALID

ON_DEMAND = {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000}
_CAPACITY = {"ReadUnitsPerSecond": "ReadCapacityUnits", "WriteUnitsPerSecond": "WriteCapacityUnits"}
_ON_DEMAND_PAGE = ("See: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
                   "on-demand-capacity-mode.html#on-demand-capacity-mode-initial")


def _figures(holder: Mapping[str, Any], billing: str) -> dict[str, int]:
    """The highest of the billing mode's start, the figures kept, and nothing less."""
    if billing == "PAY_PER_REQUEST":
        start = dict(ON_DEMAND)
    else:
        given = holder.get("ProvisionedThroughput") or {}
        start = {name: given.get(units, 0) for name, units in _CAPACITY.items()}
    kept = holder.get("_warm") or {}
    return {name: max(value, kept.get(name, 0)) for name, value in start.items()}


def raise_warm(holder: dict[str, Any], billing: str,
               requested: Mapping[str, Any] | None = None) -> None:
    """Keeps the highest figures a table or global index record has had, raised to a
    requested WarmThroughput; called whenever its billing or throughput may have changed."""
    figures = _figures(holder, billing)
    for name in figures:
        figures[name] = max(figures[name], (requested or {}).get(name) or 0)
    holder["_warm"] = figures


def described_warm(holder: Mapping[str, Any], billing: str, status: str) -> dict[str, Any]:
    """WarmThroughput as DescribeTable reports it; its Status is the table's (or the
    index's) own."""
    return {**_figures(holder, billing), "Status": status}


def check_new_warm(requested: Mapping[str, Any] | None, billing: str,
                   throughput: Mapping[str, Any] | None, owner: str) -> None:
    """A WarmThroughput asked for with a new table or index starts no lower than what it
    would have anyway: on demand 12000/4000, provisioned its capacity units. Only the units
    asked for are checked; `owner` is "table" or "index <name>", as DynamoDB words it."""
    for name, units in _CAPACITY.items():
        value = (requested or {}).get(name)
        if value is None:
            continue
        if billing == "PAY_PER_REQUEST":
            if value < ON_DEMAND[name]:
                raise ValidationException(
                    INVALID + f"Requested {name} for WarmThroughput for {owner} is lower than "
                    f"initial throughput for OnDemand. {_ON_DEMAND_PAGE}")
        elif value < (throughput or {}).get(units, 0):
            raise ValidationException(
                INVALID + f"Requested {name} for WarmThroughput for {owner} is lower than "
                f"{units} of ProvisionedThroughput")


def check_warm_raise(holder: Mapping[str, Any], billing: str,
                     requested: Mapping[str, Any] | None, owner: str) -> None:
    """UpdateTable may raise a warm throughput, never lower it."""
    current = _figures(holder, billing)
    for name, value in current.items():
        asked = (requested or {}).get(name)
        if asked is not None and asked < value:
            raise ValidationException(
                INVALID + f"Requested {name} for WarmThroughput for {owner} is lower than "
                "current WarmThroughput, decreasing WarmThroughput is not supported")
