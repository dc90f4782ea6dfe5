"""PutItem, GetItem, DeleteItem and the rules every item obeys: types, numbers, keys, size."""
from __future__ import annotations

import pytest

EVERY_TYPE = {
    "pk": {"S": "every-type"},
    "s": {"S": "héllo ☃"},
    "empty": {"S": ""},
    "n": {"N": "-12.5"},
    "b": {"B": b"\x00\x01\xff"},
    "t": {"BOOL": True},
    "f": {"BOOL": False},
    "null": {"NULL": True},
    "m": {"M": {"inner": {"S": "x"}, "deeper": {"M": {"n": {"N": "1"}}}}},
    "l": {"L": [{"S": "a"}, {"N": "2"}, {"L": []}, {"M": {}}]},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2.5"]},
    "bs": {"BS": [b"x", b"y"]},
}


def _sets_sorted(item: dict) -> dict:
    """Sets come back in no particular order, as in AWS."""
    out = {}
    for k, v in item.items():
        (t, val), = v.items()
        out[k] = {t: sorted(val)} if t in ("SS", "NS", "BS") else v
    return out


def test_every_attribute_type_round_trips(ddb, table) -> None:
    ddb.put_item(TableName=table, Item=EVERY_TYPE)
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "every-type"}})["Item"]
    assert _sets_sorted(got) == _sets_sorted(EVERY_TYPE)


def test_missing_item_has_no_item_member(ddb, table) -> None:
    resp = ddb.get_item(TableName=table, Key={"pk": {"S": "absent"}}, ConsistentRead=True)
    assert "Item" not in resp


@pytest.mark.parametrize("given, stored", [
    ("1.50", "1.5"), ("0100", "100"), ("-0", "0"), ("1e2", "100"), ("1E-2", "0.01"),
    ("0.000", "0"),
    ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
    ("9.9999999999999999999999999999999999999E+125",
     "999999999999999999999999999999999999990000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000"),
    ("1E-130", "0." + "0" * 129 + "1"),
])
def test_numbers_are_stored_normalised(ddb, table, given: str, stored: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "n"}, "v": {"N": given}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "n"}})["Item"]["v"]
    assert got == {"N": stored}


@pytest.mark.parametrize("value, message", [
    ("123456789012345678901234567890123456789",
     "Attempting to store more than 38 significant digits in a Number"),
    ("1E+126", "Number overflow. Attempting to store a number with magnitude larger than "
               "supported range"),
    ("1E-131", "Number underflow. Attempting to store a number with magnitude smaller than "
               "supported range"),
])
def test_numbers_out_of_range(ddb, table, aws_error, value: str, message: str) -> None:
    with aws_error("ValidationException", "1 validation error detected: " + message):
        ddb.put_item(TableName=table, Item={"pk": {"S": "n"}, "v": {"N": value}})


def test_number_that_is_not_a_number(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "1 validation error detected: The parameter cannot "
                   "be converted to a numeric value: abc"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "n"}, "v": {"N": "abc"}})


def test_empty_sets_are_refused(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "One or more parameter values were invalid: An string "
                   "set  may not be empty"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "v": {"SS": []}})
    with aws_error("ValidationException", "One or more parameter values were invalid: An number "
                   "set  may not be empty"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "v": {"NS": []}})
    with aws_error("ValidationException", "One or more parameter values were invalid: Binary "
                   "sets should not be empty"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "v": {"BS": []}})


def test_duplicates_in_a_set_are_refused(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "1 validation error detected: One or more parameter "
                   'values were invalid: Input collection ["a", "a"] contains duplicates.'):
        ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "v": {"SS": ["a", "a"]}})
    with aws_error("ValidationException", "1 validation error detected: One or more parameter "
                   "values were invalid: Input collection contains duplicates."):
        # 1 and 1.0 are the same number.
        ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "v": {"NS": ["1", "1.0"]}})


def test_attribute_value_with_two_types(raw_ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "Supplied AttributeValue has more than one datatypes "
                   "set, must contain exactly one of the supported datatypes"):
        raw_ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "v": {"S": "a", "N": "1"}})


def test_attribute_value_with_no_type(raw_ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "Supplied AttributeValue is empty, must contain "
                   "exactly one of the supported datatypes"):
        raw_ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "v": {}})


def test_null_must_be_true(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "One or more parameter values were invalid: Null "
                   "attribute value types must have the value of true"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "v": {"NULL": False}})


def test_put_replaces_the_whole_item(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "x": {"N": "1"}, "y": {"N": "2"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "z": {"N": "3"}})
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"] == {
        "pk": {"S": "a"}, "z": {"N": "3"}}


