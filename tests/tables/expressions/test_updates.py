"""UpdateExpression: SET / REMOVE / ADD / DELETE, applied as DynamoDB applies them."""
from __future__ import annotations

import copy

import pytest

from fogbank.tables.errors import ValidationException
from fogbank.tables.expressions import ExpressionContext, parse_update


def N(n: object) -> dict:
    return {"N": str(n)}


def S(s: str) -> dict:
    return {"S": s}


ITEM = {"pk": S("p"), "tally": N(1), "label": S("x"), "f": N("0.1"),
        "letters": {"L": [N(1), N(2), N(3)]}, "info": {"M": {"a": N(1)}},
        "tags": {"SS": ["a", "b"]}, "nums": {"NS": ["1", "2"]}}


def updated(text: str, values: dict | None = None, names: dict | None = None,
            item: dict = ITEM) -> dict:
    before = copy.deepcopy(item)
    ctx = ExpressionContext(names, values)
    update = parse_update(text, ctx)
    ctx.check_all_used()
    result = update.apply(item)
    assert item == before, "the stored item must not change"
    return result


@pytest.mark.parametrize("text, values, names, changes", [
    ("SET a = :a, info.b = :b, #l[0] = :z", {":a": S("A"), ":b": N(2), ":z": N(0)},
     {"#l": "letters"}, {"a": S("A"), "info": {"M": {"a": N(1), "b": N(2)}},
                         "letters": {"L": [N(0), N(2), N(3)]}}),
    ("SET letters[10] = :v", {":v": N(4)}, None, {"letters": {"L": [N(1), N(2), N(3), N(4)]}}),
    ("SET letters[9] = :c, letters[5] = :a, letters[7] = :b", {":a": N(4), ":b": N(5), ":c": N(6)},
     None, {"letters": {"L": [N(1), N(2), N(3), N(4), N(5), N(6)]}}),
    ("SET alt = list_append(if_not_exists(alt, :e), :t)", {":e": {"L": []}, ":t": {"L": [N(9)]}},
     None, {"alt": {"L": [N(9)]}}),
    ("SET f = f + :f, tally = tally - :one", {":f": N("0.2"), ":one": N(1)}, None,
     {"f": N("0.3"), "tally": N(0)}),
    ("SET a = tally, tally = :ten", {":ten": N(10)}, None, {"a": N(1), "tally": N(10)}),
    ("SET tally = if_not_exists(tally, :zero) + :one, fresh = if_not_exists(fresh, :zero)",
     {":zero": N(0), ":one": N(1)}, None, {"tally": N(2), "fresh": N(0)}),
    ("SET letters = list_append(letters, :t), alt = list_append(if_not_exists(alt, :e), :t), "
     "front = list_append(:h, letters)", {":t": {"L": [N(9)]}, ":e": {"L": []}, ":h": {"L": [N(0)]}},
     None, {"letters": {"L": [N(1), N(2), N(3), N(9)]}, "alt": {"L": [N(9)]},
            "front": {"L": [N(0), N(1), N(2), N(3)]}}),
    ("SET a = (:v)", {":v": N(1)}, None, {"a": N(1)}),
    ("SET a = (tally + :v)", {":v": N(1)}, None, {"a": N(2)}),
    ("set a = :v", {":v": N(1)}, None, {"a": N(1)}),
    ("SET info.a = info.a + :v", {":v": N("-1.5")}, None, {"info": {"M": {"a": N("-0.5")}}}),
    ("REMOVE #n, info.a, letters[0], letters[2]", None, {"#n": "label"},
     {"label": None, "info": {"M": {}}, "letters": {"L": [N(2)]}}),
    ("REMOVE absent, letters[7]", None, None, {}),
    ("ADD #c :five, newCount :five, tags :more, nums :ns",
     {":five": N(5), ":more": {"SS": ["b", "c"]}, ":ns": {"NS": ["2.0", "3"]}}, {"#c": "tally"},
     {"tally": N(6), "newCount": N(5), "tags": {"SS": ["a", "b", "c"]}, "nums": {"NS": ["1", "2", "3"]}}),
    ("ADD fresh :s", {":s": {"SS": ["z"]}}, None, {"fresh": {"SS": ["z"]}}),
    ("DELETE tags :a", {":a": {"SS": ["a", "zz"]}}, None, {"tags": {"SS": ["b"]}}),
    ("DELETE tags :a, nums :n", {":a": {"SS": ["a", "b"]}, ":n": {"NS": ["1.0"]}}, None,
     {"tags": None, "nums": {"NS": ["2"]}}),
    ("DELETE absent :a", {":a": {"SS": ["a"]}}, None, {}),
    ("SET a = :a REMOVE info ADD #c :one DELETE tags :t",
     {":a": N(1), ":one": N(1), ":t": {"SS": ["a"]}}, {"#c": "tally"},
     {"a": N(1), "info": None, "tally": N(2), "tags": {"SS": ["b"]}}),
    ("REMOVE info ADD tally :one SET a = :one", {":one": N(1)}, None,
     {"info": None, "tally": N(2), "a": N(1)}),
])
def test_updates_apply_as_dynamodb_does(text: str, values: dict | None, names: dict | None,
                                        changes: dict) -> None:
    expected = {**ITEM, **changes}
    expected = {k: v for k, v in expected.items() if v is not None}
    assert updated(text, values, names) == expected


