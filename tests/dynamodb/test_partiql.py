"""PartiQL through ExecuteStatement: SELECT (Query or Scan), INSERT, UPDATE, DELETE, literals,
parameters, paging, and the errors DynamoDB gives for statements it refuses."""
from __future__ import annotations

import pytest

NOT_WELL_FORMED = "Statement wasn't well formed, can't be processed: "
INCOMPLETE_KEY = "Where clause does not contain a mandatory equality on all key attributes"


def run(ddb, statement: str, *params: dict, **options) -> dict:
    if params:
        options["Parameters"] = list(params)
    return ddb.execute_statement(Statement=statement, **options)


def items(ddb, statement: str, *params: dict, **options) -> list[dict]:
    return run(ddb, statement, *params, **options)["Items"]


@pytest.fixture
def filled(ddb, range_table) -> str:
    for sk in range(1, 6):
        ddb.put_item(TableName=range_table, Item={
            "pk": {"S": "a"}, "sk": {"N": str(sk)}, "n": {"N": str(sk * 10)},
            "tag": {"S": "even" if sk % 2 == 0 else "odd"},
            "m": {"M": {"k": {"L": [{"S": "x"}, {"S": f"y{sk}"}]}, "z": {"N": str(sk)}}}})
    ddb.put_item(TableName=range_table, Item={"pk": {"S": "b"}, "sk": {"N": "1"},
                                              "tag": {"S": "odd"}})
    return range_table


# ------------------------------------------------------------------ SELECT

def test_select_by_partition_key_reads_the_partition_in_key_order(ddb, filled) -> None:
    got = items(ddb, f'SELECT * FROM "{filled}" WHERE pk = \'a\'')
    assert [i["sk"]["N"] for i in got] == ["1", "2", "3", "4", "5"]
    assert got[0]["tag"] == {"S": "odd"}


def test_select_with_sort_key_condition_and_filter(ddb, filled) -> None:
    got = items(ddb, f"SELECT sk FROM \"{filled}\" WHERE pk = ? AND sk BETWEEN 2 AND 4 "
                     "AND tag = 'even'", {"S": "a"})
    assert got == [{"sk": {"N": "2"}}, {"sk": {"N": "4"}}]


def test_select_with_two_sort_key_conditions(ddb, filled) -> None:
    got = items(ddb, f'SELECT sk FROM "{filled}" WHERE pk = \'a\' AND sk > 1 AND sk < 4')
    assert got == [{"sk": {"N": "2"}}, {"sk": {"N": "3"}}]


def test_select_without_partition_key_scans(ddb, filled) -> None:
    got = items(ddb, f"SELECT pk, sk FROM \"{filled}\" WHERE tag = 'odd' AND sk = 1")
    assert sorted(i["pk"]["S"] for i in got) == ["a", "b"]


def test_select_star_without_where_returns_every_item(ddb, filled) -> None:
    assert len(items(ddb, f'SELECT * FROM "{filled}"')) == 6


def test_where_operators_and_functions(ddb, filled) -> None:
    def sks(where: str, *params: dict) -> list[str]:
        got = items(ddb, f'SELECT sk FROM "{filled}" WHERE pk = \'a\' AND {where}', *params)
        return [i["sk"]["N"] for i in got]

    assert sks("n <> 30") == ["1", "2", "4", "5"]
    assert sks("n >= 40") == ["4", "5"]
    assert sks("n <= 20") == ["1", "2"]
    assert sks("n IN [10, 50]") == ["1", "5"]
    assert sks("n IN (10, 20)") == ["1", "2"]
    assert sks("NOT n > 10") == ["1"]
    assert sks("(n = 10 OR n = 50)") == ["1", "5"]
    assert sks("begins_with(m.k[1], 'y3')") == ["3"]
    assert sks("contains(tag, 've')") == ["2", "4"]
    assert sks("attribute_type(n, 'N') AND m.z = 2") == ["2"]
    assert sks("size(m.k) = 2 AND n < ?", {"N": "25"}) == ["1", "2"]
    assert sks("nope IS MISSING AND n = 10") == ["1"]
    assert sks("n IS NOT MISSING AND n > 40") == ["5"]
    assert sks("attribute_exists(m.z) AND attribute_not_exists(q) AND n = 30") == ["3"]
    assert sks("tag IS STRING AND n = 20") == ["2"]
    # BOOL is PartiQL's other spelling of BOOLEAN.
    assert sks("tag IS BOOL") == []
    # A condition function compared with a boolean is the function, or its negation.
    assert sks("attribute_exists(n) = true AND n < 30") == ["1", "2"]
    assert sks("attribute_exists(n) = false") == []
    assert sks("attribute_exists(nope) <> true AND n = 40") == ["4"]