def test_put_return_values(ddb, table, aws_error) -> None:
    first = ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"N": "1"}},
                         ReturnValues="ALL_OLD")
    assert "Attributes" not in first
    second = ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"N": "2"}},
                          ReturnValues="ALL_OLD")
    assert second["Attributes"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    none = ddb.put_item(TableName=table, Item={"pk": {"S": "a"}}, ReturnValues="NONE")
    assert "Attributes" not in none
    with aws_error("ValidationException",
                   "1 validation error detected: ReturnValues can only be ALL_OLD or NONE"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "a"}}, ReturnValues="ALL_NEW")


def test_delete_item_and_its_return_values(ddb, table, aws_error) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"S": "x"}})
    resp = ddb.delete_item(TableName=table, Key={"pk": {"S": "a"}}, ReturnValues="ALL_OLD")
    assert resp["Attributes"] == {"pk": {"S": "a"}, "v": {"S": "x"}}
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "a"}})
    again = ddb.delete_item(TableName=table, Key={"pk": {"S": "a"}}, ReturnValues="ALL_OLD")
    assert "Attributes" not in again
    with aws_error("ValidationException",
                   "1 validation error detected: ReturnValues can only be ALL_OLD or NONE"):
        ddb.delete_item(TableName=table, Key={"pk": {"S": "a"}}, ReturnValues="UPDATED_NEW")


def test_get_with_projection_expression(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={
        "pk": {"S": "p"}, "a": {"M": {"b": {"S": "keep"}, "c": {"S": "drop"}}},
        "l": {"L": [{"S": "l0"}, {"S": "l1"}, {"S": "l2"}]}, "name": {"S": "n"},
        "other": {"S": "drop"}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "p"}},
                       ProjectionExpression="a.b, l[1], #n, absent",
                       ExpressionAttributeNames={"#n": "name"})["Item"]
    assert got == {"a": {"M": {"b": {"S": "keep"}}}, "l": {"L": [{"S": "l1"}]},
                   "name": {"S": "n"}}


def test_get_with_attributes_to_get(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "a": {"S": "1"}, "b": {"S": "2"}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "p"}}, AttributesToGet=["a"])["Item"]
    assert got == {"a": {"S": "1"}}


def test_projection_with_reserved_word(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid ProjectionExpression: Attribute name is a "
                   "reserved keyword; reserved keyword: name"):
        ddb.get_item(TableName=table, Key={"pk": {"S": "p"}}, ProjectionExpression="name")


def test_projection_with_undefined_name(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid ProjectionExpression: An expression attribute "
                   "name used in the document path is not defined; attribute name: #x"):
        ddb.get_item(TableName=table, Key={"pk": {"S": "p"}}, ProjectionExpression="#x",
                     ExpressionAttributeNames={"#y": "y"})


def test_projection_with_unused_name(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "Value provided in ExpressionAttributeNames unused in "
                   "expressions: keys: {#y}"):
        ddb.get_item(TableName=table, Key={"pk": {"S": "p"}}, ProjectionExpression="a",
                     ExpressionAttributeNames={"#y": "y"})


def test_missing_key_attribute_in_put(ddb, range_table, aws_error) -> None:
    with aws_error("ValidationException", "One or more parameter values were invalid: Missing "
                   "the key sk in the item"):
        ddb.put_item(TableName=range_table, Item={"pk": {"S": "a"}})


def test_key_of_the_wrong_type_in_put(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "One or more parameter values were invalid: Type "
                   "mismatch for key pk expected: S actual: N"):
        ddb.put_item(TableName=table, Item={"pk": {"N": "1"}})


def test_empty_string_key(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "One or more parameter values are not valid. The "
                   "AttributeValue for a key attribute cannot contain an empty string value. "
                   "Key: pk"):
        ddb.put_item(TableName=table, Item={"pk": {"S": ""}})
    # DynamoDB words the same rule differently for a key than for an item.
    with aws_error("ValidationException", "One or more parameter values were invalid: The "
                   "AttributeValue for a key attribute cannot contain an empty string value. "
                   "Key: pk"):
        ddb.get_item(TableName=table, Key={"pk": {"S": ""}})


@pytest.mark.parametrize("key", [
    {"pk": {"S": "a"}, "extra": {"S": "b"}},
    {"other": {"S": "a"}},
    {"pk": {"N": "1"}},
])
def test_key_not_matching_the_schema(ddb, table, aws_error, key: dict) -> None:
    with aws_error("ValidationException", "The provided key element does not match the schema"):
        ddb.get_item(TableName=table, Key=key)
    with aws_error("ValidationException", "The provided key element does not match the schema"):
        ddb.delete_item(TableName=table, Key=key)


def test_range_key_missing_from_key(ddb, range_table, aws_error) -> None:
    with aws_error("ValidationException", "The provided key element does not match the schema"):
        ddb.get_item(TableName=range_table, Key={"pk": {"S": "a"}})


