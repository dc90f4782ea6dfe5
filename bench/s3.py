"""S3 PUT and GET of small (4 KB) and large (64 MB) objects: Fogbank beside moto's server,
s3rver and a bare file copy over HTTP (the loopback bandwidth floor).

    .venv/bin/python bench/s3.py [--rounds 3] [--seconds 5] [--connections 1 16]
        [--large-mb 64] [--moto PATH/TO/moto_server] [--s3rver PATH/TO/s3rver]

Every server gets the same unsigned path-style requests from the same clients: wrk with Lua
scripts for small objects, curl streaming a file for large ones (both on the load core,
servers on the other). Rounds alternate the servers; the figures are medians. Peers are
optional: a missing one is reported and skipped. Install them outside the repository, e.g.
    python3 -m venv /tmp/motovenv && /tmp/motovenv/bin/pip install "moto[server]"
    npm install --prefix /tmp/s3rver s3rver
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import tempfile
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from typing import Callable, Iterator

from harness import (BENCH, BIN, LOAD_CORE, SERVER_CORE, RunningNode, free_port, median,
                     require, wait_http, wrk)

BUCKET = "bench"
SMALL = 4096
PRELOADED = 100

# Unique keys per request: a per-thread random prefix and a counter.
PUT_LUA = """\
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.body = string.rep("x", %d)
local prefix = tostring(math.random(1, 1e9))
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/%s/put-" .. prefix .. "-" .. n)
end
""" % (SMALL, BUCKET)

# Random keys over the preloaded set.
GET_LUA = """\
request = function()
  return wrk.format("GET", "/%s/small-" .. math.random(0, %d))
end
""" % (BUCKET, PRELOADED - 1)

SMALL_OPERATIONS = {"PUT 4 KB": PUT_LUA, "GET 4 KB": GET_LUA}

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Placeholder:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
"""


@contextmanager
def fogbank_server() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp) / "objects"
        app.mkdir()
        (app / "template.yaml").write_text(TEMPLATE)
        node = RunningNode(app, "--no-watch", taskset=SERVER_CORE)
        try:
            node.wait_ready()
            yield node.url
        finally:
            node.stop()


