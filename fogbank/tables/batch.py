"""BatchGetItem and BatchWriteItem. A batch write is applied in one transaction here, so
UnprocessedItems is always empty — a result DynamoDB also gives."""
from __future__ import annotations

import base64
import json
import re
from typing import Any, Mapping

from fogbank.tables import keys
from fogbank.tables.errors import ValidationException
from fogbank.tables.requests import newer_validator, parse_expressions
from fogbank.tables.storage import Writer
from fogbank.tables.validation import (check_item, check_key, check_key_not_empty,
                                       check_key_values, check_size, constraint_error, consumed,
                                       read_units, write_units)
from fogbank.tables.values import item_size, validate_item
from fogbank.tables.writes import (Parts, add_units, collection_metrics, index_write_units,
                                   item_key, live, load, store, wants_collection_metrics)

MAX_GET = 100
MAX_WRITE = 25


class Batches:
    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    async def batch_get_item(self, params: dict[str, Any]) -> dict[str, Any]:
        requests = params["RequestItems"]
        if any(_bad_name(name) for name in requests):
            raise _map_keys(_shown_as_json(requests))
        for name, request in requests.items():
            # Model constraints, checked before any table is looked up; this validator names
            # the member without echoing its value.
            keys_given = len(request.get("Keys") or ())
            if not 1 <= keys_given <= MAX_GET:
                bound = (f"less than or equal to {MAX_GET}" if keys_given else
                         "greater than or equal to 1")
                raise constraint_error([f"Value at 'RequestItems.{name}.member.Keys' failed to "
                                        f"satisfy constraint: Member must have length {bound}"])
        if sum(len(r.get("Keys") or ()) for r in requests.values()) > MAX_GET:
            raise ValidationException("Too many items requested for the BatchGetItem call")
        _check_one_projection_style(requests)
        # Every table's own checks (unused placeholders, the keys' values, a key asked for
        # twice) come before any table is looked up.
        checked = []
        for name, request in requests.items():
            with newer_validator(enveloped=False):
                exprs = parse_expressions(request)
                given = [check_key_values(key) for key in request["Keys"]]
            if len({_key_identity(key) for key in given}) != len(given):
                raise ValidationException("Provided list of item keys contains duplicates")
            checked.append((name, request, exprs))
        plans = []
        for name, request, exprs in checked:
            with newer_validator(enveloped=False):
                table = self._parts.catalog.get(name)
                wanted = [item_key(table, check_key(table, key)) for key in request["Keys"]]
            plans.append((table, exprs, wanted, bool(request.get("ConsistentRead"))))
        responses: dict[str, list] = {}
        capacity = []
        with self._parts.storage.read() as reader:
            for table, exprs, wanted, consistent in plans:
                found, units = [], 0.0
                for key in wanted:
                    item = load(reader, key)
                    # Each key is a read of its own, rounded up to 4 KB, as a GetItem would be.
                    units += read_units(item_size(item) if item else 0, consistent)
                    if item is not None:
                        found.append(exprs.projection.apply(item) if exprs.projection else item)
                responses[table.name] = found
                used = consumed(params, table, units)
                if used is not None:
                    capacity.append(used)
        output: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": {}}
        if capacity:
            output["ConsumedCapacity"] = capacity
        return output

    async def batch_write_item(self, params: dict[str, Any]) -> dict[str, Any]:
        requests = params["RequestItems"]
        if any(_bad_name(name) for name in requests):
            raise _map_keys(_shown_as_java(requests))
        if any(not 1 <= len(writes) <= MAX_WRITE for writes in requests.values()):
            raise _write_list_length(requests)
        if sum(len(r) for r in requests.values()) > MAX_WRITE:
            raise ValidationException("Too many items requested for the BatchWriteItem call")
        plan: list[tuple[Any, bytes, dict | None]] = []
        seen: set[bytes] = set()
        # Per table, the partition key values written (by their encoding, to count each once).
        collections: dict[str, tuple[Any, dict[bytes, Any]]] = {}
        index_units: dict[str, dict[str, float]] = {}      # table → index → write units
        # Every write's values (and each item's size) are checked before any table is looked
        # up: a malformed value needs no schema to refuse.
        items = {(name, i): _checked_write(write)
                 for name, writes in requests.items() for i, write in enumerate(writes)}
        for name, writes in requests.items():
            table = self._parts.catalog.get(name)
            for i, write in enumerate(writes):
                delete = write.get("DeleteRequest")
                item = items[(name, i)]
                item = _put_item(table, item) if item is not None else None
                if delete:
                    check_key_not_empty(table, delete["Key"])
                attrs = item if item else check_key(table, delete["Key"])
                key = item_key(table, attrs)
                if key in seen:
                    raise ValidationException("Provided list of item keys contains duplicates")
                seen.add(key)
                plan.append((table, key, item))
                if wants_collection_metrics(params, table):
                    hash_value = attrs[table.hash_name]
                    written = collections.setdefault(table.name, (table, {}))[1]
                    written.setdefault(keys.encode_value(hash_value), hash_value)

        capacity_wanted = params.get("ReturnConsumedCapacity", "NONE") != "NONE"

        def work(writer: Writer) -> tuple[dict[str, float], dict[str, list]]:
            units: dict[str, float] = {}
            index_units.clear()
            for table, key, item in plan:
                current = live(self._parts.catalog, table)
                old = load(writer, key)
                if item is not None or old is not None:
                    store(self._parts, writer, current, key, old, item)
                units[table.name] = units.get(table.name, 0.0) + write_units(old, item)
                if capacity_wanted:
                    add_units(index_units.setdefault(table.name, {}),
                              index_write_units(current, old, item))
            # One entry per item collection the batch touched, measured after every write.
            metrics = {name: [collection_metrics(writer, table, value) for value in values.values()]
                       for name, (table, values) in collections.items()}
            return units, metrics

        units, metrics = await self._parts.storage.write(work)
        output: dict[str, Any] = {"UnprocessedItems": {}}
        if metrics:
            output["ItemCollectionMetrics"] = metrics
        tables = {table.name: table for table, _, _ in plan}
        capacity = [c for name, used in units.items() if (c := consumed(
            params, tables[name], used, index_units.get(name, {}))) is not None]
        if capacity:
            output["ConsumedCapacity"] = capacity
        return output