def test_operations_on_a_missing_table(ddb, aws_error) -> None:
    key = {"pk": {"S": "a"}}
    with aws_error("ResourceNotFoundException", prefix="Requested resource not found"):
        ddb.put_item(TableName="no-such-table", Item=key)
    with aws_error("ResourceNotFoundException", prefix="Requested resource not found"):
        ddb.get_item(TableName="no-such-table", Key=key)
    with aws_error("ResourceNotFoundException", prefix="Requested resource not found"):
        ddb.delete_item(TableName="no-such-table", Key=key)
    with aws_error("ResourceNotFoundException", prefix="Requested resource not found"):
        ddb.update_item(TableName="no-such-table", Key=key, UpdateExpression="SET a = :a",
                        ExpressionAttributeValues={":a": {"S": "x"}})


def test_item_size_limit_is_400_kb_as_aws_counts_it(ddb, table, aws_error) -> None:
    # Size = UTF-8 bytes of every attribute name plus its value: "pk"+"k" and "data"+payload.
    payload = 400 * 1024 - len("pk") - len("k") - len("data")
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "data": {"S": "x" * payload}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "k"}})["Item"]
    assert len(got["data"]["S"]) == payload
    with aws_error("ValidationException", "Item size has exceeded the maximum allowed size"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "data": {"S": "x" * (payload + 1)}})


def test_consumed_capacity(ddb, table) -> None:
    # AWS may add ReadCapacityUnits / WriteCapacityUnits beside the total.
    put = ddb.put_item(TableName=table, Item={"pk": {"S": "c"}}, ReturnConsumedCapacity="TOTAL")
    assert put["ConsumedCapacity"]["TableName"] == table
    assert put["ConsumedCapacity"]["CapacityUnits"] == 1.0
    eventual = ddb.get_item(TableName=table, Key={"pk": {"S": "c"}},
                            ReturnConsumedCapacity="TOTAL")
    assert eventual["ConsumedCapacity"]["CapacityUnits"] == 0.5
    strong = ddb.get_item(TableName=table, Key={"pk": {"S": "c"}}, ConsistentRead=True,
                          ReturnConsumedCapacity="TOTAL")
    assert strong["ConsumedCapacity"]["CapacityUnits"] == 1.0
    quiet = ddb.get_item(TableName=table, Key={"pk": {"S": "c"}})
    assert "ConsumedCapacity" not in quiet


def test_binary_keys(ddb, make_table) -> None:
    name = make_table(("id", "B"))
    ddb.put_item(TableName=name, Item={"id": {"B": b"\x00key"}, "v": {"S": "x"}})
    assert ddb.get_item(TableName=name, Key={"id": {"B": b"\x00key"}})["Item"]["v"] == {"S": "x"}


def test_number_keys_compare_as_numbers(ddb, make_table) -> None:
    name = make_table(("id", "N"))
    ddb.put_item(TableName=name, Item={"id": {"N": "1.0"}, "v": {"S": "one"}})
    assert ddb.get_item(TableName=name, Key={"id": {"N": "1"}})["Item"] == {
        "id": {"N": "1"}, "v": {"S": "one"}}


@pytest.mark.parametrize("update", [
    {"UpdateExpression": "REMOVE a"},
    {"UpdateExpression": "DELETE s :gone", "ExpressionAttributeValues": {":gone": {"SS": ["x"]}}},
    {"AttributeUpdates": {"a": {"Action": "DELETE"}}},
    {"AttributeUpdates": {"s": {"Action": "DELETE", "Value": {"SS": ["x"]}}}},
])
def test_update_that_only_removes_creates_no_item(ddb, table, update: dict) -> None:
    resp = ddb.update_item(TableName=table, Key={"pk": {"S": "absent"}}, ReturnValues="ALL_NEW",
                           **update)
    assert "Attributes" not in resp
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "absent"}})


def test_empty_attribute_updates_create_the_key_only_item(ddb, table) -> None:
    resp = ddb.update_item(TableName=table, Key={"pk": {"S": "new"}}, AttributeUpdates={},
                           ReturnValues="ALL_NEW")
    assert resp["Attributes"] == {"pk": {"S": "new"}}


