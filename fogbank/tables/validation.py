"""Checks every item operation shares: keys against the schema, items, ReturnValues, sizes."""
from __future__ import annotations

import math
import re
from typing import Any, Mapping

from fogbank.tables.errors import RequestCheckFailed, ValidationException
from fogbank.tables.indexes import check_index_keys
from fogbank.tables.schema import TableDef
from fogbank.tables.values import item_size, too_deep, validate_value

MAX_ITEM_SIZE = 400 * 1024
MAX_HASH_KEY = 2048           # bytes of a string's UTF-8 or of a binary value
MAX_RANGE_KEY = 1024
TOO_LARGE = "Item size has exceeded the maximum allowed size"
UPDATE_TOO_LARGE = "Item size to update has exceeded the maximum allowed size"
NESTING_LIMIT = "Nesting Levels have exceeded supported limits"
_INVALID = "One or more parameter values were invalid: "


def check_key_values(key: Mapping[str, Any]) -> dict[str, Any]:
    """A Key parameter's values, checked as attribute values: what DynamoDB can check
    before it knows the table (and does, before it looks the table up)."""
    return {name: validate_value(value) for name, value in key.items()}


def check_key(table: TableDef, key: Mapping[str, Any]) -> dict[str, Any]:
    """The Key parameter: exactly the schema's attributes, of the schema's types."""
    # Each value is checked as an attribute value before the key is matched to the schema:
    # an empty `{}` is refused as empty, not as a key of the wrong type.
    values = check_key_values(key)
    names = table.key_names()
    if len(values) != len(names) or any(name not in values for name in names):
        raise ValidationException("The provided key element does not match the schema")
    checked = {}
    for name, kind in ((table.hash_name, table.hash_type), (table.range_name, table.range_type)):
        if name is None:
            continue
        value = values[name]
        if kind not in value:
            raise ValidationException("The provided key element does not match the schema")
        if kind == "B" and not value[kind]:
            raise empty_key(name, kind)
        if kind == "S" and not value[kind]:
            # DynamoDB words an empty string differently for a Key than for an Item (an
            # empty binary it words alike).
            raise ValidationException(
                _INVALID + "The AttributeValue for a key attribute cannot contain an empty "
                f"string value. Key: {name}")
        check_key_size(value, name == table.hash_name)
        checked[name] = value
    return checked


def check_key_size(value: Mapping[str, Any], is_hash: bool) -> None:
    """DynamoDB's key length limits, in its words (the missing space is AWS's)."""
    (kind, raw), = value.items()
    if kind == "N":
        return
    size = len(raw.encode()) if kind == "S" else len(raw)
    if is_hash and size > MAX_HASH_KEY:
        raise ValidationException(_INVALID + "Size of hashkey has exceeded the maximum size "
                                  f"limit of{MAX_HASH_KEY} bytes")
    if not is_hash and size > MAX_RANGE_KEY:
        raise ValidationException(_INVALID + "Aggregated size of all range keys has exceeded "
                                  f"the size limit of {MAX_RANGE_KEY} bytes")


def check_item(table: TableDef, item: Mapping[str, Any]) -> dict[str, Any]:
    """A whole item to store, its values already checked (`validate_item`, which needs no
    table): the key attributes present and typed, index keys of their types. Its size is
    the caller's to check (`check_size`): each operation does it at its own point."""
    checked = dict(item)
    for name, kind in ((table.hash_name, table.hash_type), (table.range_name, table.range_type)):
        if name is None:
            continue
        value = checked.get(name)
        if value is None:
            raise ValidationException(_INVALID + f"Missing the key {name} in the item")
        actual = next(iter(value))
        if actual != kind:
            raise ValidationException(
                _INVALID + f"Type mismatch for key {name} expected: {kind} actual: {actual}")
        if kind != "N" and not value[kind]:
            raise empty_key(name, kind)
        check_key_size(value, name == table.hash_name)
    if table.indexes:
        check_index_keys(table, checked)
    return checked


def empty_key(name: str, kind: str) -> ValidationException:
    """An empty string or binary key value, in the words DynamoDB uses for an Item (and for
    any key inside a transaction)."""
    return ValidationException(
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        f"cannot contain an empty {'string' if kind == 'S' else 'binary'} value. Key: {name}")


def check_key_not_empty(table: TableDef, attributes: Mapping[str, Any]) -> None:
    """Batch writes and transactions refuse an empty string or binary key value before they
    match the key to the schema, in the words used for an item."""
    for name, kind in ((table.hash_name, table.hash_type), (table.range_name, table.range_type)):
        value = attributes.get(name) if name is not None else None
        if kind != "N" and isinstance(value, dict) and value.get(kind) in ("", b""):
            raise empty_key(name, kind)


