"""The warm workers of one function version: reuse an idle one, else cold-start one.

Idle workers are reaped after the idle TTL (scale to zero), except the provisioned ones,
which are started ahead of demand and replaced when they die. A retired pool (its version's
code or settings changed, or its function was removed) starts nothing, kills its idle
workers at once and each busy one as soon as its invocation ends.
"""
from __future__ import annotations

import asyncio
import logging
import os
import statistics
from collections import deque
from typing import Callable

from fogbank.runtime.plan import WorkerPlan
from fogbank.runtime.spawner import Spawner
from fogbank.runtime.workers import Worker
from fogbank.types import FunctionSpec

log = logging.getLogger(__name__)

# How long a call waits for a busy worker to come free before it cold-starts its own:
# briefly for a function whose calls take a while (it needs the concurrency), longer for
# one whose handler typically returns within FAST_HANDLER_MS (a worker will be free long
# before a cold start could finish), and longer still once such a function has a worker
# per core: more processes than cores then only add switching. The wait stays bounded, so
# a call that waits on a call to its own function (recursion) still gets a worker.
SCALE_OUT_GRACE_S = 0.002
FAST_FUNCTION_WAIT_S = 0.05
FAST_AT_CORES_WAIT_S = 1.0
FAST_HANDLER_MS = 1.0
# The typical handler time is the median of recent calls: one call preempted by a busy
# machine must not make a fast function look slow (and scale it out further).
RECENT_CALLS = 16
CORES = len(os.sched_getaffinity(0))

# (provisioned?) → the plan for a new worker and its log stream name
PlanMaker = Callable[[bool], tuple[WorkerPlan, str]]


