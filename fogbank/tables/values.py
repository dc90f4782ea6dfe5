"""DynamoDB attribute values: numbers, ordering, equality, validation and item size.

Values are DynamoDB's JSON form as the wire layer parses it: `{"S": str}`, `{"N": str}`,
`{"B": bytes}`, `{"BOOL": bool}`, `{"NULL": True}`, `{"M": {...}}`, `{"L": [...]}`,
`{"SS": [str]}`, `{"NS": [str]}`, `{"BS": [bytes]}`. Numbers stay decimal strings on the
wire and in storage; arithmetic and ordering go through `Decimal` with DynamoDB's limits
(38 significant digits, magnitudes 1E-130 … 9.99…E+125).
"""
from __future__ import annotations

import base64
import re
from decimal import Context, Decimal
from typing import Any, Mapping

from fogbank.tables.errors import RequestCheckFailed, ValidationException

AttributeValue = Mapping[str, Any]
Item = Mapping[str, AttributeValue]

MAX_DIGITS = 38
MAX_EXPONENT = 125          # largest adjusted exponent: 9.99…E+125
MIN_EXPONENT = -130         # smallest adjusted exponent: 1E-130
MAX_NESTING = 32

SCALAR_TYPES = frozenset({"S", "N", "B"})
SET_TYPES = frozenset({"SS", "NS", "BS"})
ALL_TYPES = frozenset({"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"})

_INVALID = "One or more parameter values were invalid: "
EMPTY_VALUE = ("Supplied AttributeValue is empty, must contain exactly one of the supported "
               "datatypes")
_NUMBER_RE = re.compile(r"[+-]?(?:(\d+)\.?(\d*)|\.(\d+))(?:[eE]([+-]?\d+))?")
# Integers already in canonical form (most numbers sent, counters, sort keys): no Decimal needed.
_CANONICAL_INT_RE = re.compile(r"0|-?[1-9]\d{0,37}")
# Exact arithmetic: operands have at most 38 digits and exponents within ±130, so a sum
# never needs more than a few hundred digits; the result is checked afterwards.
_EXACT = Context(prec=400, Emax=999_999, Emin=-999_999)


# ---------------------------------------------------------------- numbers

_NOT_NUMERIC = "The parameter cannot be converted to a numeric value"
_OVERFLOW = ("Number overflow. Attempting to store a number with magnitude larger than "
             "supported range")
_UNDERFLOW = ("Number underflow. Attempting to store a number with magnitude smaller than "
              "supported range")
_TOO_PRECISE = "Attempting to store more than 38 significant digits in a Number"
_INT32, _INT64 = 2 ** 31, 2 ** 63
# Beyond this an exponent is out of range however many digits come with it (and beyond
# what Decimal can hold).
_FAR_EXPONENT = 10 ** 17


def _to_decimal(text: Any) -> Decimal:
    if not isinstance(text, str) or not text:
        # The newer validator keeps the colon of its "…: <text>" form for an empty string.
        raise RequestCheckFailed(_NOT_NUMERIC, _NOT_NUMERIC + ": " if text == "" else None)
    match = _NUMBER_RE.fullmatch(text)
    if match is None:
        raise RequestCheckFailed(f"{_NOT_NUMERIC}: {text}")
    exponent = int(match[4] or 0)
    if not -_INT64 <= exponent < _INT64:     # read as a 64-bit integer, or not at all
        raise RequestCheckFailed(f"{_NOT_NUMERIC}: {text}")
    older = _older_range_fault(text, match, exponent)
    if abs(exponent) > _FAR_EXPONENT:
        current = _OVERFLOW if exponent > 0 else _UNDERFLOW
        raise RequestCheckFailed(older or current, current)
    number = Decimal(text)
    if older is not None:
        try:
            _canonical(number)
        except RequestCheckFailed as exc:
            raise RequestCheckFailed(older, exc.current) from None
    return number


def _older_range_fault(text: str, match: re.Match[str], exponent: int) -> str | None:
    """The older validator's answer where it differs for a number far out of range: it reads
    the number as Java's BigDecimal does (exponent and scale are 32-bit integers, else the
    text cannot be converted) and compares precision minus scale in 32-bit arithmetic,
    which wraps, so 1e2147483647 comes out as an underflow."""
    fraction = match[2] or match[3] or ""
    scale = len(fraction) - exponent
    if not -_INT32 <= exponent < _INT32 or not -_INT32 <= scale < _INT32:
        return f"{_NOT_NUMERIC}: {text}"
    magnitude = len(((match[1] or "") + fraction).lstrip("0") or "0") - scale
    if magnitude >= _INT32:
        return _UNDERFLOW
    if magnitude < -_INT32:
        return _OVERFLOW
    return None


