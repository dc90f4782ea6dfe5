"""Waiting for an invocation for a while: the caller gives up, the invocation runs on."""
from __future__ import annotations

import asyncio

import pytest

from fogbank.runtime.waiting import within
from fogbank.types import WaitExpired


def test_an_answer_in_time_is_returned() -> None:
    async def quick() -> str:
        await asyncio.sleep(0.01)
        return "answer"

    assert asyncio.run(within(quick(), 5)) == "answer"


def test_a_late_call_expires_the_wait_and_runs_on() -> None:
    finished: list[str] = []

    async def slow() -> str:
        await asyncio.sleep(0.2)
        finished.append("ran to its end")
        return "late"

    async def scenario() -> None:
        with pytest.raises(WaitExpired):
            await within(slow(), 0.05)
        assert finished == []
        await asyncio.sleep(0.3)
        assert finished == ["ran to its end"]

    asyncio.run(scenario())


def test_errors_are_raised_in_time_and_dropped_when_late(caplog) -> None:
    async def fails(after: float) -> None:
        await asyncio.sleep(after)
        raise RuntimeError("broke")

    async def scenario() -> None:
        with pytest.raises(RuntimeError):
            await within(fails(0.0), 5)
        with pytest.raises(WaitExpired):
            await within(fails(0.1), 0.01)
        await asyncio.sleep(0.2)

    asyncio.run(scenario())
    assert "never retrieved" not in caplog.text
