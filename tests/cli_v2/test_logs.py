"""`aws logs …` from the AWS CLI v2: reading a function's log as a developer does after
invoking it (`aws logs tail`, `filter-log-events`, `describe-log-streams`)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def request_id(aws, node, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The id of one invocation of examples/hello's greeter, made with the CLI."""
    name = node.wait_ready()["functions"]["HelloFunction"]
    out: Path = tmp_path_factory.mktemp("logs-cli") / "out.json"
    aws("lambda", "invoke", "--function-name", name, str(out))
    return json.loads(json.loads(out.read_text())["body"])["requestId"]


@pytest.fixture(scope="module")
def group(node) -> str:
    return f"/aws/lambda/{node.wait_ready()['functions']['HelloFunction']}"


def test_logs_tail_shows_the_invocation(aws, group: str, request_id: str) -> None:
    shown = aws("logs", "tail", group, "--since", "1h").stdout
    lines = [line for line in shown.splitlines() if request_id in line]
    assert [line.split(" ", 2)[2].split(":")[0] for line in lines] == ["START RequestId",
                                                                       "END RequestId",
                                                                       "REPORT RequestId"]


def test_filter_log_events_with_a_pattern(aws, group: str, request_id: str) -> None:
    found = aws.json("logs", "filter-log-events", "--log-group-name", group,
                     "--filter-pattern", f'"{request_id}"')["events"]
    assert [e["message"].split(":")[0] for e in found] == ["START RequestId", "END RequestId",
                                                           "REPORT RequestId"]
    streams = aws.json("logs", "describe-log-streams", "--log-group-name", group,
                       "--order-by", "LastEventTime", "--descending")["logStreams"]
    assert found[0]["logStreamName"] in [s["logStreamName"] for s in streams]


def test_a_missing_group_is_the_clis_error(aws) -> None:
    said = aws.fails("logs", "filter-log-events", "--log-group-name", "/aws/lambda/nobody")
    assert "ResourceNotFoundException" in said and "The specified log group does not exist." \
        in said
