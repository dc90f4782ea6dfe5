"""TransactWriteItems / TransactGetItems: all or nothing, reasons, idempotency; batches."""
from __future__ import annotations

import re

import pytest

from fogbank.tables.errors import (IdempotentParameterMismatchException,
                                   TransactionCanceledException, ValidationException)

from .conftest import make_table


@pytest.fixture
def table(db):
    make_table(db, "tbl")
    db.put_item(TableName="tbl", Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    return db


def put(pk, **cond):
    return {"Put": {"TableName": "tbl", "Item": {"pk": {"S": pk}}, **cond}}


def test_all_actions_apply_together(table):
    table.transact_write_items(TransactItems=[
        put("b"),
        {"Update": {"TableName": "tbl", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "ADD v :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}}])
    got = table.transact_get_items(TransactItems=[
        {"Get": {"TableName": "tbl", "Key": {"pk": {"S": "a"}}}},
        {"Get": {"TableName": "tbl", "Key": {"pk": {"S": "b"}}}},
        {"Get": {"TableName": "tbl", "Key": {"pk": {"S": "zz"}}}}])["Responses"]
    assert got[0]["Item"]["v"] == {"N": "2"} and got[1]["Item"] == {"pk": {"S": "b"}}
    assert got[2] == {}


def test_a_failed_condition_cancels_everything_with_reasons(table):
    with pytest.raises(TransactionCanceledException) as exc:
        table.transact_write_items(TransactItems=[
            put("c"),
            {"ConditionCheck": {"TableName": "tbl", "Key": {"pk": {"S": "a"}},
                                "ConditionExpression": "v = :two",
                                "ExpressionAttributeValues": {":two": {"N": "2"}},
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}])
    assert exc.value.message == ("Transaction cancelled, please refer cancellation reasons for "
                                 "specific reasons [None, ConditionalCheckFailed]")
    reasons = exc.value.extra["CancellationReasons"]
    assert reasons[0] == {"Code": "None"}
    assert reasons[1]["Code"] == "ConditionalCheckFailed"
    assert reasons[1]["Item"]["v"] == {"N": "1"}
    assert "Item" not in table.get_item(TableName="tbl", Key={"pk": {"S": "c"}})


def test_two_actions_on_one_item_are_refused(table):
    with pytest.raises(ValidationException, match="Transaction request cannot include multiple "
                                                  "operations on one item"):
        table.transact_write_items(TransactItems=[put("a"), put("a")])


def test_client_request_token_makes_a_repeat_a_no_op(table):
    items = [{"Update": {"TableName": "tbl", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "ADD v :one",
                         "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
    table.transact_write_items(TransactItems=items, ClientRequestToken="tok")
    table.transact_write_items(TransactItems=items, ClientRequestToken="tok")
    assert table.get_item(TableName="tbl", Key={"pk": {"S": "a"}})["Item"]["v"] == {"N": "2"}
    with pytest.raises(IdempotentParameterMismatchException):
        table.transact_write_items(TransactItems=[put("z")], ClientRequestToken="tok")


def test_token_expires_after_ten_minutes(table, clock):
    items = [{"Update": {"TableName": "tbl", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "ADD v :one",
                         "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
    table.transact_write_items(TransactItems=items, ClientRequestToken="tok")
    clock.advance(601)
    table.transact_write_items(TransactItems=items, ClientRequestToken="tok")
    assert table.get_item(TableName="tbl", Key={"pk": {"S": "a"}})["Item"]["v"] == {"N": "3"}


def test_batch_write_then_batch_get(table):
    table.batch_write_item(RequestItems={"tbl": [
        {"PutRequest": {"Item": {"pk": {"S": "x"}}}},
        {"DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]})
    out = table.batch_get_item(RequestItems={"tbl": {"Keys": [{"pk": {"S": "x"}}, {"pk": {"S": "a"}}]}})
    assert out["Responses"]["tbl"] == [{"pk": {"S": "x"}}]
    assert out["UnprocessedKeys"] == {}


def test_batch_limits_and_duplicates(table):
    with pytest.raises(ValidationException, match=re.escape(
            "at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: "
            "[Member must have length less than or equal to 25, ")):
        table.batch_write_item(RequestItems={"tbl": [
            {"PutRequest": {"Item": {"pk": {"S": str(i)}}}} for i in range(26)]})
    make_table(table, "other")
    with pytest.raises(ValidationException, match="Too many items requested for the BatchWriteItem call"):
        table.batch_write_item(RequestItems={name: [
            {"PutRequest": {"Item": {"pk": {"S": str(i)}}}} for i in range(13)] for name in ("tbl", "other")})
    with pytest.raises(ValidationException, match="Provided list of item keys contains duplicates"):
        table.batch_get_item(RequestItems={"tbl": {"Keys": [{"pk": {"S": "a"}}, {"pk": {"S": "a"}}]}})


def test_transactions_report_double_capacity_when_asked(table):
    out = table.transact_write_items(TransactItems=[put("b"), put("c")],
                                     ReturnConsumedCapacity="TOTAL")
    assert out["ConsumedCapacity"] == [{"TableName": "tbl", "CapacityUnits": 4.0}]
    got = table.transact_get_items(TransactItems=[
        {"Get": {"TableName": "tbl", "Key": {"pk": {"S": "a"}}}}], ReturnConsumedCapacity="TOTAL")
    assert got["ConsumedCapacity"] == [{"TableName": "tbl", "CapacityUnits": 2.0}]


def test_batch_write_reports_capacity_per_table(table):
    out = table.batch_write_item(RequestItems={"tbl": [{"PutRequest": {"Item": {"pk": {"S": "x"}}}}]},
                                 ReturnConsumedCapacity="TOTAL")
    assert out["ConsumedCapacity"] == [{"TableName": "tbl", "CapacityUnits": 1.0}]
