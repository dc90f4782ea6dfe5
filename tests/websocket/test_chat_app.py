"""Black-box: the chat app from its SAM template under `fogbank up`, with real functions,
driven by the `websockets` client and by wscat. The functions reach @connections the two
ways AWS handlers do: https://{domainName}/{stage} and the execute-api host name."""
from __future__ import annotations

import json
import subprocess
from typing import Any

import boto3
import pytest
from botocore.config import Config
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from .conftest import wait_for_log, wscat
from .test_app import error_frame

TIMEOUT = 60


def chat_url(served: dict) -> str:
    return served["outputs"]["ChatUrl"]


def test_stages_of_every_api_are_served_and_printed(chat_node):
    node, served = chat_node
    urls = served["apis"]
    assert urls["ChatApi (prod)"] == chat_url(served)
    assert urls["ChatApi (prod)"].startswith(f"ws://127.0.0.1:{node.port}/_aws/execute-api/")
    assert {"StrictApi (dev)", "StrictApi (live)"} <= set(urls)
    for name in ("StrictApi (dev)", "StrictApi (live)"):
        with connect(urls[name]) as ws:
            ws.send(json.dumps({"meta": {"kind": "whoami"}}))
            event = json.loads(ws.recv(timeout=TIMEOUT))
            assert event["requestContext"]["stage"] == name.split("(")[1][:-1]
            ws.send(json.dumps({"meta": {"kind": "nothing"}}))
            assert json.loads(ws.recv(timeout=TIMEOUT))["message"] == "Forbidden"


def test_functions_reach_connections_through_the_domain_name(chat_node):
    _, served = chat_node
    with connect(chat_url(served)) as ws:
        ws.send(json.dumps({"action": "echo", "data": "via domainName"}))
        assert ws.recv(timeout=TIMEOUT) == "via domainName"
        ws.send(json.dumps({"action": "echo-aws", "data": "via execute-api host"}))
        assert ws.recv(timeout=TIMEOUT) == "via execute-api host"


def test_two_way_routes_and_default(chat_node):
    _, served = chat_node
    with connect(chat_url(served)) as ws:
        ws.send(json.dumps({"action": "whoami"}))
        event = json.loads(ws.recv(timeout=TIMEOUT))
        assert event["requestContext"]["routeKey"] == "whoami"
        assert event["requestContext"]["domainName"].endswith(
            ".execute-api.us-east-1.amazonaws.com")
        ws.send("hello")
        assert json.loads(ws.recv(timeout=TIMEOUT)) == {"route": "$default", "body": "hello"}
        ws.send(b"\x01\x02")
        assert ws.recv(timeout=TIMEOUT) == b"\x01\x02"
        ws.send(json.dumps({"action": "fail"}))
        assert json.loads(ws.recv(timeout=TIMEOUT))["message"] == "Internal server error"


def test_send_get_and_kick_between_clients(chat_node):
    _, served = chat_node
    with connect(chat_url(served)) as alice, connect(chat_url(served)) as bob:
        ids = []
        for ws in (alice, bob):
            ws.send(json.dumps({"action": "whoami"}))
            ids.append(json.loads(ws.recv(timeout=TIMEOUT))["requestContext"]["connectionId"])
        alice.send(json.dumps({"action": "send", "to": [ids[1], "AAAAAAAAAAAAAAA="],
                               "data": "hi bob"}))
        assert bob.recv(timeout=TIMEOUT) == "hi bob"
        assert json.loads(alice.recv(timeout=TIMEOUT)) == {
            "results": {ids[1]: "sent", "AAAAAAAAAAAAAAA=": "GoneException"}}
        alice.send(json.dumps({"action": "inspect", "id": ids[1]}))
        found = json.loads(alice.recv(timeout=TIMEOUT))
        assert found["identity"]["SourceIp"] == "127.0.0.1"
        alice.send(json.dumps({"action": "kick", "id": ids[1]}))
        with pytest.raises(ConnectionClosed):
            bob.recv(timeout=TIMEOUT)
        alice.send(json.dumps({"action": "send", "to": [ids[1]], "data": "still there?"}))
        assert json.loads(alice.recv(timeout=TIMEOUT)) == {"results": {ids[1]: "GoneException"}}


