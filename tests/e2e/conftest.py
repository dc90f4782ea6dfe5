"""Black-box fixtures: a real `fogbank up` process on a free port, driven by real clients."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest

from fogbank.testing import RunningNode

REPO = Path(__file__).resolve().parents[2]


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
