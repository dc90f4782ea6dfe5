"""WebSocket APIs: idle connections per node, new connections per second through a no-op
$connect, and broadcast to N clients through the @connections API — Fogbank side by side
with serverless-offline running the same Python handlers (bench/apps/ws_broadcast).

    .venv/bin/python bench/websocket.py [--rounds 3] [--idle 15000]

Servers are pinned to one core, the load generator (ws_load.py) to the other; rounds
alternate between the servers and the figures are medians. serverless-offline comes from
npm (`serverless@3`, `serverless-offline@13`), installed under /tmp on first use.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

from harness import BENCH, LOAD_CORE, SERVER_CORE, median
from fogbank.testing import clean_env, free_port

APP = BENCH / "apps" / "ws_broadcast"
SLS_DIR = Path(tempfile.gettempdir()) / "fogbank-bench-sls"


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


@contextmanager
def fogbank(tmp: Path) -> Iterator[tuple[str, int]]:
    """A node serving the benchmark app; yields (WebSocket URL, node pid)."""
    app_dir = tmp / "fogbank-app"
    shutil.copytree(APP, app_dir, ignore=shutil.ignore_patterns("serverless.yml"))
    port = free_port()
    # `fogbank up` as users run it, without the new-connection rate limit (API Gateway's
    # 500/s default would cap the very rate being measured).
    unlimited = str(10**9)
    proc = subprocess.Popen(["taskset", "-c", SERVER_CORE, str(Path(sys.executable).parent /
                             "fogbank"), "up", str(app_dir), "--port", str(port), "--no-watch",
                             "--ws-connection-rate", unlimited, "--ws-connection-burst", unlimited],
                            env=clean_env(), stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                served = httpx.get(f"http://127.0.0.1:{port}/_fogbank/node", timeout=2).json()
                if served.get("ready"):
                    break
            except (httpx.HTTPError, ValueError):
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the Fogbank node did not start")
            time.sleep(0.2)
        yield served["outputs"]["Url"], proc.pid
    finally:
        proc.terminate()
        proc.wait(30)


def install_serverless() -> Path:
    marker = SLS_DIR / "node_modules" / "serverless-offline"
    if not marker.exists():
        SLS_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                        "serverless@3", "serverless-offline@13"], cwd=SLS_DIR, check=True)
    return SLS_DIR / "node_modules"


@contextmanager
def serverless_offline(tmp: Path) -> Iterator[tuple[str, int]]:
    modules = install_serverless()
    app_dir = tmp / "sls-app"
    shutil.copytree(APP, app_dir, ignore=shutil.ignore_patterns("template.yaml"))
    (app_dir / "node_modules").symlink_to(modules)
    ws_port, http_port, lambda_port = free_port(), free_port(), free_port()
    env = {**clean_env(), "SLS_TELEMETRY_DISABLED": "1", "SLS_WS_PORT": str(ws_port)}
    proc = subprocess.Popen(
        ["taskset", "-c", SERVER_CORE, "node", str(modules / ".bin" / "serverless"), "offline",
         "start", "--websocketPort", str(ws_port), "--httpPort", str(http_port),
         "--lambdaPort", str(lambda_port), "--host", "127.0.0.1"],
        cwd=app_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        for line in proc.stdout:                      # type: ignore[union-attr]
            if "Offline [websocket] listening" in line or f":{ws_port}" in line:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("serverless-offline did not start")
        else:
            raise RuntimeError("serverless-offline exited")
        subprocess.Popen(["cat"], stdin=proc.stdout, stdout=subprocess.DEVNULL)  # drain
        yield f"ws://127.0.0.1:{ws_port}", proc.pid
    finally:
        proc.terminate()
        proc.wait(30)


def load(*args: str, hold: bool = False) -> subprocess.Popen:
    return subprocess.Popen(["taskset", "-c", LOAD_CORE, sys.executable,
                             str(BENCH / "ws_load.py"), *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env=clean_env())


def open_connections(url: str, count: int, concurrency: int = 64) -> tuple[float, subprocess.Popen]:
    """Opens `count` connections; (seconds taken, the holder: close its stdin to end)."""
    holder = load("open", url, str(count), str(concurrency))
    line = holder.stdout.readline()              # type: ignore[union-attr]
    if not line:
        holder.wait()
        raise RuntimeError(f"opening {count} connections to {url} failed")
    return json.loads(line)["seconds"], holder


def release(holder: subprocess.Popen) -> None:
    holder.stdin.close()                         # type: ignore[union-attr]
    holder.wait(120)


def idle_memory(url: str, pid: int, count: int) -> float:
    """KB of node memory per idle connection (RSS growth over `count` connections)."""
    _, warm = open_connections(url, 500)         # first-use allocations are not per-connection
    release(warm)
    time.sleep(1)
    before = rss_kb(pid)
    _, holder = open_connections(url, count)
    time.sleep(2)
    after = rss_kb(pid)
    release(holder)
    return (after - before) / count


def connect_rate(url: str, count: int, concurrency: int) -> float:
    seconds, holder = open_connections(url, count, concurrency)
    release(holder)
    return count / seconds


def broadcast(url: str, clients: int, rounds: int) -> list[float]:
    proc = load("broadcast", url, str(clients), str(rounds))
    out, _ = proc.communicate(timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"broadcast to {clients} clients on {url} failed")
    return [s * 1000 for s in json.loads(out.splitlines()[-1])["seconds"]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--idle", type=int, default=15000)
    parser.add_argument("--connects", type=int, default=3000)
    args = parser.parse_args()
    results: dict[str, dict[str, list[float]]] = {"fogbank": {}, "serverless-offline": {}}

    def record(server: str, metric: str, value: float) -> None:
        results[server].setdefault(metric, []).append(value)
        print(f"{server:>18}  {metric:<28} {value:10.2f}", flush=True)

    with tempfile.TemporaryDirectory() as tmp, fogbank(Path(tmp)) as (fb_url, fb_pid), \
            serverless_offline(Path(tmp)) as (sls_url, sls_pid):
        servers = {"fogbank": (fb_url, fb_pid), "serverless-offline": (sls_url, sls_pid)}
        record("fogbank", "idle KB/connection", idle_memory(fb_url, fb_pid, args.idle))
        for _ in range(args.rounds):
            for name, (url, _) in servers.items():
                # serverless-offline starts a Python process per concurrent $connect: more
                # than a few at once time out there.
                count = args.connects if name == "fogbank" else args.connects // 10
                record(name, "new connections/s (8 at once)", connect_rate(url, count, 8))
            record("fogbank", "new connections/s (64 at once)",
                   connect_rate(fb_url, args.connects, 64))
        for clients in (100, 1000):
            for _ in range(args.rounds):
                for name, (url, _) in servers.items():
                    for ms in broadcast(url, clients, 3)[1:]:    # the first warms up
                        record(name, f"broadcast to {clients} (ms)", ms)
    print("\n| metric | Fogbank | serverless-offline | ratio |\n|---|---|---|---|")
    for metric, values in results["fogbank"].items():
        ours = median(values)
        theirs = results["serverless-offline"].get(metric)
        if theirs is None:
            print(f"| {metric} | {ours:.1f} | — | — |")
            continue
        peer = median(theirs)
        ratio = peer / ours if "(ms)" in metric else ours / peer
        print(f"| {metric} | {ours:.1f} | {peer:.1f} | {ratio:.1f}× |")


if __name__ == "__main__":
    main()
