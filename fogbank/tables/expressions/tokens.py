"""The expression tokenizer, and DynamoDB's syntax-error message built from its tokens."""
from __future__ import annotations

import re
from dataclasses import dataclass

from fogbank.tables.errors import ValidationException

# Kinds: "name" (attr or keyword), "#" (name placeholder), ":" (value placeholder),
# "int" (list index), "op" (punctuation and comparators), "bad" (anything else), "eof".
_TOKEN_RE = re.compile(r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<name>[A-Za-z][A-Za-z0-9_]*)
  | (?P<hash>\#[A-Za-z0-9_]+)
  | (?P<colon>:[A-Za-z0-9_]+)
  | (?P<int>[0-9]+)
  | (?P<op><>|<=|>=|[=<>()\[\],.+\-])
""", re.VERBOSE)

_KINDS = {"name": "name", "hash": "#", "colon": ":", "int": "int", "op": "op"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    def is_keyword(self, word: str) -> bool:
        return self.kind == "name" and self.text.upper() == word


def tokenize(text: str) -> list[Token]:
    """Every token of `text`, whitespace dropped, ending with an "eof" token."""
    tokens: list[Token] = []
    position, length = 0, len(text)
    match = _TOKEN_RE.match
    while position < length:
        found = match(text, position)
        if found is None:
            # One unknown character; the parser reports it as DynamoDB's lexer does.
            tokens.append(Token("bad", text[position], position, position + 1))
            position += 1
            continue
        group = found.lastgroup
        if group != "ws":
            tokens.append(Token(_KINDS[group], found.group(), position, found.end()))
        position = found.end()
    tokens.append(Token("eof", "<EOF>", length, length))
    return tokens


def syntax_error(label: str, text: str, tokens: list[Token], index: int) -> ValidationException:
    """DynamoDB's message: the offending token, and the text from the token before it to
    the token after it ("Syntax error; token: \"x\", near: \"a x b\"")."""
    token = tokens[index]
    start = tokens[index - 1].start if index > 0 else token.start
    end = tokens[index + 1].end if index + 1 < len(tokens) else token.end
    near = text[start:end]
    return ValidationException(
        f'Invalid {label}: Syntax error; token: "{token.text}", near: "{near}"')
