"""The @connections API through the JS SDK: PostToConnection reaches a WebSocket client, and
a closed connection is GoneException."""
from __future__ import annotations

import json
import time

from websockets.sync.client import connect

TIMEOUT = 60


def whoami(ws) -> dict:
    ws.send(json.dumps({"action": "whoami"}))
    return json.loads(ws.recv(timeout=TIMEOUT))["requestContext"]


def test_post_to_connection_and_gone(chat_node, run_js):
    node, served = chat_node
    url = served["outputs"]["ChatUrl"]
    with connect(url) as ws:
        ctx = whoami(ws)
        stage_url = f"{node.url}/_aws/execute-api/{ctx['apiId']}/{ctx['stage']}"
        out = run_js("connections.mjs", node.url, stage_url, ctx["connectionId"], "hi from node")
        assert ws.recv(timeout=TIMEOUT) == "hi from node"
    assert out["get"] == {"ok": True, "sourceIp": "127.0.0.1", "connectedAt": True}
    assert out["post"] == {"ok": True, "status": 200}

    deadline = time.monotonic() + TIMEOUT
    while True:           # the hub forgets a connection once its close has been handled
        out = run_js("connections.mjs", node.url, stage_url, ctx["connectionId"], "anyone?")
        if not out["post"]["ok"] or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    gone = {"ok": False, "name": "GoneException", "isGone": True, "status": 410}
    assert out["post"] == gone
    assert out["get"] == gone
