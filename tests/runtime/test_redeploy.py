"""A redeploy keeps the workers of every version whose code and settings it left alone, and
starts anew only those it changed: on Lambda a published version is immutable, and changing
what is the function's (tags, concurrency) starts no new execution environments.

The Lambda API cases are sent by boto3 to a real `fogbank up`; an in-place code change
(a template's CodeUri, an inline ZipFile) is driven through the runtime itself.
"""
from __future__ import annotations

import asyncio
import base64
import io
import json
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any, Callable, Iterator

import boto3
import pytest
from botocore.config import Config

from fogbank.testing import RunningNode, write_empty_app
from fogbank.types import LATEST, FunctionSpec
from tests.aws.test_provisioned_concurrency import wait_status

ROLE = "arn:aws:iam::000000000000:role/service-role"

# Says which process served the call and how its environment was started.
WHO = """\
import os
def handler(event, context):
    return {"pid": os.getpid(), "init": os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"],
            "colour": os.environ.get("COLOUR")}
"""


@pytest.fixture(scope="module")
def lam(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    node = RunningNode(write_empty_app(tmp_path_factory.mktemp("redeploy")), "--no-watch")
    try:
        node.wait_ready()
        yield boto3.client("lambda", config=Config(retries={"total_max_attempts": 1}),
                           **node.client_kwargs())
    finally:
        node.stop()


@pytest.fixture
def fn(lam: Any) -> Iterator[str]:
    """A function running WHO, version 1 published; deleted after the test."""
    name = f"redeploy-{uuid.uuid4().hex[:10]}"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", WHO)
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE,
                        Handler="app.handler", Code={"ZipFile": buf.getvalue()})
    lam.publish_version(FunctionName=name)
    yield name
    lam.delete_function(FunctionName=name)


def call(lam: Any, name: str, qualifier: str = LATEST) -> tuple[dict[str, Any], bool]:
    """(the handler's answer, whether the REPORT line has an Init Duration)."""
    answer = lam.invoke(FunctionName=name, Qualifier=qualifier, LogType="Tail", Payload=b"{}")
    tail = base64.b64decode(answer["LogResult"]).decode()
    report = next(line for line in tail.splitlines() if line.startswith("REPORT"))
    return json.loads(answer["Payload"].read()), "Init Duration" in report


def test_a_provisioned_version_keeps_its_workers_through_function_changes(lam, fn):
    lam.put_provisioned_concurrency_config(FunctionName=fn, Qualifier="1",
                                           ProvisionedConcurrentExecutions=1)
    assert wait_status(lam, fn, "1")["Status"] == "READY"
    first, cold = call(lam, fn, "1")
    assert first["init"] == "provisioned-concurrency" and not cold
    arn = lam.get_function(FunctionName=fn)["Configuration"]["FunctionArn"]
    changes = [
        lambda: lam.put_function_concurrency(FunctionName=fn, ReservedConcurrentExecutions=5),
        lambda: lam.tag_resource(Resource=arn, Tags={"team": "blue"}),
        # $LATEST's settings, not version 1's: a published version is immutable.
        lambda: lam.update_function_configuration(
            FunctionName=fn, Environment={"Variables": {"COLOUR": "red"}}),
        lambda: lam.delete_function_concurrency(FunctionName=fn),
    ]
    for change in changes:
        change()
        again, cold = call(lam, fn, "1")
        assert (again["pid"], again["init"], cold) == (first["pid"], "provisioned-concurrency",
                                                       False)
        assert again["colour"] is None
    assert wait_status(lam, fn, "1")["AvailableProvisionedConcurrentExecutions"] == 1


def test_latest_keeps_its_warm_worker_until_its_settings_change(lam, fn):
    first, cold = call(lam, fn)
    assert cold and first["init"] == "on-demand"
    arn = lam.get_function(FunctionName=fn)["Configuration"]["FunctionArn"]
    lam.tag_resource(Resource=arn, Tags={"team": "blue"})
    lam.put_function_concurrency(FunctionName=fn, ReservedConcurrentExecutions=5)
    lam.add_permission(FunctionName=fn, StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com")
    warm, cold = call(lam, fn)
    assert warm["pid"] == first["pid"] and not cold
    # A changed environment is a new configuration: new execution environments.
    lam.update_function_configuration(FunctionName=fn,
                                      Environment={"Variables": {"COLOUR": "red"}})
    changed, cold = call(lam, fn)
    assert changed["colour"] == "red" and cold
    assert changed["pid"] != first["pid"]


TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Warm:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: warm
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Tags: {team: TEAM}
"""


def test_a_template_change_that_leaves_the_function_keeps_it_warm(tmp_path: Path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(WHO)
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.replace("TEAM", "blue"))
    node = RunningNode(tmp_path)                     # watching its files, as `fogbank up` does
    try:
        node.wait_ready()
        lam = boto3.client("lambda", config=Config(retries={"total_max_attempts": 1}),
                           **node.client_kwargs())
        first, cold = call(lam, "warm")
        assert cold
        arn = lam.get_function(FunctionName="warm")["Configuration"]["FunctionArn"]
        template.write_text(TEMPLATE.replace("TEAM", "green"))
        deadline = time.monotonic() + 30
        while lam.list_tags(Resource=arn)["Tags"].get("team") != "green":
            assert time.monotonic() < deadline, node.output()
            time.sleep(0.2)
        again, cold = call(lam, "warm")
        assert again["pid"] == first["pid"] and not cold
    finally:
        node.stop()


# ---------------------------------------------------------------- through the runtime

PID = "import os\ndef handler(e, c):\n    return [%r, os.getpid()]\n"


def test_code_changed_in_place_is_not_kept(runtime, code: Callable[..., Path], invoke):
    # A template's CodeUri and an inline ZipFile are rewritten under the same path: the
    # same spec deployed again must still run the new code.
    root = code("inplace", {"app.py": PID % "one"})
    spec = FunctionSpec(name="inplace", handler="app.handler", code_dir=root)
    runtime.deploy(spec)
    _, before = invoke("inplace")
    runtime.deploy(spec)
    _, same = invoke("inplace")
    assert same == before                    # nothing changed: the warm worker serves
    # (Of another length: Python's bytecode cache trusts a source of the same size and
    # second.)
    (root / "app.py").write_text(PID % "second")
    runtime.deploy(spec)
    _, after = invoke("inplace")
    assert after[0] == "second" and after[1] != before[1]


def test_a_lowered_provisioned_concurrency_lets_the_surplus_go(runtime, code, loop):
    root = code("shrink", {"app.py": PID % "x"})
    spec = FunctionSpec(name="shrink", handler="app.handler", code_dir=root,
                        provisioned_concurrency=2)
    runtime.deploy(spec)

    async def until(count: int) -> None:
        while runtime.provisioned("shrink", LATEST).ready != count:
            await asyncio.sleep(0.05)

    loop.run_until_complete(asyncio.wait_for(until(2), 30))
    runtime.deploy(FunctionSpec(name="shrink", handler="app.handler", code_dir=root,
                                provisioned_concurrency=1))
    loop.run_until_complete(asyncio.wait_for(until(1), 10))
    loop.run_until_complete(asyncio.sleep(0.5))     # and no new one is started
    assert runtime.provisioned("shrink", LATEST).ready == 1
