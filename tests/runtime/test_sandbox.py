"""Isolation: the state dir and other functions are invisible, /tmp is private."""
from __future__ import annotations

import json
import os
import uuid

from fogbank.types import FunctionSpec

PROBE = """
import os
def handler(event, context):
    out = {}
    for path in event["paths"]:
        try:
            out[path] = sorted(os.listdir(path)) if os.path.isdir(path) else open(path).read()
        except OSError as e:
            out[path] = type(e).__name__
    return out
"""


def _deploy(runtime, code, name, **spec):
    root = code(name, {"app.py": PROBE})
    runtime.deploy(FunctionSpec(name=name, handler="app.handler", code_dir=root, **spec))
    return root


def _probe(loop, runtime, name, paths):
    result = loop.run_until_complete(runtime.invoke(name, json.dumps({"paths": paths}).encode()))
    return json.loads(result.payload)


def test_state_dir_and_other_functions_are_hidden(runtime, code, loop, state_dir):
    (state_dir / "secret.db").write_text("node data")
    mine = _deploy(runtime, code, "mine")
    theirs = _deploy(runtime, code, "theirs")
    (theirs / "private.txt").write_text("their code")
    seen = _probe(loop, runtime, "mine",
                  [str(state_dir), str(state_dir / "secret.db"), str(theirs / "private.txt"), str(mine)])
    assert seen[str(state_dir)] in ([], "FileNotFoundError")
    assert seen[str(state_dir / "secret.db")] == "FileNotFoundError"
    assert seen[str(theirs / "private.txt")] == "FileNotFoundError"
    assert seen[str(mine)] == ["app.py"] or "app.py" in seen[str(mine)]


def test_masks_cannot_be_unmounted(runtime, code, loop, state_dir):
    (state_dir / "secret.db").write_text("node data")
    root = code("escape", {"app.py": (
        "import ctypes, os\n"
        "def handler(event, context):\n"
        "    libc = ctypes.CDLL(None, use_errno=True)\n"
        "    for target in (event['dir'], '/tmp'):\n"
        "        libc.umount2(target.encode(), 2)\n"
        "    return os.path.exists(os.path.join(event['dir'], 'secret.db'))\n")})
    runtime.deploy(FunctionSpec(name="escape", handler="app.handler", code_dir=root))
    result = loop.run_until_complete(runtime.invoke("escape", json.dumps({"dir": str(state_dir)}).encode()))
    assert json.loads(result.payload) is False


def test_tmp_is_private_per_function(runtime, code, loop):
    note = f"/tmp/fogbank-note-{uuid.uuid4().hex}"
    for name in ("writer", "reader"):
        root = code(name, {"app.py": (
            "import os\n"
            "def handler(event, context):\n"
            "    if event.get('write'):\n"
            "        open(event['note'], 'w').write('mine')\n"
            "    return os.path.exists(event['note'])\n")})
        runtime.deploy(FunctionSpec(name=name, handler="app.handler", code_dir=root))

    def call(name, **event):
        event["note"] = note
        return json.loads(loop.run_until_complete(
            runtime.invoke(name, json.dumps(event).encode())).payload)

    assert call("writer", write=True) is True
    assert call("writer") is True          # the same worker keeps its /tmp, as on Lambda
    assert call("reader") is False
    assert not os.path.exists(note)


def test_sandbox_off_shows_the_real_filesystem(make_runtime, code, loop, state_dir):
    runtime = make_runtime(sandbox=False)
    (state_dir / "visible.txt").write_text("plain")
    _deploy(runtime, code, "open")
    seen = _probe(loop, runtime, "open", [str(state_dir / "visible.txt")])
    assert seen[str(state_dir / "visible.txt")] == "plain"


def test_the_nodes_process_is_out_of_reach(runtime, code, loop):
    _deploy(runtime, code, "peek")
    node = os.getpid()
    paths = [f"/proc/{node}/environ", f"/proc/{node}/root/etc/hostname"]
    seen = _probe(loop, runtime, "peek", paths)
    assert seen == {path: "PermissionError" for path in paths}
