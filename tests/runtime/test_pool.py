"""Scale to zero, provisioned concurrency."""
from __future__ import annotations

import asyncio
import os

PID = "import os\ndef handler(e, c):\n    return [os.getpid(), os.environ['AWS_LAMBDA_INITIALIZATION_TYPE']]\n"


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    with open(f"/proc/{pid}/stat") as f:  # a zombie not yet reaped by the zygote is gone too
        return f.read().split(") ")[1].startswith("Z")


def test_idle_workers_are_reaped_after_the_ttl(make_runtime, code, loop):
    from fogbank.types import FunctionSpec
    import json

    runtime = make_runtime(idle_ttl_s=0.3)
    runtime.deploy(FunctionSpec(name="idle", handler="app.handler", code_dir=code("idle", {"app.py": PID})))
    first = json.loads(loop.run_until_complete(runtime.invoke("idle", b"{}")).payload)[0]

    async def wait_for_reaping():
        for _ in range(100):
            if _gone(first):
                return True
            await asyncio.sleep(0.1)
        return False

    assert loop.run_until_complete(wait_for_reaping())
    second = json.loads(loop.run_until_complete(runtime.invoke("idle", b"{}")).payload)[0]
    assert second != first


def test_provisioned_workers_are_ready_before_the_first_call(deploy, invoke, loop, runtime):
    deploy("warm", PID, provisioned_concurrency=2)

    async def settle():
        await asyncio.sleep(1.0)

    loop.run_until_complete(settle())
    result, (pid, init_type) = invoke("warm", tail_logs=True)
    assert init_type == "provisioned-concurrency"
    assert "Init Duration" not in result.log_tail
    # Both provisioned workers serve concurrent calls without a cold start.
    async def two():
        return await asyncio.gather(runtime.invoke("warm", b"{}"), runtime.invoke("warm", b"{}"))

    results = loop.run_until_complete(two())
    assert all("provisioned-concurrency" in r.payload.decode() for r in results)
