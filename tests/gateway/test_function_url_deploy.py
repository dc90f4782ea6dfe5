"""SAM's FunctionUrlConfig, translated by aws-sam-translator into AWS::Lambda::Url, deployed
through FunctionUrlProvider into the registry the gateway serves; and the templates that
fail the deploy."""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.function_urls import FunctionUrlProvider
from fogbank.deploy.providers.permissions import PermissionProvider
from fogbank.gateway.function_urls import (AWS_IAM, BUFFERED, NONE, RESPONSE_STREAM,
                                           FunctionUrlRegistry, url_id_for)
from fogbank.gateway.model import Cors
from fogbank.runtime.resource_policy import permits
from fogbank.types import FunctionPermission, InvokeSource, Resource

from .conftest import ACCOUNT, REGION, translate

ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function"


def sam_url(config: dict, **function: Any) -> tuple[str, dict]:
    """The AWS::Lambda::Url SAM makes of a function's FunctionUrlConfig: (logical id,
    properties), its Ref to the function or alias resolved as the deployer would."""
    props = {"FunctionName": "orders", "CodeUri": "s3://bucket/code.zip",
             "Handler": "app.handler", "Runtime": "python3.11",
             "FunctionUrlConfig": config, **function}
    resources = translate({"Transform": "AWS::Serverless-2016-10-31",
                           "Resources": {"Orders": {"Type": "AWS::Serverless::Function",
                                                    "Properties": props}}})
    (lid,) = [lid for lid, r in resources.items() if r["Type"] == "AWS::Lambda::Url"]
    properties = dict(resources[lid]["Properties"])
    target = properties["TargetFunctionArn"]["Ref"]
    properties["TargetFunctionArn"] = ("orders" if target == "Orders"
                                       else f"{ARN}:orders:{resources[target]['Properties']['Name']}")
    return lid, properties


def resource(props: dict, lid: str = "OrdersUrl") -> Resource:
    return Resource(lid, "AWS::Lambda::Url", props, Path("."), "app")


@pytest.fixture
def registry() -> FunctionUrlRegistry:
    return FunctionUrlRegistry("http://127.0.0.1:4566")


@pytest.fixture
def provider(registry: FunctionUrlRegistry) -> FunctionUrlProvider:
    return FunctionUrlProvider(registry, REGION, ACCOUNT, clock=lambda: 1700000000.0)


def test_function_url_config_becomes_a_served_url(registry, provider):
    lid, props = sam_url({"AuthType": "NONE", "InvokeMode": "BUFFERED",
                          "Cors": {"AllowOrigins": ["https://app.example"],
                                   "AllowMethods": ["GET"], "MaxAge": 60,
                                   "AllowCredentials": True}})
    assert lid == "OrdersUrl"
    deployed = provider.create(resource(props))
    url_id = url_id_for("orders", None, ACCOUNT, REGION)
    assert deployed.physical_id == f"{ARN}:orders"
    assert deployed.attributes == {"FunctionArn": f"{ARN}:orders",
                                   "FunctionUrl": f"http://{url_id}.lambda-url.localhost:4566/"}
    url = registry.get(url_id)
    assert (url.function, url.qualifier, url.auth_type, url.invoke_mode) == \
        ("orders", None, NONE, BUFFERED)
    assert url.cors == Cors(allow_origins=("https://app.example",), allow_methods=("GET",),
                            max_age=60, allow_credentials=True)
    assert registry.urls(f"{ARN}:orders") == [
        ("", f"http://{url_id}.lambda-url.localhost:4566/"),
        ("no DNS", f"http://127.0.0.1:4566/_aws/lambda-url/{url_id}/")]


def test_an_auto_published_alias_gets_the_url(registry, provider):
    _, props = sam_url({"AuthType": "AWS_IAM", "InvokeMode": "RESPONSE_STREAM"},
                       AutoPublishAlias="live")
    deployed = provider.create(resource(props))
    assert deployed.attributes["FunctionArn"] == f"{ARN}:orders:live"
    (url,) = registry.of_function("orders")
    assert (url.qualifier, url.target, url.auth_type, url.invoke_mode) == \
        ("live", "orders:live", AWS_IAM, RESPONSE_STREAM)
    assert url.url_id == url_id_for("orders", "live", ACCOUNT, REGION)


def test_restore_registers_again_on_the_new_port(provider):
    _, props = sam_url({"AuthType": "NONE"})
    first = provider.create(resource(props))
    again = FunctionUrlRegistry("http://127.0.0.1:5000")
    restored = FunctionUrlProvider(again, REGION, ACCOUNT).restore(resource(props), first)
    url_id = url_id_for("orders", None, ACCOUNT, REGION)
    assert restored.attributes["FunctionUrl"] == f"http://{url_id}.lambda-url.localhost:5000/"
    assert again.get(url_id) is not None