def test_connect_rejection_and_crash(chat_node):
    _, served = chat_node
    with pytest.raises(InvalidStatus) as refused:
        connect(chat_url(served) + "?reject=401")
    assert refused.value.response.status_code == 401
    with pytest.raises(InvalidStatus) as crashed:
        connect(chat_url(served) + "?crash=1")
    assert crashed.value.response.status_code == 502


def test_disconnect_function_gets_the_close(chat_node):
    node, served = chat_node
    with connect(chat_url(served)) as ws:
        ws.send(json.dumps({"action": "whoami"}))
        cid = json.loads(ws.recv(timeout=TIMEOUT))["requestContext"]["connectionId"]
        ws.close(code=4000, reason="done here")
    line = wait_for_log(node, f"DISCONNECT {cid}")
    assert line.endswith(f'DISCONNECT {cid} 4000 "done here" DISCONNECT')


def test_a_route_slower_than_its_timeout_in_millis_gets_the_timeout_frame(chat_node):
    _, served = chat_node
    with connect(chat_url(served)) as ws:
        ws.send(json.dumps({"action": "slow"}))
        # Well under the 29 s default: the route's own TimeoutInMillis (1 s) answered.
        frame = ws.recv(timeout=20)
        assert error_frame("Endpoint request timed out").fullmatch(frame), frame
        ws.send(json.dumps({"action": "whoami"}))
        event = json.loads(ws.recv(timeout=TIMEOUT))
    assert json.loads(frame)["connectionId"] == event["requestContext"]["connectionId"]


def management(url: str) -> Any:
    """A management client for the stage whose WebSocket URL is `url`."""
    return boto3.client("apigatewaymanagementapi", endpoint_url=url.replace("ws://", "http://"),
                        region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}))


def test_a_connection_is_reached_only_through_its_own_stage(chat_node):
    _, served = chat_node
    dev, live = served["apis"]["StrictApi (dev)"], served["apis"]["StrictApi (live)"]
    with connect(dev) as ws:
        ws.send(json.dumps({"meta": {"kind": "whoami"}}))
        cid = json.loads(ws.recv(timeout=TIMEOUT))["requestContext"]["connectionId"]
        other_stage = management(live)
        with pytest.raises(other_stage.exceptions.GoneException):
            other_stage.post_to_connection(ConnectionId=cid, Data=b"wrong stage")
        with pytest.raises(other_stage.exceptions.GoneException):
            other_stage.get_connection(ConnectionId=cid)
        own_stage = management(dev)
        own_stage.post_to_connection(ConnectionId=cid, Data=b"right stage")
        assert ws.recv(timeout=TIMEOUT) == "right stage"


def run_wscat(*args: str) -> tuple[int, str, str]:
    """wscat as a person runs it: stdin stays open (wscat quits when its input closes)."""
    proc = subprocess.Popen([wscat(), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        proc.wait(TIMEOUT)
    finally:
        proc.kill()
    out, err = proc.communicate()
    return proc.returncode, out, err


def test_wscat_talks_to_the_api(chat_node):
    _, served = chat_node
    code, out, err = run_wscat("-c", chat_url(served), "-w", "3",
                               "-x", json.dumps({"action": "echo", "data": "from wscat"}),
                               "-x", "plain words")
    # Messages are handled concurrently, as on AWS: the answers may come in either order.
    assert sorted(out.splitlines()) == [
        "from wscat", '{"route": "$default", "body": "plain words"}'], out + err


def test_wscat_sees_a_refused_connection(chat_node):
    _, served = chat_node
    code, out, err = run_wscat("-c", chat_url(served) + "?reject=403")
    assert code != 0 and "Unexpected server response: 403" in err
