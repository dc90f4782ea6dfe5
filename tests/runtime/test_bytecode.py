"""Workers write no bytecode into a function's code or layers: on Lambda /var/task and /opt
are read-only, and a cached .pyc beside an edited file can outlive the edit."""
from __future__ import annotations

import os

from fogbank.types import FunctionSpec


def test_invocations_leave_no_pycache_in_the_code_or_its_layers(runtime, code, tmp_path,
                                                                  invoke):
    layer = tmp_path / "layer"
    (layer / "python").mkdir(parents=True)
    (layer / "python" / "shared.py").write_text("NAME = 'layer'\n")
    root = code("plain", {"app.py": "import helper, shared\n"
                                    "def handler(e, c):\n"
                                    "    return [helper.NAME, shared.NAME]\n",
                          "helper.py": "NAME = 'helper'\n"})
    runtime.deploy(FunctionSpec(name="plain", handler="app.handler", code_dir=root,
                                layers=(layer,)))
    assert invoke("plain")[1] == ["helper", "layer"]
    assert invoke("plain")[1] == ["helper", "layer"]
    assert [p for p in root.rglob("__pycache__")] == []
    assert [p for p in layer.rglob("__pycache__")] == []


def test_an_edit_of_the_same_size_in_the_same_second_runs_after_a_reload(runtime, code,
                                                                          invoke):
    root = code("edited", {"app.py": "def handler(e, c):\n    return 'old'\n"})
    runtime.deploy(FunctionSpec(name="edited", handler="app.handler", code_dir=root))
    assert invoke("edited")[1] == "old"
    source = root / "app.py"
    before = source.stat()
    source.write_text("def handler(e, c):\n    return 'new'\n")
    # The same size and modification time a cached .pyc is checked against.
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert source.stat().st_size == before.st_size
    runtime.reload("edited")
    assert invoke("edited")[1] == "new"
