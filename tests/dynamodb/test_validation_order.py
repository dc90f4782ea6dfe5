"""Which fault DynamoDB reports when a request has several, and what it checks before it
looks a table up: a transaction's actions in request order, a key condition's clauses as
written, a batch's table names as constraints on its map."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

MISSING = "no-such-table-anywhere"
NESTED_TOO_DEEP = ("Nesting Levels have exceeded supported limits: Attributes in the item have "
                   "nested levels beyond supported limit")


def _error(call) -> dict:
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response


def _refused(call) -> str:
    error = _error(call)["Error"]
    assert error["Code"] == "ValidationException", error
    return error["Message"]


def _nested(levels: int) -> dict:
    value: dict = {"S": "leaf"}
    for _ in range(levels):
        value = {"M": {"n": value}}
    return value


# ---------------------------------------------------------------- transactions

def _transact(raw_ddb, *actions: dict):
    return lambda: raw_ddb.transact_write_items(TransactItems=list(actions))


def test_a_later_actions_malformed_expression_wins_over_an_earlier_missing_table(
        raw_ddb, table) -> None:
    put_missing = {"Put": {"TableName": MISSING, "Item": {"pk": {"S": "a"}}}}
    broken = {"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": "b"}},
                                 "ConditionExpression": "attribute_exists("}}
    assert _refused(_transact(raw_ddb, put_missing, broken)) \
        == 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("'
    unused = {"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": "b"}},
                                 "ConditionExpression": "attribute_exists(pk)",
                                 "ExpressionAttributeValues": {":spare": {"S": "x"}}}}
    assert _refused(_transact(raw_ddb, put_missing, unused)) \
        == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:spare}"


def test_between_two_faulty_actions_the_first_in_request_order_wins(raw_ddb) -> None:
    deep_key = {"Delete": {"TableName": MISSING, "Key": {"pk": _nested(40)}}}
    bad_syntax = {"Put": {"TableName": MISSING, "Item": {"pk": {"S": "a"}},
                          "ConditionExpression": "a = = b"}}
    assert _refused(_transact(raw_ddb, deep_key, bad_syntax)) == NESTED_TOO_DEEP
    assert _refused(_transact(raw_ddb, bad_syntax, deep_key)) \
        == 'Invalid ConditionExpression: Syntax error; token: "=", near: "= = b"'


def test_an_empty_attribute_name_is_checked_before_the_values_of_its_item(raw_ddb) -> None:
    for item in ({"pk": {"S": "a"}, "": {"S": "x"}, "d": _nested(40)},
                 {"pk": {"S": "a"}, "d": _nested(40), "": {"S": "x"}}):
        assert _refused(_transact(raw_ddb, {"Put": {"TableName": MISSING, "Item": item}})) \
            == "Empty attribute name"


def test_an_oversized_update_expression_gives_no_size(raw_ddb) -> None:
    expression = "SET " + ", ".join(f"attribute{i} = :v" for i in range(400))
    assert _refused(_transact(raw_ddb, {"Update": {
        "TableName": MISSING, "Key": {"pk": {"S": "a"}}, "UpdateExpression": expression,
        "ExpressionAttributeValues": {":v": {"S": "x"}}}})) \
        == "Invalid UpdateExpression: Expression size has exceeded the maximum allowed size;"


def test_a_put_over_the_size_limit_never_reaches_the_transaction(raw_ddb, table) -> None:
    item = {"pk": {"S": "big"}, "p": {"S": "x" * (400 * 1024)}}
    assert _refused(_transact(raw_ddb, {"Put": {"TableName": table, "Item": item}})) \
        == "Item size has exceeded the maximum allowed size"


def test_a_get_whose_key_does_not_fit_the_schema_cancels(raw_ddb, table) -> None:
    response = _error(lambda: raw_ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": table, "Key": {"pk": {"S": "fine"}}}},
        {"Get": {"TableName": table, "Key": {}}}]))
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert response["Error"]["Message"] == ("Transaction cancelled, please refer cancellation "
                                            "reasons for specific reasons [None, ValidationError]")
    assert [r["Code"] for r in response["CancellationReasons"]] == ["None", "ValidationError"]


# ---------------------------------------------------------------- single items

@pytest.mark.parametrize("operation, params", [
    ("get_item", {"Key": {"id": {"N": "1"}}}),
    ("delete_item", {"Key": {}}),
    ("update_item", {"Key": {"pk": {"L": []}}, "UpdateExpression": "REMOVE a"}),
    ("put_item", {"Item": {"other": {"S": "x"}}}),
], ids=["get-wrong-name", "delete-empty-key", "update-wrong-type", "put-without-key"])
def test_a_key_is_matched_to_its_schema_only_once_the_table_is_found(raw_ddb, operation,
                                                                      params) -> None:
    error = _error(lambda: getattr(raw_ddb, operation)(TableName=MISSING, **params))["Error"]
    assert error == {"Code": "ResourceNotFoundException",
                     "Message": "Requested resource not found"}


def test_a_value_no_table_could_take_is_refused_before_the_lookup(raw_ddb) -> None:
    assert _refused(lambda: raw_ddb.get_item(TableName=MISSING, Key={"pk": {"N": "ten"}})) \
        == "The parameter cannot be converted to a numeric value: ten"
    assert _refused(lambda: raw_ddb.delete_item(TableName=MISSING, Key={"pk": _nested(40)})) \
        == "1 validation error detected: " + NESTED_TOO_DEEP
    assert _refused(lambda: raw_ddb.put_item(
        TableName=MISSING, Item={"pk": {"S": "a"}, "s": {"SS": []}})) \
        == "One or more parameter values were invalid: An string set  may not be empty"


# ---------------------------------------------------------------- key conditions

@pytest.fixture
def number_sorted(make_table) -> str:
    return make_table(("pk", "S"), ("sk", "N"))


def _query(raw_ddb, table: str, condition: str, values: dict):
    return lambda: raw_ddb.query(TableName=table, KeyConditionExpression=condition,
                                 ExpressionAttributeValues=values)


def _operand(op: str, kind: str) -> str:
    return ("Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
            f"operator or function: {op}, operand type: {kind}")


@pytest.mark.parametrize("condition, values, op", [
    ("pk = :p AND sk < :v", {":v": {"BOOL": True}}, "<"),
    ("pk = :p AND :v >= sk", {":v": {"BOOL": True}}, ">="),           # named as written
    ("pk = :p AND sk BETWEEN :v AND :w", {":v": {"NULL": True}, ":w": {"NULL": True}},
     "BETWEEN"),
    ("pk = :p AND begins_with(sk, :v)", {":v": {"N": "1"}}, "begins_with"),
], ids=["less-than", "value-first", "between", "begins-with"])
def test_an_operand_no_key_could_take_is_an_expression_fault(raw_ddb, number_sorted, condition,
                                                             values, op) -> None:
    kind = next(iter(next(iter(values.values()))))
    values = {":p": {"S": "q"}, **values}
    assert _refused(_query(raw_ddb, number_sorted, condition, values)) == _operand(op, kind)
    # It is found before the table is looked up.
    assert _refused(_query(raw_ddb, MISSING, condition, values)) == _operand(op, kind)


def test_an_operand_of_another_key_type_fails_the_schema_check(raw_ddb, number_sorted) -> None:
    values = {":p": {"S": "q"}, ":v": {"S": "a"}}
    schema = ("One or more parameter values were invalid: Condition parameter type does not "
              "match schema type")
    assert _refused(_query(raw_ddb, number_sorted, "pk = :p AND begins_with(sk, :v)", values)) \
        == schema
    error = _error(_query(raw_ddb, MISSING, "pk = :p AND sk = :v", values))["Error"]
    assert error["Code"] == "ResourceNotFoundException"


def test_clauses_are_checked_in_the_order_written(raw_ddb, number_sorted) -> None:
    undefined = ("Invalid KeyConditionExpression: An expression attribute value used in "
                 "expression is not defined; attribute value: :gone")
    values = {":n": {"BOOL": False}}
    assert _refused(_query(raw_ddb, number_sorted, "pk = :gone AND sk > :n", values)) \
        == undefined
    assert _refused(_query(raw_ddb, number_sorted, "sk > :n AND pk = :gone", values)) \
        == _operand(">", "BOOL")


def test_more_conditions_than_key_attributes(raw_ddb, number_sorted) -> None:
    values = {":p": {"S": "q"}, ":a": {"N": "1"}, ":b": {"N": "5"}}
    assert _refused(_query(raw_ddb, number_sorted, "pk = :p AND sk > :a AND extra = :b",
                           values)) \
        == ("The number of query conditions (3) exceeds the number of key attributes defined "
            "in the schema (2)")
    assert _refused(_query(raw_ddb, number_sorted, "pk = :p AND sk > :a AND sk < :b", values)) \
        == ("Invalid KeyConditionExpression: KeyConditionExpressions must only contain one "
            "condition per key")


# ---------------------------------------------------------------- batches

MAP_KEYS = ("' at 'requestItems' failed to satisfy constraint: Map keys must satisfy "
            "constraint: [Member must have length less than or equal to 255, Member must have "
            "length greater than or equal to 3, Member must satisfy regular expression pattern: "
            "[a-zA-Z0-9_.-]+]")


def test_a_malformed_table_name_is_a_constraint_on_the_request_map(raw_ddb) -> None:
    assert _refused(lambda: raw_ddb.batch_get_item(
        RequestItems={"no good": {"Keys": [{"pk": {"S": "a"}}]}})) \
        == ("1 validation error detected: Value "
            """'{"no good":{"Keys":[{"pk":{"S":"a"}}]}}""" + MAP_KEYS)
    # BatchWriteItem shows the map as Java prints its request objects.
    message = _refused(lambda: raw_ddb.batch_write_item(
        RequestItems={"x": [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}]}))
    assert message.startswith("1 validation error detected: Value '{x=[WriteRequest("
                              "putRequest=PutRequest(item={pk=")
    assert message.endswith(MAP_KEYS)


