"""The two generations of DynamoDB's request validator, seen through real clients.

PutItem, UpdateItem and DeleteItem run the newer one and report its faults inside
"1 validation error detected: "; GetItem, BatchGetItem and Query run it too, bare. The older
one (BatchWriteItem, the transactions, Scan, PartiQL) words a bad number, a repeated set
member or a bad expression value differently, and reads numbers as Java's BigDecimal does.
"""
from __future__ import annotations

import base64

import pytest
from botocore.exceptions import ClientError

ENVELOPE = "1 validation error detected: "
INVALID = "One or more parameter values were invalid: "
NOT_NUMERIC = "The parameter cannot be converted to a numeric value"
OVERFLOW = ("Number overflow. Attempting to store a number with magnitude larger than "
            "supported range")
UNDERFLOW = ("Number underflow. Attempting to store a number with magnitude smaller than "
             "supported range")
KEY = {"pk": {"S": "k"}}


def _message(call) -> str:
    with pytest.raises(ClientError) as info:
        call()
    error = info.value.response["Error"]
    assert error["Code"] == "ValidationException", error
    return error["Message"]


# ---------------------------------------------------------------- numbers

@pytest.mark.parametrize("number, newer", [
    ("not-a-number", f"{NOT_NUMERIC}: not-a-number"),
    ("", f"{NOT_NUMERIC}: "),                      # the newer one keeps the colon
    ("2e200", OVERFLOW),
    ("3e2147483647", OVERFLOW),                    # an exponent that fits 32 bits: range-checked
], ids=["letters", "empty", "too-large", "int32-exponent"])
def test_the_single_item_writes_wrap_a_bad_number_in_the_envelope(raw_ddb, table, number,
                                                                 newer) -> None:
    value = {"N": number}
    assert _message(lambda: raw_ddb.put_item(TableName=table, Item={**KEY, "n": value})) \
        == ENVELOPE + newer
    assert _message(lambda: raw_ddb.update_item(
        TableName=table, Key=KEY, UpdateExpression="SET n = :v",
        ExpressionAttributeValues={":v": value})) == ENVELOPE + newer
    assert _message(lambda: raw_ddb.delete_item(
        TableName=table, Key=KEY, ConditionExpression="n = :v",
        ExpressionAttributeValues={":v": value})) == ENVELOPE + newer
    # No "ExpressionAttributeValues contains invalid value" wrapper on this validator.
    assert _message(lambda: raw_ddb.query(
        TableName=table, KeyConditionExpression="pk = :p", FilterExpression="n = :v",
        ExpressionAttributeValues={":p": {"S": "k"}, ":v": value})) == newer
    # A key's values are checked as values before the key is matched to the schema.
    assert _message(lambda: raw_ddb.get_item(TableName=table, Key={"pk": value})) == newer


