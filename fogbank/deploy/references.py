"""What a raw template value refers to: resources, parameters, conditions, mappings.

Used before anything is resolved, to check references and to order resources. Given the
condition values, `Fn::If` is followed into the chosen branch only, as CloudFormation does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from fogbank.deploy.intrinsics import SUB_VARIABLE, check_sub_name


@dataclass
class References:
    refs: set[str] = field(default_factory=set)        # Ref targets and plain ${Name}
    get_atts: set[str] = field(default_factory=set)    # resources named by GetAtt / ${Res.Attr}
    sub_atts: set[str] = field(default_factory=set)    # resources named by ${Res.Attr} only
    conditions: set[str] = field(default_factory=set)
    mappings: set[str] = field(default_factory=set)


def collect(node: Any, condition: Callable[[str], bool] | None = None) -> References:
    found = References()
    _walk(node, found, condition)
    return found


def _walk(node: Any, found: References, condition: Callable[[str], bool] | None) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, found, condition)
        return
    if not isinstance(node, dict):
        return
    if len(node) == 1:
        (key, args), = node.items()
        special = _SPECIAL.get(key)
        if special is not None:
            special(args, found, condition)
            return
    for value in node.values():
        _walk(value, found, condition)


def _ref(args: Any, found: References, condition: Callable[[str], bool] | None) -> None:
    if isinstance(args, str):
        found.refs.add(args)


def _get_att(args: Any, found: References, condition: Callable[[str], bool] | None) -> None:
    if isinstance(args, str):
        found.get_atts.add(args.split(".", 1)[0])
    elif isinstance(args, list) and args and isinstance(args[0], str):
        found.get_atts.add(args[0])
        _walk(args[1:], found, condition)


def _sub(args: Any, found: References, condition: Callable[[str], bool] | None) -> None:
    template, variables = args, {}
    if isinstance(args, list) and len(args) == 2 and isinstance(args[1], dict):
        template, variables = args
        _walk(list(variables.values()), found, condition)
    if not isinstance(template, str):
        return
    for name in SUB_VARIABLE.findall(template):
        if name.startswith("!") or name in variables:
            continue
        check_sub_name(name)
        if "." in name:
            found.sub_atts.add(name.split(".", 1)[0])
        else:
            found.refs.add(name)


def _if(args: Any, found: References, condition: Callable[[str], bool] | None) -> None:
    if not (isinstance(args, list) and len(args) == 3):
        _walk(args, found, condition)
        return
    if isinstance(args[0], str):
        found.conditions.add(args[0])
    if condition is None:
        _walk(args[1:], found, condition)
    else:
        _walk(args[1] if condition(args[0]) else args[2], found, condition)


def _condition(args: Any, found: References, condition: Callable[[str], bool] | None) -> None:
    if isinstance(args, str):
        found.conditions.add(args)
    else:
        _walk(args, found, condition)


def _find_in_map(args: Any, found: References, condition: Callable[[str], bool] | None) -> None:
    if isinstance(args, list) and args and isinstance(args[0], str):
        found.mappings.add(args[0])
    _walk(args, found, condition)


_SPECIAL: dict[str, Callable[[Any, References, Callable[[str], bool] | None], None]] = {
    "Ref": _ref, "Fn::GetAtt": _get_att, "Fn::Sub": _sub, "Fn::If": _if,
    "Condition": _condition, "Fn::FindInMap": _find_in_map,
}
