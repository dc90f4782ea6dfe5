"""examples/hello through `fogbank up`, driven by httpx, boto3, the AWS CLI and the CLI."""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import httpx

import boto3
from botocore.config import Config

from fogbank.testing import BIN, RunningNode, clean_env


def lambda_client(node: RunningNode):
    return boto3.client("lambda", config=Config(retries={"max_attempts": 1}),
                        **node.client_kwargs())


def api_url(node: dict) -> str:
    (url,) = node["apis"].values()
    return url.rstrip("/")


def test_http_api_serves_the_greeting(hello_node: RunningNode) -> None:
    base = api_url(hello_node.wait_ready())
    r = httpx.get(f"{base}/hello", params={"name": "Ada"})
    assert r.status_code == 200
    assert r.json()["message"] == "Hello, Ada!"
    r = httpx.get(f"{base}/hello/Grace")
    assert r.json()["message"] == "Hello, Grace!"
    assert httpx.get(f"{base}/nowhere").status_code == 404


def test_function_reaches_fogbank_with_plain_boto3(hello_node: RunningNode) -> None:
    node = hello_node.wait_ready()
    r = httpx.get(api_url(node) + "/functions")
    assert r.status_code == 200, r.text
    assert r.json()["functions"] == sorted(node["functions"].values())


def test_host_based_address_reaches_the_same_api(hello_node: RunningNode) -> None:
    base = api_url(hello_node.wait_ready())
    api_id = base.split("/_aws/execute-api/")[1].split("/")[0]
    r = httpx.get(f"{hello_node.url}/hello",
                  headers={"Host": f"{api_id}.execute-api.localhost:{hello_node.port}"})
    assert r.status_code == 200
    assert r.json()["message"] == "Hello, world!"


def test_foreign_host_header_is_refused(hello_node: RunningNode) -> None:
    base = api_url(hello_node.wait_ready())
    r = httpx.get(f"{base}/hello", headers={"Host": "attacker.example"})
    assert r.status_code == 403
    r = httpx.get(hello_node.url + "/2015-03-31/functions/",
                  headers={"Host": "rebound.example.com:4566"})
    assert r.status_code == 403


def test_boto3_invoke_and_list(hello_node: RunningNode) -> None:
    node = hello_node.wait_ready()
    client = lambda_client(hello_node)
    name = node["functions"]["HelloFunction"]
    resp = client.invoke(FunctionName=name,
                         Payload=json.dumps({"queryStringParameters": {"name": "boto"}}))
    body = json.loads(resp["Payload"].read())
    assert json.loads(body["body"])["message"] == "Hello, boto!"
    listed = [f["FunctionName"] for f in client.list_functions()["Functions"]]
    assert sorted(listed) == sorted(node["functions"].values())


def test_aws_cli_lambda_invoke(hello_node: RunningNode, tmp_path: Path) -> None:
    node = hello_node.wait_ready()
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [str(BIN / "aws"), "lambda", "invoke", "--endpoint-url", hello_node.url,
         "--function-name", node["functions"]["HelloFunction"],
         "--payload", '{"pathParameters": {"name": "cli"}}', str(out)],
        capture_output=True, text=True, env=clean_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["StatusCode"] == 200
    assert json.loads(json.loads(out.read_text())["body"])["message"] == "Hello, cli!"


def test_cli_invoke_by_logical_id_and_logs(hello_node: RunningNode) -> None:
    hello_node.wait_ready()
    proc = subprocess.run([str(BIN / "fogbank"), "invoke", "HelloFunction",
                           "--endpoint", hello_node.url], capture_output=True, text=True,
                          timeout=60, input="")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(json.loads(proc.stdout)["body"])["message"] == "Hello, world!"
    assert "START RequestId:" in proc.stderr and "REPORT RequestId:" in proc.stderr
    logs = subprocess.run([str(BIN / "fogbank"), "logs", "HelloFunction",
                           "--endpoint", hello_node.url], capture_output=True, text=True,
                          timeout=60)
    assert logs.returncode == 0, logs.stderr
    assert "START RequestId:" in logs.stdout and "END RequestId:" in logs.stdout


def test_cli_invoke_unknown_function_is_a_clear_error(hello_node: RunningNode) -> None:
    hello_node.wait_ready()
    proc = subprocess.run([str(BIN / "fogbank"), "invoke", "NoSuchFunction",
                           "--endpoint", hello_node.url], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode != 0
    assert "Function not found" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_code_change_reloads_within_seconds(hello_node: RunningNode) -> None:
    base = api_url(hello_node.wait_ready())
    assert httpx.get(f"{base}/hello").json()["message"] == "Hello, world!"
    src = hello_node.app_dir / "src" / "hello.py"
    src.write_text(src.read_text().replace("f\"{os.environ.get('GREETING', 'Hello')}, {name}!\"",
                                           "f\"Howdy, {name}!\""))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if httpx.get(f"{base}/hello").json().get("message") == "Howdy, world!":
            return
        time.sleep(0.2)
    raise AssertionError("new code was not served:\n" + hello_node.output())


def test_template_change_applies_the_difference(hello_node: RunningNode) -> None:
    base = api_url(hello_node.wait_ready())
    template = hello_node.app_dir / "template.yaml"
    template.write_text(template.read_text().replace("Default: Hello", "Default: Bonjour"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if httpx.get(f"{base}/hello").json().get("message") == "Bonjour, world!":
            break
        time.sleep(0.2)
    else:
        raise AssertionError("template change not applied:\n" + hello_node.output())
    assert api_url(hello_node.wait_ready()) == base      # the URL stays stable


def test_parameter_overrides_and_stable_urls(hello_dir: Path) -> None:
    first = RunningNode(hello_dir, "--parameter-overrides", "Greeting=Hi", "--no-watch")
    try:
        url = api_url(first.wait_ready())
        assert httpx.get(url + "/hello").json()["message"] == "Hi, world!"
    finally:
        first.stop()
    second = RunningNode(hello_dir, "--no-watch")
    try:
        second_url = api_url(second.wait_ready())
        # Same app, new port: the API id (and so the path) is unchanged across restarts.
        assert second_url.split("/_aws/")[1] == url.split("/_aws/")[1]
        assert httpx.get(second_url + "/hello").json()["message"] == "Hello, world!"
    finally:
        second.stop()


def test_template_error_is_reported_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
        "    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: app.handler\n      Runtime: python3.11\n      CodeUri: missing/\n"
        "      Environment:\n        Variables:\n          X: !Ref Nowhere\n")
    proc = subprocess.run([str(BIN / "fogbank"), "up", str(tmp_path), "--port",
                           "0", "--no-watch"], capture_output=True, text=True, timeout=60,
                          env=clean_env())
    assert proc.returncode == 1
    output = proc.stdout + proc.stderr
    assert "Nowhere" in output
    assert "Traceback" not in output


def test_missing_template_is_a_usage_error(tmp_path: Path) -> None:
    proc = subprocess.run([str(BIN / "fogbank"), "up", str(tmp_path)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert "no template.yaml" in proc.stderr


def test_up_streams_function_logs(hello_node: RunningNode) -> None:
    base = api_url(hello_node.wait_ready())
    r = httpx.get(f"{base}/hello")
    request_id = r.json()["requestId"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if f"END RequestId: {request_id}" in hello_node.output():
            break
        time.sleep(0.1)
    assert f"START RequestId: {request_id}" in hello_node.output()
    assert f"END RequestId: {request_id}" in hello_node.output()
