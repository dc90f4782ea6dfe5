"""Waiting for a Lambda integration as API Gateway does: up to the integration's timeout.

When the timeout passes, API Gateway answers the client and stops waiting; the function
runs on to its own timeout and its result is dropped. So the invocation is never cancelled
here (cancelling would kill its worker mid-run): it goes on as a task of its own.
"""
from __future__ import annotations

import asyncio
from typing import Any

from fogbank.types import InvokeResult, Invoker


class IntegrationTimedOut(Exception):
    """The integration's timeout passed before the function answered."""


async def invoke_within(invoke: Invoker, name: str, payload: bytes,
                        timeout_s: float) -> InvokeResult:
    """The invocation's result; IntegrationTimedOut after `timeout_s`. The invoker's own
    errors (throttling, an unknown function) are raised as they are."""
    loop = asyncio.get_running_loop()
    invocation = loop.create_task(invoke(name, payload))
    invocation.add_done_callback(_retrieve)
    # A timer and a future rather than asyncio.wait_for(shield(...)): this is every API
    # request's path, and those build two more tasks' worth of callbacks per call.
    waiter = loop.create_future()
    wake = lambda *_: waiter.done() or waiter.set_result(None)   # noqa: E731
    invocation.add_done_callback(wake)
    timer = loop.call_later(timeout_s, wake)
    try:
        await waiter
    finally:
        timer.cancel()
        invocation.remove_done_callback(wake)
    if not invocation.done():
        raise IntegrationTimedOut()
    return invocation.result()


def _retrieve(task: asyncio.Future[Any]) -> None:
    """Marks an invocation's error retrieved: one nobody waits for any more (the client was
    answered, or left) is the function's log's business, not asyncio's."""
    if not task.cancelled():
        task.exception()
