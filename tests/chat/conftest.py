"""Fixtures for the chat example (examples/chat) under a real `fogbank up`.

`chat` serves a copy of the example and publishes its front end with the example's own
publish.sh, as `make run` does; `browser` is Debian's chromium driven by Playwright.
"""
from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import boto3
import pytest
from websockets.sync.client import ClientConnection, connect

from fogbank.testing import BIN, RunningNode, clean_env

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "chat"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
TIMEOUT = 60


@dataclass
class Chat:
    """A served chat: its node, the stack's outputs, and the clients a test needs."""

    node: RunningNode
    outputs: dict[str, str]

    @property
    def ws_url(self) -> str:
        return self.outputs["WebSocketUrl"]

    @property
    def site_url(self) -> str:
        return self.outputs["WebsiteUrl"]

    def client(self, service: str) -> Any:
        return boto3.client(service, **self.node.client_kwargs())

    def table(self, output: str) -> Any:
        return boto3.resource("dynamodb", **self.node.client_kwargs()).Table(self.outputs[output])

    def connect(self) -> ClientConnection:
        return connect(self.ws_url, open_timeout=TIMEOUT)

    def publish(self) -> None:
        """The example's deploy step: publish.sh with the AWS CLI pointed at the node."""
        env = {**clean_env(), "AWS_ENDPOINT_URL": self.node.url,
               "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        done = subprocess.run([str(EXAMPLE / "publish.sh"), self.outputs["WebsiteBucket"],
                               self.ws_url], env=env, capture_output=True, text=True,
                              timeout=TIMEOUT)
        assert done.returncode == 0, f"publish.sh failed:\n{done.stdout}{done.stderr}"


def serve(tmp: Path, *extra: str) -> Chat:
    app_dir = tmp / "chat"
    shutil.copytree(EXAMPLE, app_dir, ignore=shutil.ignore_patterns(".fogbank", "__pycache__"))
    node = RunningNode(app_dir, "--no-watch", *extra)
    try:
        chat = Chat(node, node.wait_ready()["outputs"])
        chat.publish()
    except BaseException:
        node.stop()
        raise
    return chat


@pytest.fixture(scope="session")
def chat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chat]:
    served = serve(tmp_path_factory.mktemp("chat"))
    try:
        yield served
    finally:
        served.node.stop()


# ---------------------------------------------------------------- talking to the chat

def receive(ws: ClientConnection, kind: str, match: Callable[[dict], bool] = lambda m: True,
            timeout: float = TIMEOUT) -> dict:
    """The next message of type `kind` that matches, skipping others (broadcasts interleave)."""
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if message.get("type") == kind and match(message):
            return message


def join(ws: ClientConnection, handle: str, name: str | None = None) -> dict:
    ws.send(json.dumps({"action": "updatedetails", "userHandle": handle,
                        "displayName": name or handle}))
    return receive(ws, "details")


def wait_until(check: Callable[[], Any], what: str, timeout: float = TIMEOUT) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


# ---------------------------------------------------------------- the browser

# Module scope, not session: Playwright's sync API keeps an event loop running on this
# thread while it is open, which would break every later test that runs asyncio.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), ("the browser tests need Debian's chromium: "
                               "`make test` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


# ---------------------------------------------------------------- wscat

class Wscat:
    """wscat as a person runs it: lines typed on stdin are sent, messages come on stdout."""

    def __init__(self, url: str) -> None:
        path = REPO / "node_modules" / ".bin" / "wscat"
        assert path.exists(), "wscat is missing: run `make test` (it runs npm install)"
        self.proc = subprocess.Popen([str(path), "-c", url], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:            # type: ignore[union-attr]
            self.lines.put(line)

    def wait_open(self) -> None:
        """wscat drops what is typed before its socket is open: ask until history comes."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            self.send({"action": "getmessages"})
            try:
                self.receive("history", timeout=1)
                return
            except queue.Empty:
                assert time.monotonic() < deadline, "wscat did not connect"

    def send(self, message: dict) -> None:
        self.proc.stdin.write(json.dumps(message) + "\n")   # type: ignore[union-attr]
        self.proc.stdin.flush()                               # type: ignore[union-attr]

    def receive(self, kind: str, timeout: float = TIMEOUT) -> dict:
        """The next JSON message of type `kind` wscat printed (after its "> " prompt)."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            text = line.strip().removeprefix("> ").strip()
            if text.startswith("{") and json.loads(text).get("type") == kind:
                return json.loads(text)

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
