"""Checks CloudFormation makes of a template's shape before it evaluates anything.

They run on the whole template, so a mistake is reported even in a branch or a resource
that conditions leave out, and with CloudFormation's own wording (recorded against AWS).
"""
from __future__ import annotations

from typing import Any, Callable, Collection, Mapping

from fogbank.deploy.errors import TemplateError, UnknownAttribute
from fogbank.deploy.intrinsics import FIND_IN_MAP_ARGUMENTS, get_att_target, get_atts
from fogbank.deploy.template import Template

# The keys a resource may have beside Type and Properties (its attributes); `Version` is
# a custom resource's. `Description` is let through too: it is harmless, and refusing a
# template CloudFormation might take is worse than taking one it might refuse.
_RESOURCE_KEYS = frozenset({
    "Type", "Properties", "Condition", "DependsOn", "Metadata", "DeletionPolicy",
    "UpdateReplacePolicy", "UpdatePolicy", "CreationPolicy", "Version", "Description",
})


def check_outputs_have_no_nulls(outputs: Any) -> None:
    """An output's `Value: null` (or an empty YAML key) names its place in the template."""
    def walk(node: Any, path: str) -> None:
        if node is None:
            raise TemplateError(f"[{path}] 'null' values are not allowed in templates")
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}/{index}")
    if isinstance(outputs, dict):
        walk(outputs, "/Outputs")


def check_mappings(mappings: Any) -> None:
    """Mappings are two levels of literal keys over strings or lists: no intrinsic
    functions, no third level."""
    if not isinstance(mappings, dict):
        return
    for name, mapping in mappings.items():
        if not isinstance(mapping, dict):
            raise TemplateError(f"Template format error: Every Mappings member {name} must be a map")
        for key, attributes in mapping.items():
            if not isinstance(attributes, dict):
                raise TemplateError(f"Template format error: Every Mappings member {key} "
                                    "must be a map")
            for value in attributes.values():
                if isinstance(value, dict):
                    raise TemplateError("Template format error: Every Mappings attribute must "
                                        "be a String or a List.")


def check_resource_attributes(resources: Mapping[str, Any]) -> None:
    """A resource holds only its type, properties and resource attributes. SAM's own
    resource types have more, which the SAM transform consumes."""
    for res in resources.values():
        if not isinstance(res, dict) or str(res.get("Type", "")).startswith("AWS::Serverless::"):
            continue
        for key in res:
            if key not in _RESOURCE_KEYS:
                raise TemplateError(f"Invalid template resource property '{key}'")


def check_find_in_map(document: Mapping[str, Any], *, extended: bool) -> None:
    """Plain Fn::FindInMap takes exactly three arguments, each a literal, a Ref or another
    Fn::FindInMap. AWS::LanguageExtensions (`extended`) allows any intrinsic function and
    a fourth argument, `{DefaultValue: ...}`; without it such a template is refused."""
    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if len(node) == 1 and "Fn::FindInMap" in node:
                _check_args(node["Fn::FindInMap"], extended)
            for value in node.values():
                walk(value)
    for section in ("Conditions", "Resources", "Outputs"):
        walk(document.get(section))


def _check_args(args: Any, extended: bool) -> None:
    # With the transform the evaluator checks the arguments once they are resolved.
    if not extended and not (isinstance(args, list) and len(args) == 3
                             and all(map(_plain_key, args))):
        raise TemplateError(FIND_IN_MAP_ARGUMENTS)


def _plain_key(arg: Any) -> bool:
    if isinstance(arg, (str, int, float)):
        return True
    return isinstance(arg, dict) and len(arg) == 1 and ("Ref" in arg or "Fn::FindInMap" in arg)


def check_get_att_attributes(tpl: Template,
                             attributes_of: Callable[[str], Collection[str] | None]) -> None:
    """Every Fn::GetAtt that the deployment evaluates names an attribute of its resource's
    type, checked before any resource is deployed: CloudFormation refuses such a template
    (the stack rolls back) before it creates a resource (recorded against AWS: LocalStack's
    test_invalid_getatt_fails snapshot has no resource event). `attributes_of(logical_id)`
    gives the attributes of the resource's type, or None when they are only known once it
    is deployed (a custom resource's Data); those are checked as they are resolved."""
    scope = tpl.scope(None, lambda _: None)
    values = [(["Resources", lid, "Properties"], tpl.properties(lid)) for lid in tpl.order]
    values += [(["Outputs", name, "Value"], output.get("Value"))
               for name, output in tpl.outputs.items()]
    for where, value in values:
        for path, args in get_atts(value, scope):
            target = get_att_target(args, scope)
            if target is None or target[0] not in tpl.resources:
                continue            # refused as evaluation reaches it, with its own error
            logical_id, attribute = target
            known = attributes_of(logical_id)
            if known is not None and attribute not in known:
                raise UnknownAttribute(logical_id, tpl.type_of(logical_id), attribute).at(
                    [*where, *path])
