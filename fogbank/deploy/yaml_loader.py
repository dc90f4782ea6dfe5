"""Read a template file: YAML with CloudFormation's short-form tags (`!Ref`, `!Sub` …) or JSON."""
from __future__ import annotations

import json
from typing import Any

import yaml

from fogbank.deploy.errors import TemplateError


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that knows the intrinsic-function tags and keeps dates as strings."""


# CloudFormation keeps `Version: 2012-10-17` a string; YAML 1.1 would make it a date.
_CfnLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_tag(loader: _CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "Condition":
        return {"Condition": value}
    if suffix == "GetAtt" and isinstance(value, str):
        # `!GetAtt Res.Attr.Sub` names resource `Res` and attribute `Attr.Sub`.
        resource, _, attribute = value.partition(".")
        value = [resource, attribute]
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def parse_template(text: str, source: str) -> dict[str, Any]:
    """Parse template text; JSON when it looks like JSON, else YAML. Errors give the line."""
    if text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as e:
            raise TemplateError(f"Template format error: JSON not well-formed. "
                                f"(line {e.lineno}, column {e.colno}) in {source}") from None
    else:
        try:
            document = yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            where = f"(line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            raise TemplateError(f"Template format error: YAML not well-formed. {where} "
                                f"in {source}: {e.problem or e.context}") from None
        except yaml.YAMLError as e:
            raise TemplateError(f"Template format error: YAML not well-formed in {source}: {e}"
                                ) from None
    if not isinstance(document, dict):
        raise TemplateError("Template format error: the template must be a mapping "
                            f"(a YAML or JSON object) in {source}")
    return document
