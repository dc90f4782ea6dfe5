"""UpdateItem: SET/REMOVE/ADD/DELETE, functions, nested paths, ReturnValues, legacy updates."""
from __future__ import annotations

import pytest

KEY = {"pk": {"S": "u"}}


@pytest.fixture
def item_table(ddb, table) -> str:
    ddb.put_item(TableName=table, Item={
        **KEY, "n": {"N": "10"}, "s": {"S": "text"}, "l": {"L": [{"N": "1"}, {"N": "2"}]},
        "m": {"M": {"a": {"N": "1"}, "deep": {"M": {"b": {"S": "deep"}}}}},
        "ss": {"SS": ["a", "b", "c"]}, "ns": {"NS": ["1", "2"]}})
    return table


def _update(ddb, table: str, expression: str, values: dict | None = None,
            names: dict | None = None, **params) -> dict:
    if values:
        params["ExpressionAttributeValues"] = values
    if names:
        params["ExpressionAttributeNames"] = names
    return ddb.update_item(TableName=table, Key=KEY, UpdateExpression=expression, **params)


def _get(ddb, table: str) -> dict:
    return ddb.get_item(TableName=table, Key=KEY, ConsistentRead=True).get("Item", {})


def test_set_arithmetic_and_functions(ddb, item_table) -> None:
    _update(ddb, item_table,
            "SET n = n + :one, s2 = :v, l = list_append(l, :more), "
            "fresh = if_not_exists(fresh, :zero), s = if_not_exists(s, :v), "
            "d = n - :one",
            {":one": {"N": "1"}, ":v": {"S": "v"}, ":more": {"L": [{"N": "3"}]},
             ":zero": {"N": "0"}})
    item = _get(ddb, item_table)
    assert item["n"] == {"N": "11"}
    assert item["d"] == {"N": "9"}        # operands are read before the update applies
    assert item["s2"] == {"S": "v"}
    assert item["s"] == {"S": "text"}
    assert item["fresh"] == {"N": "0"}
    assert item["l"] == {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}]}


def test_list_append_prepends_when_asked(ddb, item_table) -> None:
    _update(ddb, item_table, "SET l = list_append(:front, l)", {":front": {"L": [{"N": "0"}]}})
    assert _get(ddb, item_table)["l"] == {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}]}


def test_decimal_arithmetic_is_exact(ddb, item_table) -> None:
    _update(ddb, item_table, "SET x = :a + :b, big = :big + :one",
            {":a": {"N": "0.1"}, ":b": {"N": "0.2"}, ":one": {"N": "1"},
             ":big": {"N": "9999999999999999999999999999999999998"}})
    item = _get(ddb, item_table)
    assert item["x"] == {"N": "0.3"}
    assert item["big"] == {"N": "9999999999999999999999999999999999999"}


def test_nested_paths_and_list_indexes(ddb, item_table) -> None:
    _update(ddb, item_table,
            "SET m.deep.b = :new, m.c = :c, l[0] = :zero, l[10] = :end REMOVE m.a",
            {":new": {"S": "changed"}, ":c": {"S": "c"}, ":zero": {"N": "0"},
             ":end": {"N": "99"}})
    item = _get(ddb, item_table)
    assert item["m"] == {"M": {"deep": {"M": {"b": {"S": "changed"}}}, "c": {"S": "c"}}}
    # Setting past the end of a list appends.
    assert item["l"] == {"L": [{"N": "0"}, {"N": "2"}, {"N": "99"}]}


def test_remove_attributes_and_list_elements(ddb, item_table) -> None:
    _update(ddb, item_table, "REMOVE s, l[0], nothing")
    item = _get(ddb, item_table)
    assert "s" not in item
    assert item["l"] == {"L": [{"N": "2"}]}


def test_add_to_numbers_and_sets(ddb, item_table) -> None:
    _update(ddb, item_table, "ADD n :five, tally :five, ss :more, newset :more",
            {":five": {"N": "5"}, ":more": {"SS": ["c", "d"]}})
    item = _get(ddb, item_table)
    assert item["n"] == {"N": "15"}
    assert item["tally"] == {"N": "5"}      # ADD to a missing number starts from 0
    assert sorted(item["ss"]["SS"]) == ["a", "b", "c", "d"]
    assert sorted(item["newset"]["SS"]) == ["c", "d"]


