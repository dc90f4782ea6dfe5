"""Lambda's asynchronous invocation: a durable queue, delivered in the background, with
Lambda's error handling as the function's EventInvokeConfig sets it.

- A function error is retried MaximumRetryAttempts times (default 2), spaced by the
  configured delays; a throttle or a service error is retried, spaced the same way, for as
  long as the event is younger than MaximumEventAgeInSeconds (default 6 hours).
- An event older than its maximum age is not run again.
- A function whose reserved concurrency is 0 never runs: its events go to the OnFailure
  destination at once, without retries, with the condition ZeroReservedConcurrency.
- When an invocation ends, its invocation record goes to the OnSuccess or OnFailure
  destination (another function, invoked asynchronously in turn), with the condition
  Success, RetriesExhausted or EventAgeExceeded.

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
from fogbank.messaging.invocation_record import (EVENT_AGE_EXCEEDED, RETRIES_EXHAUSTED,
                                                 SUCCESS, ZERO_RESERVED_CONCURRENCY,
                                                 invocation_record)
from fogbank.types import (LATEST, AwsError, EventInvokeConfig, InvokeResult, Invoker,
                           NoReservedConcurrency, TooManyRequests, function_name_from_uri,
                           partition_for)

log = logging.getLogger(__name__)

# (function name, qualifier: $LATEST for an unqualified call) → its settings, None for
# Lambda's defaults.
ConfigLookup = Callable[[str, str], EventInvokeConfig | None]


@dataclass(frozen=True)
class _Attempt:
    result: InvokeResult | None     # what the function gave, None when it did not run
    reason: str = ""                # why the attempt failed
    # "function": a function error, retried MaximumRetryAttempts times; "service": a
    # throttle or a service error, retried while the event is young enough; None: final.
    retry: str | None = None
    # The condition the event ends with at once, whatever its retry settings.
    condition: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.result is not None and self.result.function_error is None


class AsyncInvoker:
    def __init__(self, db_path: Path, invoke: Invoker,
                 retry_delays_s: Sequence[float] = (60.0, 120.0),
                 clock: Callable[[], float] = time.time, *,
                 configs: ConfigLookup | None = None, region: str = "us-east-1",
                 account_id: str = "000000000000",
                 max_in_flight: int = 64, poll_s: float = 1.0) -> None:
        self._db_path = db_path
        self._invoke = invoke
        self._delays = tuple(retry_delays_s)
        self._clock = clock
        self._configs = configs or (lambda name, qualifier: None)
        self._arn_prefix = f"arn:{partition_for(region)}:lambda:{region}:{account_id}:function:"
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
            name, _, qualifier = event.function_name.partition(":")
            config = self._configs(name, qualifier or LATEST) or EventInvokeConfig()
            if self._clock() - event.enqueued_at > config.max_age_s:
                # Waited too long (a node that was down, a retry that came late): not run.
                await self._finish(event, config, EVENT_AGE_EXCEEDED, event.attempts, _Attempt(
                    None, f"older than {config.max_age_s} s"))
                return
            attempt = await self._attempt(event)
            await self._after(event, config, attempt)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("async invocation %s of %s: bookkeeping failed", event.request_id,
                          event.function_name)
        finally:
            self._in_flight.pop(event.request_id, None)
            self._wake.set()

    async def _attempt(self, event: QueuedEvent) -> _Attempt:
        try:
            # Lambda runs an Event invocation, and each of its retries, under the request id
            # Invoke answered with.
            result = await self._invoke(event.function_name, event.payload,
                                        request_id=event.request_id)
        except NoReservedConcurrency:
            return _Attempt(None, "reserved concurrency is 0",
                            condition=ZERO_RESERVED_CONCURRENCY)
        except TooManyRequests as exc:
            return _Attempt(None, f"throttled: {exc.message}", "service")
        except AwsError as exc:
            # Service-side failures are retried; a missing function or a bad request is not.
            return _Attempt(None, f"{exc.code}: {exc.message}",
                            "service" if exc.status >= 500 else None)
        except Exception as exc:
            log.exception("async invocation %s of %s failed", event.request_id, event.function_name)
            return _Attempt(None, f"{type(exc).__name__}: {exc}", "service")
        if result.function_error is None:
            return _Attempt(result)
        return _Attempt(result, f"function error ({result.function_error}): "
                                f"{result.payload[:512]!r}", "function")

    async def _after(self, event: QueuedEvent, config: EventInvokeConfig,
                     attempt: _Attempt) -> None:
        if attempt.condition is not None:
            # The function was not invoked, so this attempt is not counted.
            await self._finish(event, config, attempt.condition, event.attempts, attempt)
            return
        attempts = event.attempts + 1
        if attempt.succeeded:
            await self._finish(event, config, SUCCESS, attempts, attempt)
            return
        retry = bool(self._delays) and (attempt.retry == "service" or (
            attempt.retry == "function" and attempts <= config.retries))
        if not retry:
            await self._finish(event, config, RETRIES_EXHAUSTED, attempts, attempt)
            return
        due = self._clock() + self._delays[min(attempts, len(self._delays)) - 1]
        if due - event.enqueued_at > config.max_age_s:
            await self._finish(event, config, EVENT_AGE_EXCEEDED, attempts, attempt)
            return
        await self._db(self._store.reschedule, event.request_id, attempts, due)

    async def _finish(self, event: QueuedEvent, config: EventInvokeConfig, condition: str,
                      attempts: int, attempt: _Attempt) -> None:
        """Send the invocation record to the destination the outcome calls for, then take
        the event off the queue (in that order: a crash between them repeats the record,
        never loses it)."""
        if condition != SUCCESS:
            log.warning("async invocation %s of %s dropped after %d attempt(s) (%s): %s",
                        event.request_id, event.function_name, attempts, condition,
                        attempt.reason)
        destination = config.on_success if condition == SUCCESS else config.on_failure
        target = function_name_from_uri(destination) if destination else None
        if target:
            name, _, qualifier = event.function_name.partition(":")
            record = invocation_record(
                request_id=event.request_id, function_arn=self._arn_prefix + name + ":" +
                (qualifier or LATEST), condition=condition, attempts=attempts,
                payload=event.payload, result=attempt.result, at=self._clock())
            await self.enqueue(target, record)
        await self._db(self._store.remove, event.request_id)

    def _db(self, fn: Callable, *args: object) -> Awaitable:
        return asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
