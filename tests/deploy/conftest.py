"""Fixtures for the deployer tests: templates on disk, a recording runtime, a fake engine."""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Callable

import pytest

from fogbank.deploy import Template, load_template
from fogbank.types import Deployed, FunctionSpec, Resource

REGION = "us-east-1"
ACCOUNT = "123456789012"


class FakeRuntime:
    """Stands in for the runtime engine (tested elsewhere): records what it is told."""

    def __init__(self) -> None:
        self.specs: dict[str, FunctionSpec] = {}
        self.calls: list[tuple[str, str]] = []

    def deploy(self, spec: FunctionSpec) -> None:
        self.specs[spec.name] = spec
        self.calls.append(("deploy", spec.name))

    def remove(self, name: str) -> None:
        self.specs.pop(name, None)
        self.calls.append(("remove", name))


class TopicProvider:
    """A fake engine's provider for AWS::SNS::Topic: names from TopicName, records calls."""

    types = ("AWS::SNS::Topic",)

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.restored: list[str] = []
        self.endpoint = "http://127.0.0.1:4566"     # what a node-dependent URL starts with

    def _deployed(self, res: Resource) -> Deployed:
        name = res.properties.get("TopicName") or f"{res.stack_name}-{res.logical_id}"
        arn = f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"
        return Deployed(arn, {"TopicName": name, "TopicArn": arn,
                              "Url": f"{self.endpoint}/{name}"})

    def create(self, res: Resource) -> Deployed:
        self.calls.append(("create", res.logical_id, dict(res.properties)))
        return self._deployed(res)

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        self.calls.append(("update", new.logical_id, dict(new.properties)))
        return self._deployed(new)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        self.calls.append(("delete", res.logical_id, dict(res.properties)))

    def restore(self, res: Resource, deployed: Deployed) -> Deployed:
        self.restored.append(res.logical_id)
        return self._deployed(res)


@pytest.fixture
def runtime() -> FakeRuntime:
    return FakeRuntime()


@pytest.fixture
def topics() -> TopicProvider:
    return TopicProvider()


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "my_app"
    (directory / "src").mkdir(parents=True)
    (directory / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    return directory


@pytest.fixture
def write(app_dir: Path) -> Callable[[str], Path]:
    """Write template text (dedented) as template.yaml in the app directory."""
    def write_template(text: str, name: str = "template.yaml") -> Path:
        path = app_dir / name
        path.write_text(textwrap.dedent(text))
        return path
    return write_template


@pytest.fixture
def load(write: Callable[[str], Path]) -> Callable[..., Template]:
    """Write template text and load it."""
    def load_text(text: str, **overrides: str) -> Template:
        return load_template(write(text), parameter_overrides=overrides, region=REGION,
                             account_id=ACCOUNT)
    return load_text
