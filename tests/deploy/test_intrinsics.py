"""The intrinsic functions one by one, through the evaluator."""
from __future__ import annotations

import base64
from typing import Any

import pytest

from fogbank.deploy import TemplateError
from fogbank.deploy.intrinsics import NO_VALUE, Scope, evaluate


class Deployed:
    """Resources already deployed: Ref gives the physical id, GetAtt the attributes."""

    def ref(self, logical_id: str) -> Any:
        return {"Bucket": "my-bucket", "Queue": "https://queue/url"}[logical_id]

    def get_att(self, logical_id: str, attribute: str) -> Any:
        return {("Bucket", "Arn"): "arn:aws:s3:::my-bucket",
                ("Queue", "QueueName"): "q1",
                ("Db", "Endpoint.Address"): "db.local"}[(logical_id, attribute)]


@pytest.fixture
def scope() -> Scope:
    warnings: list[str] = []
    return Scope(values={"Env": "prod", "Ports": ["80", "443"], "AWS::Region": "eu-west-1",
                         "AWS::AccountId": "123456789012"},
                 mappings={"Sizes": {"prod": {"Memory": 1024}, "dev": {"Memory": 128}}},
                 condition={"IsProd": True, "IsDev": False}.__getitem__,
                 resources=Deployed(), region="eu-west-1", warn=warnings.append)


def test_ref_parameter_pseudo_and_resource(scope: Scope) -> None:
    assert evaluate({"Ref": "Env"}, scope) == "prod"
    assert evaluate({"Ref": "AWS::Region"}, scope) == "eu-west-1"
    assert evaluate({"Ref": "Bucket"}, scope) == "my-bucket"
    assert evaluate({"Ref": "Ports"}, scope) == ["80", "443"]


def test_ref_no_value_removes_the_property_and_list_item(scope: Scope) -> None:
    node = {"A": {"Ref": "AWS::NoValue"}, "B": ["x", {"Ref": "AWS::NoValue"}], "C": 1}
    assert evaluate(node, scope) == {"B": ["x"], "C": 1}
    assert evaluate({"Ref": "AWS::NoValue"}, scope) is NO_VALUE


def test_get_att_both_forms_and_dotted_attribute(scope: Scope) -> None:
    assert evaluate({"Fn::GetAtt": ["Bucket", "Arn"]}, scope) == "arn:aws:s3:::my-bucket"
    assert evaluate({"Fn::GetAtt": "Bucket.Arn"}, scope) == "arn:aws:s3:::my-bucket"
    assert evaluate({"Fn::GetAtt": "Db.Endpoint.Address"}, scope) == "db.local"


def test_get_att_attribute_name_may_be_an_intrinsic(scope: Scope) -> None:
    node = {"Fn::GetAtt": ["Queue", {"Fn::Join": ["", ["Queue", "Name"]]}]}
    assert evaluate(node, scope) == "q1"


def test_sub_string_form(scope: Scope) -> None:
    node = {"Fn::Sub": "arn:aws:s3:::${Bucket}/${Env}/${Bucket.Arn}@${AWS::Region}"}
    assert evaluate(node, scope) == "arn:aws:s3:::my-bucket/prod/arn:aws:s3:::my-bucket@eu-west-1"


def test_sub_list_form_variables_win(scope: Scope) -> None:
    node = {"Fn::Sub": ["${Env}-${Name}", {"Env": "override", "Name": {"Ref": "Bucket"}}]}
    assert evaluate(node, scope) == "override-my-bucket"


def test_sub_literal_escape(scope: Scope) -> None:
    assert evaluate({"Fn::Sub": "echo ${!HOME} ${Env}"}, scope) == "echo ${HOME} prod"


def test_sub_bad_variable_name(scope: Scope) -> None:
    with pytest.raises(TemplateError, match="variable names in Fn::Sub syntax must contain only"):
        evaluate({"Fn::Sub": "${Not Valid}"}, scope)


def test_sub_needs_a_string(scope: Scope) -> None:
    with pytest.raises(TemplateError, match="Fn::Sub intrinsic functions don't specify expected"):
        evaluate({"Fn::Sub": 42}, scope)


