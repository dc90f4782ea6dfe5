"""Files that survive a crash once written: the two steps every store on plain files needs.

A rename is durable only once its directory is fsynced, and a file replaced in place can be
seen half-written after a crash; so a whole file is written to a sibling, fsynced, renamed
over the old one, and the directory fsynced.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Make the entries of directory `path` (new names, renames, removals) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a fsynced sibling, renamed over it."""
    partial = path.with_name(f".partial-{path.name}")
    try:
        with open(partial, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def durable_database(path: Path, schema: str, *, any_thread: bool = False) -> sqlite3.Connection:
    """A SQLite database whose every commit is on disk before it returns (WAL,
    synchronous=FULL), its directory made and `schema` applied; transactions are left to
    the caller (autocommit unless it says BEGIN). `any_thread`: the connection may be used
    from a thread other than the one that opened it (never from two at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=not any_thread)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.executescript(schema)
    return db
