"""The function runtime: Python Lambda handlers in warm, sandboxed worker processes.

`Runtime` is the engine's whole surface; node.py builds it from a `RuntimeConfig`.

Its names are imported on first use: the zygote imports `fogbank.runtime.worker`, and
whatever this package imported would sit in every worker's sys.modules (the node's orjson),
hiding a function's own copy of it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fogbank.runtime.logs import LogEvent
    from fogbank.runtime.runtime import Runtime, RuntimeConfig

__all__ = ["LogEvent", "Runtime", "RuntimeConfig"]


def __getattr__(name: str) -> Any:
    if name == "LogEvent":
        from fogbank.runtime.logs import LogEvent

        return LogEvent
    if name in ("Runtime", "RuntimeConfig"):
        from fogbank.runtime import runtime

        return getattr(runtime, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