def test_projection_of_nested_paths_is_named_by_the_last_part(ddb, filled) -> None:
    got = items(ddb, f'SELECT m.k[1], m.z, "tag" FROM "{filled}" WHERE pk = \'a\' AND sk = 2')
    assert got == [{"k[1]": {"S": "y2"}, "z": {"N": "2"}, "tag": {"S": "even"}}]


def test_projection_of_missing_attributes_gives_empty_items(ddb, filled) -> None:
    assert items(ddb, f"SELECT nope FROM \"{filled}\" WHERE pk = 'b'") == [{}]


def test_order_by_sort_key_descending(ddb, filled) -> None:
    got = items(ddb, f"SELECT sk FROM \"{filled}\" WHERE pk = 'a' ORDER BY sk DESC")
    assert [i["sk"]["N"] for i in got] == ["5", "4", "3", "2", "1"]


def test_limit_and_next_token_page_through(ddb, filled) -> None:
    statement = f"SELECT sk FROM \"{filled}\" WHERE pk = 'a'"
    first = run(ddb, statement, Limit=2)
    assert [i["sk"]["N"] for i in first["Items"]] == ["1", "2"]
    seen = [i["sk"]["N"] for i in first["Items"]]
    token = first["NextToken"]
    while token:
        page = run(ddb, statement, Limit=2, NextToken=token)
        seen += [i["sk"]["N"] for i in page["Items"]]
        token = page.get("NextToken")
    assert seen == ["1", "2", "3", "4", "5"]


def test_next_token_of_another_statement_is_refused(ddb, filled, aws_error) -> None:
    token = run(ddb, f"SELECT * FROM \"{filled}\" WHERE pk = 'a'", Limit=1)["NextToken"]
    with aws_error("ValidationException", "NextToken does not match request"):
        run(ddb, f"SELECT * FROM \"{filled}\" WHERE pk = 'b'", NextToken=token)
    with aws_error("ValidationException", "Invalid NextToken"):
        run(ddb, f"SELECT * FROM \"{filled}\"", NextToken="not-a-token")


def test_consistent_read_and_consumed_capacity(ddb, filled) -> None:
    out = run(ddb, f"SELECT * FROM \"{filled}\" WHERE pk = 'b'", ConsistentRead=True,
              ReturnConsumedCapacity="TOTAL")
    assert out["ConsumedCapacity"] == {"TableName": filled, "CapacityUnits": 1.0}


def test_select_through_an_index(ddb, make_table) -> None:
    name = make_table(attributes={"g": "S"}, GlobalSecondaryIndexes=[{
        "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}}])
    ddb.put_item(TableName=name, Item={"pk": {"S": "1"}, "g": {"S": "x"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "2"}, "g": {"S": "y"}})
    assert items(ddb, f"SELECT pk FROM \"{name}\".\"by-g\" WHERE g = 'y'") == [{"pk": {"S": "2"}}]
    assert len(items(ddb, f'SELECT * FROM "{name}"."by-g"')) == 2


# ------------------------------------------------------------------ writes

def test_insert_then_select(ddb, table) -> None:
    out = run(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': 'k1', 'n': -1.50e1, 's': 'it''s', "
                   "'b': true, 'z': null, 'l': [1, 'two', [3]], 'm': {'x': {'y': 2}}, "
                   "'ss': <<'a', 'b'>>, 'ns': <<1, 2>>}")
    assert out["Items"] == []
    item = ddb.get_item(TableName=table, Key={"pk": {"S": "k1"}})["Item"]
    assert item == {"pk": {"S": "k1"}, "n": {"N": "-15"}, "s": {"S": "it's"},
                    "b": {"BOOL": True}, "z": {"NULL": True},
                    "l": {"L": [{"N": "1"}, {"S": "two"}, {"L": [{"N": "3"}]}]},
                    "m": {"M": {"x": {"M": {"y": {"N": "2"}}}}},
                    "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}}


def test_insert_with_parameters(ddb, table) -> None:
    run(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'bin': ?}}", {"S": "p"}, {"B": b"\x00\x01"})
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "p"}})["Item"]["bin"] == {
        "B": b"\x00\x01"}


