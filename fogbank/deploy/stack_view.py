"""The deployed stack as CloudFormation's reads describe it (DescribeStacks, the stack's
resources, its outputs and exports, its template): a snapshot, built on request from the
template last applied and the recorded state.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from fogbank.deploy.intrinsics import Scope, as_text, evaluate
from fogbank.deploy.state import StackState
from fogbank.deploy.template import Template
from fogbank.deploy.yaml_loader import parse_template
from fogbank.types import AwsError

# What CloudFormation shows for the value of a NoEcho parameter.
MASKED = "****"


@dataclass(frozen=True)
class StackOutput:
    key: str
    value: str
    description: str | None = None
    export_name: str | None = None


@dataclass(frozen=True)
class StackResource:
    logical_id: str
    resource_type: str
    physical_id: str
    created: float                   # epoch seconds
    updated: float                   # of its last update; 0: never updated

    @property
    def changed(self) -> float:
        return self.updated or self.created


@dataclass(frozen=True)
class StackView:
    name: str
    stack_id: str
    description: str | None
    created: float                   # epoch seconds
    updated: float                   # of the last deployment that changed it; 0: none since
    parameters: tuple[tuple[str, str], ...]   # (key, value as shown)
    outputs: tuple[StackOutput, ...]
    resources: tuple[StackResource, ...]      # in deployment order
    template_body: str


def stack_view(tpl: Template, state: StackState, scope: Scope) -> StackView:
    """`scope` resolves Ref and Fn::GetAtt against the deployed resources, for the outputs'
    descriptions and export names."""
    document = _document(tpl)
    declared = document.get("Parameters") if isinstance(document.get("Parameters"), dict) else {}
    parameters = tuple((name, _parameter_text(value, declared.get(name)))
                       for name, value in tpl.parameters.items())
    outputs = tuple(
        StackOutput(key, state.outputs[key], _text(output.get("Description"), scope),
                    _text(_export_name(output), scope))
        for key, output in tpl.outputs.items() if key in state.outputs)
    resources = tuple(StackResource(lid, record.type, record.physical_id,
                                    record.created or state.created, record.updated)
                      for lid, record in state.resources.items())
    description = document.get("Description")
    return StackView(tpl.stack_name, tpl.stack_id,
                     description if isinstance(description, str) else None,
                     state.created, state.updated, parameters, outputs, resources, tpl.source)


def _document(tpl: Template) -> Mapping[str, Any]:
    """The template as written (before SAM expansion), for what expansion drops."""
    try:
        document = parse_template(tpl.source, tpl.path.name) if tpl.source else {}
    except AwsError:          # it parsed when it was applied; a view never fails on it
        return {}
    return document if isinstance(document, dict) else {}


def _parameter_text(value: Any, declaration: Any) -> str:
    if isinstance(declaration, dict) and str(declaration.get("NoEcho", "")).lower() == "true":
        return MASKED
    return ",".join(value) if isinstance(value, list) else str(value)


def _export_name(output: Mapping[str, Any]) -> Any:
    export = output.get("Export")
    return export.get("Name") if isinstance(export, dict) else None


def _text(node: Any, scope: Scope) -> str | None:
    if node is None:
        return None
    try:
        return as_text(evaluate(node, scope), "Output")
    except AwsError:          # a reference to a resource that is gone or was skipped
        return None
