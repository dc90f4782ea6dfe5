"""On-demand backups: CreateBackup, DescribeBackup, ListBackups, DeleteBackup.

A backup is a copy, made in one transaction on the storage's writer, of the table's
definition and of every item, so it is a consistent snapshot of the moment CreateBackup
ran. It lives in its own key space (see `keys`), is as durable as any acknowledged write,
and outlives its table, as DynamoDB's backups do.
"""
from __future__ import annotations

import marshal
import re
import uuid
from typing import Any, Callable, Iterator, Mapping

from fogbank.tables import keys, records
from fogbank.tables.catalog import Catalog
from fogbank.tables.errors import BackupNotFoundException, ValidationException
from fogbank.tables.storage import Reader, Storage, Writer, prefix_end
from fogbank.tables.table_settings import epoch, source_table, when

Clock = Callable[[], float]
Backup = dict[str, Any]
PAGE = 100
# A backup ARN ends in "backup/" and the backup's id: 14 digits of creation time in
# milliseconds, a dash and 8 hex digits, as DynamoDB spells them.
_ARN = re.compile(r"arn:aws:dynamodb:[^:]+:\d+:table/[a-zA-Z0-9_.-]+/backup/"
                  r"(\d{14}-[0-9a-f]{8})")


def items_space(backup_id: str) -> bytes:
    return keys.BACKUP_ITEMS + backup_id.encode()


def copy_range(writer: Writer, source: bytes, target: bytes) -> tuple[int, int]:
    """Copies every record under the `source` prefix to the same key under `target`;
    returns how many it copied and their size as DynamoDB counts it."""
    count = size = 0
    for key, value in writer.scan(source, prefix_end(source)):
        writer.put(target + key[len(source):], value)
        count += 1
        size += records.size_of(value)
    return count, size


class Backups:
    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock

    def create_backup(self, params: Mapping[str, Any]) -> dict[str, Any]:
        name = params["TableName"]
        source_table(self._catalog, name)
        now = self._clock()

        def work(writer: Writer) -> Backup:
            table = source_table(self._catalog, name)
            backup_id = f"{int(now * 1000):014d}-{uuid.uuid4().hex[:8]}"
            arn = f"{self._catalog.arn(table.name)}/backup/{backup_id}"
            count, size = copy_range(writer, keys.ITEMS + keys.table_id_bytes(table.tid),
                                     items_space(backup_id))
            backup = {"id": backup_id, "arn": arn, "name": params["BackupName"],
                      "created": now, "type": "USER", "items": count, "size": size,
                      "table": dict(table.record), "table_arn": self._catalog.arn(table.name)}
            writer.put(keys.BACKUPS + backup_id.encode(), marshal.dumps(backup))
            return backup

        backup = self._storage.submit(work).result()
        # DynamoDB answers while it takes the backup; this one is complete by the next call.
        return {"BackupDetails": _details(backup, "CREATING")}

    def describe_backup(self, params: Mapping[str, Any]) -> dict[str, Any]:
        with self._storage.read() as reader:
            backup = self.find(reader, params["BackupArn"])
        return {"BackupDescription": describe_backup(backup, "AVAILABLE")}

    def delete_backup(self, params: Mapping[str, Any]) -> dict[str, Any]:
        arn = params["BackupArn"]

        def work(writer: Writer) -> Backup:
            backup = self.find(writer, arn)
            writer.delete(keys.BACKUPS + backup["id"].encode())
            space = items_space(backup["id"])
            writer.delete_range(space, prefix_end(space))
            return backup

        backup = self._storage.submit(work).result()
        return {"BackupDescription": describe_backup(backup, "DELETED")}

    def list_backups(self, params: Mapping[str, Any]) -> dict[str, Any]:
        limit = params.get("Limit") or PAGE
        wanted_type = params.get("BackupType", "USER")
        table = params.get("TableName")
        if table is not None and table.startswith("arn:"):
            table = table.split(":table/", 1)[-1]
        low, high = params.get("TimeRangeLowerBound"), params.get("TimeRangeUpperBound")
        low_s = epoch(low, "TimeRangeLowerBound") if low is not None else None
        high_s = epoch(high, "TimeRangeUpperBound") if high is not None else None
        if low_s is not None and high_s is not None and low_s > high_s:
            raise ValidationException("TimeRangeUpperBound must be greater than or equal to "
                                      "TimeRangeLowerBound")
        start = keys.BACKUPS
        if params.get("ExclusiveStartBackupArn"):
            after = _backup_id(params["ExclusiveStartBackupArn"])
            start = prefix_end(keys.BACKUPS + after.encode())
        summaries: list[dict[str, Any]] = []
        more = False
        with self._storage.read() as reader:
            for backup in _backups(reader, start):
                if table is not None and backup["table"]["TableName"] != table:
                    continue
                if wanted_type != "ALL" and backup["type"] != wanted_type:
                    continue
                # The lower bound is inclusive and the upper bound exclusive.
                if (low_s is not None and backup["created"] < low_s) or (
                        high_s is not None and backup["created"] >= high_s):
                    continue
                if len(summaries) == limit:
                    more = True
                    break
                summaries.append(_summary(backup))
        output: dict[str, Any] = {"BackupSummaries": summaries}
        if more:
            output["LastEvaluatedBackupArn"] = summaries[-1]["BackupArn"]
        return output

    def find(self, reader: Reader, arn: str) -> Backup:
        """The backup an ARN names, as stored; BackupNotFoundException when there is none."""
        raw = reader.get(keys.BACKUPS + _backup_id(arn).encode())
        backup = marshal.loads(raw) if raw is not None else None
        if backup is None or backup["arn"] != arn:
            raise BackupNotFoundException(f"Backup not found: {arn}")
        return backup


