"""The AWS::LanguageExtensions transform's loops: `Fn::ForEach::<Name>`.

A loop is a key `Fn::ForEach::Name` whose value is `[Identifier, Collection, {KeyTemplate:
ValueTemplate}]`; it becomes one entry per collection item, beside the keys it stands among.
In the copies, `${Identifier}` (in keys and strings, Fn::Sub's included) is the item,
`&{Identifier}` the item without its non-alphanumeric characters, and `Ref Identifier` the
item itself. Loops expand before any other transform, once parameters are known, as
CloudFormation processes them. The extension's functions (Fn::Length, Fn::ToJsonString,
Fn::FindInMap's DefaultValue) are intrinsics.py's.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from fogbank.deploy.errors import TemplateError

LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
_FOR_EACH = "Fn::ForEach::"
_IDENTIFIER = re.compile(r"[A-Za-z0-9]+")
_SECTIONS = ("Conditions", "Resources", "Outputs")


def expand_loops(document: dict[str, Any], collection_of: Callable[[Any], Any]) -> dict[str, Any]:
    """`document` with every loop of its Conditions, Resources and Outputs expanded;
    `collection_of` resolves a loop's collection (a list, or e.g. a Ref to a list parameter)."""
    expanded = dict(document)
    for section in _SECTIONS:
        if isinstance(document.get(section), dict):
            expanded[section] = _expand(document[section], collection_of)
    return expanded


def _expand(node: Any, collection_of: Callable[[Any], Any]) -> Any:
    if isinstance(node, list):
        return [_expand(item, collection_of) for item in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if not (isinstance(key, str) and key.startswith(_FOR_EACH)):
            result[key] = _expand(value, collection_of)
            continue
        for new_key, new_value in _loop(key, value, collection_of).items():
            if new_key in result:
                raise TemplateError(f"Transform {LANGUAGE_EXTENSIONS} failed with: {key} "
                                    f"makes {new_key}, which is already defined")
            result[new_key] = new_value
    return result


def _loop(name: str, args: Any, collection_of: Callable[[Any], Any]) -> dict[str, Any]:
    if not (isinstance(args, list) and len(args) == 3 and isinstance(args[0], str)
            and _IDENTIFIER.fullmatch(args[0]) and isinstance(args[2], dict)):
        raise TemplateError(f"Transform {LANGUAGE_EXTENSIONS} failed with: {name} must be a "
                            "list of an identifier, a collection and an output mapping")
    identifier, collection, body = args
    items = collection_of(collection)
    if not isinstance(items, list):
        raise TemplateError(f"Transform {LANGUAGE_EXTENSIONS} failed with: the collection of "
                            f"{name} must resolve to a list of strings")
    out: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, str):
            raise TemplateError(f"Transform {LANGUAGE_EXTENSIONS} failed with: the collection "
                                f"of {name} must resolve to a list of strings")
        # Inner loops see this one's item, then expand themselves.
        copy = _substitute(body, identifier, item)
        for key, value in _expand(copy, collection_of).items():
            if key in out:
                raise TemplateError(f"Transform {LANGUAGE_EXTENSIONS} failed with: {name} "
                                    f"makes {key} more than once")
            out[key] = value
    return out


def _substitute(node: Any, identifier: str, item: str) -> Any:
    if isinstance(node, str):
        plain = re.sub(r"[^A-Za-z0-9]", "", item)
        return node.replace("${" + identifier + "}", item).replace("&{" + identifier + "}", plain)
    if isinstance(node, list):
        return [_substitute(v, identifier, item) for v in node]
    if isinstance(node, dict):
        if node == {"Ref": identifier}:
            return item
        return _static_names({_substitute(k, identifier, item): _substitute(v, identifier, item)
                              for k, v in node.items()})
    return node


def _static_names(node: dict[str, Any]) -> dict[str, Any]:
    """A loop names resources as `Ref: !Sub Topic${Name}` or `GetAtt: [!Sub ..., Attr]`;
    once the item is in, such a Sub is a plain name, which Ref and GetAtt require."""
    def plain(value: Any) -> Any:
        text = value.get("Fn::Sub") if isinstance(value, dict) and len(value) == 1 else None
        return text if isinstance(text, str) and "${" not in text else value
    if set(node) == {"Ref"}:
        return {"Ref": plain(node["Ref"])}
    if set(node) == {"Fn::GetAtt"} and isinstance(node["Fn::GetAtt"], list):
        return {"Fn::GetAtt": [plain(v) for v in node["Fn::GetAtt"]]}
    return node
