"""Input constraints from the service model, reported as AWS's Coral services report them.

"1 validation error detected: Value 'x' at 'functionName' failed to satisfy constraint:
Member must …" — the member named in lower camel case, all failures in one message.
Only top-level members are checked: the nested ones are the engines' business. A service
lists an enum's values in its model's order unless `enum_orders` gives the order the
service itself prints (DynamoDB's, for one, follows no visible rule); a member whose bad
value the service refuses in words of its own (`own_enums`) is left to its engine; and a
member is held
to its model's pattern unless `patterns` names the one the service checks and prints.
A list is printed as the service's Java prints it: its structures by their fields, in the
model's order (`KeySchemaElement(attributeName=pk, keyType=HASH)`), those of a class
without fields of its own (`opaque`, shape name → Java class) as `class@hash`.
"""
from __future__ import annotations

import re
import zlib
from typing import Any, Collection, Mapping

from botocore.model import Shape

from fogbank.aws.errors import ValidationError


EnumOrders = Mapping[str, tuple[str, ...]]     # enum shape name → values as printed
Patterns = Mapping[tuple[str, str], str]        # (input shape, member) → pattern checked
Opaque = Mapping[str, str]                      # structure shape name → Java class printed
OwnEnums = Collection[tuple[str, str]]          # (input shape, member) the engine checks


def validate(shape: Shape | None, params: dict[str, Any], enum_orders: EnumOrders = {},
             patterns: Patterns = {}, opaque: Opaque = {}, own_enums: OwnEnums = ()) -> None:
    if shape is None:
        return
    required, constrained = _plan(shape)
    problems: list[str] = []
    for name, camel in required:
        if params.get(name) is None:
            problems.append(f"Value null at '{camel}' failed to satisfy constraint: "
                            "Member must not be null")
    for name, camel, member in constrained:
        value = params.get(name)
        if value is None:
            continue
        rules = _broken(member, value, enum_orders, patterns.get((shape.name, name)),
                        enum=(shape.name, name) not in own_enums)
        if rules:       # printed only when refused: a long list costs to print
            shown = _show(value, member, opaque)
            problems.extend(f"Value {shown} at '{camel}' failed to satisfy constraint: "
                            f"Member must {rule}" for rule in rules)
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise ValidationError(f"{count} validation {noun} detected: " + "; ".join(problems))


_RULES = ("enum", "min", "max", "pattern")
Plan = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str, Shape], ...]]
_PLANS: dict[tuple[Any, str], Plan] = {}


def _plan(shape: Shape) -> Plan:
    """The members a shape requires and those with constraints, worked out once per shape:
    walking every member of every input for each request costs more than the checks."""
    key = (getattr(shape, "_shape_resolver", None), shape.name)
    plan = _PLANS.get(key)
    if plan is None:
        required = tuple((name, _camel(name)) for name in shape.required_members)
        # Every list is checked: a null member breaks any list's rule.
        constrained = tuple((name, _camel(name), member) for name, member in shape.members.items()
                            if member.type_name == "list"
                            or any(rule in member.metadata for rule in _RULES))
        plan = _PLANS[key] = (required, constrained)
    return plan


def _broken(shape: Shape, value: Any, enum_orders: EnumOrders,
            pattern: str | None = None, enum: bool = True) -> list[str]:
    meta = dict(shape.metadata, pattern=pattern) if pattern else shape.metadata
    rules = []
    if isinstance(value, str):
        if enum and "enum" in meta and value not in meta["enum"]:
            listed = enum_orders.get(shape.name, meta["enum"])
            rules.append(f"satisfy enum value set: [{', '.join(listed)}]")
        if "min" in meta and len(value) < meta["min"]:
            rules.append(f"have length greater than or equal to {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            rules.append(f"have length less than or equal to {meta['max']}")
        if "pattern" in meta and not _fullmatch(meta["pattern"], value):
            rules.append(f"satisfy regular expression pattern: {meta['pattern']}")
    elif isinstance(value, (list, dict)):
        if isinstance(value, list) and None in value:
            rules.append("satisfy constraint: [Member must not be null]")
        if "min" in meta and len(value) < meta["min"]:
            rules.append(f"have length greater than or equal to {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            rules.append(f"have length less than or equal to {meta['max']}")
    elif isinstance(value, int) and not isinstance(value, bool):
        if "min" in meta and value < meta["min"]:
            rules.append(f"have value greater than or equal to {meta['min']}")
        if "max" in meta and value > meta["max"]:
            rules.append(f"have value less than or equal to {meta['max']}")
    return rules


def _fullmatch(pattern: str, value: str) -> bool:
    try:
        return re.fullmatch(pattern, value, re.DOTALL) is not None
    except re.error:       # a Java-only construct: leave the check to the engine
        return True


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _show(value: Any, shape: Shape, opaque: Opaque) -> str:
    if isinstance(value, list):     # as the service's Java prints a list: [a, null]
        return f"'{_java(value, shape, opaque)}'"
    return f"'{value}'"


def _java(value: Any, shape: Shape | None, opaque: Opaque) -> str:
    """`value` as Java's toString prints the object the service parsed it into."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    kind = shape.type_name if shape is not None else None
    if isinstance(value, list):
        member = shape.member if kind == "list" else None
        return "[" + ", ".join(_java(v, member, opaque) for v in value) + "]"
    if isinstance(value, dict) and kind == "structure":
        if shape.name in opaque:
            # Object.toString: the class and its identity hash, which no client can know.
            text = repr(sorted(value.items())).encode()
            return f"{opaque[shape.name]}@{zlib.crc32(text):x}"
        fields = ", ".join(f"{_camel(name)}={_java(value.get(name), member, opaque)}"
                           for name, member in shape.members.items())
        return f"{shape.name}({fields})"
    if isinstance(value, dict):
        inner = shape.value if kind == "map" else None
        return "{" + ", ".join(f"{k}={_java(v, inner, opaque)}" for k, v in value.items()) + "}"
    return str(value)
