"""For tests of Fogbank apps (Fogbank's own and its users'): a real `fogbank up` process.

    node = RunningNode(app_dir)          # starts `fogbank up APP_DIR --port <free>`
    info = node.wait_ready()             # what it serves: apis, functions, outputs
    boto3.client("lambda", **node.client_kwargs())
    node.stop()

or, ready inside a block and stopped after it:

    with serving(app_dir, "--no-watch") as node: ...
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

import httpx

BIN = Path(sys.executable).parent

# CloudFormation wants at least one resource; this one does nothing. Tests and benchmarks
# that make their tables and buckets through the API start a node on this app.
EMPTY_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Placeholder:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
"""


def write_empty_app(app_dir: Path) -> Path:
    """An app directory whose template deploys nothing a test would notice."""
    app_dir.mkdir(parents=True, exist_ok=True)
    (app_dir / "template.yaml").write_text(EMPTY_TEMPLATE)
    return app_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env() -> dict[str, str]:
    """This process's environment without AWS settings, plus local dummy credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_DEFAULT_REGION="us-east-1", PYTHONUNBUFFERED="1")
    return env


class RunningNode:
    """A `fogbank up` subprocess on a free port; `url` is its SDK endpoint."""

    def __init__(self, app_dir: Path, *extra: str, prefix: Sequence[str] = (),
                 log_path: Path | None = None) -> None:
        """`extra`: more `fogbank up` options; `prefix`: a command that runs it, which must
        exec it in its own process (`taskset -c 0`, `prlimit --nofile=…`)."""
        self.app_dir = app_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path or app_dir / "fogbank-up.log"
        self.log = open(self.log_path, "wb")
        cmd = [*prefix, str(BIN / "fogbank"), "up", str(app_dir), "--port", str(self.port),
               *extra]
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=clean_env())

    def wait_ready(self, timeout: float = 90) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"fogbank up exited {self.proc.returncode}:\n"
                                     f"{self.output()}")
            try:
                node = httpx.get(self.url + "/_fogbank/node", timeout=2).json()
                if node.get("ready"):
                    return node
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.1)
        raise AssertionError(f"fogbank up not ready in {timeout}s:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def client_kwargs(self) -> dict[str, str]:
        return {"endpoint_url": self.url, "region_name": "us-east-1",
                "aws_access_key_id": "test", "aws_secret_access_key": "test"}

    def logs(self, function: str) -> str:
        """A function's logs, as `fogbank logs FUNCTION` prints them."""
        done = subprocess.run([str(BIN / "fogbank"), "logs", function, "--endpoint", self.url],
                              capture_output=True, text=True, timeout=60, env=clean_env())
        assert done.returncode == 0, done.stderr
        return done.stdout

    def kill(self) -> None:
        """kill -9: what a crash looks like."""
        self.proc.kill()
        self.proc.wait()
        self.log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@contextmanager
def serving(app_dir: Path, *extra: str) -> Iterator[RunningNode]:
    """`fogbank up APP_DIR *extra`, ready inside the block, stopped after it."""
    node = RunningNode(app_dir, *extra)
    try:
        node.wait_ready()
        yield node
    finally:
        node.stop()
