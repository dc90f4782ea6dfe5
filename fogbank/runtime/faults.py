"""Every error payload a function invocation can produce, built in one place.

Worker-side faults follow awslambdaric (`make_error`, `FaultException` types); node-side
faults (timeout, a worker that died) follow the Lambda service's own payloads.
"""
from __future__ import annotations

import os
import signal
from typing import Any

IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
MARSHAL_ERROR = "Runtime.MarshalError"
UNMARSHAL_ERROR = "Runtime.UnmarshalError"
TIMED_OUT = "Sandbox.Timedout"
EXIT_ERROR = "Runtime.ExitError"
OUT_OF_MEMORY = "Runtime.OutOfMemory"
RESPONSE_TOO_LARGE = "Function.ResponseSizeTooLarge"
# Lambda's limit on a synchronous response: 6 MB, and 100 bytes of slack above it.
RESPONSE_LIMIT = 6 * 1024 * 1024 + 100


class Fault(Exception):
    """A runtime fault with its Lambda error type (awslambdaric's FaultException)."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


def make_error(message: str, error_type: str, stack_trace: list[str] | None,
               request_id: str | None = None) -> dict[str, Any]:
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id if request_id is not None else "",
        "stackTrace": stack_trace or [],
    }


def timed_out(request_id: str, timeout_s: float) -> dict[str, Any]:
    return {"errorType": TIMED_OUT,
            "errorMessage": f"RequestId: {request_id} Error: Task timed out after "
                            f"{timeout_s:.2f} seconds"}


def response_too_large() -> dict[str, Any]:
    """What Lambda answers in place of a result over RESPONSE_LIMIT bytes."""
    return {"errorMessage": "Response payload size exceeded maximum allowed payload size "
                            f"({RESPONSE_LIMIT} bytes).",
            "errorType": RESPONSE_TOO_LARGE}


def runtime_exited(request_id: str, wait_status: int | None, out_of_memory: bool) -> dict[str, Any]:
    """A worker that died mid-invocation; the reason reads like Go's os/exec (as on AWS).

    A clean exit (sys.exit(), sys.exit(0)) is no error to os/exec, so Lambda has no reason
    to give."""
    if out_of_memory:
        error = "Runtime exited with error: signal: killed"
    elif wait_status is not None and os.WIFEXITED(wait_status) and os.WEXITSTATUS(wait_status) == 0:
        error = "Runtime exited without providing a reason"
    else:
        error = "Runtime exited with error: " + describe_wait_status(wait_status)
    return {"errorType": OUT_OF_MEMORY if out_of_memory else EXIT_ERROR,
            "errorMessage": f"RequestId: {request_id} Error: {error}"}


# Go's names for the signals a crashing process usually dies of.
_SIGNAL_NAMES = {
    signal.SIGKILL: "killed", signal.SIGSEGV: "segmentation fault", signal.SIGABRT: "aborted",
    signal.SIGTERM: "terminated", signal.SIGBUS: "bus error", signal.SIGILL: "illegal instruction",
    signal.SIGFPE: "floating point exception", signal.SIGINT: "interrupt",
}


def describe_wait_status(wait_status: int | None) -> str:
    if wait_status is None:
        return "exit status unknown"
    if os.WIFSIGNALED(wait_status):
        signum = os.WTERMSIG(wait_status)
        return "signal: " + _SIGNAL_NAMES.get(signum, f"signal {signum}")
    return f"exit status {os.WEXITSTATUS(wait_status)}"
