"""Reserved variables, a clean environment, and layers on the import path."""
from __future__ import annotations

import os

import pytest

from fogbank.types import FunctionSpec, InvalidParameterValue, ResourceNotFound


def test_reserved_environment_keys_are_rejected(runtime, code):
    spec = FunctionSpec(name="r", handler="app.handler", code_dir=code("r", {"app.py": ""}),
                        environment={"AWS_REGION": "eu-west-1", "OK": "1", "_HANDLER": "x"})
    with pytest.raises(InvalidParameterValue) as err:
        runtime.deploy(spec)
    assert err.value.code == "InvalidParameterValueException"
    assert err.value.message == (
        "Lambda was unable to configure your environment variables because the environment "
        "variables you have provided contains reserved keys that are currently not supported "
        "for modification. Reserved keys used in this request: AWS_REGION, _HANDLER")
    with pytest.raises(ResourceNotFound):
        runtime.get("r")


def test_worker_environment_holds_none_of_the_nodes_variables(monkeypatch, make_runtime, code, loop):
    import json

    monkeypatch.setenv("FOGBANK_NODE_SECRET", "s3cr3t")
    runtime = make_runtime()
    root = code("clean", {"app.py": "import os\ndef handler(e, c):\n"
                                    "    raw = open('/proc/self/environ', 'rb').read()\n"
                                    "    return [dict(os.environ), raw.decode(errors='replace')]\n"})
    runtime.deploy(FunctionSpec(name="clean", handler="app.handler", code_dir=root))
    env, raw = json.loads(loop.run_until_complete(runtime.invoke("clean", b"{}")).payload)
    assert "FOGBANK_NODE_SECRET" not in env
    assert "s3cr3t" not in raw
    assert os.environ["FOGBANK_NODE_SECRET"] == "s3cr3t"


def test_layers_are_importable_like_opt_python(runtime, code, tmp_path, invoke):
    layer = tmp_path / "layer"
    (layer / "python").mkdir(parents=True)
    (layer / "python" / "shared_util.py").write_text("NAME = 'from layer'\n")
    site = layer / "python" / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    (site / "vendored.py").write_text("NAME = 'from site-packages'\n")
    root = code("uses_layer", {"app.py": "import shared_util, vendored\n"
                                         "def handler(e, c):\n"
                                         "    return [shared_util.NAME, vendored.NAME]\n"})
    runtime.deploy(FunctionSpec(name="uses_layer", handler="app.handler", code_dir=root,
                                layers=(layer,)))
    _, payload = invoke("uses_layer")
    assert payload == ["from layer", "from site-packages"]


def test_a_layers_executables_are_on_the_path(runtime, code, tmp_path, invoke):
    layer = tmp_path / "tools"
    (layer / "bin").mkdir(parents=True)
    tool = layer / "bin" / "layer-tool"
    tool.write_text("#!/bin/sh\necho from the layer\n")
    tool.chmod(0o755)
    root = code("uses_tool", {"app.py": "import subprocess\n"
                                        "def handler(e, c):\n"
                                        "    return subprocess.run(['layer-tool'], capture_output=True,"
                                        " text=True).stdout\n"})
    runtime.deploy(FunctionSpec(name="uses_tool", handler="app.handler", code_dir=root,
                                layers=(layer,)))
    assert invoke("uses_tool")[1] == "from the layer\n"