def _backup_id(arn: str) -> str:
    match = _ARN.fullmatch(arn)
    # An ARN of another shape names no backup; DynamoDB answers the same as for a gone one.
    return match.group(1) if match else "-"


def _backups(reader: Reader, start: bytes) -> Iterator[Backup]:
    for _, value in reader.scan(start, prefix_end(keys.BACKUPS)):
        yield marshal.loads(value)


def _details(backup: Backup, status: str) -> dict[str, Any]:
    return {"BackupArn": backup["arn"], "BackupName": backup["name"],
            "BackupSizeBytes": backup["size"], "BackupStatus": status,
            "BackupType": backup["type"], "BackupCreationDateTime": when(backup["created"])}


def _summary(backup: Backup) -> dict[str, Any]:
    table = backup["table"]
    return {"TableName": table["TableName"], "TableId": table["TableId"],
            "TableArn": backup["table_arn"], **_details(backup, "AVAILABLE")}


def describe_backup(backup: Backup, status: str) -> dict[str, Any]:
    """BackupDescription: the backup, and its table as it was when the backup was taken."""
    table = backup["table"]
    billing = table.get("BillingMode", "PROVISIONED")
    source = {"TableName": table["TableName"], "TableId": table["TableId"],
              "TableArn": backup["table_arn"], "TableSizeBytes": backup["size"],
              "KeySchema": table["KeySchema"], "TableCreationDateTime": when(table["_created"]),
              "ProvisionedThroughput": _throughput(table, billing),
              "ItemCount": backup["items"], "BillingMode": billing}
    return {"BackupDetails": _details(backup, status), "SourceTableDetails": source,
            "SourceTableFeatureDetails": _features(table, billing)}


def _throughput(record: Mapping[str, Any], billing: str) -> dict[str, int]:
    given = record.get("ProvisionedThroughput") or {}
    if billing != "PROVISIONED":
        return {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    return {"ReadCapacityUnits": given.get("ReadCapacityUnits", 0),
            "WriteCapacityUnits": given.get("WriteCapacityUnits", 0)}


def _features(table: Mapping[str, Any], billing: str) -> dict[str, Any]:
    features: dict[str, Any] = {}
    lsis = [{"IndexName": i["IndexName"], "KeySchema": i["KeySchema"],
             "Projection": i.get("Projection") or {"ProjectionType": "ALL"}}
            for i in table.get("LocalSecondaryIndexes") or ()]
    gsis = [{"IndexName": i["IndexName"], "KeySchema": i["KeySchema"],
             "Projection": i.get("Projection") or {"ProjectionType": "ALL"},
             "ProvisionedThroughput": _throughput(i, billing)}
            for i in table.get("GlobalSecondaryIndexes") or ()]
    if lsis:
        features["LocalSecondaryIndexes"] = lsis
    if gsis:
        features["GlobalSecondaryIndexes"] = gsis
    stream = table.get("StreamSpecification")
    if stream and stream.get("StreamEnabled"):
        features["StreamDescription"] = stream
    if table.get("_sse"):
        features["SSEDescription"] = table["_sse"]
    ttl = table.get("_ttl")
    if ttl and ttl.get("Enabled"):
        features["TimeToLiveDescription"] = {"TimeToLiveStatus": "ENABLED",
                                             "AttributeName": ttl["AttributeName"]}
    return features
