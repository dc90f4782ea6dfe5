"""UpdateTable's changes to a stored table definition: billing, throughput, streams, GSIs."""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from fogbank.tables.control_checks import (attribute_definition_problems,
                                            index_action_problems, index_problems,
                                            throughput_problems)
from fogbank.tables.errors import LimitExceededException, ResourceNotFoundException, ValidationException
from fogbank.tables.on_demand import check_on_demand, updated_limits
from fogbank.tables.schema import (INVALID, MAX_GSIS, check_billing, check_gsi_key_schema,
                                   check_projection, check_stream)
from fogbank.tables.update_rules import (check_index_update, check_switch_to_provisioned,
                                         check_throughput_changes, check_together,
                                         present_changes)
from fogbank.tables.validation import constraint_error
from fogbank.tables.warm_throughput import check_new_warm, check_warm_raise, raise_warm

_CHANGES = ("ProvisionedThroughput", "BillingMode", "StreamSpecification",
            "GlobalSecondaryIndexUpdates", "SSESpecification", "ReplicaUpdates",
            "DeletionProtectionEnabled", "TableClass", "OnDemandThroughput", "WarmThroughput")
_GSI_ACTIONS = ("Create", "Update", "Delete")


def apply_update(record: dict[str, Any], params: Mapping[str, Any], now: float) -> list[str]:
    """Changes `record` in place; returns the names of the indexes it creates."""
    problems = [p for p in throughput_problems(params.get("ProvisionedThroughput"),
                                               "provisionedThroughput") if p]
    if problems:
        raise constraint_error(problems)
    changes = present_changes(params, _CHANGES)
    # An empty GlobalSecondaryIndexUpdates list asks for nothing, as if it were absent...
    if not changes:
        raise ValidationException(
            "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
            "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, "
            "MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, "
            "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is "
            "required")
    # ...but beside a change, it is refused.
    if params.get("GlobalSecondaryIndexUpdates") == []:
        raise ValidationException(INVALID + "List of GlobalSecondaryIndexUpdates is empty")
    updates = params.get("GlobalSecondaryIndexUpdates") or []
    _check_index_updates(updates, params.get("AttributeDefinitions") or [])
    check_together(params, changes)
    mode = params.get("BillingMode", record.get("BillingMode", "PROVISIONED"))
    _update_billing(record, params, mode, updates)
    if params.get("DeletionProtectionEnabled") is not None:
        record["DeletionProtectionEnabled"] = bool(params["DeletionProtectionEnabled"])
    if params.get("TableClass"):
        record["TableClass"] = params["TableClass"]
        record["_class_named"] = True
        record["_class_updated"] = now
    if params.get("StreamSpecification") is not None:
        _update_stream(record, params["StreamSpecification"], now)
    known = {a["AttributeName"]: a for a in record["AttributeDefinitions"]}
    given = {a["AttributeName"]: dict(a) for a in params.get("AttributeDefinitions") or ()}
    created = []
    for change in updates:
        if "Create" in change:
            created.append(_create_index(record, change["Create"], known, given, mode))
        elif "Delete" in change:
            _delete_index(record, change["Delete"]["IndexName"])
        elif "Update" in change:
            _update_index(record, change["Update"], mode)
    used = {k["AttributeName"] for k in record["KeySchema"]}
    for index in record.get("LocalSecondaryIndexes", []) + record.get("GlobalSecondaryIndexes", []):
        used |= {k["AttributeName"] for k in index["KeySchema"]}
    record["AttributeDefinitions"] = [a for name, a in known.items() if name in used]
    _raise_warm_figures(record, params, updates, mode)
    return created


def _raise_warm_figures(record: dict[str, Any], params: Mapping[str, Any],
                        updates: list[Mapping[str, Any]], mode: str) -> None:
    """After the billing and throughput changes: the WarmThroughput figures never fall, and
    a request to lower them is refused."""
    check_warm_raise(record, mode, params.get("WarmThroughput"), "table")
    raise_warm(record, mode, params.get("WarmThroughput"))
    asked: dict[str, Mapping[str, Any]] = {}
    created: set[str] = set()
    for change in updates:
        for action in ("Create", "Update"):
            spec = change.get(action) or {}
            if spec.get("WarmThroughput"):
                asked[spec.get("IndexName")] = spec["WarmThroughput"]
                if action == "Create":
                    created.add(spec.get("IndexName"))
    for index in record.get("GlobalSecondaryIndexes", []):
        name = index["IndexName"]
        if name in created:
            check_new_warm(asked[name], mode, index.get("ProvisionedThroughput"), f"index {name}")
        else:
            check_warm_raise(index, mode, asked.get(name), f"index {name}")
        raise_warm(index, mode, asked.get(name))


