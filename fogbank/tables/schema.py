"""Table and index definitions: what CreateTable accepts, and the typed view the hot paths use.

A table's definition is stored as a plain record (a dict of primitive values, so any
backend can keep it); `TableDef` is the immutable, pre-digested view built from it once
per change, so a PutItem never walks the request shapes of CreateTable again.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from fogbank.tables.errors import ValidationException

INVALID = "One or more parameter values were invalid: "
# DynamoDB's per-table index quotas.
MAX_GSIS = 20
MAX_LSIS = 5
# A global secondary index's key may have up to four HASH and up to four RANGE attributes.
MAX_INDEX_KEY_PARTS = 4

KeyPart = tuple[str, str]              # (attribute name, attribute type)


@dataclass(frozen=True)
class IndexDef:
    name: str
    number: int                        # the index's key-space number within its table
    local: bool                        # an LSI (shares the table's partition key)
    hash: tuple[KeyPart, ...]          # the HASH attributes in key-schema order (1 to 4)
    range: tuple[KeyPart, ...]         # the RANGE attributes in key-schema order (0 to 4)
    projection: str                    # KEYS_ONLY | INCLUDE | ALL
    non_key: tuple[str, ...]
    record: Mapping[str, Any]          # as created: IndexName, KeySchema, Projection, …

    def key_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.hash + self.range)

    @property
    def multi_attribute(self) -> bool:
        """A key of more than one HASH or more than one RANGE attribute (GSIs only)."""
        return len(self.hash) > 1 or len(self.range) > 1


@dataclass(frozen=True)
class TableDef:
    name: str
    tid: int
    hash_name: str
    hash_type: str
    range_name: str | None
    range_type: str | None
    indexes: Mapping[str, IndexDef]
    stream_view: str | None            # StreamViewType when a stream is enabled
    ttl_attribute: str | None
    record: Mapping[str, Any]          # the stored definition

    def key_names(self) -> tuple[str, ...]:
        return (self.hash_name,) if self.range_name is None else (self.hash_name, self.range_name)

    def key_of(self, item: Mapping[str, Any]) -> dict[str, Any]:
        key = {self.hash_name: item[self.hash_name]}
        if self.range_name is not None:
            key[self.range_name] = item[self.range_name]
        return key

    @staticmethod
    def from_record(record: Mapping[str, Any]) -> TableDef:
        attrs = record["AttributeDefinitions"]
        types = {a["AttributeName"]: a["AttributeType"] for a in attrs}
        hash_name, range_name = split_key_schema(record["KeySchema"])
        indexes = {}
        for local, field in ((True, "LocalSecondaryIndexes"), (False, "GlobalSecondaryIndexes")):
            for index in record.get(field, ()):
                parts = {kind: tuple((k["AttributeName"], types[k["AttributeName"]])
                                     for k in index["KeySchema"] if k["KeyType"] == kind)
                         for kind in ("HASH", "RANGE")}
                projection = index.get("Projection") or {}
                indexes[index["IndexName"]] = IndexDef(
                    index["IndexName"], index["_number"], local, parts["HASH"], parts["RANGE"],
                    projection.get("ProjectionType", "ALL"),
                    tuple(projection.get("NonKeyAttributes") or ()), index)
        stream = record.get("StreamSpecification") or {}
        ttl = record.get("_ttl") or {}
        return TableDef(record["TableName"], record["_tid"], hash_name, types[hash_name],
                        range_name, types.get(range_name) if range_name else None, indexes,
                        stream.get("StreamViewType") if stream.get("StreamEnabled") else None,
                        ttl.get("AttributeName") if ttl.get("Enabled") else None, record)


def split_key_schema(schema: list[Mapping[str, Any]]) -> tuple[str, str | None]:
    hash_name = next(k["AttributeName"] for k in schema if k["KeyType"] == "HASH")
    range_name = next((k["AttributeName"] for k in schema if k["KeyType"] == "RANGE"), None)
    return hash_name, range_name


def check_key_schema(schema: list[Mapping[str, Any]], where: str = "") -> None:
    """DynamoDB's KeySchema rules: a HASH first, an optional RANGE second, distinct names."""
    if not schema or len(schema) > 2:
        _bad_length(schema, where, 2)
    _check_first_is_hash(schema)
    if len(schema) == 2:
        # A name given twice is reported before the second element's key type.
        if schema[0]["AttributeName"] == schema[1]["AttributeName"]:
            raise ValidationException("Both the Hash Key and the Range Key element in the "
                                      "KeySchema have the same name")
        if schema[1]["KeyType"] != "RANGE":
            raise ValidationException(
                "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")


def check_gsi_key_schema(schema: list[Mapping[str, Any]], where: str = "") -> None:
    """A global secondary index's KeySchema: one to four HASH attributes, then up to four
    RANGE attributes (multi-attribute keys), all names distinct. A schema of one HASH and
    at most one RANGE gets the table's checks and messages."""
    kinds = [k["KeyType"] for k in schema or ()]
    if kinds in (["HASH"], ["HASH", "RANGE"]) or not kinds:
        check_key_schema(schema, where)
        return
    if len(kinds) > 2 * MAX_INDEX_KEY_PARTS:
        _bad_length(schema, where, 2 * MAX_INDEX_KEY_PARTS)
    _check_first_is_hash(schema)
    hashes = kinds.count("HASH")
    if "HASH" in kinds[hashes:]:
        raise ValidationException(INVALID + "All HASH key attributes must precede RANGE key "
                                  "attributes in the KeySchema")
    for kind, count in (("HASH", hashes), ("RANGE", len(kinds) - hashes)):
        if count > MAX_INDEX_KEY_PARTS:
            raise ValidationException(INVALID + "The KeySchema exceeds the maximum allowed "
                                      f"number of {kind} key attributes")
    names = [k["AttributeName"] for k in schema]
    if len(set(names)) != len(names):
        raise ValidationException("The KeySchema contains multiple key attributes with the "
                                  "same name")


