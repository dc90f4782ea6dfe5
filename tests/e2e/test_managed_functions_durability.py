"""Functions made through the Lambda API survive kill -9 of the node, each as its last
acknowledged change left it: code, configuration, versions and aliases."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from fogbank.testing import RunningNode, write_empty_app

ROLE = "arn:aws:iam::000000000000:role/service-role"


def package(answer: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("handler/main.py", "import os\n"
                         "def handler(event, context):\n"
                         f"    return {{'answer': {answer!r}, 'stage': os.environ.get('STAGE'),"
                         " 'version': context.function_version}\n")
    return buf.getvalue()


def lambda_client(node: RunningNode) -> Any:
    return boto3.client("lambda", config=Config(retries={"total_max_attempts": 1}),
                        **node.client_kwargs())


def answer(lam: Any, name: str, **qualifier: str) -> dict[str, Any]:
    return json.loads(lam.invoke(FunctionName=name, **qualifier)["Payload"].read())


def test_functions_made_through_the_api_survive_a_crash(tmp_path: Path) -> None:
    app_dir = write_empty_app(tmp_path / "app")
    node = RunningNode(app_dir, "--no-watch")
    node.wait_ready()
    lam = lambda_client(node)
    common = {"Runtime": "python3.12", "Role": ROLE, "Handler": "handler.main.handler"}
    lam.create_function(FunctionName="kept", Code={"ZipFile": package("one")},
                        Environment={"Variables": {"STAGE": "first"}}, Publish=True, **common)
    lam.update_function_code(FunctionName="kept", ZipFile=package("two"))
    lam.update_function_configuration(FunctionName="kept",
                                      Environment={"Variables": {"STAGE": "second"}})
    lam.create_alias(FunctionName="kept", Name="live", FunctionVersion="1")
    lam.create_function(FunctionName="dropped", Code={"ZipFile": package("x")}, **common)
    lam.delete_function(FunctionName="dropped")
    before = lam.get_function(FunctionName="kept")["Configuration"]
    node.kill()

    again = RunningNode(app_dir, "--no-watch", log_path=tmp_path / "second.log")
    try:
        again.wait_ready()
        lam = lambda_client(again)
        after = lam.get_function(FunctionName="kept")["Configuration"]
        for key in ("CodeSha256", "CodeSize", "RevisionId", "LastModified", "Environment"):
            assert after[key] == before[key], key
        assert answer(lam, "kept") == {"answer": "two", "stage": "second", "version": "$LATEST"}
        assert answer(lam, "kept", Qualifier="live") == {"answer": "one", "stage": "first",
                                                         "version": "1"}
        names = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
        assert names == ["kept"], again.output()
    finally:
        again.stop()
