"""Errors name a function's files as Lambda does: its code at /var/task, its layers at /opt
(payloads recorded from AWS show `File "/var/task/lambda_function.py"` and
`File "/opt/python/..."` frames), with or without the sandbox."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from fogbank.runtime import environment
from fogbank.runtime.task_paths import ShownPaths
from fogbank.types import FunctionSpec

FAILS = """
def handler(event, context):
    return helper()

def helper():
    raise ValueError("bad input")
"""


@pytest.fixture(params=[True, False], ids=["sandbox", "no-sandbox"])
def runtime(request, make_runtime):
    return make_runtime(sandbox=request.param)


def test_unhandled_error_names_var_task(deploy, invoke, runtime):
    deploy("fails", FAILS)
    result, payload = invoke("fails", tail_logs=True)
    assert payload["stackTrace"] == [
        '  File "/var/task/app.py", line 3, in handler\n    return helper()\n',
        '  File "/var/task/app.py", line 6, in helper\n    raise ValueError("bad input")\n']
    block = [e.message for e in runtime.logs.query("fails")][1].split("\n")
    assert block[2] == '\u00a0\u00a0File "/var/task/app.py", line 3, in handler'
    assert str(runtime.config.state_dir) not in result.log_tail


def test_import_module_error_names_var_task(code, runtime, invoke):
    root = code("imports", {"app.py": "from helper import missing\n"
                                      "def handler(e, c):\n    return 1\n",
                            "helper.py": "present = 1\n"})
    runtime.deploy(FunctionSpec(name="imports", handler="app.handler", code_dir=root))
    _, payload = invoke("imports")
    assert payload["errorType"] == "Runtime.ImportModuleError"
    assert payload["errorMessage"] == ("Unable to import module 'app': cannot import name "
                                       "'missing' from 'helper' (/var/task/helper.py)")


def test_syntax_error_names_var_task(deploy, invoke):
    deploy("broken", "def handler(e, c):\n    return (\n")
    _, payload = invoke("broken")
    assert payload["errorType"] == "Runtime.UserCodeSyntaxError"
    assert payload["stackTrace"][0].startswith('  File "/var/task/app.py" Line ')


def test_a_layer_modules_frame_names_opt_python(code, runtime, invoke, tmp_path):
    layer = tmp_path / "layer"
    (layer / "python").mkdir(parents=True)
    (layer / "python" / "shared_util.py").write_text("def check():\n    raise KeyError('k')\n")
    root = code("layered", {"app.py": "import shared_util\n"
                                      "def handler(e, c):\n    shared_util.check()\n"})
    runtime.deploy(FunctionSpec(name="layered", handler="app.handler", code_dir=root,
                                layers=(layer,)))
    _, payload = invoke("layered")
    assert [line.split(",")[0] for line in payload["stackTrace"]] == [
        '  File "/var/task/app.py"', '  File "/opt/python/shared_util.py"']


def test_bundled_dependencies_are_in_the_package_and_layers_merge_into_opt(tmp_path):
    code_dir, deps = tmp_path / "code", tmp_path / "build" / "abc"
    first, second = tmp_path / "layers" / "a" / "1", tmp_path / "build" / "layers" / "b"
    spec = FunctionSpec(name="f", handler="app.handler", code_dir=code_dir,
                        layers=(first, second))
    shown = ShownPaths.of_function(environment.function_path(spec, deps))
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert shown.file(str(code_dir / "app.py")) == "/var/task/app.py"
    assert shown.file(str(deps / "requests" / "api.py")) == "/var/task/requests/api.py"
    assert shown.file(str(first / "python" / "util.py")) == "/opt/python/util.py"
    assert shown.file(str(second / "python" / "lib" / version / "site-packages" / "x.py")) == \
        f"/opt/python/lib/{version}/site-packages/x.py"
    assert shown.file(json.__file__) == json.__file__
    assert shown.file(str(Path(str(code_dir) + "-other") / "a.py")) == \
        str(Path(str(code_dir) + "-other") / "a.py")


# Tracebacks a function logs itself, and frames of the interpreter it runs on.

LOGS = """
import logging
logger = logging.getLogger("orders")

def handler(event, context):
    try:
        lookup()
    except KeyError as e:
        logger.exception("lookup failed")
        try:
            raise ValueError("wrapped") from e
        except ValueError:
            logging.error("still failing", exc_info=True)
    return "ok"

def lookup():
    return {}["missing"]