def _update_billing(record: dict[str, Any], params: Mapping[str, Any], mode: str,
                    updates: list[Mapping[str, Any]]) -> None:
    """BillingMode, ProvisionedThroughput and OnDemandThroughput."""
    was = record.get("BillingMode", "PROVISIONED")
    if "BillingMode" in params or "ProvisionedThroughput" in params:
        if (mode == "PROVISIONED" and was != "PROVISIONED"
                and params.get("ProvisionedThroughput") is None):
            raise ValidationException(INVALID + "ProvisionedThroughput must be specified when "
                                      "BillingMode is PROVISIONED")
        check_billing(params, mode, needs_throughput=False)
        if params.get("ProvisionedThroughput") and was == "PROVISIONED":
            check_throughput_changes(record, params["ProvisionedThroughput"])
        if mode == "PROVISIONED" and was != "PROVISIONED":
            check_switch_to_provisioned(record, updates)
            # Limits are an on-demand table's: a switch to provisioned drops them.
            for holder in [record, *record.get("GlobalSecondaryIndexes", [])]:
                holder.pop("OnDemandThroughput", None)
        record["BillingMode"] = mode
        if params.get("ProvisionedThroughput"):
            record["ProvisionedThroughput"] = dict(params["ProvisionedThroughput"])
        elif mode == "PAY_PER_REQUEST":
            record["ProvisionedThroughput"] = {}
    limits = params.get("OnDemandThroughput")
    if limits:
        check_on_demand(limits, mode, updating=True)
        record["OnDemandThroughput"] = updated_limits(record.get("OnDemandThroughput"), limits)


def _update_stream(record: dict[str, Any], spec: Mapping[str, Any], now: float) -> None:
    check_stream(spec, updating=True)
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
            raise ValidationException(f"Table has no stream to disable: TableName: {name}")
        record["StreamSpecification"] = {"StreamEnabled": False}
        for stream in record.get("_streams", []):
            if stream["disabled"] is None:
                stream["disabled"] = now


def _check_index_updates(updates: list[Mapping[str, Any]],
                         definitions: list[Mapping[str, Any]]) -> None:
    """GlobalSecondaryIndexUpdates' shape: one action per entry, one index change per call;
    the new attributes' definitions checked with them, first, as the model orders them."""
    problems = attribute_definition_problems(definitions)
    for n, change in enumerate(updates, start=1):
        where = f"globalSecondaryIndexUpdates.{n}.member"
        if change.get("Create") is not None:
            problems += index_problems(change["Create"], f"{where}.create")
        for action in ("Update", "Delete"):
            if change.get(action) is not None:
                problems += index_action_problems(change[action], f"{where}.{action.lower()}")
    found = [p for p in problems if p]
    if found:
        raise constraint_error(found)
    names: set[str] = set()
    for change in updates:
        actions = [a for a in _GSI_ACTIONS if change.get(a) is not None]
        if not actions:
            raise ValidationException(
                INVALID + "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate."
                "Create, GlobalSecondaryIndexUpdate.Delete must not be null")
        if len(actions) > 1:
            raise ValidationException(INVALID + "Only one global secondary index action is "
                                      "allowed per GlobalSecondaryIndexUpdate object")
        name = change[actions[0]].get("IndexName")
        if name in names:
            raise ValidationException(
                INVALID + "Only one global secondary index update per index is allowed "
                f"simultaneously. Index: {name}")
        names.add(name)
    if sum(1 for c in updates if c.get("Create") or c.get("Delete")) > 1:
        raise LimitExceededException("Subscriber limit exceeded: Only 1 online index can be "
                                     "created or deleted simultaneously per table")


