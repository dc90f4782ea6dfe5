"""ConditionExpression / FilterExpression: parsing, DynamoDB's errors, and evaluation."""
from __future__ import annotations

import pytest

from fogbank.tables.errors import ValidationException
from fogbank.tables.expressions import ExpressionContext, parse_condition


def N(n: object) -> dict:
    return {"N": str(n)}


def S(s: str) -> dict:
    return {"S": s}


ITEM = {
    "pk": S("p"), "n": N(10), "s": S("banana"), "b": {"B": b"\x01\x02\x03"},
    "flag": {"BOOL": True}, "nothing": {"NULL": True},
    "tags": {"SS": ["red", "green"]}, "nums": {"NS": ["1", "5"]}, "bins": {"BS": [b"x"]},
    "letters": {"L": [S("a"), S("b"), N(3)]},
    "info": {"M": {"nested": {"M": {"deep": S("x")}}, "arr": {"L": [{"M": {"v": N(1)}},
                                                                   {"M": {"v": N(2)}}]}}},
    "dotted.name": S("yes"), "unicode": S("\U0001F600"), "blank": {"M": {}},
}


def holds(text: str, values: dict | None = None, names: dict | None = None) -> bool:
    ctx = ExpressionContext(names, values)
    result = parse_condition(text, ctx).evaluate(ITEM)
    ctx.check_all_used()
    return result


@pytest.mark.parametrize("text, values, expected", [
    ("n > :v", {":v": N(9)}, True), ("n < :v", {":v": N(100)}, True),
    ("n = :v", {":v": N("10.0")}, True), ("n >= :v AND n <= :v", {":v": N(10)}, True),
    ("n <> :v", {":v": N(10)}, False), (":v < n", {":v": N(9)}, True),
    ("s > :v", {":v": S("apple")}, True), ("s < :v", {":v": S("banana_")}, True),
    ("unicode > :v", {":v": S("\uFFFD")}, True), ("b < :v", {":v": {"B": b"\x02"}}, True),
    ("absent <> :v", {":v": N(1)}, True), ("absent < :v", {":v": N(1)}, False),
    ("absent = :v", {":v": N(1)}, False), ("s > :v", {":v": N(1)}, False),
    ("s <> :v", {":v": N(1)}, True), ("flag = :v", {":v": {"BOOL": True}}, True),
    ("tags = :v", {":v": {"SS": ["green", "red"]}}, True),
    ("letters = :v", {":v": {"L": [S("a"), S("b"), N(3)]}}, True),
    ("n BETWEEN :lo AND :hi", {":lo": N(10), ":hi": N(20)}, True),
    ("n BETWEEN :lo AND :hi", {":lo": N(11), ":hi": N(20)}, False),
    ("s BETWEEN :lo AND :hi", {":lo": N(1), ":hi": N(2)}, False),
    ("s IN (:a, :b)", {":a": S("apple"), ":b": S("banana")}, True),
    ("s IN (:a)", {":a": S("apple")}, False), ("absent IN (:a)", {":a": S("apple")}, False),
    ("n = :yes OR n = :yes AND n = :no", {":yes": N(10), ":no": N(11)}, True),
    ("(n = :yes OR n = :yes) AND n = :no", {":yes": N(10), ":no": N(11)}, False),
    ("NOT n = :no AND n = :yes", {":yes": N(10), ":no": N(11)}, True),
    ("not (n = :yes)", {":yes": N(10)}, False), ("NOT NOT n = :yes", {":yes": N(10)}, True),
    ("n between :lo and :hi Or s in (:a)", {":lo": N(1), ":hi": N(20), ":a": S("x")}, True),
    ("(n) = :v", {":v": N(10)}, True), ("size(s) = (:v)", {":v": N(6)}, True),
    ("attribute_type(tags, :ss) AND attribute_type(nothing, :null)",
     {":ss": S("SS"), ":null": S("NULL")}, True),
    ("attribute_type(n, :s)", {":s": S("S")}, False),
    ("attribute_type(absent, :s)", {":s": S("S")}, False),
    ("begins_with(s, :p)", {":p": S("ban")}, True), ("begins_with(s, :p)", {":p": S("nan")}, False),
    ("begins_with(b, :p)", {":p": {"B": b"\x01\x02"}}, True),
    ("begins_with(s, :p)", {":p": {"B": b"b"}}, False),
    ("contains(s, :v)", {":v": S("nan")}, True), ("contains(tags, :v)", {":v": S("red")}, True),
    ("contains(tags, :v)", {":v": S("blue")}, False), ("contains(nums, :v)", {":v": N("5.0")}, True),
    ("contains(bins, :v)", {":v": {"B": b"x"}}, True), ("contains(letters, :v)", {":v": N(3)}, True),
    ("contains(b, :v)", {":v": {"B": b"\x02\x03"}}, True), ("contains(n, :v)", {":v": N(1)}, False),
    ("contains(absent, :v)", {":v": N(1)}, False),
    ("size(tags) = :two AND size(letters) = :three AND size(info) = :two",
     {":two": N(2), ":three": N(3)}, True),
    ("size(b) = :v", {":v": N(3)}, True), ("size(blank) = :v", {":v": N(0)}, True),
    ("size(n) = :v", {":v": N(2)}, False), ("size(absent) < :v", {":v": N(2)}, False),
    ("size(s) > size(tags)", None, True),
    # DynamoDB counts a string's size in UTF-16 code units: an emoji is 2.
    ("size(unicode) = :v", {":v": N(2)}, True), ("size(:e) = :v", {":e": S("é"), ":v": N(1)}, True),
    ("info.nested.deep = :v", {":v": S("x")}, True), ("info.arr[1].v = :v", {":v": N(2)}, True),
    ("letters[0] = :v", {":v": S("a")}, True), ("letters [ 2 ] = :v", {":v": N(3)}, True),
    ("s[0] = :v", {":v": S("b")}, False), ("info.arr.v = :v", {":v": N(1)}, False),
])
def test_conditions_evaluate_as_dynamodb_does(text: str, values: dict | None,
                                              expected: bool) -> None:
    assert holds(text, values) is expected


