"""The worker: one function's execution environment inside a forked zygote child.

Load once, then next → invoke → report, one invocation at a time over a socket. Mirrors
awslambdaric's bootstrap: the same handler lookup, error payloads, logging format and
JSON marshalling. Runs in the child only; imports nothing the zygote has not preloaded.
"""
from __future__ import annotations

import importlib
import json
import logging
import os
import resource
import signal
import socket
import sys
import time
import traceback
from typing import Any, Callable

from fogbank.ids import random_bytes, trace_id
from fogbank.runtime import faults, frames, json_logs, marshalling, resolver, sandbox
from fogbank.runtime.context import LambdaContext
from fogbank.runtime.plan import WorkerPlan
from fogbank.runtime.task_paths import ShownPaths

Handler = Callable[[Any, Any], Any]

_request_id = ""   # the invocation in progress, for the log format's %(aws_request_id)s
_log_handler: logging.Handler | None = None     # where `logging` records go
_json_errors = False        # failures logged as JSON records (LogFormat JSON)
_shown = ShownPaths()       # the names errors give the function's files (/var/task, /opt)
# Frames above this module's own are runtime plumbing, trimmed from stack traces.
_THIS_FILE = __file__
_LOG_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s"
# What awslambdaric logs before the error when a function fails to initialise.
_INIT_FAILURE_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function "
    "code. However, in rare cases, a Lambda runtime update can cause unexpected function "
    "behavior. For functions using managed runtimes, runtime updates can be triggered by a "
    "function change, or can be applied automatically. To determine if the runtime has been "
    "updated, check the runtime version in the INIT_START log entry. If this error correlates "
    "with a change in the runtime version, you may be able to mitigate this error by "
    "temporarily rolling back to the previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html")


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = _request_id
        return True


class _EventFormatter(logging.Formatter):
    """Lambda's text format, one record one log event (a traceback included)."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", frames.EVENT_NEWLINE)

    def formatException(self, ei: Any) -> str:
        kind, error, tb = ei
        if error is None:       # exc_info=True outside an except block: "NoneType: None"
            return super().formatException(ei)
        return "".join(_shown.exception(kind, error, tb)).removesuffix("\n")


def _setup_logging() -> None:
    global _log_handler
    # Line-buffered like awslambdaric's unbuffered streams, so print() and the output of
    # subprocesses (written straight to fd 1) stay in order.
    for fd, name in ((1, "stdout"), (2, "stderr")):
        setattr(sys, name, open(fd, "w", encoding="utf-8", errors="backslashreplace",
                                buffering=1, closefd=False))
    logging.Formatter.converter = time.gmtime
    _log_handler = logging.StreamHandler(sys.stdout)
    _log_handler.setFormatter(_EventFormatter(_LOG_FORMAT, "%Y-%m-%dT%H:%M:%S"))
    _log_handler.addFilter(_RequestIdFilter())
    logging.getLogger().addHandler(_log_handler)


def _apply_log_settings() -> None:
    """The function's LoggingConfig, as awslambdaric's bootstrap reads it from the
    environment: AWS_LAMBDA_LOG_FORMAT JSON formats records (and failures) as JSON, and
    AWS_LAMBDA_LOG_LEVEL (TRACE read as DEBUG) is the root logger's level."""
    global _json_errors
    _json_errors = os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"
    if _json_errors and _log_handler is not None:
        _log_handler.setFormatter(json_logs.JsonFormatter(_shown))
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    level = {None: "", "TRACE": "DEBUG"}.get(level, level or "").upper()
    if level in logging.getLevelNamesMapping():
        logging.getLogger().setLevel(level)


