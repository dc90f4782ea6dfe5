"""Limits on a running worker: timeouts, memory, and workers that die."""
from __future__ import annotations

import re

PID = "import os\ndef pid(e, c):\n    return os.getpid()\n"


def test_timeout_kills_the_worker_and_reports_lambdas_error(deploy, invoke):
    deploy("slow", "import time, os\n" + PID + "def handler(e, c):\n    time.sleep(30)\n",
           timeout_s=1)
    result, payload = invoke("slow")
    assert result.function_error == "Unhandled"
    assert result.error_type == "Sandbox.Timedout"
    assert payload == {"errorType": "Sandbox.Timedout",
                       "errorMessage": f"RequestId: {result.request_id} Error: "
                                       "Task timed out after 1.00 seconds"}


def test_after_a_timeout_the_next_call_gets_a_fresh_worker(runtime, code, invoke):
    from fogbank.types import FunctionSpec

    root = code("mixed", {"app.py": "import os, time\n"
                                    "def handler(e, c):\n"
                                    "    if e.get('sleep'):\n        time.sleep(30)\n"
                                    "    return os.getpid()\n"})
    runtime.deploy(FunctionSpec(name="mixed", handler="app.handler", code_dir=root, timeout_s=1))
    _, before = invoke("mixed")
    assert invoke("mixed", {"sleep": True})[0].error_type == "Sandbox.Timedout"
    result, after = invoke("mixed")
    assert result.function_error is None and after != before


def test_a_response_over_six_megabytes_is_lambdas_error_and_the_worker_serves_on(deploy,
                                                                                  invoke):
    # Lambda allows 6 MB and 100 bytes: a JSON string's two quotes count.
    deploy("big", "import os\ndef handler(e, c):\n    return ('a' * e['n'], os.getpid())[e['i']]\n")
    limit = 6 * 1024 * 1024 + 100
    result, payload = invoke("big", {"n": limit - 2, "i": 0})
    assert result.function_error is None and len(result.payload) == limit
    result, payload = invoke("big", {"n": limit - 1, "i": 0})
    assert (result.function_error, result.error_type) == \
        ("Unhandled", "Function.ResponseSizeTooLarge")
    assert payload == {"errorMessage": "Response payload size exceeded maximum allowed payload "
                                       f"size ({limit} bytes).",
                       "errorType": "Function.ResponseSizeTooLarge"}
    _, first = invoke("big", {"n": 0, "i": 1})
    assert invoke("big", {"n": limit, "i": 0})[0].error_type == "Function.ResponseSizeTooLarge"
    assert invoke("big", {"n": 0, "i": 1})[1] == first       # the same warm worker


def test_one_huge_allocation_is_out_of_memory_and_the_node_keeps_serving(deploy, invoke):
    deploy("hog", "def handler(e, c):\n"
                  "    if e.get('hog'):\n        return len(bytearray(2 * 1024 ** 3))\n"
                  "    return 'fine'\n", memory_mb=128)
    result, payload = invoke("hog", {"hog": True})
    assert result.error_type == "Runtime.OutOfMemory"
    assert payload["errorMessage"] == (f"RequestId: {result.request_id} Error: "
                                       "Runtime exited with error: signal: killed")
    assert invoke("hog")[1] == "fine"


def test_steady_growth_past_the_memory_size_is_killed(deploy, invoke):
    deploy("leak", "import time\n"
                   "def handler(e, c):\n"
                   "    keep = []\n"
                   "    while True:\n"
                   "        keep.append(bytearray(4 * 1024 * 1024))\n"
                   "        keep[-1][::4096] = b'x' * (4 * 1024 * 1024 // 4096)\n"
                   "        time.sleep(0.005)\n", memory_mb=128, timeout_s=60)
    result, _ = invoke("leak")
    assert result.error_type == "Runtime.OutOfMemory"
    assert "REPORT" in invoke("leak", tail_logs=True)[0].log_tail


