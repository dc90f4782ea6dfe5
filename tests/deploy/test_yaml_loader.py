"""Reading template text: short-form tags, JSON, and the line of a YAML mistake."""
from __future__ import annotations

import pytest

from fogbank.deploy import TemplateError
from fogbank.deploy.yaml_loader import parse_template


def test_short_form_tags_become_long_form() -> None:
    doc = parse_template(
        "A: !Ref Env\n"
        "B: !GetAtt Db.Endpoint.Address\n"
        "C: !Sub '${AWS::Region}-x'\n"
        "D: !Join [',', [a, b]]\n"
        "E: !If [IsProd, 1, 2]\n"
        "F: !Not [!Condition IsProd]\n"
        "G: !GetAtt [Bucket, Arn]\n",
        "t.yaml")
    assert doc == {
        "A": {"Ref": "Env"},
        "B": {"Fn::GetAtt": ["Db", "Endpoint.Address"]},
        "C": {"Fn::Sub": "${AWS::Region}-x"},
        "D": {"Fn::Join": [",", ["a", "b"]]},
        "E": {"Fn::If": ["IsProd", 1, 2]},
        "F": {"Fn::Not": [{"Condition": "IsProd"}]},
        "G": {"Fn::GetAtt": ["Bucket", "Arn"]},
    }


def test_dates_stay_strings() -> None:
    assert parse_template("Version: 2012-10-17\n", "t.yaml") == {"Version": "2012-10-17"}


def test_json_template() -> None:
    assert parse_template('{"Resources": {"A": {"Type": "X"}}}', "t.json") == {
        "Resources": {"A": {"Type": "X"}}}


def test_bad_yaml_names_the_line() -> None:
    with pytest.raises(TemplateError) as info:
        parse_template("Resources:\n  A:\n    Type: [unclosed\n  B: x\n", "template.yaml")
    assert info.value.code == "ValidationError"
    assert "YAML not well-formed" in info.value.message
    assert "line 4" in info.value.message


def test_bad_json_names_the_line() -> None:
    with pytest.raises(TemplateError, match=r"JSON not well-formed. \(line 2"):
        parse_template('{"Resources":\n  {"A": }\n}', "t.json")


def test_a_template_must_be_a_mapping() -> None:
    with pytest.raises(TemplateError, match="must be a mapping"):
        parse_template("- just\n- a list\n", "t.yaml")
