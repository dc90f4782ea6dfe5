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
    slow_v1 = "import os, time\ndef handler(e, c):\n    time.sleep(1.0)\n    return ['v1', os.getpid()]\n"
    root = code("live", {"app.py": slow_v1})
    runtime.deploy(FunctionSpec(name="live", handler="app.handler", code_dir=root, timeout_s=30))

    async def scenario():
        old_call = asyncio.create_task(runtime.invoke("live", b"{}"))
        await asyncio.sleep(0.5)  # the old call is running (the v1 worker starts in ms)
        (root / "app.py").write_text("import os\ndef handler(e, c):\n    return ['v2', os.getpid()]\n")
        runtime.reload("live")
        new = json.loads((await runtime.invoke("live", b"{}")).payload)
        old = json.loads((await old_call).payload)
        return old, new

    old, new = loop.run_until_complete(scenario())
    assert old[0] == "v1" and new[0] == "v2"
    assert old[1] != new[1]


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
