"""The zygote: a warmed interpreter that forks one worker per cold start.

It runs as its own process (`python -I -c ...`, empty environment), preloads the worker
code and the heavy common modules once, then loops on its control socket: each request is
one SOCK_SEQPACKET message holding a spawn id and a `WorkerPlan` and two descriptors (the worker's end of
its socketpair, the write end of its log pipe). It reports each child's exit status back
under its spawn id, since only a parent can wait for a child. Single-threaded, so forking is safe.
"""
from __future__ import annotations

import gc
import os
import select
import signal
import socket
import sys
import time

_PRELOAD = ("boto3", "botocore.session", "botocore.client", "botocore.loaders",
            "botocore.credentials", "botocore.endpoint", "boto3.session", "json", "logging",
            "decimal", "uuid", "urllib.request", "http.client", "ssl", "email.utils")
_MAX_REQUEST = 1 << 20


def _preload() -> None:
    import importlib

    for name in _PRELOAD:
        importlib.import_module(name)
    import fogbank.runtime.worker  # noqa: F401  (the worker code itself)


def _child(control: socket.socket, wake_fds: tuple[int, int], plan_json: bytes, fds: list[int],
           started: float) -> None:
    from fogbank.runtime import worker
    from fogbank.runtime.plan import WorkerPlan

    channel_fd, log_fd = fds
    code = 0
    try:
        control.close()
        for fd in wake_fds:
            os.close(fd)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        _die_with_parent()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        os.close(devnull)
        os.close(log_fd)
        channel = socket.socket(fileno=channel_fd)
        worker.serve(WorkerPlan.from_json(plan_json), channel, started)
    except SystemExit as e:
        # sys.exit() inside a handler ends the runtime, as it does on Lambda.
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _die_with_parent() -> None:
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _reap(control: socket.socket, children: dict[int, int]) -> None:
    import json

    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        spawn_id = children.pop(pid, None)
        if spawn_id is not None:
            control.send(json.dumps({"spawn": spawn_id, "status": status}).encode())


def main(control_fd: int) -> None:
    _preload()
    control = socket.socket(fileno=control_fd)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children: dict[int, int] = {}  # pid → the node's spawn id
    gc.freeze()
    control.send(b'{"ready": true}')  # keep the preloaded heap shared with children (no refcount-free COW by gc)
    while True:
        readable, _, _ = select.select([control, wake_r], [], [])
        if wake_r in readable:
            os.read(wake_r, 4096)
            _reap(control, children)
        if control not in readable:
            continue
        msg, fds, _flags, _addr = socket.recv_fds(control, _MAX_REQUEST, 2)
        if not msg:
            return  # the node is gone; children die with us (PDEATHSIG)
        started = time.perf_counter()
        sys.stdout.flush()
        sys.stderr.flush()
        spawn_id = int.from_bytes(msg[:8], "big")
        pid = os.fork()
        if pid == 0:
            _child(control, (wake_r, wake_w), msg[8:], fds, started)
        children[pid] = spawn_id
        for fd in fds:
            os.close(fd)
