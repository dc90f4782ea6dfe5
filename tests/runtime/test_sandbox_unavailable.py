"""Black-box: where Linux refuses user namespaces, `fogbank up` says functions run without
the sandbox, and they still run.

The platform is made, not imitated: `fogbank up` starts inside a user namespace whose
`user.max_user_namespaces` is 0, so the kernel refuses every worker's namespace (ENOSPC,
as on kernels configured with that limit). Creating that user namespace needs no privilege.
"""
from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path
from typing import Iterator

import boto3
import pytest

from fogbank.testing import RunningNode

WARNING = "functions run without a sandbox: Linux namespaces are unavailable"

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ProbeFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: probe.handler
      CodeUri: src/
"""

PROBE = """\
def handler(event, context):
    try:
        return {"read": open(event["path"]).read()}
    except OSError as e:
        return {"read": type(e).__name__}
"""


def refusing_namespaces() -> list[str]:
    """A command prefix that runs a program where new user namespaces are refused."""
    if subprocess.run(["unshare", "--user", "--map-root-user", "true"],
                      capture_output=True).returncode != 0:
        return []            # this machine refuses them already
    return ["unshare", "--user", "--map-root-user", "sh", "-c",
            'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"', "sh"]


@pytest.fixture
def node(tmp_path: Path) -> Iterator[tuple[RunningNode, dict]]:
    app_dir = tmp_path / "app"
    (app_dir / "src").mkdir(parents=True)
    (app_dir / "template.yaml").write_text(TEMPLATE)
    (app_dir / "src" / "probe.py").write_text(textwrap.dedent(PROBE))
    node = RunningNode(app_dir, "--no-watch", prefix=refusing_namespaces())
    try:
        yield node, node.wait_ready()
    finally:
        node.stop()


def test_the_node_says_so_at_start_before_any_invoke(node):
    node, _ = node
    assert WARNING in node.output()


def test_functions_run_unsandboxed_and_the_log_says_so(node):
    node, served = node
    secret = node.app_dir / ".fogbank" / "secret.txt"
    secret.write_text("node data")
    client = boto3.client("lambda", **node.client_kwargs())
    response = client.invoke(FunctionName=served["functions"]["ProbeFunction"],
                             Payload=json.dumps({"path": str(secret)}))
    assert "FunctionError" not in response
    # Unsandboxed, the node's state directory is in plain sight (the sandbox masks it).
    assert json.loads(response["Payload"].read()) == {"read": "node data"}
    assert WARNING in node.output()
