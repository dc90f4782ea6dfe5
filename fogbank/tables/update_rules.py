"""UpdateTable's rules on what one request may change: which changes must travel alone,
which may not share a request with an index being created or deleted, and the throughput
rules of a table's indexes and of a request that would change nothing."""
from __future__ import annotations

from typing import Any, Mapping

from fogbank.tables.errors import ValidationException
from fogbank.tables.schema import INVALID

# Changes DynamoDB makes only in a request of their own, in the order it checks them.
_ALONE = (("SSESpecification", "Server-Side Encryption modification"),
          ("TableClass", "TableClass modification"),
          ("DeletionProtectionEnabled", "DeletionProtection modification"))


# Sent empty, these ask for nothing (an empty SSESpecification, by contrast, asks for the
# default encryption).
_EMPTY_IS_ABSENT = ("GlobalSecondaryIndexUpdates", "ReplicaUpdates", "OnDemandThroughput",
                    "WarmThroughput")


def present_changes(params: Mapping[str, Any], names: tuple[str, ...]) -> set[str]:
    """The change members a request carries."""
    return {name for name in names if params.get(name) is not None
            and not (name in _EMPTY_IS_ABSENT and not params[name])}


def check_together(params: Mapping[str, Any], changes: set[str]) -> None:
    updates = params.get("GlobalSecondaryIndexUpdates") or []
    builds = any(u.get("Create") is not None or u.get("Delete") is not None for u in updates)
    creates = any(u.get("Create") is not None for u in updates)
    for name, what in _ALONE:
        if name in changes and len(changes) > 1:
            raise ValidationException(INVALID + f"{what} must be the only operation in the "
                                      "request")
    if "WarmThroughput" in changes and len(changes) > 1:
        raise ValidationException(INVALID + (
            "Create global secondary index cannot be specified when updating WarmThroughput"
            if creates else "WarmThroughput must be the only operation in the request"))
    if "OnDemandThroughput" in changes and changes - {"OnDemandThroughput", "BillingMode"}:
        raise ValidationException(INVALID + "OnDemandThroughput can only be combined with "
                                  "BillingMode in an UpdateTable request")
    throughput = "ProvisionedThroughput" in changes
    stream = "StreamSpecification" in changes
    if throughput and builds:
        raise ValidationException(INVALID + "You cannot create or delete index while updating "
                                  "table IOPS")
    if stream and builds:
        raise ValidationException(INVALID + "You cannot create or delete index while changing "
                                  "stream status")
    if throughput and stream:
        raise ValidationException(INVALID + "You cannot modify stream status while updating "
                                  "table IOPS")


def check_throughput_changes(record: Mapping[str, Any], throughput: Mapping[str, Any],
                             index: str | None = None) -> None:
    """A provisioned throughput sent again unchanged is refused, for the table or an index."""
    current = record.get("ProvisionedThroughput") or {}
    fields = ("ReadCapacityUnits", "WriteCapacityUnits")
    if any(current.get(f) != throughput.get(f) for f in fields):
        return
    whose = "the table" if index is None else f"the index {index}"
    owner = "the table" if index is None else f"index {index}"
    read, write = (throughput[f] for f in fields)
    raise ValidationException(
        f"The provisioned throughput for {whose} will not change. The requested value equals "
        f"the current value. Current ReadCapacityUnits provisioned for {owner}: {read}. "
        f"Requested ReadCapacityUnits: {read}. Current WriteCapacityUnits provisioned for "
        f"{owner}: {write}. Requested WriteCapacityUnits: {write}. Refer to the Amazon DynamoDB "
        "Developer Guide for current limits and how to request higher limits.")


def check_index_update(index: Mapping[str, Any], update: Mapping[str, Any], mode: str) -> None:
    """A GSI Update action against the table's billing mode: an on-demand table's indexes
    take only on-demand and warm throughput; a provisioned one's need both capacities."""
    name = index["IndexName"]
    throughput = update.get("ProvisionedThroughput")
    if mode == "PAY_PER_REQUEST":
        if throughput is not None or not (update.get("OnDemandThroughput")
                                          or update.get("WarmThroughput")):
            raise ValidationException(
                INVALID + f"The only Updates for index: {name} when TableThroughputMode is "
                "PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput")
        return
    if throughput is not None:
        check_throughput_changes(index, throughput, name)


def check_switch_to_provisioned(record: Mapping[str, Any],
                                updates: list[Mapping[str, Any]]) -> None:
    """An on-demand table turned provisioned needs capacity for every index in the same
    request: nothing is assigned on its own."""
    given = {u["Update"]["IndexName"] for u in updates
             if u.get("Update") and u["Update"].get("ProvisionedThroughput")}
    for index in record.get("GlobalSecondaryIndexes") or ():
        if index["IndexName"] not in given:
            raise ValidationException(INVALID + "ProvisionedThroughput must be specified for "
                                      f"index: {index['IndexName']}")
