"""Per-table settings kept beside the table's definition: point-in-time recovery and
contributor insights, plus the describe-only answers for features a local table never has
(Kinesis streaming destinations, replica auto scaling, version 2017 global tables).

Settings live in the table's stored record, so they change on the storage's single writer
like every other table change and go with the table when it is deleted, as in DynamoDB.
"""
from __future__ import annotations

import base64
import copy
import datetime as dt
import json
from typing import Any, Callable, Mapping, TypeVar

from fogbank.tables.catalog import Catalog
from fogbank.tables.errors import (GlobalTableNotFoundException, ResourceNotFoundException,
                                   TableNotFoundException, ValidationException)
from fogbank.tables.schema import TableDef
from fogbank.tables.storage import Storage, Writer
from fogbank.tables.validation import constraint_error

T = TypeVar("T")
Clock = Callable[[], float]
DAY_S = 86400.0
MAX_RECOVERY_DAYS = 35
DEFAULT_INSIGHTS_MODE = "ACCESSED_AND_THROTTLED_KEYS"
_TABLE_LEVEL = ""                     # the key of a table's own entry (indexes use their name)


def when(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)


def epoch(value: Any, member: str) -> float:
    """A timestamp member as epoch seconds. The wire layer turns JSON numbers into datetimes
    and passes anything else on as sent, so a value of another type is refused here."""
    if isinstance(value, dt.datetime):
        return value.timestamp()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise ValidationException(f"Invalid {member}: a timestamp is a number of seconds since "
                              "the epoch")


def source_table(catalog: Catalog, name: str) -> TableDef:
    """The table a backup operation names (by name or ARN), refused with DynamoDB's
    TableNotFoundException rather than the ResourceNotFoundException of other operations."""
    try:
        return catalog.get(name)
    except ResourceNotFoundException:
        raise TableNotFoundException(f"Table not found: {name}") from None


def change_record(storage: Storage, catalog: Catalog, find: Callable[[str], TableDef],
                  name: str, change: Callable[[dict[str, Any]], T]) -> T:
    """Runs `change` on a copy of the table's record on the writer and saves it."""
    find(name)                        # refuse an unknown table before queueing any work

    def work(writer: Writer) -> T:
        record = copy.deepcopy(dict(find(name).record))
        result = change(record)
        catalog.save(writer, record)
        return result

    return storage.submit(work).result()


