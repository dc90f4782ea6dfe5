"""SAM's EventInvokeConfig and AWS::Lambda::EventInvokeConfig, AWS::Lambda::Permission and a
function's Tags: what a deployed template sets on the function the runtime serves."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from fogbank.deploy import Deployer, Template, TemplateError
from fogbank.deploy.providers import default_providers
from fogbank.types import EventInvokeConfig, FunctionPermission

REGION, ACCOUNT = "us-east-1", "123456789012"    # what the conftest `load` fixture uses
ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function"

Load = Callable[..., Template]

APP = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: worker
      CodeUri: src
      Handler: app.handler
      Runtime: python3.12
      Tags: {team: blue}
      EventInvokeConfig:
        MaximumEventAgeInSeconds: 120
        MaximumRetryAttempts: 0
        DestinationConfig:
          OnSuccess: {Type: Lambda, Destination: !GetAtt Done.Arn}
          OnFailure: {Type: Lambda, Destination: !GetAtt Failed.Arn}
      Events:
        Get:
          Type: HttpApi
          Properties: {Path: /work, Method: get}
  Done:
    Type: AWS::Serverless::Function
    Properties: {FunctionName: done, CodeUri: src, Handler: app.handler, Runtime: python3.12}
  Failed:
    Type: AWS::Serverless::Function
    Properties: {FunctionName: failed, CodeUri: src, Handler: app.handler, Runtime: python3.12}
"""


@pytest.fixture
def deployer(runtime: Any, tmp_path: Path) -> Callable[[], Deployer]:
    """A new node's deployer each call, on the same recorded stack (a restart)."""
    return lambda: Deployer(tmp_path / "state", default_providers(runtime, REGION, ACCOUNT),
                            REGION, ACCOUNT)


def deploy(deployer: Callable[[], Deployer], tpl: Template) -> Deployer:
    node = deployer()
    node.apply(node.plan(tpl))
    return node


def test_sam_event_invoke_config_is_set_on_the_function(load: Load, runtime: Any,
                                                        deployer: Callable[[], Deployer]) -> None:
    deploy(deployer, load(APP))
    config = runtime.specs["worker"].event_invoke_configs["$LATEST"]
    assert (config.maximum_retry_attempts, config.maximum_event_age_s) == (0, 120)
    assert (config.on_success, config.on_failure) == (f"{ARN}:done", f"{ARN}:failed")
    assert runtime.specs["done"].event_invoke_configs == {}


def test_settings_left_out_stay_unset(load: Load, runtime: Any,
                                      deployer: Callable[[], Deployer]) -> None:
    deploy(deployer, load(APP.replace("        MaximumEventAgeInSeconds: 120\n", "")))
    config = runtime.specs["worker"].event_invoke_configs["$LATEST"]
    assert config.maximum_event_age_s is None and config.max_age_s == 21600


def test_an_alias_gets_its_own_config(load: Load, runtime: Any,
                                      deployer: Callable[[], Deployer]) -> None:
    deploy(deployer, load(APP.replace("      Tags: {team: blue}\n",
                                      "      Tags: {team: blue}\n      AutoPublishAlias: live\n")))
    assert set(runtime.specs["worker"].event_invoke_configs) == {"live"}


def test_settings_survive_a_restart_and_go_with_the_template(
        load: Load, runtime: Any, deployer: Callable[[], Deployer]) -> None:
    deploy(deployer, load(APP))
    runtime.specs.clear()
    restarted = deployer()
    restarted.restore(load(APP))
    assert runtime.specs["worker"].event_invoke_configs["$LATEST"].maximum_retry_attempts == 0
    without = APP[:APP.index("      EventInvokeConfig:")] + APP[APP.index("      Events:"):]
    restarted.apply(restarted.plan(load(without)))
    assert runtime.specs["worker"].event_invoke_configs == {}


def test_plain_cloudformation_resource(load: Load, runtime: Any,
                                       deployer: Callable[[], Deployer]) -> None:
    deploy(deployer, load("""
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties: {FunctionName: plain, Code: src, Handler: app.handler,
                         Runtime: python3.12, Role: arn:aws:iam::123456789012:role/r}
          Config:
            Type: AWS::Lambda::EventInvokeConfig
            Properties:
              FunctionName: !Ref Fn
              Qualifier: $LATEST
              MaximumRetryAttempts: 1
        """))
    assert runtime.specs["plain"].event_invoke_configs["$LATEST"] == EventInvokeConfig(
        maximum_retry_attempts=1,
        last_modified=runtime.specs["plain"].event_invoke_configs["$LATEST"].last_modified)