def test_insert_of_an_existing_key_is_a_duplicate(ddb, table, aws_error) -> None:
    run(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': 'dup', 'v': 1}}")
    with aws_error("DuplicateItemException", "Duplicate primary key exists in table"):
        run(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': 'dup', 'v': 2}}")
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "dup"}})["Item"]["v"] == {"N": "1"}


def test_update_set_and_remove(ddb, range_table) -> None:
    ddb.put_item(TableName=range_table, Item={"pk": {"S": "u"}, "sk": {"N": "1"},
                                              "n": {"N": "1"}, "gone": {"S": "x"},
                                              "l": {"L": [{"N": "1"}]}, "ss": {"SS": ["a"]}})
    out = run(ddb, f"UPDATE \"{range_table}\" SET n = n + 5 SET l = list_append(l, [2]) "
                   "SET ss = set_add(ss, <<'b'>>), m = {'k': 'v'} REMOVE gone "
                   "WHERE pk = 'u' AND sk = 1")
    assert out["Items"] == []
    item = ddb.get_item(TableName=range_table, Key={"pk": {"S": "u"}, "sk": {"N": "1"}})["Item"]
    assert item["n"] == {"N": "6"} and "gone" not in item
    assert item["l"] == {"L": [{"N": "1"}, {"N": "2"}]}
    assert sorted(item["ss"]["SS"]) == ["a", "b"]
    assert item["m"] == {"M": {"k": {"S": "v"}}}


def test_update_returning(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "r"}, "a": {"N": "1"}, "b": {"N": "1"}})
    out = run(ddb, f"UPDATE \"{table}\" SET a = 2 WHERE pk = 'r' RETURNING MODIFIED NEW *")
    assert out["Items"] == [{"a": {"N": "2"}}]
    out = run(ddb, f"UPDATE \"{table}\" SET a = 3 WHERE pk = 'r' RETURNING ALL OLD *")
    assert out["Items"] == [{"pk": {"S": "r"}, "a": {"N": "2"}, "b": {"N": "1"}}]


def test_update_of_a_missing_item_fails_its_condition(ddb, table, aws_error) -> None:
    with aws_error("ConditionalCheckFailedException", "The conditional request failed"):
        run(ddb, f"UPDATE \"{table}\" SET a = 1 WHERE pk = 'never'")
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "never"}})


def test_update_with_a_failing_condition_returns_the_item_when_asked(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "c"}, "a": {"N": "1"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException) as info:
        run(ddb, f"UPDATE \"{table}\" SET a = 2 WHERE pk = 'c' AND a = 5",
            ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert info.value.response["Item"] == {"pk": {"S": "c"}, "a": {"N": "1"}}


def test_delete_with_and_without_condition(ddb, table, aws_error) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "d"}, "a": {"N": "1"}})
    with aws_error("ConditionalCheckFailedException", "The conditional request failed"):
        run(ddb, f"DELETE FROM \"{table}\" WHERE pk = 'd' AND a = 2")
    out = run(ddb, f"DELETE FROM \"{table}\" WHERE pk = 'd' RETURNING ALL OLD *")
    assert out["Items"] == [{"pk": {"S": "d"}, "a": {"N": "1"}}]
    assert run(ddb, f"DELETE FROM \"{table}\" WHERE pk = 'd'")["Items"] == []


