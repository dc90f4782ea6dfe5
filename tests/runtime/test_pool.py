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


# Provisioned workers import the module ahead of any call; each leaves a mark when it does.
PROVISIONED = ("import os\n"
               "open(f'started-{os.getpid()}', 'w').close()\n" + PID)


def _await_marks(loop, root, count: int) -> list[int]:
    async def poll():
        for _ in range(600):
            marks = sorted(int(p.name.split("-")[1]) for p in root.glob("started-*"))
            if len(marks) >= count:
                return marks
            await asyncio.sleep(0.05)
        raise AssertionError(f"{count} provisioned workers never started")

    return loop.run_until_complete(poll())


def test_provisioned_workers_are_ready_before_the_first_call(runtime, code, loop):
    from fogbank.types import FunctionSpec
    import json

    root = code("warm", {"app.py": PROVISIONED})
    runtime.deploy(FunctionSpec(name="warm", handler="app.handler", code_dir=root,
                                provisioned_concurrency=2))
    warm = _await_marks(loop, root, 2)

    async def two():
        return await asyncio.gather(runtime.invoke("warm", b"{}", tail_logs=True),
                                    runtime.invoke("warm", b"{}", tail_logs=True))

    results = loop.run_until_complete(two())
    served = sorted(json.loads(r.payload)[0] for r in results)
    assert served == warm
    assert all(json.loads(r.payload)[1] == "provisioned-concurrency" for r in results)
    assert all("Init Duration" not in r.log_tail for r in results)


def test_provisioned_workers_are_never_reaped(make_runtime, code, loop):
    from fogbank.types import FunctionSpec
    import json

    runtime = make_runtime(idle_ttl_s=0.1)
    root = code("kept", {"app.py": PROVISIONED})
    runtime.deploy(FunctionSpec(name="kept", handler="app.handler", provisioned_concurrency=1,
                                code_dir=root))
    [warm] = _await_marks(loop, root, 1)

    async def call_after(delay: float):
        await asyncio.sleep(delay)  # several reaping rounds for a 0.1 s idle TTL
        return json.loads((await runtime.invoke("kept", b"{}")).payload)[0]

    assert loop.run_until_complete(call_after(0)) == warm
    assert loop.run_until_complete(call_after(1.0)) == warm
    assert not _gone(warm)
