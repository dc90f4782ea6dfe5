"""Template Parameters: defaults, overrides, types and constraints, as CloudFormation checks them."""
from __future__ import annotations

import re
from typing import Any, Mapping

from fogbank.deploy.errors import TemplateError


def resolve_parameters(declared: Mapping[str, Any], overrides: Mapping[str, str]
                       ) -> tuple[dict[str, Any], list[str]]:
    """Values for each declared parameter (str, or list[str] for list types) and warnings."""
    if not isinstance(declared, dict):
        raise TemplateError("Template format error: Parameters must be a mapping")
    warnings = [f"Parameter override {name} is not declared in the template — ignored"
                for name in overrides if name not in declared]
    missing = [name for name, decl in declared.items()
               if name not in overrides and not (isinstance(decl, dict) and "Default" in decl)]
    if missing:
        raise TemplateError(f"Parameters: [{', '.join(missing)}] must have values")
    values: dict[str, Any] = {}
    for name, decl in declared.items():
        if not isinstance(decl, dict) or "Type" not in decl:
            raise TemplateError(f"Template format error: Every Parameters object must contain "
                                f"a Type member (parameter {name})")
        raw = overrides[name] if name in overrides else decl["Default"]
        values[name] = _typed_value(name, decl, raw, warnings)
    return values, warnings


def _typed_value(name: str, decl: Mapping[str, Any], raw: Any, warnings: list[str]) -> Any:
    kind = str(decl["Type"])
    if isinstance(raw, list):
        raw = ",".join(_text(v) for v in raw)
    text = _text(raw)
    if kind.startswith("AWS::SSM::Parameter::Value<"):
        warnings.append(f"Parameter {name}: SSM parameter types are not looked up locally; "
                        f"using the value {text!r} as given")
    if kind in ("CommaDelimitedList", "List<Number>") or kind.startswith("List<"):
        # CloudFormation trims the spaces around each member of a list parameter.
        items = [item.strip() for item in text.split(",")] if text else []
        for item in items:
            _check(name, decl, item, number=(kind == "List<Number>"))
        return items
    _check(name, decl, text, number=(kind == "Number"))
    return text


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _check(name: str, decl: Mapping[str, Any], value: str, *, number: bool) -> None:
    def fail(problem: str) -> TemplateError:
        hint = decl.get("ConstraintDescription")
        if hint:
            return TemplateError(f"Parameter '{name}' failed to satisfy constraint: {hint}")
        return TemplateError(f"Parameter '{name}' {problem}")

    allowed = decl.get("AllowedValues")
    if allowed is not None and value not in [_text(v) for v in allowed]:
        raise fail("must be one of AllowedValues")
    if number:
        try:
            as_number = float(value)
        except ValueError:
            raise TemplateError(f"Parameter '{name}' must be a number") from None
        if "MinValue" in decl and as_number < float(decl["MinValue"]):
            raise fail(f"must be a number not less than {decl['MinValue']}")
        if "MaxValue" in decl and as_number > float(decl["MaxValue"]):
            raise fail(f"must be a number not greater than {decl['MaxValue']}")
        return
    pattern = decl.get("AllowedPattern")
    if pattern is not None and not re.fullmatch(str(pattern), value):
        raise fail(f"must match pattern {pattern}")
    if "MinLength" in decl and len(value) < int(decl["MinLength"]):
        raise fail(f"must contain at least {decl['MinLength']} characters")
    if "MaxLength" in decl and len(value) > int(decl["MaxLength"]):
        raise fail(f"must contain at most {decl['MaxLength']} characters")
