"""PutItem, GetItem, UpdateItem, DeleteItem against the engine, errors included."""
from __future__ import annotations

import pytest

from fogbank.tables.errors import (ConditionalCheckFailedException, ResourceNotFoundException,
                                   ValidationException)

from .conftest import make_table


@pytest.fixture
def table(db):
    make_table(db, "tbl", range_key="sk")
    return db


def test_put_then_get_returns_the_item_with_numbers_normalised(table):
    table.put_item(TableName="tbl", Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "n": {"N": "1.50"},
                                        "b": {"B": b"\x00"}})
    item = table.get_item(TableName="tbl", Key={"pk": {"S": "a"}, "sk": {"S": "1"}})["Item"]
    assert item == {"pk": {"S": "a"}, "sk": {"S": "1"}, "n": {"N": "1.5"}, "b": {"B": b"\x00"}}


def test_get_missing_item_returns_no_item(table):
    assert "Item" not in table.get_item(TableName="tbl", Key={"pk": {"S": "x"}, "sk": {"S": "y"}})


def test_put_return_values_all_old(table):
    key = {"pk": {"S": "a"}, "sk": {"S": "1"}}
    table.put_item(TableName="tbl", Item={**key, "v": {"S": "old"}})
    out = table.put_item(TableName="tbl", Item={**key, "v": {"S": "new"}}, ReturnValues="ALL_OLD")
    assert out["Attributes"]["v"] == {"S": "old"}


@pytest.mark.parametrize("item,message", [
    ({"sk": {"S": "1"}}, "One or more parameter values were invalid: Missing the key pk in the item"),
    ({"pk": {"N": "1"}, "sk": {"S": "1"}},
     "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"),
    ({"pk": {"S": ""}, "sk": {"S": "1"}},
     "One or more parameter values are not valid. The AttributeValue for a key attribute "
     "cannot contain an empty string value. Key: pk"),
    ({"pk": {"S": "a"}, "sk": {"S": "1"}, "big": {"S": "x" * 410_000}},
     "Item size has exceeded the maximum allowed size"),
])
def test_put_rejects_bad_items(table, item, message):
    with pytest.raises(ValidationException) as exc:
        table.put_item(TableName="tbl", Item=item)
    assert exc.value.message == message


def test_put_rejects_return_values_other_than_all_old(table):
    with pytest.raises(ValidationException, match="ReturnValues can only be ALL_OLD or NONE"):
        table.put_item(TableName="tbl", Item={"pk": {"S": "a"}, "sk": {"S": "1"}},
                       ReturnValues="ALL_NEW")


@pytest.mark.parametrize("key", [{"pk": {"S": "a"}}, {"pk": {"S": "a"}, "sk": {"N": "1"}},
                                 {"pk": {"S": "a"}, "sk": {"S": "1"}, "x": {"S": "1"}}])
def test_get_rejects_keys_not_matching_the_schema(table, key):
    with pytest.raises(ValidationException,
                       match="^The provided key element does not match the schema$"):
        table.get_item(TableName="tbl", Key=key)


def test_missing_table_is_resource_not_found(db):
    with pytest.raises(ResourceNotFoundException, match="Requested resource not found"):
        db.get_item(TableName="nope", Key={"pk": {"S": "a"}})


def test_conditional_put_fails_with_the_old_item_when_asked(table):
    key = {"pk": {"S": "a"}, "sk": {"S": "1"}}
    table.put_item(TableName="tbl", Item={**key, "v": {"N": "1"}})
    with pytest.raises(ConditionalCheckFailedException) as exc:
        table.put_item(TableName="tbl", Item=key, ConditionExpression="attribute_not_exists(pk)",
                       ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert exc.value.message == "The conditional request failed"
    assert exc.value.extra["Item"]["v"] == {"N": "1"}


def test_update_creates_the_item_and_returns_updated_new(table):
    out = table.update_item(TableName="tbl", Key={"pk": {"S": "a"}, "sk": {"S": "1"}},
                            UpdateExpression="SET v = :v ADD c :one",
                            ExpressionAttributeValues={":v": {"S": "x"}, ":one": {"N": "1"}},
                            ReturnValues="UPDATED_NEW")
    assert out["Attributes"] == {"v": {"S": "x"}, "c": {"N": "1"}}
    item = table.get_item(TableName="tbl", Key={"pk": {"S": "a"}, "sk": {"S": "1"}})["Item"]
    assert item["c"] == {"N": "1"}


def test_update_of_a_key_attribute_is_refused(table):
    with pytest.raises(ValidationException, match="Cannot update attribute sk. This attribute "
                                                  "is part of the key"):
        table.update_item(TableName="tbl", Key={"pk": {"S": "a"}, "sk": {"S": "1"}},
                          UpdateExpression="SET sk = :v", ExpressionAttributeValues={":v": {"S": "2"}})


def test_mixing_expression_and_legacy_parameters_is_refused(table):
    with pytest.raises(ValidationException) as exc:
        table.put_item(TableName="tbl", Item={"pk": {"S": "a"}, "sk": {"S": "1"}},
                       ConditionExpression="attribute_not_exists(pk)",
                       Expected={"pk": {"Exists": False}})
    assert exc.value.message == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}")


def test_unused_expression_values_are_refused(table):
    with pytest.raises(ValidationException, match="unused in expressions: keys: {:x}"):
        table.put_item(TableName="tbl", Item={"pk": {"S": "a"}, "sk": {"S": "1"}},
                       ConditionExpression="attribute_not_exists(pk)",
                       ExpressionAttributeValues={":x": {"S": "1"}})


def test_values_without_expressions_are_refused(table):
    with pytest.raises(ValidationException, match="ExpressionAttributeValues can only be "
                                                  "specified when using expressions"):
        table.put_item(TableName="tbl", Item={"pk": {"S": "a"}, "sk": {"S": "1"}},
                       ExpressionAttributeValues={":x": {"S": "1"}})


def test_delete_with_condition_and_all_old(table):
    key = {"pk": {"S": "a"}, "sk": {"S": "1"}}
    table.put_item(TableName="tbl", Item={**key, "v": {"N": "2"}})
    with pytest.raises(ConditionalCheckFailedException):
        table.delete_item(TableName="tbl", Key=key, ConditionExpression="v = :one",
                          ExpressionAttributeValues={":one": {"N": "1"}})
    out = table.delete_item(TableName="tbl", Key=key, ReturnValues="ALL_OLD")
    assert out["Attributes"]["v"] == {"N": "2"}
    assert "Item" not in table.get_item(TableName="tbl", Key=key)


def test_consumed_capacity_when_asked(table):
    out = table.put_item(TableName="tbl", Item={"pk": {"S": "a"}, "sk": {"S": "1"}},
                         ReturnConsumedCapacity="TOTAL")
    assert out["ConsumedCapacity"] == {"TableName": "tbl", "CapacityUnits": 1.0}
    assert out["ConsumedCapacity"]["CapacityUnits"] == 1.0