def test_an_update_of_an_absent_item_starts_from_nothing() -> None:
    assert updated("SET v = :v ADD c :v", {":v": N(1)}, item={}) == {"v": N(1), "c": N(1)}


def test_touched_names_and_paths() -> None:
    update = parse_update("SET a.b = :v, #c = :v REMOVE d[1]",
                          ExpressionContext({"#c": "c.d"}, {":v": N(1)}))
    assert update.top_level_names == {"a", "c.d", "d"}
    assert update.paths == (("a", "b"), ("c.d",), ("d", 1))


P = "Invalid UpdateExpression: "
WRONG_TYPE = "An operand in the update expression has an incorrect data type"


@pytest.mark.parametrize("text, values, message", [
    ("", None, P + "The expression can not be empty;"),
    ("SET", None, P + 'Syntax error; token: "<EOF>", near: "SET"'),
    ("SET a x b", None, P + 'Syntax error; token: "x", near: "a x b"'),
    ("SET a = :v,", {":v": N(1)}, P + 'Syntax error; token: "<EOF>", near: ","'),
    ("SET a = :v + :v + :v", {":v": N(1)}, P + 'Syntax error; token: "+", near: ":v + :v"'),
    ("UPSERT a = :v", {":v": N(1)}, P + 'Syntax error; token: "UPSERT", near: "UPSERT a"'),
    ("ADD a b", None, P + 'Syntax error; token: "b", near: "a b"'),
    ("REMOVE a ADD", None, P + 'Syntax error; token: "<EOF>", near: "ADD"'),
    ("SET a = :v SET b = :v", {":v": N(1)},
     P + 'The "SET" section can only be used once in an update expression;'),
    ("REMOVE a REMOVE b", None,
     P + 'The "REMOVE" section can only be used once in an update expression;'),
    ("SET status = :v", {":v": N(1)},
     P + "Attribute name is a reserved keyword; reserved keyword: status"),
    ("SET a = size(b)", None,
     P + "The function is not allowed in an update expression; function: size"),
    ("SET a = f(b)", None, P + "Invalid function name; function: f"),
    ("SET a = if_not_exists(b, b)", None,
     P + "The first operand must be distinct from the remaining operands for this operator or "
         "function; operator: if_not_exists, first operand: [b]"),
    ("SET a = list_append(list_append(:l, :l), :l)", {":l": {"L": []}},
     P + "The function is not allowed to be used this way in an expression; function: "
         "list_append"),
    ("SET a = list_append(:l, :l) + :l", {":l": {"L": []}},
     P + "The function is not allowed to be used this way in an expression; function: "
         "list_append"),
    ("SET a = if_not_exists(:v, :v)", {":v": N(1)},
     P + "Operator or function requires a document path; operator or function: if_not_exists"),
    # DynamoDB looks a value up before it finds that a path should have stood there.
    ("SET b = if_not_exists(:val2, :val1)", {":val1": N(6)},
     P + "An expression attribute value used in expression is not defined; attribute value: "
         ":val2"),
    ("SET b = if_not_exists(:v, :v), b = :v", {":v": N(1)},
     P + "Operator or function requires a document path; operator or function: if_not_exists"),
    ("SET b = if_not_exists(if_not_exists(a, :v), :w)", {":w": N(1)},
     P + "Operator or function requires a document path; operator or function: if_not_exists"),
    ("SET a = list_append(:v)", {":v": {"L": []}},
     P + "Incorrect number of operands for operator or function; operator or function: "
         "list_append, number of operands: 1"),
    ("SET a = :v, a.b = :v", {":v": N(1)},
     P + "Two document paths overlap with each other; must remove or rewrite one of these "
         "paths; path one: [a], path two: [a, b]"),
    ("SET #a = :v REMOVE a", {":v": N(1)},
     P + "Two document paths overlap with each other; must remove or rewrite one of these "
         "paths; path one: [a], path two: [a]"),
    ("SET a.b = :v, a[0] = :v", {":v": N(1)},
     P + "Two document paths conflict with each other; must remove or rewrite one of these "
         "paths; path one: [a, b], path two: [a, [0]]"),
    ("SET a = :s + :v", {":v": N(1), ":s": S("x")},
     P + "Incorrect operand type for operator or function; operator or function: +, "
         "operand type: S"),
    ("SET a = list_append(:v, b)", {":v": N(1)},
     P + "Incorrect operand type for operator or function; operator or function: list_append, "
         "operand type: N"),
    ("ADD a :s", {":s": S("x")},
     P + "Incorrect operand type for operator or function; operator: ADD, operand type: STRING, "
         "typeSet: ALLOWED_FOR_ADD_OPERAND"),
    ("ADD a :m", {":m": {"M": {}}},
     P + "Incorrect operand type for operator or function; operator: ADD, operand type: MAP, "
         "typeSet: ALLOWED_FOR_ADD_OPERAND"),
    ("DELETE a :n", {":n": N(1)},
     P + "Incorrect operand type for operator or function; operator: DELETE, operand type: "
         "NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"),
    ("SET a = :v", None, P + "An expression attribute value used in expression is not defined; "
                             "attribute value: :v"),
    ("SET #a = :v", {":v": N(1)}, P + "An expression attribute name used in the document path "
                                      "is not defined; attribute name: #a"),
])
def test_bad_updates_get_dynamodbs_message(text: str, values: dict | None, message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        parse_update(text, ExpressionContext({"#a": "a"} if "#a = :v REMOVE" in text else None,
                                             values))
    assert caught.value.message == message


@pytest.mark.parametrize("text, values, message", [
    ("SET a = missing_attr", None,
     "The provided expression refers to an attribute that does not exist in the item"),
    ("SET a = label + :v", {":v": N(1)}, WRONG_TYPE),
    ("SET a = list_append(label, :l)", {":l": {"L": []}}, WRONG_TYPE),
    ("ADD label :v", {":v": N(1)}, WRONG_TYPE), ("ADD tags :v", {":v": {"NS": ["1"]}}, WRONG_TYPE),
    ("DELETE label :v", {":v": {"SS": ["x"]}}, WRONG_TYPE),
    ("SET nope.x = :v", {":v": N(1)},
     "The document path provided in the update expression is invalid for update"),
    ("SET label[0] = :v", {":v": N(1)},
     "The document path provided in the update expression is invalid for update"),
    ("SET info[0] = :v", {":v": N(1)},
     "The document path provided in the update expression is invalid for update"),
    ("REMOVE nope.x", None,
     "The document path provided in the update expression is invalid for update"),
    # A result that needs more than 38 digits is an overflow in DynamoDB's words.
    ("SET tally = tally + :big", {":big": N("0." + "1" * 38)},
     "Number overflow. Attempting to store a number with magnitude larger than supported range"),
    ("ADD tally :big", {":big": N("9.9999999999999999999999999999999999999E+125")},
     "Number overflow. Attempting to store a number with magnitude larger than supported range"),
    ("SET a = :big + :big", {":big": N("9.9999999999999999999999999999999999999E+125")},
     "Number overflow. Attempting to store a number with magnitude larger than supported range"),
    ("SET a = :small - :small2", {":small": N("2E-130"), ":small2": N("1.9E-130")},
     "Number underflow. Attempting to store a number with magnitude smaller than supported "
     "range"),
])
def test_updates_that_cannot_apply_get_dynamodbs_message(text: str, values: dict | None,
                                                         message: str) -> None:
    update = parse_update(text, ExpressionContext(None, values))
    with pytest.raises(ValidationException) as caught:
        update.apply(ITEM)
    assert caught.value.message == message


def test_a_deferred_path_fault_is_cached_with_its_tree() -> None:
    text = "SET b = if_not_exists(:cached2, :cached1)"
    for values, undefined in (({":cached1": N(6)}, True), ({":cached1": N(6), ":cached2": N(3)},
                                                           False)) * 2:
        with pytest.raises(ValidationException) as caught:
            parse_update(text, ExpressionContext(None, values))
        assert ("is not defined" in caught.value.message) is undefined