"""


def _events(runtime, name: str) -> list[str]:
    return [event.message for event in runtime.logs.query(name)]


def test_a_logged_traceback_names_var_task(deploy, invoke, runtime):
    deploy("logs", LOGS)
    result, payload = invoke("logs", tail_logs=True)
    assert payload == "ok"
    exception, chained = [e for e in _events(runtime, "logs") if "Traceback" in e]
    assert exception.split("\n")[1:] == [
        "Traceback (most recent call last):",
        '  File "/var/task/app.py", line 7, in handler',
        "    lookup()",
        '  File "/var/task/app.py", line 17, in lookup',
        '    return {}["missing"]',
        "           ~~^^^^^^^^^^^",
        "KeyError: 'missing'"]
    # Both exceptions of a chain, each with its frames.
    assert chained.count('File "/var/task/app.py"') == 3
    assert "The above exception was the direct cause" in chained
    assert str(runtime.config.state_dir) not in result.log_tail


def test_a_json_records_stack_trace_and_location_name_var_task(deploy, invoke, runtime):
    deploy("logs", LOGS, logging_config={"LogFormat": "JSON"})
    invoke("logs")
    records = [json.loads(e) for e in _events(runtime, "logs") if e.startswith("{")]
    failed = next(r for r in records if r.get("message") == "lookup failed")
    assert failed["location"] == "/var/task/app.py:handler:9"
    assert [line.split("\n")[0] for line in failed["stackTrace"]] == [
        '  File "/var/task/app.py", line 7, in handler',
        '  File "/var/task/app.py", line 17, in lookup']


STDLIB = """
import json
def handler(event, context):
    return json.loads("{")
"""


def test_standard_library_frames_name_the_functions_runtime(deploy, invoke):
    deploy("stdlib", STDLIB, runtime="python3.12")
    _, payload = invoke("stdlib")
    files = [line.split('"')[1] for line in payload["stackTrace"]]
    assert files[0] == "/var/task/app.py"
    assert files[1] == "/var/lang/lib/python3.12/json/__init__.py"
    assert all(f.startswith("/var/lang/lib/python3.12/json/") for f in files[1:])


BOTO = """
import boto3
def handler(event, context):
    boto3.client("s3").get_object(Bucket="b")       # no Key: botocore refuses it
"""


def test_the_runtimes_boto3_frames_are_in_its_site_packages(deploy, invoke):
    deploy("boto", BOTO, runtime="python3.12")
    _, payload = invoke("boto")
    assert payload["errorType"] == "ParamValidationError"
    assert '  File "/var/lang/lib/python3.12/site-packages/botocore/client.py"' in \
        [line.split(",")[0] for line in payload["stackTrace"]]


def test_before_python3_11_the_runtimes_packages_are_in_var_runtime(tmp_path):
    import botocore.client

    shown = ShownPaths.of_function([str(tmp_path)], "python3.9")
    assert shown.file(botocore.client.__file__) == "/var/runtime/botocore/client.py"
    assert shown.file(json.__file__) == "/var/lang/lib/python3.9/json/__init__.py"
    assert ShownPaths.of_function([str(tmp_path)], "nodejs20.x").file(json.__file__) == \
        json.__file__


RESOLVES = """
import socket
def handler(event, context):
    socket.create_connection(("localhost", "no-such-service"))
"""


def test_the_runtimes_resolver_has_no_frame(make_runtime, code, loop, tmp_path):
    from fogbank.runtime.resolver import NodeNames

    ca = tmp_path / "ca"
    ca.mkdir()
    for name in ("bundle.pem", "ca.pem"):
        (ca / name).write_text("")
    # Workers resolve names through the resolver only when the node names its listeners.
    runtime = make_runtime(node_names=NodeNames("127.0.0.1", 1, 2, ca / "bundle.pem",
                                                ca / "ca.pem"))
    runtime.deploy(FunctionSpec(name="resolves", handler="app.handler",
                                code_dir=code("resolves", {"app.py": RESOLVES})))
    payload = json.loads(loop.run_until_complete(runtime.invoke("resolves", b"{}")).payload)
    assert payload["errorType"] == "gaierror"
    frames = [line.split(",")[0] + "," + line.split(",")[2].split("\n")[0]
              for line in payload["stackTrace"]]
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert frames == ['  File "/var/task/app.py", in handler',
                      f'  File "/var/lang/lib/{version}/socket.py", in create_connection',
                      f'  File "/var/lang/lib/{version}/socket.py", in getaddrinfo']
