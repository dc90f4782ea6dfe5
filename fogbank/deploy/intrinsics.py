"""The intrinsic functions, as a small recursive evaluator over raw template values.

`evaluate(node, scope)` returns the node with every `Ref` / `Fn::*` replaced by its value.
Parameters, mappings and conditions come from the scope; resources from its lookup, so
the same evaluator serves the Conditions block (no resources) and deployment.
"""
from __future__ import annotations

import base64
import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, Protocol

from fogbank.deploy.errors import TemplateError


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()   # `Ref AWS::NoValue`: the enclosing property or list item disappears

# What CloudFormation answers for an Fn::FindInMap of the wrong form.
FIND_IN_MAP_ARGUMENTS = ("Template error: every Fn::FindInMap object requires three parameters, "
                         "the map name, map key and the attribute for return value")
SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_SUB_NAME = re.compile(r"[A-Za-z0-9_.:]+")


class ResourceLookup(Protocol):
    def ref(self, logical_id: str) -> Any: ...

    def get_att(self, logical_id: str, attribute: str) -> Any: ...


@dataclass(frozen=True)
class Scope:
    values: Mapping[str, Any]                 # parameters and pseudo parameters by name
    mappings: Mapping[str, Any]
    condition: Callable[[str], bool]
    resources: ResourceLookup | None          # None while evaluating the Conditions block
    region: str
    warn: Callable[[str], None]


def evaluate(node: Any, scope: Scope) -> Any:
    if isinstance(node, dict):
        if len(node) == 1:
            (key, args), = node.items()
            handler = _FUNCTIONS.get(key)
            if handler is not None:
                return handler(args, scope)
            if key.startswith("Fn::"):
                raise TemplateError(f"Template format error: Encountered unsupported function: {key}")
        result = {k: evaluate(v, scope) for k, v in node.items()}
        return {k: v for k, v in result.items() if v is not NO_VALUE}
    if isinstance(node, list):
        return [v for v in (evaluate(item, scope) for item in node) if v is not NO_VALUE]
    return node


