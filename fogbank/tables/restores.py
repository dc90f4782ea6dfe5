"""RestoreTableFromBackup and RestoreTableToPointInTime: a new table made from a backup, or
from a table as it is at the latest restorable time.

The new table is defined as CreateTable would define it from the source's definition and
the overrides DynamoDB accepts (billing mode, throughput, indexes, encryption); what
DynamoDB does not restore (tags, streams, TTL, point-in-time recovery, deletion protection)
starts unset. Its items and index entries are written in the same transaction as its
definition, so nobody sees it half restored.

Fogbank keeps no history of item changes, so a point-in-time restore can only be of the
latest restorable time (the table as it is now); an earlier RestoreDateTime inside the
window is refused with a message that says so, never answered with a wrong snapshot.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from fogbank.tables import keys
from fogbank.tables.backups import Backups, copy_range, items_space
from fogbank.tables.catalog import Catalog
from fogbank.tables.control import ControlPlane
from fogbank.tables.encryption import sse_description
from fogbank.tables.errors import (InvalidRestoreTimeException,
                                   PointInTimeRecoveryUnavailableException,
                                   TableAlreadyExistsException, TableNotFoundException,
                                   ValidationException)
from fogbank.tables.indexes import backfill_index
from fogbank.tables.schema import TableDef
from fogbank.tables.storage import Storage, Writer
from fogbank.tables.table_settings import TableSettings, epoch, source_table, when

Clock = Callable[[], float]
# How far a RestoreDateTime may lie before the latest restorable time and still be
# restored from the live table: the time a request takes to arrive.
LATEST_SLACK_S = 1.0


class Restores:
    def __init__(self, storage: Storage, catalog: Catalog, control: ControlPlane,
                 backups: Backups, settings: TableSettings, clock: Clock) -> None:
        self._storage = storage
        self._catalog = catalog
        self._control = control
        self._backups = backups
        self._settings = settings
        self._clock = clock

    def restore_table_from_backup(self, params: Mapping[str, Any]) -> dict[str, Any]:
        arn = params["BackupArn"]
        with self._storage.read() as reader:
            backup = self._backups.find(reader, arn)
        record = self._new_record(backup["table"], params)
        record["_restore"] = {"SourceBackupArn": arn, "SourceTableArn": backup["table_arn"],
                              "RestoreDateTime": backup["created"]}

        def work(writer: Writer) -> TableDef:
            self._backups.find(writer, arn)          # deleted meanwhile: not found
            return self._create(writer, record, items_space(backup["id"]))

        return self._answer(self._storage.submit(work).result())

    def restore_table_to_point_in_time(self, params: Mapping[str, Any]) -> dict[str, Any]:
        source = _source_name(params)
        table = source_table(self._catalog, source)
        self._check_restore_time(table, params)
        record = self._new_record(table.record, params)
        restored_at = self._clock()
        record["_restore"] = {"SourceTableArn": self._catalog.arn(table.name),
                              "RestoreDateTime": restored_at}

        def work(writer: Writer) -> TableDef:
            # The live table, read on the writer: the items as of this transaction.
            current = source_table(self._catalog, source)
            if current.tid != table.tid:             # deleted and made again meanwhile
                raise TableNotFoundException(f"Table not found: {source}")
            return self._create(writer, record, keys.ITEMS + keys.table_id_bytes(current.tid))

        return self._answer(self._storage.submit(work).result())

    def _check_restore_time(self, table: TableDef, params: Mapping[str, Any]) -> None:
        if not table.record.get("_pitr"):
            raise PointInTimeRecoveryUnavailableException(
                f"Point in time recovery is not enabled for table '{table.name}'")
        latest_flag, at = params.get("UseLatestRestorableTime"), params.get("RestoreDateTime")
        if latest_flag and at is not None:
            raise ValidationException("Only one of RestoreDateTime or UseLatestRestorableTime "
                                      "can be specified")
        if not latest_flag and at is None:
            raise ValidationException("Either RestoreDateTime or UseLatestRestorableTime "
                                      "must be specified")
        if latest_flag:
            return
        earliest, latest = self._settings.restorable_window(table.record)
        moment = epoch(at, "RestoreDateTime")
        if not earliest <= moment <= latest + LATEST_SLACK_S:
            raise InvalidRestoreTimeException(
                f"RestoreDateTime must be between EarliestRestorableDateTime ({_iso(earliest)}) "
                f"and LatestRestorableDateTime ({_iso(latest)})")
        if moment < latest - LATEST_SLACK_S:
            raise InvalidRestoreTimeException(
                "Fogbank keeps no history of a table's items, so it can only restore the "
                f"latest restorable time ({_iso(latest)}); use UseLatestRestorableTime, "
                "or an on-demand backup taken at the moment you need")

    def _new_record(self, source: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
        """The target table's record: CreateTable's, from the source and the overrides."""
        target = params["TargetTableName"]
        if target in self._catalog.tables:
            raise TableAlreadyExistsException(f"Table already exists: {target}")
        record = self._control.table_record(create_params(source, params))
        override = params.get("SSESpecificationOverride")
        # Without an override the target is encrypted as the source was.
        sse = (sse_description(override, self._catalog.region, self._catalog.account_id)
               if override is not None else source.get("_sse"))
        if sse:
            record["_sse"] = sse
        return record

    def _create(self, writer: Writer, record: dict[str, Any], items: bytes) -> TableDef:
        if record["TableName"] in self._catalog.tables:
            raise TableAlreadyExistsException(f"Table already exists: {record['TableName']}")
        record["_tid"] = self._catalog.allocate_tid(writer)
        table = self._catalog.save(writer, record)
        copy_range(writer, items, keys.ITEMS + keys.table_id_bytes(table.tid))
        for index in table.indexes.values():
            backfill_index(writer, table, index)
        return table

    def _answer(self, table: TableDef) -> dict[str, Any]:
        # DynamoDB answers while it restores; here the table is ACTIVE by the next call.
        description = self._control.describe({"TableName": table.name})["Table"]
        description["TableStatus"] = "CREATING"
        description["RestoreSummary"]["RestoreInProgress"] = True
        return {"TableDescription": description}


def _source_name(params: Mapping[str, Any]) -> str:
    arn, name = params.get("SourceTableArn"), params.get("SourceTableName")
    if arn is None and name is None:
        raise ValidationException("Either SourceTableArn or SourceTableName must be specified")
    if arn is not None and name is not None:
        raise ValidationException("Only one of SourceTableArn or SourceTableName can be "
                                  "specified")
    return arn if arn is not None else name


def create_params(source: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """CreateTable's input for the target: the source's schema and settings, overridden."""
    mode = params.get("BillingModeOverride") or source.get("BillingMode", "PROVISIONED")
    lsis = params.get("LocalSecondaryIndexOverride")
    gsis = params.get("GlobalSecondaryIndexOverride")
    if lsis is None:
        lsis = [_index(i, with_throughput=False) for i in source.get("LocalSecondaryIndexes") or ()]
    if gsis is None:
        gsis = [_index(i, with_throughput=mode == "PROVISIONED")
                for i in source.get("GlobalSecondaryIndexes") or ()]
    out: dict[str, Any] = {
        "TableName": params["TargetTableName"], "KeySchema": source["KeySchema"],
        "BillingMode": mode, "TableClass": source.get("TableClass", "STANDARD"),
    }
    throughput = params.get("ProvisionedThroughputOverride")
    if throughput is None and mode == "PROVISIONED" and source.get("BillingMode") == mode:
        throughput = source.get("ProvisionedThroughput")
    if throughput:
        out["ProvisionedThroughput"] = dict(throughput)
    if lsis:
        out["LocalSecondaryIndexes"] = [dict(i) for i in lsis]
    if gsis:
        out["GlobalSecondaryIndexes"] = [dict(i) for i in gsis]
    # Only the attributes the target's keys use: an index left out leaves its own behind.
    # (Overrides are checked later, as CreateTable's indexes: read them with care here.)
    used = {k["AttributeName"] for k in source["KeySchema"]}
    used |= {k.get("AttributeName") for i in [*lsis, *gsis] if isinstance(i, dict)
             for k in i.get("KeySchema") or () if isinstance(k, dict)}
    out["AttributeDefinitions"] = [dict(a) for a in source["AttributeDefinitions"]
                                   if a["AttributeName"] in used]
    return out


def _index(index: Mapping[str, Any], *, with_throughput: bool) -> dict[str, Any]:
    out = {"IndexName": index["IndexName"], "KeySchema": index["KeySchema"],
           "Projection": index.get("Projection") or {"ProjectionType": "ALL"}}
    if with_throughput and index.get("ProvisionedThroughput"):
        out["ProvisionedThroughput"] = dict(index["ProvisionedThroughput"])
    return out


def _iso(epoch: float) -> str:
    return when(epoch).isoformat()
