"""Lambda event filtering: the FilterCriteria of an event source mapping.

A mapping carries up to five filters; each is a JSON pattern in EventBridge's syntax, and a
record reaches the function when any filter matches it (no filters: every record does).

A pattern is an object whose keys name the record's fields. A nested object descends into
the record; an array is a leaf, and its entries are the allowed values (OR within the
array, AND across keys). `"$or": [{...}, {...}]` matches when any of its objects does.
A leaf entry is a plain value (string, number, true, false, null) or one operator:
prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr.

Matching follows EventBridge's engine where its documentation is silent:
- a number in a pattern matches a record number of the same value (5 matches 5.0); a
  string never matches a number, so a DynamoDB number ({"N": "5"}), which arrives as a
  string, matches "5" but no numeric operator;
- exists looks at leaf values: a field holding an object does not "exist" for it;
- when a record field is an array, the leaf matches if any element does, and a nested
  object pattern must match one element as a whole;
- anything-but matches any value that the operator inside it would not (so a number or
  null passes `{"anything-but": ["a"]}`), and never a missing field.

Every malformed pattern is refused with the one message AWS gives for all of them.
"""
from __future__ import annotations

import ipaddress
import json
import re
from typing import Any, Callable

MESSAGE = "Invalid filter pattern definition."
MAX_FILTERS = 5              # Lambda's default quota per event source mapping
MAX_PATTERN_CHARS = 4096     # the Pattern member's length limit in the Lambda API

# A record node (any JSON value) → does the pattern match it.
Test = Callable[[Any], bool]
# The leaf values found at a field (empty when the field is absent) → does the leaf match.
LeafTest = Callable[[list[Any]], bool]
# One leaf value → does the operator accept it.
ValueTest = Callable[[Any], bool]

_MISSING = object()


class InvalidFilterPattern(ValueError):
    def __init__(self) -> None:
        super().__init__(MESSAGE)


class Filters:
    """A mapping's compiled filters."""

    def __init__(self, tests: tuple[Test, ...]) -> None:
        self._tests = tests

    def matches(self, record: dict) -> bool:
        return not self._tests or any(test(record) for test in self._tests)

    def __len__(self) -> int:
        return len(self._tests)


def compile_filters(filters: list[dict] | None) -> Filters:
    """`filters` is FilterCriteria's Filters list, each {"Pattern": "<json text>"}."""
    if filters is None:
        return Filters(())
    if not isinstance(filters, list) or len(filters) > MAX_FILTERS:
        raise InvalidFilterPattern()
    tests = []
    for entry in filters:
        text = entry.get("Pattern") if isinstance(entry, dict) else None
        if not isinstance(text, str) or len(text) > MAX_PATTERN_CHARS:
            raise InvalidFilterPattern()
        tests.append(_compile(text))
    return Filters(tuple(tests))


def _compile(text: str) -> Test:
    try:
        # NaN and Infinity are not JSON, though Python's parser takes them.
        pattern = json.loads(text, parse_constant=_refuse)
        return _compile_object(pattern)[0]
    except RecursionError:    # nesting deeper than Python's stack, within 4096 characters
        raise InvalidFilterPattern() from None
    except ValueError:        # not JSON (InvalidFilterPattern is one too)
        raise InvalidFilterPattern() from None


def _refuse(_: str) -> Any:
    raise InvalidFilterPattern()


def _compile_object(pattern: Any) -> tuple[Test, bool]:
    """The test for an object pattern, and whether it matches where the record has nothing
    (known here once, so matching never descends further than the record itself goes)."""
    if not isinstance(pattern, dict) or not pattern:
        raise InvalidFilterPattern()
    checks: list[Test] = []
    when_absent = True
    for key, sub in pattern.items():
        if key == "$or":
            check, absent = _compile_or(sub)
        elif isinstance(sub, dict):
            check, absent = _descend(key, *_compile_object(sub))
        elif isinstance(sub, list):
            leaf = _compile_leaf(sub)
            check, absent = _at_leaf(key, leaf), leaf([])
        else:
            raise InvalidFilterPattern()
        checks.append(check)
        when_absent = when_absent and absent
    return (lambda node: all(check(node) for check in checks)), when_absent


def _compile_or(branches: Any) -> tuple[Test, bool]:
    if not isinstance(branches, list) or len(branches) < 2:
        raise InvalidFilterPattern()
    compiled = [_compile_object(branch) for branch in branches]
    tests = [test for test, _ in compiled]
    return (lambda node: any(test(node) for test in tests)), any(a for _, a in compiled)


def _descend(key: str, inner: Test, inner_when_absent: bool) -> tuple[Test, bool]:
    def check(node: Any) -> bool:
        objects = _objects(_child(node, key))
        # With nothing to descend into, only a pattern of absences can still match.
        return any(inner(obj) for obj in objects) if objects else inner_when_absent
    return check, inner_when_absent


def _at_leaf(key: str, leaf: LeafTest) -> Test:
    return lambda node: leaf(_scalars(_child(node, key)))


def _child(node: Any, key: str) -> Any:
    return node.get(key, _MISSING) if isinstance(node, dict) else _MISSING


def _objects(value: Any) -> list[dict]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [obj for element in value for obj in _objects(element)]
    return []


def _scalars(value: Any) -> list[Any]:
    if value is _MISSING or isinstance(value, dict):
        return []
    if isinstance(value, list):
        return [scalar for element in value for scalar in _scalars(element)]
    return [value]


def _compile_leaf(entries: list[Any]) -> LeafTest:
    if not entries:
        raise InvalidFilterPattern()
    tests = [_compile_entry(entry) for entry in entries]
    return lambda values: any(test(values) for test in tests)


