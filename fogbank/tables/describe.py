"""TableDescription as DescribeTable, CreateTable, UpdateTable and DeleteTable return it."""
from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any, Callable, Collection, Mapping

from fogbank.tables import keys, records
from fogbank.tables.on_demand import described_limits
from fogbank.tables.schema import IndexDef, TableDef
from fogbank.tables.storage import Reader, prefix_end
from fogbank.tables.warm_throughput import described_warm


def _when(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)


def _throughput(record: dict[str, Any], billing: str) -> dict[str, Any]:
    given = record.get("ProvisionedThroughput") or {}
    return {"NumberOfDecreasesToday": 0,
            "ReadCapacityUnits": given.get("ReadCapacityUnits", 0) if billing == "PROVISIONED" else 0,
            "WriteCapacityUnits": given.get("WriteCapacityUnits", 0) if billing == "PROVISIONED" else 0}


def _counted(reader: Reader, start: bytes) -> tuple[int, int]:
    count = size = 0
    for _, value in reader.scan(start, prefix_end(start)):
        count += 1
        size += records.size_of(value)
    return count, size


class Figures:
    """ItemCount and TableSizeBytes (or IndexSizeBytes) per table and index.

    Counting walks every item, and boto3 waiters call DescribeTable again and again. AWS
    itself refreshes these figures only about every six hours, so a big table's figures are
    kept and recounted once older than `max_age`; a small table is recounted on every call,
    where that is cheap, so its figures stay exact.
    """

    def __init__(self, small: int = 10_000, max_age: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._small = small
        self._max_age = max_age
        self._clock = clock
        # key-space prefix -> (count, size, when counted); prefixes hold the
        # table id and index number, which are never reused.
        self._kept: dict[bytes, tuple[int, int, float]] = {}
        self._lock = threading.Lock()

    def of(self, reader: Reader | None, start: bytes) -> tuple[int, int]:
        if reader is None:
            return 0, 0
        now = self._clock()
        with self._lock:
            kept = self._kept.get(start)
        if kept is not None and now - kept[2] < self._max_age:
            return kept[0], kept[1]
        count, size = _counted(reader, start)
        with self._lock:
            if count >= self._small:
                self._kept[start] = (count, size, now)
            else:
                self._kept.pop(start, None)
        return count, size

    def forget(self, tid: int) -> None:
        """Drops a deleted table's figures (its table and index prefixes)."""
        marks = (keys.ITEMS + keys.table_id_bytes(tid), keys.INDEX + keys.table_id_bytes(tid))
        with self._lock:
            for start in [k for k in self._kept if k.startswith(marks)]:
                del self._kept[start]


def describe_table(table: TableDef, arn: str, status: str, reader: Reader | None,
                   figures: Figures, creating: Collection[str] = ()) -> dict[str, Any]:
    """`status` is the table's; the global indexes named in `creating` are described as
    CREATING (the answers to CreateTable and UpdateTable), the others as ACTIVE."""
    record = table.record
    billing = record.get("BillingMode", "PROVISIONED")
    tid = keys.table_id_bytes(table.tid)
    count, size = figures.of(reader, keys.ITEMS + tid)
    description: dict[str, Any] = {
        # DynamoDB lists the definitions by name, whatever order they were given in.
        "AttributeDefinitions": sorted(record["AttributeDefinitions"],
                                       key=lambda a: a["AttributeName"]),
        "TableName": table.name,
        "KeySchema": record["KeySchema"],
        "TableStatus": status,
        "CreationDateTime": _when(record["_created"]),
        "ProvisionedThroughput": _throughput(record, billing),
        "TableSizeBytes": size,
        "ItemCount": count,
        "TableArn": arn,
        "TableId": record["TableId"],
        "DeletionProtectionEnabled": bool(record.get("DeletionProtectionEnabled")),
        "WarmThroughput": described_warm(record, billing, status),
    }
    if billing == "PAY_PER_REQUEST":
        description["BillingModeSummary"] = {
            "BillingMode": billing,
            "LastUpdateToPayPerRequestDateTime": _when(record["_created"])}
    if record.get("OnDemandThroughput"):
        description["OnDemandThroughput"] = described_limits(record["OnDemandThroughput"])
    if record.get("TableClass", "STANDARD") != "STANDARD" or record.get("_class_named"):
        description["TableClassSummary"] = _class_summary(record)
    for local, field in ((True, "LocalSecondaryIndexes"), (False, "GlobalSecondaryIndexes")):
        described = [_describe_index(table.indexes[i["IndexName"]], arn, tid, billing, reader,
                                     figures, i["IndexName"] in creating)
                     for i in record.get(field) or ()]
        if described:
            description[field] = described
    if (record.get("StreamSpecification") or {}).get("StreamEnabled"):
        # A disabled stream leaves no StreamSpecification, only its LatestStreamArn.
        description["StreamSpecification"] = record["StreamSpecification"]
    if record.get("LatestStreamLabel"):
        description["LatestStreamLabel"] = record["LatestStreamLabel"]
        description["LatestStreamArn"] = f"{arn}/stream/{record['LatestStreamLabel']}"
    restore = record.get("_restore")            # a table made by a restore (restores.py)
    if restore:
        description["RestoreSummary"] = dict(restore, RestoreInProgress=False,
                                             RestoreDateTime=_when(restore["RestoreDateTime"]))
    if record.get("_sse"):
        description["SSEDescription"] = dict(record["_sse"])
    return description


def _describe_index(index: IndexDef, table_arn: str, tid: bytes, billing: str,
                    reader: Reader | None, figures: Figures, creating: bool) -> dict[str, Any]:
    count, size = figures.of(reader, keys.INDEX + tid + keys.index_id_bytes(index.number))
    record = index.record
    described: dict[str, Any] = {
        "IndexName": index.name, "KeySchema": record["KeySchema"],
        "Projection": _projection(record.get("Projection") or {"ProjectionType": "ALL"}),
        "IndexSizeBytes": size, "ItemCount": count,
        "IndexArn": f"{table_arn}/index/{index.name}",
    }
    if not index.local:
        described["IndexStatus"] = "CREATING" if creating else "ACTIVE"
        described["ProvisionedThroughput"] = _throughput(record, billing)
        described["WarmThroughput"] = described_warm(record, billing, described["IndexStatus"])
        if record.get("OnDemandThroughput") and billing == "PAY_PER_REQUEST":
            described["OnDemandThroughput"] = described_limits(record["OnDemandThroughput"])
    return described


def _projection(projection: dict[str, Any]) -> dict[str, Any]:
    """An index's Projection as DynamoDB describes it: NonKeyAttributes sorted by name."""
    if "NonKeyAttributes" not in projection:
        return projection
    return dict(projection, NonKeyAttributes=sorted(projection["NonKeyAttributes"]))


def _class_summary(record: Mapping[str, Any]) -> dict[str, Any]:
    """TableClassSummary; LastUpdateDateTime only once UpdateTable changed the class."""
    summary: dict[str, Any] = {"TableClass": record["TableClass"]}
    if record.get("_class_updated"):
        summary["LastUpdateDateTime"] = _when(record["_class_updated"])
    return summary
