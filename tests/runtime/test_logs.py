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
                        r"Memory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms\t",
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


def test_unhandled_errors_are_logged_as_one_event(deploy, invoke, runtime):
    deploy("fails", "def handler(e, c):\n    raise KeyError('k')\n")
    result, _ = invoke("fails", tail_logs=True)
    messages = [e.message for e in runtime.logs.query("fails")]
    block = messages[1].split("\n")
    assert block[:2] == ["[ERROR] KeyError: 'k'", "Traceback (most recent call last):"]
    # awslambdaric indents the trace with no-break spaces
    assert re.fullmatch(r"\u00a0\u00a0File \".*app\.py\", line 2, in handler", block[2])
    assert block[3] == "\u00a0" * 4 + "raise KeyError('k')"
    assert messages[2] == f"END RequestId: {result.request_id}"
    assert "\n".join(block) in result.log_tail


MULTILINE = """
import logging
logging.getLogger().setLevel(logging.INFO)
def handler(event, context):
    logging.info("first\\nsecond")
    try:
        {}["missing"]
    except KeyError:
        logging.exception("lookup failed")
    print("printed\\nlines")
    context.log("from context")
    context.log("no newline either")
    return 1
"""


def test_a_log_record_is_one_event_and_print_is_one_per_line(deploy, invoke, runtime):
    deploy("multi", MULTILINE)
    result, _ = invoke("multi", tail_logs=True)
    rid = result.request_id
    messages = [e.message for e in runtime.logs.query("multi")][1:-2]
    assert re.fullmatch(rf"\[INFO\]\t\S+Z\t{rid}\tfirst\nsecond", messages[0])
    assert re.fullmatch(rf"\[ERROR\]\t\S+Z\t{rid}\tlookup failed\nTraceback \(most recent call "
                        r"last\):\n.*KeyError: 'missing'", messages[1], re.S)
    assert messages[2:] == ["printed", "lines", "from context", "no newline either"]
    assert f"{rid}\tfirst\nsecond\n" in result.log_tail


def test_a_failed_init_is_reported_like_lambda(deploy, invoke, runtime):
    deploy("badinit", "print('loading')\nimport not_installed\n")
    result, _ = invoke("badinit", tail_logs=True)
    messages = [e.message for e in runtime.logs.query("badinit")]
    assert messages[0] == "loading"
    assert re.fullmatch(r"\[WARNING\]\t\S+Z\t\tLAMBDA_WARNING: Unhandled exception\. .*"
                        r"runtimes-update\.html", messages[1])
    assert messages[2].startswith("[ERROR] Runtime.ImportModuleError: Unable to import module "
                                  "'app': No module named 'not_installed'")
    assert re.fullmatch(r"INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: error\t"
                        r"Error Type: Runtime\.ImportModuleError", messages[3])
    assert messages[4] == f"START RequestId: {result.request_id} Version: $LATEST"
    assert re.fullmatch(rf"REPORT RequestId: {result.request_id}\tDuration: \d+\.\d\d ms\t"
                        r"Billed Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t"
                        r"Status: error\tError Type: Runtime\.ImportModuleError", messages[-1])


def test_a_clean_init_writes_no_init_report(deploy, invoke):
    deploy("fine", "def handler(e, c):\n    return 1\n")
    result, _ = invoke("fine", tail_logs=True)
    assert "INIT_REPORT" not in result.log_tail
    assert "LAMBDA_WARNING" not in result.log_tail


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


