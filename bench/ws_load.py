"""The WebSocket benchmark's load generator, run pinned to the load core.

    ws_load.py open URL N CONCURRENCY    open N connections (each a full handshake through
                                          $connect), print the time taken, hold them until
                                          stdin closes
    ws_load.py broadcast URL N ROUNDS    N clients learn their ids, then one asks for a
                                          broadcast to all; prints each round's time from
                                          the request to the last delivery
"""
from __future__ import annotations

import asyncio
import base64
import json
import os
import resource
import sys
import time
from urllib.parse import urlsplit

import websockets


async def handshake(host: str, port: int, path: str) -> asyncio.StreamWriter:
    reader, writer = await asyncio.open_connection(host, port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(head.decode(errors="replace"))
    return writer


async def open_many(url: str, count: int, concurrency: int) -> None:
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    gate = asyncio.Semaphore(concurrency)
    writers = []

    async def one() -> None:
        async with gate:
            writers.append(await handshake(parts.hostname, parts.port, path))
    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(count)))
    print(json.dumps({"seconds": time.perf_counter() - started, "open": len(writers)}),
          flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for writer in writers:
        writer.close()


async def broadcast(url: str, count: int, rounds: int) -> None:
    clients = [await websockets.connect(url, max_size=None, compression=None)
               for _ in range(count)]
    ids = []
    for ws in clients:                      # one at a time: no burst of cold starts
        await ws.send(json.dumps({"action": "whoami"}))
        answer = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if "id" not in answer:
            raise RuntimeError(f"whoami answered {answer}")
        ids.append(answer["id"])
    trigger = clients[0]
    times = []
    for n in range(rounds):
        token = f"round-{n}-{time.time()}"

        async def until(ws) -> None:
            while await ws.recv() != token:
                pass
        waits = [asyncio.ensure_future(until(ws)) for ws in clients]
        started = time.perf_counter()
        await trigger.send(json.dumps({"action": "broadcast", "to": ids, "data": token}))
        await asyncio.wait_for(asyncio.gather(*waits), 300)
        times.append(time.perf_counter() - started)
    print(json.dumps({"seconds": times}), flush=True)
    for ws in clients:
        await ws.close()


def main() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    command, url, count, extra = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if command == "open":
        asyncio.run(open_many(url, count, extra))
    else:
        asyncio.run(broadcast(url, count, extra))


if __name__ == "__main__":
    main()
