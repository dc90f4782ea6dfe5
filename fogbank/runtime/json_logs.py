"""The function's `logging` records as JSON, for a function whose LogFormat is JSON.

Follows awslambdaric (lambda_runtime_log_utils.JsonFormatter): one object a record with
timestamp, level, message, logger and requestId; stackTrace, errorType, errorMessage and
location when the record carries an exception; then every `extra` attribute the record
was given; members whose value is None are left out. Files in stackTrace and location are
named as on Lambda (task_paths). Runs in the worker.
"""
from __future__ import annotations

import json
import logging
import traceback
from datetime import datetime, timezone
from typing import Any

from fogbank.runtime.task_paths import ShownPaths

# LogRecord's own attributes (and the ones the runtime sets): never copied as `extra`.
_RESERVED = frozenset({
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module",
    "exc_info", "exc_text", "stack_info", "lineno", "funcName", "created", "msecs",
    "relativeCreated", "thread", "threadName", "processName", "process", "aws_request_id",
    "tenant_id", "_frame_type",
})
_encode = json.JSONEncoder(ensure_ascii=False).encode


class JsonFormatter(logging.Formatter):
    def __init__(self, shown: ShownPaths) -> None:
        super().__init__()
        self._shown = shown         # the function's files named as on Lambda

    def format(self, record: logging.LogRecord) -> str:
        # The level as a multiple of ten, between NOTSET and CRITICAL, named by logging.
        record.levelno = min(50, max(0, record.levelno)) // 10 * 10
        record.levelname = logging.getLevelName(record.levelno)
        exc_info = record.exc_info
        result: dict[str, Any] = {
            "timestamp": _timestamp(record.created),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": (self._shown.stack(traceback.extract_tb(exc_info[2])).format()
                           if exc_info else None),
            "errorType": exc_info[0].__name__ if exc_info and exc_info[0] else None,
            "errorMessage": str(exc_info[1]) if exc_info else None,
            "requestId": getattr(record, "aws_request_id", None),
            "location": (f"{self._shown.file(record.pathname)}:{record.funcName}:{record.lineno}"
                         if exc_info else None),
        }
        result.update((key, value) for key, value in record.__dict__.items()
                      if key not in _RESERVED and key not in result)
        return _encode({key: value for key, value in result.items() if value is not None})


def _timestamp(created: float) -> str:
    moment = datetime.fromtimestamp(created, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def error_record(error: dict[str, Any], now: float, ascii_only: bool) -> str:
    """The failure awslambdaric logs in JSON format: the error payload after a timestamp
    (to the second, no zone) and level ERROR, encoded as the runtime encodes results."""
    stamp = datetime.fromtimestamp(now, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return json.dumps({"timestamp": stamp, "level": "ERROR", **error}, ensure_ascii=ascii_only)