def test_join_select_split(scope: Scope) -> None:
    assert evaluate({"Fn::Join": [",", ["a", {"Ref": "Env"}, 3]]}, scope) == "a,prod,3"
    assert evaluate({"Fn::Join": [":", {"Ref": "Ports"}]}, scope) == "80:443"
    assert evaluate({"Fn::Select": ["1", {"Ref": "Ports"}]}, scope) == "443"
    assert evaluate({"Fn::Split": ["/", "a/b/c"]}, scope) == ["a", "b", "c"]
    node = {"Fn::Select": [2, {"Fn::Split": [",", "x,y,z"]}]}
    assert evaluate(node, scope) == "z"


def test_select_out_of_range(scope: Scope) -> None:
    with pytest.raises(TemplateError, match="Fn::Select cannot select nonexistent value at index 5"):
        evaluate({"Fn::Select": [5, ["a"]]}, scope)


def test_join_needs_a_list(scope: Scope) -> None:
    with pytest.raises(TemplateError, match="Fn::Join"):
        evaluate({"Fn::Join": [",", "not-a-list"]}, scope)


def test_if_evaluates_only_the_chosen_branch(scope: Scope) -> None:
    chosen = {"Fn::If": ["IsProd", "big", {"Ref": "DoesNotExist"}]}
    assert evaluate(chosen, scope) == "big"
    other = {"Fn::If": ["IsDev", {"Ref": "DoesNotExist"}, {"Ref": "AWS::NoValue"}]}
    assert evaluate({"P": other}, scope) == {}


def test_condition_functions(scope: Scope) -> None:
    assert evaluate({"Fn::Equals": [{"Ref": "Env"}, "prod"]}, scope) is True
    assert evaluate({"Fn::Equals": ["1", 1]}, scope) is True
    assert evaluate({"Fn::And": [{"Condition": "IsProd"}, {"Fn::Equals": ["a", "a"]}]}, scope) is True
    assert evaluate({"Fn::Or": [{"Condition": "IsDev"}, {"Condition": "IsProd"}]}, scope) is True
    assert evaluate({"Fn::Not": [{"Condition": "IsProd"}]}, scope) is False


def test_and_needs_two_conditions(scope: Scope) -> None:
    with pytest.raises(TemplateError, match="Fn::And"):
        evaluate({"Fn::And": [{"Condition": "IsProd"}]}, scope)


def test_find_in_map(scope: Scope) -> None:
    assert evaluate({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Memory"]}, scope) == 1024


def test_find_in_map_missing_key(scope: Scope) -> None:
    with pytest.raises(TemplateError, match="Unable to get mapping for Sizes::test::Memory"):
        evaluate({"Fn::FindInMap": ["Sizes", "test", "Memory"]}, scope)


def test_get_azs_base64_cidr(scope: Scope) -> None:
    assert evaluate({"Fn::GetAZs": ""}, scope) == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert evaluate({"Fn::GetAZs": "us-east-2"}, scope)[0] == "us-east-2a"
    encoded = evaluate({"Fn::Base64": {"Fn::Sub": "#!/bin/sh ${Env}"}}, scope)
    assert base64.b64decode(encoded) == b"#!/bin/sh prod"
    assert evaluate({"Fn::Cidr": ["10.0.0.0/16", 3, 8]}, scope) == [
        "10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]


def test_import_value_warns_and_gives_a_placeholder(scope: Scope) -> None:
    warnings: list[str] = []
    scope = Scope(scope.values, scope.mappings, scope.condition, scope.resources, scope.region,
                  warnings.append)
    assert evaluate({"Fn::ImportValue": "SharedVpc"}, scope) == "imported-SharedVpc"
    assert "Fn::ImportValue SharedVpc" in warnings[0]


def test_unknown_function_is_an_error(scope: Scope) -> None:
    with pytest.raises(TemplateError, match="unsupported function: Fn::Nope"):
        evaluate({"Fn::Nope": 1}, scope)


def test_resources_cannot_be_named_in_conditions(scope: Scope) -> None:
    conditions = Scope(scope.values, scope.mappings, scope.condition, None, scope.region, scope.warn)
    with pytest.raises(TemplateError, match=r"Unresolved dependencies \[Bucket\]. Cannot reference"):
        evaluate({"Fn::Equals": [{"Ref": "Bucket"}, "x"]}, conditions)
