"""The control plane: CreateTable, DeleteTable, DescribeTable, ListTables, UpdateTable, TTL,
tags, limits and endpoints. Synchronous: each call waits for its own commit."""
from __future__ import annotations

import copy
import datetime as dt
import uuid
from typing import Any, Callable, Collection, Mapping

from fogbank.tables import keys
from fogbank.tables.catalog import Catalog
from fogbank.tables.describe import Figures, describe_table
from fogbank.tables.encryption import apply_sse
from fogbank.tables.errors import ResourceInUseException, ValidationException
from fogbank.tables.indexes import backfill_index
from fogbank.tables.on_demand import check_on_demand, updated_limits
from fogbank.tables.schema import (INVALID, MAX_GSIS, MAX_LSIS, TableDef, check_billing,
                                   check_gsi_key_schema, check_key_schema, check_projection,
                                   check_stream)
from fogbank.tables.storage import Storage, Writer, prefix_end
from fogbank.tables.warm_throughput import check_new_warm, raise_warm
from fogbank.tables.control_checks import (check_create_table, check_table_class,
                                            check_tag_count, check_ttl_spec, checked_tags)

Clock = Callable[[], float]
# DeleteTable's TableDescription leaves out the schema that DescribeTable shows.
# WarmThroughput is left out too: no recorded answer shows it there, and the shape stays
# as it was before DescribeTable reported it.
_NOT_IN_DELETE_DESCRIPTION = ("CreationDateTime", "KeySchema", "AttributeDefinitions",
                              "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "WarmThroughput")


class ControlPlane:
    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock
        self._figures = Figures()

    def _write(self, work: Callable[[Writer], Any]) -> Any:
        return self._storage.submit(work).result()

    # ------------------------------------------------------------------ tables

    def create_table(self, params: Mapping[str, Any]) -> dict[str, Any]:
        record = self.table_record(params)

        def work(writer: Writer) -> TableDef:
            if record["TableName"] in self._catalog.tables:
                raise ResourceInUseException(f"Table already exists: {record['TableName']}")
            record["_tid"] = self._catalog.allocate_tid(writer)
            return self._catalog.save(writer, record)

        table = self._write(work)
        # DynamoDB answers while it creates the table; here it is ACTIVE by the next call.
        described = self._describe(
            table, status="CREATING", counts=False,
            creating=[i["IndexName"] for i in table.record.get("GlobalSecondaryIndexes") or ()])
        if params.get("WarmThroughput"):
            # A requested warm throughput is still being reached when CreateTable answers.
            described["WarmThroughput"]["Status"] = "UPDATING"
        return {"TableDescription": described}

    def table_record(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The record CreateTable would keep for `params`, checked; restores make theirs
        here too."""
        name = params["TableName"]
        check_create_table(params)
        check_table_class(params)
        schema = params.get("KeySchema") or []
        attrs = params.get("AttributeDefinitions") or []
        if len(schema) == 2 and len(attrs) < 2:
            # Fewer definitions than key attributes is found before the key schema's own
            # rules (a repeated HASH among them), in these words.
            raise ValidationException(
                "Invalid KeySchema: Some index key attribute have no definition")
        check_key_schema(schema)
        mode = params.get("BillingMode", "PROVISIONED")
        check_billing(params, mode)
        check_stream(params.get("StreamSpecification"))
        lsis = [dict(i) for i in params.get("LocalSecondaryIndexes") or []]
        gsis = [dict(i) for i in params.get("GlobalSecondaryIndexes") or []]
        _check_indexes(schema, lsis, gsis, mode, params)
        _check_attributes(attrs, schema, lsis + gsis)
        now = self._clock()
        for number, index in enumerate(lsis + gsis, start=1):
            index["_number"] = number
        record: dict[str, Any] = {
            "TableName": name, "KeySchema": [dict(k) for k in schema],
            "AttributeDefinitions": [dict(a) for a in attrs], "BillingMode": mode,
            "ProvisionedThroughput": dict(params.get("ProvisionedThroughput") or {}),
            "LocalSecondaryIndexes": lsis, "GlobalSecondaryIndexes": gsis,
            "_created": now, "_next_index": len(lsis) + len(gsis) + 1,
            "TableId": str(uuid.uuid4()), "_tags": check_tag_count(checked_tags(params.get("Tags") or [])),
            "DeletionProtectionEnabled": bool(params.get("DeletionProtectionEnabled", False)),
            "TableClass": params.get("TableClass", "STANDARD"),
            # DynamoDB describes a table class once one was named, even the default.
            "_class_named": "TableClass" in params,
        }
        spec = params.get("StreamSpecification")
        if spec and spec.get("StreamEnabled"):
            _enable_stream(record, spec, now)
        apply_sse(record, params.get("SSESpecification"), self._catalog.region,
                  self._catalog.account_id)
        check_on_demand(params.get("OnDemandThroughput"), mode, updating=False)
        if params.get("OnDemandThroughput"):
            record["OnDemandThroughput"] = updated_limits({}, params["OnDemandThroughput"])
        check_new_warm(params.get("WarmThroughput"), mode, params.get("ProvisionedThroughput"),
                       "table")
        raise_warm(record, mode, params.get("WarmThroughput"))
        for index in gsis:
            warm = index.pop("WarmThroughput", None)
            check_new_warm(warm, mode, index.get("ProvisionedThroughput"),
                           f"index {index['IndexName']}")
            raise_warm(index, mode, warm)
        return record

    def delete_table(self, params: Mapping[str, Any]) -> dict[str, Any]:
        name = params["TableName"]

        def work(writer: Writer) -> TableDef:
            table = self._catalog.described(name)
            if table.record.get("DeletionProtectionEnabled"):
                raise ValidationException(
                    "Resource cannot be deleted as it is currently protected against deletion. "
                    "Disable deletion protection first.")
            self._catalog.drop(writer, table, self._clock())
            return table

        table = self._catalog.described(name)
        description = self._describe(table, status="DELETING", counts=True)
        for field in _NOT_IN_DELETE_DESCRIPTION:
            description.pop(field, None)
        self._write(work)
        self._figures.forget(table.tid)
        return {"TableDescription": description}

    def describe(self, params: Mapping[str, Any]) -> dict[str, Any]:
        table = self._catalog.described(params["TableName"])
        return {"Table": self._describe(table, status="ACTIVE", counts=True)}

    def _describe(self, table: TableDef, *, status: str, counts: bool,
                  creating: Collection[str] = ()) -> dict[str, Any]:
        if not counts:
            return describe_table(table, self._catalog.arn(table.name), status, None,
                                  self._figures, creating)
        with self._storage.read() as reader:
            return describe_table(table, self._catalog.arn(table.name), status, reader,
                                  self._figures, creating)

    def list_tables(self, params: Mapping[str, Any]) -> dict[str, Any]:
        limit = params.get("Limit", 100)
        names = sorted(self._catalog.tables)
        start = params.get("ExclusiveStartTableName")
        if start is not None:
            names = [n for n in names if n > start]
        output: dict[str, Any] = {"TableNames": names[:limit]}
        if len(names) > limit:
            output["LastEvaluatedTableName"] = names[limit - 1]
        return output

    def update_table(self, params: Mapping[str, Any]) -> dict[str, Any]:
        from fogbank.tables.table_updates import apply_update

        name = params["TableName"]
        check_table_class(params)

        created: list[str] = []
        dropped_sse: list[dict[str, Any]] = []

        def work(writer: Writer) -> TableDef:
            table = self._catalog.described(name)
            record = copy.deepcopy(dict(table.record))
            created[:] = apply_update(record, params, self._clock())
            if params.get("SSESpecification") is not None:
                before = record.get("_sse")
                apply_sse(record, params["SSESpecification"], self._catalog.region,
                          self._catalog.account_id, updating=True)
                if before and not record.get("_sse"):
                    dropped_sse[:] = [before]
            saved = self._catalog.save(writer, record)
            for index_name in created:
                backfill_index(writer, saved, saved.indexes[index_name])
            for index in table.indexes.values():
                if index.name not in saved.indexes:
                    space = keys.INDEX + keys.table_id_bytes(table.tid) + keys.index_id_bytes(index.number)
                    writer.delete_range(space, prefix_end(space))
            return saved

        table = self._write(work)
        # DynamoDB answers while the update and any new index's backfill run.
        description = self._describe(table, status="UPDATING", counts=True, creating=created)
        if dropped_sse:
            # Turning KMS encryption off, the answer still names the key, UPDATING; the
            # table's later descriptions have no SSEDescription (the AWS owned key).
            description["SSEDescription"] = dict(dropped_sse[0], Status="UPDATING")
        return {"TableDescription": description}

    # ------------------------------------------------------------------ TTL and tags

    def update_time_to_live(self, params: Mapping[str, Any]) -> dict[str, Any]:
        spec = params["TimeToLiveSpecification"]
        check_ttl_spec(spec)
        enabled = bool(spec.get("Enabled"))

        def work(writer: Writer) -> None:
            table = self._catalog.described(params["TableName"])
            record = copy.deepcopy(dict(table.record))
            current = record.get("_ttl") or {}
            if current.get("Enabled") and enabled:
                raise ValidationException("TimeToLive is already enabled")
            if not current.get("Enabled") and not enabled:
                raise ValidationException("TimeToLive is already disabled")
            if not enabled and current.get("AttributeName") != spec.get("AttributeName"):
                raise ValidationException(
                    "TimeToLive is active on a different AttributeName: current AttributeName "
                    f"is {current.get('AttributeName')}")
            record["_ttl"] = {"Enabled": enabled, "AttributeName": spec["AttributeName"]}
            self._catalog.save(writer, record)

        self._write(work)
        return {"TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": spec["AttributeName"]}}

    def describe_time_to_live(self, params: Mapping[str, Any]) -> dict[str, Any]:
        table = self._catalog.described(params["TableName"])
        ttl = table.record.get("_ttl") or {}
        if ttl.get("Enabled"):
            return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED",
                                              "AttributeName": ttl["AttributeName"]}}
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}

    def tag_resource(self, params: Mapping[str, Any]) -> dict[str, Any]:
        if not params["Tags"]:
            raise ValidationException("Atleast one Tag needs to be provided as Input.")
        tags = checked_tags(params["Tags"])

        def change(current: dict) -> dict:
            merged = {**current, **tags}
            check_tag_count(merged)
            return merged

        self._retag(params["ResourceArn"], change)
        return {}

    def untag_resource(self, params: Mapping[str, Any]) -> dict[str, Any]:
        if not params["TagKeys"]:
            raise ValidationException("Atleast one Tag Key needs to be provided as Input.")
        for key in params["TagKeys"]:
            if not key:
                raise ValidationException("The Tag Key provided is invalid, Key: ")
        drop = set(params["TagKeys"])
        self._retag(params["ResourceArn"],
                    lambda current: {k: v for k, v in current.items() if k not in drop})
        return {}

    def _retag(self, arn: str, change: Callable[[dict], dict]) -> None:
        self._catalog.by_arn(arn)

        def work(writer: Writer) -> None:
            record = copy.deepcopy(dict(self._catalog.by_arn(arn).record))
            record["_tags"] = change(record.get("_tags") or {})
            self._catalog.save(writer, record)

        self._write(work)

    def list_tags_of_resource(self, params: Mapping[str, Any]) -> dict[str, Any]:
        table = self._catalog.by_arn(params["ResourceArn"])
        tags = table.record.get("_tags") or {}
        return {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}

    @staticmethod
    def describe_limits(params: Mapping[str, Any]) -> dict[str, Any]:
        return {"AccountMaxReadCapacityUnits": 80000, "AccountMaxWriteCapacityUnits": 80000,
                "TableMaxReadCapacityUnits": 40000, "TableMaxWriteCapacityUnits": 40000}

    def describe_endpoints(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"Endpoints": [{"Address": f"dynamodb.{self._catalog.region}.amazonaws.com",
                               "CachePeriodInMinutes": 1440}]}


def _enable_stream(record: dict[str, Any], spec: Mapping[str, Any], now: float) -> None:
    label = dt.datetime.fromtimestamp(now, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    record["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": spec["StreamViewType"]}
    record["LatestStreamLabel"] = label
    record.setdefault("_streams", []).append(
        {"label": label, "view": spec["StreamViewType"], "created": now, "disabled": None})


def _check_indexes(schema: list, lsis: list, gsis: list, mode: str,
                   params: Mapping[str, Any]) -> None:
    seen: set[str] = set()
    table_hash = schema[0]["AttributeName"]
    for field in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        if field in params and not params[field]:
            raise ValidationException(INVALID + f"List of {field} is empty")
    if lsis and len(schema) < 2:
        raise ValidationException(INVALID + "Table KeySchema does not have a range key, which is "
                                  "required when specifying a LocalSecondaryIndex")
    checks = [(check_key_schema, i) for i in lsis] + [(check_gsi_key_schema, i) for i in gsis]
    for check, index in checks:
        name = index["IndexName"]
        if name in seen:
            raise ValidationException(INVALID + f"Duplicate index name: {name}")
        seen.add(name)
        check(index.get("KeySchema") or [])
        check_projection(index.get("Projection"))
    for index in lsis:
        ks = index["KeySchema"]
        if ks[0]["AttributeName"] != table_hash:
            raise ValidationException(
                INVALID + "Index KeySchema does not have the same leading hash key as table "
                f"KeySchema for index: {index['IndexName']}. index hash key: "
                f"{ks[0]['AttributeName']}, table hash key: {table_hash}")
        if len(ks) != 2:
            raise ValidationException(INVALID + "Index KeySchema must have a range key for "
                                      f"index: {index['IndexName']}")
    if len(lsis) > MAX_LSIS:
        raise ValidationException(INVALID + "Number of LocalSecondaryIndexes exceeds per-table "
                                  f"limit of {MAX_LSIS}")
    for index in gsis:
        if mode == "PAY_PER_REQUEST" and index.get("ProvisionedThroughput"):
            raise ValidationException(
                INVALID + "ProvisionedThroughput should not be specified for index: "
                f"{index['IndexName']} when BillingMode is PAY_PER_REQUEST")
        if mode == "PROVISIONED" and not index.get("ProvisionedThroughput"):
            raise ValidationException(
                INVALID + f"ProvisionedThroughput is not specified for index: {index['IndexName']}")
    if len(gsis) > MAX_GSIS:
        raise ValidationException(INVALID + "GlobalSecondaryIndex count exceeds the per-table "
                                  f"limit of {MAX_GSIS}")


def _check_attributes(attrs: list, schema: list, indexes: list) -> None:
    defined = [a["AttributeName"] for a in attrs]
    seen: set[str] = set()
    for name in defined:
        if name in seen:
            raise ValidationException(f"Attribute Name is duplicated: {name}")
        seen.add(name)
    keys = [k["AttributeName"] for k in schema]
    used = list(dict.fromkeys(keys + [k["AttributeName"] for index in indexes
                                      for k in index["KeySchema"]]))
    missing = sorted(set(used) - seen)
    if missing:
        raise ValidationException(
            INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(missing)}], AttributeDefinitions: [{', '.join(defined)}]")
    if set(used) != seen:
        if indexes:
            raise ValidationException(
                INVALID + "Some AttributeDefinitions are not used. AttributeDefinitions: "
                f"[{', '.join(defined)}], keys used: [{', '.join(used)}]")
        raise ValidationException(
            INVALID + "Number of attributes in KeySchema does not exactly match number of "
            "attributes defined in AttributeDefinitions")
