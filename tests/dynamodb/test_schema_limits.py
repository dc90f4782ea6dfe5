"""Limits on table definitions: a key attribute's name (the table's, an index's, one a new
index brings) is 1 to 255 characters; other attributes' names may be far longer."""
from __future__ import annotations

import uuid

import pytest

LONG = "k" * 256
ENVELOPE = "1 validation error detected: "


def _too_long(where: str) -> str:
    return (f"Value '{LONG}' at '{where}' failed to satisfy constraint: Member must have length "
            "less than or equal to 255")


def _create(ddb, keys, definitions, **extra):
    return ddb.create_table(
        TableName=f"lim-{uuid.uuid4().hex[:12]}", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": n, "KeyType": t} for n, t in keys],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in definitions],
        **extra)


def test_a_key_name_of_255_characters_is_allowed(ddb, make_table) -> None:
    name = make_table((LONG[:255], "S"), (LONG[:255].upper(), "S"))
    key = {LONG[:255]: {"S": "a"}, LONG[:255].upper(): {"S": "b"}}
    ddb.put_item(TableName=name, Item={**key, "x" * 1000: {"N": "1"}})
    assert ddb.get_item(TableName=name, Key=key)["Item"]["x" * 1000] == {"N": "1"}


def test_a_longer_table_key_name_is_refused_where_it_is_given(ddb, aws_error) -> None:
    both = (f"2 validation errors detected: {_too_long('attributeDefinitions.1.member.attributeName')}"
            f"; {_too_long('keySchema.1.member.attributeName')}")
    with aws_error("ValidationException", both):
        _create(ddb, [(LONG, "HASH")], [LONG])
    # Before any check that the names agree.
    with aws_error("ValidationException",
                   ENVELOPE + _too_long("keySchema.2.member.attributeName")):
        _create(ddb, [("p", "HASH"), (LONG, "RANGE")], ["p", "short"])
    with aws_error("ValidationException",
                   ENVELOPE + _too_long("attributeDefinitions.1.member.attributeName")):
        _create(ddb, [("short", "HASH")], [LONG])


@pytest.mark.parametrize("field", ["GlobalSecondaryIndexes", "LocalSecondaryIndexes"])
def test_an_index_key_name_is_limited_too(ddb, aws_error, field) -> None:
    local = field == "LocalSecondaryIndexes"
    keys = [("a", "HASH"), (LONG, "RANGE")] if local else [(LONG, "HASH")]
    index = {"IndexName": "idx", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": n, "KeyType": t} for n, t in keys]}
    where = f"{field[0].lower()}{field[1:]}.1.member.keySchema.{len(keys)}.member.attributeName"
    with aws_error("ValidationException", ENVELOPE + _too_long(where)):
        _create(ddb, [("a", "HASH"), ("b", "RANGE")], ["a", "b", "short"], **{field: [index]})


def test_update_table_checks_a_new_index_key_name(ddb, table, aws_error) -> None:
    create = {"IndexName": "hello", "Projection": {"ProjectionType": "ALL"},
              "KeySchema": [{"AttributeName": "short", "KeyType": "HASH"}]}
    with aws_error("ValidationException",
                   ENVELOPE + _too_long("attributeDefinitions.1.member.attributeName")):
        ddb.update_table(TableName=table,
                         AttributeDefinitions=[{"AttributeName": LONG, "AttributeType": "S"}],
                         GlobalSecondaryIndexUpdates=[{"Create": create}])
    create["KeySchema"] = [{"AttributeName": LONG, "KeyType": "HASH"}]
    with aws_error("ValidationException", ENVELOPE + _too_long(
            "globalSecondaryIndexUpdates.1.member.create.keySchema.1.member.attributeName")):
        ddb.update_table(TableName=table,
                         AttributeDefinitions=[{"AttributeName": "short", "AttributeType": "S"}],
                         GlobalSecondaryIndexUpdates=[{"Create": create}])
