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


def _eventually(loop, probe, what: str):
    """What `probe` gives once it gives something true, within 30 s."""
    async def poll():
        for _ in range(600):
            found = probe()
            if found:
                return found
            await asyncio.sleep(0.05)
        raise AssertionError(f"{what} never happened")

    return loop.run_until_complete(poll())


def _await_marks(loop, root, count: int) -> list[int]:
    def marks():
        started = sorted(int(p.name.split("-")[1]) for p in root.glob("started-*"))
        return started if len(started) >= count else None

    return _eventually(loop, marks, f"{count} provisioned workers starting")


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
    # Its init has run; wait until the pool holds it too, or a first call could start its own.
    _eventually(loop, lambda: runtime.provisioned("kept", "$LATEST").ready == 1 or None,
                "the provisioned worker in the pool")

    async def call_after(delay: float):
        await asyncio.sleep(delay)  # several reaping rounds for a 0.1 s idle TTL
        return json.loads((await runtime.invoke("kept", b"{}")).payload)[0]

    assert loop.run_until_complete(call_after(0)) == warm
    assert loop.run_until_complete(call_after(1.0)) == warm
    assert not _gone(warm)


SLOW_PID = "import os, time\ndef handler(e, c):\n    time.sleep(0.5)\n    return os.getpid()\n"


def test_concurrent_slow_calls_each_get_their_own_worker(runtime, code, loop):
    """The wait for a busy worker is short: slow calls still scale out, as Lambda does."""
    from fogbank.types import FunctionSpec
    import json

    runtime.deploy(FunctionSpec(name="slow", handler="app.handler",
                                code_dir=code("slow", {"app.py": SLOW_PID})))

    async def burst():
        results = await asyncio.gather(*(runtime.invoke("slow", b"{}") for _ in range(4)))
        return {json.loads(r.payload) for r in results}

    assert len(loop.run_until_complete(burst())) == 4


def test_a_released_worker_goes_to_a_waiting_call(runtime, code, loop):
    """Calls that overlap a busy worker by a moment reuse it rather than cold-start."""
    from fogbank.types import FunctionSpec
    import json

    runtime.deploy(FunctionSpec(name="quick", handler="app.handler",
                                code_dir=code("quick", {"app.py": PID})))
    first = json.loads(loop.run_until_complete(runtime.invoke("quick", b"{}")).payload)[0]

    async def back_to_back():
        # The second call starts while the first holds the only worker; it waits for it.
        one = asyncio.ensure_future(runtime.invoke("quick", b"{}"))
        await asyncio.sleep(0)
        two = asyncio.ensure_future(runtime.invoke("quick", b"{}"))
        return [json.loads(r.payload)[0] for r in await asyncio.gather(one, two)]

    assert loop.run_until_complete(back_to_back()) == [first, first]


BUSY_PID = ("import os, time\ndef handler(e, c):\n    end = time.perf_counter() + 0.0003\n"
            "    while time.perf_counter() < end:\n        pass\n    return os.getpid()\n")


def test_a_fast_function_keeps_to_a_worker_per_core_under_a_queue(runtime, code, loop,
                                                                  monkeypatch):
    """A queue of fast calls longer than the short grace does not fork a worker per caller:
    with every core busy, more processes only add switching."""
    from fogbank.runtime import pool
    from fogbank.types import FunctionSpec
    import json

    monkeypatch.setattr(pool, "CORES", 1)
    runtime.deploy(FunctionSpec(name="busy", handler="app.handler",
                                code_dir=code("busy", {"app.py": BUSY_PID})))
    loop.run_until_complete(runtime.invoke("busy", b"{}"))      # known to be fast now

    async def queue():
        results = await asyncio.gather(*(runtime.invoke("busy", b"{}") for _ in range(150)))
        return {json.loads(r.payload) for r in results}

    assert len(loop.run_until_complete(queue())) <= 2


def _provisioned(loop, runtime, name: str, version: str, ready: int):
    """The runtime's account of a version's provisioned workers, once `ready` are started
    or starting them failed."""
    def state():
        state = runtime.provisioned(name, version)
        return state if state.ready >= ready or state.failure else None

    return _eventually(loop, state, f"{ready} provisioned workers of {name}:{version}")


def test_api_configs_keep_each_versions_workers_started(runtime, code, loop):
    """A config on a version and one on an alias each warm the version they name."""
    from fogbank.types import FunctionSpec

    root = code("configs", {"app.py": PROVISIONED})
    runtime.deploy(FunctionSpec(name="configs", handler="app.handler", code_dir=root,
                                published_versions=2, aliases={"live": "2"},
                                provisioned_configs={"1": 1, "live": 2}))
    assert _provisioned(loop, runtime, "configs", "1", 1).ready == 1
    assert _provisioned(loop, runtime, "configs", "2", 2).ready == 2
    assert len(_await_marks(loop, root, 3)) == 3
    assert runtime.provisioned("configs", "$LATEST").ready == 0
    result = loop.run_until_complete(runtime.invoke("configs:live", b"{}", tail_logs=True))
    assert "Init Duration" not in result.log_tail
    assert result.executed_version == "2"


def test_a_failing_init_stops_the_provisioning(runtime, code, loop):
    """A handler whose import fails is not forked again every tick: the failure is kept."""
    from fogbank.types import FunctionSpec

    root = code("broken", {"app.py": "import os\nopen(f'started-{os.getpid()}', 'w').close()\n"
                                     "raise RuntimeError('no')\n"})
    runtime.deploy(FunctionSpec(name="broken", handler="app.handler", code_dir=root,
                                published_versions=1, provisioned_configs={"1": 1}))
    state = _provisioned(loop, runtime, "broken", "1", 1)
    assert state.ready == 0 and state.failure
    loop.run_until_complete(asyncio.sleep(1.0))       # five housekeeping ticks
    assert len(list(root.glob("started-*"))) == 1