def check_updated(item: Mapping[str, Any], update: Any) -> None:
    """An item an update wrote: within the size limit, and the attributes the update set
    nested no deeper than a value sent may be (DynamoDB gives the short form of its nesting
    message here, as for a transaction's update)."""
    check_size(item, UPDATE_TOO_LARGE)
    for name in update.top_level_names if update is not None else ():
        value = item.get(name)
        if value is not None and ("M" in value or "L" in value) and too_deep(value):
            raise ValidationException(NESTING_LIMIT)


def check_size(item: Mapping[str, Any], message: str = TOO_LARGE) -> int:
    size = item_size(item)
    if size > MAX_ITEM_SIZE:
        raise ValidationException(message)
    return size


def check_return_values(params: Mapping[str, Any], allowed: tuple[str, ...]) -> str:
    value = params.get("ReturnValues", "NONE")
    if value not in allowed:
        if allowed == ("NONE", "ALL_OLD"):
            raise RequestCheckFailed("ReturnValues can only be ALL_OLD or NONE")
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at 'returnValues' failed to satisfy "
            "constraint: Member must satisfy enum value set: "
            "[ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]")
    return value


def write_units(*items: Mapping[str, Any] | None) -> float:
    size = max((item_size(i) for i in items if i), default=0)
    return float(max(1, math.ceil(size / 1024)))


def read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return float(units) if consistent else units / 2


def consumed(params: Mapping[str, Any], table: TableDef, table_units: float,
             index_units: Mapping[str, float] | None = None) -> dict[str, Any] | None:
    """ConsumedCapacity as DynamoDB reports it for ReturnConsumedCapacity TOTAL / INDEXES:
    the table's units plus its indexes' (a read of an index spends only the index's; a write
    also spends its index entries'), broken down by index for INDEXES."""
    mode = params.get("ReturnConsumedCapacity", "NONE")
    if mode == "NONE":
        return None
    index_units = index_units or {}
    result: dict[str, Any] = {"TableName": table.name,
                              "CapacityUnits": table_units + sum(index_units.values())}
    if mode == "INDEXES":
        result["Table"] = {"CapacityUnits": table_units}
        for local, field in ((False, "GlobalSecondaryIndexes"), (True, "LocalSecondaryIndexes")):
            spent = {name: {"CapacityUnits": units} for name, units in index_units.items()
                     if name in table.indexes and table.indexes[name].local == local}
            if spent:
                result[field] = spent
    return result


# ---------------------------------------------------------------- model constraints
# DynamoDB reports these as its request validator does: "1 validation error detected:
# Value 'x' at 'tableName' failed to satisfy constraint: Member must …", all in one message.

_NAME_PATTERN = re.compile(r"[a-zA-Z0-9_.-]+")


def constraint_error(problems: list[str]) -> ValidationException:
    noun = "error" if len(problems) == 1 else "errors"
    return ValidationException(f"{len(problems)} validation {noun} detected: " + "; ".join(problems))


def name_problems(name: str, where: str, low: int = 3, high: int = 255) -> list[str]:
    problems = []
    if not _NAME_PATTERN.fullmatch(name):
        problems.append(f"Value '{name}' at '{where}' failed to satisfy constraint: Member must "
                        "satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
    if len(name) < low or len(name) > high:
        bound = f"greater than or equal to {low}" if len(name) < low else f"less than or equal to {high}"
        problems.append(f"Value '{name}' at '{where}' failed to satisfy constraint: Member must "
                        f"have length {bound}")
    return problems


def check_table_name(name: str, where: str = "tableName") -> None:
    # Since TableName also accepts an ARN, DynamoDB checks a name's length itself.
    if not 3 <= len(name) <= 255:
        raise ValidationException(
            "TableName must be at least 3 characters long and at most 255 characters long")
    problems = name_problems(name, where)
    if problems:
        raise constraint_error(problems)


def check_item_table_name(name: str) -> None:
    """An item operation's table name (or ARN), checked first as the request validator does:
    a name breaking the length and pattern rules gets both reported, not the worded message
    the control plane gives."""
    if not name.startswith("arn:"):
        # Here DynamoDB lists the length rule before the pattern.
        problems = sorted(name_problems(name, "tableName"), key=lambda p: "have length" not in p)
        if problems:
            raise constraint_error(problems)


def check_enum(value: str, where: str, allowed: tuple[str, ...]) -> str | None:
    if value in allowed:
        return None
    return (f"Value '{value}' at '{where}' failed to satisfy constraint: Member must satisfy "
            f"enum value set: [{', '.join(allowed)}]")
