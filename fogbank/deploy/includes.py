"""The AWS::Include transform: `Fn::Transform` snippets read from local files.

CloudFormation reads a snippet from S3; `sam deploy` uploads a local `Location` there first.
Fogbank reads the local file in place, relative to the template. Snippets are included
before any other transform, as CloudFormation processes them, so a SAM `DefinitionBody`
may come from one. A snippet standing alone replaces its `Fn::Transform` mapping; one
beside other keys (a few resources among others) is merged into that mapping.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.yaml_loader import parse_template

INCLUDE = "AWS::Include"
_TRANSFORM = "Fn::Transform"
_MAX_DEPTH = 10     # an included file may include others, but not itself for ever


def include_snippets(node: Any, template_dir: Path, depth: int = 0) -> Any:
    """`node` with every AWS::Include transform replaced by its file's content."""
    if isinstance(node, list):
        return [include_snippets(item, template_dir, depth) for item in node]
    if not isinstance(node, dict):
        return node
    transform = node.get(_TRANSFORM)
    if isinstance(transform, dict) and transform.get("Name") == INCLUDE:
        snippet = include_snippets(_read(transform, template_dir, depth), template_dir, depth + 1)
        rest = {k: v for k, v in node.items() if k != _TRANSFORM}
        if not rest:
            return snippet
        return include_snippets({**rest, **snippet}, template_dir, depth)
    return {key: include_snippets(value, template_dir, depth) for key, value in node.items()}


def _read(transform: dict[str, Any], template_dir: Path, depth: int) -> dict[str, Any]:
    parameters = transform.get("Parameters")
    location = parameters.get("Location") if isinstance(parameters, dict) else None
    if not isinstance(location, str) or not location:
        raise TemplateError(f"Transform {INCLUDE} failed with: the Location parameter is "
                            "required and must be a string")
    if depth >= _MAX_DEPTH:
        raise TemplateError(f"Transform {INCLUDE} failed with: snippets nest more than "
                            f"{_MAX_DEPTH} deep (does {location} include itself?)")
    if location.startswith("s3://") or "://" in location:
        raise TemplateError(f"Transform {INCLUDE} failed with: {location} is not a local file; "
                            "Fogbank reads snippets from files beside the template")
    path = template_dir / location
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise TemplateError(f"Transform {INCLUDE} failed with: cannot read {location} "
                            f"(looked for {path.resolve()})") from None
    return parse_template(text, location)