def _key_identity(key: Mapping[str, Any]) -> frozenset[tuple[str, str, Any]]:
    """A key, its values checked, compared without a schema: equal however its attributes
    are ordered, and numbers by value. A type no key can have is compared as sent."""
    return frozenset(
        (name, kind, keys.encode_value(value) if kind in ("S", "N", "B")
         else json.dumps(data, sort_keys=True, default=lambda b: bytes(b).hex()))
        for name, value in key.items() for kind, data in value.items())


def _checked_write(write: Mapping[str, Any]) -> dict[str, Any] | None:
    """One WriteRequest checked without its table: a PutRequest's item (returned, its
    values checked, within the size limit) or a DeleteRequest's key values."""
    put, delete = write.get("PutRequest"), write.get("DeleteRequest")
    if (put is None) == (delete is None):
        # DynamoDB words a request with neither as it words one with both.
        raise ValidationException(
            "Supplied AttributeValue has more than one datatypes set, must contain "
            "exactly one of the supported datatypes")
    if put is None:
        check_key_values(delete["Key"])
        return None
    item = validate_item(put["Item"])
    check_size(item)
    return item


def _put_item(table: Any, item: dict[str, Any]) -> dict[str, Any]:
    """A PutRequest's item, its values checked. Unlike PutItem, a batch reports a missing or
    mistyped key attribute as a key that does not match the schema."""
    check_key_not_empty(table, item)
    check_key(table, {name: item[name] for name in table.key_names() if name in item})
    return check_item(table, item)


def _write_list_length(requests: dict[str, list]) -> ValidationException:
    """A table's list of writes that is empty or longer than 25. DynamoDB checks it as a
    value of the RequestItems map: it shows the whole map and names both bounds, whichever
    was broken."""
    return constraint_error([f"Value '{_shown_as_java(requests)}' at 'requestItems' failed to "
                             "satisfy constraint: Map value must satisfy constraint: [Member "
                             "must have length less than or equal to 25, Member must have "
                             "length greater than or equal to 1]"])


def _check_one_projection_style(requests: Mapping[str, Mapping[str, Any]]) -> None:
    """Each table's block may be consistent on its own; the request as a whole still may
    not mix a ProjectionExpression with AttributesToGet."""
    styles = {style for request in requests.values()
              for style in ("AttributesToGet", "ProjectionExpression")
              if request.get(style) is not None}
    if len(styles) == 2:
        raise ValidationException(
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {AttributesToGet} Expression parameters: "
            "{ProjectionExpression}")


_NAME = re.compile(r"[a-zA-Z0-9_.-]{3,255}")


def _bad_name(name: str) -> bool:
    return not name.startswith("arn:") and _NAME.fullmatch(name) is None


def _map_keys(shown: str) -> ValidationException:
    """A table name in RequestItems that breaks the name rules: a constraint on the map's
    keys, naming every rule whichever was broken."""
    return constraint_error([f"Value '{shown}' at 'requestItems' failed to satisfy constraint: "
                             "Map keys must satisfy constraint: [Member must have length less "
                             "than or equal to 255, Member must have length greater than or "
                             "equal to 3, Member must satisfy regular expression pattern: "
                             "[a-zA-Z0-9_.-]+]"])


def _shown_as_json(requests: Mapping[str, Any]) -> str:
    """BatchGetItem's validator shows the map as the request's JSON."""
    return json.dumps(requests, separators=(",", ":"), ensure_ascii=False,
                      default=lambda b: base64.b64encode(b).decode())


def _shown_as_java(requests: Mapping[str, list]) -> str:
    """BatchWriteItem's validator shows the map as Java prints it: `{name=[WriteRequest(…)]}`."""
    def write(request: Mapping[str, Any]) -> str:
        put, delete = request.get("PutRequest"), request.get("DeleteRequest")
        put_shown = f"PutRequest(item={attributes(put.get('Item'))})" if put else "null"
        delete_shown = f"DeleteRequest(key={attributes(delete.get('Key'))})" if delete else "null"
        return f"WriteRequest(putRequest={put_shown}, deleteRequest={delete_shown})"

    def attributes(values: Any) -> str:
        if not isinstance(values, Mapping):
            return "null"
        return "{" + ", ".join(f"{name}=AttributeValue({value_shown(value)})"
                               for name, value in values.items()) + "}"

    def value_shown(value: Any) -> str:
        if not isinstance(value, Mapping):
            return "null"
        return ", ".join(f"{kind}={data}" for kind, data in value.items())

    return "{" + ", ".join(f"{name}=[{', '.join(write(w) for w in writes)}]"
                           for name, writes in requests.items()) + "}"