def as_text(value: Any, where: str) -> str:
    """A value used as a string: numbers and booleans the way CloudFormation prints them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise TemplateError(f"Template error: {where} must resolve to a string, got {_show(value)}")


def as_flag(value: Any) -> bool:
    """A Boolean property: true, or the text "true" in any case (how templates spell it)."""
    return value is True or str(value).lower() == "true"


def _show(value: Any) -> str:
    return json.dumps(value, default=str) if not isinstance(value, _NoValue) else "AWS::NoValue"


def _ref(args: Any, scope: Scope) -> Any:
    if not isinstance(args, str):
        raise TemplateError(f"Template error: Ref must name a parameter or resource, got {_show(args)}")
    if args == "AWS::NoValue":
        return NO_VALUE
    if args in scope.values:
        return scope.values[args]
    if scope.resources is None:
        raise TemplateError(f"Template format error: Unresolved dependencies [{args}]. "
                            "Cannot reference resources in the Conditions block of the template")
    return scope.resources.ref(args)


def _get_att(args: Any, scope: Scope) -> Any:
    if isinstance(args, str):
        args = args.split(".", 1)
    if not (isinstance(args, list) and len(args) == 2 and isinstance(args[0], str)):
        raise TemplateError("Template error: every Fn::GetAtt object requires two non-empty "
                            "parameters")
    attribute = as_text(evaluate(args[1], scope), "the attribute name in Fn::GetAtt")
    if scope.resources is None:
        raise TemplateError(f"Template format error: Unresolved dependencies [{args[0]}]. "
                            "Cannot reference resources in the Conditions block of the template")
    return scope.resources.get_att(args[0], attribute)


def get_atts(node: Any, scope: Scope) -> Iterator[tuple[list[str], Any]]:
    """Each Fn::GetAtt in `node` (raw) that evaluation reaches, in the order it reaches them:
    (the keys and list indexes down to it, ending in `Fn::GetAtt`; its arguments).

    Evaluation goes in document order and only into the chosen branch of an Fn::If. A
    `${X.Attr}` of an Fn::Sub is no Fn::GetAtt, and is not found.
    """
    if isinstance(node, list):
        items: list[tuple[str, Any]] = [(str(i), item) for i, item in enumerate(node)]
    elif isinstance(node, dict):
        if len(node) == 1:
            (key, args), = node.items()
            if key == "Fn::GetAtt":
                yield [key], args
                return
            if key == "Fn::If" and isinstance(args, list) and len(args) == 3:
                branch = 1 if scope.condition(args[0]) else 2
                for path, found in get_atts(args[branch], scope):
                    yield [key, str(branch), *path], found
                return
        items = [(str(k), v) for k, v in node.items()]
    else:
        return
    for key, item in items:
        for path, found in get_atts(item, scope):
            yield [key, *path], found


def get_att_path(node: Any, logical_id: str, attribute: str, scope: Scope) -> list[str] | None:
    """Where in `node` (raw) the evaluated Fn::GetAtt of `logical_id`'s `attribute` is (see
    `get_atts`); None if no such Fn::GetAtt is."""
    return next((path for path, args in get_atts(node, scope)
                 if get_att_target(args, scope) == (logical_id, attribute)), None)


def get_att_target(args: Any, scope: Scope) -> tuple[str, str] | None:
    """(logical id, attribute name) that the Fn::GetAtt arguments `args` ask for; None if
    they are malformed or the name cannot be known without resources."""
    if isinstance(args, str):
        args = args.split(".", 1)
    if not (isinstance(args, list) and len(args) == 2 and isinstance(args[0], str)):
        return None
    # The attribute may itself be a function (a Ref to a parameter): it is its value.
    try:
        return args[0], as_text(evaluate(args[1], scope), "the attribute name in Fn::GetAtt")
    except TemplateError:
        return None


def _sub(args: Any, scope: Scope) -> str:
    template, variables = args, {}
    if isinstance(args, list) and len(args) == 2 and isinstance(args[1], dict):
        template, variables = args
    if not isinstance(template, str):
        raise TemplateError("Template error: One or more Fn::Sub intrinsic functions don't "
                            "specify expected arguments. Specify a string as first argument, "
                            "and an optional second argument to specify a mapping of values "
                            "to replace in the string")
    values = {name: evaluate(value, scope) for name, value in variables.items()}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"     # `${!Literal}` writes `${Literal}`
        check_sub_name(name)
        if name in values:
            value = values[name]
        elif name in scope.values or "." not in name:
            value = _ref(name, scope)
        else:
            value = _get_att(name.split(".", 1), scope)
        return as_text(value, f"the variable {name} in Fn::Sub")

    return SUB_VARIABLE.sub(replace, template)


def check_sub_name(name: str) -> None:
    if not _SUB_NAME.fullmatch(name):
        raise TemplateError("Template error: variable names in Fn::Sub syntax must contain "
                            "only alphanumeric characters, underscores, periods, and colons")


def _list_args(name: str, args: Any, count: int) -> list[Any]:
    if not isinstance(args, list) or len(args) != count:
        raise TemplateError(f"Template error: every {name} object requires {count} parameters")
    return args


def _join(args: Any, scope: Scope) -> str:
    delimiter, items = _list_args("Fn::Join", args, 2)
    items = evaluate(items, scope)
    if not isinstance(items, list):
        raise TemplateError("Template error: the second argument of Fn::Join must be a list")
    return as_text(delimiter, "the Fn::Join delimiter").join(
        as_text(item, "every Fn::Join list element") for item in items)


def _select(args: Any, scope: Scope) -> Any:
    index, items = (evaluate(a, scope) for a in _list_args("Fn::Select", args, 2))
    try:
        position = int(index)
    except (TypeError, ValueError):
        raise TemplateError("Template error: Fn::Select requires a number as its index") from None
    if not isinstance(items, list) or not 0 <= position < len(items):
        raise TemplateError(f"Template error: Fn::Select cannot select nonexistent value at index {index}")
    return items[position]


def _split(args: Any, scope: Scope) -> list[str]:
    delimiter, source = (evaluate(a, scope) for a in _list_args("Fn::Split", args, 2))
    return as_text(source, "the Fn::Split source").split(as_text(delimiter, "the Fn::Split delimiter"))


def _if(args: Any, scope: Scope) -> Any:
    name, when_true, when_false = _list_args("Fn::If", args, 3)
    # Only the chosen branch is evaluated: the other may name resources that are not created.
    return evaluate(when_true if scope.condition(name) else when_false, scope)


def condition_value(node: Any, scope: Scope) -> bool:
    if isinstance(node, dict) and set(node) == {"Condition"}:
        return scope.condition(node["Condition"])
    value = evaluate(node, scope)
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise TemplateError(f"Template error: a condition function requires conditions, got {_show(value)}")


def _equals(args: Any, scope: Scope) -> bool:
    if not isinstance(args, list) or len(args) != 2:
        raise TemplateError("Template error: every Fn::Equals object requires a list of 2 "
                            "string parameters.")
    left, right = (evaluate(a, scope) for a in args)
    normal = [as_text(v, "Fn::Equals") if not isinstance(v, list) else v for v in (left, right)]
    return normal[0] == normal[1]


def _and(args: Any, scope: Scope) -> bool:
    _at_least_two("Fn::And", args)
    return all(condition_value(a, scope) for a in args)


def _or(args: Any, scope: Scope) -> bool:
    _at_least_two("Fn::Or", args)
    return any(condition_value(a, scope) for a in args)


def _at_least_two(name: str, args: Any) -> None:
    if not isinstance(args, list) or not 2 <= len(args) <= 10:
        raise TemplateError(f"Template error: every {name} object requires a list of at least "
                            "2 and at most 10 boolean parameters")


def _not(args: Any, scope: Scope) -> bool:
    (condition,) = _list_args("Fn::Not", args, 1)
    return not condition_value(condition, scope)


def _find_in_map(args: Any, scope: Scope) -> Any:
    # AWS::LanguageExtensions adds a fourth argument: {DefaultValue: v}, for a missing key.
    # The loader has refused it in a template without the transform (template_checks.py).
    default = args[3] if isinstance(args, list) and len(args) == 4 else None
    if default is not None and not (isinstance(default, dict) and set(default) == {"DefaultValue"}):
        raise TemplateError("Template error: the fourth argument of Fn::FindInMap must be "
                            "{DefaultValue: value}")
    if not isinstance(args, list) or len(args) != (3 if default is None else 4):
        raise TemplateError(FIND_IN_MAP_ARGUMENTS)
    keys = [as_text(evaluate(a, scope), "Fn::FindInMap keys") for a in args[:3]]
    try:
        return scope.mappings[keys[0]][keys[1]][keys[2]]
    except (KeyError, TypeError):
        if default is not None:
            return evaluate(default["DefaultValue"], scope)
        raise TemplateError(f"Template error: Unable to get mapping for {'::'.join(keys)}") from None


def _get_azs(args: Any, scope: Scope) -> list[str]:
    region = as_text(evaluate(args, scope), "Fn::GetAZs") or scope.region
    return [f"{region}{zone}" for zone in "abc"]


def _base64(args: Any, scope: Scope) -> str:
    text = as_text(evaluate(args, scope), "Fn::Base64")
    return base64.b64encode(text.encode()).decode()


def _cidr(args: Any, scope: Scope) -> list[str]:
    block, count, bits = (evaluate(a, scope) for a in _list_args("Fn::Cidr", args, 3))
    try:
        network = ipaddress.ip_network(str(block), strict=False)
        prefix = network.max_prefixlen - int(bits)
        subnets = network.subnets(new_prefix=prefix)
        return [str(next(subnets)) for _ in range(int(count))]
    except (ValueError, StopIteration):
        raise TemplateError(f"Template error: Fn::Cidr cannot split {block} into {count} "
                            f"blocks of {bits} host bits") from None


def _import_value(args: Any, scope: Scope) -> str:
    name = as_text(evaluate(args, scope), "Fn::ImportValue")
    scope.warn(f"Fn::ImportValue {name}: other stacks' exports are not available locally — "
               "a placeholder value is used")
    return f"imported-{name}"


def _length(args: Any, scope: Scope) -> int:
    value = evaluate(args, scope)
    if not isinstance(value, list):
        raise TemplateError("Template error: Fn::Length requires a list")
    return len(value)


def _to_json_string(args: Any, scope: Scope) -> str:
    return json.dumps(evaluate(args, scope), separators=(",", ":"))


_FUNCTIONS: dict[str, Callable[[Any, Scope], Any]] = {
    "Ref": _ref, "Fn::GetAtt": _get_att, "Fn::Sub": _sub, "Fn::Join": _join,
    "Fn::Select": _select, "Fn::Split": _split, "Fn::If": _if, "Fn::Equals": _equals,
    "Fn::And": _and, "Fn::Or": _or, "Fn::Not": _not, "Fn::FindInMap": _find_in_map,
    "Fn::GetAZs": _get_azs, "Fn::Base64": _base64, "Fn::Cidr": _cidr,
    "Fn::ImportValue": _import_value, "Fn::Length": _length,
    "Fn::ToJsonString": _to_json_string,
}
