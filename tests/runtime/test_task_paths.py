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
