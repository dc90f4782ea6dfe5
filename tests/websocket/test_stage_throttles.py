"""Black-box: WebSocket stage throttles from a template under `fogbank up` — a route's
burst then "Too Many Requests" frames, $connect refused with 429, RouteSettings over
DefaultRouteSettings, and bad settings failing the deploy. A throttled request never
reaches its function."""
from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path
from typing import Iterator

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from fogbank.testing import RunningNode

from .conftest import HERE, wait_for_log
from .test_app import error_frame

TIMEOUT = 60
APP = HERE / "apps" / "throttled"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningNode, dict]]:
    app_dir = tmp_path_factory.mktemp("ws") / "throttled"
    shutil.copytree(APP, app_dir)
    node = RunningNode(app_dir, "--no-watch")
    try:
        yield node, node.wait_ready()["apis"]
    finally:
        node.stop()


def exchange(ws, message: str) -> str:
    ws.send(message)
    return ws.recv(timeout=TIMEOUT)


def test_a_message_route_takes_its_burst_then_answers_too_many_requests(served):
    node, apis = served
    with connect(apis["ThrottledApi (prod)"]) as ws:
        answered = [json.loads(exchange(ws, f"plain-{n}")) for n in (1, 2)]
        assert [a["body"] for a in answered] == ["plain-1", "plain-2"]
        frame = exchange(ws, "plain-3")
        assert error_frame("Too Many Requests").fullmatch(frame), frame
        assert json.loads(frame)["connectionId"] == answered[0]["connectionId"]
        assert error_frame("Too Many Requests").fullmatch(exchange(ws, "plain-4"))
    wait_for_log(node, "ECHO $default plain-2")
    assert "plain-3" not in node.output() and "plain-4" not in node.output()


def test_route_settings_override_the_stage_default(served):
    node, apis = served
    url = apis["ThrottledApi (prod)"]
    # $connect's own setting (a burst of 50) lets more connections in than the default's 2.
    with contextlib.ExitStack() as stack:
        clients = [stack.enter_context(connect(url)) for _ in range(4)]
        ws = clients[-1]
        roomy = [json.loads(exchange(ws, json.dumps({"action": "roomy", "n": n})))
                 for n in range(4)]
        assert {r["route"] for r in roomy} == {"roomy"}
        frame = exchange(ws, json.dumps({"action": "roomy", "n": 4}))
        assert error_frame("Too Many Requests").fullmatch(frame), frame
    wait_for_log(node, '"n": 3}')
    assert '"n": 4}' not in node.output()


def test_connect_over_its_throttle_is_refused_with_429(served):
    node, apis = served
    url = apis["GuardedApi (prod)"]
    with connect(url) as ws:
        # Only $connect is throttled: messages on the one connection are not.
        assert [json.loads(exchange(ws, f"guarded-{n}"))["body"] for n in range(3)] == [
            "guarded-0", "guarded-1", "guarded-2"]
    with pytest.raises(InvalidStatus) as refused:
        connect(url)
    response = refused.value.response
    assert response.status_code == 429
    assert json.loads(response.body) == {"message": "Too Many Requests"}
    api_id = url.rstrip("/").split("/")[-2]
    assert node.output().count(f"CONNECT {api_id} ") == 1


@pytest.mark.parametrize("setting, replacement, words", [
    ("ThrottlingBurstLimit: 4", "ThrottlingBurstLimit: -4",
     "throttle of roomy ThrottlingBurstLimit must not be negative"),
    ("ThrottlingBurstLimit: 2\n        ThrottlingRateLimit: 0.01",
     "ThrottlingBurstLimit: 2\n        ThrottlingRateLimit: -0.5",
     "throttle of * ThrottlingRateLimit must not be negative"),
])
def test_a_negative_throttle_fails_the_deploy(tmp_path: Path, setting: str, replacement: str,
                                              words: str) -> None:
    app = tmp_path / "bad"
    shutil.copytree(APP, app)
    template = app / "template.yaml"
    text = template.read_text()
    assert setting in text
    template.write_text(text.replace(setting, replacement, 1))
    node = RunningNode(app, "--no-watch")
    try:
        exit_code = node.proc.wait(60)
    finally:
        node.stop()
    output = " ".join(node.log_path.read_text().split())   # the terminal folds long lines
    assert exit_code != 0 and "Traceback" not in output
    assert "ThrottledStage" in output and words in output
