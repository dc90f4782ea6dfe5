"""Deploying, listing, removing and invoking functions; warm reuse; code reload."""
from __future__ import annotations

import asyncio
import base64
import json

import pytest

from fogbank.types import FunctionSpec, InvalidParameterValue, ResourceNotFound

ECHO = """
import os
def handler(event, context):
    return {"event": event, "pid": os.getpid()}
"""


def test_invoke_returns_the_handlers_result(deploy, invoke):
    deploy("echo", ECHO)
    result, payload = invoke("echo", {"hello": "world"})
    assert payload["event"] == {"hello": "world"}
    assert result.function_error is None and result.error_type is None
    assert result.executed_version == "$LATEST"
    assert len(result.request_id) == 36


def test_unknown_function_is_not_found_with_lambdas_message(runtime, loop):
    with pytest.raises(ResourceNotFound) as err:
        runtime.get("nope")
    assert err.value.message == "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope"
    with pytest.raises(ResourceNotFound):
        loop.run_until_complete(runtime.invoke("nope", b"{}"))
    with pytest.raises(ResourceNotFound):
        runtime.remove("nope")


def test_list_get_and_remove(deploy, runtime):
    a = deploy("a", ECHO)
    deploy("b", ECHO)
    assert runtime.get("a") == a
    assert sorted(f.name for f in runtime.list()) == ["a", "b"]
    runtime.remove("a")
    assert [f.name for f in runtime.list()] == ["b"]
    with pytest.raises(ResourceNotFound):
        runtime.get("a")


def test_missing_code_dir_is_rejected(runtime, tmp_path):
    spec = FunctionSpec(name="ghost", handler="app.handler", code_dir=tmp_path / "missing")
    with pytest.raises(InvalidParameterValue) as err:
        runtime.deploy(spec)
    assert "ghost" in err.value.message


def test_warm_start_reuses_the_same_worker(deploy, invoke):
    deploy("echo", ECHO)
    _, first = invoke("echo")
    _, second = invoke("echo")
    assert first["pid"] == second["pid"]


def test_nested_handler_in_a_package(runtime, code, invoke):
    root = code("nested", {
        "pkg/__init__.py": "",
        "pkg/sub/__init__.py": "",
        "pkg/sub/module.py": "def function(event, context):\n    return 'deep ' + event['x']\n",
    })
    runtime.deploy(FunctionSpec(name="nested", handler="pkg.sub.module.function", code_dir=root))
    _, payload = invoke("nested", {"x": "down"})
    assert payload == "deep down"


def test_decimal_results_are_json_numbers_and_bytes_pass_through(deploy, invoke):
    deploy("numbers", "from decimal import Decimal\n"
                      "def handler(e, c):\n    return {'i': Decimal('3'), 'f': Decimal('1.5')}\n")
    _, payload = invoke("numbers")
    assert payload == {"i": 3, "f": 1.5}


def test_client_context_reaches_the_function(deploy, invoke):
    deploy("cc", "def handler(e, c):\n"
                 "    cc = c.client_context\n"
                 "    return {'custom': cc.custom, 'env': cc.env, 'app': cc.client.app_title}\n")
    context = {"custom": {"k": "v"}, "env": {"platform": "x"}, "client": {"app_title": "t"}}
    encoded = base64.b64encode(json.dumps(context).encode()).decode()
    _, payload = invoke("cc", client_context=encoded)
    assert payload == {"custom": {"k": "v"}, "env": {"platform": "x"}, "app": "t"}


def test_reload_sends_new_calls_to_new_code_while_old_calls_finish(runtime, code, loop):
    # v1 says when it is running, then holds its call until the test releases it.
    v1 = ("import os, time\n"
          "def handler(e, c):\n"
          "    open('running', 'w').close()\n"
          "    while not os.path.exists('release'):\n"
          "        time.sleep(0.01)\n"
          "    return ['v1', os.getpid()]\n")
    root = code("live", {"app.py": v1})
    runtime.deploy(FunctionSpec(name="live", handler="app.handler", code_dir=root, timeout_s=60))

    async def scenario():
        old_call = asyncio.create_task(runtime.invoke("live", b"{}"))
        while not (root / "running").exists():
            await asyncio.sleep(0.01)
        (root / "app.py").write_text("import os\ndef handler(e, c):\n    return ['v2', os.getpid()]\n")
        runtime.reload("live")
        new = json.loads((await runtime.invoke("live", b"{}")).payload)
        (root / "release").write_text("")
        old = json.loads((await old_call).payload)
        while _alive(old[1]):  # the old worker exits once its call is done
            await asyncio.sleep(0.05)
        return old, new

    old, new = loop.run_until_complete(asyncio.wait_for(scenario(), 60))
    assert old[0] == "v1" and new[0] == "v2"
    assert old[1] != new[1]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return not f.read().split(") ")[1].startswith("Z")
    except FileNotFoundError:
        return False


def test_the_runtime_recovers_when_its_zygote_dies(deploy, invoke, loop):
    import os
    import signal

    deploy("parent", "import os\ndef handler(e, c):\n    return [os.getpid(), os.getppid()]\n")
    worker, zygote = invoke("parent")[1]
    os.kill(zygote, signal.SIGKILL)

    async def settle():  # let the node notice the closed sockets
        for _ in range(100):
            await asyncio.sleep(0.05)
            try:
                os.kill(worker, 0)
            except ProcessLookupError:
                return

    loop.run_until_complete(settle())
    result, (new_worker, new_zygote) = invoke("parent")
    assert result.function_error is None
    assert new_zygote != zygote and new_worker != worker


def test_a_cancelled_call_frees_its_slot_and_its_worker(deploy, runtime, loop):
    deploy("cancel", "import time\ndef handler(e, c):\n    time.sleep(e.get('s', 0))\n    return 'ok'\n",
           reserved_concurrency=1, timeout_s=30)

    async def scenario():
        call = asyncio.create_task(runtime.invoke("cancel", b'{"s": 20}'))
        await asyncio.sleep(0.5)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        return await runtime.invoke("cancel", b"{}")

    result = loop.run_until_complete(scenario())
    assert json.loads(result.payload) == "ok"


def test_a_runtime_other_than_python_is_rejected(runtime, code):
    spec = FunctionSpec(name="js", handler="index.handler", code_dir=code("js", {}),
                        runtime="nodejs20.x")
    with pytest.raises(InvalidParameterValue) as err:
        runtime.deploy(spec)
    assert "nodejs20.x" in err.value.message and "js" in err.value.message
