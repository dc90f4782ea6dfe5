"""SAM expansion: functions with API events, tables, layers, code locations — offline."""
from __future__ import annotations

import socket
from pathlib import Path
from typing import Any, Callable

import pytest

from fogbank.deploy import Template, TemplateError
from fogbank.file_stamps import tree_stamp

Load = Callable[..., Template]

HELLO = """
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 10
    Runtime: python3.12
Resources:
  HelloFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Policies:
        - AWSLambdaBasicExecutionRole
        - DynamoDBCrudPolicy: {TableName: !Ref Items}
      Environment:
        Variables:
          TABLE: !Ref Items
      Events:
        Hello:
          Type: HttpApi
          Properties:
            Path: /hello
            Method: get
  Items:
    Type: AWS::Serverless::SimpleTable
Outputs:
  Url:
    Value: !Sub "https://${ServerlessHttpApi}.execute-api.${AWS::Region}.amazonaws.com/"
"""


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Translation must not need AWS: no network, no profile, no region from the environment."""
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("SAM translation tried to open a network connection")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)


def types_of(tpl: Template) -> dict[str, str]:
    return {lid: tpl.type_of(lid) for lid in tpl.resources}


def test_function_with_http_api_event(load: Load, app_dir: Path) -> None:
    tpl = load(HELLO)
    assert types_of(tpl) == {
        "HelloFunction": "AWS::Lambda::Function",
        "HelloFunctionRole": "AWS::IAM::Role",
        "HelloFunctionHelloPermission": "AWS::Lambda::Permission",
        "ServerlessHttpApi": "AWS::ApiGatewayV2::Api",
        "ServerlessHttpApiApiGatewayDefaultStage": "AWS::ApiGatewayV2::Stage",
        "Items": "AWS::DynamoDB::Table",
    }
    fn = tpl.properties("HelloFunction")
    assert fn["Code"] == str((app_dir / "src").resolve())
    assert fn["Handler"] == "app.handler"
    assert fn["Runtime"] == "python3.12" and fn["Timeout"] == 10
    assert fn["Environment"] == {"Variables": {"TABLE": {"Ref": "Items"}}}
    route = tpl.properties("ServerlessHttpApi")["Body"]["paths"]["/hello"]["get"]
    assert route["x-amazon-apigateway-integration"]["payloadFormatVersion"] == "2.0"
    role = tpl.properties("HelloFunctionRole")
    assert role["ManagedPolicyArns"] == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
    assert tpl.order.index("Items") < tpl.order.index("HelloFunction")
    assert tpl.order.index("HelloFunction") < tpl.order.index("ServerlessHttpApi")


def test_simple_table(load: Load) -> None:
    tpl = load(HELLO)
    assert tpl.properties("Items") == {
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }


def test_any_managed_policy_name_answers_locally(load: Load) -> None:
    tpl = load(HELLO.replace("AWSLambdaBasicExecutionRole", "SomeFuturePolicyName"))
    assert "arn:aws:iam::aws:policy/SomeFuturePolicyName" in \
        tpl.properties("HelloFunctionRole")["ManagedPolicyArns"]


def test_code_uri_from_globals_default_and_layers(load: Load, app_dir: Path) -> None:
    (app_dir / "shared").mkdir()
    (app_dir / "deps").mkdir()
    tpl = load("""
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            CodeUri: shared
            Runtime: python3.11
        Resources:
          FromGlobals:
            Type: AWS::Serverless::Function
            Properties: {Handler: a.handler, Layers: [!Ref Deps]}
          Deps:
            Type: AWS::Serverless::LayerVersion
            Properties: {ContentUri: ./deps}
        """)
    assert tpl.properties("FromGlobals")["Code"] == str(app_dir / "shared")
    # SAM gives layer versions a content-hash suffix and rewrites the references.
    layer = next(lid for lid in tpl.resources if tpl.type_of(lid) == "AWS::Lambda::LayerVersion")
    assert layer.startswith("Deps")
    assert tpl.properties("FromGlobals")["Layers"] == [{"Ref": layer}]
    assert tpl.properties(layer)["Content"] == {
        "LocalPath": str(app_dir / "deps"), "Fingerprint": tree_stamp(app_dir / "deps")}


def test_a_layers_metadata_outlives_translation(load: Load, app_dir: Path) -> None:
    # The translator drops it, but `sam build` reads the BuildMethod there.
    (app_dir / "deps").mkdir()
    tpl = load("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Deps:
            Type: AWS::Serverless::LayerVersion
            Properties: {ContentUri: deps}
            Metadata: {BuildMethod: python3.12}
        """)
    (layer,) = tpl.resources
    assert tpl.resources[layer]["Metadata"] == {"BuildMethod": "python3.12"}
    assert tpl.properties(layer)["Content"] == {
        "LocalPath": str(app_dir / "deps"), "BuildMethod": "python3.12",
        "Fingerprint": tree_stamp(app_dir / "deps")}


