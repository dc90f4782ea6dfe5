"""REST API resource policies: the evaluation for an anonymous caller, and the policy as
templates give it (SAM `Auth.ResourcePolicy`, a RestApi's `Policy`) enforced on requests,
alone and beside a Lambda authorizer."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.apis import ApiProviders
from fogbank.gateway.iam_policy import ALLOW, EXPLICIT_DENY, IMPLICIT_DENY, MalformedPolicy
from fogbank.gateway.resource_policy import Caller, check, evaluate
from fogbank.types import Resource

API = "arn:aws:execute-api:us-east-1:123456789012:abc123"
ARN = f"{API}/prod/POST/pets/7"
CALLER = Caller("192.0.2.9", 1700000000.0, user_agent="curl/8")


def policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def stmt(effect: str = "Allow", **extra) -> dict:
    return {"Effect": effect, "Principal": "*", "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*", **extra}


def verdict(doc: dict, arn: str = ARN, caller: Caller = CALLER) -> str:
    return evaluate(doc, arn, API, caller)


@pytest.mark.parametrize("resource, expected", [
    ("execute-api:/*", ALLOW),
    ("execute-api:/prod/POST/pets/*", ALLOW),
    ("execute-api:/prod/GET/*", IMPLICIT_DENY),
    ("execute-api:/dev/*", IMPLICIT_DENY),
    (f"{API}/prod/POST/pets/7", ALLOW),
    ("arn:aws:execute-api:us-east-1:123456789012:other/*", IMPLICIT_DENY),
    ("arn:aws:execute-api:*:*:*/prod/*", ALLOW),
    ("*", ALLOW),
])
def test_resources_are_shorthand_or_arn_patterns(resource, expected) -> None:
    assert verdict(policy(stmt(Resource=resource))) == expected


@pytest.mark.parametrize("principal, expected", [
    ("*", ALLOW),
    ({"AWS": "*"}, ALLOW),
    ({"AWS": ["arn:aws:iam::1:root", "*"]}, ALLOW),
    ({"AWS": "arn:aws:iam::123456789012:root"}, IMPLICIT_DENY),
    ({"Service": "lambda.amazonaws.com"}, IMPLICIT_DENY),
])
def test_only_everyone_speaks_for_an_anonymous_caller(principal, expected) -> None:
    assert verdict(policy(stmt(Principal=principal))) == expected


def test_not_principal_deny_applies_unless_it_spares_everyone() -> None:
    deny = {k: v for k, v in stmt("Deny").items() if k != "Principal"}
    assert verdict(policy(stmt(), {**deny, "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}})
                   ) == EXPLICIT_DENY
    assert verdict(policy(stmt(), {**deny, "NotPrincipal": "*"})) == ALLOW


def test_a_deny_wins_over_an_allow() -> None:
    assert verdict(policy(stmt(), stmt("Deny", Resource="execute-api:/*/POST/*"))
                   ) == EXPLICIT_DENY
    assert verdict(policy(stmt(), stmt("Deny", Resource="execute-api:/*/GET/*"))) == ALLOW


def test_not_action_and_not_resource() -> None:
    doc = policy({"Effect": "Allow", "Principal": "*", "NotAction": "execute-api:ManageConnections",
                  "NotResource": "execute-api:/*/GET/*"})
    assert verdict(doc) == ALLOW
    assert verdict(doc, f"{API}/prod/GET/pets") == IMPLICIT_DENY


@pytest.mark.parametrize("condition, expected", [
    ({"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}, ALLOW),
    ({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.9"]}}, ALLOW),
    ({"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}, IMPLICIT_DENY),
    ({"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}}, ALLOW),
    ({"DateGreaterThan": {"aws:CurrentTime": "2023-01-01T00:00:00Z"},
      "DateLessThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}, ALLOW),
    ({"DateLessThan": {"aws:CurrentTime": "2022-09-30T23:59:59Z"}}, IMPLICIT_DENY),
    ({"NumericLessThan": {"aws:EpochTime": 1800000000}}, ALLOW),
    ({"StringLike": {"aws:UserAgent": "curl/*"}}, ALLOW),
    ({"StringEquals": {"aws:SourceVpce": "vpce-1"}}, IMPLICIT_DENY),     # no such key
    ({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}, ALLOW),          # negated: holds
    ({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}, ALLOW),
    ({"Null": {"aws:SourceVpc": "true"}}, ALLOW),
    ({"Null": {"aws:SourceIp": "true"}}, IMPLICIT_DENY),
    ({"Bool": {"aws:SecureTransport": False}}, ALLOW),
])
def test_conditions_read_the_request(condition, expected) -> None:
    assert verdict(policy(stmt(Condition=condition))) == expected


def test_a_deny_of_every_other_vpc_endpoint_refuses_a_public_caller() -> None:
    doc = policy(stmt(), stmt("Deny", Condition={
        "StringNotEquals": {"aws:SourceVpce": "vpce-0123"}}))
    assert verdict(doc) == EXPLICIT_DENY


@pytest.mark.parametrize("doc", [
    "not a policy",
    {"Statement": []},
    {"Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "*", "Resource": "*"}]},
    {"Statement": [{"Effect": "Allow", "Principal": "*", "Resource": "*"}]},
    {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    {"Statement": [stmt(NotResource="execute-api:/*")]},
    {"Statement": [stmt(Condition={"SortOfEquals": {"aws:SourceIp": "x"}})]},
])
def test_malformed_policies_are_refused(doc) -> None:
    with pytest.raises(MalformedPolicy):
        check(doc)


# ------------------------------------------------------------------ served

OK = {"statusCode": 200, "body": "ok"}


def hello(event, context):
    return OK


def _sam_api(deploy_sam, sam_function, resource_policy: dict, auth: dict | None = None):
    properties = {"StageName": "Prod", "Auth": {"ResourcePolicy": resource_policy, **(auth or {})}}
    api = {"RestApiId": {"Ref": "Api"}, "Path": "/", "Method": "get"}
    post = {**api, "Method": "post"}
    return deploy_sam({
        "Api": {"Type": "AWS::Serverless::Api", "Properties": properties},
        "Fn": sam_function({"Get": {"Type": "Api", "Properties": api},
                            "Post": {"Type": "Api", "Properties": post}}),
    })


def _message(response) -> str:
    return response.json()["Message"]


def test_a_policy_allowing_a_past_date_window_refuses_every_call(gateway, deploy_sam,
                                                                 sam_function) -> None:
    gateway.runtime.handlers["fn"] = hello
    stack = _sam_api(deploy_sam, sam_function, {"CustomStatements": [stmt(Condition={
        "DateGreaterThan": {"aws:CurrentTime": "2022-09-01T00:00:00Z"},
        "DateLessThan": {"aws:CurrentTime": "2022-09-30T23:59:59Z"}},
        Resource="execute-api:/Prod/*/*")]})
    api_id = stack.api_id("Api")
    r = gateway.request("GET", gateway.url(api_id, "Prod", "/"))
    assert r.status_code == 403
    assert r.headers["x-amzn-errortype"] == "AccessDeniedException"
    assert _message(r) == (
        "User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
        f"arn:aws:execute-api:us-east-1:********9012:{api_id}/Prod/GET/ because no "
        "resource-based policy allows the execute-api:Invoke action")
    assert gateway.runtime.calls == []


def test_sam_ip_lists_and_a_custom_deny(gateway, deploy_sam, sam_function) -> None:
    gateway.runtime.handlers["fn"] = hello
    stack = _sam_api(deploy_sam, sam_function, {
        "IpRangeWhitelist": [f"{gateway.CLIENT_IP}/32"],
        "CustomStatements": [stmt("Deny", Resource="execute-api:/*/POST/*")]})
    url = gateway.url(stack.api_id("Api"), "Prod", "/")
    assert gateway.request("GET", url).status_code == 200
    r = gateway.request("POST", url)
    assert r.status_code == 403
    assert _message(r).endswith("/Prod/POST/ with an explicit deny in a resource-based policy")

    other = _sam_api(deploy_sam, sam_function, {"IpRangeBlacklist": [gateway.CLIENT_IP]})
    r = gateway.request("GET", gateway.url(other.api_id("Api"), "Prod", "/"))
    assert r.status_code == 403
    assert "with an explicit deny" in _message(r)


def token_authorizer(event, context):
    """"allow" allows the method; "elsewhere" allows only some other method."""
    token = event["authorizationToken"]
    resource = event["methodArn"] if token == "allow" else "arn:aws:execute-api:*:*:*/x/GET/"
    return {"principalId": "p", "policyDocument": {"Version": "2012-10-17", "Statement": [
        {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": resource}]}}


@pytest.mark.parametrize("statements, token, status", [
    ([], "allow", 200),                                  # policy silent, authorizer allows
    ([stmt()], "elsewhere", 200),                        # policy allows, authorizer silent
    ([stmt(Resource="execute-api:/*/POST/*")], "elsewhere", 403),   # both silent
    ([stmt(), stmt("Deny")], "allow", 403),              # an explicit deny in the policy
])
def test_beside_a_lambda_authorizer_either_may_allow(gateway, deploy_sam, sam_function,
                                                     statements, token, status) -> None:
    gateway.runtime.handlers.update(fn=hello, authfn=token_authorizer)
    stack = deploy_sam({
        "Api": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "Prod", "Auth": {
            "Authorizers": {"T": {"FunctionArn": {"Fn::GetAtt": ["AuthFn", "Arn"]}}},
            "DefaultAuthorizer": "T",
            "ResourcePolicy": {"CustomStatements": statements or [
                stmt(Resource="execute-api:/*/DELETE/*")]}}}},
        "AuthFn": sam_function({}),
        "Fn": sam_function({"Get": {"Type": "Api", "Properties": {
            "RestApiId": {"Ref": "Api"}, "Path": "/", "Method": "get"}}}),
    })
    r = gateway.request("GET", gateway.url(stack.api_id("Api"), "Prod", "/"),
                        headers={"Authorization": token})
    assert r.status_code == status
    if statements[1:]:           # the policy's deny: the authorizer is never asked
        assert gateway.runtime.calls == []


def _rest_api(gateway, **props):
    p = {t: pr for pr in ApiProviders(gateway.apis, "us-east-1", "123456789012").all()
         for t in pr.types}
    make = p["AWS::ApiGateway::RestApi"]
    return make.create(Resource("Api", "AWS::ApiGateway::RestApi",
                                {"Name": "a", "Body": {"swagger": "2.0", "paths": {"/": {"get": {
                                    "x-amazon-apigateway-integration": {
                                        "type": "aws_proxy", "httpMethod": "POST",
                                        "uri": "arn:aws:apigateway:us-east-1:lambda:path/"
                                               "2015-03-31/functions/arn:aws:lambda:us-east-1:"
                                               "123456789012:function:fn/invocations"}}}}},
                                 **props}, Path("."), "app")), p


def test_a_rest_api_policy_given_as_json_text(gateway) -> None:
    gateway.runtime.handlers["fn"] = hello
    text = json.dumps(policy(stmt(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})))
    deployed, p = _rest_api(gateway, Policy=text)
    p["AWS::ApiGateway::Stage"].create(Resource("S", "AWS::ApiGateway::Stage", {
        "RestApiId": deployed.physical_id, "StageName": "v1"}, Path("."), "app"))
    assert gateway.request("GET", gateway.url(deployed.physical_id, "v1", "/")).status_code == 403


@pytest.mark.parametrize("bad", ["{not json", {"Statement": [{"Effect": "Allow"}]}])
def test_a_malformed_rest_api_policy_fails_the_deploy(gateway, bad) -> None:
    with pytest.raises(TemplateError, match="Invalid policy document"):
        _rest_api(gateway, Policy=bad)