def load_handler(handler: str) -> Handler:
    """awslambdaric's _get_handler: the same faults, the same messages."""
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise faults.Fault(faults.MALFORMED_HANDLER_NAME, f"Bad handler '{handler}': {e}")
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise faults.Fault(faults.BUILT_IN_MODULE_CONFLICT,
                               f"Cannot use built-in module {modname} as a handler module")
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise faults.Fault(faults.IMPORT_MODULE_ERROR,
                           _shown.text(f"Unable to import module '{modname}': {e}"))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (_shown.file(str(e.filename)), e.lineno, e.text)]
        raise faults.Fault(faults.USER_CODE_SYNTAX_ERROR,
                           f"Syntax error in module '{modname}': {e}", trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        raise faults.Fault(faults.HANDLER_NOT_FOUND,
                           f"Handler '{fname}' missing on module '{modname}'")


def _user_trace(tb: Any) -> list[str]:
    """awslambdaric formats plain (file, line, name, code) tuples: no ^^^ markers."""
    frames = traceback.extract_tb(tb)
    while frames and frames[0].filename == _THIS_FILE:
        frames.pop(0)
    return traceback.format_list([(f.filename, f.lineno, f.name, f.line)
                                  for f in _shown.stack(frames)])


def _fault_payload(exc: BaseException, request_id: str | None) -> dict[str, Any]:
    if isinstance(exc, faults.Fault):
        return faults.make_error(exc.message, exc.error_type, exc.trace, request_id)
    return faults.make_error(str(exc), type(exc).__name__, _user_trace(exc.__traceback__),
                             request_id)


def _log_error(error: dict[str, Any]) -> None:
    """The `[ERROR] Type: message` block awslambdaric writes for every failure, as one
    event, its indentation in no-break spaces; in JSON format, the error as a record."""
    if _json_errors:
        ascii_only = marshalling.ascii_only(os.environ.get("AWS_EXECUTION_ENV", ""))
        sys.stdout.write(frames.event_line(json_logs.error_record(error, time.time(),
                                                                  ascii_only)))
        return
    line = "[ERROR]"
    if error["errorType"]:
        line += " " + error["errorType"] + (":" if error["errorMessage"] else "")
    if error["errorMessage"]:
        line += " " + error["errorMessage"]
    lines = [line, "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        for trace_line in element.splitlines():
            stripped = trace_line.lstrip(" ")
            lines.append("\u00a0" * (len(trace_line) - len(stripped)) + stripped)
    sys.stdout.write(frames.event_line("\n".join(lines)))


def _trace_header() -> str:
    """A fresh X-Ray trace header, as Lambda sets _X_AMZN_TRACE_ID for each invocation
    (from the `random` module: no system call per invocation)."""
    return f"{trace_id(time.time())};Parent={random_bytes(8).hex()};Sampled=0"


def _invoke(handler: Handler, encoder: marshalling.ResultEncoder, header: dict[str, Any],
            body: bytes) -> tuple[dict[str, Any], bytes]:
    """One invocation: (result header for the node, payload). MemoryError propagates."""
    global _request_id
    request_id = _request_id = header["request_id"]
    started = time.perf_counter()
    error = None
    try:
        raw_context = header.get("client_context")
        client_context = json.loads(raw_context) if raw_context else None
        context = LambdaContext(request_id, header["deadline_ms"], header["arn"], client_context)
        # The caller's trace when it sent one (Lambda-Runtime-Trace-Id), else a fresh one.
        os.environ["_X_AMZN_TRACE_ID"] = header.get("trace") or _trace_header()
        payload = encoder.encode(handler(marshalling.load_event(body), context))
    except MemoryError:
        raise
    except Exception as exc:
        error = _fault_payload(exc, request_id)
        _log_error(error)
        payload = json.dumps(error).encode()
    finally:
        _request_id = ""
    result = {"duration_ms": (time.perf_counter() - started) * 1000,
              "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
              "error_type": error["errorType"] if error else None}
    return result, payload


def _flush() -> None:
    sys.stdout.flush()
    sys.stderr.flush()


def prepare(namespaces: bool) -> str:
    """What every worker does before it knows its function (done ahead, in a blank child).

    Returns a warning when the sandbox could not be entered.
    """
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    _setup_logging()
    if not namespaces:
        return ""
    try:
        sandbox.enter()
    except OSError as e:
        return f"functions run without a sandbox: Linux namespaces are unavailable ({e})"
    return ""


def _die_with_parent() -> None:
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() == 1:
        os._exit(1)  # the zygote is already gone


def _initialise(plan: WorkerPlan, warning: str) -> tuple[Handler | None, dict[str, Any] | None]:
    """Enter the function's environment and import its handler: (handler, init error)."""
    global _shown
    runtime = plan.environment.get("AWS_EXECUTION_ENV", "").removeprefix("AWS_Lambda_")
    # The resolver's frame sits between socket.create_connection and socket.getaddrinfo
    # when a lookup fails; Lambda has no such frame.
    _shown = ShownPaths.of_function(plan.sys_path, runtime, hidden=(resolver.__file__,))
    if plan.sandbox is not None and not warning:
        sandbox.isolate(plan.sandbox)
    # Set after the namespace changes: a credentials change clears the parent-death signal.
    _die_with_parent()
    sandbox.limit_resources(plan.memory_mb)
    os.environ.clear()
    os.environ.update(plan.environment)
    _apply_log_settings()
    if plan.node_route is not None:
        resolver.install(*plan.node_route)
    time.tzset()
    os.chdir(plan.code_dir)
    # A function shipping a preloaded module's copy runs in a worker without the preloads
    # (runtime.py), so what is imported already is only this worker's own code.
    sys.path[:0] = plan.sys_path
    # Lambda's /var/task and /opt are read-only, so bytecode is read where shipped (and from
    # the interpreter's and built dependencies' own caches) but never written. A .pyc
    # written beside the code would also be checked only by the source's size and whole-
    # second mtime, so an edit keeping both would run stale code after a reload.
    sys.dont_write_bytecode = True
    try:
        return load_handler(plan.handler), None
    except Exception as exc:
        error = _fault_payload(exc, None)
        logging.warning(_INIT_FAILURE_WARNING)
        _log_error(error)
        return None, error


def serve(plan: WorkerPlan, channel: socket.socket, started: float, warning: str) -> None:
    """The worker's life once it has a plan: initialise, say ready, serve until hung up on."""
    # Who we are first, so the node can kill us if loading the handler hangs.
    channel.sendall(frames.pack({"pid": os.getpid()}))
    handler, init_error = _initialise(plan, warning)
    encoder = marshalling.ResultEncoder(
        marshalling.ascii_only(plan.environment.get("AWS_EXECUTION_ENV", "")))
    _flush()
    init_ms = (time.perf_counter() - started) * 1000
    channel.sendall(frames.pack({"init_ms": init_ms, "warning": warning,
                                 "init_error": init_error["errorType"] if init_error else None}))
    stream = channel.makefile("rb")
    while (frame := frames.read_blocking(stream)) is not None:
        if handler is None:
            # As on AWS, a failed init fails the invoke; the next invoke starts afresh.
            assert init_error is not None
            result = {"error_type": init_error["errorType"], "duration_ms": 0.0,
                      "max_rss_kb": 0, "init_failed": True}
            channel.sendall(frames.pack(result, json.dumps(init_error).encode()))
            break
        try:
            result, payload = _invoke(handler, encoder, *frame)
        except MemoryError:
            # Lambda's answer to running out of memory is the kernel's: the process is killed.
            _flush()
            channel.sendall(frames.pack({"out_of_memory": True}))
            os.kill(os.getpid(), signal.SIGKILL)
        _flush()
        channel.sendall(frames.pack(result, payload))
    os._exit(0)
