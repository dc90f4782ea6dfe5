"""S3 PUT and GET of small (4 KB) and large (64 MB) objects: Fogbank beside moto's server,
s3rver and a bare file copy over HTTP (the loopback bandwidth floor; `bare+md5` is the same
copy hashing each PUT with MD5, the work S3's ETag makes unavoidable).

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
import subprocess
import tempfile
import uuid
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from harness import (BENCH, BIN, LOAD_CORE, empty_node, free_port, median, process_server,
                     require, wrk)

BUCKET = "bench"
SMALL = 4096
PRELOADED = 100

# Every request carries a well-formed SigV4 header with a dummy signature: none of the
# servers checks header signatures (s3rver is told not to), but moto refuses anonymous
# overwrites and s3rver wants its own access key and a current date.
HEADERS_LUA = "".join(f'wrk.headers["{name}"] = "{{{name}}}"\n' for name in (
    "Authorization", "x-amz-content-sha256", "x-amz-date"))

# Unique keys per request: a per-run prefix, a per-thread random part and a counter.
PUT_LUA = HEADERS_LUA + """\
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.body = string.rep("x", %d)
local prefix = "{run}-" .. tostring(math.random(1, 1e9))
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/%s/put-" .. prefix .. "-" .. n)
end
""" % (SMALL, BUCKET)

# Random keys over the preloaded set.
GET_LUA = HEADERS_LUA + """\
request = function()
  return wrk.format("GET", "/%s/small-" .. math.random(0, %d))
end
""" % (BUCKET, PRELOADED - 1)

SMALL_OPERATIONS = {"PUT 4 KB": PUT_LUA, "GET 4 KB": GET_LUA}


def auth_headers(access_key: str) -> dict[str, str]:
    now = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return {"Authorization": f"AWS4-HMAC-SHA256 Credential={access_key}/{now[:8]}/us-east-1/"
                             "s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;"
                             "x-amz-date, Signature=" + "0" * 64,
            "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "x-amz-date": now}


@dataclass(frozen=True)
class Server:
    name: str
    start: Callable[[], AbstractContextManager[str]]
    access_key: str = "test"


def lua_script(directory: Path, op: str, server: Server) -> Path:
    """The op's script with fresh headers and a fresh key prefix for one wrk run."""
    text = SMALL_OPERATIONS[op].replace("{run}", uuid.uuid4().hex[:8])
    for name, value in auth_headers(server.access_key).items():
        text = text.replace("{%s}" % name, value)
    path = directory / "request.lua"
    path.write_text(text)
    return path


