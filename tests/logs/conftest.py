"""Black-box helpers for CloudWatch Logs: an app of one template and one handler module
under `fogbank up`, and clients with one attempt per call."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import boto3
import pytest
from botocore.config import Config

from fogbank.testing import RunningNode, serving


@contextmanager
def serving_app(tmp_path_factory: pytest.TempPathFactory, name: str, template: str,
                handler: str) -> Iterator[RunningNode]:
    """`template` with `handler` as src/app.py, served and ready."""
    app_dir: Path = tmp_path_factory.mktemp(name)
    (app_dir / "src").mkdir()
    (app_dir / "src" / "app.py").write_text(handler)
    (app_dir / "template.yaml").write_text(template)
    with serving(app_dir, "--no-watch") as running:
        running.wait_ready()
        yield running


def client(node: RunningNode, service: str) -> Any:
    return boto3.client(service, config=Config(retries={"total_max_attempts": 1}),
                        **node.client_kwargs())


@pytest.fixture(scope="module")
def logs(node: RunningNode) -> Any:
    return client(node, "logs")