class TableSettings:
    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock

    def _source(self, name: str) -> TableDef:
        return source_table(self._catalog, name)

    # ------------------------------------------------------------------ continuous backups

    def describe_continuous_backups(self, params: Mapping[str, Any]) -> dict[str, Any]:
        table = self._source(params["TableName"])
        return {"ContinuousBackupsDescription": self.continuous_backups(table.record)}

    def update_continuous_backups(self, params: Mapping[str, Any]) -> dict[str, Any]:
        spec = params["PointInTimeRecoverySpecification"]
        enabled, days = _checked_pitr_spec(spec)
        now = self._clock()

        def change(record: dict[str, Any]) -> dict[str, Any]:
            current = record.get("_pitr")
            if not enabled:
                record.pop("_pitr", None)
            else:
                # Enabling it again keeps the history it already has; only the period changes.
                since = current["since"] if current else now
                record["_pitr"] = {"since": since, "days": days}
            return self.continuous_backups(record)

        described = change_record(self._storage, self._catalog, self._source,
                                  params["TableName"], change)
        return {"ContinuousBackupsDescription": described}

    def continuous_backups(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """ContinuousBackupsDescription. On-demand backups are always available, so
        ContinuousBackupsStatus is ENABLED; the restorable window runs from when recovery
        was enabled (within the recovery period) to now."""
        pitr = record.get("_pitr")
        if not pitr:
            return {"ContinuousBackupsStatus": "ENABLED",
                    "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}
        earliest, latest = self.restorable_window(record)
        return {"ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": {
            "PointInTimeRecoveryStatus": "ENABLED", "RecoveryPeriodInDays": pitr["days"],
            "EarliestRestorableDateTime": when(earliest),
            "LatestRestorableDateTime": when(latest)}}

    def restorable_window(self, record: Mapping[str, Any]) -> tuple[float, float]:
        pitr = record["_pitr"]
        now = self._clock()
        return max(pitr["since"], now - pitr["days"] * DAY_S), now

    # ------------------------------------------------------------------ contributor insights

    def describe_contributor_insights(self, params: Mapping[str, Any]) -> dict[str, Any]:
        table, index = self._insights_target(params)
        entry = (table.record.get("_insights") or {}).get(index or _TABLE_LEVEL)
        output: dict[str, Any] = {"TableName": table.name}
        if index:
            output["IndexName"] = index
        if entry is None:
            output["ContributorInsightsStatus"] = "DISABLED"
            return output
        output["ContributorInsightsStatus"] = entry["status"]
        output["LastUpdateDateTime"] = when(entry["updated"])
        if entry["status"] == "ENABLED":
            output["ContributorInsightsRuleList"] = _rule_names(table, index, entry["updated"])
            output["ContributorInsightsMode"] = entry["mode"]
        return output

    def update_contributor_insights(self, params: Mapping[str, Any]) -> dict[str, Any]:
        table, index = self._insights_target(params)
        enable = params["ContributorInsightsAction"] == "ENABLE"
        mode = params.get("ContributorInsightsMode") or DEFAULT_INSIGHTS_MODE
        now = self._clock()

        def change(record: dict[str, Any]) -> None:
            entries = record.setdefault("_insights", {})
            entries[index or _TABLE_LEVEL] = {"status": "ENABLED" if enable else "DISABLED",
                                              "mode": mode, "updated": now}

        change_record(self._storage, self._catalog, self._catalog.described, table.name, change)
        # DynamoDB answers while it turns the rules on or off; here they are by the next call.
        output: dict[str, Any] = {"TableName": table.name}
        if index:
            output["IndexName"] = index
        output["ContributorInsightsStatus"] = "ENABLING" if enable else "DISABLING"
        if enable:
            output["ContributorInsightsMode"] = mode
        return output

    def list_contributor_insights(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The tables and global secondary indexes whose contributor insights are on."""
        limit = params.get("MaxResults") or 100
        if limit < 1:
            raise constraint_error([f"Value '{limit}' at 'maxResults' failed to satisfy "
                                    "constraint: Member must have value greater than or "
                                    "equal to 1"])
        if params.get("TableName") is not None:
            tables = [self._catalog.described(params["TableName"])]
        else:
            tables = [self._catalog.tables[name] for name in sorted(self._catalog.tables)]
        summaries = []
        for table in tables:
            entries = table.record.get("_insights") or {}
            for index, entry in sorted(entries.items()):
                if entry["status"] != "ENABLED":
                    continue
                summary = {"TableName": table.name, "ContributorInsightsStatus": "ENABLED",
                           "ContributorInsightsMode": entry["mode"]}
                if index:
                    summary["IndexName"] = index
                summaries.append(summary)
        start = _page_start(params.get("NextToken"), summaries)
        page = summaries[start:start + limit]
        output: dict[str, Any] = {"ContributorInsightsSummaries": page}
        if start + limit < len(summaries):
            last = page[-1]
            output["NextToken"] = _token(last["TableName"], last.get("IndexName", ""))
        return output

    def _insights_target(self, params: Mapping[str, Any]) -> tuple[TableDef, str | None]:
        table = self._catalog.described(params["TableName"])
        index = params.get("IndexName")
        if index is not None:
            found = table.indexes.get(index)
            if found is None or found.local:
                raise ResourceNotFoundException(
                    f"Requested resource not found: Index: {index} not found for table: "
                    f"{table.name}")
        return table, index

    # ------------------------------------------------------------------ features never set up

    def describe_kinesis_streaming_destination(self, params: Mapping[str, Any]) -> dict[str, Any]:
        table = self._catalog.described(params["TableName"])
        return {"TableName": table.name, "KinesisDataStreamDestinations": []}

    def describe_table_replica_auto_scaling(self, params: Mapping[str, Any]) -> dict[str, Any]:
        table = self._catalog.described(params["TableName"])
        return {"TableAutoScalingDescription": {"TableName": table.name,
                                                "TableStatus": "ACTIVE", "Replicas": []}}

    @staticmethod
    def describe_global_table(params: Mapping[str, Any]) -> dict[str, Any]:
        # A version 2017 global table spans regions; a single node never has one.
        raise GlobalTableNotFoundException("Global table not found")


def _checked_pitr_spec(spec: Mapping[str, Any]) -> tuple[bool, int]:
    """The request validator's checks on the nested members (the wire layer checks only
    top-level ones)."""
    where = "pointInTimeRecoverySpecification"
    enabled, days = spec.get("PointInTimeRecoveryEnabled"), spec.get("RecoveryPeriodInDays")
    problems = []
    if enabled is None:
        problems.append(f"Value null at '{where}.pointInTimeRecoveryEnabled' failed to "
                        "satisfy constraint: Member must not be null")
    if days is not None and not 1 <= days <= MAX_RECOVERY_DAYS:
        bound = ("greater than or equal to 1" if days < 1
                 else f"less than or equal to {MAX_RECOVERY_DAYS}")
        problems.append(f"Value '{days}' at '{where}.recoveryPeriodInDays' failed to satisfy "
                        f"constraint: Member must have value {bound}")
    if problems:
        raise constraint_error(problems)
    return bool(enabled), days or MAX_RECOVERY_DAYS


def _rule_names(table: TableDef, index: str | None, updated: float) -> list[str]:
    """The CloudWatch Contributor Insights rules DynamoDB names for a table or index:
    most accessed and most throttled partition keys, and sort keys where there are any."""
    stamp = int(updated * 1000)
    target = table.indexes[index] if index else None
    has_sort = bool(target.range) if target else table.range_name is not None
    kinds = ["PKC", "SKC", "PKT", "SKT"] if has_sort else ["PKC", "PKT"]
    return [f"DynamoDBContributorInsights-{kind}-{table.name}-{stamp}" for kind in kinds]


def _token(table: str, index: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([table, index]).encode()).decode()


def _page_start(token: str | None, summaries: list[dict[str, Any]]) -> int:
    if token is None:
        return 0
    try:
        table, index = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError):
        raise ValidationException("Invalid NextToken") from None
    after = (table, index)
    return sum(1 for s in summaries if (s["TableName"], s.get("IndexName", "")) <= after)
