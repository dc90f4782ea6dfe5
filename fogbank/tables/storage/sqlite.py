"""The default storage backend: one SQLite database in WAL mode with group commit.

`synchronous=FULL` makes every commit reach the disk before it is acknowledged. To keep
that from costing throughput, one writer thread takes all the work queued while the
previous commit was syncing and runs it in one transaction — each piece of work inside its
own savepoint, so one failing request does not undo its neighbours — then commits once
and acknowledges every caller. Reads use one connection per thread and see a consistent
snapshot for the length of a `read()` block.
"""
from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from fogbank.tables.storage import Reader, Writer

T = TypeVar("T")
log = logging.getLogger(__name__)

_SCHEMA = "CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID"
_MAX_BATCH = 512          # pieces of work per transaction; bounds one commit's latency
_STOP = object()


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=60.0)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA cache_size=-65536")
    return conn


class _Cursor:
    """Reads over one connection; `materialise` when the same connection also writes."""

    def __init__(self, conn: sqlite3.Connection, materialise: bool) -> None:
        self._conn = conn
        self._materialise = materialise

    def get(self, key: bytes) -> bytes | None:
        row = self._conn.execute("SELECT v FROM kv WHERE k = ?", (key,)).fetchone()
        return row[0] if row else None

    def scan(self, start: bytes, end: bytes, *, reverse: bool = False) -> Iterator[tuple[bytes, bytes]]:
        order = "DESC" if reverse else "ASC"
        rows = self._conn.execute(
            f"SELECT k, v FROM kv WHERE k >= ? AND k < ? ORDER BY k {order}", (start, end))
        # SQLite does not define what a cursor sees while its connection writes the table.
        return iter(rows.fetchall()) if self._materialise else iter(rows)


class _WriteCursor(_Cursor):
    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__(conn, materialise=True)

    def put(self, key: bytes, value: bytes) -> None:
        self._conn.execute("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)", (key, value))

    def delete(self, key: bytes) -> None:
        self._conn.execute("DELETE FROM kv WHERE k = ?", (key,))

    def delete_range(self, start: bytes, end: bytes) -> None:
        self._conn.execute("DELETE FROM kv WHERE k >= ? AND k < ?", (start, end))


class SqliteStorage:
    """`SqliteStorage(state_dir / "tables.db")` — open at once; `close()` when done."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer_conn = _connect(self.path)
        self._writer_conn.execute(_SCHEMA)
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="tables-writer", daemon=True)
        self._thread.start()

    @contextmanager
    def read(self) -> Iterator[Reader]:
        conn = self._reader_conn()
        conn.execute("BEGIN")
        try:
            yield _Cursor(conn, materialise=False)
        finally:
            conn.execute("COMMIT")

    def get(self, key: bytes) -> bytes | None:
        # One statement is a snapshot by itself: no transaction to open and close.
        row = self._reader_conn().execute("SELECT v FROM kv WHERE k = ?", (key,)).fetchone()
        return row[0] if row else None

    def submit(self, work: Callable[[Writer], T]) -> Future[T]:
        future: Future[T] = Future()
        if self._closed:
            future.set_exception(RuntimeError("the tables storage is closed"))
            return future
        self._queue.put((work, future))
        return future

    async def write(self, work: Callable[[Writer], T]) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        if self._closed:
            raise RuntimeError("the tables storage is closed")
        self._queue.put((work, future))
        return await future

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._queue.put(_STOP)
        self._thread.join()
        self._writer_conn.close()
        with self._readers_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()

    def _reader_conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path)
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    # ------------------------------------------------------------------ the writer thread

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            self._drain(batch)
            stop = any(entry is _STOP for entry in batch)
            work = [entry for entry in batch if entry is not _STOP]
            if work:
                self._commit(work)
            if stop:
                return

    def _drain(self, batch: list[Any]) -> None:
        while len(batch) < _MAX_BATCH:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                return

    def _commit(self, batch: list[tuple[Callable[[Writer], Any], Any]]) -> None:
        conn = self._writer_conn
        cursor = _WriteCursor(conn)
        outcomes: list[tuple[Any, Any, BaseException | None]] = []
        conn.execute("BEGIN IMMEDIATE")
        for work, future in batch:
            conn.execute("SAVEPOINT work")
            try:
                result = work(cursor)
            except BaseException as exc:     # the caller's failure, delivered to the caller
                conn.execute("ROLLBACK TO work")
                conn.execute("RELEASE work")
                outcomes.append((future, None, exc))
            else:
                conn.execute("RELEASE work")
                outcomes.append((future, result, None))
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            log.exception("tables commit failed")
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            outcomes = [(future, None, exc) for future, _, _ in outcomes]
        # Callers on an event loop are woken with one call per loop and commit, not one
        # per caller: each wake-up is a system call and a pass of the loop.
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Any, Any, BaseException | None]]] = {}
        for outcome in outcomes:
            future = outcome[0]
            if isinstance(future, Future):
                _settle(*outcome)
            else:
                by_loop.setdefault(future.get_loop(), []).append(outcome)
        for loop, settled in by_loop.items():
            try:
                loop.call_soon_threadsafe(_settle_all, settled)
            except RuntimeError:          # that loop is closed: nobody is waiting any more
                pass


def _settle(future: Any, result: Any, error: BaseException | None) -> None:
    if future.done():                     # an awaiting caller was cancelled
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _settle_all(outcomes: list[tuple[Any, Any, BaseException | None]]) -> None:
    for outcome in outcomes:
        _settle(*outcome)