def _compile_entry(entry: Any) -> LeafTest:
    if isinstance(entry, dict):
        if len(entry) != 1:
            raise InvalidFilterPattern()
        ((operator, operand),) = entry.items()
        if operator == "exists":
            if not isinstance(operand, bool):
                raise InvalidFilterPattern()
            return (lambda values: bool(values)) if operand else (lambda values: not values)
        compile_operator = _OPERATORS.get(operator)
        if compile_operator is None:
            raise InvalidFilterPattern()
        accepts = compile_operator(operand)
    elif isinstance(entry, list):
        raise InvalidFilterPattern()
    else:
        accepts = _equal_to(entry)
    return lambda values: any(accepts(value) for value in values)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(value: Any, expected: Any) -> bool:
    if _is_number(expected):
        return _is_number(value) and value == expected
    if expected is None:
        return value is None
    # Strings and booleans: same type and same value (True is not 1 here).
    return type(value) is type(expected) and value == expected


def _equal_to(expected: Any) -> ValueTest:
    return lambda value: _same(value, expected)


def _text(operand: Any) -> str:
    if not isinstance(operand, str):
        raise InvalidFilterPattern()
    return operand


def _fold(text: str) -> str:
    return text.casefold()


def _prefix(operand: Any) -> ValueTest:
    return _affix(operand, str.startswith)


def _suffix(operand: Any) -> ValueTest:
    return _affix(operand, str.endswith)


def _affix(operand: Any, test: Callable[[str, str], bool]) -> ValueTest:
    """A string, or {"equals-ignore-case": string} to compare both sides case-folded."""
    if isinstance(operand, dict) and set(operand) == {"equals-ignore-case"}:
        part, fold = _fold(_text(operand["equals-ignore-case"])), _fold
    else:
        part, fold = _text(operand), _as_is
    return lambda value: isinstance(value, str) and test(fold(value), part)


def _as_is(text: str) -> str:
    return text


def _equals_ignore_case(operand: Any) -> ValueTest:
    folded = _fold(_text(operand))
    return lambda value: isinstance(value, str) and _fold(value) == folded


def _wildcard(operand: Any) -> ValueTest:
    """`*` stands for any run of characters; `\\*` is a star and `\\\\` a backslash.
    Two stars in a row, or any other escape, are refused as EventBridge refuses them."""
    text = _text(operand)
    parts, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "*":
            if text.startswith("*", i + 1):
                raise InvalidFilterPattern()
            parts.append(".*")
        elif char == "\\":
            if i + 1 == len(text) or text[i + 1] not in "*\\":
                raise InvalidFilterPattern()
            i += 1
            parts.append(re.escape(text[i]))
        else:
            parts.append(re.escape(char))
        i += 1
    regex = re.compile("".join(parts), re.DOTALL)
    return lambda value: isinstance(value, str) and regex.fullmatch(value) is not None


def _anything_but(operand: Any) -> ValueTest:
    if isinstance(operand, dict):
        if len(operand) != 1:
            raise InvalidFilterPattern()
        ((operator, inner),) = operand.items()
        if operator in ("prefix", "suffix"):
            if not _text(inner):
                raise InvalidFilterPattern()
            excluded = _OPERATORS[operator](inner)
        elif operator in ("equals-ignore-case", "wildcard"):
            excluded = _any_of([_OPERATORS[operator](one) for one in _one_or_many(inner)])
        else:
            raise InvalidFilterPattern()
        return lambda value: not excluded(value)
    values = _one_or_many(operand)
    # All strings or all numbers: null, booleans and a mix of the two are refused.
    if not (all(isinstance(v, str) for v in values) or all(_is_number(v) for v in values)):
        raise InvalidFilterPattern()
    return lambda value: not any(_same(value, v) for v in values)


def _one_or_many(operand: Any) -> list[Any]:
    values = operand if isinstance(operand, list) else [operand]
    if not values:
        raise InvalidFilterPattern()
    return values


def _any_of(tests: list[ValueTest]) -> ValueTest:
    return lambda value: any(test(value) for test in tests)


# A numeric expression is one comparison, or a lower bound followed by an upper bound.
_LOWER = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b}
_UPPER = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b}
_EQUAL = {"=": lambda a, b: a == b}


def _numeric(operand: Any) -> ValueTest:
    if not isinstance(operand, list) or len(operand) not in (2, 4):
        raise InvalidFilterPattern()
    first = _comparison(operand[0], operand[1], {**_LOWER, **_UPPER, **_EQUAL})
    comparisons = [first]
    if len(operand) == 4:
        if operand[0] not in _LOWER:
            raise InvalidFilterPattern()
        comparisons.append(_comparison(operand[2], operand[3], _UPPER))
    return lambda value: _is_number(value) and all(test(value) for test in comparisons)


def _comparison(operator: Any, bound: Any, allowed: dict[str, Callable[[Any, Any], bool]]
                ) -> ValueTest:
    if not isinstance(operator, str) or operator not in allowed or not _is_number(bound):
        raise InvalidFilterPattern()
    compare = allowed[operator]
    return lambda value: compare(value, bound)


def _cidr(operand: Any) -> ValueTest:
    try:
        network = ipaddress.ip_network(_text(operand), strict=False)
    except ValueError:
        raise InvalidFilterPattern() from None

    def accepts(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return False
        return address.version == network.version and address in network
    return accepts


_OPERATORS: dict[str, Callable[[Any], ValueTest]] = {
    "prefix": _prefix,
    "suffix": _suffix,
    "equals-ignore-case": _equals_ignore_case,
    "wildcard": _wildcard,
    "anything-but": _anything_but,
    "numeric": _numeric,
    "cidr": _cidr,
}
