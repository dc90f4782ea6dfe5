"""Invocation logs: the lines Lambda writes, captured output, query, follow, persistence."""
from __future__ import annotations

import asyncio
import re

from fogbank.runtime import LogEvent, Runtime, RuntimeConfig

CHATTY = """
import logging, subprocess, sys
print("loading module")
logger = logging.getLogger()
logger.setLevel(logging.INFO)
def handler(event, context):
    print("from print")
    logger.info("from logging %s", 42)
    sys.stderr.write("from stderr\\n")
    subprocess.run(["echo", "from a subprocess"], check=True)
    return "ok"
"""


def test_invocation_log_is_framed_like_lambdas(deploy, invoke):
    deploy("chatty", CHATTY)
    result, _ = invoke("chatty", tail_logs=True)
    rid = result.request_id
    lines = result.log_tail.splitlines()
    assert lines[0] == "loading module"
    assert lines[1] == f"START RequestId: {rid} Version: $LATEST"
    assert lines[2] == "from print"
    assert re.fullmatch(rf"\[INFO\]\t\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z\t{rid}\tfrom logging 42",
                        lines[3])
    assert lines[4:6] == ["from stderr", "from a subprocess"]
    assert lines[6] == f"END RequestId: {rid}"
    assert re.fullmatch(rf"REPORT RequestId: {rid}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\t"
                        r"Memory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms",
                        lines[7])


def test_init_duration_only_on_a_cold_start(deploy, invoke):
    deploy("twice", "def handler(e, c):\n    return 1\n")
    cold, _ = invoke("twice", tail_logs=True)
    warm, _ = invoke("twice", tail_logs=True)
    assert "Init Duration" in cold.log_tail
    assert "Init Duration" not in warm.log_tail
    assert "loading" not in warm.log_tail


def test_log_tail_only_when_asked_and_at_most_4kb(deploy, invoke):
    deploy("loud", "def handler(e, c):\n    print('x' * 10000)\n    return 1\n")
    assert invoke("loud")[0].log_tail == ""
    tail = invoke("loud", tail_logs=True)[0].log_tail
    assert len(tail.encode()) <= 4096 and tail.rstrip().splitlines()[-1].startswith("REPORT")


def test_unhandled_errors_are_logged(deploy, invoke, runtime):
    deploy("fails", "def handler(e, c):\n    raise KeyError('k')\n")
    result, _ = invoke("fails")
    messages = [e.message for e in runtime.logs.query("fails")]
    assert "[ERROR] KeyError: 'k'" in messages
    assert "Traceback (most recent call last):" in messages


def test_query_by_time_and_limit(deploy, invoke, runtime):
    deploy("q", "def handler(e, c):\n    print('hi')\n    return 1\n")
    first, _ = invoke("q")
    events = runtime.logs.query("q")
    assert [e.request_id for e in events] == [first.request_id] * 4
    assert all(isinstance(e, LogEvent) and e.function_name == "q" for e in events)
    cut = events[-1].timestamp_ms + 1
    second, _ = invoke("q")
    later = runtime.logs.query("q", start_ms=cut)
    assert {e.request_id for e in later} <= {second.request_id}
    assert len(runtime.logs.query("q", limit=2)) == 2
    assert runtime.logs.query("q", end_ms=events[0].timestamp_ms - 1) == []


def test_follow_yields_new_events_as_they_happen(deploy, runtime, loop):
    deploy("live", "def handler(e, c):\n    print('streamed')\n    return 1\n")

    async def scenario():
        stream = runtime.logs.follow("live")
        first = asyncio.ensure_future(stream.__anext__())
        await asyncio.sleep(0)
        result = await runtime.invoke("live", b"{}")
        seen = [await asyncio.wait_for(first, 10)]
        while len(seen) < 4:
            seen.append(await asyncio.wait_for(stream.__anext__(), 10))
        await stream.aclose()
        return result, seen

    result, seen = loop.run_until_complete(scenario())
    assert seen[0].message.startswith("START RequestId: " + result.request_id)
    assert seen[1].message == "streamed"


def test_logs_survive_a_restart(deploy, invoke, state_dir, loop):
    deploy("kept", "def handler(e, c):\n    print('remember me')\n    return 1\n")
    invoke("kept")
    fresh = Runtime(RuntimeConfig(state_dir=state_dir))
    assert "remember me" in [e.message for e in fresh.logs.query("kept")]
    assert list(state_dir.joinpath("logs").iterdir())
