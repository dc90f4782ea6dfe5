"""An event of a log group as the engine reads it, from either store."""
from __future__ import annotations

from typing import NamedTuple


class Event(NamedTuple):
    timestamp_ms: int
    ingested_ms: int          # a function's events are ingested as they are written
    stream: str
    message: str
