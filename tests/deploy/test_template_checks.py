"""The template's shape, checked before evaluation, with the messages CloudFormation gave for
the same templates (LocalStack's recordings against AWS: test_mappings, test_validations)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

from fogbank.deploy import Deployer, Template, TemplateError

Load = Callable[..., Template]

TOPIC_FROM_MAP = """
Parameters:
  Selector: {Type: String, Default: A}
Resources:
  MyTopic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Join ["-", [t, !FindInMap [TopicSuffixMap, !Ref Selector, Suffix]]]
Mappings:
  TopicSuffixMap:
"""


def message(load: Load, text: str, **parameters: str) -> str:
    with pytest.raises(TemplateError) as caught:
        load(text, **parameters)
    return caught.value.message


def test_a_mapping_value_may_not_be_an_intrinsic_function(load: Load) -> None:
    # Refused for the template's shape, though the key looked up (C) is missing too.
    text = TOPIC_FROM_MAP + "    A: {Suffix: !Ref Selector}\n    B: {Suffix: suffix-b}\n"
    assert message(load, text, Selector="C") == (
        "Template format error: Every Mappings attribute must be a String or a List.")


def test_a_mapping_has_at_most_two_levels(load: Load) -> None:
    text = TOPIC_FROM_MAP + "    A: {Suffix: {SuffixValue: suffix-a}}\n"
    assert message(load, text) == (
        "Template format error: Every Mappings attribute must be a String or a List.")


def test_a_mapping_has_at_least_two_levels(load: Load) -> None:
    text = TOPIC_FROM_MAP + "    A: suffix-a\n    B: suffix-b\n"
    assert message(load, text) == "Template format error: Every Mappings member A must be a map"


def test_mapping_values_may_be_strings_numbers_and_lists(load: Load) -> None:
    tpl = load(TOPIC_FROM_MAP + "    A: {Suffix: a, Size: 3, Zones: [x, y]}\n")
    assert tpl.mappings["TopicSuffixMap"]["A"]["Zones"] == ["x", "y"]


def test_a_missing_mapping_key_names_the_path(load: Load, tmp_path: Path, topics: Any) -> None:
    tpl = load(TOPIC_FROM_MAP + "    A: {Suffix: a}\n", Selector="C")
    deployer = Deployer(tmp_path / "state", [topics], "us-east-1", "123456789012")
    with pytest.raises(TemplateError) as caught:
        deployer.apply(deployer.plan(tpl))
    assert caught.value.message == "Template error: Unable to get mapping for TopicSuffixMap::C::Suffix"


def test_a_resource_holds_only_known_attributes(load: Load) -> None:
    text = json.dumps({"Resources": {"A": {"Type": "AWS::SNS::Topic", "Invalid": 10}}})
    assert message(load, text) == "Invalid template resource property 'Invalid'"


def test_resource_attributes_are_accepted(load: Load) -> None:
    tpl = load("""
        Resources:
          A:
            Type: AWS::SNS::Topic
            DeletionPolicy: Retain
            UpdateReplacePolicy: Retain
            Metadata: {Note: x}
          B:
            Type: AWS::SNS::Topic
            DependsOn: A
        """)
    assert set(tpl.resources) == {"A", "B"}


@pytest.mark.parametrize("output", [{"Value": None}, {"Value": None, "AnotherValue": None}],
                         ids=["none-value", "missing-def"])
def test_a_null_output_value_names_its_place(load: Load, output: dict) -> None:
    text = json.dumps({"Resources": {"Foo": {"Type": "AWS::SNS::Topic"}},
                       "Outputs": {"MyOutput": output}})
    assert message(load, text) == "[/Outputs/MyOutput/Value] 'null' values are not allowed in templates"


def test_an_output_without_value(load: Load) -> None:
    text = json.dumps({"Resources": {"Foo": {"Type": "AWS::SNS::Topic"}},
                       "Outputs": {"MyOutput": {}}})
    assert message(load, text) == "Template format error: Every Outputs member must contain a Value object"


FIND_IN_MAP_FORM = ("Template error: every Fn::FindInMap object requires three parameters, "
                    "the map name, map key and the attribute for return value")


def test_find_in_map_default_value_needs_the_language_extensions(load: Load) -> None:
    text = """
        Mappings:
          Sizes: {dev: {Memory: "128"}}
        Resources:
          T: {Type: AWS::SNS::Topic}
        Outputs:
          Memory:
            Value: !FindInMap [Sizes, prod, Memory, {DefaultValue: "256"}]
        """
    assert message(load, text) == FIND_IN_MAP_FORM
    tpl = load("Transform: AWS::LanguageExtensions\n" + text.replace("\n        ", "\n"))
    assert "Memory" in tpl.outputs


def test_plain_find_in_map_takes_only_ref_and_find_in_map(load: Load) -> None:
    # Checked in a branch that is never taken as well: CloudFormation validates the form first.
    text = """
        Parameters:
          Env: {Type: String, Default: dev}
        Conditions:
          Never: !Equals [a, b]
        Mappings:
          Sizes: {dev: {Memory: "128"}}
        Resources:
          T:
            Type: AWS::SNS::Topic
            Properties:
              TopicName: !If
                - Never
                - !FindInMap [Sizes, !Join ["", [!Ref Env]], Memory]
                - plain
        """
    assert message(load, text) == FIND_IN_MAP_FORM
    assert load(text.replace('!Join ["", [!Ref Env]]', "!Ref Env")).resources