@pytest.mark.parametrize("text, expected", [
    ("attribute_exists(n) AND attribute_not_exists(absent)", True),
    ("attribute_exists(nothing)", True), ("attribute_exists(info.nested.deep)", True),
    ("attribute_not_exists(letters[9])", True), ("attribute_exists(letters[2])", True),
    ("attribute_exists(absent) OR attribute_exists(pk)", True),
])
def test_existence_functions(text: str, expected: bool) -> None:
    assert holds(text) is expected


def test_placeholders_name_any_attribute() -> None:
    assert holds("#d = :y", {":y": S("yes")}, {"#d": "dotted.name"})
    assert holds("#i.#n.deep = :x AND #s = :s", {":x": S("x"), ":s": S("banana")},
                 {"#i": "info", "#n": "nested", "#s": "s"})


def test_an_absent_item_is_an_empty_one() -> None:
    ctx = ExpressionContext(None, None)
    assert parse_condition("attribute_exists(pk)", ctx).evaluate({}) is False


def test_the_same_text_binds_each_requests_values() -> None:
    first = parse_condition("n = :v", ExpressionContext(None, {":v": N(10)}))
    second = parse_condition("n = :v", ExpressionContext(None, {":v": N(11)}))
    assert first.evaluate(ITEM) is True and second.evaluate(ITEM) is False


P = "Invalid ConditionExpression: "


