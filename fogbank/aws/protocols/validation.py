"""Input constraints from the service model, reported as AWS's Coral services report them.

"1 validation error detected: Value 'x' at 'functionName' failed to satisfy constraint:
Member must …" — the member named in lower camel case, all failures in one message.
Only top-level members are checked: the nested ones are the engines' business.
"""
from __future__ import annotations

import re
from typing import Any

from botocore.model import Shape

from fogbank.aws.errors import ValidationError


def validate(shape: Shape | None, params: dict[str, Any]) -> None:
    if shape is None:
        return
    problems: list[str] = []
    for name in shape.required_members:
        if params.get(name) is None:
            problems.append(f"Value null at '{_camel(name)}' failed to satisfy constraint: "
                            "Member must not be null")
    for name, member in shape.members.items():
        value = params.get(name)
        if value is not None:
            problems.extend(f"Value {_show(value)} at '{_camel(name)}' failed to satisfy "
                            f"constraint: Member must {rule}" for rule in _broken(member, value))
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise ValidationError(f"{count} validation {noun} detected: " + "; ".join(problems))


def _broken(shape: Shape, value: Any) -> list[str]:
    meta = shape.metadata
    rules = []
    if isinstance(value, str):
        if "enum" in meta and value not in meta["enum"]:
            rules.append(f"satisfy enum value set: [{', '.join(meta['enum'])}]")
        if "min" in meta and len(value) < meta["min"]:
            rules.append(f"have length greater than or equal to {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            rules.append(f"have length less than or equal to {meta['max']}")
        if "pattern" in meta and not _fullmatch(meta["pattern"], value):
            rules.append(f"satisfy regular expression pattern: {meta['pattern']}")
    elif isinstance(value, (list, dict)):
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


def _show(value: Any) -> str:
    return f"'{value}'"
