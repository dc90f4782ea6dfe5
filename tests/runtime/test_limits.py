"""Throttling: reserved concurrency per function, and the node's own limit."""
from __future__ import annotations

import asyncio

import pytest

from fogbank.types import FunctionSpec, NoReservedConcurrency, TooManyRequests

SLOW = "import time\ndef handler(e, c):\n    time.sleep(1.0)\n    return 'done'\n"


def _two_at_once(loop, runtime, first: str, second: str):
    async def both():
        a = asyncio.create_task(runtime.invoke(first, b"{}"))
        await asyncio.sleep(0.2)  # the first call holds its slot (admission is immediate)
        try:
            return await runtime.invoke(second, b"{}"), None
        except TooManyRequests as err:
            return None, err
        finally:
            await a

    return loop.run_until_complete(both())


def test_reserved_concurrency_one_throttles_the_second_concurrent_call(deploy, runtime, loop):
    deploy("single", SLOW, reserved_concurrency=1, timeout_s=30)
    result, err = _two_at_once(loop, runtime, "single", "single")
    assert result is None
    assert err.code == "TooManyRequestsException" and err.status == 429
    assert err.message == "Rate Exceeded."
    assert err.extra == {"Reason": "ReservedFunctionConcurrentInvocationLimitExceeded", "Type": "User"}
    assert not isinstance(err, NoReservedConcurrency)


def test_reserved_concurrency_zero_throttles_every_call(deploy, runtime, loop):
    deploy("off", SLOW, reserved_concurrency=0)
    with pytest.raises(TooManyRequests) as err:
        loop.run_until_complete(runtime.invoke("off", b"{}"))
    assert err.value.extra["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    # Told apart from a full reservation, so the async queue does not retry it.
    assert isinstance(err.value, NoReservedConcurrency)


def test_node_concurrency_throttles_across_functions(make_runtime, code, loop):
    runtime = make_runtime(node_concurrency=1)
    for name in ("a", "b"):
        runtime.deploy(FunctionSpec(name=name, handler="app.handler", timeout_s=30,
                                    code_dir=code(name, {"app.py": SLOW})))
    result, err = _two_at_once(loop, runtime, "a", "b")
    assert result is None
    assert err.message == "Rate Exceeded."
    assert err.extra == {"Reason": "ConcurrentInvocationLimitExceeded", "Type": "User"}


def test_a_throttled_slot_is_free_again_once_the_call_ends(deploy, invoke):
    deploy("serial", "def handler(e, c):\n    return 1\n", reserved_concurrency=1)
    assert invoke("serial")[1] == 1
    assert invoke("serial")[1] == 1


def test_a_reservation_held_by_provisioned_versions_leaves_latest_nothing(deploy, runtime,
                                                                          loop, invoke):
    # Lambda (recorded): reserved 2 with version 1 provisioned 2 throttles every $LATEST
    # invoke, even with nothing running, while version 1 runs on its provisioned slots.
    deploy("held", "def handler(e, c):\n    return 'ran'\n", reserved_concurrency=2,
           published_versions=1, provisioned_configs={"1": 2})
    with pytest.raises(TooManyRequests) as err:
        loop.run_until_complete(runtime.invoke("held", b"{}"))
    assert (err.value.message, err.value.extra) == (
        "Rate Exceeded.",
        {"Reason": "ReservedFunctionConcurrentInvocationLimitExceeded", "Type": "User"})
    assert not isinstance(err.value, NoReservedConcurrency)
    assert invoke("held:1")[1] == "ran"


def test_latest_shares_what_the_provisioned_versions_leave_of_the_reservation(deploy,
                                                                             runtime, loop):
    deploy("shared", SLOW, reserved_concurrency=2, published_versions=1,
           provisioned_configs={"1": 1}, timeout_s=30)
    # Version 1's own slot does not take $LATEST's one; a second $LATEST call has none.
    result, err = _two_at_once(loop, runtime, "shared:1", "shared")
    assert err is None and result.function_error is None
    result, err = _two_at_once(loop, runtime, "shared", "shared")
    assert result is None and err.extra["Reason"] == \
        "ReservedFunctionConcurrentInvocationLimitExceeded"
    # Past its provisioned slot, version 1 spills over into what is left.
    result, err = _two_at_once(loop, runtime, "shared:1", "shared:1")
    assert err is None and result.function_error is None