class Pool:
    def __init__(self, spec: FunctionSpec, make_plan: PlanMaker, spawner: Spawner,
                 init_timeout_s: float) -> None:
        self.spec = spec
        # A function timeout longer than the init limit extends it, as Lambda then retries
        # the init within the invoke.
        self._init_timeout_s = max(init_timeout_s, spec.timeout_s)
        self._make_plan = make_plan
        self._spawner = spawner
        self._idle: list[Worker] = []
        self.busy: set[Worker] = set()
        self._warming = 0
        self._retired = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._waiters: deque[asyncio.Future[Worker | None]] = deque()
        self._recent_ms: deque[float] = deque(maxlen=RECENT_CALLS)   # handler times
        self._cold_starting = 0                  # on-demand workers being started now
        # Why a provisioned worker failed to start; the pool then starts no more of them
        # (Lambda's config goes FAILED) rather than fork a failing init every tick.
        self.provision_failure: str | None = None

    async def acquire(self) -> Worker:
        """An idle worker (most recently used first: its caches are warmest) or a new one.

        When every worker is busy, the call first waits a moment for one to be released:
        a short function frees its worker long before a cold start would finish, so the pool
        grows to the concurrency the function really needs, not to the number of callers
        that happen to overlap by microseconds. A call still waiting after the grace period
        cold-starts its own worker, as Lambda scales out.
        """
        while self._idle:
            worker = self._idle.pop()
            if worker.usable:
                self.busy.add(worker)
                return worker
            worker.close()
        if (self.busy or self._cold_starting) and not self._retired:
            worker = await self._wait_for_release()
            if worker is not None:
                self.busy.add(worker)
                return worker
        self._cold_starting += 1
        try:
            worker = await self._start(provisioned=False)
        finally:
            self._cold_starting -= 1
        self.busy.add(worker)
        return worker

    async def _wait_for_release(self) -> Worker | None:
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Worker | None] = loop.create_future()
        self._waiters.append(waiter)
        # Until a call has returned, the function counts as fast: the first burst then
        # waits for the first worker instead of cold-starting a worker per caller.
        fast = not self._recent_ms or statistics.median(self._recent_ms) < FAST_HANDLER_MS
        if not fast:
            grace = SCALE_OUT_GRACE_S
        elif len(self.busy) + len(self._idle) + self._cold_starting >= CORES:
            grace = FAST_AT_CORES_WAIT_S
        else:
            grace = FAST_FUNCTION_WAIT_S
        timer = loop.call_later(grace, _settle, waiter, None)
        try:
            return await waiter
        finally:
            timer.cancel()
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def observe(self, handler_ms: float) -> None:
        """Feeds one invocation's handler time into the typical duration."""
        self._recent_ms.append(handler_ms)

    def release(self, worker: Worker, now: float) -> None:
        self.busy.discard(worker)
        if self._retired or not worker.alive:
            worker.close()
            return
        worker.last_used = now
        while self._waiters:                       # hand it straight to a waiting call
            waiter = self._waiters.popleft()
            if not waiter.done() and worker.usable:
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def reap(self, now: float, idle_ttl_s: float) -> None:
        """Close idle on-demand workers unused for `idle_ttl_s`, and idle provisioned ones
        beyond the provisioned concurrency (it was lowered or its config deleted)."""
        stale = [w for w in self._idle if not w.provisioned and now - w.last_used >= idle_ttl_s]
        surplus = self.provisioned_ready - self.spec.provisioned_concurrency
        if surplus > 0:
            # The least recently used first: the front of the idle list.
            stale += [w for w in self._idle if w.provisioned][:surplus]
        for worker in stale:
            self._idle.remove(worker)
            worker.close()

    def police_memory(self) -> None:
        """Kill busy workers whose resident memory went over the function's size."""
        for worker in self.busy:
            if worker.alive and worker.rss_mb() > self.spec.memory_mb:
                worker.over_memory = True
                worker.kill()

    @property
    def provisioned_ready(self) -> int:
        """Provisioned workers started and alive, idle or busy."""
        return sum(1 for w in (*self._idle, *self.busy) if w.provisioned and w.alive)

    def keep_provisioned(self) -> None:
        """Start workers until the provisioned concurrency is met."""
        if self._retired or self.provision_failure:
            return
        for _ in range(self.spec.provisioned_concurrency - self.provisioned_ready
                       - self._warming):
            self._warming += 1
            task = asyncio.create_task(self._warm_one())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def adopt(self, spec: FunctionSpec) -> None:
        """Serve on after a redeploy that left this version's code and settings as they
        were (runtime/redeploy.py): `spec` may differ in what is the function's, such as
        the provisioned concurrency, which housekeeping then keeps to."""
        self.spec = spec

    async def _warm_one(self) -> None:
        try:
            worker = await self._start(provisioned=True)
        except Exception as exc:    # the spawner failed: nothing to hand a caller
            log.warning("function %s: a provisioned worker could not be started: %s",
                        self.spec.name, exc)
            self.provision_failure = ("The function's execution environment could not be "
                                      f"started: {exc}")
            return
        finally:
            self._warming -= 1
        failure = _init_failure(worker)
        if failure:
            self.provision_failure = failure
        if self._retired or failure:
            worker.close()
        else:
            worker.last_used = asyncio.get_running_loop().time()
            self._idle.insert(0, worker)

    async def _start(self, provisioned: bool) -> Worker:
        plan, log_stream = self._make_plan(provisioned)
        return await Worker.start(self._spawner, plan, log_stream, provisioned,
                                  self._init_timeout_s)

    def retire(self) -> None:
        self._retired = True
        for task in self._tasks:
            task.cancel()
        for worker in self._idle:
            worker.close()
        self._idle.clear()

    def close(self) -> None:
        """Kill everything now, busy workers included (the node is shutting down)."""
        self.retire()
        for worker in list(self.busy):
            worker.close()


def _init_failure(worker: Worker) -> str | None:
    """Why a worker's init failed, as a provisioned config's StatusReason; None if it did not."""
    if worker.init_timed_out:
        return "The function's initialization timed out."
    if worker.init_error:
        return f"The function's initialization failed: {worker.init_error}."
    if not worker.alive:
        return "The function's execution environment exited during initialization."
    return None


def _settle(waiter: "asyncio.Future[Worker | None]", value: "Worker | None") -> None:
    if not waiter.done():
        waiter.set_result(value)
