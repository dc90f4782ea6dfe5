"""AWS::Include: snippets from local files, as a property value or among resources."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from fogbank.deploy import Template, TemplateError

Load = Callable[..., Template]

API_SNIPPET = """
openapi: "3.0.1"
info: {title: included, version: "1"}
paths:
  /hello:
    get:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        payloadFormatVersion: "2.0"
        uri:
          Fn::Sub: arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
"""


def test_a_sam_definition_body_may_come_from_a_snippet(load: Load, app_dir: Path) -> None:
    # Included before the SAM transform, so the translator sees an ordinary body.
    (app_dir / "api").mkdir()
    (app_dir / "api" / "openapi.yaml").write_text(API_SNIPPET)
    tpl = load("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Api:
            Type: AWS::Serverless::HttpApi
            Properties:
              DefinitionBody: {Fn::Transform: {Name: AWS::Include,
                                               Parameters: {Location: ./api/openapi.yaml}}}
          Fn:
            Type: AWS::Serverless::Function
            Properties: {CodeUri: src, Handler: app.handler, Runtime: python3.12}
        """)
    body = tpl.properties("Api")["Body"]
    assert body["info"]["title"] == "included"
    assert "Fn" in tpl.depends_on["Api"]      # the snippet's Fn::Sub names the function


def test_a_snippet_beside_other_keys_is_merged_into_them(load: Load, app_dir: Path) -> None:
    (app_dir / "more.json").write_text('{"Second": {"Type": "AWS::SNS::Topic", "Properties": '
                                       '{"TopicName": {"Fn::GetAtt": ["First", "TopicName"]}}}}')
    tpl = load("""
        Resources:
          First:
            Type: AWS::SNS::Topic
          Fn::Transform:
            Name: AWS::Include
            Parameters: {Location: more.json}
        Outputs:
          Second: {Value: !Ref Second}
        """)
    assert tpl.order == ("First", "Second")


def test_snippets_may_include_snippets(load: Load, app_dir: Path) -> None:
    (app_dir / "outer.yaml").write_text(
        "Fn::Transform: {Name: AWS::Include, Parameters: {Location: inner.yaml}}\n")
    (app_dir / "inner.yaml").write_text("TopicName: deep\n")
    tpl = load("""
        Resources:
          T:
            Type: AWS::SNS::Topic
            Properties:
              Fn::Transform: {Name: AWS::Include, Parameters: {Location: outer.yaml}}
        """)
    assert tpl.properties("T") == {"TopicName": "deep"}


def test_other_transforms_are_left_alone(load: Load) -> None:
    tpl = load("""
        Resources:
          T:
            Type: AWS::SNS::Topic
            Properties:
              Fn::Transform: {Name: MyMacro, Parameters: {}}
        """)
    assert tpl.properties("T") == {"Fn::Transform": {"Name": "MyMacro", "Parameters": {}}}


@pytest.mark.parametrize("parameters, message", [
    ("{Location: missing.yaml}", "cannot read missing.yaml"),
    ("{Location: 's3://bucket/api.yaml'}", "s3://bucket/api.yaml is not a local file"),
    ("{}", "the Location parameter is required"),
    ("{Location: self.yaml}", "snippets nest more than 10 deep"),
])
def test_bad_includes_are_template_errors(load: Load, app_dir: Path, parameters: str,
                                          message: str) -> None:
    (app_dir / "self.yaml").write_text(
        "Fn::Transform: {Name: AWS::Include, Parameters: {Location: self.yaml}}\n")
    with pytest.raises(TemplateError, match=f"Transform AWS::Include failed with: .*{message}"):
        load(f"""
            Resources:
              T:
                Type: AWS::SNS::Topic
                Properties:
                  Fn::Transform: {{Name: AWS::Include, Parameters: {parameters}}}
            """)