def test_update_keeps_the_url_and_delete_removes_it(registry):
    times = itertools.count(1)
    provider = FunctionUrlProvider(registry, REGION, ACCOUNT, clock=lambda: next(times))
    _, props = sam_url({"AuthType": "NONE"})
    deployed = provider.create(resource(props))
    changed = {**props, "AuthType": "AWS_IAM"}
    provider.update(resource(props), deployed, resource(changed))
    (url,) = registry.of_function("orders")
    assert (url.auth_type, url.created) == (AWS_IAM, 1)      # created when first deployed
    moved = {**changed, "TargetFunctionArn": "billing"}
    provider.update(resource(changed), deployed, resource(moved))
    assert registry.of_function("orders") == []
    provider.delete(resource(moved), deployed)
    assert registry.of_function("billing") == []


@pytest.mark.parametrize("props,message", [
    ({"TargetFunctionArn": "orders"}, "required key [AuthType] not found"),
    ({"AuthType": "NONE"}, "required key [TargetFunctionArn] not found"),
    ({"TargetFunctionArn": "orders", "AuthType": "OPEN"},
     "Value 'OPEN' at 'authType' failed to satisfy constraint: Member must satisfy enum "
     "value set: [NONE, AWS_IAM]"),
    ({"TargetFunctionArn": "orders", "AuthType": "NONE", "InvokeMode": "UNKNOWN"},
     "Value 'UNKNOWN' at 'invokeMode' failed to satisfy constraint: Member must satisfy "
     "enum value set: [RESPONSE_STREAM, BUFFERED]"),
    ({"TargetFunctionArn": "orders", "AuthType": "NONE", "Qualifier": "1"},
     r"Value '1' at 'qualifier' failed to satisfy constraint: Member must satisfy regular "
     r"expression pattern: ((?!^\d+$)^[0-9a-zA-Z-_]+$)"),
    ({"TargetFunctionArn": f"{ARN}:orders:$LATEST", "AuthType": "NONE"},
     "Value '$LATEST' at 'qualifier'"),
    ({"TargetFunctionArn": f"{ARN}:orders:live", "AuthType": "NONE", "Qualifier": "prod"},
     "The derived qualifier from the function name does not match the specified qualifier."),
    ({"TargetFunctionArn": "orders", "AuthType": "NONE", "Cors": {"MaxAge": 86401}},
     "Value '86401' at 'cors.maxAge' failed to satisfy constraint: Member must have value "
     "less than or equal to 86400"),
])
def test_a_wrong_url_fails_the_deploy(provider, props, message):
    with pytest.raises(TemplateError) as excinfo:
        provider.create(resource(props))
    assert message in excinfo.value.message
    assert "OrdersUrl" in excinfo.value.message


class Statements:
    """Stands in for the FunctionProvider: the statements PermissionProvider sets."""

    def __init__(self) -> None:
        self.set: dict[str, list[FunctionPermission]] = {}

    def set_permission(self, name: str, sid: str, permission: FunctionPermission) -> None:
        self.set.setdefault(name, []).append(permission)


@pytest.mark.parametrize("function, qualifier", [({}, None),
                                                 ({"AutoPublishAlias": "live"}, "live")])
def test_sam_keeps_the_public_url_permission_and_it_lets_anyone_call(function, qualifier):
    props = {"FunctionName": "orders", "CodeUri": "s3://bucket/code.zip",
             "Handler": "app.handler", "Runtime": "python3.11",
             "FunctionUrlConfig": {"AuthType": "NONE"}, **function}
    resources = translate({"Transform": "AWS::Serverless-2016-10-31",
                           "Resources": {"Orders": {"Type": "AWS::Serverless::Function",
                                                    "Properties": props}}})
    statements = Statements()
    provider = PermissionProvider(statements)        # type: ignore[arg-type]
    for lid, res in resources.items():
        if res["Type"] == "AWS::Lambda::Permission":
            properties = dict(res["Properties"])
            # The deployer resolves the function's Ref (its name) or the alias's (its ARN).
            properties["FunctionName"] = (f"{ARN}:orders:{qualifier}" if qualifier
                                          else "orders")
            provider.create(Resource(lid, res["Type"], properties, Path("."), "app"))
    granted = statements.set["orders"]
    assert {p.action for p in granted} == {"lambda:InvokeFunctionUrl", "lambda:InvokeFunction"}
    anyone = InvokeSource("*", action="lambda:InvokeFunctionUrl", url_auth_type=NONE)
    assert permits(granted, qualifier, anyone)
    # The public InvokeFunction statement is for URL calls: API Gateway gets nothing from it.
    assert not permits(granted, qualifier, InvokeSource("apigateway.amazonaws.com"))