@pytest.mark.parametrize("number, older", [
    ("", NOT_NUMERIC),                             # no colon on the older one
    ("3e2147483647", UNDERFLOW),                   # precision minus scale wraps in 32 bits
    ("4e2147483648", f"{NOT_NUMERIC}: 4e2147483648"),   # the exponent fits no 32-bit integer
], ids=["empty", "int32-exponent", "beyond-int32"])
def test_batch_writes_and_transactions_read_a_number_as_bigdecimal(raw_ddb, table, number,
                                                                  older) -> None:
    item = {"pk": {"S": "b"}, "n": {"N": number}}
    assert _message(lambda: raw_ddb.batch_write_item(
        RequestItems={table: [{"PutRequest": {"Item": item}}]})) == older
    assert _message(lambda: raw_ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": item}}])) == older
    assert _message(lambda: raw_ddb.transact_write_items(TransactItems=[{"Update": {
        "TableName": table, "Key": KEY, "UpdateExpression": "SET n = :v",
        "ExpressionAttributeValues": {":v": {"N": number}}}}])) \
        == f"ExpressionAttributeValues contains invalid value: {older} for key :v"


def test_an_exponent_beyond_64_bits_cannot_be_converted(raw_ddb, table) -> None:
    # Once answered with an internal error: the number was handed to Decimal as it came.
    for exponent in ("9223372036854775808", "-9223372036854775809"):
        number = f"1e{exponent}"
        assert _message(lambda: raw_ddb.put_item(
            TableName=table, Item={**KEY, "n": {"N": number}})) \
            == f"{ENVELOPE}{NOT_NUMERIC}: {number}"
    # Within 64 bits it is an ordinary overflow, however far out.
    assert _message(lambda: raw_ddb.put_item(
        TableName=table, Item={**KEY, "n": {"N": "1e999999999999999999"}})) \
        == ENVELOPE + OVERFLOW


def test_zero_is_zero_whatever_exponent_it_is_written_with(ddb, table) -> None:
    for zero in ("0e126", "0E-131", "0e1000", "-0.0e-500"):
        ddb.put_item(TableName=table, Item={**KEY, "n": {"N": zero}})
        assert ddb.get_item(TableName=table, Key=KEY)["Item"]["n"] == {"N": "0"}
        ddb.update_item(TableName=table, Key=KEY, UpdateExpression="SET m = :z",
                        ExpressionAttributeValues={":z": {"N": zero}})
        assert ddb.get_item(TableName=table, Key=KEY)["Item"]["m"] == {"N": "0"}


def test_a_partiql_parameter_reads_its_number_as_the_older_validator_does(raw_ddb,
                                                                          table) -> None:
    statement = f"SELECT * FROM \"{table}\" WHERE pk = 'k' AND n = ?"
    assert _message(lambda: raw_ddb.execute_statement(
        Statement=statement, Parameters=[{"N": "5e2147483647"}])) == UNDERFLOW
    assert _message(lambda: raw_ddb.execute_statement(
        Statement=statement, Parameters=[{"N": ""}])) == NOT_NUMERIC


# ---------------------------------------------------------------- repeated set members

def _sets() -> list[dict]:
    # Each sent out of order with one member repeated.
    high, low = base64.b64decode("/w=="), base64.b64decode("AA==")
    return [{"SS": ["q", "p", "q"]}, {"BS": [high, low, low]}, {"NS": ["7", "3", "7"]}]


NEWER_DUPLICATES = [
    # The members read before the repeat in order, then the repeat, then the rest as sent.
    f'{INVALID}Input collection ["p", "q", "q"] contains duplicates.',
    f'{INVALID}Input collection ["AA==","/w==","AA=="]of type BS contains duplicates.',
    f"{INVALID}Input collection contains duplicates.",
]
OLDER_DUPLICATES = [
    f"{INVALID}Input collection [q, p, q] contains duplicates.",
    f"{INVALID}Input collection [/w==, AA==, AA==]of type BS contains duplicates.",
    "Input collection contains duplicates",
]


def test_a_repeated_set_member_in_the_newer_wording(raw_ddb, table) -> None:
    for value, newer in zip(_sets(), NEWER_DUPLICATES):
        assert _message(lambda: raw_ddb.put_item(
            TableName=table, Item={**KEY, "s": value})) == ENVELOPE + newer
        assert _message(lambda: raw_ddb.put_item(
            TableName=table, Item=KEY, Expected={"s": {"Value": value}})) == ENVELOPE + newer
        assert _message(lambda: raw_ddb.update_item(
            TableName=table, Key=KEY, AttributeUpdates={"s": {"Action": "PUT", "Value": value}})) \
            == ENVELOPE + newer
        assert _message(lambda: raw_ddb.delete_item(TableName=table, Key={"pk": value})) \
            == ENVELOPE + newer
        assert _message(lambda: raw_ddb.get_item(TableName=table, Key={"pk": value})) == newer
        assert _message(lambda: raw_ddb.batch_get_item(
            RequestItems={table: {"Keys": [{"pk": value}]}})) == newer
        assert _message(lambda: raw_ddb.query(
            TableName=table, KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "k"}}, ExclusiveStartKey={"pk": value})) \
            == newer


def test_a_repeated_set_member_in_the_older_wording(raw_ddb, table) -> None:
    for value, older in zip(_sets(), OLDER_DUPLICATES):
        assert _message(lambda: raw_ddb.batch_write_item(
            RequestItems={table: [{"DeleteRequest": {"Key": {"pk": value}}}]})) == older
        # A transaction checks its keys' values up front: not a cancellation.
        assert _message(lambda: raw_ddb.transact_write_items(
            TransactItems=[{"Delete": {"TableName": table, "Key": {"pk": value}}}])) == older
        assert _message(lambda: raw_ddb.transact_get_items(
            TransactItems=[{"Get": {"TableName": table, "Key": {"pk": value}}}])) == older
        assert _message(lambda: raw_ddb.scan(
            TableName=table, FilterExpression="s = :t",
            ExpressionAttributeValues={":t": value})) \
            == f"ExpressionAttributeValues contains invalid value: {older} for key :t"


# ---------------------------------------------------------------- request checks

