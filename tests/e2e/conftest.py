"""Black-box fixtures: a real `fogbank up` process on a free port, driven by real clients."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningNode:
    """A `fogbank up` subprocess; `url` is its SDK endpoint."""

    def __init__(self, app_dir: Path, *extra: str) -> None:
        self.app_dir = app_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = app_dir / "fogbank-up.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [str(BIN / "fogbank"), "up", str(app_dir), "--port", str(self.port), *extra],
            stdout=self.log, stderr=subprocess.STDOUT, env=node_env())

    def wait_ready(self, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"fogbank up exited {self.proc.returncode}:\n{self.output()}")
            try:
                node = httpx.get(self.url + "/_fogbank/node", timeout=2).json()
                if node.get("ready"):
                    return node
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"fogbank up not ready in {timeout}s:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def node_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_DEFAULT_REGION="us-east-1", PYTHONUNBUFFERED="1")
    return env


@pytest.fixture
def hello_dir(tmp_path: Path) -> Path:
    """A private copy of examples/hello, free to edit."""
    target = tmp_path / "hello"
    shutil.copytree(REPO / "examples" / "hello", target,
                    ignore=shutil.ignore_patterns(".fogbank", "__pycache__"))
    return target


@pytest.fixture
def hello_node(hello_dir: Path) -> Iterator[RunningNode]:
    node = RunningNode(hello_dir)
    try:
        node.wait_ready()
        yield node
    finally:
        node.stop()


def lambda_client(url: str):
    import boto3
    from botocore.config import Config

    return boto3.client("lambda", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}))
