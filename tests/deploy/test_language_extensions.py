"""AWS::LanguageExtensions: Fn::ForEach loops and FindInMap's DefaultValue."""
from __future__ import annotations

from typing import Callable

import pytest

from fogbank.deploy import Template, TemplateError
from fogbank.deploy.intrinsics import evaluate

Load = Callable[..., Template]

LOOPS = """
Transform: AWS::LanguageExtensions
Parameters:
  Names: {Type: CommaDelimitedList, Default: "orders,order-items"}
Conditions:
  Fn::ForEach::Flags:
    - Name
    - !Ref Names
    - Is&{Name}: !Equals [!Ref Name, orders]
Resources:
  Fn::ForEach::Topics:
    - Name
    - !Ref Names
    - Topic&{Name}:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Sub "app-${Name}"
          DisplayName: !Ref Name
  Plain:
    Type: AWS::SNS::Topic
Outputs:
  Fn::ForEach::Names:
    - Name
    - [orders, orderitems]
    - Fn::ForEach::Attributes:
        - Attribute
        - [TopicName]
        - ${Name}${Attribute}:
            Value: !GetAtt [!Sub "Topic${Name}", !Ref Attribute]
"""


def test_loops_expand_resources_conditions_and_outputs(load: Load) -> None:
    tpl = load(LOOPS)
    assert list(tpl.resources) == ["Topicorders", "Topicorderitems", "Plain"]
    assert tpl.properties("Topicorderitems") == {"TopicName": {"Fn::Sub": "app-order-items"},
                                                 "DisplayName": "order-items"}
    assert tpl.conditions == {"Isorders": True, "Isorderitems": False}
    # Nested loops; a Sub naming a resource becomes the plain name GetAtt needs.
    assert tpl.outputs["ordersTopicName"]["Value"] == {"Fn::GetAtt": ["Topicorders", "TopicName"]}
    assert tpl.depends_on["Plain"] == frozenset()


def test_a_loops_collection_may_come_from_an_override(load: Load) -> None:
    tpl = load(LOOPS.replace("[orders, orderitems]", "[a]"), Names="a,b,c")
    assert list(tpl.resources) == ["Topica", "Topicb", "Topicc", "Plain"]


@pytest.mark.parametrize("loop, message", [
    ("[Name, !Ref Names]", "must be a list of an identifier, a collection and an output mapping"),
    ('[Name, [1, 2], {"T${Name}": {Type: AWS::SNS::Topic}}]', "must resolve to a list of strings"),
    ('[Name, [a, a], {"T${Name}": {Type: AWS::SNS::Topic}}]', "makes Ta more than once"),
    ('[Name, [lain], {"P${Name}": {Type: AWS::SNS::Topic}}]',
     "makes Plain, which is already defined"),
])
def test_bad_loops_are_template_errors(load: Load, loop: str, message: str) -> None:
    with pytest.raises(TemplateError, match=f"AWS::LanguageExtensions failed with: .*{message}"):
        load(f"""
            Transform: AWS::LanguageExtensions
            Parameters:
              Names: {{Type: CommaDelimitedList, Default: "a"}}
            Resources:
              Plain:
                Type: AWS::SNS::Topic
              Fn::ForEach::Bad: {loop}
            """)


def test_find_in_map_default_value(load: Load) -> None:
    tpl = load("""
        Transform: AWS::LanguageExtensions
        Mappings:
          Sizes: {dev: {Memory: 128}}
        Resources:
          T: {Type: AWS::SNS::Topic}
        """)
    scope = tpl.scope(None, lambda warning: None)
    found = {"Fn::FindInMap": ["Sizes", "dev", "Memory", {"DefaultValue": 256}]}
    region = {"Ref": "AWS::Region"}
    missing = {"Fn::FindInMap": ["Sizes", "prod", "Memory", {"DefaultValue": region}]}
    assert evaluate(found, scope) == 128
    assert evaluate(missing, scope) == "us-east-1"
    with pytest.raises(TemplateError, match="fourth argument of Fn::FindInMap"):
        evaluate({"Fn::FindInMap": ["Sizes", "prod", "Memory", 5]}, scope)
    with pytest.raises(TemplateError, match="Unable to get mapping for Sizes::prod::Memory"):
        evaluate({"Fn::FindInMap": ["Sizes", "prod", "Memory"]}, scope)
