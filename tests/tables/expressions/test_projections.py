"""ProjectionExpression: keeping only the named document paths."""
from __future__ import annotations

import pytest

from fogbank.tables.errors import ValidationException
from fogbank.tables.expressions import ExpressionContext, parse_projection


def N(n: object) -> dict:
    return {"N": str(n)}


def S(s: str) -> dict:
    return {"S": s}


ITEM = {"pk": S("p"), "a": {"M": {"b": N(1), "c": N(2)}}, "letters": {"L": [S("x"), S("y"), S("z")]},
        "alt": S("o"), "deep": {"L": [{"M": {"v": N(1), "w": N(2)}}, {"M": {"v": N(3)}}]}}


@pytest.mark.parametrize("text, names, expected", [
    ("a.c, letters[2], letters[0], #o", {"#o": "alt"},
     {"a": {"M": {"c": N(2)}}, "letters": {"L": [S("x"), S("z")]}, "alt": S("o")}),
    ("pk, absent, a.absent, letters[9]", None, {"pk": S("p")}),
    ("deep[1].v, deep[0].w", None, {"deep": {"L": [{"M": {"w": N(2)}}, {"M": {"v": N(3)}}]}}),
    ("a", None, {"a": ITEM["a"]}), ("pk.x, alt[0]", None, {}),
])
def test_projection_keeps_only_the_named_paths(text: str, names: dict | None,
                                               expected: dict) -> None:
    ctx = ExpressionContext(names, None)
    assert parse_projection(text, ctx).apply(ITEM) == expected
    ctx.check_all_used()


P = "Invalid ProjectionExpression: "


@pytest.mark.parametrize("text, message", [
    ("a, a.b", P + "Two document paths overlap with each other; must remove or rewrite one of "
                   "these paths; path one: [a], path two: [a, b]"),
    ("a, a", P + "Two document paths overlap with each other; must remove or rewrite one of "
                 "these paths; path one: [a], path two: [a]"),
    ("a.b, a[0]", P + "Two document paths conflict with each other; must remove or rewrite one "
                      "of these paths; path one: [a, b], path two: [a, [0]]"),
    ("a,", P + 'Syntax error; token: "<EOF>", near: ","'),
    ("a b", P + 'Syntax error; token: "b", near: "a b"'),
    ("a = :v", P + 'Syntax error; token: "=", near: "a = :v"'),
    ("status", P + "Attribute name is a reserved keyword; reserved keyword: status"),
    ("#x", P + "An expression attribute name used in the document path is not defined; "
               "attribute name: #x"),
    ("", P + "The expression can not be empty;"),
    ("a" + ".b" * 32, P + "The document path has too many nesting levels; nesting levels: 33"),
])
def test_bad_projections_get_dynamodbs_message(text: str, message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        parse_projection(text, ExpressionContext(None, None))
    assert caught.value.message == message


def test_a_path_may_be_32_levels_deep() -> None:
    deepest = "a" + ".b" * 30 + "[0]"
    assert parse_projection(deepest, ExpressionContext(None, None)).paths[0][-1] == 0
