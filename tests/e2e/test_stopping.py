"""Ctrl-C stops `fogbank up` promptly, even while a client waits on a function that would
run for minutes: requests in flight get a short grace, then the node stops and exits 0."""
from __future__ import annotations

import os
import signal
import textwrap
import threading
import time
from pathlib import Path

import httpx

from fogbank.testing import RunningNode

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Slow:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 600
      Events:
        Get:
          Type: HttpApi
          Properties: {Path: /slow, Method: GET}
"""

HANDLER = """\
import time


def handler(event, context):
    print("slow call started", flush=True)
    time.sleep(300)
    return {"statusCode": 200, "body": "done"}
"""


def test_ctrl_c_stops_the_node_while_a_long_call_is_in_flight(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    (tmp_path / "src" / "app.py").write_text(textwrap.dedent(HANDLER))
    node = RunningNode(tmp_path, "--no-watch")
    try:
        served = node.wait_ready()
        url = next(iter(served["apis"].values())).rstrip("/") + "/slow"
        answers: list[object] = []

        def call() -> None:
            try:
                answers.append(httpx.get(url, timeout=400).status_code)
            except httpx.HTTPError as exc:
                answers.append(exc)
        caller = threading.Thread(target=call, daemon=True)
        caller.start()
        deadline = time.monotonic() + 60
        while "slow call started" not in node.output():
            assert time.monotonic() < deadline, node.output()
            time.sleep(0.1)

        node.proc.send_signal(signal.SIGINT)
        # The function would sleep five more minutes and the gateway wait 30 s for it;
        # the node gives it a few seconds.
        assert node.proc.wait(20) == 0, node.output()
        caller.join(30)
        assert answers, "the waiting client was never answered"
    finally:
        if node.proc.poll() is None:
            node.proc.kill()
            node.proc.wait()
        node.log.close()



def test_ctrl_c_in_a_terminal_stops_the_node_without_tracebacks(tmp_path: Path) -> None:
    """A terminal sends Ctrl-C to its whole foreground process group: the node's function
    processes must not each die of it on the user's screen."""
    (tmp_path / "src").mkdir()
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n"
                                             "    return {'statusCode': 200, 'body': 'hi'}\n")
    # setsid: the node leads a process group of its own, as a shell's foreground job does.
    node = RunningNode(tmp_path, "--no-watch", prefix=("setsid",))
    try:
        served = node.wait_ready()
        url = next(iter(served["apis"].values())).rstrip("/") + "/slow"
        assert httpx.get(url, timeout=60).text == "hi"      # a worker and spare forks exist
        os.killpg(node.proc.pid, signal.SIGINT)
        assert node.proc.wait(20) == 0, node.output()
        time.sleep(1)                       # anything the function processes still print
        assert "Traceback" not in node.output(), node.output()
    finally:
        if node.proc.poll() is None:
            node.proc.kill()
            node.proc.wait()
        node.log.close()
