"""`fogbank up` watching a template's layers: a changed file in a layer's directory is
published as the layer's next version, and the functions using it run the new content."""
from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

import boto3
import pytest

from fogbank.testing import RunningNode, serving

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Plain:
    Type: AWS::Serverless::LayerVersion
    Properties:
      LayerName: plain
      ContentUri: layers/plain/
  Built:
    Type: AWS::Serverless::LayerVersion
    Properties:
      LayerName: built
      ContentUri: layers/built/
    Metadata:
      BuildMethod: python3.12
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: reader
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Layers: [!Ref Plain, !Ref Built]
"""

HANDLER = """\
import greeting, shout


def handler(event, context):
    return {"plain": greeting.WORD, "built": shout.WORD}
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


@pytest.fixture
def app(tmp_path: Path) -> Path:
    root = tmp_path / "layered"
    write(root / "template.yaml", TEMPLATE)
    write(root / "src" / "app.py", HANDLER)
    write(root / "layers" / "plain" / "python" / "greeting.py", 'WORD = "hello"\n')
    # A built layer's directory holds the modules themselves (sam build puts them under python/).
    write(root / "layers" / "built" / "shout.py", 'WORD = "HEY"\n')
    return root


def answer(lam) -> dict:
    return json.loads(lam.invoke(FunctionName="reader")["Payload"].read())


def wait_for(lam, wanted: dict, node: RunningNode) -> None:
    deadline = time.monotonic() + 30
    got = None
    while time.monotonic() < deadline:
        got = answer(lam)
        if got == wanted:
            return
        time.sleep(0.2)
    raise AssertionError(f"still {got}:\n{node.output()}")


def test_a_changed_layer_file_is_published_and_served(app: Path) -> None:
    with serving(app) as node:
        lam = boto3.client("lambda", **node.client_kwargs())
        assert answer(lam) == {"plain": "hello", "built": "HEY"}

        (app / "layers" / "plain" / "python" / "greeting.py").write_text('WORD = "bonjour"\n')
        wait_for(lam, {"plain": "bonjour", "built": "HEY"}, node)
        versions = lam.list_layer_versions(LayerName="plain")["LayerVersions"]
        assert [v["Version"] for v in versions] == [2]
        layers = lam.get_function_configuration(FunctionName="reader")["Layers"]
        assert [layer["Arn"].rsplit(":", 2)[-2:] for layer in layers] == \
            [["plain", "2"], ["built", "1"]]

        (app / "layers" / "built" / "shout.py").write_text('WORD = "OI"\n')
        wait_for(lam, {"plain": "bonjour", "built": "OI"}, node)
        assert [v["Version"] for v in lam.list_layer_versions(LayerName="built")
                ["LayerVersions"]] == [2]


def test_an_unchanged_layer_keeps_its_version_across_restarts(app: Path) -> None:
    for _ in range(2):
        with serving(app, "--no-watch") as node:
            lam = boto3.client("lambda", **node.client_kwargs())
            assert answer(lam) == {"plain": "hello", "built": "HEY"}
            assert [v["Version"] for v in lam.list_layer_versions(LayerName="plain")
                    ["LayerVersions"]] == [1]
