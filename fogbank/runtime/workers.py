"""One worker process as the node sees it: send an invocation, get an outcome.

The worker's stdout/stderr arrive on a pipe that is read continuously (so a chatty
function never blocks on a full pipe) and drained once more after each result frame: the
worker flushes before it answers, so everything it wrote is already in the pipe.
"""
from __future__ import annotations

import asyncio
import json
import math
import os
import signal
import socket
from dataclasses import dataclass
from typing import Callable

from fogbank.runtime import faults, frames
from fogbank.runtime.plan import WorkerPlan
from fogbank.runtime.spawner import Spawner

# Output kept per invocation; a function printing more loses the excess, not the node.
_MAX_OUTPUT_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Invocation:
    request_id: str
    payload: bytes
    arn: str
    timeout_s: float
    deadline_ms: int
    client_context: str | None = None
    trace: str | None = None      # the caller's trace to continue; None: the worker starts one


@dataclass(frozen=True)
class Outcome:
    payload: bytes
    error_type: str | None       # errorType of an error payload
    output: str                  # what the function wrote during the invocation
    duration_ms: float
    max_memory_mb: int
    status: str | None = None    # "timeout" or "error" when the runtime itself failed


class Worker:
    def __init__(self, spawner: Spawner, spawn_id: int, channel: socket.socket, log_fd: int,
                 log_stream: str, provisioned: bool) -> None:
        self.log_stream = log_stream
        self.provisioned = provisioned
        self.pid = 0
        self.init_ms = 0.0
        self.init_output = ""          # written while importing the handler
        self.init_error: str | None = None   # the errorType of a failed init
        self.warning = ""              # sandbox unavailable, …
        self.alive = True
        self.invocations = 0
        self.last_used = 0.0           # loop time of the last release
        self.over_memory = False       # set by the watchdog before it kills
        self.timed_out = False         # set when an invocation's timer killed it
        self.init_timed_out = False
        self.on_line: Callable[[str], None] | None = None   # live output, line by line
        self._loop = asyncio.get_running_loop()
        self._spawner = spawner
        self._spawn_id = spawn_id
        self._channel = channel
        self._log_fd = log_fd
        self._log_buffer = bytearray()   # this invocation's output
        self._partial = bytearray()      # the start of a line not yet ended, for on_line
        self._pidfd = -1
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._exit_status: int | None = None

    @classmethod
    async def start(cls, spawner: Spawner, plan: WorkerPlan, log_stream: str,
                    provisioned: bool, init_timeout_s: float) -> "Worker":
        """Fork and initialise; a worker that fails during init comes back with alive=False."""
        spawn_id, channel, log_fd = await spawner.spawn(plan)
        worker = cls(spawner, spawn_id, channel, log_fd, log_stream, provisioned)
        forked = worker._loop.time()
        worker._loop.add_reader(log_fd, worker._read_logs)
        worker._reader, worker._writer = await asyncio.open_unix_connection(sock=channel)
        try:
            async with asyncio.timeout(init_timeout_s):
                hello, _ = await frames.read(worker._reader)
                worker._adopt(hello["pid"])
                ready, _ = await frames.read(worker._reader)
        except asyncio.TimeoutError:
            worker.init_timed_out = True
            worker.init_ms = init_timeout_s * 1000
            worker.kill()
        except (asyncio.IncompleteReadError, ConnectionError):
            worker.init_error = faults.EXIT_ERROR   # it exited while loading the handler
            worker.init_ms = (worker._loop.time() - forked) * 1000
            await worker._wait_exit()
        else:
            worker.init_ms, worker.warning = ready["init_ms"], ready["warning"]
            worker.init_error = ready.get("init_error")
        worker.init_output = worker._take_output()
        return worker

    def _adopt(self, pid: int) -> None:
        self.pid = pid
        try:
            self._pidfd = os.pidfd_open(pid)
        except ProcessLookupError:
            pass

    @property
    def usable(self) -> bool:
        """Alive as far as we know, and its channel not closed behind our back."""
        return self.alive and self._reader is not None and not self._reader.at_eof()

    async def invoke(self, inv: Invocation) -> Outcome:
        if self.init_timed_out:
            return Outcome(json_bytes(faults.timed_out(inv.request_id, inv.timeout_s)),
                           faults.TIMED_OUT, self._take_output(), inv.timeout_s * 1000, 0,
                           status="timeout")
        if not self.alive:
            return self._died(inv, self._exit_status, duration_ms=0.0)
        assert self._reader is not None and self._writer is not None
        self.invocations += 1
        self._emit_lines()  # anything written between invocations (background threads)
        header = {"request_id": inv.request_id, "deadline_ms": inv.deadline_ms, "arn": inv.arn,
                  "client_context": inv.client_context, "trace": inv.trace}
        started = self._loop.time()
        # A timer rather than asyncio.wait_for: no task per invocation on the hot path.
        # When it fires the worker is killed, which ends the read below.
        timer = self._loop.call_later(inv.timeout_s, self._time_out)
        try:
            self._writer.write(frames.pack(header, inv.payload))
            result, payload = await frames.read(self._reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            if self.timed_out:
                return Outcome(json_bytes(faults.timed_out(inv.request_id, inv.timeout_s)),
                               faults.TIMED_OUT, self._take_output(), inv.timeout_s * 1000,
                               self.rss_mb(), status="timeout")
            status = await self._wait_exit()
            return self._died(inv, status, (self._loop.time() - started) * 1000)
        finally:
            timer.cancel()
        if result.get("out_of_memory"):
            self.over_memory = True
            status = await self._wait_exit()
            return self._died(inv, status, (self._loop.time() - started) * 1000)
        status = None
        if result.get("init_failed"):
            self.alive = False
            status = "error"
        error_type = result["error_type"]
        if len(payload) > faults.RESPONSE_LIMIT:     # the worker stays usable, as on Lambda
            payload, error_type = json_bytes(faults.response_too_large()), faults.RESPONSE_TOO_LARGE
        return Outcome(payload, error_type, self._take_output(), result["duration_ms"],
                       math.ceil(result["max_rss_kb"] / 1024), status)

    def _time_out(self) -> None:
        self.timed_out = True
        self.kill()

    def _died(self, inv: Invocation, status: int | None, duration_ms: float) -> Outcome:
        error = faults.runtime_exited(inv.request_id, status, self.over_memory)
        return Outcome(json_bytes(error), error["errorType"], self._take_output(), duration_ms,
                       self.rss_mb(), status="error")

    async def _wait_exit(self) -> int | None:
        self.alive = False
        if self._exit_status is None:
            self._exit_status = await self._spawner.exit_status(self._spawn_id)
        return self._exit_status

    def rss_mb(self) -> int:
        """Resident memory now (0 once gone)."""
        try:
            with open(f"/proc/{self.pid}/statm") as f:
                pages = int(f.read().split()[1])
        except (OSError, ValueError, IndexError):
            return 0
        return pages * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)

    def kill(self) -> None:
        """SIGKILL through a pidfd, so a recycled pid can never be hit."""
        self.alive = False
        if self._pidfd >= 0:
            try:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def close(self) -> None:
        """Kill the process and release every descriptor the node holds for it."""
        self.kill()
        if self._log_fd >= 0:
            self._loop.remove_reader(self._log_fd)
            os.close(self._log_fd)
            self._log_fd = -1
        if self._writer is not None:
            self._writer.close()
        if self._pidfd >= 0:
            os.close(self._pidfd)
            self._pidfd = -1

    def _read_logs(self) -> None:
        while True:
            try:
                chunk = os.read(self._log_fd, 65536)
            except BlockingIOError:
                return
            if not chunk:
                self._loop.remove_reader(self._log_fd)
                return
            kept = chunk[:max(0, _MAX_OUTPUT_BYTES - len(self._log_buffer))]
            self._log_buffer += kept
            self._partial += kept
            self._emit_lines()

    def _emit_lines(self) -> None:
        if self.on_line is None or b"\n" not in self._partial:
            return
        *lines, rest = self._partial.split(b"\n")
        self._partial = bytearray(rest)
        for line in lines:
            self.on_line(line.decode("utf-8", "replace"))

    def _take_output(self) -> str:
        """Everything written since the last call (after a final drain of the pipe)."""
        if self._log_fd >= 0:
            self._read_logs()
        if self._partial and self.on_line is not None:
            self.on_line(self._partial.decode("utf-8", "replace"))
        self._partial.clear()
        text = self._log_buffer.decode("utf-8", "replace")
        self._log_buffer.clear()
        return text


def json_bytes(payload: dict[str, object]) -> bytes:
    return json.dumps(payload).encode()