def test_delete_from_sets(ddb, item_table) -> None:
    _update(ddb, item_table, "DELETE ss :ab, ns :all", {":ab": {"SS": ["a", "b", "z"]},
                                                        ":all": {"NS": ["1", "2"]}})
    item = _get(ddb, item_table)
    assert item["ss"] == {"SS": ["c"]}
    assert "ns" not in item                   # a set emptied by DELETE goes away


def test_update_creates_a_missing_item(ddb, table) -> None:
    resp = _update(ddb, table, "SET v = :v", {":v": {"S": "new"}}, ReturnValues="ALL_NEW")
    assert resp["Attributes"] == {**KEY, "v": {"S": "new"}}


def test_update_without_expression_creates_the_key_only_item(ddb, table) -> None:
    ddb.update_item(TableName=table, Key=KEY)
    assert _get(ddb, table) == KEY


@pytest.mark.parametrize("return_values, expected", [
    ("NONE", None),
    ("ALL_OLD", {**KEY, "n": {"N": "10"}, "s": {"S": "text"}}),
    ("ALL_NEW", {**KEY, "n": {"N": "11"}, "s": {"S": "text"}, "x": {"S": "x"}}),
    ("UPDATED_OLD", {"n": {"N": "10"}}),
    ("UPDATED_NEW", {"n": {"N": "11"}, "x": {"S": "x"}}),
])
def test_return_values(ddb, table, return_values: str, expected: dict | None) -> None:
    ddb.put_item(TableName=table, Item={**KEY, "n": {"N": "10"}, "s": {"S": "text"}})
    resp = _update(ddb, table, "SET n = n + :one, x = :x", {":one": {"N": "1"}, ":x": {"S": "x"}},
                   ReturnValues=return_values)
    assert resp.get("Attributes") == expected


def test_conditional_update(ddb, item_table, aws_error) -> None:
    _update(ddb, item_table, "SET n = :new", {":new": {"N": "20"}, ":old": {"N": "10"}},
            ConditionExpression="n = :old")
    with aws_error("ConditionalCheckFailedException", "The conditional request failed"):
        _update(ddb, item_table, "SET n = :new", {":new": {"N": "30"}, ":old": {"N": "10"}},
                ConditionExpression="n = :old")
    assert _get(ddb, item_table)["n"] == {"N": "20"}


def test_update_of_a_key_attribute(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "One or more parameter values were invalid: Cannot "
                   "update attribute pk. This attribute is part of the key"):
        _update(ddb, item_table, "SET pk = :v", {":v": {"S": "other"}})


def test_overlapping_paths(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid UpdateExpression: Two document paths overlap "
                   "with each other; must remove or rewrite one of these paths; path one: [n], "
                   "path two: [n]"):
        _update(ddb, item_table, "SET n = :v REMOVE n", {":v": {"N": "1"}})


def test_conflicting_paths(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid UpdateExpression: Two document paths conflict "
                   "with each other; must remove or rewrite one of these paths; path one: "
                   "[m, a], path two: [m, [0]]"):
        _update(ddb, item_table, "SET m.a = :v, m[0] = :v", {":v": {"N": "1"}})


def test_section_used_twice(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", 'Invalid UpdateExpression: The "SET" section can only '
                   'be used once in an update expression;'):
        _update(ddb, item_table, "SET a = :v SET b = :v", {":v": {"N": "1"}})


def test_arithmetic_on_a_string(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "An operand in the update expression has an incorrect "
                   "data type"):
        _update(ddb, item_table, "SET s = s + :one", {":one": {"N": "1"}})


def test_arithmetic_on_a_missing_attribute(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "The provided expression refers to an attribute that "
                   "does not exist in the item"):
        _update(ddb, item_table, "SET x = nothing + :one", {":one": {"N": "1"}})


def test_add_with_a_string_operand(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid UpdateExpression: Incorrect operand type for "
                   "operator or function; operator: ADD, operand type: STRING, "
                   "typeSet: ALLOWED_FOR_ADD_OPERAND"):
        _update(ddb, item_table, "ADD n :s", {":s": {"S": "x"}})


