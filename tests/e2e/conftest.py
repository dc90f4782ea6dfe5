"""Black-box fixtures: a real `fogbank up` process on a free port, driven by real clients."""
from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from fogbank.testing import RunningNode, serving

REPO = Path(__file__).resolve().parents[2]
APPS = Path(__file__).parent / "apps"


@contextmanager
def serving_copy(tmp_path_factory: pytest.TempPathFactory, name: str, stack: str = ""
                 ) -> Iterator[RunningNode]:
    """A copy of tests/e2e/apps/`name` under `fogbank up --no-watch`, ready; the copy's
    directory (`stack`, else `name`) names its stack."""
    app_dir = tmp_path_factory.mktemp(name) / (stack or name)
    shutil.copytree(APPS / name, app_dir)
    with serving(app_dir, "--no-watch") as node:
        node.wait_ready()
        yield node


def api_url(node: RunningNode, prefix: str) -> str:
    """The URL of the node's API whose printed name starts with `prefix`, without a
    trailing slash."""
    apis = node.wait_ready()["apis"]
    return next(url for name, url in apis.items() if name.startswith(prefix)).rstrip("/")


@contextmanager
def serving_app(tmp_path_factory: pytest.TempPathFactory, name: str
                ) -> Iterator[dict[str, str]]:
    """A copy of tests/e2e/apps/`name` under `fogbank up --no-watch`: its APIs' URLs by
    the names the node prints ("ShopApi (live)"), without a trailing slash."""
    with serving_copy(tmp_path_factory, name) as node:
        info = node.wait_ready()
        yield {api: url.rstrip("/") for api, url in info["apis"].items()}


@pytest.fixture
def hello_dir(tmp_path: Path) -> Path:
    """A private copy of examples/hello, free to edit."""
    target = tmp_path / "hello"
    shutil.copytree(REPO / "examples" / "hello", target,
                    ignore=shutil.ignore_patterns(".fogbank", "__pycache__"))
    return target


@pytest.fixture
def hello_node(hello_dir: Path) -> Iterator[RunningNode]:
    node = RunningNode(hello_dir)
    try:
        node.wait_ready()
        yield node
    finally:
        node.stop()