@pytest.mark.parametrize("setting,value,message", [
    ("MaximumRetryAttempts", 3, "Value '3' at 'maximumRetryAttempts' failed to satisfy "
                                "constraint: Member must have value less than or equal to 2"),
    ("MaximumRetryAttempts", -1, "Value '-1' at 'maximumRetryAttempts' failed to satisfy "
                                 "constraint: Member must have value greater than or equal to 0"),
    ("MaximumEventAgeInSeconds", 59, "Value '59' at 'maximumEventAgeInSeconds' failed to "
                                     "satisfy constraint: Member must have value greater than "
                                     "or equal to 60"),
    ("MaximumEventAgeInSeconds", 21601, "Value '21601' at 'maximumEventAgeInSeconds' failed "
                                        "to satisfy constraint: Member must have value less "
                                        "than or equal to 21600"),
    ("MaximumEventAgeInSeconds", "soon", "property MaximumEventAgeInSeconds must be an "
                                         "integer, got 'soon'"),
])
def test_out_of_range_settings_are_refused(load: Load, deployer: Callable[[], Deployer],
                                           setting: str, value: Any, message: str) -> None:
    text = APP.replace("        MaximumRetryAttempts: 0\n", "").replace(
        "        MaximumEventAgeInSeconds: 120\n", f"        {setting}: {value}\n")
    with pytest.raises(TemplateError) as excinfo:
        deploy(deployer, load(text))
    assert message in str(excinfo.value)
    assert "WorkerEventInvokeConfig" in str(excinfo.value)


@pytest.mark.parametrize("destination,kind", [
    ("{Type: SQS}", "SQS"),                      # SAM makes a queue, which is not deployed
    ("{Type: SNS}", "SNS"),
    ("{Type: SQS, Destination: arn:aws:sqs:us-east-1:123456789012:q}", "SQS"),
    ("{Type: SNS, Destination: arn:aws:sns:us-east-1:123456789012:t}", "SNS"),
    ("{Type: EventBridge, Destination: arn:aws:events:us-east-1:123456789012:event-bus/b}",
     "EventBridge"),
    ("{Type: S3Bucket, Destination: arn:aws:s3:::bucket}", "S3"),
])
def test_destinations_other_than_functions_are_refused(
        load: Load, deployer: Callable[[], Deployer], destination: str, kind: str) -> None:
    text = APP.replace("OnFailure: {Type: Lambda, Destination: !GetAtt Failed.Arn}",
                       f"OnFailure: {destination}")
    with pytest.raises(TemplateError) as excinfo:
        deploy(deployer, load(text))
    message = str(excinfo.value)
    assert f"DestinationConfig.OnFailure is an {kind} destination" in message
    assert "only to functions of the app" in message


def test_permissions_become_the_function_policy(load: Load, runtime: Any,
                                                deployer: Callable[[], Deployer]) -> None:
    node = deploy(deployer, load(APP))
    [permission] = runtime.specs["worker"].permissions
    # (No API provider here: the API's id is the deployer's placeholder.)
    api_id = "fogbank-unsupported-ServerlessHttpApi"
    assert permission == FunctionPermission(
        sid=permission.sid, principal="apigateway.amazonaws.com",
        source_arn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/*/GET/work")
    assert "-WorkerGetPermission-" in permission.sid     # named as CloudFormation names it
    # The permission goes when its event does.
    without_event = APP[:APP.index("      Events:")] + APP[APP.index("  Done:"):]
    node.apply(node.plan(load(without_event)))
    assert runtime.specs["worker"].permissions == ()


def test_sam_tags_the_function_it_creates(load: Load, runtime: Any,
                                          deployer: Callable[[], Deployer]) -> None:
    deploy(deployer, load(APP))
    assert runtime.specs["worker"].tags == {"lambda:createdBy": "SAM", "team": "blue"}
