"""Loading templates: parameters, conditions, references, ordering and template errors."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from fogbank.deploy import Template, TemplateError, load_template

REGION, ACCOUNT = "us-east-1", "123456789012"    # what the conftest `load` fixture uses

Load = Callable[..., Template]

CONDITIONAL = """
Parameters:
  Env:
    Type: String
    Default: dev
    AllowedValues: [dev, prod]
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
Resources:
  Alerts:
    Type: AWS::SNS::Topic
    Condition: IsProd
  Events:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !If [IsProd, !GetAtt Alerts.TopicName, events-dev]
Outputs:
  AlertsArn:
    Condition: IsProd
    Value: !Ref Alerts
  EventsArn:
    Value: !Ref Events
"""


def test_false_condition_skips_resources_and_outputs(load: Load) -> None:
    tpl = load(CONDITIONAL)
    assert tpl.conditions == {"IsProd": False, "IsDev": True}
    assert list(tpl.resources) == ["Events"]
    assert list(tpl.outputs) == ["EventsArn"]


def test_true_condition_keeps_them_and_orders_by_dependency(load: Load) -> None:
    tpl = load(CONDITIONAL, Env="prod")
    assert tpl.order == ("Alerts", "Events")
    assert tpl.depends_on["Events"] == {"Alerts"}
    assert list(tpl.outputs) == ["AlertsArn", "EventsArn"]


def test_dependency_order_follows_refs_subs_and_depends_on(load: Load) -> None:
    tpl = load("""
        Resources:
          C:
            Type: AWS::SNS::Topic
            Properties: {TopicName: !Sub "${B}-${A.TopicName}"}
          B:
            Type: AWS::SNS::Topic
            DependsOn: A
          A:
            Type: AWS::SNS::Topic
        """)
    assert tpl.order == ("A", "B", "C")


def test_pseudo_parameters(load: Load) -> None:
    tpl = load("Resources:\n  A:\n    Type: AWS::SNS::Topic\n")
    assert tpl.stack_name == "my-app"     # the directory my_app, sanitised
    assert tpl.pseudo["AWS::Region"] == REGION
    assert tpl.pseudo["AWS::AccountId"] == ACCOUNT
    assert tpl.pseudo["AWS::Partition"] == "aws"
    assert tpl.pseudo["AWS::URLSuffix"] == "amazonaws.com"
    assert tpl.stack_id.startswith(f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/my-app/")
    assert load("Resources:\n  A:\n    Type: AWS::SNS::Topic\n").stack_id == tpl.stack_id


def test_template_path_may_be_the_directory_and_stack_name_given(write, app_dir: Path) -> None:
    write("Resources:\n  A:\n    Type: AWS::SNS::Topic\n")
    tpl = load_template(app_dir, parameter_overrides={}, region=REGION, account_id=ACCOUNT,
                        stack_name="shop")
    assert tpl.stack_name == "shop"
    assert tpl.path == app_dir / "template.yaml"


def test_json_template_file(write, app_dir: Path) -> None:
    path = write('{"Resources": {"A": {"Type": "AWS::SNS::Topic"}}}', name="template.json")
    tpl = load_template(path, parameter_overrides={}, region=REGION, account_id=ACCOUNT)
    assert list(tpl.resources) == ["A"]


def test_missing_template_file(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="No template found"):
        load_template(tmp_path, parameter_overrides={}, region=REGION, account_id=ACCOUNT)


def test_bad_yaml_gives_the_line(load: Load) -> None:
    with pytest.raises(TemplateError, match=r"YAML not well-formed. \(line 4"):
        load("Resources:\n  A:\n    Type: AWS::SNS::Topic\n  - oops\n")


def test_missing_parameter_is_named(load: Load) -> None:
    with pytest.raises(TemplateError, match=r"Parameters: \[Env\] must have values"):
        load("Parameters:\n  Env: {Type: String}\nResources:\n  A: {Type: AWS::SNS::Topic}\n")


def test_no_resources(load: Load) -> None:
    with pytest.raises(TemplateError, match="At least one Resources member must be defined"):
        load("Resources: {}\n")


def test_resource_without_type(load: Load) -> None:
    with pytest.raises(TemplateError, match=r"\[/Resources/A\] Every Resources object must contain a Type"):
        load("Resources:\n  A:\n    Properties: {}\n")


def test_unknown_ref(load: Load) -> None:
    with pytest.raises(TemplateError) as info:
        load("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !Ref Nope}\n")
    assert info.value.message == ("Template format error: Unresolved resource dependencies [Nope] "
                                  "in the Resources block of the template")
    assert info.value.code == "ValidationError"


def test_ref_to_no_value_is_no_unresolved_dependency(load: Load) -> None:
    # Whether chosen by Fn::If (the usual spelling) or written bare, it names no resource.
    for env in ("prod", "dev"):
        tpl = load("""
            Parameters:
              Env: {Type: String, Default: dev}
            Conditions:
              IsProd: !Equals [!Ref Env, prod]
            Resources:
              Queue:
                Type: AWS::SNS::Topic
                Properties:
                  TopicName: !If [IsProd, !Ref AWS::NoValue, events]
                  DisplayName: !Ref AWS::NoValue
            Outputs:
              Name:
                Value: !If [IsProd, !Ref AWS::NoValue, none]
            """, Env=env)
        assert tpl.depends_on["Queue"] == frozenset()


def test_ref_to_a_resource_whose_condition_is_false(load: Load) -> None:
    with pytest.raises(TemplateError, match=r"Unresolved resource dependencies \[Alerts\]"):
        load(CONDITIONAL.replace("!If [IsProd, !GetAtt Alerts.TopicName, events-dev]",
                                 "!GetAtt Alerts.TopicName"))


def test_unknown_get_att_resource(load: Load) -> None:
    with pytest.raises(TemplateError, match="instance of Fn::GetAtt references undefined resource Nope"):
        load("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !GetAtt Nope.Arn}\n")


def test_unknown_sub_variable(load: Load) -> None:
    with pytest.raises(TemplateError, match=r"Unresolved resource dependencies \[Nope\]"):
        load("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !Sub 'x-${Nope}'}\n")


def test_bad_sub_variable_name(load: Load) -> None:
    with pytest.raises(TemplateError, match="variable names in Fn::Sub syntax must contain only"):
        load("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !Sub 'x-${a b}'}\n")


def test_unknown_depends_on(load: Load) -> None:
    with pytest.raises(TemplateError, match=r"Unresolved resource dependencies \[Ghost\]"):
        load("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    DependsOn: Ghost\n")


def test_unknown_ref_in_outputs(load: Load) -> None:
    with pytest.raises(TemplateError, match=r"\[Ghost\] in the Outputs block"):
        load("Resources:\n  A: {Type: AWS::SNS::Topic}\nOutputs:\n  O: {Value: !Ref Ghost}\n")


def test_unknown_condition(load: Load) -> None:
    with pytest.raises(TemplateError, match=r"Unresolved condition dependencies \[Nope\]"):
        load("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Condition: Nope\n")


def test_cycle_names_the_resources(load: Load) -> None:
    with pytest.raises(TemplateError) as info:
        load("""
            Resources:
              A:
                Type: AWS::SNS::Topic
                Properties: {TopicName: !GetAtt B.TopicName}
              B:
                Type: AWS::SNS::Topic
                Properties: {TopicName: !Ref C}
              C:
                Type: AWS::SNS::Topic
                DependsOn: A
              D:
                Type: AWS::SNS::Topic
            """)
    assert info.value.message == "Circular dependency between resources: [A, B, C]"


def test_unsupported_transform(load: Load) -> None:
    with pytest.raises(TemplateError, match="Transform AWS::Include is not supported"):
        load("Transform: AWS::Include\nResources:\n  A: {Type: AWS::SNS::Topic}\n")


def test_conditions_cannot_name_resources(load: Load) -> None:
    with pytest.raises(TemplateError, match="Cannot reference resources in the Conditions block"):
        load("Conditions:\n  C: !Equals [!Ref A, x]\nResources:\n  A: {Type: AWS::SNS::Topic}\n")


def test_if_needs_a_condition_name(load: Load) -> None:
    with pytest.raises(TemplateError, match="Unresolved condition dependencies"):
        load("Resources:\n  A:\n    Type: AWS::SNS::Topic\n"
             "    Properties: {TopicName: !If [[not, a, name], a, b]}\n")


def test_resource_and_output_values_may_not_be_malformed(load: Load) -> None:
    with pytest.raises(TemplateError, match=r"\[/Resources/A/Properties\] Properties must be a mapping"):
        load("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties: [1]\n")
    with pytest.raises(TemplateError, match="Every Outputs member must contain a Value"):
        load("Resources:\n  A: {Type: AWS::SNS::Topic}\nOutputs:\n  O: {Description: x}\n")


def test_given_stack_name_must_be_valid(write, app_dir: Path) -> None:
    write("Resources:\n  A:\n    Type: AWS::SNS::Topic\n")
    with pytest.raises(TemplateError, match="Value 'my_shop' at 'stackName' failed to satisfy"):
        load_template(app_dir, parameter_overrides={}, region=REGION, account_id=ACCOUNT,
                      stack_name="my_shop")


def test_output_naming_a_resource_its_condition_leaves_out(load: Load) -> None:
    # As CloudFormation words it (recorded against AWS): no "Template format error:" prefix
    # for the Outputs block, unlike the Resources block.
    text = """
        Parameters:
          Option: {Type: String, AllowedValues: [option-a, option-b]}
        Conditions:
          ShouldCreateTopic: !Equals [!Ref Option, option-a]
        Resources:
          MyTopic: {Type: AWS::SNS::Topic, Condition: ShouldCreateTopic}
          Other: {Type: AWS::SNS::Topic, Properties: {TopicName: x}}
        Outputs:
          TopicRef: {Value: !Ref MyTopic}
        """
    with pytest.raises(TemplateError) as caught:
        load(text, Option="option-b")
    assert caught.value.message == ("Unresolved resource dependencies [MyTopic] in the Outputs "
                                    "block of the template")
    in_resources = text.replace("{TopicName: x}", "{TopicName: !GetAtt MyTopic.TopicName}")
    with pytest.raises(TemplateError) as caught:
        load(in_resources, Option="option-b")
    assert caught.value.message == ("Template format error: Unresolved resource dependencies "
                                    "[MyTopic] in the Resources block of the template")


def test_equals_needs_two_arguments(load: Load) -> None:
    text = json.dumps({"Conditions": {"ShouldDeploy": {"Fn::Equals": ["a"]}},
                       "Resources": {"Topic1": {"Type": "AWS::SNS::Topic"}}})
    with pytest.raises(TemplateError) as caught:
        load(text)
    assert caught.value.message == ("Template error: every Fn::Equals object requires a list of "
                                    "2 string parameters.")
