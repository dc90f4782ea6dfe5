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
def serving_app(tmp_path_factory: pytest.TempPathFactory, name: str
                ) -> Iterator[dict[str, str]]:
    """A copy of tests/e2e/apps/`name` under `fogbank up --no-watch`: its APIs' URLs by
    the names the node prints ("ShopApi (live)"), without a trailing slash."""
    app_dir = tmp_path_factory.mktemp(name) / name
    shutil.copytree(APPS / name, app_dir)
    with serving(app_dir, "--no-watch") as node:
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
