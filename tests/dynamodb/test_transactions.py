"""TransactWriteItems and TransactGetItems: atomicity, cancellation reasons, idempotency."""
from __future__ import annotations

import uuid

import pytest


def _key(k: str) -> dict:
    return {"pk": {"S": k}}


def test_write_transaction_applies_every_action(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={**_key("upd"), "n": {"N": "1"}})
    ddb.put_item(TableName=table, Item=_key("del"))
    ddb.put_item(TableName=table, Item={**_key("check"), "ok": {"BOOL": True}})
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": table, "Item": {**_key("new"), "v": {"S": "x"}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Update": {"TableName": table, "Key": _key("upd"), "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"Delete": {"TableName": table, "Key": _key("del")}},
        {"ConditionCheck": {"TableName": table, "Key": _key("check"),
                            "ConditionExpression": "ok = :t",
                            "ExpressionAttributeValues": {":t": {"BOOL": True}}}},
    ])
    got = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": table, "Key": _key(k)}} for k in ("new", "upd", "del")])
    assert [r.get("Item") for r in got["Responses"]] == [
        {**_key("new"), "v": {"S": "x"}}, {**_key("upd"), "n": {"N": "2"}}, None]


def test_cancelled_transaction_changes_nothing(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={**_key("a"), "n": {"N": "1"}})
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as info:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": _key("b")}},
            {"Update": {"TableName": table, "Key": _key("a"), "UpdateExpression": "SET n = :two",
                        "ConditionExpression": "n = :five",
                        "ExpressionAttributeValues": {":two": {"N": "2"}, ":five": {"N": "5"}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
        ])
    error = info.value.response
    assert error["Error"]["Message"] == ("Transaction cancelled, please refer cancellation "
                                         "reasons for specific reasons [None, "
                                         "ConditionalCheckFailed]")
    assert error["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
         "Item": {**_key("a"), "n": {"N": "1"}}}]
    assert "Item" not in ddb.get_item(TableName=table, Key=_key("b"))
    assert ddb.get_item(TableName=table, Key=_key("a"))["Item"]["n"] == {"N": "1"}


def test_condition_check_failure_is_reported_in_order(ddb, table) -> None:
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as info:
        ddb.transact_write_items(TransactItems=[
            {"ConditionCheck": {"TableName": table, "Key": _key("x"),
                                "ConditionExpression": "attribute_exists(pk)"}},
            {"Put": {"TableName": table, "Item": _key("y")}},
            {"Delete": {"TableName": table, "Key": _key("z"),
                        "ConditionExpression": "attribute_exists(pk)"}},
        ])
    reasons = [r["Code"] for r in info.value.response["CancellationReasons"]]
    assert reasons == ["ConditionalCheckFailed", "None", "ConditionalCheckFailed"]


def test_two_actions_on_one_item(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "Transaction request cannot include multiple "
                   "operations on one item"):
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": _key("same")}},
            {"Delete": {"TableName": table, "Key": _key("same")}}])


def test_client_request_token_is_idempotent(ddb, table, aws_error) -> None:
    token = uuid.uuid4().hex
    items = [{"Update": {"TableName": table, "Key": _key("c"), "UpdateExpression": "ADD n :one",
                         "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
    ddb.transact_write_items(TransactItems=items, ClientRequestToken=token)
    ddb.transact_write_items(TransactItems=items, ClientRequestToken=token)
    assert ddb.get_item(TableName=table, Key=_key("c"))["Item"]["n"] == {"N": "1"}
    other = [{"Put": {"TableName": table, "Item": _key("d")}}]
    with aws_error("IdempotentParameterMismatchException"):
        ddb.transact_write_items(TransactItems=other, ClientRequestToken=token)


def test_transact_get_of_missing_items(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={**_key("here"), "a": {"S": "1"}, "b": {"S": "2"}})
    got = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": table, "Key": _key("missing")}},
        {"Get": {"TableName": table, "Key": _key("here"), "ProjectionExpression": "a"}}])
    assert got["Responses"] == [{}, {"Item": {"a": {"S": "1"}}}]


def test_too_many_actions(raw_ddb, table, aws_error) -> None:
    with aws_error("ValidationException", contains="Member must have length less than or "
                   "equal to 100"):
        raw_ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": _key(f"k{i}")}} for i in range(101)])


def test_transaction_on_a_missing_table(ddb, aws_error) -> None:
    with aws_error("ResourceNotFoundException", prefix="Requested resource not found"):
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "no-such-table", "Item": _key("a")}}])
    with aws_error("ResourceNotFoundException", prefix="Requested resource not found"):
        ddb.transact_get_items(TransactItems=[
            {"Get": {"TableName": "no-such-table", "Key": _key("a")}}])


