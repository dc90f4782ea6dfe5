"""requirements.txt: installed once per content, on the function's path; failures are clear."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from fogbank.types import FunctionSpec, InvalidParameterValue

USES_PKG = "import tinypkg\ndef handler(e, c):\n    return [tinypkg.VALUE, tinypkg.__file__]\n"


def _wheel(directory: Path, name: str = "tinypkg", version: str = "1.0",
           modules: dict[str, str] | None = None) -> Path:
    """A pure-Python wheel (by default one package, tinypkg), so the install needs no
    network; `modules` maps its files to their text."""
    path = directory / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    files = dict(modules or {"tinypkg/__init__.py": "VALUE = 7\n"})
    files.update({
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\n"
                         "Root-Is-Purelib: true\nTag: py3-none-any\n",
    })
    files[f"{info}/RECORD"] = "".join(f"{file},,\n" for file in files) + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as wheel:
        for file, text in files.items():
            wheel.writestr(file, text)
    return path


def test_requirements_are_installed_once_and_importable(runtime, code, invoke, tmp_path, state_dir):
    requirement = f"{_wheel(tmp_path)}\n"
    for name in ("one", "two"):
        root = code(name, {"app.py": USES_PKG, "requirements.txt": requirement})
        runtime.deploy(FunctionSpec(name=name, handler="app.handler", code_dir=root))
    builds = [p for p in (state_dir / "build").iterdir() if not p.name.startswith(".")]
    assert len(builds) == 1 and len(builds[0].name) == 64   # one install, keyed by sha256
    value, where = invoke("one")[1]
    assert value == 7 and where.startswith(str(builds[0]))
    assert invoke("two")[1][0] == 7


def test_a_failed_install_names_the_function(runtime, code, tmp_path):
    root = code("broken", {"app.py": USES_PKG,
                           "requirements.txt": f"{tmp_path / 'no-such-1.0-py3-none-any.whl'}\n"})
    with pytest.raises(InvalidParameterValue) as err:
        runtime.deploy(FunctionSpec(name="broken", handler="app.handler", code_dir=root))
    assert "broken" in err.value.message and "requirements.txt" in err.value.message
    assert list((tmp_path / "state" / "build").iterdir()) == []  # no half-built install left
