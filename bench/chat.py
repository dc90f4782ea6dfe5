"""The chat example (examples/chat): end-to-end message latency, from the sender's send to
the moment every connected client has the message, with 100 and 1,000 clients.

    .venv/bin/python bench/chat.py [--clients 100 1000] [--messages 60] [--warmup 5]

The node serves the example exactly as `make run` does (SendMessageHandler stores the
message in DynamoDB, scans Connections and posts to each client through @connections). The
floor beside it is a bare `websockets` server on the same core that relays each message to
every client itself: no function, no table, no @connections — what the clients and the
loopback cost. The node is pinned to one core, the clients to the other.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import websockets

from harness import LOAD_CORE, SERVER_CORE, RunningNode, free_port

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "chat"


# ---------------------------------------------------------------- servers

@contextmanager
def chat_node() -> Iterator[str]:
    """`fogbank up` on a copy of the chat example; yields its WebSocket URL."""
    with tempfile.TemporaryDirectory() as tmp:
        app_dir = Path(tmp) / "chat"
        shutil.copytree(EXAMPLE, app_dir, ignore=shutil.ignore_patterns(".fogbank"))
        node = RunningNode(app_dir, "--no-watch", prefix=("taskset", "-c", SERVER_CORE),
                           log_path=Path(tmp) / "node.log")
        try:
            yield node.wait_ready(timeout=180)["outputs"]["WebSocketUrl"]
        finally:
            node.stop()


async def relay_server(port: int) -> None:
    """The floor: every message is answered to every client in the shape the chat sends."""
    clients: set = set()

    async def serve(ws) -> None:
        clients.add(ws)
        try:
            async for raw in ws:
                body = json.loads(raw)
                if body.get("action") == "sendmessage":
                    websockets.broadcast(clients, json.dumps(
                        {"type": "message", "message": body["message"]}))
                elif body.get("action") == "updatedetails":
                    await ws.send(json.dumps({"type": "details"}))
        finally:
            clients.discard(ws)
    async with websockets.serve(serve, "127.0.0.1", port, compression=None, max_queue=None):
        await asyncio.Future()


@contextmanager
def relay() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(["taskset", "-c", SERVER_CORE, sys.executable, __file__,
                             "--relay", str(port)])
    try:
        yield f"ws://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(30)


# ---------------------------------------------------------------- clients

async def open_clients(url: str, count: int, concurrency: int = 32) -> list:
    gate = asyncio.Semaphore(concurrency)

    async def one():
        async with gate:
            for attempt in range(20):            # the node may throttle a burst of handshakes
                try:
                    return await websockets.connect(url, compression=None, max_queue=None,
                                                    open_timeout=60)
                except (OSError, websockets.InvalidStatus):
                    await asyncio.sleep(0.2 * (attempt + 1))
            raise RuntimeError(f"could not connect to {url}")
    return list(await asyncio.gather(*(one() for _ in range(count))))


async def until_type(ws, kind: str) -> dict:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if message.get("type") == kind:
            return message


async def measure(url: str, count: int, messages: int, warmup: int) -> dict[str, float]:
    """Per message: send → last client has it (s); per delivery: send → one client has it."""
    clients = await open_clients(url, count)
    sender = clients[0]
    await sender.send(json.dumps({"action": "updatedetails", "userHandle": "bench"}))
    await until_type(sender, "details")
    everyone, each = [], []
    for n in range(warmup + messages):
        token = f"m{n}-{time.time()}"
        arrived: list[float] = []

        async def wait(ws) -> None:
            while (await until_type(ws, "message"))["message"] != token:
                pass
            arrived.append(time.perf_counter())
        waiting = [asyncio.ensure_future(wait(ws)) for ws in clients]
        await asyncio.sleep(0)                   # every waiter is reading before the send
        started = time.perf_counter()
        await sender.send(json.dumps({"action": "sendmessage", "message": token}))
        await asyncio.wait_for(asyncio.gather(*waiting), 300)
        if n >= warmup:
            everyone.append(max(arrived) - started)
            each.extend(t - started for t in arrived)
    await asyncio.gather(*(ws.close() for ws in clients))
    return {"p50": pct(everyone, 50), "p99": pct(everyone, 99),
            "each_p50": pct(each, 50), "each_p99": pct(each, 99)}


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


# ---------------------------------------------------------------- report

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--messages", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--relay", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.relay:
        asyncio.run(relay_server(args.relay))
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    os.sched_setaffinity(0, {int(LOAD_CORE)})
    rows = []
    for count in args.clients:
        for name, server in (("Fogbank chat", chat_node), ("bare relay (floor)", relay)):
            with server() as url:
                rows.append((count, name, asyncio.run(
                    measure(url, count, args.messages, args.warmup))))
            print(f"  {count} clients, {name}: done", file=sys.stderr, flush=True)
    print(f"{args.messages} messages per row after {args.warmup} warm-up; milliseconds\n")
    print("| clients | server | send → all have it, p50 | p99 | one delivery, p50 | p99 |")
    print("|---|---|---|---|---|---|")
    for count, name, r in rows:
        print(f"| {count:,} | {name} | {r['p50']:.1f} | {r['p99']:.1f} | "
              f"{r['each_p50']:.1f} | {r['each_p99']:.1f} |")


if __name__ == "__main__":
    main()
