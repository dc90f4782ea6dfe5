"""`AWS::DynamoDB::Table` (SAM's `AWS::Serverless::SimpleTable` expands to one) → the
tables engine's control plane and table settings (PointInTimeRecoverySpecification).
`Ref` gives the table name; `GetAtt` Arn and StreamArn."""
from __future__ import annotations

from typing import Any, Mapping, Protocol

from fogbank.deploy.naming import physical_name
from fogbank.types import Deployed, Resource

# Changing any of these replaces the table, as CloudFormation does.
_REPLACING = ("TableName", "KeySchema", "LocalSecondaryIndexes")


class TablesControl(Protocol):
    """The synchronous control plane of `fogbank.tables` (TablesEngine.control)."""

    def create_table(self, params: Mapping[str, Any]) -> dict[str, Any]: ...

    def delete_table(self, params: Mapping[str, Any]) -> dict[str, Any]: ...

    def describe(self, params: Mapping[str, Any]) -> dict[str, Any]: ...

    def update_table(self, params: Mapping[str, Any]) -> dict[str, Any]: ...

    def update_time_to_live(self, params: Mapping[str, Any]) -> dict[str, Any]: ...

    def tag_resource(self, params: Mapping[str, Any]) -> dict[str, Any]: ...

    def untag_resource(self, params: Mapping[str, Any]) -> dict[str, Any]: ...


class TableSettings(Protocol):
    """The synchronous table settings of `fogbank.tables` (TablesEngine.settings)."""

    def update_continuous_backups(self, params: Mapping[str, Any]) -> dict[str, Any]: ...


class TableProvider:
    types = ("AWS::DynamoDB::Table",)
    attribute_names: frozenset[str] = frozenset({"Arn", "StreamArn"})

    def __init__(self, control: TablesControl, settings: TableSettings | None = None) -> None:
        self._control = control
        self._settings = settings

    def create(self, res: Resource) -> Deployed:
        params = create_params(res)
        description = self._control.create_table(params)["TableDescription"]
        ttl = res.properties.get("TimeToLiveSpecification") or {}
        if _truthy(ttl.get("Enabled")):
            self._control.update_time_to_live({"TableName": params["TableName"],
                                               "TimeToLiveSpecification": {
                                                   "Enabled": True,
                                                   "AttributeName": str(ttl["AttributeName"])}})
        self._update_recovery(params["TableName"], None, res)
        return _deployed(description)

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        before, after = create_params(old, deployed.physical_id), create_params(new)
        if any(before.get(k) != after.get(k) for k in _REPLACING):
            result = self.create(new)
            self.delete(old, deployed)
            return result
        name = deployed.physical_id
        old_stream, new_stream = before.get("StreamSpecification"), after.get("StreamSpecification")
        if old_stream and new_stream and old_stream != new_stream:
            # A different view type is a new stream: the old one is disabled first.
            self._control.update_table({"TableName": name,
                                        "StreamSpecification": {"StreamEnabled": False}})
        for change in _table_changes(before, after):
            self._control.update_table({"TableName": name, **change})
        self._update_ttl(name, old, new)
        self._update_recovery(name, old, new)
        self._update_tags(name, deployed, before, after)
        return _deployed(self._control.describe({"TableName": name})["Table"])

    def delete(self, res: Resource, deployed: Deployed) -> None:
        try:
            self._control.delete_table({"TableName": deployed.physical_id})
        except Exception as exc:         # already gone: deleting is idempotent
            if getattr(exc, "code", "") != "ResourceNotFoundException":
                raise

    def restore(self, res: Resource, deployed: Deployed) -> None:
        # Tables persist in the engine; recreate one only if its storage was removed.
        try:
            self._control.describe({"TableName": deployed.physical_id})
        except Exception as exc:
            if getattr(exc, "code", "") != "ResourceNotFoundException":
                raise
            self._control.create_table(create_params(res, deployed.physical_id))

    def _update_ttl(self, name: str, old: Resource, new: Resource) -> None:
        was = old.properties.get("TimeToLiveSpecification") or {}
        now = new.properties.get("TimeToLiveSpecification") or {}
        was_on, now_on = _truthy(was.get("Enabled")), _truthy(now.get("Enabled"))
        if was_on and (not now_on or was.get("AttributeName") != now.get("AttributeName")):
            self._control.update_time_to_live({"TableName": name, "TimeToLiveSpecification": {
                "Enabled": False, "AttributeName": str(was["AttributeName"])}})
            was_on = False
        if now_on and not was_on:
            self._control.update_time_to_live({"TableName": name, "TimeToLiveSpecification": {
                "Enabled": True, "AttributeName": str(now["AttributeName"])}})

    def _update_recovery(self, name: str, old: Resource | None, new: Resource) -> None:
        """PointInTimeRecoverySpecification: set when it differs from what was deployed (a
        new table starts with recovery off)."""
        was = _recovery(old) if old is not None else _recovery_off()
        now = _recovery(new)
        if now == was:
            return
        if self._settings is None:
            raise RuntimeError("PointInTimeRecoverySpecification needs the table settings")
        self._settings.update_continuous_backups(
            {"TableName": name, "PointInTimeRecoverySpecification": now})

    def _update_tags(self, name: str, deployed: Deployed, before: dict, after: dict) -> None:
        arn = deployed.attributes.get("Arn")
        old_tags = {t["Key"]: t["Value"] for t in before.get("Tags") or ()}
        new_tags = {t["Key"]: t["Value"] for t in after.get("Tags") or ()}
        if arn and set(old_tags) - set(new_tags):
            self._control.untag_resource({"ResourceArn": arn,
                                          "TagKeys": sorted(set(old_tags) - set(new_tags))})
        if arn and new_tags and new_tags != old_tags:
            self._control.tag_resource({"ResourceArn": arn, "Tags": after["Tags"]})