def test_sys_exit_is_a_runtime_exit_error_with_the_status(deploy, invoke):
    deploy("quit", "import sys\ndef handler(e, c):\n    sys.exit(3)\n")
    result, payload = invoke("quit")
    assert result.error_type == "Runtime.ExitError"
    assert payload["errorMessage"] == (f"RequestId: {result.request_id} Error: "
                                       "Runtime exited with error: exit status 3")


def test_sys_exit_without_a_status_exits_without_a_reason(deploy, invoke):
    deploy("done", "import sys\ndef handler(e, c):\n    sys.exit()\n")
    result, payload = invoke("done", tail_logs=True)
    assert result.error_type == "Runtime.ExitError"
    assert payload == {"errorType": "Runtime.ExitError",
                       "errorMessage": f"RequestId: {result.request_id} Error: "
                                       "Runtime exited without providing a reason"}
    assert result.log_tail.rstrip().endswith("Status: error\tError Type: Runtime.ExitError")


def test_sys_exit_with_a_message_writes_it_and_exits_with_status_1(deploy, invoke, runtime):
    deploy("bye", "import sys\ndef handler(e, c):\n    sys.exit('giving up')\n")
    result, payload = invoke("bye")
    assert payload["errorMessage"].endswith("Runtime exited with error: exit status 1")
    assert "giving up" in [e.message for e in runtime.logs.query("bye")]


def test_an_unhandled_keyboard_interrupt_ends_the_runtime_by_sigint(deploy, invoke):
    deploy("ctrlc", "def handler(e, c):\n    raise KeyboardInterrupt\n")
    result, payload = invoke("ctrlc", tail_logs=True)
    assert payload["errorMessage"].endswith("Runtime exited with error: signal: interrupt")
    assert "KeyboardInterrupt" in result.log_tail


def test_a_crash_by_signal_names_the_signal(deploy, invoke):
    deploy("segv", "import os, signal\ndef handler(e, c):\n    os.kill(os.getpid(), signal.SIGSEGV)\n")
    result, payload = invoke("segv", tail_logs=True)
    assert result.error_type == "Runtime.ExitError"
    assert payload["errorMessage"].endswith("Runtime exited with error: signal: segmentation fault")
    assert re.search(r"Status: error\tError Type: Runtime.ExitError", result.log_tail)


def test_a_worker_that_exits_while_loading_reports_its_status(deploy, invoke):
    deploy("bail", "import os\nos._exit(7)\n")
    result, payload = invoke("bail", tail_logs=True)
    assert result.error_type == "Runtime.ExitError"
    assert payload["errorMessage"] == (f"RequestId: {result.request_id} Error: "
                                       "Runtime exited with error: exit status 7")
    assert re.search(r"^INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: error\t"
                     r"Error Type: Runtime\.ExitError\nSTART ", result.log_tail)


def test_a_module_that_hangs_while_loading_times_out(make_runtime, code, loop):
    import json

    from fogbank.types import FunctionSpec

    runtime = make_runtime(init_timeout_s=0.5)   # Lambda's is 10 s
    root = code("hang", {"app.py": "import time\ntime.sleep(600)\ndef handler(e, c):\n    return 1\n"})
    runtime.deploy(FunctionSpec(name="hang", handler="app.handler", code_dir=root, timeout_s=1))
    result = loop.run_until_complete(runtime.invoke("hang", b"{}", tail_logs=True))
    assert result.error_type == "Sandbox.Timedout"
    assert re.search(r"^INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: timeout\n"
                     r"START ", result.log_tail)
    assert json.loads(result.payload)["errorMessage"] == (
        f"RequestId: {result.request_id} Error: Task timed out after 1.00 seconds")


def test_a_function_can_run_a_pool_of_threads(deploy, invoke):
    # Threads reserve stack address space they never touch; Lambda counts only memory in use.
    deploy("pool", "from concurrent.futures import ThreadPoolExecutor\n"
                   "def handler(e, c):\n"
                   "    with ThreadPoolExecutor(max_workers=64) as pool:\n"
                   "        return sum(pool.map(lambda n: n, range(640)))\n", memory_mb=128)
    result, payload = invoke("pool")
    assert result.function_error is None, payload
    assert payload == sum(range(640))
