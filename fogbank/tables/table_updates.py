"""UpdateTable's changes to a stored table definition: billing, throughput, streams, GSIs."""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from fogbank.tables.errors import LimitExceededException, ResourceNotFoundException, ValidationException
from fogbank.tables.schema import (INVALID, check_billing, check_key_schema, check_projection,
                                   check_stream)

_CHANGES = ("ProvisionedThroughput", "BillingMode", "StreamSpecification",
            "GlobalSecondaryIndexUpdates", "SSESpecification", "ReplicaUpdates",
            "DeletionProtectionEnabled", "TableClass", "AttributeDefinitions",
            "OnDemandThroughput", "WarmThroughput")
MAX_GSIS = 20


def apply_update(record: dict[str, Any], params: Mapping[str, Any], now: float) -> list[str]:
    """Changes `record` in place; returns the names of the indexes it creates."""
    if not any(params.get(name) is not None for name in _CHANGES):
        raise ValidationException(
            "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
            "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
    mode = params.get("BillingMode", record.get("BillingMode", "PROVISIONED"))
    if "BillingMode" in params or "ProvisionedThroughput" in params:
        check_billing(params, mode, needs_throughput=record.get("BillingMode") != "PROVISIONED"
                      and mode == "PROVISIONED")
        record["BillingMode"] = mode
        if params.get("ProvisionedThroughput"):
            record["ProvisionedThroughput"] = dict(params["ProvisionedThroughput"])
        elif mode == "PAY_PER_REQUEST":
            record["ProvisionedThroughput"] = {}
    if params.get("DeletionProtectionEnabled") is not None:
        record["DeletionProtectionEnabled"] = bool(params["DeletionProtectionEnabled"])
    if params.get("TableClass"):
        record["TableClass"] = params["TableClass"]
    if params.get("StreamSpecification") is not None:
        _update_stream(record, params["StreamSpecification"], now)
    known = {a["AttributeName"]: a for a in record["AttributeDefinitions"]}
    for attr in params.get("AttributeDefinitions") or ():
        known[attr["AttributeName"]] = dict(attr)
    created = []
    for change in params.get("GlobalSecondaryIndexUpdates") or ():
        if "Create" in change:
            created.append(_create_index(record, change["Create"], known, mode))
        elif "Delete" in change:
            _delete_index(record, change["Delete"]["IndexName"])
        elif "Update" in change:
            _find(record, change["Update"]["IndexName"])["ProvisionedThroughput"] = dict(
                change["Update"].get("ProvisionedThroughput") or {})
    used = {k["AttributeName"] for k in record["KeySchema"]}
    for index in record.get("LocalSecondaryIndexes", []) + record.get("GlobalSecondaryIndexes", []):
        used |= {k["AttributeName"] for k in index["KeySchema"]}
    record["AttributeDefinitions"] = [a for name, a in known.items() if name in used]
    return created


def _update_stream(record: dict[str, Any], spec: Mapping[str, Any], now: float) -> None:
    check_stream(spec)
    current = record.get("StreamSpecification") or {}
    name = record["TableName"]
    if spec.get("StreamEnabled"):
        if current.get("StreamEnabled"):
            raise ValidationException(f"Table already has an enabled stream: TableName: {name}")
        label = dt.datetime.fromtimestamp(now, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        record["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": spec["StreamViewType"]}
        record["LatestStreamLabel"] = label
        record.setdefault("_streams", []).append(
            {"label": label, "view": spec["StreamViewType"], "created": now, "disabled": None})
    else:
        if not current.get("StreamEnabled"):
            raise ValidationException(f"Table already has no enabled stream: TableName: {name}")
        record["StreamSpecification"] = {"StreamEnabled": False}
        for stream in record.get("_streams", []):
            if stream["disabled"] is None:
                stream["disabled"] = now


def _create_index(record: dict[str, Any], spec: Mapping[str, Any], known: dict, mode: str) -> str:
    name = spec["IndexName"]
    existing = record.get("LocalSecondaryIndexes", []) + record.get("GlobalSecondaryIndexes", [])
    if any(i["IndexName"] == name for i in existing):
        raise ValidationException(INVALID + f"Index already exists: {name}")
    if len(record.get("GlobalSecondaryIndexes", [])) >= MAX_GSIS:
        raise LimitExceededException(
            f"Subscriber limit exceeded: The number of global secondary indexes exceeds {MAX_GSIS}")
    check_key_schema(spec.get("KeySchema") or [])
    check_projection(spec.get("Projection"), name)
    for key in spec["KeySchema"]:
        if key["AttributeName"] not in known:
            raise ValidationException(
                INVALID + "Global Secondary Index hash key not specified in Attribute "
                "Definitions.Type unknown.")
    if mode == "PROVISIONED" and not spec.get("ProvisionedThroughput"):
        raise ValidationException(INVALID + "ProvisionedThroughput must be specified for index: "
                                  f"{name}")
    index = {k: v for k, v in spec.items() if k in ("IndexName", "KeySchema", "Projection",
                                                     "ProvisionedThroughput")}
    index["_number"] = record["_next_index"]
    record["_next_index"] += 1
    record.setdefault("GlobalSecondaryIndexes", []).append(index)
    return name


def _delete_index(record: dict[str, Any], name: str) -> None:
    _find(record, name)
    record["GlobalSecondaryIndexes"] = [i for i in record["GlobalSecondaryIndexes"]
                                        if i["IndexName"] != name]


def _find(record: dict[str, Any], name: str) -> dict[str, Any]:
    for index in record.get("GlobalSecondaryIndexes", []):
        if index["IndexName"] == name:
            return index
    raise ResourceNotFoundException(f"Requested resource not found: Index: {name} not found")
