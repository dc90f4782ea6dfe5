"""What a function's worker is made of: its environment variables, its import path and its
sandbox — all derived from a `FunctionSpec`, never from the node's own environment."""
from __future__ import annotations

import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from fogbank.runtime.log_settings import LogSettings
from fogbank.types import FunctionSpec, InvalidParameterValue

# Lambda refuses these in a function's configuration (configuration-envvars.html).
RESERVED_KEYS = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ",
})
# Local stand-ins for the execution role's temporary credentials.
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                     "AWS_SESSION_TOKEN": "test"}
_RUNTIME_DIR = str(Path(__file__).resolve().parent)
# Lambda's values, as functions there read them from the environment.
RUNTIME_API = "127.0.0.1:9001"
XRAY_DAEMON_HOST = "169.254.79.129"
XRAY_DAEMON_PORT = "2000"


def check_environment(spec: FunctionSpec) -> None:
    reserved = sorted(key for key in spec.environment if key in RESERVED_KEYS)
    if reserved:
        raise InvalidParameterValue(
            "Lambda was unable to configure your environment variables because the environment "
            "variables you have provided contains reserved keys that are currently not supported "
            "for modification. Reserved keys used in this request: " + ", ".join(reserved),
            extra={"Type": "User"})


def new_log_stream(version: str, now: datetime | None = None) -> str:
    day = (now or datetime.now(timezone.utc)).strftime("%Y/%m/%d")
    return f"{day}/[{version}]{uuid.uuid4().hex}"


def function_path(spec: FunctionSpec, deps_dir: Path | None) -> list[str]:
    """Lambda's import order: the task root, then bundled deps, then each layer's /opt/python.

    `task_paths.ShownPaths.of_function` reads this layout back to name files as Lambda does."""
    path = [str(spec.code_dir)]
    if deps_dir is not None:
        path.append(str(deps_dir))
    for layer in spec.layers:
        path += [str(layer / "python" / "lib" / f"python{sys.version_info.major}."
                     f"{sys.version_info.minor}" / "site-packages"), str(layer / "python")]
    return path


def build_environment(spec: FunctionSpec, *, path: list[str], log_stream: str,
                      endpoint_url: str, python_bin: Path, provisioned: bool) -> dict[str, str]:
    lib_dirs = [str(spec.code_dir), str(spec.code_dir / "lib")]
    lib_dirs += [str(layer / "lib") for layer in spec.layers]
    # Lambda's PATH ends in /opt/bin, where layers put their executables.
    bin_dirs = [str(python_bin), "/usr/local/bin", "/usr/bin/", "/bin"]
    bin_dirs += [str(layer / "bin") for layer in spec.layers]
    env = {
        "PATH": ":".join(bin_dirs),
        "LANG": "en_US.UTF-8",
        "LC_CTYPE": "C.UTF-8",
        "LD_LIBRARY_PATH": ":".join(lib_dirs),
        "PYTHONPATH": ":".join(path),
        "PWD": str(spec.code_dir),
        # The X-Ray SDK logs, rather than raises, when it finds no segment (as on Lambda).
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        # Where Lambda's X-Ray daemon listens; nothing does here. The SDK sends segments
        # (UDP, lost) only for a trace the caller sampled: fresh ones are not (worker.py).
        "AWS_XRAY_DAEMON_ADDRESS": f"{XRAY_DAEMON_HOST}:{XRAY_DAEMON_PORT}",
        "_AWS_XRAY_DAEMON_ADDRESS": XRAY_DAEMON_HOST,
        "_AWS_XRAY_DAEMON_PORT": XRAY_DAEMON_PORT,
    }
    env.update({key: str(value) for key, value in spec.environment.items()})
    log = LogSettings.of(spec)
    if log.json:
        # What the runtime formats and filters its `logging` records by (awslambdaric's
        # bootstrap reads both); Lambda sets neither for a function in Text format.
        env["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
        env["AWS_LAMBDA_LOG_LEVEL"] = str(log.application_level)
    env.update({
        "_HANDLER": spec.handler,
        "AWS_REGION": spec.region,
        "AWS_DEFAULT_REGION": spec.region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
        "AWS_LAMBDA_INITIALIZATION_TYPE": "provisioned-concurrency" if provisioned else "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": log.log_group,
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
        "LAMBDA_TASK_ROOT": str(spec.code_dir),
        "LAMBDA_RUNTIME_DIR": _RUNTIME_DIR,
        # Lambda's value. Python workers here take invocations over a pipe, not the
        # Runtime API, so nothing answers there; code only sees it is set, as on Lambda.
        "AWS_LAMBDA_RUNTIME_API": RUNTIME_API,
        "TZ": ":UTC",
        "AWS_ENDPOINT_URL": endpoint_url,
        **LOCAL_CREDENTIALS,
    })
    return env


def interpreter_paths() -> list[str]:
    """Where the interpreter's own code lives; a sandbox never hides these."""
    import fogbank
    import sysconfig

    paths = sysconfig.get_paths()
    return [sys.prefix, sys.base_prefix, str(Path(fogbank.__file__).resolve().parent)] + \
        [paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths]


def _is_within(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def sandbox_paths(own: Iterable[str], hidden: Iterable[str],
                  interpreter: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(mask, keep) for one worker.

    Everything under a masked place or /tmp disappears, so what the worker still needs there
    (its own code, deps, layers, and the interpreter's own paths) is listed to be kept.
    A place holding the interpreter is never masked.
    """
    own = list(own)
    interpreter = [p for p in interpreter if p.startswith("/")]
    mask = sorted({h for h in hidden
                   if h not in own and not any(_is_within(i, h) for i in interpreter)})
    covered = mask + ["/tmp"]
    needed = {p for p in own + interpreter
              if p != "/tmp" and any(_is_within(p, c) for c in covered)}
    keep: list[str] = []
    for p in sorted(needed, key=len):
        if not any(_is_within(p, k) for k in keep):
            keep.append(p)
    return tuple(mask), tuple(keep)
