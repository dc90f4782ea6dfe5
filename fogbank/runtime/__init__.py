"""The function runtime: Python Lambda handlers in warm, sandboxed worker processes.

`Runtime` is the engine's whole surface; node.py builds it from a `RuntimeConfig`.
"""
from fogbank.runtime.logs import LogEvent
from fogbank.runtime.runtime import Runtime, RuntimeConfig

__all__ = ["LogEvent", "Runtime", "RuntimeConfig"]