def create_params(res: Resource, name: str | None = None) -> dict[str, Any]:
    """CreateTable's input from the resource's properties."""
    props = res.properties
    params: dict[str, Any] = {
        "TableName": name or str(props.get("TableName") or physical_name(res, 255)),
        "KeySchema": [dict(k) for k in props.get("KeySchema") or ()],
        "AttributeDefinitions": [dict(a) for a in props.get("AttributeDefinitions") or ()],
        "BillingMode": str(props.get("BillingMode") or "PROVISIONED"),
    }
    if props.get("ProvisionedThroughput"):
        params["ProvisionedThroughput"] = _throughput(props["ProvisionedThroughput"])
    for field in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if props.get(field):
            params[field] = [_index(i) for i in props[field]]
    stream = props.get("StreamSpecification") or {}
    if stream.get("StreamViewType"):
        params["StreamSpecification"] = {"StreamEnabled": True,
                                         "StreamViewType": str(stream["StreamViewType"])}
    if props.get("Tags"):
        params["Tags"] = [{"Key": str(t["Key"]), "Value": str(t["Value"])} for t in props["Tags"]]
    if props.get("SSESpecification"):
        params["SSESpecification"] = _sse(props["SSESpecification"])
    if props.get("DeletionProtectionEnabled") is not None:
        params["DeletionProtectionEnabled"] = _truthy(props["DeletionProtectionEnabled"])
    if props.get("TableClass"):
        params["TableClass"] = str(props["TableClass"])
    return params


def _index(index: Mapping[str, Any]) -> dict[str, Any]:
    out = {"IndexName": str(index["IndexName"]), "KeySchema": [dict(k) for k in index["KeySchema"]],
           "Projection": dict(index.get("Projection") or {"ProjectionType": "ALL"})}
    if index.get("ProvisionedThroughput"):
        out["ProvisionedThroughput"] = _throughput(index["ProvisionedThroughput"])
    return out


def _sse(value: Mapping[str, Any]) -> dict[str, Any]:
    """CreateTable's SSESpecification from the resource's, whose `SSEEnabled` is the API's
    `Enabled` (on: a KMS key, the AWS managed one unless KMSMasterKeyId names another)."""
    out: dict[str, Any] = {"Enabled": _truthy(value.get("SSEEnabled"))}
    for member in ("SSEType", "KMSMasterKeyId"):
        if value.get(member):
            out[member] = str(value[member])
    return out


def _kms_key(params: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The KMS setting of CreateTable's input; None for the AWS owned key (SSE left out or
    off), which DynamoDB refuses to be switched to when a table already has it."""
    sse = params.get("SSESpecification")
    return sse if sse and sse["Enabled"] else None


def _throughput(value: Mapping[str, Any]) -> dict[str, int]:
    return {"ReadCapacityUnits": int(value["ReadCapacityUnits"]),
            "WriteCapacityUnits": int(value["WriteCapacityUnits"])}


def _table_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """The UpdateTable requests that take the table from `before` to `after`, one concern
    each: DynamoDB takes an index built or removed, a billing change and a stream change
    only in requests of their own."""
    changes: list[dict[str, Any]] = []
    old_gsis = {i["IndexName"]: i for i in before.get("GlobalSecondaryIndexes") or ()}
    new_gsis = {i["IndexName"]: i for i in after.get("GlobalSecondaryIndexes") or ()}
    changes += [{"GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": n}}]}
                for n in old_gsis if old_gsis[n] != new_gsis.get(n)]
    if (before.get("BillingMode"), before.get("ProvisionedThroughput")) != (
            after.get("BillingMode"), after.get("ProvisionedThroughput")):
        change = {"BillingMode": after["BillingMode"]}
        if after.get("ProvisionedThroughput"):
            change["ProvisionedThroughput"] = after["ProvisionedThroughput"]
        changes.append(change)
    changes += [{"GlobalSecondaryIndexUpdates": [{"Create": i}],
                 "AttributeDefinitions": after["AttributeDefinitions"]}
                for n, i in new_gsis.items() if old_gsis.get(n) != i]
    if before.get("StreamSpecification") != after.get("StreamSpecification"):
        changes.append({"StreamSpecification": after.get("StreamSpecification")
                        or {"StreamEnabled": False}})
    if _kms_key(before) != _kms_key(after):
        changes.append({"SSESpecification": after.get("SSESpecification") or {"Enabled": False}})
    return changes


def _deployed(description: Mapping[str, Any]) -> Deployed:
    attributes = {"Arn": description["TableArn"]}
    if description.get("LatestStreamArn"):
        attributes["StreamArn"] = description["LatestStreamArn"]
    return Deployed(description["TableName"], attributes)


def _recovery_off() -> dict[str, Any]:
    return {"PointInTimeRecoveryEnabled": False}


def _recovery(res: Resource) -> dict[str, Any]:
    """UpdateContinuousBackups' PointInTimeRecoverySpecification from the resource's."""
    spec = res.properties.get("PointInTimeRecoverySpecification") or {}
    if not _truthy(spec.get("PointInTimeRecoveryEnabled")):
        return _recovery_off()
    out: dict[str, Any] = {"PointInTimeRecoveryEnabled": True}
    if spec.get("RecoveryPeriodInDays") is not None:
        out["RecoveryPeriodInDays"] = int(spec["RecoveryPeriodInDays"])
    return out


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"