def test_translation_logs_no_feature_toggle_warnings(load: Load,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    # A gradual deployment asks the translator's feature toggles, whose default config
    # warns of every toggle it does not list.
    with caplog.at_level("INFO"):
        load(HELLO.replace("      Handler: app.handler\n", "      Handler: app.handler\n"
                           "      AutoPublishAlias: live\n"
                           "      DeploymentPreference: {Type: AllAtOnce}\n"))
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == []


def test_function_without_code_uri_uses_the_template_dir(load: Load, app_dir: Path) -> None:
    tpl = load("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties: {Handler: src.app.handler, Runtime: python3.11}
        """)
    assert tpl.properties("Fn")["Code"] == str(app_dir)


def test_auto_publish_alias_makes_version_and_alias(load: Load) -> None:
    tpl = load(HELLO.replace("      Handler: app.handler\n", "      Handler: app.handler\n"
                             "      AutoPublishAlias: live\n"
                             "      ProvisionedConcurrencyConfig:\n"
                             "        ProvisionedConcurrentExecutions: 2\n"))
    kinds = types_of(tpl)
    alias = next(lid for lid, kind in kinds.items() if kind == "AWS::Lambda::Alias")
    assert "AWS::Lambda::Version" in kinds.values()
    assert tpl.properties(alias)["ProvisionedConcurrencyConfig"] == {
        "ProvisionedConcurrentExecutions": 2}


def test_local_definition_uri_is_inlined(load: Load, app_dir: Path) -> None:
    (app_dir / "api.yaml").write_text("openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: {}\n")
    tpl = load("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Api:
            Type: AWS::Serverless::HttpApi
            Properties: {DefinitionUri: api.yaml}
        """)
    assert tpl.properties("Api")["Body"]["openapi"] == "3.0.1"


def test_missing_definition_uri_names_the_resource(load: Load) -> None:
    with pytest.raises(TemplateError, match="Resource Api: DefinitionUri missing.yaml is not a file"):
        load("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Api:
                Type: AWS::Serverless::HttpApi
                Properties: {DefinitionUri: missing.yaml}
            """)


def test_serverless_application_is_set_aside(load: Load) -> None:
    tpl = load("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Nested:
            Type: AWS::Serverless::Application
            Properties:
              Location:
                ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/x
                SemanticVersion: 1.0.0
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: src.app.handler
              Runtime: python3.11
              Environment: {Variables: {OUT: !GetAtt Nested.Outputs.Name}}
        """)
    assert tpl.type_of("Nested") == "AWS::Serverless::Application"
    assert tpl.depends_on["Fn"] >= {"Nested"}


def test_translator_errors_become_template_errors(load: Load) -> None:
    with pytest.raises(TemplateError) as info:
        load("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: a.handler
                  Runtime: python3.11
                  Events:
                    Bad: {Type: NoSuchEventType}
            """)
    assert info.value.code == "ValidationError"
    assert info.value.message.startswith(
        "Transform AWS::Serverless-2016-10-31 failed with: Invalid Serverless Application "
        "Specification document. Number of errors found: 1. Resource with id [Fn] is invalid.")


def test_a_layers_fingerprint_follows_its_files(tmp_path: Path) -> None:
    # What makes `fogbank up` publish a layer's next version when its files change.
    layer = tmp_path / "layer"
    (layer / "python" / "__pycache__").mkdir(parents=True)
    (layer / "python" / "util.py").write_text("A = 1\n")
    first = tree_stamp(layer)
    (layer / "python" / "__pycache__" / "util.cpython-312.pyc").write_bytes(b"cache")
    assert tree_stamp(layer) == first            # bytecode caches do not count
    (layer / "python" / "util.py").write_text("A = 22\n")
    assert tree_stamp(layer) != first
    second = tree_stamp(layer)
    (layer / "python" / "more.py").write_text("")
    assert tree_stamp(layer) not in (first, second)
