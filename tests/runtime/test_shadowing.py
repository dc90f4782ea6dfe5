"""A function's own copy of a module the zygote preloads wins, as on Lambda, where the
function's code, requirements and layers come before the runtime's boto3 on sys.path; a
function that ships none keeps the preloaded (fast) workers."""
from __future__ import annotations

import importlib.metadata
from pathlib import Path

import six

from fogbank.runtime import shadowing
from fogbank.types import FunctionSpec
from tests.runtime.test_build import _wheel

# Reported at import time, before the handler imports anything itself: whether the worker
# came with botocore already imported (the preloaded zygote) or not.
REPORTS = """
import sys
PRELOADED = "botocore" in sys.modules
import six
def handler(event, context):
    return {"file": six.__file__, "marker": getattr(six, "MARKER", None),
            "version": six.__version__, "preloaded": PRELOADED}
"""


def _own_six(marker: str) -> str:
    """The real six (so boto3's dependencies can use it), marked as the function's copy."""
    return Path(six.__file__).read_text() + f"\nMARKER = {marker!r}\n"


def test_the_names_a_path_provides(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "compiled").mkdir()
    (tmp_path / "compiled" / "__init__.pyc").write_bytes(b"")
    (tmp_path / "portion").mkdir()              # no __init__: a namespace portion
    (tmp_path / "bin").mkdir()
    for name in ("six.py", "fast.cpython-311-x86_64-linux-gnu.so", "stable.abi3.so",
                 "plain.so", "old.pyc", "not-a-module.py", "README.md", "requirements.txt"):
        (tmp_path / name).write_text("")
    assert shadowing.provided_modules([str(tmp_path), str(tmp_path / "missing")]) == {
        "pkg", "compiled", "six", "fast", "stable", "plain", "old"}
    assert shadowing.shadowed([str(tmp_path)], frozenset({"six", "boto3", "fast"})) == \
        ["fast", "six"]


def _installed_six(directory: Path, version: str) -> None:
    """six as pip installs it into a build directory: the module and its dist-info."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "six.py").write_text(Path(six.__file__).read_text())
    info = directory / f"six-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: six\nVersion: {version}\n")
    (info / "top_level.txt").write_text("six\n")


def test_a_copy_of_the_very_distribution_preloaded_keeps_the_fast_path(tmp_path: Path) -> None:
    # boto3 or six listed in requirements.txt and resolved to the version the node runs:
    # the same code, so nothing to shadow.
    _installed_six(tmp_path / "same", importlib.metadata.version("six"))
    assert shadowing.shadowed([str(tmp_path / "same")], frozenset({"six"})) == []
    _installed_six(tmp_path / "older", "1.10.0")
    assert shadowing.shadowed([str(tmp_path / "older")], frozenset({"six"})) == ["six"]


def test_the_copy_found_first_decides(tmp_path: Path) -> None:
    # A bare six.py in the code directory comes before the build's recorded copy.
    _installed_six(tmp_path / "deps", importlib.metadata.version("six"))
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "six.py").write_text("MARKER = 'mine'\n")
    path = [str(tmp_path / "code"), str(tmp_path / "deps")]
    assert shadowing.shadowed(path, frozenset({"six"})) == ["six"]


def test_a_function_shipping_a_preloaded_module_imports_its_own(runtime, code, invoke) -> None:
    root = code("own", {"app.py": REPORTS, "six.py": _own_six("code dir")})
    runtime.deploy(FunctionSpec(name="own", handler="app.handler", code_dir=root))
    result, payload = invoke("own")
    assert result.function_error is None, payload
    assert payload["file"] == str(root / "six.py") and payload["marker"] == "code dir"
    assert payload["preloaded"] is False


def test_the_runtimes_modules_use_the_functions_copy_too(runtime, code, invoke) -> None:
    source = REPORTS.replace('"preloaded": PRELOADED', '"dependent": dateutil.tz.tz.six.MARKER')
    root = code("deps", {"app.py": "import boto3, dateutil.tz.tz\n" + source,
                         "six.py": _own_six("mine")})
    runtime.deploy(FunctionSpec(name="deps", handler="app.handler", code_dir=root))
    assert invoke("deps")[1]["dependent"] == "mine"


def test_a_function_shipping_nothing_preloaded_keeps_the_fast_path(runtime, code, invoke):
    root = code("plain", {"app.py": REPORTS})
    runtime.deploy(FunctionSpec(name="plain", handler="app.handler", code_dir=root))
    payload = invoke("plain")[1]
    assert payload["preloaded"] is True and payload["file"] == six.__file__


def test_a_layer_shipping_a_preloaded_module_wins(runtime, code, invoke, tmp_path) -> None:
    layer = tmp_path / "layer"
    (layer / "python").mkdir(parents=True)
    (layer / "python" / "six.py").write_text(_own_six("layer"))
    root = code("layered", {"app.py": REPORTS})
    runtime.deploy(FunctionSpec(name="layered", handler="app.handler", code_dir=root,
                                layers=(layer,)))
    payload = invoke("layered")[1]
    assert payload["file"] == str(layer / "python" / "six.py")
    assert payload["marker"] == "layer" and payload["preloaded"] is False


def test_a_pinned_requirement_wins(runtime, code, invoke, tmp_path, state_dir) -> None:
    pinned = _wheel(tmp_path, "six", "1.16.0",
                    {"six.py": _own_six("pinned").replace(six.__version__, "1.16.0")})
    root = code("pinned", {"app.py": REPORTS, "requirements.txt": f"{pinned}\n"})
    runtime.deploy(FunctionSpec(name="pinned", handler="app.handler", code_dir=root))
    payload = invoke("pinned")[1]
    assert payload["version"] == "1.16.0" and payload["marker"] == "pinned"
    assert payload["file"].startswith(str(state_dir / "build"))


def test_a_handler_module_named_like_a_preloaded_one_is_the_functions(runtime, code, invoke):
    # `queue` is imported by the preloaded boto3; Lambda finds the task root's queue.py.
    root = code("queue", {"queue.py": "def handler(event, context):\n    return 'mine'\n"})
    runtime.deploy(FunctionSpec(name="queue", handler="queue.handler", code_dir=root))
    result, payload = invoke("queue")
    assert result.function_error is None and payload == "mine"


def test_a_module_the_node_itself_uses_is_not_in_a_workers_way(runtime, code, invoke) -> None:
    # The node imports orjson; a worker forked for a function must not have it imported.
    root = code("json", {"orjson.py": "MARKER = 'mine'\n__version__ = '0'\n",
                         "app.py": REPORTS.replace("import six", "import orjson as six")})
    runtime.deploy(FunctionSpec(name="json", handler="app.handler", code_dir=root))
    payload = invoke("json")[1]
    assert payload["marker"] == "mine" and payload["preloaded"] is True