def _create_index(record: dict[str, Any], spec: Mapping[str, Any], known: dict,
                  given: dict, mode: str) -> str:
    name = spec["IndexName"]
    existing = record.get("LocalSecondaryIndexes", []) + record.get("GlobalSecondaryIndexes", [])
    if any(i["IndexName"] == name for i in existing):
        raise ValidationException("Attempting to create an index which already exists")
    if len(record.get("GlobalSecondaryIndexes", [])) >= MAX_GSIS:
        raise LimitExceededException("Subscriber limit exceeded: Number of global secondary "
                                     f"indexes exceeds per-table limit of {MAX_GSIS}")
    check_gsi_key_schema(spec.get("KeySchema") or [])
    check_projection(spec.get("Projection"))
    # The request must define the new index's keys itself, even ones the table already has.
    if not given:
        raise ValidationException(INVALID + f"AttributeDefinitions is not specified for index: {name}")
    if any(key["AttributeName"] not in given for key in spec["KeySchema"]):
        raise ValidationException("Invalid KeySchema: Some index key attribute have no definition")
    for key in spec["KeySchema"]:
        attr = key["AttributeName"]
        old = known.get(attr)
        if old is not None and old["AttributeType"] != given[attr]["AttributeType"]:
            raise ValidationException(
                INVALID + "Attributes cannot be redefined. Please check that your attribute "
                "has the same type as previously defined. Existing schema: "
                f"{_schema_text(_key_using(record, attr), known)} New schema: "
                f"{_schema_text(spec['KeySchema'], given)}")
    if mode == "PROVISIONED" and not spec.get("ProvisionedThroughput"):
        raise ValidationException(INVALID + "Both ReadCapacityUnits and WriteCapacityUnits must "
                                  f"be specified for index: {name}")
    if mode == "PAY_PER_REQUEST" and spec.get("ProvisionedThroughput"):
        raise ValidationException(INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits "
                                  f"can be specified for index: {name} when BillingMode is "
                                  "PAY_PER_REQUEST")
    for key in spec["KeySchema"]:
        known[key["AttributeName"]] = given[key["AttributeName"]]
    index = {k: v for k, v in spec.items() if k in ("IndexName", "KeySchema", "Projection",
                                                     "ProvisionedThroughput", "OnDemandThroughput")}
    index["_number"] = record["_next_index"]
    record["_next_index"] += 1
    record.setdefault("GlobalSecondaryIndexes", []).append(index)
    return name


def _key_using(record: Mapping[str, Any], attr: str) -> list[Mapping[str, Any]]:
    """The first key schema (the table's, then its indexes') that uses `attr`."""
    schemas = [record["KeySchema"]] + [i["KeySchema"] for i in record.get(
        "LocalSecondaryIndexes", []) + record.get("GlobalSecondaryIndexes", [])]
    return next(s for s in schemas if any(k["AttributeName"] == attr for k in s))


def _schema_text(schema: list[Mapping[str, Any]], types: Mapping[str, Any]) -> str:
    elements = ", ".join(
        f"SchemaElement: key{{{k['AttributeName']}:{types[k['AttributeName']]['AttributeType']}:"
        f"{k['KeyType']}}}" for k in schema)
    return f"Schema:[{elements}]"


def _update_index(record: dict[str, Any], update: Mapping[str, Any], mode: str) -> None:
    name = update["IndexName"]
    if any(i["IndexName"] == name for i in record.get("LocalSecondaryIndexes", [])):
        raise ValidationException(
            f"Cannot update an index that is not a GlobalSecondaryIndex: {name}")
    index = _find(record, name)
    check_index_update(index, update, mode)
    if update.get("ProvisionedThroughput"):
        index["ProvisionedThroughput"] = dict(update["ProvisionedThroughput"])
    if update.get("OnDemandThroughput"):
        index["OnDemandThroughput"] = updated_limits(index.get("OnDemandThroughput"),
                                                     update["OnDemandThroughput"])


def _delete_index(record: dict[str, Any], name: str) -> None:
    if any(i["IndexName"] == name for i in record.get("LocalSecondaryIndexes", [])):
        raise ValidationException(
            f"Cannot delete an index that is not a GlobalSecondaryIndex: {name}")
    _find(record, name)
    record["GlobalSecondaryIndexes"] = [i for i in record["GlobalSecondaryIndexes"]
                                        if i["IndexName"] != name]


def _find(record: dict[str, Any], name: str) -> dict[str, Any]:
    for index in record.get("GlobalSecondaryIndexes", []):
        if index["IndexName"] == name:
            return index
    raise ResourceNotFoundException(
        f"Requested resource not found: Index {name} for table {record['TableName']}")