def _canonical(number: Decimal, too_precise: str = _TOO_PRECISE) -> str:
    """Checks DynamoDB's range and precision; gives the plain form DynamoDB returns."""
    # Zero is zero whatever exponent it is written with ("0e1000" is stored as 0).
    if not number:
        return "0"
    adjusted = number.adjusted()
    if adjusted > MAX_EXPONENT:
        raise RequestCheckFailed(_OVERFLOW)
    if adjusted < MIN_EXPONENT:
        raise RequestCheckFailed(_UNDERFLOW)
    sign, digits, exponent = number.as_tuple()
    end = len(digits)
    while digits[end - 1] == 0:
        end -= 1
    if end > MAX_DIGITS:
        raise RequestCheckFailed(too_precise)
    exponent = int(exponent) + len(digits) - end
    return format(Decimal((sign, digits[:end], exponent)), "f")


def normalize_number(text: str) -> str:
    """DynamoDB's canonical text of a number ("1.50" → "1.5", "1e2" → "100", "-0" → "0")."""
    if isinstance(text, str) and _CANONICAL_INT_RE.fullmatch(text):
        return text
    return _canonical(_to_decimal(text))


def to_decimal(text: str) -> Decimal:
    """The value of a number already accepted by DynamoDB (stored or validated)."""
    return Decimal(text)


# A sum or difference that needs more than 38 digits (1E+50 - 1) is reported by DynamoDB
# as an overflow, not as the precision error a stored value gets.
def add_numbers(a: str, b: str) -> str:
    return _result(_EXACT.add(Decimal(a), Decimal(b)))


def subtract_numbers(a: str, b: str) -> str:
    return _result(_EXACT.subtract(Decimal(a), Decimal(b)))


def _result(number: Decimal) -> str:
    # An update's arithmetic, not a value sent: no validator's wording applies.
    try:
        return _canonical(number, _OVERFLOW)
    except RequestCheckFailed as exc:
        raise ValidationException(exc.message) from None


# ---------------------------------------------------------------- types, order, equality

def type_of(value: AttributeValue) -> str:
    """The one data type key of an attribute value ("S", "N", "M", …)."""
    for key in value:
        return key
    raise ValidationException(EMPTY_VALUE)


def compare(a: AttributeValue, b: AttributeValue) -> int:
    """Order of two scalar values of the same type (S, N or B): -1, 0 or 1.

    Strings order by their UTF-8 bytes, which is the order of their code points.
    """
    kind = type_of(a)
    x, y = a[kind], b[kind]
    if kind == "N":
        x, y = Decimal(x), Decimal(y)
    return (x > y) - (x < y)


def equal(a: AttributeValue, b: AttributeValue) -> bool:
    """DynamoDB's equality: same type and value; sets compare as sets, numbers by value."""
    kind = type_of(a)
    if kind not in b:
        return False
    x, y = a[kind], b[kind]
    if kind == "N":
        return x == y or Decimal(x) == Decimal(y)
    if kind in ("S", "B", "BOOL", "NULL"):
        return x == y
    if kind == "NS":
        return {Decimal(n) for n in x} == {Decimal(n) for n in y}
    if kind in SET_TYPES:
        return set(x) == set(y)
    if kind == "L":
        return len(x) == len(y) and all(equal(p, q) for p, q in zip(x, y))
    if kind == "M":
        return x.keys() == y.keys() and all(equal(v, y[k]) for k, v in x.items())
    return False


# ---------------------------------------------------------------- validation

NESTING = ("Nesting Levels have exceeded supported limits: Attributes in the item have nested "
           "levels beyond supported limit")


class NestingTooDeep(RequestCheckFailed):
    """A value nested beyond MAX_NESTING."""


def validate_value(value: Any, _depth: int = 0) -> AttributeValue:
    """Checks one attribute value as DynamoDB does; returns it with numbers canonical.

    Returns the same object when nothing changed, so stored items are not copied.
    """
    if not isinstance(value, dict) or not value:      # values come from JSON: dicts
        raise ValidationException(EMPTY_VALUE)
    if len(value) > 1:
        raise ValidationException(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one "
            "of the supported datatypes")
    kind = type_of(value)
    data = value[kind]
    if kind == "N":
        number = normalize_number(data)
        return value if number == data else {"N": number}
    if kind == "NULL" and data is not True:
        raise ValidationException(
            _INVALID + "Null attribute value types must have the value of true")
    if kind in SET_TYPES:
        return _validate_set(value, kind, data)
    if kind in ("M", "L") and _depth >= MAX_NESTING - 1:
        # DynamoDB counts the item as the first level and each map or list inside it as one
        # more: an attribute holds at most 31 maps or lists one inside the other, whatever
        # the innermost one holds (an empty map as well as a string).
        raise NestingTooDeep(NESTING)
    if kind == "M":
        for name in data:
            check_attribute_name(name)
        return _validate_children(value, data, data.items(), _depth)
    if kind == "L":
        return _validate_children(value, data, enumerate(data), _depth)
    if kind not in ALL_TYPES:
        raise ValidationException(EMPTY_VALUE)
    return value


def _validate_children(value: AttributeValue, data: Any, pairs: Any, depth: int) -> AttributeValue:
    changed = None
    for key, child in pairs:
        checked = validate_value(child, depth + 1)
        if checked is not child:
            if changed is None:
                changed = dict(data) if isinstance(data, dict) else list(data)
            changed[key] = checked
    if changed is None:
        return value
    return {type_of(value): changed}