def test_follow_streams_output_while_the_call_runs(runtime, code, loop):
    from fogbank.types import FunctionSpec

    root = code("live", {"app.py": (
        "import os, time\n"
        "def handler(event, context):\n"
        "    print('waiting', end='')\n"
        "    print(' for the test')\n"
        "    while not os.path.exists('go'):\n"
        "        time.sleep(0.01)\n"
        "    print('released')\n"
        "    return 1\n")})
    runtime.deploy(FunctionSpec(name="live", handler="app.handler", code_dir=root, timeout_s=60))

    async def scenario():
        stream = runtime.logs.follow("live")
        first = asyncio.ensure_future(stream.__anext__())
        await asyncio.sleep(0)  # the follower is registered before the call starts
        call = asyncio.create_task(runtime.invoke("live", b"{}"))
        seen = [await asyncio.wait_for(first, 30)]
        while seen[-1].message != "waiting for the test":
            seen.append(await asyncio.wait_for(stream.__anext__(), 30))
        running_when_seen = not call.done()
        (root / "go").write_text("")  # only now may the handler finish
        while not seen[-1].message.startswith("REPORT"):
            seen.append(await asyncio.wait_for(stream.__anext__(), 30))
        stream.close()
        return await call, seen, running_when_seen

    result, seen, running_when_seen = loop.run_until_complete(scenario())
    assert running_when_seen
    messages = [e.message for e in seen]
    assert messages[0] == f"START RequestId: {result.request_id} Version: $LATEST"
    assert messages[1:3] == ["waiting for the test", "released"]
    assert messages[3] == f"END RequestId: {result.request_id}"
    assert {e.request_id for e in seen} == {result.request_id}


def test_output_without_a_final_newline_is_one_whole_line(deploy, invoke, runtime):
    deploy("partial", "import sys\ndef handler(e, c):\n    sys.stdout.write('no newline')\n    return 1\n")
    result, _ = invoke("partial", tail_logs=True)
    messages = [e.message for e in runtime.logs.query("partial")]
    assert messages[1:3] == ["no newline", f"END RequestId: {result.request_id}"]
    assert result.log_tail.splitlines()[1:3] == messages[1:3]


def test_logs_survive_a_restart(deploy, invoke, state_dir, loop):
    deploy("kept", "def handler(e, c):\n    print('remember me')\n    return 1\n")
    invoke("kept")
    fresh = Runtime(RuntimeConfig(state_dir=state_dir))
    assert "remember me" in [e.message for e in fresh.logs.query("kept")]
    assert list(state_dir.joinpath("logs").iterdir())


def test_history_then_follow_misses_and_repeats_nothing(tmp_path):
    from fogbank.runtime.logs import LogStore
    store = LogStore(tmp_path, clock_ms=lambda: 1)

    async def scenario() -> tuple[list[str], list[str]]:
        store.write("fn", "r1", "before\n")
        store.write("fn", "r2", "START of a call under way\n", flush=False)
        follower = store.follow("fn")
        history = [e.message for e in store.query("fn")]
        await asyncio.sleep(0)                 # as if sending the history to a client
        store.write("fn", "r2", "while the history was sent\n")
        live = [(await follower.__anext__()).message]
        follower.close()
        store.write("fn", "r3", "after closing\n")
        return history, live

    history, live = asyncio.run(scenario())
    assert history == ["before", "START of a call under way"]
    assert live == ["while the history was sent"]
    assert store._followers["fn"] == set()


def test_events_keep_their_stream_across_a_restart_and_a_stream_can_be_forgotten(tmp_path):
    from fogbank.runtime.logs import LogStore
    store = LogStore(tmp_path, clock_ms=lambda: 5)
    store.write("fn", "r1", "one\ntwo\n", stream="2026/01/01/[$LATEST]aa")
    store.write("fn", "r2", "three\n", stream="2026/01/01/[$LATEST]bb")
    store.write("other", "r3", "elsewhere\n", stream="2026/01/01/[$LATEST]cc")
    store.close()
    reopened = LogStore(tmp_path, clock_ms=lambda: 6)
    assert [(e.message, e.stream[-2:]) for e in reopened.query("fn")] == \
        [("one", "aa"), ("two", "aa"), ("three", "bb")]
    assert reopened.names() == ["fn", "other"]
    reopened.clear("fn", "2026/01/01/[$LATEST]aa")
    assert [e.message for e in reopened.query("fn")] == ["three"]
    reopened.clear("other")
    assert reopened.names() == ["fn"]
    assert [e.message for e in LogStore(tmp_path, clock_ms=lambda: 7).query("fn")] == ["three"]
