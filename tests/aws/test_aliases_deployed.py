"""Aliases a template deploys, seen from inside the function on a real `fogbank up`: an
HTTP API event of an AutoPublishAlias function runs the alias, a RoutingConfig splits an
alias's invocations between two versions, and Invoke's X-Amzn-Trace-Id reaches the
function."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from fogbank.testing import RunningNode

from .test_qualifiers import with_trace
from .test_versions_deployed import TEMPLATE as FUNCTION
from .test_versions_deployed import lambda_client, started

ARN = "arn:aws:lambda:us-east-1:000000000000:function:orders"

# The function of test_versions_deployed (AutoPublishAlias: live), with an HTTP API event,
# a second version and two aliases that route between versions 1 and 2.
TEMPLATE = FUNCTION + """\
      Events:
        Who: {Type: HttpApi, Properties: {Path: /who, Method: GET}}
  Second:                   # version 2, published after SAM's version 1
    Type: AWS::Lambda::Version
    DependsOn: OrdersAliaslive
    Properties: {FunctionName: !Ref Orders}
  Half:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Orders
      Name: half
      FunctionVersion: "1"
      RoutingConfig:
        AdditionalVersionWeights:
          - {FunctionVersion: !GetAtt Second.Version, FunctionWeight: 0.5}
  Moved:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Orders
      Name: moved
      FunctionVersion: "1"
      RoutingConfig:
        AdditionalVersionWeights:
          - {FunctionVersion: !GetAtt Second.Version, FunctionWeight: 1}
"""
HANDLER = """\
import json, os
def handler(event, context):
    who = {"version": context.function_version, "env": os.environ["AWS_LAMBDA_FUNCTION_VERSION"],
           "arn": context.invoked_function_arn, "trace": os.environ["_X_AMZN_TRACE_ID"]}
    if "requestContext" in event:        # an HTTP API's event: answer as an HTTP response
        return {"statusCode": 200, "body": json.dumps(who)}
    return who
"""
TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningNode, dict]]:
    app_dir = tmp_path_factory.mktemp("aliases") / "app"
    (app_dir / "src").mkdir(parents=True)
    (app_dir / "src" / "app.py").write_text(HANDLER)
    (app_dir / "template.yaml").write_text(TEMPLATE)
    running = started(app_dir)
    try:
        yield running, running.wait_ready()
    finally:
        running.stop()


@pytest.fixture(scope="module")
def client(node: tuple[RunningNode, dict]) -> Any:
    return lambda_client(node[0])


def invoked(client: Any, qualifier: str) -> tuple[str, dict]:
    response = client.invoke(FunctionName="orders", Qualifier=qualifier)
    return response["ExecutedVersion"], json.loads(response["Payload"].read())


def test_an_http_api_event_runs_the_alias(node):
    _, info = node
    (url,) = [u for key, u in info["apis"].items() if "ServerlessHttpApi" in key]
    got = httpx.get(url.rstrip("/") + "/who", timeout=30).json()
    assert (got["version"], got["env"], got["arn"]) == ("1", "1", f"{ARN}:live")


def test_an_alias_weighted_wholly_to_its_other_version(client):
    for _ in range(5):
        executed, got = invoked(client, "moved")
        assert (executed, got["version"], got["env"], got["arn"]) == \
            ("2", "2", "2", f"{ARN}:moved")


def test_a_half_weighted_alias_runs_both_versions(client):
    seen = set()
    for _ in range(60):
        executed, got = invoked(client, "half")
        assert got["version"] == got["env"] == executed
        assert got["arn"] == f"{ARN}:half"
        seen.add(executed)
        if len(seen) == 2:
            break
    assert seen == {"1", "2"}


def test_get_alias_shows_the_routing_config(client):
    half = client.get_alias(FunctionName="orders", Name="half")
    assert (half["FunctionVersion"], half["RoutingConfig"]) == \
        ("1", {"AdditionalVersionWeights": {"2": 0.5}})
    live = client.get_alias(FunctionName="orders", Name="live")
    assert (live["FunctionVersion"], "RoutingConfig" in live) == ("1", False)
    names = [a["Name"] for a in client.list_aliases(FunctionName="orders")["Aliases"]]
    assert names == ["half", "live", "moved"]


def test_invoke_carries_the_callers_trace_into_the_function(node):
    traced = with_trace(lambda_client(node[0]), TRACE)
    got = json.loads(traced.invoke(FunctionName="orders:live")["Payload"].read())
    assert got["trace"] == TRACE
    # A call without the header gets a trace of its own.
    _, plain = invoked(lambda_client(node[0]), "live")
    assert plain["trace"] != TRACE and plain["trace"].startswith("Root=1-")


def test_a_refused_routing_config_fails_the_deploy(tmp_path: Path):
    app_dir = tmp_path / "app"
    (app_dir / "src").mkdir(parents=True)
    (app_dir / "src" / "app.py").write_text(HANDLER)
    (app_dir / "template.yaml").write_text(
        TEMPLATE.replace("FunctionWeight: 1}", "FunctionWeight: 1.5}"))
    node = RunningNode(app_dir)
    try:
        with pytest.raises(AssertionError) as excinfo:     # it never becomes ready
            node.wait_ready(timeout=60)
    finally:
        node.stop()
    printed = " ".join(str(excinfo.value).split())      # the CLI wraps long lines
    assert "fogbank up exited 1" in printed
    assert "Resource Moved: 1 validation error detected: Value '{2=1.5}' at " \
           "'routingConfig.additionalVersionWeights'" in printed
