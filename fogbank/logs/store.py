"""Log groups, streams and events made through the CloudWatch Logs API (CreateLogGroup,
CreateLogStream, PutLogEvents) or a template's AWS::Logs::LogGroup: one SQLite database.

Functions' own output is not kept here: the runtime writes it to its log store on the
invoke path (fogbank/runtime/logs.py), and the engine reads both. WAL with
synchronous=FULL: an acknowledged PutLogEvents survives a crash. Used from the event
loop's thread only.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from fogbank.durable_files import durable_database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS log_groups (
    name                TEXT PRIMARY KEY,
    created_ms          INTEGER NOT NULL,
    retention_days      INTEGER,
    kms_key_id          TEXT,
    group_class         TEXT NOT NULL,
    deletion_protection INTEGER NOT NULL,
    tags                BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS log_streams (
    group_name TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (group_name, name)
);
CREATE TABLE IF NOT EXISTS log_events (
    group_name   TEXT NOT NULL,
    stream       TEXT NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    ingested_ms  INTEGER NOT NULL,
    message      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS log_events_by_stream ON log_events (group_name, stream, timestamp_ms);
CREATE TABLE IF NOT EXISTS subscription_filters (
    group_name      TEXT NOT NULL,
    name            TEXT NOT NULL,
    pattern         TEXT NOT NULL,
    destination_arn TEXT NOT NULL,
    role_arn        TEXT,
    distribution    TEXT NOT NULL,
    created_ms      INTEGER NOT NULL,
    PRIMARY KEY (group_name, name)
);
"""


@dataclass
class GroupRecord:
    name: str
    created_ms: int
    retention_days: int | None = None
    kms_key_id: str | None = None
    group_class: str = "STANDARD"
    deletion_protection: bool = False
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SubscriptionFilter:
    group: str
    name: str
    pattern: str
    destination_arn: str
    role_arn: str | None
    distribution: str
    created_ms: int


@dataclass(frozen=True)
class StoredEvent:
    stream: str
    timestamp_ms: int
    ingested_ms: int
    message: str


class LogGroupStore:
    def __init__(self, path: Path) -> None:
        self._db = durable_database(path, _SCHEMA)

    # ------------------------------------------------------------ groups

    def groups(self) -> list[GroupRecord]:
        rows = self._db.execute("SELECT * FROM log_groups ORDER BY name").fetchall()
        return [_group(row) for row in rows]

    def group(self, name: str) -> GroupRecord | None:
        row = self._db.execute("SELECT * FROM log_groups WHERE name = ?", (name,)).fetchone()
        return _group(row) if row else None

    def save_group(self, group: GroupRecord) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO log_groups VALUES (?, ?, ?, ?, ?, ?, ?)",
            (group.name, group.created_ms, group.retention_days, group.kms_key_id,
             group.group_class, int(group.deletion_protection), orjson.dumps(group.tags)))

    def delete_group(self, name: str) -> None:
        """The group, its streams and their events, in one transaction."""
        with self._transaction():
            for table, column in (("log_groups", "name"), ("log_streams", "group_name"),
                                  ("log_events", "group_name"),
                                  ("subscription_filters", "group_name")):
                self._db.execute(f"DELETE FROM {table} WHERE {column} = ?", (name,))

    # ------------------------------------------------------------ streams and events

    def streams(self, group: str) -> dict[str, int]:
        """The streams made in `group` with CreateLogStream: name → creation time."""
        rows = self._db.execute("SELECT name, created_ms FROM log_streams WHERE group_name = ?",
                                (group,)).fetchall()
        return dict(rows)

    def add_stream(self, group: str, name: str, created_ms: int) -> None:
        self._db.execute("INSERT INTO log_streams VALUES (?, ?, ?)", (group, name, created_ms))

    def delete_stream(self, group: str, name: str) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM log_streams WHERE group_name = ? AND name = ?",
                             (group, name))
            self._db.execute("DELETE FROM log_events WHERE group_name = ? AND stream = ?",
                             (group, name))

    def add_events(self, group: str, events: list[StoredEvent]) -> None:
        with self._transaction():
            self._db.executemany(
                "INSERT INTO log_events VALUES (?, ?, ?, ?, ?)",
                [(group, e.stream, e.timestamp_ms, e.ingested_ms, e.message) for e in events])

    def events(self, group: str) -> list[StoredEvent]:
        """Every event put into `group`'s streams, oldest first (ties in the order put)."""
        rows = self._db.execute(
            "SELECT stream, timestamp_ms, ingested_ms, message FROM log_events "
            "WHERE group_name = ? ORDER BY timestamp_ms, rowid", (group,)).fetchall()
        return [StoredEvent(*row) for row in rows]

    # ------------------------------------------------------------ subscription filters

    def subscriptions(self, group: str | None = None) -> list[SubscriptionFilter]:
        """A group's subscription filters by name, or every group's."""
        where, args = ("WHERE group_name = ?", (group,)) if group is not None else ("", ())
        rows = self._db.execute(f"SELECT * FROM subscription_filters {where} "
                                "ORDER BY group_name, name", args).fetchall()
        return [SubscriptionFilter(*row) for row in rows]

    def save_subscription(self, subscription: SubscriptionFilter) -> None:
        s = subscription
        self._db.execute("INSERT OR REPLACE INTO subscription_filters VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (s.group, s.name, s.pattern, s.destination_arn, s.role_arn,
                          s.distribution, s.created_ms))

    def delete_subscription(self, group: str, name: str) -> None:
        self._db.execute("DELETE FROM subscription_filters WHERE group_name = ? AND name = ?",
                         (group, name))

    def close(self) -> None:
        self._db.close()

    def _transaction(self) -> sqlite3.Connection:
        # isolation_level=None leaves transactions to us; the connection as a context
        # manager then only commits or rolls back the one BEGIN opened here.
        self._db.execute("BEGIN")
        return self._db


def _group(row: tuple) -> GroupRecord:
    name, created, retention, kms, group_class, protection, tags = row
    return GroupRecord(name, created, retention, kms, group_class, bool(protection),
                       orjson.loads(tags))
