"""Function logs: one JSON-lines file per function under the state dir, a recent-events ring
in memory, and live followers (`fogbank logs -f`)."""
from __future__ import annotations

import asyncio
from collections import deque
from pathlib import Path
from typing import BinaryIO, Callable, NamedTuple

import orjson

from fogbank.durable_files import replace_file
from fogbank.runtime.frames import EVENT_NEWLINE

RING_SIZE = 10_000


class LogEvent(NamedTuple):
    # A tuple, not a frozen dataclass: several are made per invocation, and a frozen
    # dataclass sets each field through object.__setattr__.
    timestamp_ms: int
    function_name: str
    request_id: str
    message: str
    # The worker's log stream (`2024/05/01/[$LATEST]<hex>`), as CloudWatch Logs names it;
    # "" for events written before streams were recorded.
    stream: str = ""


class LogStore:
    def __init__(self, directory: Path, clock_ms: Callable[[], int]) -> None:
        self._dir = directory
        self._clock_ms = clock_ms
        self._rings: dict[str, deque[LogEvent]] = {}
        self._files: dict[str, BinaryIO] = {}
        self._followers: dict[str, set[asyncio.Queue[LogEvent]]] = {}
        # Told of every function's events as they are written (CloudWatch Logs'
        # subscription filters); at most one.
        self.listener: Callable[[str, list[LogEvent]], None] | None = None
        self._first_ms: dict[str, int] = {}

    def write(self, function_name: str, request_id: str, text: str,
              flush: bool = True, stream: str = "") -> list[LogEvent]:
        """Record `text` (one event per line; EVENT_NEWLINE breaks a line inside its
        event) and hand it to followers.

        flush=False leaves the file write buffered: the runtime writes an invocation's
        START and output that way and flushes once, with its END and REPORT lines.
        """
        now = self._clock_ms()
        lines = text.split("\n") if text else []      # "": nothing (the filtered-out lines)
        if text.endswith("\n"):
            lines.pop()
        if EVENT_NEWLINE in text:
            lines = [line.replace(EVENT_NEWLINE, "\n") for line in lines]
        events = [LogEvent(now, function_name, request_id, line, stream) for line in lines]
        if not events:
            if flush and function_name in self._files:
                self._files[function_name].flush()
            return events
        ring = self._rings.setdefault(function_name, deque(maxlen=RING_SIZE))
        ring.extend(events)
        file = self._file(function_name)
        # orjson: each invocation writes three or more lines, json.dumps was a tenth of
        # the node's time on a fast function's warm path.
        file.write(b"".join(_row(e) for e in events))
        if flush:
            file.flush()
        for queue in self._followers.get(function_name, ()):
            for event in events:
                queue.put_nowait(event)
        if self.listener is not None:
            self.listener(function_name, events)
        return events

    def query(self, function_name: str, start_ms: int | None = None, end_ms: int | None = None,
              limit: int | None = None) -> list[LogEvent]:
        """Events in [start_ms, end_ms], oldest first, at most `limit` of them."""
        ring = self._rings.get(function_name)
        # The ring answers when it reaches back far enough; the file holds everything.
        in_ring = ring and start_ms is not None and start_ms >= ring[0].timestamp_ms
        source = list(ring) if in_ring else self._read_file(function_name)
        found = [e for e in source if (start_ms is None or e.timestamp_ms >= start_ms)
                 and (end_ms is None or e.timestamp_ms <= end_ms)]
        return found[:limit] if limit is not None else found

    def follow(self, function_name: str) -> Follower:
        """Every event written from this call on, as it is written. The follower is
        registered at once, so history read right after it (with no await between) and the
        events it then yields neither miss nor repeat an event. Close it when done."""
        return Follower(self._followers.setdefault(function_name, set()))

    def first_ms(self, function_name: str) -> int | None:
        """When the function's first kept event was written; its file's first line."""
        if function_name not in self._first_ms:
            written = self._files.get(function_name)
            if written is not None:
                written.flush()
            try:
                with open(self._path(function_name), "rb") as f:
                    line = f.readline()
            except FileNotFoundError:
                line = b""
            if not line.strip():
                return None         # not cached: the first event is yet to come
            self._first_ms[function_name] = orjson.loads(line)["t"]
        return self._first_ms[function_name]

    def names(self) -> list[str]:
        """The functions that have logged (in this run or, in their files, before it)."""
        found = {path.stem for path in self._dir.glob("*.log")} if self._dir.is_dir() else set()
        return sorted(found | self._rings.keys())

    def clear(self, function_name: str, stream: str | None = None) -> None:
        """Forget a function's events, or those of one of its streams (its log group or
        stream was deleted); later writes start afresh."""
        kept = ([] if stream is None else
                [e for e in self._read_file(function_name) if e.stream != stream])
        file = self._files.pop(function_name, None)
        if file is not None:
            file.close()
        ring = self._rings.pop(function_name, None)
        self._first_ms.pop(function_name, None)
        if kept:
            replace_file(self._path(function_name), b"".join(_row(e) for e in kept))
        else:
            self._path(function_name).unlink(missing_ok=True)
        if ring is not None and stream is not None:
            self._rings[function_name] = deque((e for e in ring if e.stream != stream),
                                               maxlen=RING_SIZE)

    def close(self) -> None:
        for file in self._files.values():
            file.close()
        self._files.clear()

    def _path(self, function_name: str) -> Path:
        return self._dir / f"{function_name}.log"

    def _file(self, function_name: str) -> BinaryIO:
        file = self._files.get(function_name)
        if file is None:
            self._dir.mkdir(parents=True, exist_ok=True)
            file = open(self._path(function_name), "ab")
            self._files[function_name] = file
        return file

    def _read_file(self, function_name: str) -> list[LogEvent]:
        written = self._files.get(function_name)
        if written is not None:
            written.flush()          # an invocation under way writes its lines buffered
        try:
            with open(self._path(function_name), "rb") as f:
                rows = [orjson.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []
        return [LogEvent(r["t"], function_name, r["r"], r["m"], r.get("s", "")) for r in rows]


def _row(event: LogEvent) -> bytes:
    return orjson.dumps({"t": event.timestamp_ms, "r": event.request_id, "m": event.message,
                         "s": event.stream}) + b"\n"


class Follower:
    """A live tail of one function's log events (LogStore.follow)."""

    def __init__(self, followers: set[asyncio.Queue[LogEvent]]) -> None:
        self._queue: asyncio.Queue[LogEvent] = asyncio.Queue()
        self._followers = followers
        followers.add(self._queue)

    def __aiter__(self) -> Follower:
        return self

    async def __anext__(self) -> LogEvent:
        return await self._queue.get()

    def close(self) -> None:
        self._followers.discard(self._queue)