def test_add_number_to_a_string_attribute(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "An operand in the update expression has an incorrect "
                   "data type"):
        _update(ddb, item_table, "ADD s :one", {":one": {"N": "1"}})


def test_delete_with_a_number_operand(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid UpdateExpression: Incorrect operand type for "
                   "operator or function; operator: DELETE, operand type: NUMBER, "
                   "typeSet: ALLOWED_FOR_DELETE_OPERAND"):
        _update(ddb, item_table, "DELETE ss :one", {":one": {"N": "1"}})


def test_set_into_a_missing_map(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "The document path provided in the update expression "
                   "is invalid for update"):
        _update(ddb, item_table, "SET nomap.child = :v", {":v": {"N": "1"}})


def test_list_append_on_a_non_list(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", prefix="Invalid UpdateExpression: Incorrect operand "
                   "type for operator or function; operator or function: list_append, operand "
                   "type: "):
        _update(ddb, item_table, "SET l = list_append(l, :s)", {":s": {"S": "x"}})


def test_undefined_value_in_update(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "1 validation error detected: Invalid "
                   "UpdateExpression: An expression attribute value used in expression is not "
                   "defined; attribute value: :nope"):
        _update(ddb, item_table, "SET a = :nope", {":v": {"N": "1"}})


def test_unused_value_in_update(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Value provided in ExpressionAttributeValues unused in "
                   "expressions: keys: {:extra}"):
        _update(ddb, item_table, "SET a = :v", {":v": {"N": "1"}, ":extra": {"N": "2"}})