@pytest.mark.parametrize("params, newer", [
    ({"ExpressionAttributeValues": {":v": {"S": "x"}}},
     "ExpressionAttributeValues can only be specified when using expressions"),
    ({"Expected": {"a": {"Exists": False}}, "ExpressionAttributeNames": {"#a": "a"}},
     "ExpressionAttributeNames can only be specified when using expressions"),
    ({"ConditionExpression": "attribute_exists(a)", "ExpressionAttributeNames": {}},
     "ExpressionAttributeNames must not be empty"),
    ({"ConditionExpression": ""}, "Invalid ConditionExpression: The expression can not be empty;"),
    ({"ConditionExpression": "a = :gone", "ExpressionAttributeValues": {":here": {"S": "x"}}},
     "Invalid ConditionExpression: An expression attribute value used in expression is not "
     "defined; attribute value: :gone"),
    ({"Expected": {"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"S": "x"}]}}},
     f"{INVALID}Invalid number of argument(s) for the BETWEEN ComparisonOperator"),
    ({"Expected": {"a": {"ComparisonOperator": "GT"}}},
     f"{INVALID}Value or AttributeValueList must be used with ComparisonOperator: GT for "
     "Attribute: a"),
    ({"ReturnValues": "UPDATED_NEW"}, "ReturnValues can only be ALL_OLD or NONE"),
], ids=["values-alone", "names-with-expected", "empty-names", "empty-condition",
        "undefined-value", "between-arguments", "comparison-without-value", "return-values"])
def test_delete_item_reports_its_request_checks_in_the_envelope(raw_ddb, table, params,
                                                                newer) -> None:
    assert _message(lambda: raw_ddb.delete_item(TableName=table, Key=KEY, **params)) \
        == ENVELOPE + newer


def test_the_older_validator_names_the_expression_a_value_needs(raw_ddb, table) -> None:
    assert _message(lambda: raw_ddb.transact_write_items(TransactItems=[{"Put": {
        "TableName": table, "Item": KEY, "ExpressionAttributeValues": {":v": {"S": "x"}}}}])) \
        == ("ExpressionAttributeValues can only be specified when using expressions: "
            "ConditionExpression is null")


def test_an_update_cannot_change_the_key_outside_the_envelope(ddb, table) -> None:
    # A fault found against the table's schema is not the request validator's.
    assert _message(lambda: ddb.update_item(
        TableName=table, Key=KEY, UpdateExpression="SET pk = :v",
        ExpressionAttributeValues={":v": {"S": "other"}})) \
        == f"{INVALID}Cannot update attribute pk. This attribute is part of the key"


@pytest.fixture
def binary_table(make_table) -> str:
    return make_table(("pk", "B"))


def test_an_empty_binary_key_is_refused_in_every_key_parameter(raw_ddb, binary_table) -> None:
    message = ("One or more parameter values are not valid. The AttributeValue for a key "
               "attribute cannot contain an empty binary value. Key: pk")
    key = {"pk": {"B": b""}}
    assert _message(lambda: raw_ddb.get_item(TableName=binary_table, Key=key)) == message
    assert _message(lambda: raw_ddb.delete_item(TableName=binary_table, Key=key)) == message
    assert _message(lambda: raw_ddb.update_item(
        TableName=binary_table, Key=key, UpdateExpression="SET a = :v",
        ExpressionAttributeValues={":v": {"S": "x"}})) == message
    assert _message(lambda: raw_ddb.batch_get_item(
        RequestItems={binary_table: {"Keys": [key]}})) == message
    assert _message(lambda: raw_ddb.put_item(TableName=binary_table, Item=key)) == message


def test_an_empty_attribute_name_is_refused(raw_ddb, table) -> None:
    item = {**KEY, "": {"S": "x"}}
    assert _message(lambda: raw_ddb.put_item(TableName=table, Item=item)) \
        == "Empty attribute name"
    assert _message(lambda: raw_ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": item}}])) == "Empty attribute name"
    assert "Item" not in raw_ddb.get_item(TableName=table, Key=KEY)


# ---------------------------------------------------------------- values echoed in a refusal

def test_a_refused_list_of_structures_is_printed_as_java_prints_it(raw_ddb, table) -> None:
    message = _message(lambda: raw_ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": table, "Key": KEY}}] * 101))
    one = "TransactGetItem(get=Get(key={pk=com.amazonaws.dynamodb.v20120810.AttributeValue@"
    assert message.startswith(ENVELOPE + "Value '[" + one)
    assert message.count(f"tableName={table}, projectionExpression=null, "
                         "expressionAttributeNames=null))") == 101
    assert message.endswith("]' at 'transactItems' failed to satisfy constraint: Member must "
                            "have length less than or equal to 100")
    assert "{'" not in message          # no Python repr


def test_a_key_schema_of_three_elements_is_printed_by_its_fields(raw_ddb) -> None:
    schema = [{"AttributeName": "pk", "KeyType": "HASH"},
              {"AttributeName": "sk", "KeyType": "RANGE"},
              {"AttributeName": "extra", "KeyType": "RANGE"}]
    assert _message(lambda: raw_ddb.create_table(
        TableName="three-keys", KeySchema=schema, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])) == (
        ENVELOPE + "Value '[KeySchemaElement(attributeName=pk, keyType=HASH), "
        "KeySchemaElement(attributeName=sk, keyType=RANGE), KeySchemaElement(attributeName="
        "extra, keyType=RANGE)]' at 'keySchema' failed to satisfy constraint: Member must "
        "have length less than or equal to 2")
