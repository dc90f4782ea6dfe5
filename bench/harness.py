"""Shared pieces of the benchmarks: start servers pinned to a core, run wrk on the other."""
from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

from fogbank.testing import RunningNode, free_port, write_empty_app

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
SERVER_CORE, LOAD_CORE = "0", "1"


def wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def bare_asgi() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        ["taskset", "-c", SERVER_CORE, str(BIN / "uvicorn"), "bare_asgi:app", "--app-dir",
         str(BENCH / "apps"), "--port", str(port), "--loop", "uvloop", "--http", "httptools",
         "--no-access-log", "--log-level", "warning"], stdout=subprocess.DEVNULL)
    try:
        wait_http(f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait()


@contextmanager
def fogbank_node(app: str) -> Iterator[tuple[str, dict]]:
    """`fogbank up` on a copy of bench/apps/<app>; yields (endpoint, /_fogbank/node)."""
    with tempfile.TemporaryDirectory() as tmp:
        app_dir = Path(tmp) / app
        shutil.copytree(BENCH / "apps" / app, app_dir)
        node = RunningNode(app_dir, "--no-watch", prefix=("taskset", "-c", SERVER_CORE))
        try:
            yield node.url, node.wait_ready()
        finally:
            node.stop()


def wrk(url: str, connections: int, seconds: int = 5, script: Path | None = None
        ) -> dict[str, float]:
    """Requests/s and latency percentiles (ms) from one wrk run on the load core."""
    cmd = ["taskset", "-c", LOAD_CORE, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
           "--latency"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "99"):
        m = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out)
        scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]
        result[f"p{pct}_ms"] = float(m.group(1)) * scale
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} failed responses\n{out}")
    return result


def median(values: list[float]) -> float:
    return statistics.median(values)


def require(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        sys.exit(f"needs {', '.join(missing)} (Debian packages: apt-get install {' '.join(missing)})")


@contextmanager
def process_server(cmd: list[str], port: int, env: dict[str, str] | None = None
                   ) -> Iterator[str]:
    """A peer server (moto, dynalite, s3rver …) started on the server core."""
    proc = subprocess.Popen(["taskset", "-c", SERVER_CORE, *cmd], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    try:
        wait_http(f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def empty_node(name: str) -> Iterator[str]:
    """A Fogbank node on the server core with an app that deploys nothing; yields its URL."""
    with tempfile.TemporaryDirectory() as tmp:
        node = RunningNode(write_empty_app(Path(tmp) / name), "--no-watch",
                           prefix=("taskset", "-c", SERVER_CORE))
        try:
            node.wait_ready()
            yield node.url
        finally:
            node.stop()