@pytest.mark.parametrize("text, values, names, message", [
    ("", None, None, P + "The expression can not be empty;"),
    ("   ", None, None, P + "The expression can not be empty;"),
    ("a = = :v", {":v": N(1)}, None, P + 'Syntax error; token: "=", near: "= = :v"'),
    ("_hidden = :v", {":v": N(1)}, None, P + 'Syntax error; token: "_", near: "_hidden"'),
    ("a", None, None, P + 'Syntax error; token: "<EOF>", near: "a"'),
    ("a = :v AND", {":v": N(1)}, None, P + 'Syntax error; token: "<EOF>", near: "AND"'),
    ("a = :v)", {":v": N(1)}, None, P + 'Syntax error; token: ")", near: ":v)"'),
    ("(a = :v", {":v": N(1)}, None, P + 'Syntax error; token: "<EOF>", near: ":v"'),
    ("a AND b", None, None, P + 'Syntax error; token: "AND", near: "a AND b"'),
    ("a ! :v", {":v": N(1)}, None, P + 'Syntax error; token: "!", near: "a ! :v"'),
    ("a = :", None, None, P + 'Syntax error; token: ":", near: "= :"'),
    ("a BETWEEN :v", {":v": N(1)}, None, P + 'Syntax error; token: "<EOF>", near: ":v"'),
    ("a IN ()", None, None, P + 'Syntax error; token: ")", near: "()"'),
    ("a[x] = :v", {":v": N(1)}, None, P + 'Syntax error; token: "x", near: "[x]"'),
    ("attribute_exists()", None, None, P + 'Syntax error; token: ")", near: "()"'),
    ("status = :v", {":v": N(1)}, None,
     P + "Attribute name is a reserved keyword; reserved keyword: status"),
    ("a.Name = :v", {":v": N(1)}, None,
     P + "Attribute name is a reserved keyword; reserved keyword: Name"),
    ("starts_with(a, :v)", {":v": S("x")}, None,
     P + "Invalid function name; function: starts_with"),
    ("ATTRIBUTE_EXISTS(a)", None, None, P + "Invalid function name; function: ATTRIBUTE_EXISTS"),
    ("attribute_exists(a, b)", None, None, P + "Incorrect number of operands for operator or "
                                               "function; operator or function: "
                                               "attribute_exists, number of operands: 2"),
    ("attribute_exists(:v)", {":v": N(1)}, None, P + "Operator or function requires a document "
                                                     "path; operator or function: "
                                                     "attribute_exists"),
    ("attribute_not_exists(:v)", None, None, P + "An expression attribute value used in "
                                                 "expression is not defined; attribute value: :v"),
    ("attribute_type(a, :t)", {":t": S("STRING")}, None,
     P + "Invalid attribute type name found; type: STRING, valid types: "
         "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}"),
    ("attribute_type(a, :t)", {":t": N(1)}, None,
     P + "Incorrect operand type for operator or function; operator or function: "
         "attribute_type, operand type: N"),
    ("begins_with(a, :v)", {":v": N(1)}, None,
     P + "Incorrect operand type for operator or function; operator or function: begins_with, "
         "operand type: N"),
    ("size(:v) = :w", {":v": {"BOOL": True}, ":w": N(1)}, None,
     P + "Incorrect operand type for operator or function; operator or function: size, "
         "operand type: BOOL"),
    ("a BETWEEN :hi AND :lo", {":hi": N(5), ":lo": N(1)}, None,
     P + "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
         "lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"),
    ("a BETWEEN :lo AND :hi", {":lo": N(1), ":hi": S("x")}, None,
     P + "The BETWEEN operator requires same data type for lower and upper bounds; lower bound "
         "operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:x}"),
    ("a < :l", {":l": {"L": [N(1)]}}, None,
     P + "Incorrect operand type for operator or function; operator or function: <, "
         "operand type: LIST"),
    ("begins_with(a, :v) = :t", {":v": S("x"), ":t": {"BOOL": True}}, None,
     P + "The function is not allowed to be used this way in an expression; "
         "function: begins_with"),
    ("size(a)", None, None,
     P + "The function is not allowed to be used this way in an expression; function: size"),
    ("a = a", None, None, P + "The first operand must be distinct from the remaining operands "
                              "for this operator or function; operator: =, first operand: [a]"),
    ("contains(a.b, a.b)", None, None,
     P + "The first operand must be distinct from the remaining operands for this operator or "
         "function; operator: contains, first operand: [a, b]"),
    ("a BETWEEN :v AND a", {":v": N(1)}, None,
     P + "The first operand must be distinct from the remaining operands for this operator or "
         "function; operator: BETWEEN, first operand: [a]"),
    ("a IN (:v, a)", {":v": N(1)}, None,
     P + "The first operand must be distinct from the remaining operands for this operator or "
         "function; operator: IN, first operand: [a]"),
    ("a BETWEEN :l AND :h", {":l": {"L": []}, ":h": {"L": []}}, None,
     P + "Incorrect operand type for operator or function; operator or function: BETWEEN, "
         "operand type: LIST"),
    ("if_not_exists(a, :v) = :v", {":v": N(1)}, None,
     P + "The function is not allowed in a condition expression; function: if_not_exists"),
    ("list_append(a, :v) = :v", {":v": N(1)}, None,
     P + "The function is not allowed in a condition expression; function: list_append"),
    ("a" + ".b" * 32 + " = :v", {":v": N(1)}, None,
     P + "The document path has too many nesting levels; nesting levels: 33"),
    ("((a = :v))", {":v": N(1)}, None, P + "The expression has redundant parentheses;"),
    ("a = :v", {":w": N(1)}, None, P + "An expression attribute value used in expression is not "
                                       "defined; attribute value: :v"),
    ("a = :v", None, None, P + "An expression attribute value used in expression is not "
                               "defined; attribute value: :v"),
    ("#a = :v", {":v": N(1)}, None, P + "An expression attribute name used in the document "
                                        "path is not defined; attribute name: #a"),
])
def test_bad_conditions_get_dynamodbs_message(text: str, values: dict | None,
                                              names: dict | None, message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        parse_condition(text, ExpressionContext(names, values))
    assert caught.value.message == message


def test_in_takes_at_most_100_operands() -> None:
    values = {f":v{i}": N(i) for i in range(101)}
    with pytest.raises(ValidationException) as caught:
        parse_condition(f"a IN ({', '.join(values)})", ExpressionContext(None, values))
    assert caught.value.message == (P + "The IN operator is provided with too many operands; "
                                        "number of operands: 101")
    hundred = dict(list(values.items())[:100])
    assert parse_condition(f"n IN ({', '.join(hundred)})",
                           ExpressionContext(None, hundred)).evaluate(ITEM)


def test_a_filter_names_itself_in_its_errors() -> None:
    with pytest.raises(ValidationException) as caught:
        parse_condition("a = = :v", ExpressionContext(None, {":v": N(1)}),
                        label="FilterExpression")
    assert caught.value.message.startswith("Invalid FilterExpression: Syntax error;")
