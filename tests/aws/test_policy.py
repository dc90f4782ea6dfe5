"""A function's resource policy through the Lambda API of a real `fogbank up`, driven by
boto3 and httpx: the statements SAM writes for a public function URL, AddPermission's
InvokedViaFunctionUrl as GetPolicy shows it, such a statement letting a function URL in but
not API Gateway, and every request that can be wrong sent wrong."""
from __future__ import annotations

import io
import json
import zipfile
from typing import Any, Iterator

import httpx
import pytest
from botocore.exceptions import ClientError

from fogbank.testing import RunningNode, serving

from .conftest import error_of, node_client as client_of

ARN = "arn:aws:lambda:us-east-1:000000000000:function"
# An HTTP API in front of a template function with a public URL ("urlfn") and of a function
# made through the Lambda API later ("made", named by its ARN). Neither has a statement
# for API Gateway but what the tests add.
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  UrlFn:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: urlfn
      CodeUri: src
      Handler: app.handler
      Runtime: python3.11
      FunctionUrlConfig: {AuthType: NONE}
  Http:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: http, ProtocolType: HTTP}
  UrlFnIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Http, IntegrationType: AWS_PROXY, PayloadFormatVersion: "2.0",
                 IntegrationUri: !GetAtt UrlFn.Arn}
  MadeIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Http, IntegrationType: AWS_PROXY, PayloadFormatVersion: "2.0",
                 IntegrationUri: "%(arn)s:made"}
  UrlFnRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Http, RouteKey: GET /urlfn,
                 Target: !Sub "integrations/${UrlFnIntegration}"}
  MadeRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Http, RouteKey: GET /made,
                 Target: !Sub "integrations/${MadeIntegration}"}
  HttpStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Http, StageName: $default, AutoDeploy: true}
""" % {"arn": ARN}
HANDLER = """\
def handler(event, context):
    return {"statusCode": 200, "body": "ran"}
"""
REFUSED = (500, {"message": "Internal Server Error"})
VIA_URL = {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}


def package() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", HANDLER)
    return buf.getvalue()


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    app_dir = tmp_path_factory.mktemp("policy")
    for path, text in (("src/app.py", HANDLER), ("template.yaml", TEMPLATE)):
        (app_dir / path).parent.mkdir(exist_ok=True)
        (app_dir / path).write_text(text)
    with serving(app_dir, "--no-watch") as running:
        yield running


@pytest.fixture(scope="module")
def made(lam: Any) -> str:
    lam.create_function(FunctionName="made", Runtime="python3.11", Handler="app.handler",
                        Role="arn:aws:iam::000000000000:role/service-role",
                        Code={"ZipFile": package()})
    return "made"


def api_get(node: RunningNode, path: str) -> tuple[int, Any]:
    response = httpx.get(node.wait_ready()["apis"]["Http"].rstrip("/") + path)
    return response.status_code, (response.text if response.status_code == 200
                                  else response.json())


def statements(lam: Any, name: str) -> dict[str, dict[str, Any]]:
    policy = json.loads(lam.get_policy(FunctionName=name)["Policy"])
    return {statement["Sid"]: statement for statement in policy["Statement"]}


def test_sams_public_url_statements_show_their_conditions(lam) -> None:
    by_action = {s["Action"]: s for s in statements(lam, "urlfn").values()}
    assert by_action["lambda:InvokeFunctionUrl"]["Condition"] == {
        "StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}
    assert by_action["lambda:InvokeFunction"]["Condition"] == VIA_URL
    assert {s["Principal"] for s in by_action.values()} == {"*"}


def test_a_url_only_statement_lets_the_url_in_but_not_api_gateway(node) -> None:
    called = httpx.get(node.wait_ready()["functionUrls"]["UrlFnUrl (no DNS)"] + "x")
    assert (called.status_code, called.text) == (200, "ran")
    # "*" may call lambda:InvokeFunction, but only through a function URL.
    assert api_get(node, "/urlfn") == REFUSED


def test_add_permission_takes_invoked_via_function_url(lam, node, made) -> None:
    added = lam.add_permission(FunctionName=made, StatementId="via-url", Principal="*",
                               Action="lambda:InvokeFunction", InvokedViaFunctionUrl=True)
    expected = {"Sid": "via-url", "Effect": "Allow", "Principal": "*",
                "Action": "lambda:InvokeFunction", "Resource": f"{ARN}:made",
                "Condition": VIA_URL}
    assert json.loads(added["Statement"]) == expected
    assert statements(lam, made) == {"via-url": expected}
    assert api_get(node, "/made") == REFUSED

    # The same statement without the condition is what lets API Gateway in.
    lam.remove_permission(FunctionName=made, StatementId="via-url")
    lam.add_permission(FunctionName=made, StatementId="anyone", Principal="*",
                       Action="lambda:InvokeFunction", InvokedViaFunctionUrl=False)
    assert "Condition" not in statements(lam, made)["anyone"]
    assert api_get(node, "/made") == (200, "ran")
    lam.remove_permission(FunctionName=made, StatementId="anyone")


def test_add_permission_shows_the_url_auth_type(lam, made) -> None:
    added = lam.add_permission(FunctionName=made, StatementId="public-url", Principal="*",
                               Action="lambda:InvokeFunctionUrl", FunctionUrlAuthType="NONE")
    assert json.loads(added["Statement"])["Condition"] == {
        "StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}
    lam.remove_permission(FunctionName=made, StatementId="public-url")


@pytest.mark.parametrize("params, code, message", [
    ({"Action": "lambda:InvokeFunctionUrl", "InvokedViaFunctionUrl": True},
     "InvalidParameterValueException",
     "InvokedViaFunctionUrl is only supported for lambda:InvokeFunction action"),
    ({"Action": "lambda:*", "InvokedViaFunctionUrl": True}, "InvalidParameterValueException",
     "InvokedViaFunctionUrl is only supported for lambda:InvokeFunction action"),
    ({"Action": "lambda:InvokeFunction", "FunctionUrlAuthType": "NONE"},
     "InvalidParameterValueException",
     "FunctionUrlAuthType is only supported for lambda:InvokeFunctionUrl action"),
    ({"Action": "lambda:InvokeFunction", "InvokedViaFunctionUrl": "yes"},
     "SerializationException", "STRING_VALUE can not be converted to a Boolean"),
])
def test_a_bad_url_condition_is_refused(raw, lam, made, params, code, message) -> None:
    with pytest.raises(ClientError) as caught:
        raw.add_permission(FunctionName=made, StatementId="bad", Principal="*", **params)
    assert error_of(caught) == (code, message, 400)
    with pytest.raises(ClientError) as caught:
        lam.get_policy(FunctionName=made)
    assert error_of(caught)[0] == "ResourceNotFoundException"
