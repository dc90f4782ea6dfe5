"""Parameters: defaults, overrides, types and constraints."""
from __future__ import annotations

import pytest

from fogbank.deploy import TemplateError
from fogbank.deploy.parameters import resolve_parameters


def test_defaults_and_overrides() -> None:
    declared = {"Env": {"Type": "String", "Default": "dev"}, "Size": {"Type": "Number", "Default": 3}}
    values, warnings = resolve_parameters(declared, {"Env": "prod"})
    assert values == {"Env": "prod", "Size": "3"}
    assert warnings == []


def test_list_types_are_split_and_trimmed() -> None:
    declared = {"Names": {"Type": "CommaDelimitedList", "Default": "a, b ,c"},
                "Ports": {"Type": "List<Number>"}}
    values, _ = resolve_parameters(declared, {"Ports": "80,443"})
    assert values == {"Names": ["a", "b", "c"], "Ports": ["80", "443"]}


def test_missing_value_names_the_parameter() -> None:
    with pytest.raises(TemplateError, match=r"Parameters: \[TableName\] must have values"):
        resolve_parameters({"TableName": {"Type": "String"}}, {})


def test_allowed_values() -> None:
    declared = {"Env": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]}}
    with pytest.raises(TemplateError, match="Parameter 'Env' must be one of AllowedValues"):
        resolve_parameters(declared, {"Env": "test"})


def test_number_must_be_a_number() -> None:
    with pytest.raises(TemplateError, match="Parameter 'Size' must be a number"):
        resolve_parameters({"Size": {"Type": "Number"}}, {"Size": "big"})
    with pytest.raises(TemplateError, match="Parameter 'Ports' must be a number"):
        resolve_parameters({"Ports": {"Type": "List<Number>"}}, {"Ports": "80,http"})


def test_number_bounds_and_string_constraints() -> None:
    with pytest.raises(TemplateError, match="not greater than 10"):
        resolve_parameters({"N": {"Type": "Number", "MaxValue": 10}}, {"N": "11"})
    with pytest.raises(TemplateError, match="must match pattern"):
        resolve_parameters({"S": {"Type": "String", "AllowedPattern": "[a-z]+"}}, {"S": "ABC"})
    with pytest.raises(TemplateError, match="at most 3 characters"):
        resolve_parameters({"S": {"Type": "String", "MaxLength": 3}}, {"S": "abcd"})


def test_constraint_description_replaces_the_message() -> None:
    declared = {"S": {"Type": "String", "MinLength": 5, "ConstraintDescription": "five or more"}}
    with pytest.raises(TemplateError, match="failed to satisfy constraint: five or more"):
        resolve_parameters(declared, {"S": "abc"})


def test_unknown_override_is_a_warning() -> None:
    values, warnings = resolve_parameters({"A": {"Type": "String", "Default": "x"}}, {"B": "y"})
    assert values == {"A": "x"}
    assert warnings == ["Parameter override B is not declared in the template — ignored"]


def test_a_parameter_needs_a_type() -> None:
    with pytest.raises(TemplateError, match="Type member"):
        resolve_parameters({"A": {"Default": "x"}}, {})