def _reasons(info) -> list[dict]:
    return info.value.response["CancellationReasons"]


def test_key_not_matching_the_schema_cancels_the_transaction(ddb, table) -> None:
    # DynamoDB stops at the first such action: the others are reported None, unchecked.
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as info:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": {"N": "1"}}}},
            {"Delete": {"TableName": table, "Key": {"pk": {"N": "2"}}}},
            {"ConditionCheck": {"TableName": table, "Key": _key("absent"),
                                "ConditionExpression": "attribute_exists(pk)"}}])
    assert info.value.response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[ValidationError, None, None]")
    assert _reasons(info) == [
        {"Code": "ValidationError", "Message": "One or more parameter values were invalid: "
                                               "Type mismatch for key pk expected: S actual: N"},
        {"Code": "None"}, {"Code": "None"}]
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as info:
        ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": table, "Key": {"pk": {"L": [{"S": "x"}]}},
                        "UpdateExpression": "REMOVE a"}}])
    assert _reasons(info) == [{"Code": "ValidationError",
                               "Message": "The provided key element does not match the schema"}]


@pytest.mark.parametrize("action", [
    {"Put": {"Item": {"pk": {"S": ""}}}},
    {"Delete": {"Key": {"pk": {"S": ""}}}},
    {"ConditionCheck": {"Key": {"pk": {"S": ""}}, "ConditionExpression": "attribute_exists(a)"}},
])
def test_empty_key_value_fails_the_whole_transaction(ddb, table, aws_error, action) -> None:
    (kind, request), = action.items()
    with aws_error("ValidationException", "One or more parameter values are not valid. The "
                   "AttributeValue for a key attribute cannot contain an empty string value. "
                   "Key: pk"):
        ddb.transact_write_items(TransactItems=[{kind: {"TableName": table, **request}}])


def test_members_each_action_requires(raw_ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "1 validation error detected: Value null at "
                   "'transactItems.2.member.conditionCheck.conditionExpression' failed to "
                   "satisfy constraint: Member must not be null"):
        raw_ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": _key("a")}},
            {"ConditionCheck": {"TableName": table, "Key": _key("b")}}])
    with aws_error("ValidationException", "1 validation error detected: Value 'none' at "
                   "'transactItems.1.member.put.returnValuesOnConditionCheckFailure' failed to "
                   "satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]"):
        raw_ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": _key("a"),
                     "ReturnValuesOnConditionCheckFailure": "none"}}])
    assert "Item" not in raw_ddb.get_item(TableName=table, Key=_key("a"))


@pytest.mark.parametrize("action, body", [
    ("Put", {"Item": _key("a")}),
    ("Update", {"Key": _key("a"), "UpdateExpression": "SET v = :v",
                "ExpressionAttributeValues": {":v": {"S": "x"}}}),
    ("Delete", {"Key": _key("a")}),
    ("ConditionCheck", {"Key": _key("a"), "ConditionExpression": "attribute_exists(pk)"}),
])
def test_bad_table_name_is_reported_at_its_action(raw_ddb, table, aws_error, action,
                                                   body) -> None:
    where = action[0].lower() + action[1:]
    with aws_error("ValidationException", "1 validation error detected: Value 'no such!' at "
                   f"'transactItems.2.member.{where}.tableName' failed to satisfy constraint: "
                   "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"):
        raw_ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": _key("b")}},
            {action: {"TableName": "no such!", **body}}])
    with aws_error("ValidationException", "1 validation error detected: Value 'no such!' at "
                   "'transactItems.1.member.get.tableName' failed to satisfy constraint: "
                   "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"):
        raw_ddb.transact_get_items(TransactItems=[
            {"Get": {"TableName": "no such!", "Key": _key("a")}}])


def test_transaction_payload_is_limited_to_4_mb(ddb, table, aws_error) -> None:
    big = {"S": "x" * 100_000}
    puts = [{"Put": {"TableName": table, "Item": {**_key(f"k{i}"), "v": big}}} for i in range(42)]
    with aws_error("ValidationException", prefix="Transaction payload size cannot exceed 4MB"):
        ddb.transact_write_items(TransactItems=puts)
    # What counts is the request: deleting as many large items is allowed.
    ddb.transact_write_items(TransactItems=puts[:30])
    ddb.transact_write_items(TransactItems=puts[30:])
    ddb.transact_write_items(TransactItems=[
        {"Delete": {"TableName": table, "Key": _key(f"k{i}")}} for i in range(42)])


def test_transactional_update_that_only_removes_creates_no_item(ddb, table) -> None:
    ddb.transact_write_items(TransactItems=[
        {"Update": {"TableName": table, "Key": _key("absent"), "UpdateExpression": "REMOVE a"}}])
    assert "Item" not in ddb.get_item(TableName=table, Key=_key("absent"))
