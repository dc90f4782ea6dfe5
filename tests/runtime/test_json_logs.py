"""LoggingConfig in the runtime: JSON application records as awslambdaric writes them,
Lambda's platform.* records, and the application and system log levels."""
from __future__ import annotations

import json
import re
from typing import Any

JSON = {"LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "INFO",
        "LogGroup": "/aws/lambda/fn"}
MILLIS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"

APP = """
import json, logging
print("loading module")
orders = logging.getLogger("orders")
def handler(event, context):
    print("from print")
    logging.debug("a debug record")
    logging.info("from logging %s", 42)
    orders.warning("order late", extra={"orderId": 7, "items": ["a"]})
    try:
        {}["missing"]
    except KeyError:
        orders.exception("lookup failed")
    print(json.dumps({"level": "error", "msg": "printed as JSON"}))
    return "ok"
"""


def logging_config(**levels: str) -> dict[str, str]:
    return {**JSON, **levels}


def records(lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines if line.startswith("{")]


def of_type(lines: list[str], kind: str) -> list[dict[str, Any]]:
    return [r for r in records(lines) if r.get("type") == kind]


def messages(runtime: Any, name: str) -> list[str]:
    return [event.message for event in runtime.logs.query(name)]


def test_logging_records_are_json_and_print_stays_as_written(deploy, invoke, runtime):
    deploy("fn", APP, logging_config=JSON)
    result, payload = invoke("fn", tail_logs=True)
    rid = result.request_id
    assert payload == "ok"
    lines = messages(runtime, "fn")
    assert "from print" in lines and "loading module" in lines
    app = [r for r in records(lines) if "logger" in r]
    info, warning, error = app          # DEBUG is below the default level, INFO
    assert re.fullmatch(MILLIS, info["timestamp"])
    assert {k: v for k, v in info.items() if k != "timestamp"} == {
        "level": "INFO", "message": "from logging 42", "logger": "root", "requestId": rid}
    assert warning["level"] == "WARNING" and warning["logger"] == "orders"
    assert (warning["orderId"], warning["items"]) == (7, ["a"])     # `extra` keys, as given
    assert "stackTrace" not in warning and "location" not in warning
    assert error["level"] == "ERROR" and error["message"] == "lookup failed"
    assert (error["errorType"], error["errorMessage"]) == ("KeyError", "'missing'")
    assert "app.py" in error["stackTrace"][0]
    assert re.fullmatch(r".*/app\.py:handler:\d+", error["location"])
    # The JSON a handler prints is its own line, untouched.
    assert '{"level": "error", "msg": "printed as JSON"}' in lines
    # The tail is the same log.
    assert result.log_tail.splitlines() == lines


def test_platform_records_replace_start_end_and_report(deploy, invoke, runtime):
    deploy("fn", "def handler(e, c):\n    return 1\n", logging_config=JSON, memory_mb=256)
    cold, _ = invoke("fn")
    warm, _ = invoke("fn")
    lines = messages(runtime, "fn")
    assert not any(re.match(r"(START|END|REPORT|INIT_)", line) for line in lines)
    assert all(re.fullmatch(MILLIS, r["time"]) for r in records(lines))
    assert [r["type"] for r in records(lines)] == [
        "platform.initStart", "platform.start", "platform.report",
        "platform.start", "platform.report"]
    (init,) = of_type(lines, "platform.initStart")
    assert init["record"]["initializationType"] == "on-demand"
    assert init["record"]["phase"] == "init"
    assert init["record"]["runtimeVersion"] == "python:3.11.v1"
    assert re.fullmatch(r"arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}",
                        init["record"]["runtimeVersionArn"])
    assert (init["record"]["functionName"], init["record"]["functionVersion"]) == ("fn", "$LATEST")
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/fn\[\$LATEST\][0-9a-f]{32}", init["record"]["instanceId"])
    assert init["record"]["instanceMaxMemory"] == 256 * 1024 * 1024
    starts = of_type(lines, "platform.start")
    assert [s["record"] for s in starts] == [
        {"requestId": rid, "functionArn": "arn:aws:lambda:us-east-1:000000000000:function:fn",
         "version": "$LATEST"} for rid in (cold.request_id, warm.request_id)]
    first, second = of_type(lines, "platform.report")
    assert first["record"]["requestId"] == cold.request_id
    assert first["record"]["status"] == "success"
    metrics = first["record"]["metrics"]
    assert set(metrics) == {"durationMs", "billedDurationMs", "memorySizeMB", "maxMemoryUsedMB",
                            "initDurationMs"}
    assert metrics["memorySizeMB"] == 256 and metrics["billedDurationMs"] >= 1
    assert isinstance(metrics["durationMs"], float) and metrics["maxMemoryUsedMB"] > 0
    assert "initDurationMs" not in second["record"]["metrics"]      # a warm start


