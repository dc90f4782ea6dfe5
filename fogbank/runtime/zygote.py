"""The zygote: a warmed interpreter that hands out ready-forked workers on cold starts.

It runs as its own process (`python -I -c ...`, empty environment) and preloads the worker
code and the heavy common modules once. Forking that image is the slow part of a cold
start (milliseconds of page-table copying on a busy machine), so the zygote keeps a few
*blank* children forked ahead of demand — already in their own namespaces, waiting — and a
cold start only hands one of them its plan (Android's zygote does the same with its
"unspecialized app process" pool).

Control protocol, one SOCK_SEQPACKET message each: node → zygote, an 8-byte spawn id, a
`WorkerPlan` as JSON and two descriptors (the worker's end of its socketpair, the write end
of its log pipe); zygote → node, `{"ready": true, "warning": text}` once preloaded (the text says
when workers cannot enter their sandbox) and `"preloaded": [names]`, then `{"spawn": id,
"status": wait status}` when a worker exits, since only a parent can wait for a child.
Single-threaded, so forking is safe.

The preloaded names are the top-level modules in sys.modules beyond what the worker code
itself imports: a function shipping its own copy of one of them gets workers from a second
zygote started with `preload=False` (runtime.py, shadowing.py).
"""
from __future__ import annotations

import gc
import json
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
# Blank children kept forked ahead of demand; a burst beyond this waits for forks.
_BLANKS = 4
# Refill only after this long without requests: a fork competes for the CPU with the
# worker it just handed a plan to.
_REFILL_AFTER_S = 0.02


def _top_level_modules() -> set[str]:
    return {name for name in sys.modules if "." not in name}


def _preload(common: bool) -> list[str]:
    """Import the worker code, then (if `common`) the common modules: the names the latter
    added, which a function's own copy must win over."""
    import importlib

    import fogbank.runtime.worker  # noqa: F401  (the worker code itself)

    if not common:
        return []
    own = _top_level_modules()
    for name in _PRELOAD:
        importlib.import_module(name)
    return sorted(_top_level_modules() - own)


def _blank_child(inherited: list[int], mine: socket.socket, sandbox: bool) -> None:
    """Become ready for any function, wait for a plan, then become that function's worker."""
    from fogbank.runtime import worker
    from fogbank.runtime.plan import WorkerPlan

    code = 0
    try:
        for fd in inherited:
            os.close(fd)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        warning = worker.prepare(sandbox)
        plan_json, fds, _flags, _addr = socket.recv_fds(mine, _MAX_REQUEST, 2)
        if not plan_json:
            os._exit(0)  # the zygote is shutting down
        started = time.perf_counter()
        mine.close()
        channel_fd, log_fd = fds
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        os.close(log_fd)
        channel = socket.socket(fileno=channel_fd)
        worker.serve(WorkerPlan.from_json(plan_json), channel, started, warning)
    except SystemExit as e:
        # sys.exit() inside a handler ends the runtime, as it does on Lambda; like the
        # interpreter, a message given in place of a status is written out, status 1.
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if not isinstance(e.code, (int, type(None))):
            print(e.code, file=sys.stderr)
    except BaseException as e:
        import traceback

        traceback.print_exc()
        code = 1
        if isinstance(e, KeyboardInterrupt):
            # The interpreter ends on an unhandled Ctrl-C by that signal, not a status.
            sys.stdout.flush()
            sys.stderr.flush()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


class _Zygote:
    def __init__(self, control: socket.socket, sandbox: bool, preloaded: list[str],
                 blanks: int) -> None:
        self.control = control
        self.sandbox = sandbox
        self.preloaded = preloaded
        self.blank_count = blanks
        self.wake_r, self.wake_w = os.pipe()
        self.blanks: list[tuple[int, socket.socket]] = []
        self.children: dict[int, int] = {}   # pid → the node's spawn id

    def fork_blank(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            inherited = [self.control.fileno(), self.wake_r, self.wake_w, ours.fileno()]
            inherited += [s.fileno() for _, s in self.blanks]
            _blank_child(inherited, theirs, self.sandbox)
        theirs.close()
        self.blanks.append((pid, ours))

    def hand_over(self, spawn_id: int, plan_json: bytes, fds: list[int]) -> None:
        """Give the plan to a blank child (forking one if none is ready)."""
        while True:
            if not self.blanks:
                self.fork_blank()
            pid, sock = self.blanks.pop(0)
            try:
                socket.send_fds(sock, [plan_json], fds)
            except OSError:
                continue  # that blank child died; try the next
            finally:
                sock.close()
            self.children[pid] = spawn_id
            return

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            spawn_id = self.children.pop(pid, None)
            if spawn_id is not None:
                try:
                    self.control.send(json.dumps({"spawn": spawn_id, "status": status}).encode())
                except OSError:
                    pass  # the node has hung up; the main loop sees it and exits

    def shut_down(self) -> None:
        """The node is gone: kill and reap every child, so none is left for init to reap."""
        pids = list(self.children) + [pid for pid, _ in self.blanks]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in pids:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass

    def probe_sandbox(self) -> str:
        """Whether a worker can enter its sandbox here, tried once in a throwaway child so
        that `fogbank up` can say so at start: the warning, or ""."""
        if not self.sandbox:
            return ""
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            from fogbank.runtime import worker

            os.close(read_end)
            os.write(write_end, worker.prepare(True).encode())
            os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            warning = pipe.read().decode()
        os.waitpid(pid, 0)
        return warning

    def serve(self) -> None:
        warning = self.probe_sandbox()
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        while len(self.blanks) < self.blank_count:
            self.fork_blank()
        self.control.send(json.dumps({"ready": True, "warning": warning,
                                      "preloaded": self.preloaded}).encode())
        while True:
            timeout = _REFILL_AFTER_S if len(self.blanks) < self.blank_count else None
            readable, _, _ = select.select([self.control, self.wake_r], [], [], timeout)
            if not readable:
                self.fork_blank()
                continue
            if self.wake_r in readable:
                os.read(self.wake_r, 4096)
                self.reap()
            if self.control not in readable:
                continue
            try:
                msg, fds, _flags, _addr = socket.recv_fds(self.control, _MAX_REQUEST, 2)
            except ConnectionError:
                msg, fds = b"", []
            if not msg:
                return self.shut_down()
            self.hand_over(int.from_bytes(msg[:8], "big"), msg[8:], fds)
            for fd in fds:
                os.close(fd)
            if not self.blanks:
                self.fork_blank()  # a burst: the next cold start should not wait for a fork


def main(control_fd: int, sandbox: bool, preload: bool = True) -> None:
    preloaded = _preload(preload)
    # Only functions that ship a preloaded module's copy use a zygote without them: rare,
    # and their cold start is the import anyway, so one blank child is enough.
    zygote = _Zygote(socket.socket(fileno=control_fd), sandbox, preloaded,
                     _BLANKS if preload else 1)
    gc.freeze()  # keep the preloaded heap shared with children: no gc writes to its pages
    zygote.serve()