@contextmanager
def process_server(cmd: list[str], port: int, env: dict[str, str] | None = None
                   ) -> Iterator[str]:
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
def bare_files_server() -> Iterator[str]:
    """bench/apps/bare_files.py under the uvicorn stack Fogbank itself runs on."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / BUCKET).mkdir()
        with process_server([str(BIN / "uvicorn"), "bare_files:app", "--app-dir",
                             str(BENCH / "apps"), "--port", str(port), "--loop", "uvloop",
                             "--http", "httptools", "--no-access-log", "--log-level",
                             "warning"], port, env={"BARE_FILES_DIR": tmp}) as url:
            yield url


def moto_server(path: str) -> AbstractContextManager[str]:
    port = free_port()
    return process_server([path, "-H", "127.0.0.1", "-p", str(port)], port)


@contextmanager
def s3rver_server(path: str) -> Iterator[str]:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        with process_server(["node", path, "-d", tmp, "-a", "127.0.0.1", "-p", str(port),
                             "--silent"], port) as url:
            yield url


def http(method: str, url: str, *args: str) -> str:
    """One curl request on the load core; fails on an HTTP error; returns its -w output."""
    cmd = ["taskset", "-c", LOAD_CORE, "curl", "-sS", "--fail", "-X", method, "-H", "Expect:",
           "-o", "/dev/null", "-w", "%{time_total}", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def prepare(url: str, small_file: Path) -> None:
    """The bucket and PRELOADED small objects for the GETs (unsigned, as the load is)."""
    http("PUT", f"{url}/{BUCKET}")
    for i in range(PRELOADED):
        http("PUT", f"{url}/{BUCKET}/small-{i}", "--data-binary", f"@{small_file}")


def large_transfer(url: str, method: str, large_file: Path) -> float:
    """MB/s of one PUT (streamed from a file) or GET (to /dev/null) of the large object."""
    target = f"{url}/{BUCKET}/large"
    if method == "PUT":
        seconds = float(http("PUT", target, "-T", str(large_file)))
    else:
        seconds = float(http("GET", target))
    return large_file.stat().st_size / seconds / 1e6


def measure(urls: dict[str, str], scripts: dict[str, Path], large_file: Path,
            args: argparse.Namespace) -> dict:
    results: dict = {}
    for op, script in scripts.items():
        for conns in args.connections:
            for url in urls.values():
                wrk(url + "/", conns, 1, script)                # warm up
            for _ in range(args.rounds):
                for name, url in urls.items():                  # interleaved rounds
                    r = wrk(url + "/", conns, args.seconds, script)
                    results.setdefault((op, conns, name), []).append((r["rps"], r["p50_ms"]))
    for url in urls.values():                                   # warm up
        large_transfer(url, "PUT", large_file)
        large_transfer(url, "GET", large_file)
    for _ in range(args.rounds):
        for method in ("PUT", "GET"):
            for name, url in urls.items():
                for _ in range(args.large_repeats):
                    mbps = large_transfer(url, method, large_file)
                    results.setdefault((f"{method} {args.large_mb} MB", 1, name), []).append(
                        (mbps, 0.0))
    return {key: (median([v for v, _ in values]), median([p for _, p in values]))
            for key, values in results.items()}


def report(results: dict, names: list[str], args: argparse.Namespace) -> None:
    peers = [n for n in names if n != "fogbank"]
    print(f"\nsmall objects: requests/s (p50 ms), medians of {args.rounds} rounds "
          f"of {args.seconds}s")
    print(f"{'operation':10} {'conns':>5} " + "".join(f"{n:>22}" for n in names) + "   ratios")
    for op in SMALL_OPERATIONS:
        for conns in args.connections:
            cells = "".join(f"{results[(op, conns, n)][0]:>12.0f} ({results[(op, conns, n)][1]:>6.2f})"
                            for n in names)
            fog = results[(op, conns, "fogbank")][0]
            ratios = ", ".join(f"{fog / results[(op, conns, n)][0]:.2f}x {n}" for n in peers)
            print(f"{op:10} {conns:>5} {cells}   fogbank = {ratios}")
    print(f"\nlarge objects: MB/s of one transfer (curl, file ↔ server), medians of "
          f"{args.rounds * args.large_repeats}")
    print(f"{'operation':10} " + "".join(f"{n:>12}" for n in names) + "   ratios")
    for method in ("PUT", "GET"):
        op = f"{method} {args.large_mb} MB"
        fog = results[(op, 1, "fogbank")][0]
        ratios = ", ".join(f"{fog / results[(op, 1, n)][0]:.2f}x {n}" for n in peers)
        print(f"{op:10} " + "".join(f"{results[(op, 1, n)][0]:>12.0f}" for n in names)
              + f"   fogbank = {ratios}")


def find_peer(given: str | None, *candidates: str) -> str | None:
    for path in (given, *candidates):
        if path and (Path(path).exists() or shutil.which(path)):
            return path
    return None


def servers(args: argparse.Namespace) -> dict[str, Callable[[], AbstractContextManager[str]]]:
    found: dict[str, Callable[[], AbstractContextManager[str]]] = {"fogbank": fogbank_server}
    moto = find_peer(args.moto, "moto_server", "/tmp/motovenv/bin/moto_server")
    s3rver = find_peer(args.s3rver, "/tmp/s3rver/node_modules/s3rver/bin/s3rver.js")
    if moto:
        found["moto"] = lambda: moto_server(moto)
    else:
        print("moto's server not found: skipped (pip install 'moto[server]' into a venv "
              "outside the repo, then pass --moto PATH/TO/moto_server)")
    if s3rver and shutil.which("node"):
        found["s3rver"] = lambda: s3rver_server(s3rver)
    else:
        print("s3rver not found: skipped (npm install --prefix DIR s3rver outside the repo, "
              "then pass --s3rver DIR/node_modules/s3rver/bin/s3rver.js)")
    found["bare-http"] = bare_files_server
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--large-mb", type=int, default=64)
    parser.add_argument("--large-repeats", type=int, default=3, help="transfers per round")
    parser.add_argument("--moto")
    parser.add_argument("--s3rver")
    args = parser.parse_args()
    require("wrk", "curl", "taskset")
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        small_file, large_file = Path(tmp) / "small", Path(tmp) / "large"
        small_file.write_bytes(os.urandom(SMALL))
        with open(large_file, "wb") as out:
            for _ in range(args.large_mb):
                out.write(os.urandom(1024 * 1024))
        scripts = {}
        for i, (op, lua) in enumerate(SMALL_OPERATIONS.items()):
            scripts[op] = Path(tmp) / f"op{i}.lua"
            scripts[op].write_text(lua)
        urls = {name: stack.enter_context(start()) for name, start in servers(args).items()}
        for url in urls.values():
            prepare(url, small_file)
        results = measure(urls, scripts, large_file, args)
    print(f"load average after: {os.getloadavg()}")
    report(results, list(urls), args)


if __name__ == "__main__":
    main()