def test_the_application_level_filters_logging_and_printed_lines(deploy, invoke, runtime):
    deploy("fn", APP, logging_config=logging_config(ApplicationLogLevel="ERROR"))
    invoke("fn")
    lines = messages(runtime, "fn")
    # A printed line without a level counts as INFO: dropped, as INFO records are.
    assert "from print" not in lines and "loading module" not in lines
    app = [r for r in records(lines) if "type" not in r]
    assert [(r["level"], r.get("message") or r.get("msg")) for r in app] == [
        ("ERROR", "lookup failed"), ("error", "printed as JSON")]


def test_a_logger_below_the_application_level_is_still_filtered(deploy, invoke, runtime):
    source = ("import logging\nlog = logging.getLogger('chatty')\nlog.setLevel(logging.DEBUG)\n"
              "def handler(e, c):\n    log.debug('too fine')\n    log.warning('coarse')\n")
    deploy("fn", source, logging_config=logging_config(ApplicationLogLevel="WARN"))
    invoke("fn")
    app = [r for r in records(messages(runtime, "fn")) if "logger" in r]
    assert [r["message"] for r in app] == ["coarse"]


def test_trace_and_debug_show_debug_records(deploy, invoke, runtime):
    deploy("fn", APP, logging_config=logging_config(ApplicationLogLevel="TRACE"))
    invoke("fn")
    levels = [r["level"] for r in records(messages(runtime, "fn")) if "logger" in r]
    assert levels == ["DEBUG", "INFO", "WARNING", "ERROR"]


def test_text_format_keeps_pythons_default_level_and_filters_nothing(deploy, invoke, runtime):
    deploy("fn", APP)
    invoke("fn")
    lines = messages(runtime, "fn")
    assert not records([line for line in lines if "printed as JSON" not in line])
    assert "from print" in lines
    # The root logger stays at WARNING, as without a log level on Lambda.
    assert not any("from logging" in line for line in lines)
    assert any(line.startswith("[WARNING]\t") and "order late" in line for line in lines)


def test_the_system_level_warn_hides_the_platform_records(deploy, invoke, runtime):
    deploy("fn", "def handler(e, c):\n    print('only this')\n",
           logging_config=logging_config(SystemLogLevel="WARN"))
    result, _ = invoke("fn", tail_logs=True)
    assert messages(runtime, "fn") == ["only this"]
    assert result.log_tail == "only this\n"


def test_the_system_level_debug_shows_them(deploy, invoke, runtime):
    deploy("fn", "def handler(e, c):\n    return 1\n",
           logging_config=logging_config(SystemLogLevel="DEBUG"))
    invoke("fn")
    assert [r["type"] for r in records(messages(runtime, "fn"))] == [
        "platform.initStart", "platform.start", "platform.report"]


