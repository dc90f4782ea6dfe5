"""The managed-functions engine against a runtime double: what it deploys, keeps and
refuses."""
from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from fogbank.functions import (Code, FunctionStore, ManagedFunctions, ResourceConflict,
                               Settings, TemplateFunction)
from fogbank.types import FunctionPermission, FunctionSpec, ResourceNotFound


class Runtime:
    def __init__(self) -> None:
        self.specs: dict[str, FunctionSpec] = {}

    def deploy(self, spec: FunctionSpec) -> None:
        self.specs[spec.name] = spec

    def remove(self, name: str) -> None:
        del self.specs[name]

    def get(self, name: str) -> FunctionSpec:
        if name not in self.specs:
            raise ResourceNotFound(name)
        return self.specs[name]

    def list(self) -> list[FunctionSpec]:
        return list(self.specs.values())


def package(text: str) -> Code:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", text)
    return Code(zip_file=buf.getvalue())


SETTINGS = Settings(runtime="python3.12", handler="app.handler", role="role")


class NoLayers:
    def content_dir(self, arn: str) -> None:
        return None

    def find(self, arn: str) -> None:
        return None

    def collect(self) -> None:
        pass


def engine(tmp_path: Path, runtime: Runtime) -> ManagedFunctions:
    async def read_object(bucket: str, key: str) -> bytes:
        raise AssertionError("not used")
    return ManagedFunctions(FunctionStore(tmp_path), runtime, read_object=read_object,
                            layers=NoLayers())


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_versions_are_snapshots_and_survive_a_restart(tmp_path: Path) -> None:
    runtime = Runtime()
    managed = engine(tmp_path, runtime)

    async def steps() -> None:
        await managed.create("fn", SETTINGS, package("one"), tags={}, publish=True)
        await managed.update_code("fn", package("two"), publish=False, revision_id=None)
        await managed.update_configuration("fn", {"memory_mb": 256}, None)
    run(steps())
    spec = runtime.get("fn")
    assert (spec.code_dir / "app.py").read_text() == "two" and spec.memory_mb == 256
    one = spec.at("1")
    assert (one.code_dir / "app.py").read_text() == "one" and one.memory_mb == 128
    assert spec.version_of("1") == "1" and spec.version_of("2") is None

    again = Runtime()
    engine(tmp_path, again).restore()
    assert again.get("fn") == spec


def test_a_url_only_permission_survives_a_restart(tmp_path: Path) -> None:
    runtime = Runtime()
    managed = engine(tmp_path, runtime)
    url_only = FunctionPermission("url", "*", invoked_via_function_url=True)

    async def steps() -> None:
        await managed.create("fn", SETTINGS, package("one"), tags={}, publish=False)
        await managed.add_permission("fn", url_only)
    run(steps())
    again = Runtime()
    engine(tmp_path, again).restore()
    assert again.get("fn").permissions == (url_only,)


def test_publishing_unchanged_code_makes_no_new_version(tmp_path: Path) -> None:
    managed = engine(tmp_path, Runtime())

    async def steps() -> list[str]:
        await managed.create("fn", SETTINGS, package("one"), tags={}, publish=False)
        return [(await managed.publish("fn", code_sha256=None, description=None,
                                       revision_id=None))[1] for _ in range(2)]
    assert run(steps()) == ["1", "1"]


def test_a_template_function_is_not_changed_and_its_name_is_taken(tmp_path: Path) -> None:
    runtime = Runtime()
    runtime.deploy(FunctionSpec(name="tpl", handler="app.handler", code_dir=tmp_path))
    managed = engine(tmp_path / "store", runtime)
    with pytest.raises(TemplateFunction):
        run(managed.set_concurrency("tpl", 1))
    with pytest.raises(ResourceConflict):
        run(managed.create("tpl", SETTINGS, package("x"), tags={}, publish=False))
    with pytest.raises(ResourceNotFound):
        run(managed.delete("nothing", None))


def test_a_failed_deploy_keeps_nothing(tmp_path: Path) -> None:
    class Refusing(Runtime):
        def deploy(self, spec: FunctionSpec) -> None:
            raise ResourceConflict("no")
    managed = engine(tmp_path, Refusing())
    with pytest.raises(ResourceConflict):
        run(managed.create("fn", SETTINGS, package("x"), tags={}, publish=False))
    assert not managed.owns("fn") and list(tmp_path.iterdir()) == []


def test_provisioned_configs_reach_the_runtime_and_survive_a_restart(tmp_path: Path) -> None:
    runtime = Runtime()
    managed = engine(tmp_path, runtime)

    async def steps() -> None:
        await managed.create("fn", SETTINGS, package("one"), tags={}, publish=True)
        await managed.put_alias("fn", "live", version="1", description=None, weights=None,
                                revision_id=None, create=True)
        await managed.put_provisioned("fn", "live", 2)
    run(steps())
    assert runtime.get("fn").provisioned_configs == {"live": 2}
    assert runtime.get("fn").provisioned_by_version() == {"1": 2}

    again = Runtime()
    restored = engine(tmp_path, again)
    restored.restore()
    assert again.get("fn").provisioned_configs == {"live": 2}
    assert restored.record("fn").provisioned["live"].requested == 2

    # The config goes with its alias, or with its version.
    run(restored.delete_alias("fn", "live"))
    assert again.get("fn").provisioned_configs == {}
    run(restored.put_provisioned("fn", "1", 1))
    run(restored.delete("fn", "1"))
    assert restored.record("fn").provisioned == {}


def test_a_template_functions_provisioned_concurrency_is_not_changed(tmp_path: Path) -> None:
    runtime = Runtime()
    runtime.deploy(FunctionSpec(name="tpl", handler="app.handler", code_dir=tmp_path,
                                aliases={"live": "1"}, published_versions=1))
    managed = engine(tmp_path / "state", runtime)
    with pytest.raises(TemplateFunction):
        run(managed.put_provisioned("tpl", "live", 1))
    with pytest.raises(TemplateFunction):
        run(managed.delete_provisioned("tpl", "live"))
