"""BatchExecuteStatement and ExecuteTransaction: per-statement results and errors, atomic
transactions, cancellation reasons, idempotency; and ExecuteStatement through the AWS CLI."""
from __future__ import annotations

import json
import uuid

import pytest

from tests.dynamodb.test_cli import aws, ok

SELECT_KEY = "Select statements within {} must specify the primary key in the where clause."


def _item(ddb, table: str, pk: str) -> dict | None:
    return ddb.get_item(TableName=table, Key={"pk": {"S": pk}}).get("Item")


# ------------------------------------------------------------------ BatchExecuteStatement

def test_batch_of_reads(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    out = ddb.batch_execute_statement(Statements=[
        {"Statement": f'SELECT * FROM "{table}" WHERE pk = ?', "Parameters": [{"S": "a"}]},
        {"Statement": f"SELECT v FROM \"{table}\" WHERE pk = 'a'", "ConsistentRead": True},
        {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'none'"},
    ], ReturnConsumedCapacity="TOTAL")
    assert out["Responses"] == [
        {"TableName": table, "Item": {"pk": {"S": "a"}, "v": {"N": "1"}}},
        {"TableName": table, "Item": {"v": {"N": "1"}}},
        {"TableName": table}]
    assert out["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 2.0}]


def test_batch_reports_each_statements_error(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    out = ddb.batch_execute_statement(Statements=[
        {"Statement": "SLECT * FROM x"},
        {"Statement": f"SELECT * FROM \"{table}\" WHERE v = 1"},
        {"Statement": "SELECT * FROM \"no-such-table\" WHERE pk = 'a'"},
        {"Statement": f'SELECT * FROM "{table}" WHERE pk = ?'},
        {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'a'"},
    ])
    assert out["Responses"] == [
        {"Error": {"Code": "ValidationError", "Message": "Statement wasn't well formed, can't be "
                                                         "processed: Expected data manipulation"}},
        {"Error": {"Code": "ValidationError",
                   "Message": SELECT_KEY.format("BatchExecuteStatement")}, "TableName": table},
        {"Error": {"Code": "ResourceNotFound", "Message": "Requested resource not found"}},
        {"Error": {"Code": "ValidationError", "Message": "Number of parameters in request and "
                                                         "statement don't match."},
         "TableName": table},
        {"TableName": table, "Item": {"pk": {"S": "a"}}}]


def test_batch_of_writes_with_failures(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "old"}, "v": {"N": "1"}})
    out = ddb.batch_execute_statement(Statements=[
        {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'new'}}"},
        {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'old'}}"},
        {"Statement": f"UPDATE \"{table}\" SET v = 2 WHERE pk = 'old' AND v = 5",
         "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
        {"Statement": f"UPDATE \"{table}\" SET w = 3 WHERE pk = 'old'"},
        {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'gone'"},
    ])
    assert out["Responses"] == [
        {"TableName": table},
        {"Error": {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
         "TableName": table},
        {"Error": {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
                   "Item": {"pk": {"S": "old"}, "v": {"N": "1"}}}, "TableName": table},
        {"TableName": table},
        {"TableName": table}]
    assert _item(ddb, table, "new") == {"pk": {"S": "new"}}
    assert _item(ddb, table, "old") == {"pk": {"S": "old"}, "v": {"N": "1"}, "w": {"N": "3"}}


def test_batch_mixing_reads_and_writes_is_refused(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "BatchExecuteStatement API does not support both read "
                                          "and write operations in the same request."):
        ddb.batch_execute_statement(Statements=[
            {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'a'"},
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'b'}}"}])
    assert _item(ddb, table, "b") is None


def test_batch_limits(raw_ddb, table, aws_error) -> None:
    statement = {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'a'"}
    with aws_error("ValidationException", contains="Member must have length less than or equal "
                                                   "to 25"):
        raw_ddb.batch_execute_statement(Statements=[statement] * 26)
    with aws_error("ValidationException", contains="Member must have length greater than or "
                                                   "equal to 1"):
        raw_ddb.batch_execute_statement(Statements=[])


# ------------------------------------------------------------------ ExecuteTransaction

def test_transaction_of_writes_is_applied_whole(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "u"}, "n": {"N": "1"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "d"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "c"}, "ok": {"BOOL": True}})
    out = ddb.execute_transaction(TransactStatements=[
        {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': ?}}", "Parameters": [{"S": "i"}]},
        {"Statement": f"UPDATE \"{table}\" SET n = n + 1 WHERE pk = 'u'"},
        {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'd'"},
        {"Statement": f"EXISTS(SELECT * FROM \"{table}\" WHERE pk = 'c' AND ok = true)"},
    ], ReturnConsumedCapacity="TOTAL")
    assert out["Responses"] == []
    assert out["ConsumedCapacity"][0]["TableName"] == table
    assert _item(ddb, table, "i") == {"pk": {"S": "i"}}
    assert _item(ddb, table, "u")["n"] == {"N": "2"}
    assert _item(ddb, table, "d") is None


def test_cancelled_transaction_changes_nothing(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "dup"}})
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as info:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'fresh'}}"},
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'dup'}}"},
            {"Statement": f"UPDATE \"{table}\" SET a = 1 WHERE pk = 'missing'"},
        ])
    error = info.value.response
    assert error["Error"]["Message"] == ("Transaction cancelled, please refer cancellation "
                                         "reasons for specific reasons [None, DuplicateItem, "
                                         "ConditionalCheckFailed]")
    assert error["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}]
    assert _item(ddb, table, "fresh") is None


def test_transaction_of_reads(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    out = ddb.execute_transaction(TransactStatements=[
        {"Statement": f"SELECT v FROM \"{table}\" WHERE pk = 'a'"},
        {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'b'"}])
    assert out["Responses"] == [{"Item": {"v": {"N": "1"}}}, {}]


def test_client_request_token_runs_a_transaction_once(ddb, table, aws_error) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "t"}, "n": {"N": "0"}})
    token = uuid.uuid4().hex
    statements = [{"Statement": f"UPDATE \"{table}\" SET n = n + 1 WHERE pk = 't'"}]
    ddb.execute_transaction(TransactStatements=statements, ClientRequestToken=token)
    ddb.execute_transaction(TransactStatements=statements, ClientRequestToken=token)
    assert _item(ddb, table, "t")["n"] == {"N": "1"}
    with aws_error("IdempotentParameterMismatchException"):
        ddb.execute_transaction(ClientRequestToken=token, TransactStatements=[
            {"Statement": f"UPDATE \"{table}\" SET n = n + 2 WHERE pk = 't'"}])


@pytest.mark.parametrize("statement, message", [
    ("SELECT * FROM \"{t}\" WHERE", "Validation failed in TransactStatements[0]: Statement "
                                    "wasn't well formed, can't be processed: Unexpected term"),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' AND attribute_exists(v)",
     "Validation failed in TransactStatements[0]: " + SELECT_KEY.format("ExecuteTransaction")),
    ("EXISTS(SELECT * FROM \"{t}\" WHERE pk = 'a')", "Validation failed in TransactStatements[0]"
                                                    ": EXISTS() must contain a single item read "
                                                    "with additional condition"),
    ("UPDATE \"{t}\" SET a = 1 WHERE v = 2", "Validation failed in TransactStatements[0]: "
                                             "Where clause does not contain a mandatory equality "
                                             "on all key attributes"),
])
def test_transaction_statement_errors(ddb, table, aws_error, statement, message) -> None:
    with aws_error("ValidationException", message):
        ddb.execute_transaction(TransactStatements=[{"Statement": statement.format(t=table)}])


def test_transaction_parameter_faults_name_no_statement(ddb, table, aws_error) -> None:
    with aws_error("ValidationException",
                   "The parameter cannot be converted to a numeric value: 1e99999999999"):
        ddb.execute_transaction(TransactStatements=[{
            "Statement": f"UPDATE \"{table}\" SET n = ? WHERE pk = 'a'",
            "Parameters": [{"N": "1e99999999999"}]}])


def test_transaction_mixing_reads_and_writes_is_refused(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "ExecuteTransaction API does not support both read "
                                          "and write operations in the same request."):
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'a'"},
            {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'a'"}])


def test_transaction_touching_one_item_twice_is_refused(ddb, table, aws_error) -> None:
    with aws_error("ValidationException",
                   "Transaction request cannot include multiple operations on one item"):
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'x'}}"},
            {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'x'"}])


def test_transaction_on_an_unknown_table(ddb, aws_error) -> None:
    with aws_error("ResourceNotFoundException", "Requested resource not found"):
        ddb.execute_transaction(TransactStatements=[
            {"Statement": "DELETE FROM \"no-such-table\" WHERE pk = 'x'"}])


# ------------------------------------------------------------------ the AWS CLI

def test_cli_execute_statement(endpoint: str, ddb, table) -> None:
    ok(endpoint, "execute-statement", "--statement",
       f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'v': 5}}", "--parameters", '[{"S": "cli"}]')
    got = ok(endpoint, "execute-statement", "--statement",
             f"SELECT v FROM \"{table}\" WHERE pk = 'cli'")
    assert got["Items"] == [{"v": {"N": "5"}}]
    batch = ok(endpoint, "batch-execute-statement", "--statements", json.dumps([
        {"Statement": f"UPDATE \"{table}\" SET v = 6 WHERE pk = 'cli'"}]))
    assert batch["Responses"] == [{"TableName": table}]
    assert _item(ddb, table, "cli")["v"] == {"N": "6"}


def test_cli_execute_statement_error(endpoint: str, table) -> None:
    proc = aws(endpoint, "execute-statement", "--statement", f"SELECT * FROM \"{table}\" WHERE")
    assert proc.returncode != 0
    assert ("An error occurred (ValidationException) when calling the ExecuteStatement "
            "operation: Statement wasn't well formed, can't be processed: Unexpected term"
            ) in proc.stderr
