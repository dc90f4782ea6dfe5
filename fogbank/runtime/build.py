"""A function's `requirements.txt`, installed once per distinct file content (as `sam build`
would), into `<state_dir>/build/<sha256>`; identical files share one install."""
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
    try:
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-input", "--no-warn-script-location", "--target", str(staging),
             "--requirement", str(requirements)],
            cwd=code_dir, capture_output=True, text=True, timeout=_PIP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        shutil.rmtree(staging, ignore_errors=True)
        raise InvalidParameterValue(f"Function {function_name}: installing {REQUIREMENTS} "
                                    f"timed out after {_PIP_TIMEOUT_S} seconds")
    if done.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        output = (done.stderr or done.stdout).strip()[-_ERROR_TAIL_CHARS:]
        raise InvalidParameterValue(f"Function {function_name}: installing {REQUIREMENTS} "
                                    f"failed: {output}")
    try:
        staging.rename(target)
    except OSError:
        # Another deploy of an identical file got there first; theirs is as good as ours.
        shutil.rmtree(staging, ignore_errors=True)
    return target
