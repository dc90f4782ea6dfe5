"""Lambda's asynchronous invocation: a durable queue, delivered in the background, with
Lambda's retries — two more tries after a function error or a throttle, spaced by the
configured delays — after which the event is dropped with a log line and handed to the
`on_exhausted` hook (where dead-letter queues and destinations will plug in).

A queued event names its function as the invoker takes it: "name", or "name:qualifier" when
the caller named a version, so the function's invoked ARN ends in it as it would on AWS.
Events queued before qualifiers were kept are plain names and are delivered unqualified.
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable, Sequence

from fogbank.messaging.async_store import QueuedEvent, SqliteEventStore
from fogbank.types import AwsError, Invoker, TooManyRequests

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FailedEvent:
    """An event Lambda would send to its dead-letter queue or on-failure destination."""

    request_id: str
    function_name: str
    payload: bytes
    attempts: int
    reason: str


ExhaustedHook = Callable[[FailedEvent], Awaitable[None]]


class AsyncInvoker:
    def __init__(self, db_path: Path, invoke: Invoker,
                 retry_delays_s: Sequence[float] = (60.0, 120.0),
                 clock: Callable[[], float] = time.time, *,
                 on_exhausted: ExhaustedHook | None = None,
                 max_in_flight: int = 64, poll_s: float = 1.0) -> None:
        self._db_path = db_path
        self._invoke = invoke
        self._delays = tuple(retry_delays_s)
        self._clock = clock
        self._on_exhausted = on_exhausted
        self._max_in_flight = max_in_flight
        # An upper bound on each wait, so a clock that jumps (or a test clock) is noticed.
        self._poll_s = poll_s
        self._store: SqliteEventStore | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._loop_task: asyncio.Task | None = None
        self._in_flight: dict[str, asyncio.Task] = {}
        self._wake = asyncio.Event()
        self._stopping = False

    async def open(self) -> None:
        """Open the queue for enqueueing; delivery waits for start()."""
        if self._store is not None:
            return
        # One thread owns the SQLite connection: every read and write goes through it.
        self._stopping = False
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="async-invoke-db")
        self._store = await self._db(SqliteEventStore, self._db_path)

    async def start(self) -> None:
        """Open the queue (if not yet) and deliver what it holds, pending events first.

        A node calls this once its functions are deployed: an event queued before a
        restart must not be delivered to a function the node has not restored yet.
        """
        await self.open()
        if self._loop_task is None:
            self._loop_task = asyncio.create_task(self._run(), name="async-invoke")

    async def close(self) -> None:
        """Stop delivering; anything not yet delivered stays queued for the next start."""
        self._stopping = True
        tasks = [t for t in (self._loop_task, *self._in_flight.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._loop_task = None
        self._in_flight.clear()
        if self._store is not None:
            await self._db(self._store.close)
            self._store = None
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    async def enqueue(self, function_name: str, payload: bytes, *,
                      request_id: str | None = None) -> str:
        """Queue one invocation; it is committed to disk before this returns.
        `function_name` as the invoker takes it ("name" or "name:qualifier")."""
        if self._store is None:
            raise RuntimeError("AsyncInvoker.enqueue called before start()")
        now = self._clock()
        event = QueuedEvent(request_id or str(uuid.uuid4()), function_name, payload, 0, now,
                            now)
        await self._db(self._store.add, event)
        self._wake.set()
        return event.request_id

    async def pending(self) -> int:
        """How many events wait for delivery or a retry."""
        assert self._store is not None
        return await self._db(self._store.pending)

    async def _run(self) -> None:
        assert self._store is not None
        while not self._stopping:
            self._wake.clear()
            room = self._max_in_flight - len(self._in_flight)
            if room > 0:
                busy = frozenset(self._in_flight)
                for event in await self._db(self._store.due, self._clock(), busy, room):
                    self._in_flight[event.request_id] = asyncio.create_task(self._deliver(event))
            next_due = await self._db(self._store.next_due_at, frozenset(self._in_flight))
            full = len(self._in_flight) >= self._max_in_flight
            wait = self._poll_s if next_due is None or full else next_due - self._clock()
            if wait > 0:
                await self._sleep(min(wait, self._poll_s))

    async def _sleep(self, seconds: float) -> None:
        """Wait until woken (an enqueue, a finished delivery) or `seconds` pass.

        `asyncio.timeout` rather than `wait_for`: on 3.11, wait_for can swallow a cancel
        that arrives as the wait ends, and close() would then wait forever.
        """
        try:
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        except TimeoutError:
            pass

    async def _deliver(self, event: QueuedEvent) -> None:
        try:
            failure = await self._attempt(event)
            if failure is None:
                await self._db(self._store.remove, event.request_id)
            else:
                await self._after_failure(event, *failure)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("async invocation %s of %s: bookkeeping failed", event.request_id,
                          event.function_name)
        finally:
            self._in_flight.pop(event.request_id, None)
            self._wake.set()

    async def _attempt(self, event: QueuedEvent) -> tuple[str, bool] | None:
        """None when delivered; else (reason, whether Lambda would retry it)."""
        try:
            result = await self._invoke(event.function_name, event.payload)
        except TooManyRequests as exc:
            return f"throttled: {exc.message}", True
        except AwsError as exc:
            # Service-side failures are retried; a missing function or a bad request is not.
            return f"{exc.code}: {exc.message}", exc.status >= 500
        except Exception as exc:
            log.exception("async invocation %s of %s failed", event.request_id, event.function_name)
            return f"{type(exc).__name__}: {exc}", True
        if result.function_error is None:
            return None
        return f"function error ({result.function_error}): {result.payload[:512]!r}", True

    async def _after_failure(self, event: QueuedEvent, reason: str, retry: bool) -> None:
        attempts = event.attempts + 1
        if retry and attempts <= len(self._delays):
            due = self._clock() + self._delays[attempts - 1]
            await self._db(self._store.reschedule, event.request_id, attempts, due)
            return
        log.warning("async invocation %s of %s dropped after %d attempt(s): %s",
                    event.request_id, event.function_name, attempts, reason)
        if self._on_exhausted is not None:
            try:
                name = event.function_name.split(":", 1)[0]
                await self._on_exhausted(FailedEvent(event.request_id, name,
                                                     event.payload, attempts, reason))
            except Exception:
                log.exception("on_exhausted hook failed for %s", event.request_id)
        await self._db(self._store.remove, event.request_id)

    def _db(self, fn: Callable, *args: object) -> Awaitable:
        return asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