def test_update_syntax_error(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", prefix="Invalid UpdateExpression: Syntax error; token:"):
        _update(ddb, item_table, "SET a :v", {":v": {"N": "1"}})


def test_reserved_word_in_update(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid UpdateExpression: Attribute name is a "
                   "reserved keyword; reserved keyword: size"):
        _update(ddb, item_table, "SET size = :v", {":v": {"N": "1"}})


def test_update_making_the_item_too_large(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Item size to update has exceeded the maximum allowed "
                   "size"):
        _update(ddb, item_table, "SET big = :big", {":big": {"S": "x" * (400 * 1024)}})


def test_legacy_attribute_updates(ddb, item_table) -> None:
    ddb.update_item(TableName=item_table, Key=KEY, AttributeUpdates={
        "s": {"Action": "PUT", "Value": {"S": "put"}},
        "n": {"Action": "ADD", "Value": {"N": "-3"}},
        "ss": {"Action": "DELETE", "Value": {"SS": ["a"]}},
        "ns": {"Action": "DELETE"},
        "added": {"Action": "ADD", "Value": {"NS": ["7"]}},
    })
    item = _get(ddb, item_table)
    assert item["s"] == {"S": "put"}
    assert item["n"] == {"N": "7"}
    assert sorted(item["ss"]["SS"]) == ["b", "c"]
    assert "ns" not in item
    assert item["added"] == {"NS": ["7"]}


def test_legacy_update_with_expression_parameters(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Can not use both expression and non-expression "
                   "parameters in the same request: Non-expression parameters: "
                   "{AttributeUpdates} Expression parameters: {UpdateExpression}"):
        ddb.update_item(TableName=item_table, Key=KEY, UpdateExpression="SET a = :v",
                        ExpressionAttributeValues={":v": {"N": "1"}},
                        AttributeUpdates={"s": {"Action": "PUT", "Value": {"S": "x"}}})


def test_legacy_put_without_a_value(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "One or more parameter values were invalid: Only "
                   "DELETE action is allowed when no attribute value is specified"):
        ddb.update_item(TableName=item_table, Key=KEY, AttributeUpdates={"s": {"Action": "PUT"}})


def test_elements_set_past_the_end_append_in_index_order(ddb, item_table) -> None:
    _update(ddb, item_table, "SET l[9] = :c, l[5] = :a, l[7] = :b",
            {":a": {"S": "a"}, ":b": {"S": "b"}, ":c": {"S": "c"}})
    assert _get(ddb, item_table)["l"] == {"L": [{"N": "1"}, {"N": "2"}, {"S": "a"}, {"S": "b"},
                                                {"S": "c"}]}


def test_condition_function_in_an_update(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid UpdateExpression: The function is not allowed "
                   "in an update expression; function: size"):
        _update(ddb, item_table, "SET x = size(l)")


def test_nested_list_append(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid UpdateExpression: The function is not allowed "
                   "to be used this way in an expression; function: list_append"):
        _update(ddb, item_table, "SET l = list_append(list_append(l, :l), :l)",
                {":l": {"L": [{"N": "3"}]}})


def test_if_not_exists_of_a_path_onto_itself(ddb, item_table, aws_error) -> None:
    with aws_error("ValidationException", "Invalid UpdateExpression: The first operand must be "
                   "distinct from the remaining operands for this operator or function; "
                   "operator: if_not_exists, first operand: [n]"):
        _update(ddb, item_table, "SET n = if_not_exists(n, n)")


@pytest.mark.parametrize("expression, values", [
    ("SET r = :a - :b", {":a": {"N": "1e50"}, ":b": {"N": "1"}}),
    ("SET r = :a + :b", {":a": {"N": "1e50"}, ":b": {"N": "1"}}),
    ("SET r = :a + :a", {":a": {"N": "9e125"}}),
    ("ADD n :a", {":a": {"N": "1e40"}}),
])
def test_arithmetic_beyond_38_digits_overflows(ddb, item_table, aws_error, expression: str,
                                               values: dict) -> None:
    # DynamoDB words a result it cannot hold exactly (1e50 - 1) as an overflow too.
    with aws_error("ValidationException", "Number overflow. Attempting to store a number with "
                   "magnitude larger than supported range"):
        _update(ddb, item_table, expression, values)
    assert _get(ddb, item_table)["n"] == {"N": "10"}



@pytest.mark.parametrize("present", [False, True])
def test_add_of_an_empty_set_is_refused_and_changes_nothing(ddb, table, aws_error,
                                                            present) -> None:
    item = {**KEY, "ss": {"SS": ["kept"]}} if present else dict(KEY)
    ddb.put_item(TableName=table, Item=item)
    with aws_error("ValidationException", prefix="ExpressionAttributeValues contains invalid "
                   "value: One or more parameter values were invalid: An string set  may not "
                   "be empty"):
        _update(ddb, table, "ADD ss :empty", {":empty": {"SS": []}})
    assert _get(ddb, table) == item


# A set reads back in DynamoDB's own order, not as written: strings and binaries bytewise,
# so the empty member comes first, numbers by value.
def test_add_to_a_set_reads_back_in_dynamodb_order(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={**KEY, "ss": {"SS": ["a"]},
                                        "ns": {"NS": ["10"]}, "bs": {"BS": [b"\x02"]}})
    _update(ddb, table, "ADD ss :s, ns :n, bs :b",
            {":s": {"SS": [""]}, ":n": {"NS": ["9", "-1"]}, ":b": {"BS": [b"\x01", b""]}})
    item = _get(ddb, table)
    assert item["ss"] == {"SS": ["", "a"]}
    assert item["ns"] == {"NS": ["-1", "9", "10"]}
    assert item["bs"] == {"BS": [b"", b"\x01", b"\x02"]}


def test_put_sets_read_back_in_dynamodb_order(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={**KEY, "ss": {"SS": ["b", "é", "B", ""]},
                                        "ns": {"NS": ["2", "1e1", "-3.5"]}})
    item = _get(ddb, table)
    assert item["ss"] == {"SS": ["", "B", "b", "é"]}
    assert item["ns"] == {"NS": ["-3.5", "2", "10"]}


def test_delete_leaving_only_the_empty_member_keeps_the_set(ddb, table) -> None:
    ddb.put_item(TableName=table, Item={**KEY, "ss": {"SS": ["", "a"]}})
    _update(ddb, table, "DELETE ss :a", {":a": {"SS": ["a"]}})
    assert _get(ddb, table)["ss"] == {"SS": [""]}
    _update(ddb, table, "DELETE ss :e", {":e": {"SS": [""]}})
    assert _get(ddb, table) == KEY