@contextmanager
def bare_files_server(md5: bool = False) -> Iterator[str]:
    """bench/apps/bare_files.py under the uvicorn stack Fogbank itself runs on."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        with process_server([str(BIN / "uvicorn"), "bare_files:app", "--app-dir",
                             str(BENCH / "apps"), "--port", str(port), "--loop", "uvloop",
                             "--http", "httptools", "--no-access-log", "--log-level",
                             "warning"], port,
                            env={"BARE_FILES_DIR": tmp, "BARE_FILES_MD5": str(int(md5))}) as url:
            yield url


def moto_server(path: str) -> AbstractContextManager[str]:
    port = free_port()
    return process_server([path, "-H", "127.0.0.1", "-p", str(port)], port)


@contextmanager
def s3rver_server(path: str) -> Iterator[str]:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        with process_server(["node", path, "-d", tmp, "-a", "127.0.0.1", "-p", str(port),
                             "--silent", "--allow-mismatched-signatures"], port) as url:
            yield url


def http(server: Server, method: str, url: str, *args: str) -> str:
    """One curl request on the load core; fails on an HTTP error; returns its -w output."""
    # No Expect: 100-continue, and a neutral type (a form type makes moto parse the body).
    headers = {"Expect": "", "Content-Type": "application/octet-stream",
               **auth_headers(server.access_key)}
    cmd = ["taskset", "-c", LOAD_CORE, "curl", "-sS", "--fail", "-X", method, "-o", "/dev/null",
           "-w", "%{time_total}", *args, url]
    for name, value in headers.items():
        cmd[5:5] = ["-H", f"{name}: {value}"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def prepare(server: Server, url: str, small_file: Path) -> None:
    """The bucket and PRELOADED small objects for the GETs."""
    http(server, "PUT", f"{url}/{BUCKET}")
    for i in range(PRELOADED):
        http(server, "PUT", f"{url}/{BUCKET}/small-{i}", "--data-binary", f"@{small_file}")


def large_transfer(server: Server, url: str, method: str, large_file: Path) -> float:
    """MB/s of one PUT (streamed from a file) or GET (to /dev/null) of the large object."""
    target = f"{url}/{BUCKET}/large"
    if method == "PUT":
        seconds = float(http(server, "PUT", target, "-T", str(large_file)))
    else:
        seconds = float(http(server, "GET", target))
    return large_file.stat().st_size / seconds / 1e6


def measure_small(urls: dict[Server, str], tmp: Path, args: argparse.Namespace) -> dict:
    """(operation, connections, server name) → [(requests/s, p50 ms) per round]."""
    results: dict = {}
    for op in SMALL_OPERATIONS:
        for conns in args.connections:
            for server, url in urls.items():                    # warm up
                wrk(url + "/", conns, 1, lua_script(tmp, op, server))
            for _ in range(args.rounds):
                for server, url in urls.items():                # interleaved rounds
                    try:
                        r = wrk(url + "/", conns, args.seconds, lua_script(tmp, op, server))
                    except RuntimeError as exc:
                        raise RuntimeError(f"{server.name}: {op}: {exc}") from None
                    results.setdefault((op, conns, server.name), []).append(
                        (r["rps"], r["p50_ms"]))
    return results


def measure_large(urls: dict[Server, str], large_file: Path, args: argparse.Namespace) -> dict:
    """(operation, 1, server name) → [(MB/s, 0) per transfer]."""
    results: dict = {}
    for server, url in urls.items():                            # warm up
        large_transfer(server, url, "PUT", large_file)
        large_transfer(server, url, "GET", large_file)
    for _ in range(args.rounds):
        for method in ("PUT", "GET"):
            for server, url in urls.items():                    # interleaved rounds
                for _ in range(args.large_repeats):
                    mbps = large_transfer(server, url, method, large_file)
                    results.setdefault((f"{method} {args.large_mb} MB", 1, server.name),
                                       []).append((mbps, 0.0))
    return results


def report(results: dict, names: list[str], args: argparse.Namespace) -> None:
    results = {key: (median([v for v, _ in values]), median([p for _, p in values]))
               for key, values in results.items()}
    peers = [n for n in names if n != "fogbank"]
    print(f"\nsmall objects: requests/s (p50 ms), medians of {args.rounds} rounds "
          f"of {args.seconds}s")
    print(f"{'operation':10} {'conns':>5} " + "".join(f"{n:>22}" for n in names))
    for op in SMALL_OPERATIONS:
        for conns in args.connections:
            cells = "".join(f"{results[(op, conns, n)][0]:>13.0f} "
                            f"({results[(op, conns, n)][1]:>6.2f})" for n in names)
            fog = results[(op, conns, "fogbank")][0]
            ratios = ", ".join(f"{fog / results[(op, conns, n)][0]:.2f}x {n}" for n in peers)
            print(f"{op:10} {conns:>5} {cells}   fogbank = {ratios}")
    print(f"\nlarge objects: MB/s of one transfer (curl, file <-> server), medians of "
          f"{args.rounds * args.large_repeats}")
    print(f"{'operation':10} {'':>5} " + "".join(f"{n:>22}" for n in names))
    for method in ("PUT", "GET"):
        op = f"{method} {args.large_mb} MB"
        fog = results[(op, 1, "fogbank")][0]
        ratios = ", ".join(f"{fog / results[(op, 1, n)][0]:.2f}x {n}" for n in peers)
        print(f"{op:10} {'':>5} " + "".join(f"{results[(op, 1, n)][0]:>22.0f}" for n in names)
              + f"   fogbank = {ratios}")


def find_peer(given: str | None, *candidates: str) -> str | None:
    for path in (given, *candidates):
        if path and (Path(path).exists() or shutil.which(path)):
            return path
    return None


def servers(args: argparse.Namespace) -> list[Server]:
    found = [Server("fogbank", lambda: empty_node("objects"))]
    moto = find_peer(args.moto, "/tmp/motovenv/bin/moto_server", "moto_server")
    s3rver = find_peer(args.s3rver, "/tmp/s3rver/node_modules/s3rver/bin/s3rver.js")
    if moto:
        found.append(Server("moto", lambda: moto_server(moto)))
    else:
        print("moto's server not found: skipped (pip install 'moto[server]' into a venv "
              "outside the repo, then pass --moto PATH/TO/moto_server)")
    if s3rver and shutil.which("node"):
        found.append(Server("s3rver", lambda: s3rver_server(s3rver), access_key="S3RVER"))
    else:
        print("s3rver not found: skipped (npm install --prefix DIR s3rver outside the repo, "
              "then pass --s3rver DIR/node_modules/s3rver/bin/s3rver.js)")
    found.append(Server("bare-http", bare_files_server))
    found.append(Server("bare+md5", lambda: bare_files_server(md5=True)))
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
        urls = {server: stack.enter_context(server.start()) for server in servers(args)}
        for server, url in urls.items():
            prepare(server, url, small_file)
        results = {**measure_small(urls, Path(tmp), args),
                   **measure_large(urls, large_file, args)}
    print(f"load average after: {os.getloadavg()}")
    report(results, [server.name for server in urls], args)


if __name__ == "__main__":
    main()
