"""Resource-based policies on tables and streams: PutResourcePolicy, GetResourcePolicy,
DeleteResourcePolicy.

A policy is kept with the table's record (under the stream's label for a stream), checked
to be a JSON policy document, and versioned by RevisionId for ExpectedRevisionId. It is not
enforced: every caller of a node is the account itself, which a policy cannot lock out.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Mapping

from fogbank.tables.catalog import Catalog
from fogbank.tables.errors import (PolicyNotFoundException, ResourceNotFoundException,
                                   ValidationException)
from fogbank.tables.schema import TableDef
from fogbank.tables.storage import Storage
from fogbank.tables.table_settings import change_record

Clock = Callable[[], float]
MAX_POLICY_BYTES = 20 * 1024          # DynamoDB counts whitespace towards the 20 KB
NO_POLICY = "NO_POLICY"               # ExpectedRevisionId: attach only where there is none
_TABLE_LEVEL = ""                     # the key of the table's own policy; streams use labels


class ResourcePolicies:
    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock

    def put_resource_policy(self, params: Mapping[str, Any]) -> dict[str, Any]:
        arn, document = params["ResourceArn"], params["Policy"]
        table, slot = self._resource(arn)
        _check_document(document)
        expected = params.get("ExpectedRevisionId")
        now_ms = int(self._clock() * 1000)

        def change(record: dict[str, Any]) -> str:
            policies = record.setdefault("_policies", {})
            current = policies.get(slot)
            if expected == NO_POLICY and current is not None:
                raise PolicyNotFoundException(
                    "Resource-based policy not found for the provided ResourceArn: Requested "
                    f"policy update expecting none to be present for table {table.name}, but "
                    f"a policy exists with revision id {current['RevisionId']}.")
            _check_expected(arn, table.name, current, expected)
            if current is not None and current["Policy"] == document:
                return current["RevisionId"]      # the same document: the same revision
            # Revision ids are increasing numbers, even for two puts in one millisecond.
            previous = int(current["RevisionId"]) if current else 0
            revision = str(max(now_ms, previous + 1))
            policies[slot] = {"Policy": document, "RevisionId": revision}
            return revision

        revision = change_record(self._storage, self._catalog, self._table_of, arn, change)
        return {"RevisionId": revision}

    def get_resource_policy(self, params: Mapping[str, Any]) -> dict[str, Any]:
        arn = params["ResourceArn"]
        table, slot = self._resource(arn)
        current = (table.record.get("_policies") or {}).get(slot)
        if current is None:
            raise _not_found(arn)
        return {"Policy": current["Policy"], "RevisionId": current["RevisionId"]}

    def delete_resource_policy(self, params: Mapping[str, Any]) -> dict[str, Any]:
        arn = params["ResourceArn"]
        table, slot = self._resource(arn)
        expected = params.get("ExpectedRevisionId")

        def change(record: dict[str, Any]) -> str:
            policies = record.get("_policies") or {}
            current = policies.get(slot)
            if current is None:
                raise _not_found(arn)
            _check_expected(arn, table.name, current, expected)
            del policies[slot]
            return current["RevisionId"]

        revision = change_record(self._storage, self._catalog, self._table_of, arn, change)
        return {"RevisionId": revision}

    def _resource(self, arn: str) -> tuple[TableDef, str]:
        """The table an ARN names and the policy's slot in it: the table's own, or a stream's
        (by its label). An index ARN is refused as the tag operations refuse it."""
        table_arn, _, label = arn.partition("/stream/")
        try:
            table = self._catalog.by_arn(table_arn)
        except ResourceNotFoundException:
            if label:
                raise
            # The policy operations name a missing table, where the tag operations repeat
            # the ARN.
            name = table_arn.split(":", 5)[5][len("table/"):]
            raise ResourceNotFoundException(
                f"Requested resource not found: Table: {name} not found") from None
        if not label:
            return table, _TABLE_LEVEL
        if label not in {stream["label"] for stream in table.record.get("_streams") or ()}:
            raise ResourceNotFoundException(
                f"Requested resource not found: ResourceArn: {arn} not found")
        return table, label

    def _table_of(self, arn: str) -> TableDef:
        return self._resource(arn)[0]


def _check_document(document: str) -> None:
    if len(document.encode()) > MAX_POLICY_BYTES:
        raise ValidationException(
            f"Policy document size exceeds the maximum of {MAX_POLICY_BYTES} bytes: "
            f"{len(document.encode())} bytes")
    try:
        parsed = json.loads(document)
    except ValueError as exc:
        raise ValidationException(f"Invalid policy document: not valid JSON ({exc})") from None
    if not isinstance(parsed, dict) or not parsed.get("Statement"):
        raise ValidationException("Invalid policy document: a policy is a JSON object with "
                                  "at least one Statement")


def _check_expected(arn: str, table: str, current: Mapping[str, Any] | None,
                    expected: str | None) -> None:
    """ExpectedRevisionId makes a change conditional; a mismatch reads as a missing policy."""
    if expected is None:
        return
    if current is None:
        if expected != NO_POLICY:
            raise _not_found(arn)
        return
    if expected != current["RevisionId"]:
        raise PolicyNotFoundException(
            f"Resource-based policy not found for the provided ResourceArn: Requested update "
            f"for policy with revision id {expected}, but the policy associated to target "
            f"table {table} has revision id {current['RevisionId']}.")


def _not_found(arn: str) -> PolicyNotFoundException:
    return PolicyNotFoundException(
        f"Resource-based policy not found for the provided ResourceArn: {arn}")
