"""Functions another service invokes need the permission AWS requires, under `fogbank up`: a
raw template (no SAM events to add them) whose functions "allowed" has its
AWS::Lambda::Permission resources and "refused" has none, called through a REST API, an
HTTP API, a Lambda authorizer, function URLs and a WebSocket API with httpx and websockets,
and named as S3 notification destinations with boto3."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from fogbank.testing import RunningNode, serving

URI = "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${%s.Arn}/invocations"
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {Runtime: python3.11, CodeUri: src, Handler: app.handler, Timeout: 10}
Resources:
  Allowed:
    Type: AWS::Serverless::Function
    Properties: {FunctionName: allowed}
  Refused:
    Type: AWS::Serverless::Function
    Properties: {FunctionName: refused}
  Gatekeeper:
    Type: AWS::Serverless::Function
    Properties: {FunctionName: gatekeeper, Handler: app.authorize}

  AllowedByApis:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Allowed
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:*/*
  AllowedByUrl:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunctionUrl
      FunctionName: !Ref Allowed
      Principal: "*"
      FunctionUrlAuthType: NONE
  AllowedByS3:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt Allowed.Arn
      Principal: s3.amazonaws.com
      SourceArn: arn:aws:s3:::uploads
      SourceAccount: !Ref AWS::AccountId

  Http:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: http, ProtocolType: HTTP}
  AllowedIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Http, IntegrationType: AWS_PROXY, PayloadFormatVersion: "2.0",
                 IntegrationUri: !GetAtt Allowed.Arn}
  RefusedIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Http, IntegrationType: AWS_PROXY, PayloadFormatVersion: "2.0",
                 IntegrationUri: !GetAtt Refused.Arn}
  AllowedRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Http, RouteKey: GET /allowed,
                 Target: !Sub "integrations/${AllowedIntegration}"}
  RefusedRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Http, RouteKey: GET /refused,
                 Target: !Sub "integrations/${RefusedIntegration}"}
  GuardedRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Http, RouteKey: GET /guarded, AuthorizationType: CUSTOM,
                 AuthorizerId: !Ref Gate, Target: !Sub "integrations/${AllowedIntegration}"}
  Gate:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Http
      Name: gate
      AuthorizerType: REQUEST
      AuthorizerPayloadFormatVersion: "2.0"
      EnableSimpleResponses: true
      IdentitySource: [$request.header.Authorization]
      AuthorizerUri: !Sub "%(gatekeeper)s"
  HttpStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Http, StageName: $default, AutoDeploy: true}

  Rest:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: rest}
  AllowedResource:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Rest, ParentId: !GetAtt Rest.RootResourceId, PathPart: allowed}
  RefusedResource:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Rest, ParentId: !GetAtt Rest.RootResourceId, PathPart: refused}
  AllowedMethod:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Rest
      ResourceId: !Ref AllowedResource
      HttpMethod: GET
      AuthorizationType: NONE
      Integration: {Type: AWS_PROXY, IntegrationHttpMethod: POST, Uri: !Sub "%(allowed)s"}
  RefusedMethod:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Rest
      ResourceId: !Ref RefusedResource
      HttpMethod: GET
      AuthorizationType: NONE
      Integration: {Type: AWS_PROXY, IntegrationHttpMethod: POST, Uri: !Sub "%(refused)s"}
  RestDeployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [AllowedMethod, RefusedMethod]
    Properties: {RestApiId: !Ref Rest, StageName: prod}

  AllowedUrl:
    Type: AWS::Lambda::Url
    Properties: {TargetFunctionArn: !GetAtt Allowed.Arn, AuthType: NONE}
  RefusedUrl:
    Type: AWS::Lambda::Url
    Properties: {TargetFunctionArn: !GetAtt Refused.Arn, AuthType: NONE}

  Socket:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: socket, ProtocolType: WEBSOCKET,
                 RouteSelectionExpression: $request.body.action}
  SocketIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Socket, IntegrationType: AWS_PROXY, IntegrationUri: !Sub "%(refused)s"}
  SocketConnect:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Socket, RouteKey: $connect,
                 Target: !Sub "integrations/${SocketIntegration}"}
  SocketStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Socket, StageName: live, AutoDeploy: true}
""" % {"allowed": URI % "Allowed", "refused": URI % "Refused", "gatekeeper": URI % "Gatekeeper"}
HANDLER = """\
def handler(event, context):
    return {"statusCode": 200, "body": "ran"}

def authorize(event, context):
    return {"isAuthorized": True}
"""
ARN = "arn:aws:lambda:us-east-1:000000000000:function"
URL_FORBIDDEN = {"Message": "Forbidden. For troubleshooting Function URL authorization "
                            "issues, see: https://docs.aws.amazon.com/lambda/latest/dg/"
                            "urls-auth.html"}


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    app_dir: Path = tmp_path_factory.mktemp("policies") / "app"
    (app_dir / "src").mkdir(parents=True)
    (app_dir / "src" / "app.py").write_text(HANDLER)
    (app_dir / "template.yaml").write_text(TEMPLATE)
    with serving(app_dir, "--no-watch") as running:
        yield running


