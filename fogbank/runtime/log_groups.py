"""The functions' logs as CloudWatch Logs sees them: a log group per function (its
LoggingConfig's LogGroup, else `/aws/lambda/<name>`), from its first logged line.

What fogbank.logs.engine.FunctionLogs asks of the runtime; node.py hands it over.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

from fogbank.runtime.log_settings import LogSettings
from fogbank.runtime.logs import LogEvent
from fogbank.types import ResourceNotFound

if TYPE_CHECKING:
    from fogbank.runtime.runtime import Runtime


class FunctionLogGroups:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def log_groups(self) -> dict[str, str]:
        live = {spec.name: LogSettings.of(spec).log_group for spec in self._runtime.list()}
        # A deleted function's logs stay in its default group, as Lambda's do.
        return {name: live.get(name, f"/aws/lambda/{name}")
                for name in self._runtime.logs.names()}

    def events(self, function_name: str) -> list[LogEvent]:
        return self._runtime.logs.query(function_name)

    def first_ms(self, function_name: str) -> int | None:
        return self._runtime.logs.first_ms(function_name)

    def clear(self, function_name: str, stream: str | None = None) -> None:
        self._runtime.logs.clear(function_name, stream)

    def group_of(self, function_name: str) -> str:
        try:
            return LogSettings.of(self._runtime.get(function_name)).log_group
        except ResourceNotFound:
            return f"/aws/lambda/{function_name}"

    def listen(self, on_events: Callable[[str, Sequence[LogEvent]], None]) -> None:
        self._runtime.logs.listener = on_events
