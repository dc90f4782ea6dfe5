"""CloudWatch Logs filter patterns (FilterLogEvents' `filterPattern`) as matchers.

Four kinds of pattern, told apart by their first character (CloudWatch Logs user guide,
"Filter pattern syntax for metric filters, subscription filters, filter log events, and
Live Tail"):

- terms: `ERROR Exception`, `?ERROR ?WARN`, `ERROR -Exiting`, `"exact phrase"`. A term
  matches when the message contains it (case-sensitive); a bare term is letters, digits
  and underscores, anything else must be double-quoted;
- a regular expression, `%...%`, searched for anywhere in the message;
- JSON, `{ $.a.b[0] = "x" && ($.n > 3 || $.flag IS TRUE) }`: the message must be JSON;
- space-delimited, `[ip, user, ..., status = 4*, bytes > 1000]`: the message is split
  into fields (text in `[...]` or `"..."` is one field) and every condition must hold.

Where the guide is silent, the choices are:
- `?` terms are alternatives: a term pattern matches when every plain term is present, no
  `-` term is, and (if there are `?` terms) at least one of them is;
- a JSON string is compared as text, a JSON number by value when the pattern's value is a
  number and otherwise as its text (`1*` matches 123); `"123"` quoted is always text;
- a condition on a missing JSON property or an unnamed space-delimited field is false.

Messages for refused patterns: `Invalid character(s) in term '<term>'` is what CloudWatch
answers for a bad character (recorded in users' reports of `:`, `(`, `*`, `\\` and
`$."`); every other malformed pattern gets `Invalid filter pattern`, worded after the
`Invalid metric filter pattern` PutMetricFilter answers.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Union

Matcher = Callable[[str], bool]

INVALID = "Invalid filter pattern"
MAX_REGEXES = 2  # per JSON or space-delimited pattern (the guide's quota)

_WORD = re.compile(r"[A-Za-z0-9_]+")
# An unquoted value in a JSON or space-delimited condition: `UpdateTrail`, `4*`,
# `123.123.*`, `-1`, `+1000`, `10e-3`.
_BARE_VALUE = re.compile(r"[A-Za-z0-9_.*+\-]+")
_NAME = re.compile(r"[A-Za-z0-9_\-]+")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_OPERATORS = ("!=", ">=", "<=", "=", ">", "<")
# The guide's regex subset: alphanumerics, these symbols and these operators; no
# parentheses, no multi-byte characters.
_REGEX_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                         ":_#=@/;,-" "^$?[]{}|\\*+.")


class FilterPatternError(ValueError):
    """A pattern CloudWatch Logs refuses; str(error) is the message
    InvalidParameterException carries."""


def compile_filter(pattern: str) -> Callable[[str], bool]:
    """The matcher for `pattern` (cached by pattern text); an empty or blank pattern
    matches every event. Raises FilterPatternError."""
    return _compile(pattern)


@lru_cache(maxsize=512)
def _compile(pattern: str) -> Matcher:
    text = pattern.strip()
    if not text:
        return _everything
    if text[0] == "{":
        return _json_matcher(_Parser(text).json_pattern())
    if text[0] == "[":
        return _Parser(text).delimited_pattern()
    if len(text) > 1 and text[0] == "%" and text[-1] == "%":
        return _regex(text[1:-1]).search
    return _terms_matcher(text)


def _everything(_message: str) -> bool:
    return True


def _bad_term(term: str) -> FilterPatternError:
    return FilterPatternError(f"Invalid character(s) in term '{term}'")


def _regex(body: str) -> re.Pattern[str]:
    for char in body:
        if char not in _REGEX_CHARS:
            raise _bad_term(char)
    try:
        return re.compile(body, re.ASCII)
    except re.error:
        raise FilterPatternError(INVALID) from None


def _wildcard(expected: str, actual: str) -> bool:
    """`*` at the start or end of a value matches any text; elsewhere it is itself
    (the guide: `*Event`, `Event*` are wildcards, `Ev*ent` is the string `Ev*ent`)."""
    if expected == "*":
        return True
    head, tail = expected.startswith("*"), expected.endswith("*")
    core = expected[1 if head else 0:len(expected) - 1 if tail else len(expected)]
    if head and tail:
        return core in actual
    if head:
        return actual.endswith(core)
    if tail:
        return actual.startswith(core)
    return actual == expected


# --- terms ---------------------------------------------------------------------------

def _terms_matcher(text: str) -> Matcher:
    required: list[str] = []
    optional: list[str] = []
    excluded: list[str] = []
    scan = _Scanner(text)
    while not scan.skip_space():
        kind = scan.take("?") or scan.take("-")
        if kind == "-":
            scan.skip_space()  # the guide writes `"ERROR" - "Exiting"` too
        term = scan.quoted() if scan.peek() == '"' else scan.match(_WORD)
        if term is None:
            raise _bad_term(scan.peek() or kind)
        if not scan.at_end() and not scan.peek().isspace():
            raise _bad_term(scan.peek())
        {"?": optional, "-": excluded}.get(kind, required).append(term)

    def matches(message: str) -> bool:
        return (all(_contains(message, term) for term in required)
                and not any(_contains(message, term) for term in excluded)
                and (not optional or any(_contains(message, term) for term in optional)))
    return matches


def _contains(message: str, term: str) -> bool:
    # The guide: `" "` (a quoted blank) matches every event.
    return not term.strip() or term in message


# --- values and comparisons shared by JSON and space-delimited patterns --------------

@dataclass(frozen=True)
class _Value:
    """The right-hand side of a condition."""
    text: str                       # as compared: quotes and escapes removed
    source: str                     # as written, for messages
    number: float | None = None     # set for an unquoted number
    regex: re.Pattern[str] | None = None


@dataclass(frozen=True)
class _Comparison:
    subject: Any                    # a JSON selector (tuple of steps) or a field name
    operator: str
    value: _Value | None            # None for IS TRUE / IS FALSE / IS NULL / NOT EXISTS


@dataclass(frozen=True)
class _Junction:
    operator: str                   # "&&" or "||"
    parts: tuple["_Condition", ...]


_Condition = Union[_Comparison, _Junction]


def _compare(operator: str, value: _Value, text: str, number: float | None) -> bool:
    """A scalar (its text, and its value when it is a number) against a condition."""
    if value.regex is not None:
        return (value.regex.search(text) is not None) == (operator == "=")
    if operator in ("=", "!="):
        if value.number is not None and number is not None:
            equal = number == value.number
        else:
            equal = _wildcard(value.text, text)
        return equal == (operator == "=")
    if number is None or value.number is None:
        return False
    return {">": number > value.number, "<": number < value.number,
            ">=": number >= value.number, "<=": number <= value.number}[operator]


def _evaluate(condition: _Condition, test: Callable[[_Comparison], bool]) -> bool:
    if isinstance(condition, _Junction):
        parts = (_evaluate(part, test) for part in condition.parts)
        return all(parts) if condition.operator == "&&" else any(parts)
    return test(condition)


def _count_regexes(condition: _Condition) -> int:
    if isinstance(condition, _Junction):
        return sum(_count_regexes(part) for part in condition.parts)
    return int(condition.value is not None and condition.value.regex is not None)


# --- JSON ----------------------------------------------------------------------------

_MISSING = object()


def _json_matcher(condition: _Condition) -> Matcher:
    def matches(message: str) -> bool:
        try:
            document = json.loads(message)
        except ValueError:
            return False  # a message that is not JSON never matches a JSON pattern
        return _evaluate(condition, lambda comparison: _json_test(comparison, document))
    return matches


def _select(document: Any, steps: tuple[str | int, ...]) -> Any:
    node = document
    for step in steps:
        if isinstance(step, str) and isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(step, int) and isinstance(node, list) and step < len(node):
            node = node[step]
        else:
            return _MISSING
    return node


def _json_test(comparison: _Comparison, document: Any) -> bool:
    node = _select(document, comparison.subject)
    operator = comparison.operator
    if operator == "NOT EXISTS":
        return node is _MISSING
    if operator == "IS NULL":
        return node is None
    if operator in ("IS TRUE", "IS FALSE"):
        return node is (operator == "IS TRUE")
    assert comparison.value is not None
    # Only a value node compares: a missing property, null, an object or an array makes
    # both `=` and `!=` false (the guide's `{$.users = 1}` / `{$.users != 1}`).
    if isinstance(node, bool):
        return _compare(operator, comparison.value, "true" if node else "false", None)
    if isinstance(node, (int, float)):
        return _compare(operator, comparison.value, json.dumps(node), float(node))
    if isinstance(node, str):
        return _compare(operator, comparison.value, node, None)
    return False


# --- space-delimited -----------------------------------------------------------------

ELLIPSIS = "..."


def _split_fields(message: str) -> list[str]:
    """Whitespace-separated fields; `[...]` and `"..."` are one field each, without
    their brackets or quotes."""
    fields: list[str] = []
    position, end = 0, len(message)
    while position < end:
        if message[position].isspace():
            position += 1
            continue
        closer = {"[": "]", '"': '"'}.get(message[position])
        close_at = message.find(closer, position + 1) if closer else -1
        if close_at >= 0:
            fields.append(message[position + 1:close_at])
            position = close_at + 1
            continue
        stop = position
        while stop < end and not message[stop].isspace():
            stop += 1
        fields.append(message[position:stop])
        position = stop
    return fields


@dataclass(frozen=True)
class _Slot:
    """One entry of a space-delimited pattern: ELLIPSIS, or a field (named or not) and
    the condition written in its place."""
    name: str | None
    condition: _Condition | None = None


def _subjects(condition: _Condition) -> set[Any]:
    if isinstance(condition, _Junction):
        return set().union(*(_subjects(part) for part in condition.parts))
    return {condition.subject}


def _field_test(binding: dict[str, str]) -> Callable[[_Comparison], bool]:
    def test(comparison: _Comparison) -> bool:
        text = binding.get(comparison.subject)
        if text is None or comparison.value is None:
            return False  # a name no field carries
        number = float(text) if _NUMBER.fullmatch(text) else None
        return _compare(comparison.operator, comparison.value, text, number)
    return test


def _delimited_matcher(slots: tuple[_Slot, ...]) -> Matcher:
    """Slots take up all the fields in order, an ellipsis any number of them. A
    condition on its own field is checked as the field is taken, so a failed field
    prunes the ellipses' choices; one naming other fields (`status = 4* && bytes > 1000`)
    waits until every field is bound."""
    local = tuple(slot.condition if slot.condition is not None
                  and _subjects(slot.condition) == {slot.name} else None for slot in slots)
    later = tuple(slot.condition for slot, own in zip(slots, local)
                  if slot.condition is not None and own is None)
    named_after = [sum(slot.name != ELLIPSIS for slot in slots[index:])
                   for index in range(len(slots) + 1)]

    def matches(message: str) -> bool:
        fields = _split_fields(message)
        binding: dict[str, str] = {}
        failed: set[tuple[int, int]] = set()  # (slot, field) known to fail; local only

        def fit(slot_at: int, field_at: int) -> bool:
            if len(fields) - field_at < named_after[slot_at] or (slot_at, field_at) in failed:
                return False
            if slot_at == len(slots):
                return field_at == len(fields) and all(
                    _evaluate(condition, _field_test(binding)) for condition in later)
            slot = slots[slot_at]
            if slot.name == ELLIPSIS:
                found = any(fit(slot_at + 1, skip) for skip in range(field_at, len(fields) + 1))
            else:
                found = take(slot, local[slot_at], fields[field_at],
                             lambda: fit(slot_at + 1, field_at + 1))
            if not found and not later:
                failed.add((slot_at, field_at))
            return found

        def take(slot: _Slot, condition: _Condition | None, field: str,
                 rest: Callable[[], bool]) -> bool:
            if slot.name is None:
                return rest()
            previous = binding.get(slot.name)
            binding[slot.name] = field
            try:
                return ((condition is None or _evaluate(condition, _field_test(binding)))
                        and rest())
            finally:
                if previous is None:
                    del binding[slot.name]
                else:
                    binding[slot.name] = previous

        return fit(0, 0)
    return matches


# --- the parser of JSON and space-delimited patterns ---------------------------------

class _Scanner:
    """A position in a pattern's text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0

    def at_end(self) -> bool:
        return self.position >= len(self.text)

    def peek(self) -> str:
        return self.text[self.position:self.position + 1]

    def skip_space(self) -> bool:
        """Skip whitespace; True when the text is used up."""
        while not self.at_end() and self.text[self.position].isspace():
            self.position += 1
        return self.at_end()

    def take(self, literal: str) -> str:
        if self.text.startswith(literal, self.position):
            self.position += len(literal)
            return literal
        return ""

    def expect(self, literal: str) -> None:
        self.skip_space()
        if not self.take(literal):
            raise FilterPatternError(INVALID)

    def match(self, pattern: re.Pattern[str]) -> str | None:
        found = pattern.match(self.text, self.position)
        if found is None:
            return None
        self.position = found.end()
        return found.group()

    def quoted(self) -> str:
        """A double-quoted string at the position, `\\` escaping the next character."""
        self.position += 1
        chars: list[str] = []
        while not self.at_end():
            char = self.text[self.position]
            self.position += 1
            if char == '"':
                return "".join(chars)
            if char == "\\" and not self.at_end():
                char = self.text[self.position]
                self.position += 1
            chars.append(char)
        raise FilterPatternError(INVALID)


