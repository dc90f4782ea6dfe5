"""Handler loading and invocation errors, with awslambdaric's payloads."""
from __future__ import annotations

from fogbank.types import FunctionSpec


def test_unhandled_exception_payload(deploy, invoke):
    deploy("boom", "def handler(event, context):\n    raise ValueError('bad input')\n")
    result, payload = invoke("boom")
    assert result.function_error == "Unhandled"
    assert result.error_type == "ValueError"
    assert payload["errorMessage"] == "bad input"
    assert payload["errorType"] == "ValueError"
    assert payload["requestId"] == result.request_id
    assert any("app.py" in line and "handler" in line for line in payload["stackTrace"])
    assert not any("fogbank" in line for line in payload["stackTrace"])


def test_missing_module(runtime, code, invoke):
    runtime.deploy(FunctionSpec(name="m", handler="nothere.handler", code_dir=code("m", {})))
    result, payload = invoke("m")
    assert result.function_error == "Unhandled"
    assert payload == {"errorMessage": "Unable to import module 'nothere': No module named 'nothere'",
                       "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []}


def test_missing_function(deploy, invoke):
    deploy("hnf", "x = 1\n", handler="app.missing")
    result, payload = invoke("hnf")
    assert result.error_type == "Runtime.HandlerNotFound"
    assert payload["errorMessage"] == "Handler 'missing' missing on module 'app'"


def test_syntax_error(deploy, invoke):
    deploy("syn", "def handler(e, c)\n    return 1\n")
    result, payload = invoke("syn")
    assert result.error_type == "Runtime.UserCodeSyntaxError"
    assert payload["errorMessage"].startswith("Syntax error in module 'app': ")
    assert "Line 1" in payload["stackTrace"][0]


def test_malformed_handler_name(deploy, invoke):
    deploy("mal", "def handler(e, c):\n    return 1\n", handler="handler")
    result, payload = invoke("mal")
    assert result.error_type == "Runtime.MalformedHandlerName"
    assert payload["errorMessage"] == "Bad handler 'handler': not enough values to unpack (expected 2, got 1)"


def test_exception_while_importing_the_module(deploy, invoke):
    deploy("initfail", "raise RuntimeError('no config')\n")
    result, payload = invoke("initfail")
    assert result.error_type == "RuntimeError"
    assert payload["errorMessage"] == "no config" and payload["requestId"] == ""


def test_failed_import_is_retried_on_the_next_invoke(deploy, invoke, code):
    spec = deploy("retry", "import not_yet_written\ndef handler(e, c):\n    return 'ok'\n")
    assert invoke("retry")[0].error_type == "Runtime.ImportModuleError"
    (spec.code_dir / "not_yet_written.py").write_text("")
    result, payload = invoke("retry")
    assert result.function_error is None and payload == "ok"


def test_result_that_is_not_json(deploy, invoke):
    deploy("set", "def handler(e, c):\n    return {1, 2}\n")
    result, payload = invoke("set")
    assert result.error_type == "Runtime.MarshalError"
    assert payload["errorMessage"] == "Unable to marshal response: Object of type set is not JSON serializable"


def test_event_that_is_not_json(deploy, loop, runtime):
    deploy("raw", "def handler(e, c):\n    return e\n")
    result = loop.run_until_complete(runtime.invoke("raw", b"{not json"))
    assert result.error_type == "Runtime.UnmarshalError"
