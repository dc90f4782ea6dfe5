"""Where queued Event invocations wait: a SQLite table, committed before enqueue returns.

Used from one thread only (the invoker's database thread), so SQLite's own locking is
the only locking. WAL with synchronous=FULL: an acknowledged event survives a crash.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fogbank.durable_files import durable_database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS async_events (
    request_id    TEXT PRIMARY KEY,
    function_name TEXT NOT NULL,
    payload       BLOB NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    due_at        REAL NOT NULL,
    enqueued_at   REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS async_events_due ON async_events (due_at);
"""


@dataclass(frozen=True)
class QueuedEvent:
    request_id: str
    function_name: str
    payload: bytes
    attempts: int          # deliveries already tried
    due_at: float          # clock time of the next try
    enqueued_at: float


class SqliteEventStore:
    def __init__(self, path: Path) -> None:
        self._db = durable_database(path, _SCHEMA)

    def add(self, event: QueuedEvent) -> None:
        self._db.execute(
            "INSERT INTO async_events VALUES (?, ?, ?, ?, ?, ?)",
            (event.request_id, event.function_name, event.payload, event.attempts,
             event.due_at, event.enqueued_at))

    def due(self, now: float, busy: frozenset[str], limit: int) -> list[QueuedEvent]:
        """The events whose time has come, oldest first, except those being delivered."""
        rows = self._db.execute(
            f"SELECT * FROM async_events WHERE due_at <= ? {_not_in(busy)} "
            "ORDER BY due_at, enqueued_at LIMIT ?", (now, *busy, limit)).fetchall()
        return [QueuedEvent(r[0], r[1], bytes(r[2]), r[3], r[4], r[5]) for r in rows]

    def next_due_at(self, busy: frozenset[str]) -> float | None:
        row = self._db.execute(
            f"SELECT MIN(due_at) FROM async_events WHERE 1 {_not_in(busy)}", tuple(busy)).fetchone()
        return row[0]

    def reschedule(self, request_id: str, attempts: int, due_at: float) -> None:
        self._db.execute("UPDATE async_events SET attempts = ?, due_at = ? WHERE request_id = ?",
                         (attempts, due_at, request_id))

    def remove(self, request_id: str) -> None:
        self._db.execute("DELETE FROM async_events WHERE request_id = ?", (request_id,))

    def pending(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM async_events").fetchone()[0]

    def close(self) -> None:
        self._db.close()


def _not_in(busy: frozenset[str]) -> str:
    return f"AND request_id NOT IN ({', '.join('?' * len(busy))})" if busy else ""