def _bad_length(schema: list[Mapping[str, Any]] | None, where: str, most: int) -> None:
    bound = (f"less than or equal to {most}" if schema else "greater than or equal to 1")
    raise ValidationException(f"1 validation error detected: Value '{_show(schema)}' at "
                              f"'{where or 'keySchema'}' failed to satisfy constraint: "
                              f"Member must have length {bound}")


def _check_first_is_hash(schema: list[Mapping[str, Any]]) -> None:
    if schema[0]["KeyType"] != "HASH":
        raise ValidationException("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")


def check_projection(projection: Mapping[str, Any] | None) -> None:
    projection = projection or {}
    kind = projection.get("ProjectionType")
    non_key = projection.get("NonKeyAttributes")
    if kind is None:
        raise ValidationException(INVALID + "Unknown ProjectionType: null")
    if kind != "INCLUDE" and non_key:
        raise ValidationException(INVALID + f"ProjectionType is {kind}, but NonKeyAttributes "
                                  "is specified")
    if kind == "INCLUDE" and not non_key:
        raise ValidationException(INVALID + "ProjectionType is INCLUDE, but NonKeyAttributes "
                                  "is not specified")
    seen: set[str] = set()
    for name in non_key or ():
        if name in seen:
            raise ValidationException(INVALID + f"Duplicate element in NonKeyAttributes: {name}")
        seen.add(name)


MAX_CAPACITY_UNITS = 1_000_000_000_000      # per ReadCapacityUnits / WriteCapacityUnits


def check_billing(params: Mapping[str, Any], mode: str, *, needs_throughput: bool = True) -> None:
    throughput = params.get("ProvisionedThroughput")
    if mode == "PAY_PER_REQUEST" and throughput is not None:
        raise ValidationException(INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits "
                                  "can be specified when BillingMode is PAY_PER_REQUEST")
    if mode == "PROVISIONED" and throughput is None and needs_throughput:
        raise ValidationException(INVALID + "ReadCapacityUnits and WriteCapacityUnits must both "
                                  "be specified when BillingMode is PROVISIONED")
    if throughput is not None:
        for field in ("ReadCapacityUnits", "WriteCapacityUnits"):
            if throughput.get(field, 0) < 1:
                raise ValidationException(INVALID + f"{field} must be greater than 0.")
        for field in ("ReadCapacityUnits", "WriteCapacityUnits"):
            if throughput.get(field, 0) > MAX_CAPACITY_UNITS:
                raise ValidationException(
                    f"Given value {throughput[field]} for {field} is out of bounds")


STREAM_VIEW_TYPES = ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")
# As DynamoDB's validator lists them in "Member must satisfy enum value set: [...]".
_STREAM_VIEW_ORDER = ("OLD_IMAGE", "KEYS_ONLY", "NEW_AND_OLD_IMAGES", "NEW_IMAGE")
# The view type rules in CreateTable's words, then UpdateTable's.
_STREAM_RULES = {
    False: ("Table is being created with a stream enabled, UpdateViewType is required",
            "Table is being created with a stream disabled, UpdateViewType should not be "
            "specified"),
    True: ("If stream is being enabled then UpdateViewType is required",
           "If stream is being disabled, then UpdateViewType must not be specified"),
}


def check_stream(spec: Mapping[str, Any] | None, *, updating: bool = False) -> None:
    if spec is None:
        return
    if spec.get("StreamEnabled") is None:
        raise ValidationException(
            "1 validation error detected: Value null at 'streamSpecification.streamEnabled' "
            "failed to satisfy constraint: Member must not be null")
    view = spec.get("StreamViewType")
    if view is not None and view not in STREAM_VIEW_TYPES:
        # The request validator's message (validation.py imports this module, hence inline).
        raise ValidationException(
            f"1 validation error detected: Value '{view}' at 'streamSpecification.streamViewType' "
            "failed to satisfy constraint: Member must satisfy enum value set: "
            f"[{', '.join(_STREAM_VIEW_ORDER)}]")
    needs_view, refuses_view = _STREAM_RULES[updating]
    if spec.get("StreamEnabled") and not view:
        raise ValidationException(INVALID + needs_view)
    if not spec.get("StreamEnabled") and view:
        raise ValidationException(INVALID + refuses_view)


def _show(value: Any) -> str:
    """A KeySchema as DynamoDB's Java prints it: [KeySchemaElement(attributeName=pk,
    keyType=HASH), ...]."""
    if not isinstance(value, list):
        return str(value)

    def field(element: Mapping[str, Any], name: str) -> str:
        return "null" if element.get(name) is None else str(element[name])
    return "[" + ", ".join(
        f"KeySchemaElement(attributeName={field(k, 'AttributeName')}, "
        f"keyType={field(k, 'KeyType')})" if isinstance(k, Mapping) else "null"
        for k in value) + "]"