def test_an_unhandled_error_is_logged_as_a_json_record(deploy, invoke, runtime):
    deploy("fn", "def handler(e, c):\n    raise ValueError('bad input')\n", logging_config=JSON)
    result, _ = invoke("fn")
    (error,) = [r for r in records(messages(runtime, "fn")) if "errorType" in r]
    assert list(error) == ["timestamp", "level", "errorMessage", "errorType", "requestId",
                           "stackTrace"]
    # awslambdaric stamps this one to the second, without a zone.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", error["timestamp"])
    assert (error["level"], error["errorType"], error["errorMessage"]) == (
        "ERROR", "ValueError", "bad input")
    assert error["requestId"] == result.request_id
    assert "raise ValueError('bad input')" in error["stackTrace"][0]
    (report,) = of_type(messages(runtime, "fn"), "platform.report")
    assert report["record"]["status"] == "success"      # as the text REPORT has no Status


def test_a_failed_init_is_reported_as_json(deploy, invoke, runtime):
    deploy("fn", "import not_installed\n", logging_config=JSON)
    result, payload = invoke("fn")
    assert payload["errorType"] == "Runtime.ImportModuleError"
    lines = messages(runtime, "fn")
    warning, error = [r for r in records(lines) if "type" not in r]
    assert warning["level"] == "WARNING" and warning["requestId"] == ""
    assert warning["message"].startswith("LAMBDA_WARNING: Unhandled exception.")
    assert (error["level"], error["errorType"], error["requestId"]) == (
        "ERROR", "Runtime.ImportModuleError", "")
    assert [r.get("type") for r in records(lines)] == [
        "platform.initStart", None, None, "platform.initReport", "platform.start",
        "platform.report"]
    (init,) = of_type(lines, "platform.initReport")
    assert {k: v for k, v in init["record"].items() if k != "metrics"} == {
        "initializationType": "on-demand", "phase": "init", "status": "error",
        "errorType": "Runtime.ImportModuleError"}
    assert init["record"]["metrics"]["durationMs"] > 0
    (report,) = of_type(lines, "platform.report")
    assert report["record"]["requestId"] == result.request_id
    assert (report["record"]["status"], report["record"]["errorType"]) == (
        "error", "Runtime.ImportModuleError")
    assert "initDurationMs" not in report["record"]["metrics"]


def test_a_timeout_is_a_report_status(deploy, invoke, runtime):
    deploy("fn", "import time\ndef handler(e, c):\n    time.sleep(5)\n", timeout_s=1,
           logging_config=JSON)
    invoke("fn")
    lines = messages(runtime, "fn")
    assert not any("Task timed out" in line for line in lines)
    (report,) = of_type(lines, "platform.report")
    assert report["record"]["status"] == "timeout"
    assert "errorType" not in report["record"]


def test_a_runtime_that_exits_is_a_report_error(deploy, invoke, runtime):
    deploy("fn", "import os\ndef handler(e, c):\n    os._exit(3)\n", logging_config=JSON)
    invoke("fn")
    (report,) = of_type(messages(runtime, "fn"), "platform.report")
    assert report["record"]["status"] == "error"
    assert report["record"]["errorType"] == "Runtime.ExitError"


ENVIRONMENT = """
import os
def handler(e, c):
    keys = ("AWS_LAMBDA_LOG_FORMAT", "AWS_LAMBDA_LOG_LEVEL", "AWS_LAMBDA_LOG_GROUP_NAME")
    return {"env": {k: os.environ.get(k) for k in keys}, "group": c.log_group_name}
"""


def test_the_environment_carries_the_logging_config(deploy, invoke):
    deploy("json", ENVIRONMENT, logging_config=logging_config(
        ApplicationLogLevel="WARN", LogGroup="/shop/functions"))
    deploy("text", ENVIRONMENT)
    assert invoke("json")[1] == {
        "env": {"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "WARN",
                "AWS_LAMBDA_LOG_GROUP_NAME": "/shop/functions"},
        "group": "/shop/functions"}
    assert invoke("text")[1] == {
        "env": {"AWS_LAMBDA_LOG_FORMAT": None, "AWS_LAMBDA_LOG_LEVEL": None,
                "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/text"},
        "group": "/aws/lambda/text"}
