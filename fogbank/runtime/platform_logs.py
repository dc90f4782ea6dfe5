"""The lines Lambda writes around a function's own output (its system logs).

In Text format: INIT_REPORT when init failed, START, then END and REPORT. In JSON format
the same moments are Telemetry API records, one compact JSON object a line, as Lambda
writes them to CloudWatch: platform.initStart on a cold start, platform.initReport when
init failed, platform.start, platform.report (there is no platform.end), each kept only
at or above the function's SystemLogLevel. The function's own output in between is
filtered by its ApplicationLogLevel (JSON format only).
"""
from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

import orjson

from fogbank.runtime.log_settings import LogSettings
from fogbank.runtime.workers import Outcome, Worker
from fogbank.runtime_versions import runtime_version, runtime_version_arn
from fogbank.types import FunctionSpec

# The level Lambda gives each platform record it writes to the log.
_SYSTEM_LEVEL = "INFO"


def head(log: LogSettings, spec: FunctionSpec, version: str, request_id: str, worker: Worker,
         first: bool) -> str:
    """What precedes the function's output: on a cold start the init output (and the
    report of a failed init), then the start of the invocation of `version`."""
    init = ""
    if first:
        init = _init_start(log, spec, version, worker) + ended(log.kept(worker.init_output))
        if worker.init_error or worker.init_timed_out:
            init += _init_report(log, worker)
    if not log.json:
        return f"{init}START RequestId: {request_id} Version: {version}\n"
    return init + _record(log, "platform.start", {
        "requestId": request_id, "functionArn": spec.arn, "version": version})


def trailer(log: LogSettings, spec: FunctionSpec, request_id: str, worker: Worker,
            first: bool, outcome: Outcome) -> str:
    """What follows the function's output: END and REPORT, or platform.report."""
    # A failed init has its duration on its own report instead.
    init_ms = worker.init_ms if first and not worker.provisioned and not (
        worker.init_error or worker.init_timed_out) else None
    if log.json:
        return _json_report(log, spec, request_id, outcome, init_ms)
    return _text_trailer(spec, request_id, outcome, init_ms)


def ended(text: str) -> str:
    """`text` as whole lines: a last line without its newline gets one."""
    return text + "\n" if text and not text.endswith("\n") else text


def _init_start(log: LogSettings, spec: FunctionSpec, version: str, worker: Worker) -> str:
    """Lambda's INIT_START has no counterpart in Fogbank's Text logs (yet); in JSON format
    every cold start opens with it."""
    if not log.json:
        return ""
    return _record(log, "platform.initStart", {
        "initializationType": _initialization_type(worker), "phase": "init",
        "runtimeVersion": runtime_version(spec.runtime),
        "runtimeVersionArn": runtime_version_arn(spec.region, spec.runtime),
        "functionName": spec.name, "functionVersion": version,
        "instanceId": _instance_id(spec, worker),
        "instanceMaxMemory": spec.memory_mb * 1024 * 1024})


def _init_report(log: LogSettings, worker: Worker) -> str:
    """Lambda reports init on its own only when it failed."""
    if not log.json:
        status = ("timeout" if worker.init_timed_out
                  else f"error\tError Type: {worker.init_error}")
        return (f"INIT_REPORT Init Duration: {worker.init_ms:.2f} ms\tPhase: init\t"
                f"Status: {status}\n")
    record: dict[str, Any] = {"initializationType": _initialization_type(worker),
                              "phase": "init",
                              "status": "timeout" if worker.init_timed_out else "error"}
    if not worker.init_timed_out:
        record["errorType"] = worker.init_error
    record["metrics"] = {"durationMs": round(worker.init_ms, 3)}
    return _record(log, "platform.initReport", record)


def _text_trailer(spec: FunctionSpec, request_id: str, outcome: Outcome,
                  init_ms: float | None) -> str:
    lines = []
    if outcome.status == "timeout":
        lines.append(f"{_now()} {request_id} Task timed out after {spec.timeout_s:.2f} seconds")
    lines.append(f"END RequestId: {request_id}")
    report = (f"REPORT RequestId: {request_id}\tDuration: {outcome.duration_ms:.2f} ms\t"
              f"Billed Duration: {_billed_ms(outcome)} ms\t"
              f"Memory Size: {spec.memory_mb} MB\tMax Memory Used: {outcome.max_memory_mb} MB")
    if init_ms is not None:
        report += f"\tInit Duration: {init_ms:.2f} ms"
    if outcome.status == "timeout":
        report += "\tStatus: timeout"
    elif outcome.status == "error":
        report += f"\tStatus: error\tError Type: {outcome.error_type}"
    else:
        report += "\t"         # Lambda ends a plain REPORT line with a tab
    lines.append(report)
    return "\n".join(lines) + "\n"


def _json_report(log: LogSettings, spec: FunctionSpec, request_id: str, outcome: Outcome,
                 init_ms: float | None) -> str:
    metrics: dict[str, Any] = {"durationMs": round(outcome.duration_ms, 3),
                               "billedDurationMs": _billed_ms(outcome),
                               "memorySizeMB": spec.memory_mb,
                               "maxMemoryUsedMB": outcome.max_memory_mb}
    if init_ms is not None:
        metrics["initDurationMs"] = round(init_ms, 3)
    record: dict[str, Any] = {"requestId": request_id, "metrics": metrics,
                              "status": outcome.status or "success"}
    if outcome.status == "error":
        record["errorType"] = outcome.error_type
    return _record(log, "platform.report", record)


def _record(log: LogSettings, kind: str, record: dict[str, Any]) -> str:
    if not log.shows_system(_SYSTEM_LEVEL):
        return ""
    line = orjson.dumps({"time": _now(), "type": kind, "record": record})
    return line.decode() + "\n"


def _initialization_type(worker: Worker) -> str:
    return "provisioned-concurrency" if worker.provisioned else "on-demand"


def _instance_id(spec: FunctionSpec, worker: Worker) -> str:
    """The execution environment, named as Lambda names it: its log stream's name with the
    function's name before the version ("2026/01/02/fn[$LATEST]0123…")."""
    day, _, rest = worker.log_stream.rpartition("/")
    return f"{day}/{spec.name}{rest}"


def _billed_ms(outcome: Outcome) -> int:
    return max(1, math.ceil(outcome.duration_ms))


def _now() -> str:
    """UTC to the millisecond, as Lambda stamps its records: 2026-01-02T03:04:05.678Z."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
