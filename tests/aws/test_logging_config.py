"""LoggingConfig as GetFunctionConfiguration, GetFunction and ListFunctions show it."""
from __future__ import annotations


def noop(event, context):
    return None


def test_a_function_without_logging_config_shows_lambdas_default(runtime, lambda_client):
    runtime.add("orders", noop)
    config = lambda_client.get_function_configuration(FunctionName="orders")
    assert config["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/aws/lambda/orders"}


def test_json_logging_config_is_shown_with_its_levels(runtime, lambda_client):
    logging = {"LogFormat": "JSON", "ApplicationLogLevel": "WARN", "SystemLogLevel": "DEBUG",
               "LogGroup": "/shop/orders"}
    runtime.add("orders", noop, logging_config=logging)
    assert lambda_client.get_function_configuration(
        FunctionName="orders")["LoggingConfig"] == logging
    assert lambda_client.get_function(
        FunctionName="orders")["Configuration"]["LoggingConfig"] == logging
    (listed,) = lambda_client.list_functions()["Functions"]
    assert listed["LoggingConfig"] == logging


def test_a_text_function_with_its_own_log_group(runtime, lambda_client):
    runtime.add("orders", noop, logging_config={"LogFormat": "Text", "LogGroup": "/shop/orders"})
    config = lambda_client.get_function_configuration(FunctionName="orders")
    assert config["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/shop/orders"}
