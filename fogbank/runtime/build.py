"""A function's `requirements.txt`, installed once per distinct file content (as `sam build`
would), into `<state_dir>/build/<sha256>`; identical files share one install. Layers that ask
for a python build are built the same way, once per distinct content."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from fogbank.types import InvalidParameterValue

REQUIREMENTS = "requirements.txt"
_PIP_TIMEOUT_S = 600
# Enough of pip's output to say what failed, not the whole resolver log.
_ERROR_TAIL_CHARS = 2000


def dependencies_dir(function_name: str, code_dir: Path, build_root: Path,
                     python: Path) -> Path | None:
    """The installed dependencies for the function's requirements.txt (None if it has none)."""
    requirements = code_dir / REQUIREMENTS
    if not requirements.is_file():
        return None
    content = requirements.read_bytes()
    target = build_root / hashlib.sha256(content).hexdigest()
    if target.is_dir():
        return target
    build_root.mkdir(parents=True, exist_ok=True)
    # Install beside the final place and rename: a half-finished install is never reused.
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=build_root))
    _pip_install(f"Function {function_name}", requirements, staging, cwd=code_dir, python=python,
                 undo=staging)
    return _publish(staging, target)


def layer_dir(layer_name: str, content_dir: Path, build_root: Path, python: Path) -> Path:
    """A layer built as `sam build` builds one whose Metadata names a python BuildMethod:
    its files under `python/` (Lambda puts /opt/python on the path) and its requirements.txt
    installed there too. Built once per distinct content, into `<build_root>/<sha256>`."""
    target = build_root / _tree_digest(content_dir)
    if target.is_dir():
        return target
    build_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=build_root))
    site = staging / "python"
    shutil.copytree(content_dir, site, ignore=shutil.ignore_patterns("__pycache__", ".fogbank"))
    requirements = content_dir / REQUIREMENTS
    if requirements.is_file():
        _pip_install(f"Layer {layer_name}", requirements, site, cwd=content_dir, python=python,
                     undo=staging)
    return _publish(staging, target)


def _tree_digest(root: Path) -> str:
    """What decides a layer's build: every file's relative path and bytes."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or {"__pycache__", ".fogbank"} & set(relative.parts):
            continue
        digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _pip_install(label: str, requirements: Path, target: Path, *, cwd: Path, python: Path,
                 undo: Path) -> None:
    """pip installs `requirements` into `target`; on failure `undo` goes and the error,
    starting with `label` (the function or layer), ends with what pip said."""
    try:
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-input", "--no-warn-script-location", "--target", str(target),
             "--requirement", str(requirements)],
            cwd=cwd, capture_output=True, text=True, timeout=_PIP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        shutil.rmtree(undo, ignore_errors=True)
        raise InvalidParameterValue(f"{label}: installing {REQUIREMENTS} "
                                    f"timed out after {_PIP_TIMEOUT_S} seconds")
    if done.returncode != 0:
        shutil.rmtree(undo, ignore_errors=True)
        output = (done.stderr or done.stdout).strip()[-_ERROR_TAIL_CHARS:]
        raise InvalidParameterValue(f"{label}: installing {REQUIREMENTS} failed: {output}")


def _publish(staging: Path, target: Path) -> Path:
    try:
        staging.rename(target)
    except OSError:
        # Another deploy of identical content got there first; theirs is as good as ours.
        shutil.rmtree(staging, ignore_errors=True)
    return target
