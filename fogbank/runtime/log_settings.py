"""A function's LoggingConfig as the runtime applies it: the log format, the log group, and
the two log levels Lambda filters by in JSON format.

Lambda ranks the levels from TRACE (most detail) to FATAL; a record is kept when its level
is at or above the configured one. In JSON format an application log line that is not a
JSON object with a "level" key counts as INFO (monitoring-cloudwatchlogs-log-level.html).
"""
from __future__ import annotations

from dataclasses import dataclass

import orjson

from fogbank.types import FunctionSpec

# ApplicationLogLevel's values, least severe first; SystemLogLevel takes DEBUG, INFO, WARN.
LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
_RANK = {name: rank for rank, name in enumerate(LEVELS)}
# A line's own "level" as Python's logging names it too (the runtime's JSON records say
# WARNING and CRITICAL), in any case.
_LINE_RANK = {**_RANK, "WARNING": _RANK["WARN"], "CRITICAL": _RANK["FATAL"]}
INFO = _RANK["INFO"]


@dataclass(frozen=True)
class LogSettings:
    json: bool
    log_group: str
    application_level: str | None = None    # JSON format only
    system_level: str | None = None

    @classmethod
    def of(cls, spec: FunctionSpec) -> LogSettings:
        config = spec.logging_config
        log_group = config.get("LogGroup") or f"/aws/lambda/{spec.name}"
        if config.get("LogFormat") != "JSON":
            return cls(False, log_group)
        return cls(True, log_group, config.get("ApplicationLogLevel", "INFO"),
                   config.get("SystemLogLevel", "INFO"))

    def shows_system(self, level: str) -> bool:
        """Whether a platform record of `level` reaches the log (JSON format only)."""
        return self.system_level is None or _RANK[level] >= _RANK[self.system_level]

    @property
    def filters_application(self) -> bool:
        """Whether any application line can be dropped: nothing ranks below TRACE."""
        return self.application_level not in (None, "TRACE")

    def keeps(self, line: str) -> bool:
        """Whether an application log line reaches the log."""
        if self.application_level is None:
            return True
        return _line_rank(line) >= _RANK[self.application_level]

    def kept(self, text: str) -> str:
        """`text` (whole lines) without the lines the application level drops."""
        if not self.filters_application or not text:
            return text
        return "".join(line for line in text.splitlines(keepends=True)
                       if self.keeps(line.rstrip("\n")))


def _line_rank(line: str) -> int:
    if not line.startswith("{"):
        return INFO
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return INFO
    level = record.get("level") if isinstance(record, dict) else None
    return _LINE_RANK.get(level.upper(), INFO) if isinstance(level, str) else INFO
