"""Values written in a statement (and `?` parameters) as DynamoDB AttributeValues.

A literal's faults name where in the value they are ("under root.m[1]"), as DynamoDB's do;
a parameter was checked whole when the request bound it.
"""
from __future__ import annotations

from typing import Any, Sequence

from fogbank.tables.errors import ValidationException
from fogbank.tables.partiql.lexer import MAX_EXPONENT
from fogbank.tables.partiql.nodes import Bag, Call, List, Missing, Node, Param, Scalar, Tuple
from fogbank.tables.values import AttributeValue, normalize_number, validate_value

MISSING_OUTSIDE_IS = "MISSING must be compared using IS operator"
_BAG_TYPES = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"


class CallAsValue(ValidationException):
    """A function call where a value belongs; the caller, which has the statement, adds
    where in it the call is written, as DynamoDB does."""

    def __init__(self, call: Call, where: str) -> None:
        super().__init__(f"Unsupported data type: {call.name} under key {where}")
        self.call = call


def bind_parameters(parameters: Sequence[Any] | None, wanted: int) -> list[AttributeValue]:
    """The request's Parameters, checked; as many as the statement has `?` (DynamoDB ignores
    extra ones, and refuses too few)."""
    given = list(parameters or ())
    if len(given) < wanted:
        raise ValidationException("Number of parameters in request and statement don't match.")
    for value in given:
        _check_exponents(value)
    return [validate_value(value) for value in given]


def _check_exponents(value: Any) -> None:
    """A parameter's number is read as a Java BigDecimal: an exponent beyond a 32-bit integer
    cannot be converted at all (where an item's number would be out of range)."""
    if not isinstance(value, dict):
        return
    numbers = [value["N"]] if isinstance(value.get("N"), str) else value.get("NS") or []
    for text in numbers:
        exponent = str(text).lower().partition("e")[2]
        if exponent.lstrip("+-").isdigit() and abs(int(exponent)) > MAX_EXPONENT:
            raise ValidationException(f"The parameter cannot be converted to a numeric value: "
                                      f"{text}")
    children = value.get("L") if isinstance(value.get("L"), list) else (
        value.get("M").values() if isinstance(value.get("M"), dict) else ())
    for child in children:
        _check_exponents(child)


def value_of(node: Node, params: Sequence[AttributeValue], where: str = "root") -> AttributeValue:
    """The AttributeValue a value node stands for."""
    if isinstance(node, Param):
        return params[node.index]
    if isinstance(node, Scalar):
        if "N" in node.value:
            try:
                return {"N": normalize_number(node.value["N"])}
            except ValidationException as exc:
                raise ValidationException(f"{exc.message} under {where}") from None
        return node.value
    if isinstance(node, List):
        return {"L": [value_of(element, params, f"{where}[{i}]")
                      for i, element in enumerate(node.elements)]}
    if isinstance(node, Tuple):
        return {"M": _members(node, params, where)}
    if isinstance(node, Bag):
        return _set(node, params, where)
    if isinstance(node, Missing):
        raise ValidationException(MISSING_OUTSIDE_IS)
    if isinstance(node, Call):
        raise CallAsValue(node, where)
    name = type(node).__name__.lower()
    raise ValidationException(f"Unsupported data type: {name} under key {where}")


def item_of(node: Node, params: Sequence[AttributeValue]) -> AttributeValue:
    """An INSERT's item: DynamoDB names a fault's place from the attribute's value down."""
    if isinstance(node, Tuple):
        return {"M": _members(node, params, "root", top=True)}
    return value_of(node, params)


def _members(node: Tuple, params: Sequence[AttributeValue], where: str,
             top: bool = False) -> dict[str, Any]:
    members: dict[str, AttributeValue] = {}
    for key_node, value_node in node.pairs:
        key = value_of(key_node, params, where) if isinstance(key_node, (Scalar, Param)) else None
        if key is None or "S" not in key:
            shown = "UNKNOWN" if key is None else _TYPE_NAMES.get(next(iter(key)), "UNKNOWN")
            raise ValidationException(
                f"Tuple keys must be of type String. Actual type: {shown} under {where}")
        name = key["S"]
        if name in members:
            raise ValidationException(f"Duplicate keys in tuple. Key: {name} under {where}")
        members[name] = value_of(value_node, params, where if top else f"{where}.{name}")
    return members


def _set(node: Bag, params: Sequence[AttributeValue], where: str) -> AttributeValue:
    if not node.members:
        raise ValidationException("Empty bags are not supported")
    if not all(isinstance(m, Scalar) for m in node.members):
        raise ValidationException(_BAG_TYPES)
    values = [value_of(m, params, where) for m in node.members]
    kinds = {next(iter(v)) for v in values}
    if len(kinds) != 1 or not kinds <= {"S", "N"}:
        raise ValidationException(_BAG_TYPES)
    kind = kinds.pop()
    members = [v[kind] for v in values]
    if len(set(members)) != len(members):
        raise ValidationException("One or more parameter values were invalid: Input collection "
                                  f"[{', '.join(members)}] contains duplicates.")
    return {kind + "S": members}


_TYPE_NAMES = {"N": "DECIMAL", "BOOL": "BOOL", "NULL": "NULL", "M": "STRUCT", "L": "LIST",
               "SS": "BAG", "NS": "BAG", "B": "BLOB"}
