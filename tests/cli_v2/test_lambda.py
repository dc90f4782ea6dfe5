"""`aws lambda …` from the AWS CLI v2 against examples/hello's functions."""
from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

EVENT = {"pathParameters": {"name": "v2"}}


@pytest.fixture(scope="module")
def functions(node: Any) -> dict[str, str]:
    """Logical id → function name, as `fogbank up` deployed them."""
    return node.wait_ready()["functions"]


def greeting(out_file: Path) -> str:
    """The message in the greeting a hello function wrote to `out_file`."""
    return json.loads(json.loads(out_file.read_text())["body"])["message"]


def test_list_functions(aws, functions: dict[str, str]) -> None:
    listed = aws.json("lambda", "list-functions")["Functions"]
    assert sorted(f["FunctionName"] for f in listed) == sorted(functions.values())
    # --max-items makes the CLI page through the Marker itself.
    first = aws.json("lambda", "list-functions", "--max-items", "1")
    rest = aws.json("lambda", "list-functions", "--starting-token", first["NextToken"])
    assert [f["FunctionName"] for f in first["Functions"] + rest["Functions"]] == \
        sorted(functions.values())


def test_get_function(aws, functions: dict[str, str]) -> None:
    name = functions["HelloFunction"]
    got = aws.json("lambda", "get-function", "--function-name", name)["Configuration"]
    assert got["FunctionName"] == name
    assert got["FunctionArn"].endswith(f":function:{name}")
    assert (got["Runtime"], got["Handler"], got["Timeout"], got["MemorySize"]) == \
        ("python3.11", "hello.handler", 5, 128)
    assert got["Environment"] == {"Variables": {"GREETING": "Hello"}}
    assert got["State"] == "Active"


def test_invoke_with_a_raw_json_payload(aws, functions: dict[str, str], tmp_path: Path) -> None:
    done = aws.json("lambda", "invoke", "--function-name", functions["HelloFunction"],
                    "--cli-binary-format", "raw-in-base64-out", "--payload", json.dumps(EVENT),
                    str(tmp_path / "out.json"))
    assert done == {"StatusCode": 200, "ExecutedVersion": "$LATEST"}
    assert greeting(tmp_path / "out.json") == "Hello, v2!"


def test_invoke_with_a_base64_payload_the_v2_default(aws, functions: dict[str, str],
                                                     tmp_path: Path) -> None:
    encoded = base64.b64encode(json.dumps(EVENT).encode()).decode()
    done = aws.json("lambda", "invoke", "--function-name", functions["HelloFunction"],
                    "--payload", encoded, str(tmp_path / "out.json"))
    assert done["StatusCode"] == 200
    assert greeting(tmp_path / "out.json") == "Hello, v2!"


def test_invoke_with_a_payload_file(aws, functions: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "event.json").write_text(json.dumps(EVENT))
    aws("lambda", "invoke", "--function-name", functions["HelloFunction"], "--payload",
        f"fileb://{tmp_path / 'event.json'}", str(tmp_path / "out.json"))
    assert greeting(tmp_path / "out.json") == "Hello, v2!"


def test_invoke_log_type_tail(aws, functions: dict[str, str], tmp_path: Path) -> None:
    done = aws.json("lambda", "invoke", "--function-name", functions["HelloFunction"],
                    "--log-type", "Tail", str(tmp_path / "out.json"))
    request_id = json.loads(json.loads((tmp_path / "out.json").read_text())["body"])["requestId"]
    lines = base64.b64decode(done["LogResult"]).decode().splitlines()
    assert lines[0] == f"START RequestId: {request_id} Version: $LATEST"
    assert lines[-2] == f"END RequestId: {request_id}"
    assert lines[-1].startswith(f"REPORT RequestId: {request_id}\tDuration: ")
    assert greeting(tmp_path / "out.json") == "Hello, world!"


def test_invoke_of_a_missing_function(aws, tmp_path: Path) -> None:
    printed = aws.fails("lambda", "invoke", "--function-name", "no-such-function",
                        str(tmp_path / "out.json"))
    assert printed.startswith("\nAn error occurred (ResourceNotFoundException) when calling the "
                              "Invoke operation: Function not found: arn:aws:lambda:us-east-1:")
    assert ":function:no-such-function" in printed
    assert not (tmp_path / "out.json").exists()