class _Parser(_Scanner):
    """Recursive descent over `{ ... }` and `[ ... ]` patterns.

    condition := conjunction ('||' conjunction)*      (&& binds tighter than ||)
    conjunction := primary ('&&' primary)*
    primary := '(' condition ')' | comparison           (parentheses: JSON only)
    """

    def json_pattern(self) -> _Condition:
        self.expect("{")
        condition = self._condition(self._json_comparison, grouping=True)
        self.expect("}")
        self._finish(condition)
        return condition

    def delimited_pattern(self) -> Matcher:
        self.expect("[")
        slots: list[_Slot] = []
        while True:
            self.skip_space()
            if self.take(ELLIPSIS):
                slots.append(_Slot(ELLIPSIS))
            elif self.peek() in (",", "]"):
                slots.append(_Slot(None))  # `[..., status_code=4*,]`: an unnamed field
            else:
                start = self.position
                name = self._name()
                self.skip_space()
                condition = None
                if self.peek() not in (",", "]"):
                    self.position = start
                    condition = self._condition(self._field_comparison, grouping=False)
                slots.append(_Slot(name, condition))
            self.skip_space()
            if self.take("]"):
                break
            self.expect(",")
        self._finish(_Junction("&&", tuple(slot.condition for slot in slots
                                           if slot.condition is not None)))
        return _delimited_matcher(tuple(slots))

    def _finish(self, condition: _Condition) -> None:
        if not self.skip_space():
            raise FilterPatternError(INVALID)
        if _count_regexes(condition) > MAX_REGEXES:
            raise FilterPatternError(INVALID)

    def _condition(self, comparison: Callable[[], _Comparison], *,
                   grouping: bool) -> _Condition:
        alternatives = [self._conjunction(comparison, grouping)]
        while not self.skip_space() and self.take("||"):
            alternatives.append(self._conjunction(comparison, grouping))
        return alternatives[0] if len(alternatives) == 1 else _Junction(
            "||", tuple(alternatives))

    def _conjunction(self, comparison: Callable[[], _Comparison],
                     grouping: bool) -> _Condition:
        parts = [self._primary(comparison, grouping)]
        while not self.skip_space() and self.take("&&"):
            parts.append(self._primary(comparison, grouping))
        return parts[0] if len(parts) == 1 else _Junction("&&", tuple(parts))

    def _primary(self, comparison: Callable[[], _Comparison],
                 grouping: bool) -> _Condition:
        self.skip_space()
        if grouping and self.take("("):
            inner = self._condition(comparison, grouping=True)
            self.expect(")")
            return inner
        return comparison()

    def _json_comparison(self) -> _Comparison:
        selector = self._selector()
        self.skip_space()
        for keywords in (("IS", "TRUE"), ("IS", "FALSE"), ("IS", "NULL"), ("NOT", "EXISTS")):
            if self._keywords(keywords):
                return _Comparison(selector, " ".join(keywords), None)
        operator = self._operator()
        return _Comparison(selector, operator, self._value(operator))

    def _field_comparison(self) -> _Comparison:
        name = self._name()
        self.skip_space()
        operator = self._operator()
        return _Comparison(name, operator, self._value(operator))

    def _keywords(self, words: tuple[str, ...]) -> bool:
        found = re.compile(r"\s+".join(words) + r"(?![A-Za-z0-9_])").match(
            self.text, self.position)
        if found:
            self.position = found.end()
        return bool(found)

    def _selector(self) -> tuple[str | int, ...]:
        """`$.a.b`, `$.a[0]`, `$.a[0][1].b`: properties (letters, digits, `-`, `_`)
        and array indexes, which follow a property."""
        start = self.position
        steps: list[str | int] = []
        if not self.take("$"):
            raise self._bad_selector(start)
        while True:
            if self.take("."):
                name = self.match(_NAME)
                if name is None:
                    raise self._bad_selector(start)
                steps.append(name)
            elif self.peek() == "[" and steps:
                self.position += 1
                index = self.match(re.compile(r"\d+"))
                if index is None or not self.take("]"):
                    raise self._bad_selector(start)
                steps.append(int(index))
            else:
                break
        following = self.peek()
        if not steps or not (following == "" or following.isspace()
                             or following in "=!<>"):
            raise self._bad_selector(start)
        return tuple(steps)

    def _bad_selector(self, start: int) -> FilterPatternError:
        return _bad_term(self.text[start:self.position + 1])

    def _name(self) -> str:
        name = self.match(_WORD)
        if name is None:
            raise _bad_term(self.peek()) if self.peek() else FilterPatternError(INVALID)
        return name

    def _operator(self) -> str:
        for operator in _OPERATORS:
            if self.take(operator):
                return operator
        raise FilterPatternError(INVALID)

    def _value(self, operator: str) -> _Value:
        self.skip_space()
        start = self.position
        if self.peek() == '"':
            value = _Value(self.quoted(), self.text[start:self.position])
        elif self.peek() == "%":
            end = self.text.find("%", start + 1)
            if end <= start + 1:
                raise FilterPatternError(INVALID)
            self.position = end + 1
            value = _Value("", self.text[start:self.position],
                           regex=_regex(self.text[start + 1:end]))
        else:
            text = self.match(_BARE_VALUE)
            if text is None:
                raise _bad_term(self.peek()) if self.peek() else FilterPatternError(INVALID)
            number = float(text) if _NUMBER.fullmatch(text) else None
            value = _Value(text, text, number)
        if operator not in ("=", "!=") and value.number is None:
            # `{ $.n >= "x" }` → Invalid character(s) in term '"x"' (recorded answer)
            raise _bad_term(value.source)
        return value
