"""Lambda Invoke through the JS SDK: a payload as Uint8Array, a function error, a missing
function."""
from __future__ import annotations


def test_invoke_request_response(js_node, run_js):
    node, served = js_node
    name = served["functions"]["EchoFunction"]
    out = run_js("lambda.mjs", node.url, name)

    assert out["ok"] == {"status": 200, "functionError": None, "version": "$LATEST",
                         "payload": {"got": {"hello": "from node", "n": [1, 2, 3]},
                                     "function": name},
                         "log": True}
    assert out["failed"] == {"status": 200, "functionError": "Unhandled", "type": "ValueError",
                             "message": "asked to fail"}
    assert out["missing"]["name"] == "ResourceNotFoundException"
    assert out["missing"]["status"] == 404