@pytest.mark.parametrize("expression, values, returns, expected", [
    ("SET m.b = :v", {":v": {"S": "new"}}, "UPDATED_OLD", {"m": {"M": {"b": {"S": "old"}}}}),
    ("SET m.b = :v", {":v": {"S": "new"}}, "UPDATED_NEW", {"m": {"M": {"b": {"S": "new"}}}}),
    ("SET m.l[1] = :v, m.b = :w", {":v": {"N": "9"}, ":w": {"S": "w"}}, "UPDATED_OLD",
     {"m": {"M": {"b": {"S": "old"}, "l": {"L": [{"N": "2"}]}}}}),
    ("REMOVE m.l[0], m.l[5]", None, "UPDATED_OLD", {"m": {"M": {"l": {"L": [{"N": "1"}]}}}}),
    ("SET m.fresh = :v", {":v": {"N": "1"}}, "UPDATED_OLD", None),
    ("SET m.fresh = :v", {":v": {"N": "1"}}, "UPDATED_NEW", {"m": {"M": {"fresh": {"N": "1"}}}}),
    ("SET m.l[9] = :v", {":v": {"N": "9"}}, "UPDATED_NEW", None),
])
def test_updated_return_values_hold_only_the_updated_paths(
        ddb, table, expression: str, values: dict | None, returns: str,
        expected: dict | None) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "n"}, "other": {"S": "kept"}, "m": {"M": {
        "b": {"S": "old"}, "keep": {"S": "k"}, "l": {"L": [{"N": "1"}, {"N": "2"}]}}}})
    extra = {"ExpressionAttributeValues": values} if values else {}
    resp = ddb.update_item(TableName=table, Key={"pk": {"S": "n"}}, UpdateExpression=expression,
                           ReturnValues=returns, **extra)
    assert resp.get("Attributes") == expected


def test_key_length_limits(ddb, make_table, aws_error) -> None:
    table = make_table(("pk", "S"), ("sk", "B"))
    ddb.put_item(TableName=table, Item={"pk": {"S": "é" * 1024}, "sk": {"B": b"x" * 1024}})
    hash_too_long = ("One or more parameter values were invalid: Size of hashkey has exceeded "
                     "the maximum size limit of2048 bytes")
    with aws_error("ValidationException", hash_too_long):      # 2049 bytes of UTF-8
        ddb.put_item(TableName=table, Item={"pk": {"S": "é" * 1024 + "x"}, "sk": {"B": b"x"}})
    with aws_error("ValidationException", hash_too_long):
        ddb.get_item(TableName=table, Key={"pk": {"S": "x" * 2049}, "sk": {"B": b"x"}})
    with aws_error("ValidationException", "One or more parameter values were invalid: "
                   "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"B": b"x" * 1025}})


def test_expression_length_limit(ddb, table, aws_error) -> None:
    ddb.get_item(TableName=table, Key={"pk": {"S": "a"}}, ProjectionExpression="x" * 4096)
    with aws_error("ValidationException", "Invalid ProjectionExpression: Expression size has "
                   "exceeded the maximum allowed size; expression size: 4097"):
        ddb.get_item(TableName=table, Key={"pk": {"S": "a"}}, ProjectionExpression="x" * 4097)
    with aws_error("ValidationException", "Invalid ConditionExpression: Expression size has "
                   "exceeded the maximum allowed size; expression size: 5001"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "a"}},
                     ConditionExpression="(" * 5000 + "a")


def test_attribute_name_length_limit(ddb, table, aws_error) -> None:
    longest = "n" * 65535
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, longest: {"M": {longest: {"N": "1"}}}})
    too_long = "1 validation error detected: Attribute name is too large, must be less than " \
               "65536 bytes"
    with aws_error("ValidationException", too_long):
        ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, longest + "n": {"N": "1"}})
    with aws_error("ValidationException", too_long):
        ddb.put_item(TableName=table, Item={"pk": {"S": "a"},
                                            "m": {"M": {longest + "n": {"N": "1"}}}})
    with aws_error("ValidationException", too_long):
        ddb.update_item(TableName=table, Key={"pk": {"S": "a"}}, UpdateExpression="SET #n = :v",
                        ExpressionAttributeNames={"#n": longest + "n"},
                        ExpressionAttributeValues={":v": {"N": "1"}})


@pytest.mark.parametrize("call", [
    lambda c: c.update_item(TableName="x!", Key={"pk": {"S": "k"}},
                            UpdateExpression="ADD s :empty",
                            ExpressionAttributeValues={":empty": {"SS": []}}),
    lambda c: c.put_item(TableName="x!", Item={"pk": {"S": "k"}, "s": {"SS": []}}),
    lambda c: c.get_item(TableName="x!", Key={"pk": {"S": "k"}}, ExpressionAttributeNames={}),
    lambda c: c.query(TableName="x!", KeyConditionExpression="pk = :v"),
    lambda c: c.scan(TableName="x!", FilterExpression="a = :missing"),
])
def test_an_invalid_table_name_is_reported_before_the_rest_of_the_request(raw_ddb, aws_error,
                                                                         call) -> None:
    # The name is a model constraint, checked before expressions and values; both of its
    # broken rules are listed.
    with aws_error("ValidationException", "2 validation errors detected: Value 'x!' at "
                   "'tableName' failed to satisfy constraint: Member must have length greater "
                   "than or equal to 3; Value 'x!' at 'tableName' failed to satisfy constraint: "
                   "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"):
        call(raw_ddb)
