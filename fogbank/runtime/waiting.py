"""Waiting for an invocation for a while without cancelling it.

A caller that stops waiting (API Gateway past its integration timeout) leaves the function
running to its own timeout, as Lambda does; cancelling the invocation would kill its worker
mid-call. So the invocation goes on as a task of its own, and its late result or error is
dropped.
"""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, TypeVar

from fogbank.types import WaitExpired

T = TypeVar("T")


async def within(call: Awaitable[T], wait_s: float) -> T:
    """`call`'s result; WaitExpired after `wait_s` seconds, `call` running on."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(call)
    task.add_done_callback(_retrieve)
    # A timer and a future rather than asyncio.wait_for(shield(...)), which would build two
    # more tasks' worth of callbacks per call.
    waiter = loop.create_future()

    def wake(*_: Any) -> None:
        if not waiter.done():
            waiter.set_result(None)

    task.add_done_callback(wake)
    timer = loop.call_later(wait_s, wake)
    try:
        await waiter
    finally:
        timer.cancel()
        task.remove_done_callback(wake)
    if not task.done():
        raise WaitExpired()
    return task.result()


def _retrieve(task: asyncio.Future[Any]) -> None:
    """Marks a dropped invocation's error as retrieved: it is the function's log's business,
    not asyncio's."""
    if not task.cancelled():
        task.exception()
