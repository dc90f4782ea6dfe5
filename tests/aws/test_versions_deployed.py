"""Versions and aliases a SAM template deploys (AutoPublishAlias), reached through the
Lambda API of a real `fogbank up` with boto3 and the AWS CLI, before and after a restart."""
from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path
from typing import Any, Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from fogbank.testing import BIN, RunningNode, clean_env

from .conftest import error_of

ARN = "arn:aws:lambda:us-east-1:000000000000:function"
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: orders
      CodeUri: src
      Handler: app.handler
      Runtime: python3.11
      AutoPublishAlias: live
      Environment: {Variables: {STAGE: one}}
"""
HANDLER = """\
def handler(event, context):
    custom = context.client_context.custom if context.client_context else None
    return {"arn": context.invoked_function_arn, "custom": custom,
            "version": context.function_version}
"""


def write_app(app_dir: Path) -> Path:
    (app_dir / "src").mkdir(parents=True)
    (app_dir / "src" / "app.py").write_text(HANDLER)
    (app_dir / "template.yaml").write_text(TEMPLATE)
    return app_dir


def lambda_client(node: RunningNode) -> Any:
    return boto3.client("lambda", config=Config(retries={"total_max_attempts": 1}),
                        **node.client_kwargs())


def started(app_dir: Path) -> RunningNode:
    node = RunningNode(app_dir)
    try:
        node.wait_ready()
    except BaseException:
        node.stop()
        raise
    return node


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    running = started(write_app(tmp_path_factory.mktemp("versions") / "app"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(node: RunningNode) -> Any:
    return lambda_client(node)


@pytest.mark.parametrize("name,qualifier,executed,invoked", [
    ("orders", None, "$LATEST", f"{ARN}:orders"),
    ("orders", "$LATEST", "$LATEST", f"{ARN}:orders:$LATEST"),
    ("orders", "1", "1", f"{ARN}:orders:1"),
    ("orders", "live", "1", f"{ARN}:orders:live"),
    ("orders:live", None, "1", f"{ARN}:orders:live"),
    (f"{ARN}:orders:1", None, "1", f"{ARN}:orders:1"),
])
def test_invoke_by_qualifier(client, name, qualifier, executed, invoked):
    extra = {"Qualifier": qualifier} if qualifier else {}
    response = client.invoke(FunctionName=name, LogType="Tail", **extra)
    assert response["ExecutedVersion"] == executed
    got = json.loads(response["Payload"].read())
    # The function runs as the version it was resolved to, and sees how it was named.
    assert (got["arn"], got["version"]) == (invoked, executed)
    log = base64.b64decode(response["LogResult"]).decode()
    assert f"START RequestId: {response['ResponseMetadata']['RequestId']} " \
           f"Version: {executed}\n" in log


def test_aws_cli_invokes_the_alias(node, tmp_path):
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [str(BIN / "aws"), "lambda", "invoke", "--endpoint-url", node.url,
         "--function-name", "orders", "--qualifier", "live", str(out)],
        capture_output=True, text=True, env=clean_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ExecutedVersion"] == "1"
    assert json.loads(out.read_text())["arn"] == f"{ARN}:orders:live"


@pytest.mark.parametrize("kind,status", [("Event", 202), ("DryRun", 204)])
def test_event_and_dry_run_by_alias(client, kind, status):
    response = client.invoke(FunctionName="orders", Qualifier="live", InvocationType=kind)
    assert response["StatusCode"] == status


@pytest.mark.parametrize("qualifier,arn,version", [
    ("1", f"{ARN}:orders:1", "1"),
    ("live", f"{ARN}:orders:live", "1"),
    ("$LATEST", f"{ARN}:orders:$LATEST", "$LATEST"),
])
def test_configuration_by_qualifier(client, qualifier, arn, version):
    by_name = client.get_function(FunctionName="orders", Qualifier=qualifier)["Configuration"]
    by_arn = client.get_function_configuration(FunctionName=f"{ARN}:orders:{qualifier}")
    for config in (by_name, by_arn):
        assert (config["FunctionArn"], config["Version"]) == (arn, version)


@pytest.mark.parametrize("qualifier", ["2", "prod"])
@pytest.mark.parametrize("call", [
    lambda client, q: client.invoke(FunctionName="orders", Qualifier=q),
    lambda client, q: client.invoke(FunctionName=f"orders:{q}", InvocationType="Event"),
    lambda client, q: client.invoke(FunctionName="orders", Qualifier=q, InvocationType="DryRun"),
    lambda client, q: client.get_function(FunctionName="orders", Qualifier=q),
    lambda client, q: client.get_function_configuration(FunctionName=f"{ARN}:orders:{q}"),
], ids=["invoke", "event", "dry-run", "get-function", "get-configuration"])
def test_a_qualifier_not_deployed_is_not_found(client, call, qualifier):
    with pytest.raises(ClientError) as excinfo:
        call(client, qualifier)
    assert error_of(excinfo) == ("ResourceNotFoundException",
                                 f"Function not found: {ARN}:orders:{qualifier}", 404)


def test_list_functions_shows_versions_with_all(client):
    def listed(**params):
        return [(f["FunctionArn"], f["Version"])
                for f in client.list_functions(**params)["Functions"]]

    assert listed() == [(f"{ARN}:orders", "$LATEST")]
    assert listed(FunctionVersion="ALL") == [(f"{ARN}:orders:$LATEST", "$LATEST"),
                                             (f"{ARN}:orders:1", "1")]


@pytest.mark.parametrize("kind", ["RequestResponse", "Event", "DryRun"])
def test_client_context_is_checked_for_every_invocation_type(client, kind):
    with pytest.raises(ClientError) as excinfo:
        client.invoke(FunctionName="orders", Qualifier="live", InvocationType=kind,
                      ClientContext="not base64 json")
    assert error_of(excinfo) == ("InvalidRequestContentException",
                                 "Client context must be a valid Base64-encoded JSON object.",
                                 400)


def test_client_context_reaches_the_function_of_an_alias(client):
    context = base64.b64encode(json.dumps({"custom": {"k": "v"}}).encode()).decode()
    response = client.invoke(FunctionName="orders:live", ClientContext=context)
    assert json.loads(response["Payload"].read())["custom"] == {"k": "v"}


def test_restart_keeps_versions_and_a_new_version_moves_the_alias(tmp_path):
    app_dir = write_app(tmp_path / "app")
    started(app_dir).stop()
    # A changed environment makes SAM publish version 2 and move the alias to it; the node
    # applies it on start, after restoring what the first run deployed.
    template = app_dir / "template.yaml"
    template.write_text(template.read_text().replace("STAGE: one", "STAGE: two"))
    node = started(app_dir)
    try:
        client = lambda_client(node)
        assert client.invoke(FunctionName="orders", Qualifier="live")["ExecutedVersion"] == "2"
        assert client.invoke(FunctionName="orders", Qualifier="1")["ExecutedVersion"] == "1"
        versions = [f["Version"] for f in
                    client.list_functions(FunctionVersion="ALL")["Functions"]]
        assert versions == ["$LATEST", "1", "2"]
    finally:
        node.stop()
    # Unchanged, after another restart: the same versions and the alias where it was.
    node = started(app_dir)
    try:
        client = lambda_client(node)
        assert client.get_function(FunctionName="orders:live")["Configuration"]["Version"] == "2"
        assert client.invoke(FunctionName="orders:1")["ExecutedVersion"] == "1"
    finally:
        node.stop()
