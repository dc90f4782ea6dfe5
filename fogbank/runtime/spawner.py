"""The node's side of the zygote: start it, ask it for workers, learn how they exited."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from collections import OrderedDict
from pathlib import Path

import fogbank
from fogbank.runtime.plan import WorkerPlan

log = logging.getLogger(__name__)

# A zygote reports every exit; statuses nobody asked for are dropped beyond this many.
_KEPT_STATUSES = 4096


class Spawner:
    """Owns the zygote process and its control socket."""

    def __init__(self, python: Path, sandbox: bool, preload: bool = True) -> None:
        self._python = python
        self._sandbox = sandbox
        self._preload = preload    # whether the zygote imports the common modules
        self.warning = ""          # why workers run without a sandbox, when they do
        # The top-level modules its workers find already imported (beyond the worker's own
        # code), known once started: a function shipping one of them needs another zygote.
        self.preloaded: frozenset[str] = frozenset()
        self._closed = False
        self._starting: asyncio.Lock | None = None
        self._control: socket.socket | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._next_id = 0
        self._statuses: OrderedDict[int, int] = OrderedDict()   # spawn id → wait status
        self._waiters: dict[int, asyncio.Future[int | None]] = {}

    async def start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        root = str(Path(fogbank.__file__).resolve().parent.parent)
        code = (f"import sys; sys.path.insert(0, {root!r}); "
                "from fogbank.runtime.zygote import main; "
                f"main({theirs.fileno()}, {self._sandbox}, {self._preload})")
        # An empty environment: workers are forked from this process, and whatever it was
        # started with would stay readable in their /proc/self/environ.
        self._process = await asyncio.create_subprocess_exec(
            str(self._python), "-I", "-c", code, pass_fds=[theirs.fileno()], env={},
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            # A terminal's Ctrl-C goes to its whole foreground process group; the node stops
            # the zygote and its workers itself (closing the control socket), so they stay
            # out of that group rather than each dying of KeyboardInterrupt on the terminal.
            start_new_session=True)
        theirs.close()
        ours.setblocking(False)
        self._control = ours
        # Cold starts are only fast once the preload is done: wait for it here, once.
        ready = await asyncio.get_running_loop().sock_recv(ours, 1 << 16)
        if not ready:
            raise RuntimeError("the function zygote failed to start")
        notice = json.loads(ready)
        self.warning = notice["warning"]
        self.preloaded = frozenset(notice["preloaded"])
        self._reader = asyncio.create_task(self._read_exits(), name="fogbank-zygote-exits")

    async def spawn(self, plan: WorkerPlan) -> tuple[int, socket.socket, int]:
        """Fork a worker for `plan`: (spawn id, our end of its channel, read end of its logs).

        A spawner never started is started here: the zygote without preloads is only
        needed once a function ships its own copy of a preloaded module."""
        if self._control is None and not self._closed:
            if self._starting is None:
                self._starting = asyncio.Lock()
            async with self._starting:
                if self._control is None:
                    await self.start()
        if self._control is None:
            raise RuntimeError("the runtime is not started")
        if self._reader is not None and self._reader.done():
            log.warning("the function zygote exited; starting a new one")
            await self._stop()
            await self.start()
        assert self._control is not None
        self._next_id += 1
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        log_read, log_write = os.pipe()
        try:
            message = self._next_id.to_bytes(8, "big") + plan.to_json()
            socket.send_fds(self._control, [message], [theirs.fileno(), log_write])
        finally:
            theirs.close()
            os.close(log_write)
        os.set_blocking(log_read, False)
        return self._next_id, ours, log_read

    async def exit_status(self, spawn_id: int, timeout_s: float = 10.0) -> int | None:
        """The wait status of a worker that has exited (None if the zygote cannot say)."""
        if spawn_id in self._statuses:
            return self._statuses.pop(spawn_id)
        if self._reader is None or self._reader.done():
            return None
        waiter = self._waiters.setdefault(spawn_id, asyncio.get_running_loop().create_future())
        try:
            return await asyncio.wait_for(asyncio.shield(waiter), timeout_s)
        except asyncio.TimeoutError:
            return None
        finally:
            self._waiters.pop(spawn_id, None)
            self._statuses.pop(spawn_id, None)

    async def _read_exits(self) -> None:
        assert self._control is not None
        loop = asyncio.get_running_loop()
        try:
            while message := await loop.sock_recv(self._control, 4096):
                notice = json.loads(message)
                self._exited(notice["spawn"], notice["status"])
        except OSError:
            pass
        # The zygote is gone, and with it every worker: nobody will report their exits.
        for waiter in self._waiters.values():
            if not waiter.done():
                waiter.set_result(None)

    def _exited(self, spawn_id: int, status: int) -> None:
        waiter = self._waiters.get(spawn_id)
        if waiter is not None and not waiter.done():
            waiter.set_result(status)
            return
        self._statuses[spawn_id] = status
        while len(self._statuses) > _KEPT_STATUSES:
            self._statuses.popitem(last=False)

    async def close(self) -> None:
        self._closed = True
        await self._stop()

    async def _stop(self) -> None:
        control, self._control = self._control, None
        if self._reader is not None:
            self._reader.cancel()
        if control is not None:
            control.close()
        if self._process is not None:
            try:
                await asyncio.wait_for(self._process.wait(), 5.0)
            except asyncio.TimeoutError:
                self._process.kill()
                await self._process.wait()
