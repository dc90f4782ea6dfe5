"""Authorizers as templates declare them — SAM `Auth` (through aws-sam-translator) and
hand-written AWS::ApiGateway(V2)::Authorizer resources — checked by serving requests; and
the authorizers Fogbank cannot enforce, which fail the deploy instead of serving open."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.apis import ApiProviders
from fogbank.types import Resource

AUTH_ARN = {"Fn::GetAtt": ["AuthFn", "Arn"]}
LAMBDA_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
              "arn:aws:lambda:us-east-1:123456789012:function:{}/invocations")


def allow_token(event, context):
    # A REST API's REQUEST authorizer event spells the name "Authorization"; an HTTP API's
    # lower-cases it.
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    token = event.get("authorizationToken") or headers.get("authorization")
    if token != "letmein":
        raise Exception("Unauthorized")
    return {"principalId": "p", "context": {"k": "v"}, "policyDocument": {
        "Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"}]}}


def test_sam_rest_api_token_authorizer(gateway, deploy_sam, sam_function, echo) -> None:
    gateway.runtime.handlers.update(fn=echo, authfn=allow_token)
    stack = deploy_sam({
        "Api": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "Prod", "Auth": {
            "Authorizers": {"T": {"FunctionArn": AUTH_ARN,
                                  "Identity": {"Header": "X-Token"}}},
            "DefaultAuthorizer": "T"}}},
        "AuthFn": sam_function({}),
        "Fn": sam_function({
            "Get": {"Type": "Api", "Properties": {"RestApiId": {"Ref": "Api"},
                                                  "Path": "/a", "Method": "get"}},
            "Open": {"Type": "Api", "Properties": {"RestApiId": {"Ref": "Api"},
                                                   "Path": "/open", "Method": "get",
                                                   "Auth": {"Authorizer": "NONE"}}}}),
    })
    url = gateway.url(stack.api_id("Api"), "Prod")
    assert gateway.request("GET", url + "/a").status_code == 401
    assert gateway.request("GET", url + "/a", headers={"X-Token": "no"}).status_code == 401
    r = gateway.request("GET", url + "/a", headers={"X-Token": "letmein"})
    assert r.status_code == 200
    assert gateway.runtime.event["requestContext"]["authorizer"]["k"] == "v"
    assert gateway.request("GET", url + "/open").status_code == 200


def test_sam_http_api_lambda_authorizer(gateway, deploy_sam, sam_function, echo) -> None:
    gateway.runtime.handlers.update(fn=echo, authfn=lambda event, context: {
        "isAuthorized": event["headers"].get("authorization") == "letmein",
        "context": {"user": "ann"}})
    stack = deploy_sam({
        "Api": {"Type": "AWS::Serverless::HttpApi", "Properties": {"Auth": {
            "Authorizers": {"L": {"FunctionArn": AUTH_ARN,
                                  "AuthorizerPayloadFormatVersion": "2.0",
                                  "EnableSimpleResponses": True,
                                  "Identity": {"Headers": ["Authorization"]}}},
            "DefaultAuthorizer": "L"}}},
        "AuthFn": sam_function({}),
        "Fn": sam_function({"Get": {"Type": "HttpApi", "Properties": {
            "ApiId": {"Ref": "Api"}, "Path": "/a", "Method": "GET"}}}),
    })
    url = gateway.url(stack.api_id("Api"), path="/a")
    assert gateway.request("GET", url).status_code == 401
    assert gateway.request("GET", url, headers={"Authorization": "x"}).status_code == 403
    r = gateway.request("GET", url, headers={"Authorization": "letmein"})
    assert r.status_code == 200
    assert gateway.runtime.event["requestContext"]["authorizer"] == {"lambda": {"user": "ann"}}


@pytest.mark.parametrize("auth, named", [
    ({"Authorizer": "Pool"}, "authorizer Pool is a Cognito user pool authorizer"),
    ({"Authorizer": "AWS_IAM"}, "security scheme AWS_IAM is IAM authorization (SigV4)"),
])
def test_sam_rest_api_auth_fogbank_cannot_enforce_fails_the_deploy(
        gateway, deploy_sam, sam_function, auth, named) -> None:
    with pytest.raises(TemplateError) as refused:
        deploy_sam({
            "Api": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "Prod", "Auth": {
                "Authorizers": {"Pool": {"UserPoolArn": "arn:aws:cognito-idp:us-east-1:"
                                                        "123456789012:userpool/us-east-1_x"}}}}},
            "Fn": sam_function({"Get": {"Type": "Api", "Properties": {
                "RestApiId": {"Ref": "Api"}, "Path": "/a", "Method": "get", "Auth": auth}}}),
        })
    assert str(refused.value).startswith(f"Resource Api: {named}")


def test_an_unused_cognito_authorizer_deploys(gateway, deploy_sam, sam_function, echo) -> None:
    gateway.runtime.handlers.update(fn=echo)
    stack = deploy_sam({
        "Api": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "Prod", "Auth": {
            "Authorizers": {"Pool": {"UserPoolArn": "arn:aws:cognito-idp:us-east-1:"
                                                    "123456789012:userpool/us-east-1_x"}}}}},
        "Fn": sam_function({"Get": {"Type": "Api", "Properties": {
            "RestApiId": {"Ref": "Api"}, "Path": "/a", "Method": "get"}}}),
    })
    assert gateway.request("GET", gateway.url(stack.api_id("Api"), "Prod", "/a")).status_code == 200


# ------------------------------------------------------------------ hand-written resources

def res(logical_id, kind, **props):
    return Resource(logical_id, kind, props, Path("."), "app")


def providers(gateway):
    return {t: p for p in ApiProviders(gateway.apis, "us-east-1", "123456789012").all()
            for t in p.types}


def test_hand_written_rest_authorizer_and_method(gateway, echo) -> None:
    gateway.runtime.handlers.update(fn=echo, authfn=allow_token)
    p = providers(gateway)
    api_id = p["AWS::ApiGateway::RestApi"].create(res("Api", "AWS::ApiGateway::RestApi",
                                                      Name="a")).physical_id
    root = gateway.apis.get(api_id).root_resource_id
    authorizer = p["AWS::ApiGateway::Authorizer"].create(res(
        "Auth", "AWS::ApiGateway::Authorizer", RestApiId=api_id, Type="REQUEST", Name="A",
        AuthorizerUri=LAMBDA_URI.format("authfn"),
        IdentitySource="method.request.header.Authorization"))
    assert authorizer.attributes == {"AuthorizerId": authorizer.physical_id}
    p["AWS::ApiGateway::Method"].create(res(
        "Get", "AWS::ApiGateway::Method", RestApiId=api_id, ResourceId=root, HttpMethod="GET",
        AuthorizationType="CUSTOM", AuthorizerId=authorizer.physical_id,
        Integration={"Type": "AWS_PROXY", "Uri": LAMBDA_URI.format("fn")}))
    p["AWS::ApiGateway::Stage"].create(res("Stage", "AWS::ApiGateway::Stage", RestApiId=api_id,
                                           StageName="v1"))
    url = gateway.url(api_id, "v1", "/")
    assert gateway.request("GET", url).status_code == 401
    r = gateway.request("GET", url, headers={"Authorization": "letmein"})
    assert r.status_code == 200
    assert gateway.runtime.events[-2]["methodArn"].endswith(f"{api_id}/v1/GET/")


@pytest.mark.parametrize("kind, words", [
    ("AWS_IAM", "GET / is guarded by IAM authorization (AWS_IAM)"),
    ("COGNITO_USER_POOLS", "GET / is guarded by a Cognito user pool authorizer"),
])
def test_hand_written_method_with_unenforceable_authorization_fails(gateway, kind,
                                                                    words) -> None:
    p = providers(gateway)
    api_id = p["AWS::ApiGateway::RestApi"].create(res("Api", "AWS::ApiGateway::RestApi",
                                                      Name="a")).physical_id
    with pytest.raises(TemplateError, match="^" + re.escape(f"Resource Get: {words}")):
        p["AWS::ApiGateway::Method"].create(res(
            "Get", "AWS::ApiGateway::Method", RestApiId=api_id,
            ResourceId=gateway.apis.get(api_id).root_resource_id, HttpMethod="GET",
            AuthorizationType=kind, AuthorizerId="x",
            Integration={"Type": "AWS_PROXY", "Uri": LAMBDA_URI.format("fn")}))


def test_hand_written_http_route_with_iam_fails(gateway) -> None:
    p = providers(gateway)
    api_id = p["AWS::ApiGatewayV2::Api"].create(res("Api", "AWS::ApiGatewayV2::Api", Name="h",
                                                    ProtocolType="HTTP")).physical_id
    with pytest.raises(TemplateError, match="^Resource R: GET /a is guarded by IAM"):
        p["AWS::ApiGatewayV2::Route"].create(res("R", "AWS::ApiGatewayV2::Route", ApiId=api_id,
                                                 RouteKey="GET /a", AuthorizationType="AWS_IAM"))


def test_hand_written_authorizer_with_a_bad_identity_source_fails(gateway) -> None:
    p = providers(gateway)
    api_id = p["AWS::ApiGatewayV2::Api"].create(res("Api", "AWS::ApiGatewayV2::Api", Name="h",
                                                    ProtocolType="HTTP")).physical_id
    with pytest.raises(TemplateError, match="identity source Authorization is not"):
        p["AWS::ApiGatewayV2::Authorizer"].create(res(
            "A", "AWS::ApiGatewayV2::Authorizer", ApiId=api_id, Name="A",
            AuthorizerType="REQUEST", AuthorizerUri=LAMBDA_URI.format("authfn"),
            AuthorizerPayloadFormatVersion="2.0", IdentitySource=["Authorization"]))
