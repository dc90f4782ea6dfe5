"""A function's LoggingConfig from the template: Lambda's defaults and Lambda's refusals."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fogbank.deploy import TemplateError
from fogbank.deploy.providers import FunctionProvider
from fogbank.types import Resource

from .conftest import ACCOUNT, REGION


def deploy(runtime: Any, app_dir: Path, logging: Any) -> dict[str, str]:
    props = {"FunctionName": "orders", "Handler": "app.handler", "Runtime": "python3.11",
             "Code": "src", "LoggingConfig": logging}
    provider = FunctionProvider(runtime, region=REGION, account_id=ACCOUNT)
    provider.create(Resource("Fn", "AWS::Lambda::Function", props, app_dir, "shop"))
    return dict(runtime.specs["orders"].logging_config)


def test_json_gets_both_levels_at_info_and_the_default_log_group(runtime, app_dir):
    assert deploy(runtime, app_dir, {"LogFormat": "JSON"}) == {
        "LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "INFO",
        "LogGroup": "/aws/lambda/orders"}


def test_json_keeps_the_levels_and_log_group_given(runtime, app_dir):
    given = {"LogFormat": "JSON", "ApplicationLogLevel": "TRACE", "SystemLogLevel": "WARN",
             "LogGroup": "/shop/orders"}
    assert deploy(runtime, app_dir, given) == given


def test_text_has_no_levels(runtime, app_dir):
    assert deploy(runtime, app_dir, {"LogGroup": "/shop/orders"}) == {
        "LogFormat": "Text", "LogGroup": "/shop/orders"}


def test_no_logging_config_is_lambdas_default(runtime, app_dir):
    props = {"Handler": "app.handler", "Runtime": "python3.11", "Code": "src",
             "FunctionName": "orders"}
    FunctionProvider(runtime).create(Resource("Fn", "AWS::Lambda::Function", props, app_dir, "s"))
    assert runtime.specs["orders"].logging_config == {}


TEXT_WITH_LEVEL = ('Resource Fn: LogLevel is not supported when LogFormat is set to "Text". '
                   'Remove LogLevel from your request or change the LogFormat to "JSON" and '
                   'try again.')


@pytest.mark.parametrize("logging", [
    {"LogFormat": "Text", "ApplicationLogLevel": "DEBUG"},
    {"LogFormat": "Text", "SystemLogLevel": "WARN"},
    {"ApplicationLogLevel": "ERROR"},           # Text is the default format
])
def test_a_level_with_text_is_refused_with_lambdas_message(runtime, app_dir, logging):
    with pytest.raises(TemplateError) as info:
        deploy(runtime, app_dir, logging)
    assert info.value.message == TEXT_WITH_LEVEL
    assert "orders" not in runtime.specs


@pytest.mark.parametrize("logging, member, allowed", [
    ({"LogFormat": "Xml"}, "logFormat", "[JSON, Text]"),
    ({"LogFormat": "json"}, "logFormat", "[JSON, Text]"),
    ({"LogFormat": "JSON", "ApplicationLogLevel": "WARNING"}, "applicationLogLevel",
     "[TRACE, DEBUG, INFO, WARN, ERROR, FATAL]"),
    ({"LogFormat": "JSON", "SystemLogLevel": "ERROR"}, "systemLogLevel", "[DEBUG, INFO, WARN]"),
])
def test_a_value_outside_the_enum_is_refused(runtime, app_dir, logging, member, allowed):
    value = next(v for k, v in logging.items() if k != "LogFormat" or len(logging) == 1)
    with pytest.raises(TemplateError) as info:
        deploy(runtime, app_dir, logging)
    assert info.value.message == (
        f"Resource Fn: 1 validation error detected: Value '{value}' at 'loggingConfig.{member}' "
        f"failed to satisfy constraint: Member must satisfy enum value set: {allowed}")


@pytest.mark.parametrize("group, broken", [
    ("has space", r"Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+"),
    ("", "Member must have length greater than or equal to 1"),
    ("x" * 513, "Member must have length less than or equal to 512"),
])
def test_a_bad_log_group_is_refused(runtime, app_dir, group, broken):
    with pytest.raises(TemplateError) as info:
        deploy(runtime, app_dir, {"LogGroup": group})
    assert info.value.message == (
        f"Resource Fn: 1 validation error detected: Value '{group}' at 'loggingConfig.logGroup' "
        f"failed to satisfy constraint: {broken}")


def test_logging_config_that_is_not_a_mapping_is_refused(runtime, app_dir):
    with pytest.raises(TemplateError, match="Resource Fn: LoggingConfig must be a mapping"):
        deploy(runtime, app_dir, "JSON")
