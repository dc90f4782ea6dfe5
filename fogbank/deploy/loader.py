"""load_template: file → parsed → parameters → SAM expansion → conditions → checked graph."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Mapping

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.graph import dependency_order
from fogbank.deploy.includes import include_snippets
from fogbank.deploy.language_extensions import LANGUAGE_EXTENSIONS, expand_loops
from fogbank.deploy.intrinsics import Scope, condition_value, evaluate
from fogbank.deploy.naming import stack_id_for, stack_name_for, url_suffix_for
from fogbank.deploy.parameters import resolve_parameters
from fogbank.deploy.references import collect
from fogbank.deploy.sam import SAM_TRANSFORM, expand_sam, transforms_of
from fogbank.deploy.template import Template
from fogbank.deploy.template_checks import (check_find_in_map, check_mappings,
                                            check_outputs_have_no_nulls,
                                            check_resource_attributes)
from fogbank.deploy.yaml_loader import parse_template
from fogbank.file_stamps import tree_stamp
from fogbank.types import partition_for

TEMPLATE_NAMES = ("template.yaml", "template.yml", "template.json")
_KNOWN_TRANSFORMS = (SAM_TRANSFORM, LANGUAGE_EXTENSIONS)
_STACK_NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]{0,127}")
_PYTHON_BUILD = re.compile(r"python3\.\d+")


def find_template(path: Path) -> Path:
    if path.is_dir():
        for name in TEMPLATE_NAMES:
            if (path / name).is_file():
                return path / name
        raise TemplateError(f"No template found in {path} (looked for {', '.join(TEMPLATE_NAMES)})")
    if not path.is_file():
        raise TemplateError(f"Template file not found: {path}")
    return path


def load_template(path: Path, *, parameter_overrides: Mapping[str, str], region: str,
                  account_id: str, stack_name: str | None = None) -> Template:
    file = find_template(Path(path)).resolve()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise TemplateError(f"Cannot read template {file}: {e}") from None
    document = include_snippets(parse_template(text, file.name), file.parent)
    looped = LANGUAGE_EXTENSIONS in transforms_of(document)
    if not looped:
        _check_top_level(document)      # else once the loops, which need parameters, are expanded
    parameters, warnings = resolve_parameters(document.get("Parameters") or {}, parameter_overrides)
    stack = stack_name or stack_name_for(file.parent.name)
    if not _STACK_NAME.fullmatch(stack):
        raise TemplateError(f"1 validation error detected: Value '{stack}' at 'stackName' failed "
                            "to satisfy constraint: Member must satisfy regular expression "
                            "pattern: [a-zA-Z][-a-zA-Z0-9]*")
    pseudo = _pseudo_parameters(stack, region, account_id)
    unknown = [t for t in transforms_of(document) if t not in _KNOWN_TRANSFORMS]
    if unknown:
        raise TemplateError(f"Transform {', '.join(map(str, unknown))} is not supported")
    if looped:
        document = _expand_loops(document, {**parameters, **pseudo}, region, warnings)
        _check_top_level(document)
    if SAM_TRANSFORM in transforms_of(document):
        document = expand_sam(document, file.parent, {**parameters, **pseudo}, region)
    _mark_layer_contents(document["Resources"], file.parent)
    mappings = document.get("Mappings") or {}
    scope = Scope(values={**parameters, **pseudo}, mappings=mappings, condition=lambda n: False,
                  resources=None, region=region, warn=warnings.append)
    conditions = _evaluate_conditions(document.get("Conditions") or {}, scope)
    resources = _included_resources(document["Resources"], conditions)
    depends_on = _dependencies(resources, document["Resources"], {**parameters, **pseudo}, conditions)
    outputs = _included_outputs(document.get("Outputs") or {}, resources, document["Resources"],
                                {**parameters, **pseudo}, conditions)
    return Template(
        path=file, directory=file.parent, stack_name=stack, stack_id=pseudo["AWS::StackId"],
        region=region, account_id=account_id, parameters=parameters, pseudo=pseudo,
        mappings=mappings, conditions=conditions, resources=resources,
        depends_on={lid: frozenset(deps) for lid, deps in depends_on.items()},
        order=tuple(dependency_order(depends_on)), outputs=outputs, warnings=tuple(warnings),
        source=text)


def _check_top_level(document: Mapping[str, Any]) -> None:
    resources = document.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise TemplateError("Template format error: At least one Resources member must be defined.")
    for lid, res in resources.items():
        if not isinstance(res, dict) or not isinstance(res.get("Type"), str):
            raise TemplateError(f"Template format error: [/Resources/{lid}] Every Resources "
                                "object must contain a Type member.")
        if not isinstance(res.get("Properties", {}), dict):
            raise TemplateError(f"Template format error: [/Resources/{lid}/Properties] "
                                "Properties must be a mapping")
    for section in ("Mappings", "Conditions", "Outputs"):
        if not isinstance(document.get(section) or {}, dict):
            raise TemplateError(f"Template format error: {section} must be a mapping")
    check_resource_attributes(resources)
    check_mappings(document.get("Mappings"))
    check_outputs_have_no_nulls(document.get("Outputs"))
    check_find_in_map(document, extended=LANGUAGE_EXTENSIONS in transforms_of(document))


def _expand_loops(document: dict[str, Any], values: Mapping[str, Any], region: str,
                  warnings: list[str]) -> dict[str, Any]:
    def no_conditions(name: str) -> bool:
        raise TemplateError(f"Transform {LANGUAGE_EXTENSIONS} failed with: a loop's collection "
                            f"cannot use conditions (it names {name})")
    mappings = document.get("Mappings") if isinstance(document.get("Mappings"), dict) else {}
    scope = Scope(values=values, mappings=mappings or {}, condition=no_conditions,
                  resources=None, region=region, warn=warnings.append)
    return expand_loops(document, lambda collection: evaluate(collection, scope))


def _mark_layer_contents(resources: Mapping[str, Any], directory: Path) -> None:
    """A layer with a local Content: the Content names the directory and what it holds
    (`Fingerprint`, its files' stamp), so that changed files make the layer's properties change and the next
    deploy publishes its next version (and updates the functions that use it), as `sam sync`
    does. One whose Metadata names a python BuildMethod is built as `sam build` would
    build it (providers/layers.py)."""
    for res in resources.values():
        props = res.get("Properties")
        if res["Type"] != "AWS::Lambda::LayerVersion" or not isinstance(props, dict) \
                or not isinstance(props.get("Content"), str):
            continue
        content = {"LocalPath": props["Content"],
                   "Fingerprint": tree_stamp(directory / props["Content"])}
        metadata = res.get("Metadata")
        method = metadata.get("BuildMethod") if isinstance(metadata, dict) else None
        if isinstance(method, str) and _PYTHON_BUILD.fullmatch(method):
            content["BuildMethod"] = method
        props["Content"] = content


def _pseudo_parameters(stack: str, region: str, account_id: str) -> dict[str, Any]:
    return {
        "AWS::Region": region, "AWS::AccountId": account_id, "AWS::StackName": stack,
        "AWS::StackId": stack_id_for(stack, region, account_id),
        "AWS::Partition": partition_for(region), "AWS::URLSuffix": url_suffix_for(region),
        "AWS::NotificationARNs": [],
    }


def _evaluate_conditions(raw: Mapping[str, Any], base: Scope) -> dict[str, bool]:
    values: dict[str, bool] = {}
    evaluating: list[str] = []

    def condition(name: Any) -> bool:
        if isinstance(name, str) and name in values:
            return values[name]
        if not isinstance(name, str) or name not in raw:
            raise TemplateError(f"Template format error: Unresolved condition dependencies "
                                f"[{name}] in the Conditions block of the template")
        if name in evaluating:
            raise TemplateError(f"Template error: circular condition dependency between "
                                f"[{', '.join(evaluating)}]")
        evaluating.append(name)
        values[name] = condition_value(raw[name], scope)
        evaluating.pop()
        return values[name]

    scope = Scope(values=base.values, mappings=base.mappings, condition=condition,
                  resources=None, region=base.region, warn=base.warn)
    for name in raw:
        condition(name)
    return values


def _included_resources(raw: Mapping[str, Any], conditions: Mapping[str, bool]
                        ) -> dict[str, Mapping[str, Any]]:
    included = {}
    for lid, res in raw.items():
        name = res.get("Condition")
        if name is not None and name not in conditions:
            raise TemplateError(f"Template format error: Unresolved condition dependencies "
                                f"[{name}] in the Resources block of the template")
        if name is None or conditions[name]:
            included[lid] = res
    return included


def _condition_lookup(conditions: Mapping[str, bool], block: str) -> Callable[[str], bool]:
    def condition(name: Any) -> bool:
        if not isinstance(name, str) or name not in conditions:
            raise TemplateError(f"Template format error: Unresolved condition dependencies "
                                f"[{name}] in the {block} block of the template")
        return conditions[name]
    return condition


def _referenced_resources(node: Any, resources: Mapping[str, Any], defined: Mapping[str, Any],
                          values: Mapping[str, Any], conditions: Mapping[str, bool],
                          block: str) -> set[str]:
    found = collect(node, _condition_lookup(conditions, block))
    for name in sorted(found.get_atts - set(resources) - set(defined)):
        raise TemplateError(f"Template error: instance of Fn::GetAtt references undefined resource {name}")
    # Defined resources whose Condition is false are as unresolved as unknown names.
    # `AWS::NoValue` is no parameter, but Ref may name it anywhere (intrinsics.NO_VALUE).
    missing = sorted((found.refs | found.sub_atts | found.get_atts) - set(values) - set(resources)
                     - {"AWS::NoValue"})
    if missing:
        # CloudFormation words the Outputs case without the "Template format error" prefix.
        prefix = "" if block == "Outputs" else "Template format error: "
        raise TemplateError(f"{prefix}Unresolved resource dependencies "
                            f"[{', '.join(missing)}] in the {block} block of the template")
    return (found.refs | found.sub_atts | found.get_atts) & set(resources)


def _dependencies(resources: Mapping[str, Mapping[str, Any]], defined: Mapping[str, Any],
                  values: Mapping[str, Any], conditions: Mapping[str, bool]) -> dict[str, set[str]]:
    depends_on: dict[str, set[str]] = {}
    for lid, res in resources.items():
        deps = _referenced_resources(res.get("Properties") or {}, resources, defined, values,
                                     conditions, "Resources")
        explicit = res.get("DependsOn") or []
        for name in [explicit] if isinstance(explicit, str) else explicit:
            if name not in resources:
                raise TemplateError(f"Template format error: Unresolved resource dependencies "
                                    f"[{name}] in the Resources block of the template")
            deps.add(name)
        depends_on[lid] = deps     # a resource naming itself is a cycle of one
    return depends_on


def _included_outputs(raw: Mapping[str, Any], resources: Mapping[str, Any],
                      defined: Mapping[str, Any], values: Mapping[str, Any], conditions: Mapping[str, bool]
                      ) -> dict[str, Mapping[str, Any]]:
    outputs = {}
    for name, output in raw.items():
        if not isinstance(output, dict) or "Value" not in output:
            raise TemplateError("Template format error: Every Outputs member must contain a "
                                "Value object")
        condition = output.get("Condition")
        if condition is not None and not _condition_lookup(conditions, "Outputs")(condition):
            continue
        _referenced_resources(output["Value"], resources, defined, values, conditions, "Outputs")
        outputs[name] = output
    return outputs