@pytest.fixture(scope="module")
def served(node: RunningNode) -> dict[str, Any]:
    return node.wait_ready()


def api_url(served: dict[str, Any], key: str) -> str:
    urls = served["apis"]
    assert key in urls, urls
    return urls[key].rstrip("/")


def warnings_about(node: RunningNode, function: str) -> list[str]:
    return [line for line in node.output().splitlines()
            if f"may not invoke {function}" in line]


def test_an_http_api_invokes_only_a_function_that_allows_it(node, served) -> None:
    base = api_url(served, "Http")
    assert httpx.get(f"{base}/allowed").text == "ran"
    for _ in range(2):
        refused = httpx.get(f"{base}/refused")
        assert (refused.status_code, refused.json()) == (
            500, {"message": "Internal Server Error"})
    (warning,) = [line for line in warnings_about(node, "refused") if "GET /refused" in line]
    assert "arn:aws:execute-api:us-east-1:000000000000:" in warning
    assert "/$default/GET/refused" in warning and "AWS::Lambda::Permission" in warning


def test_a_rest_api_invokes_only_a_function_that_allows_it(node, served) -> None:
    (key,) = [key for key in served["apis"] if key.startswith("Rest")]
    base = api_url(served, key)
    allowed = httpx.get(f"{base}/allowed")
    assert (allowed.status_code, allowed.text) == (200, "ran")
    refused = httpx.get(f"{base}/refused")
    assert (refused.status_code, refused.json()) == (500, {"message": "Internal server error"})
    assert refused.headers["x-amzn-errortype"] == "InternalServerErrorException"
    assert any("/prod/GET/refused" in line for line in warnings_about(node, "refused"))


def test_an_authorizer_that_does_not_allow_api_gateway_is_a_500(node, served) -> None:
    refused = httpx.get(f"{api_url(served, 'Http')}/guarded", headers={"Authorization": "t"})
    assert (refused.status_code, refused.json()) == (500, {"message": "Internal Server Error"})
    (warning,) = warnings_about(node, "gatekeeper")
    assert "/authorizers/" in warning


def test_a_url_anyone_may_call_needs_the_public_statement(served) -> None:
    urls = served["functionUrls"]
    allowed = httpx.get(urls["AllowedUrl (no DNS)"] + "x")
    assert (allowed.status_code, allowed.text) == (200, "ran")
    refused = httpx.get(urls["RefusedUrl (no DNS)"] + "x")
    assert (refused.status_code, refused.json()) == (403, URL_FORBIDDEN)


def test_a_websocket_connect_that_is_refused_fails_the_handshake(served) -> None:
    (key,) = [key for key in served["apis"] if key.startswith("Socket")]
    with pytest.raises(InvalidStatus) as refused:
        connect(served["apis"][key], open_timeout=30)
    assert refused.value.response.status_code == 500


def test_s3_takes_only_functions_that_allow_it_as_destinations(node) -> None:
    s3 = boto3.client("s3", config=Config(retries={"total_max_attempts": 1}),
                      **node.client_kwargs())
    s3.create_bucket(Bucket="uploads")
    s3.create_bucket(Bucket="other")

    def notify(bucket: str, function: str) -> None:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": f"{ARN}:{function}",
                                              "Events": ["s3:ObjectCreated:*"]}]})

    notify("uploads", "allowed")
    configured = s3.get_bucket_notification_configuration(Bucket="uploads")
    assert configured["LambdaFunctionConfigurations"][0]["LambdaFunctionArn"] == \
        f"{ARN}:allowed"
    for bucket, function in (("uploads", "refused"), ("other", "allowed")):
        with pytest.raises(ClientError) as refused:
            notify(bucket, function)
        error = refused.value.response["Error"]
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert (error["Code"], error["Message"]) == (
            "InvalidArgument", "Unable to validate the following destination configurations")
    body = json.dumps(refused.value.response["Error"])
    assert f"Not authorized to invoke function [{ARN}:allowed]" in body