def test_statement_keywords_comments_and_semicolon(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "kw"}})
    assert items(ddb, f"-- lead\nselect * /* note */ from \"{table}\" where pk = 'kw';") == [
        {"pk": {"S": "kw"}}]


# ------------------------------------------------------------------ errors

@pytest.mark.parametrize("statement, detail", [
    ("SLECT * FROM \"{t}\"", "Expected data manipulation"),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' foo", "Unexpected token after expression"),
    ("SELECT * FROM \"{t}\" WHERE pk = 1)", "Unexpected token after expression"),
    ("DELETE FROM \"{t}\" WHERE pk = 'a' ORDER BY pk", "Unexpected token after expression"),
    ("INSERT INTO \"{t}\" t VALUE {{'pk': 'x'}}", "Unexpected token after expression"),
    ("SELECT * FROM \"{t}\" WHERE", "Unexpected term"),
    ("SELECT * FROM \"{t}\" WHERE NOT", "Unexpected term"),
    ("SELECT * FROM \"{t}\" WHERE (", "Unexpected term"),
    ("SELECT * FROM", "Unexpected term"),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' AND", "Missing right-hand side expression of infix operator"),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' OR", "Missing right-hand side expression of infix operator"),
    ("SELECT * FROM \"{t}\" WHERE ORDER BY pk", "Unexpected keyword"),
    ("SELECT * FROM \"{t}\" WHERE IS NULL", "Unexpected operator"),
    ("SELECT * FROM \"{t}\" WHERE pk = LIKE", "Unexpected operator"),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' AND x IS FOO", "Expected type name"),
    ("DELETE FROM", "Expected identifier for simple path"),
    ("DELETE FROM WHERE pk = 'a'", "Expected identifier for simple path"),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' # note", ""),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' /* note", ""),
    ("SELECT * FROM \"{t}\" WHERE pk = 'unclosed", ""),
    ("SELECT * FROM \"{t}\" WHERE pk = 1e2147483648", ""),
])
def test_statements_that_are_not_well_formed(ddb, table, aws_error, statement, detail) -> None:
    with aws_error("ValidationException", NOT_WELL_FORMED + detail):
        run(ddb, statement.format(t=table))


@pytest.mark.parametrize("statement, message", [
    ("SELECT * FROM \"{t}\" t WHERE pk = 'x'", "Aliasing is not supported"),
    ("SELECT * FROM \"{t}\" AS t WHERE pk = 'x'", "Aliasing is not supported"),
    ("DELETE FROM \"{t}\" t WHERE pk = 'x'", "Aliasing is not supported"),
    ("UPDATE \"{t}\" SET a = 1", INCOMPLETE_KEY),
    ("UPDATE \"{t}\" SET a = 1 WHERE a = 2", INCOMPLETE_KEY),
    ("FROM \"{t}\" SET c = 1", INCOMPLETE_KEY),
    ("DELETE FROM \"{t}\" WHERE pk > 'a'", INCOMPLETE_KEY),
    ("SELECT *, a FROM \"{t}\"",
     "Other attributes should not be present in the projection when '*' is used."),
    ("SELECT m.z, z FROM \"{t}\"", "Duplicate identifiers in select clause: z"),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' AND attribute_exists('s')",
     "Operator or function requires a document path; operator or function: attribute_exists"),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' AND attribute_exists()",
     "Incorrect number of operands for operator or function; operator or function: "
     "attribute_exists, number of operands: 0"),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' AND EXISTS(s)", "Unrecognized function: exists at 1:{col}:6"),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' AND s = MISSING",
     "MISSING must be compared using IS operator"),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' AND s IS INT4",
     "Unsupported data type for IS operator: INT4. Supported data types are [MISSING, NULL, "
     "BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"),
    ("SELECT * FROM \"{t}\" WHERE pk = 1e126",
     "Number overflow. Attempting to store a number with magnitude larger than supported "
     "range under root"),
    ("INSERT INTO \"{t}\" VALUE {{'pk': 'x', 'l': [1, 1e-131]}}",
     "Number underflow. Attempting to store a number with magnitude smaller than supported "
     "range under root[1]"),
    ("INSERT INTO \"{t}\" VALUE {{'pk': 'x', 'm': {{'x': 1e126}}}}",
     "Number overflow. Attempting to store a number with magnitude larger than supported "
     "range under root.x"),
    ("INSERT INTO \"{t}\" VALUE {{'pk': 'x', 's': <<>>}}", "Empty bags are not supported"),
    ("INSERT INTO \"{t}\" VALUE {{'pk': 'x', 's': <<'a', 'a'>>}}",
     "One or more parameter values were invalid: Input collection [a, a] contains duplicates."),
    ("INSERT INTO \"{t}\" VALUE {{'pk': 'x', 's': <<'a', 1>>}}",
     "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"),
    ("INSERT INTO \"{t}\" VALUE {{'pk': 'x', 'k': 1, 'k': 2}}",
     "Duplicate keys in tuple. Key: k under root"),
    ("INSERT INTO \"{t}\" VALUE ['x']",
     "Unsupported format in item expression. Please use struct format {{...}} to express item "
     "values for insert statement."),
    ("INSERT INTO \"{t}\" VALUE {{'v': 'x'}}", "Key attribute should be present in the item: Key pk"),
    ("INSERT INTO \"{t}\" VALUE {{'pk': 1}}",
     "Key attribute's data type should match its data type in table's schema: Key pk"),
    ("INSERT INTO \"{t}\" VALUES ({{'pk': 'x'}})",
     "Unsupported operation: Inserting multiple items in a single statement is not supported, "
     "use \"INSERT INTO tableName VALUE item\" instead"),
    ("DELETE FROM \"{t}\" WHERE pk = 'x' RETURNING ALL NEW *",
     "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in "
     "DELETE statements."),
    ("UPDATE \"{t}\" SET t = set_add(s, <<'x'>>) WHERE pk = 'x'",
     "The first argument to SET_ADD must equal the assignment value at 1:{setcol}:7"),
    ("UPDATE \"{t}\" SET pk = 'y' WHERE pk = 'x'",
     "One or more parameter values were invalid: Cannot update attribute pk. This attribute is "
     "part of the key"),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' ORDER BY v", 
     "Variable reference v in ORDER BY clause must be part of the primary key"),
    ("SELECT * FROM \"{t}\" ORDER BY pk",
     "Must have WHERE clause in the statement when using ORDER BY clause."),
    ("EXISTS(SELECT * FROM \"{t}\" WHERE pk = 'a' AND v = 1)",
     "EXISTS can only be used in ExecuteTransaction write requests."),
])
def test_statements_dynamodb_refuses(ddb, table, aws_error, statement, message) -> None:
    text = statement.format(t=table, col="{col}", setcol="{setcol}")
    expected = message.format(col=text.find("EXISTS") + 1, setcol=text.find("set_add") + 1)
    with aws_error("ValidationException", expected):
        run(ddb, text)


@pytest.mark.parametrize("value, shown", [
    ({"BOOL": True}, "BOOL"), ({"NULL": True}, "NULL"), ({"L": [{"S": "a"}]}, "L"),
    ({"M": {"a": {"S": "b"}}}, "M"), ({"SS": ["a"]}, "SS"), ({"NS": ["1"]}, "NS"),
    ({"BS": [b"\x01"]}, "BS")])
@pytest.mark.parametrize("operator", ["<", "<=", ">", ">="])
def test_ordering_an_unordered_type_names_it_as_the_value_does(
        ddb, table, aws_error, operator, value, shown) -> None:
    # The expression language would say BOOLEAN or STRING_SET; PartiQL says BOOL and SS.
    with aws_error("ValidationException", "Incorrect operand type for operator or function; "
                   f"operator or function: {operator}, operand type: {shown}"):
        run(ddb, f'SELECT pk FROM "{table}" WHERE pk = ? AND val {operator} ?', {"S": "a"}, value)


def test_between_an_unordered_type_names_it_as_the_value_does(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "Incorrect operand type for operator or function; "
                   "operator or function: BETWEEN, operand type: BOOL"):
        run(ddb, f'SELECT pk FROM "{table}" WHERE pk = ? AND val BETWEEN ? AND ?',
            {"S": "a"}, {"BOOL": True}, {"BOOL": False})


def test_unknown_table(ddb, aws_error) -> None:
    with aws_error("ResourceNotFoundException", "Requested resource not found"):
        run(ddb, "SELECT * FROM \"no-such-table\" WHERE pk = 'a'")
    with aws_error("ResourceNotFoundException", "Requested resource not found"):
        run(ddb, "INSERT INTO \"no-such-table\" VALUE {'pk': 'a'}")


def test_parameter_counts(ddb, table, aws_error) -> None:
    message = "Number of parameters in request and statement don't match."
    with aws_error("ValidationException", message):
        run(ddb, f'SELECT * FROM "{table}" WHERE pk = ?')
    with aws_error("ValidationException", message):
        run(ddb, f'UPDATE "{table}" SET a = ?, b = ? WHERE pk = ?', {"S": "1"}, {"S": "2"})
    # Parameters beyond the statement's are ignored, as DynamoDB does.
    assert items(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'x'", {"S": "extra"}) == []


def test_bad_parameter_values(ddb, table, aws_error) -> None:
    with aws_error("ValidationException",
                   "The parameter cannot be converted to a numeric value: abc"):
        run(ddb, f'SELECT * FROM "{table}" WHERE pk = \'a\' AND n = ?', {"N": "abc"})
    with aws_error("ValidationException",
                   "Key attribute's data type should match its data type in table's schema: "
                   "Key pk"):
        run(ddb, f'SELECT * FROM "{table}" WHERE pk = ?', {"N": "1"})


def test_consistent_read_on_a_global_index_is_refused(ddb, make_table, aws_error) -> None:
    name = make_table(attributes={"g": "S"}, GlobalSecondaryIndexes=[{
        "IndexName": "gix", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}}])
    with aws_error("ValidationException",
                   "Strongly consistent read is not supported on Global Secondary Indexes"):
        run(ddb, f"SELECT * FROM \"{name}\".\"gix\" WHERE g = 'a'", ConsistentRead=True)
    with aws_error("ValidationException", "The table does not have the specified index"):
        run(ddb, f"SELECT * FROM \"{name}\".\"nope\"")
    with aws_error("ValidationException", "FROM clause may only contain a single table name in "
                                          "data manipulation statements"):
        run(ddb, f"DELETE FROM \"{name}\".\"gix\" WHERE pk = 'a'")


def test_request_members_are_validated(raw_ddb, aws_error) -> None:
    with aws_error("ValidationException", prefix="1 validation error detected: Value '' at "
                                                 "'statement' failed to satisfy constraint"):
        raw_ddb.execute_statement(Statement="")


def test_index_projections(ddb, make_table, aws_error) -> None:
    name = make_table(("pk", "S"), ("sk", "S"), attributes={"g": "S", "l": "S"},
                      GlobalSecondaryIndexes=[{
                          "IndexName": "keys-only", "Projection": {"ProjectionType": "KEYS_ONLY"},
                          "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}],
                      LocalSecondaryIndexes=[{
                          "IndexName": "local", "Projection": {"ProjectionType": "KEYS_ONLY"},
                          "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                        {"AttributeName": "l", "KeyType": "RANGE"}]}])
    ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"S": "s"}, "g": {"S": "x"},
                                       "l": {"S": "y"}, "data": {"S": "one"}})
    # A local index reads attributes it does not hold from the table.
    assert items(ddb, f"SELECT data FROM \"{name}\".\"local\" WHERE pk = 'p' AND l = 'y'") == [
        {"data": {"S": "one"}}]
    with aws_error("ValidationException", "One or more parameter values were invalid: Global "
                                          "secondary index keys-only does not project [data, m]"):
        run(ddb, f"SELECT data, m.x, g FROM \"{name}\".\"keys-only\" WHERE g = 'x'")
