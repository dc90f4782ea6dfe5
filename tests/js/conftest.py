"""Black-box fixtures for the AWS SDK for JavaScript v3 as a client.

Each test runs a script from this directory with `node`, the endpoint in AWS_ENDPOINT_URL as
a user's app gets it, and asserts on the JSON line the script prints. The SDK packages come
from package.json (`make test` installs them). `js_node` serves apps/… for tables, buckets and
Lambda; `chat_node` serves the WebSocket test app for the @connections API.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from fogbank.testing import RunningNode, clean_env

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
NODE = shutil.which("node")

if NODE is None:
    pytest.skip("node is not installed", allow_module_level=True)


@pytest.fixture(scope="session")
def run_js() -> Callable[..., Any]:
    """run_js(script, endpoint, *args) → what the script printed, parsed."""
    assert (REPO / "node_modules" / "@aws-sdk" / "client-s3").is_dir(), \
        "the JS SDK is missing: run `make test` (it runs npm install)"

    def run(script: str, endpoint: str, *args: str, timeout: float = 100) -> Any:
        env = clean_env()
        env["AWS_ENDPOINT_URL"] = endpoint
        done = subprocess.run([str(NODE), str(HERE / script), *args], env=env, cwd=REPO,
                              capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"{script} failed:\n{done.stderr[-3000:]}"
        return json.loads(done.stdout.strip().splitlines()[-1])

    return run


@pytest.fixture(scope="session")
def js_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningNode, dict]]:
    """`fogbank up` on a copy of app/ (one function); yields the node and what it serves."""
    app_dir = tmp_path_factory.mktemp("js") / "app"
    shutil.copytree(HERE / "app", app_dir)
    node = RunningNode(app_dir, "--no-watch")
    try:
        yield node, node.wait_ready()
    finally:
        node.stop()


@pytest.fixture(scope="module")
def chat_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningNode, dict]]:
    """`fogbank up` on a copy of the WebSocket tests' chat app."""
    app_dir = tmp_path_factory.mktemp("js-ws") / "chat"
    shutil.copytree(REPO / "tests" / "websocket" / "apps" / "chat", app_dir)
    node = RunningNode(app_dir, "--no-watch")
    try:
        yield node, node.wait_ready()
    finally:
        node.stop()
