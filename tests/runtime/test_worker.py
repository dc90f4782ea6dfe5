"""Handler loading and invocation errors, with awslambdaric's payloads."""
from __future__ import annotations

import re

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


def test_stack_trace_entries_are_formatted_without_position_markers(deploy, invoke):
    deploy("carets", "def handler(e, c):\n    return 1 + helper()\n"
                     "def helper():\n    return {}['missing']\n")
    result, payload = invoke("carets")
    path = payload["stackTrace"][0].split('"')[1]
    assert path.endswith("app.py")
    assert payload["stackTrace"] == [
        f'  File "{path}", line 2, in handler\n    return 1 + helper()\n',
        f'  File "{path}", line 4, in helper\n    return {{}}[\'missing\']\n']
    assert payload["errorType"] == "KeyError" and payload["errorMessage"] == "'missing'"


def test_decimals_keep_the_digits_they_were_written_with(deploy, invoke, loop, runtime):
    deploy("dec", "from decimal import Decimal\ndef handler(e, c):\n"
                  "    return {'price': Decimal('1.10'), 'big': Decimal('1E+2'), 'n': Decimal('3'),\n"
                  "            'nan': Decimal('NaN'), 'text': 'plain'}\n")
    result = loop.run_until_complete(runtime.invoke("dec", b"{}"))
    assert result.payload == b'{"price": 1.10, "big": 1E+2, "n": 3, "nan": NaN, "text": "plain"}'


def test_results_that_are_none_bytes_or_text(deploy, loop, runtime):
    deploy("none", "def handler(e, c):\n    return None\n")
    deploy("raw", "def handler(e, c):\n    return b'\\x00not json'\n")
    deploy("text", "def handler(e, c):\n    return 'caf\\u00e9'\n")
    deploy("text12", "def handler(e, c):\n    return 'caf\\u00e9'\n", runtime="python3.12")
    payloads = {name: loop.run_until_complete(runtime.invoke(name, b"{}")).payload
                for name in ("none", "raw", "text", "text12")}
    assert payloads["none"] == b"null"
    assert payloads["raw"] == b"\x00not json"
    # awslambdaric escapes non-ASCII text before python3.12, not from it on
    assert payloads["text"] == b'"caf\\u00e9"'
    assert payloads["text12"] == '"café"'.encode()


def test_each_invocation_gets_its_own_trace_id(deploy, invoke):
    deploy("traced", "import os\ndef handler(e, c):\n    return os.environ['_X_AMZN_TRACE_ID']\n")
    first, second = invoke("traced")[1], invoke("traced")[1]
    pattern = r"Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0"
    assert re.fullmatch(pattern, first) and re.fullmatch(pattern, second)
    assert first != second
