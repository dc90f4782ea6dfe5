"""Custom resources against a real `fogbank up`: a Lambda-backed resource seeds a table on
Create (inline code with cfnresponse) and its Data reaches an Output; an Update and a Delete
follow template changes across restarts, an unchanged restart sends nothing, a plain https
PUT answers too, and a FAILED answer fails the deployment with CloudFormation's message."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import boto3
import pytest

from fogbank.testing import BIN, RunningNode, clean_env, serving

APP = Path(__file__).parent / "apps" / "custom_resources"


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    target = tmp_path / "custom-resources"
    shutil.copytree(APP, target)
    return target


def items(node: RunningNode) -> dict[str, Any]:
    dynamodb = boto3.client("dynamodb", **node.client_kwargs())
    [table] = dynamodb.list_tables()["TableNames"]
    rows = dynamodb.scan(TableName=table)["Items"]
    return {row["id"]["S"]: row for row in rows}


def requests_made(found: dict[str, Any]) -> int:
    return int(found["#requests"]["n"]["N"])


def test_create_update_restart_and_delete(app_dir: Path) -> None:
    template = app_dir / "template.yaml"
    with serving(app_dir, "--no-watch") as node:
        outputs = node.wait_ready()["outputs"]
        assert outputs == {"Greeting": "hello apple", "SeedId": "seed-SeedData",
                           "PlainScheme": "https"}
        found = items(node)
        assert found["apple"]["count"] == {"N": "3"}
        assert requests_made(found) == 1
    # A restart with the same template asks nothing and keeps the outputs.
    with serving(app_dir, "--no-watch") as node:
        assert node.wait_ready()["outputs"]["Greeting"] == "hello apple"
        assert requests_made(items(node)) == 1
    template.write_text(template.read_text().replace("Item: apple", "Item: banana"))
    with serving(app_dir, "--no-watch") as node:
        outputs = node.wait_ready()["outputs"]
        assert outputs["Greeting"] == "hello banana"
        assert outputs["SeedId"] == "seed-SeedData"
        found = items(node)
        assert "apple" not in found and "banana" in found     # the Update saw the old Item
        assert requests_made(found) == 2
    text = template.read_text()
    text = text[:text.index("  SeedData:")] + text[text.index("  Plain:"):]
    text = text[:text.index("  Greeting:")] + text[text.index("  PlainScheme:"):]
    template.write_text(text)
    with serving(app_dir, "--no-watch") as node:
        assert node.wait_ready()["outputs"] == {"PlainScheme": "https"}
        found = items(node)
        assert "banana" not in found and requests_made(found) == 3


def test_failed_answer_fails_the_deployment_with_its_reason(app_dir: Path) -> None:
    done = subprocess.run([str(BIN / "fogbank"), "up", str(app_dir), "--port", "0",
                           "--no-watch", "--parameter-overrides", "Mode=fail"],
                          capture_output=True, text=True, timeout=180, env=clean_env())
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Received response status [FAILED] from custom resource. Message returned: " \
           "asked to fail (RequestId: " in " ".join(output.split())
    assert "failed   Broken (Custom::Seed)" in output
    assert "Traceback" not in output