def _validate_set(value: AttributeValue, kind: str, members: list[Any]) -> AttributeValue:
    if not members:
        raise ValidationException(_INVALID + {
            "SS": "An string set  may not be empty",
            "NS": "An number set  may not be empty",
            "BS": "Binary sets should not be empty"}[kind])
    if None in members:         # a JSON null among the members
        if kind == "SS":
            raise ValidationException(
                _INVALID + "An string set may not have a null string as a member")
        if kind == "BS":
            raise ValidationException(EMPTY_VALUE)
    if kind == "NS":
        canonical = [normalize_number(n) for n in members]
        if len(set(canonical)) != len(canonical):
            raise RequestCheckFailed("Input collection contains duplicates",
                                     _INVALID + "Input collection contains duplicates.")
    else:
        canonical = members
        if len(set(members)) != len(members):
            raise _duplicates(kind, members)
    ordered = set_in_order(kind, canonical)
    return value if ordered == members else {kind: ordered}


def _duplicates(kind: str, members: list[Any]) -> RequestCheckFailed:
    """The older validator lists a string or binary set as sent; the newer one quotes the
    members it read before the first repeat in their order, then the repeat, then the rest
    as sent (it fills a sorted set and stops at the first member already in it)."""
    seen: set[Any] = set()
    for at, member in enumerate(members):
        if member in seen:
            break
        seen.add(member)
    read = [*set_in_order(kind, list(seen)), *members[at:]]
    if kind == "SS":
        return RequestCheckFailed(
            _INVALID + f"Input collection [{', '.join(members)}] contains duplicates.",
            _INVALID + f"Input collection [{', '.join(f'{chr(34)}{m}{chr(34)}' for m in read)}] "
            "contains duplicates.")
    encoded = [base64.b64encode(m).decode() for m in members]
    quoted = ",".join(f'"{base64.b64encode(m).decode()}"' for m in read)
    return RequestCheckFailed(
        _INVALID + f"Input collection [{', '.join(encoded)}]of type BS contains duplicates.",
        _INVALID + f"Input collection [{quoted}]of type BS contains duplicates.")


def set_in_order(kind: str, members: list[Any]) -> list[Any]:
    """A set's members in the order DynamoDB returns them, whatever order they were written
    in: strings and binaries bytewise (so the empty member comes first), numbers by value."""
    if kind == "NS":
        return sorted(members, key=to_decimal)
    if kind == "SS":
        return sorted(members, key=lambda member: member.encode("utf-8", "surrogatepass"))
    return sorted(members)


def too_deep(value: AttributeValue) -> bool:
    """Whether a stored value holds more maps and lists one inside the other than DynamoDB
    allows (the limit validate_value applies to values sent)."""
    level = [value]
    for _ in range(MAX_NESTING - 1):
        level = [child for v in level for child in _containers_in(v)]
        if not level:
            return False
    return True


def _containers_in(value: AttributeValue) -> list[AttributeValue]:
    if "M" in value:
        return [v for v in value["M"].values() if "M" in v or "L" in v]
    if "L" in value:
        return [v for v in value["L"] if "M" in v or "L" in v]
    return []


def validate_item(item: Mapping[str, Any]) -> dict[str, AttributeValue]:
    """Checks every attribute of an item; returns it with numbers canonical."""
    # Every name before any value: an empty name wins over a value nested too deep.
    for name in item:
        if not name:
            raise ValidationException("Empty attribute name")
        check_attribute_name(name)
    return {name: validate_value(value) for name, value in item.items()}


MAX_NAME = 65535          # bytes of UTF-8, for top-level names and map keys alike


def check_attribute_name(name: str) -> None:
    # A character is at most 4 bytes of UTF-8: most names need no encoding to be cleared.
    if len(name) > MAX_NAME // 4 and len(name.encode()) > MAX_NAME:
        raise ValidationException("1 validation error detected: Attribute name is too large, "
                                  f"must be less than {MAX_NAME + 1} bytes")


# ---------------------------------------------------------------- size

def item_size(item: Item) -> int:
    """The item's size as DynamoDB counts it toward the 400 KB limit and capacity units."""
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def value_size(value: AttributeValue) -> int:
    kind = type_of(value)
    data = value[kind]
    if kind == "S":
        return len(data.encode())
    if kind == "B":
        return len(data)
    if kind == "N":
        return _number_size(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in data)
    if kind == "BS":
        return sum(len(b) for b in data)
    if kind == "NS":
        return sum(_number_size(n) for n in data)
    if kind == "L":
        # 3 bytes for the list plus 1 per element.
        return 3 + sum(1 + value_size(v) for v in data)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in data.items())
    return 0


def _number_size(text: str) -> int:
    """About one byte per two significant digits, plus one; digits pair by exponent."""
    number = Decimal(text)
    if not number:
        return 1
    sign, digits, _ = number.as_tuple()
    end = len(digits)
    while digits[end - 1] == 0:
        end -= 1
    aligned = 0 if end % 2 or number.adjusted() % 2 else 1
    return 1 + (end + 1) // 2 + aligned + sign
