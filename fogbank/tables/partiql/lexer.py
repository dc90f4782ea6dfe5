"""PartiQL's tokens as DynamoDB reads them: names bare or in double quotes, strings in single
quotes ('' for a quote), numbers with an optional exponent, `?` parameters, `<<` `>>` bags,
and `--` / `/* */` comments, which count as whitespace."""
from __future__ import annotations

import re
from dataclasses import dataclass

from fogbank.tables.errors import ValidationException

NOT_WELL_FORMED = "Statement wasn't well formed, can't be processed: "

_TOKEN_RE = re.compile(r"""
    (?P<ws>[ \t\r\n]+|--[^\n]*|/\*.*?\*/)
  | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<quoted>"(?:[^"]|"")*")
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<param>\?)
  | (?P<op><<|>>|<>|!=|<=|>=|[=<>()\[\]{},.:*+\-;])
""", re.VERBOSE | re.DOTALL)

# An exponent must fit a 32-bit integer, as the parser's number type requires.
MAX_EXPONENT = 2 ** 31 - 1


@dataclass(frozen=True, slots=True)
class Token:
    kind: str           # name, quoted, string, number, param, op, eof
    text: str           # a quoted name or string without its quotes and escapes
    start: int          # offset in the statement

    def is_word(self, *words: str) -> bool:
        return self.kind == "name" and self.text.upper() in words

    def is_op(self, *ops: str) -> bool:
        return self.kind == "op" and self.text in ops


def malformed(detail: str = "") -> ValidationException:
    return ValidationException(NOT_WELL_FORMED + detail)


def tokenize(text: str) -> list[Token]:
    """Every token of `text`, ending with an "eof" token; a character no token starts with,
    an unclosed string or comment, or an exponent out of range is refused with no detail."""
    tokens: list[Token] = []
    position, length = 0, len(text)
    while position < length:
        found = _TOKEN_RE.match(text, position)
        if found is None:
            raise malformed()
        kind = found.lastgroup
        raw = found.group()
        if kind == "quoted":
            tokens.append(Token(kind, raw[1:-1].replace('""', '"'), position))
        elif kind == "string":
            tokens.append(Token(kind, raw[1:-1].replace("''", "'"), position))
        elif kind == "number":
            _check_exponent(raw)
            tokens.append(Token(kind, raw, position))
        elif kind != "ws":
            tokens.append(Token(kind, raw, position))
        position = found.end()
    tokens.append(Token("eof", "", length))
    return tokens


def _check_exponent(raw: str) -> None:
    mantissa, _, exponent = raw.lower().partition("e")
    if not exponent:
        return
    scale = len(mantissa.partition(".")[2]) - int(exponent)
    if abs(int(exponent)) > MAX_EXPONENT or abs(scale) > MAX_EXPONENT:
        raise malformed()


def position(text: str, offset: int, length: int) -> str:
    """`line:column:length` of a token, counted from 1, as DynamoDB cites one."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{line}:{column}:{length}"
