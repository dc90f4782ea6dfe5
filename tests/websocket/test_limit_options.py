"""Black-box: API Gateway's WebSocket quotas set on the `fogbank up` command line, seen by a
real client of the chat app (apps/chat) with real functions."""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from fogbank.testing import RunningNode

from .conftest import HERE, wait_for_log

TIMEOUT = 60


@pytest.fixture
def chat_with(tmp_path: Path) -> Iterator[Callable[..., tuple[RunningNode, str]]]:
    """chat_with(*options) → `fogbank up --no-watch *options` on a copy of apps/chat, and
    the URL of its chat API."""
    started: list[RunningNode] = []

    def start(*options: str) -> tuple[RunningNode, str]:
        app_dir = tmp_path / f"chat{len(started)}"
        shutil.copytree(HERE / "apps" / "chat", app_dir)
        node = RunningNode(app_dir, "--no-watch", *options)
        started.append(node)
        return node, node.wait_ready()["outputs"]["ChatUrl"]

    yield start
    for node in started:
        node.stop()


def test_ws_idle_timeout_closes_a_quiet_connection(chat_with):
    node, url = chat_with("--ws-idle-timeout", "1")
    with connect(url) as ws:
        opened = time.monotonic()
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=TIMEOUT)       # the client says nothing
        quiet_for = time.monotonic() - opened
    assert closed.value.rcvd.code == 1001
    assert quiet_for > 0.5                 # closed for idling, not at once
    line = wait_for_log(node, "DISCONNECT ")
    assert line.endswith('1001 "Going away" DISCONNECT')


def test_ws_max_frame_and_message_close_with_1009(chat_with):
    _, url = chat_with("--ws-max-frame", "1024", "--ws-max-message", "4096")
    with connect(url) as ws:
        text = "x" * 3000
        ws.send(text[i:i + 1000] for i in range(0, len(text), 1000))
        assert json.loads(ws.recv(timeout=TIMEOUT)) == {"route": "$default", "body": text}
        with pytest.raises(ConnectionClosed) as too_long:
            ws.send("y" * 1000 for _ in range(5))      # 5000 bytes in frames within limit
            ws.recv(timeout=TIMEOUT)
    assert too_long.value.rcvd.code == 1009
    with connect(url) as ws:
        with pytest.raises(ConnectionClosed) as too_wide:
            ws.send("z" * 2000)                        # a message within limit, one frame
            ws.recv(timeout=TIMEOUT)
    assert too_wide.value.rcvd.code == 1009
