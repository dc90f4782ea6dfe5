"""The layers engine and its store: what a deleted version leaves behind, and what a
restart finds."""
from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path
from typing import Any

from fogbank.functions import Code, LayerPermission, LayerVersionStore, ManagedLayers

ARN = "arn:aws:lambda:us-east-1:000000000000:layer"


class NoTemplate:
    def listed(self) -> list:
        return []


def content(value: str) -> Code:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("python/m.py", f"VALUE = {value!r}\n")
    return Code(zip_file=buf.getvalue())


def engine(root: Path, used: set[str] | None = None) -> ManagedLayers:
    async def read_object(bucket: str, key: str) -> bytes:
        raise AssertionError("not used")
    layers = ManagedLayers(LayerVersionStore(root), NoTemplate(), read_object=read_object,
                           in_use=lambda arn: arn in (used or set()))
    layers.restore()
    return layers


def publish(layers: ManagedLayers, name: str, value: str) -> Any:
    return asyncio.run(layers.publish(name, content(value), description="", runtimes=(),
                                      architectures=(), license_info=None))


def test_a_deleted_version_keeps_its_content_only_while_a_function_uses_it(tmp_path):
    used = {f"{ARN}:lib:1"}
    layers = engine(tmp_path, used)
    publish(layers, "lib", "one")
    publish(layers, "lib", "two")
    kept = layers.content_dir(f"{ARN}:lib:1")
    asyncio.run(layers.delete("lib", 1))
    asyncio.run(layers.delete("lib", 2))
    assert layers.find(f"{ARN}:lib:1") is None                 # gone for new references
    assert kept and (kept / "python" / "m.py").read_text() == "VALUE = 'one'\n"
    assert layers.content_dir(f"{ARN}:lib:2") is None
    assert not (tmp_path / "lib" / "2").exists()                # nobody used it: gone at once
    used.clear()                                                # the function lets go of it
    again = engine(tmp_path)
    again.collect()
    assert again.content_dir(f"{ARN}:lib:1") is None and not kept.exists()
    assert publish(again, "lib", "three").version == 3


def test_a_restart_finds_versions_and_policies_as_acknowledged(tmp_path):
    layers = engine(tmp_path)
    publish(layers, "lib", "one")
    asyncio.run(layers.add_permission("lib", 1, LayerPermission("s", "lambda:GetLayerVersion",
                                                               "*", "o-abcdefghij"), None))
    # What an interrupted publish leaves: content no record names.
    (tmp_path / "lib" / "2" / "python").mkdir(parents=True)
    (tmp_path / "lib" / ".partial-x").mkdir()
    (tmp_path / "never-acknowledged" / "1").mkdir(parents=True)
    again = engine(tmp_path)
    assert [v.version for v in again.versions("lib", None, None)] == [1]
    assert again.policy_of("lib", 1).permissions == (
        LayerPermission("s", "lambda:GetLayerVersion", "*", "o-abcdefghij"),)
    assert sorted(p.name for p in (tmp_path / "lib").iterdir()) == ["1", "layer.json"]
    assert not (tmp_path / "never-acknowledged").exists()
    assert publish(again, "lib", "two").version == 2


def test_a_restart_keeps_which_lists_were_published_empty(tmp_path):
    layers = engine(tmp_path)
    asyncio.run(layers.publish("lib", content("one"), description="", runtimes=[],
                               architectures=None, license_info=None))
    again = engine(tmp_path).get("lib", 1)
    assert (again.compatible_runtimes, again.empty_lists) == ((), ("runtimes",))