def test_projection_styles_cannot_be_mixed_across_tables(raw_ddb, table, range_table) -> None:
    assert _refused(lambda: raw_ddb.batch_get_item(RequestItems={
        table: {"Keys": [{"pk": {"S": "a"}}], "ProjectionExpression": "pk"},
        range_table: {"Keys": [{"pk": {"S": "a"}, "sk": {"N": "1"}}],
                      "AttributesToGet": ["pk"]}})) \
        == ("Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {AttributesToGet} Expression parameters: "
            "{ProjectionExpression}")


# ---------------------------------------------------------------- PartiQL

def test_partiql_paths_and_values_it_refuses(raw_ddb, table) -> None:
    assert _refused(lambda: raw_ddb.execute_statement(
        Statement=f"SELECT * FROM \"{table}\".\"nope\"")) \
        == "The table does not have the specified index"
    assert _refused(lambda: raw_ddb.execute_statement(
        Statement=f"SELECT * FROM \"{table}\" WHERE pk = 'a' AND attribute_exists(m.inner)")) \
        == "Statement wasn't well formed, can't be processed: Invalid path dot component"
    statement = f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 's': set_add(<<'x'>>, <<'y'>>)}}"
    column = statement.index("set_add") + 1
    assert _refused(lambda: raw_ddb.execute_statement(Statement=statement)) \
        == f"Unsupported data type: set_add under key root at 1:{column}:7"


def test_conditional_operator_values_are_listed_as_dynamodb_lists_them(raw_ddb, table) -> None:
    assert _refused(lambda: raw_ddb.put_item(
        TableName=table, Item={"pk": {"S": "a"}},
        Expected={"a": {"Exists": False}, "b": {"Exists": False}}, ConditionalOperator="XOR")) \
        == ("1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to "
            "satisfy constraint: Member must satisfy enum value set: [OR, AND]")
