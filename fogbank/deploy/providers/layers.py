"""AWS::Lambda::LayerVersion: a local content directory, known to functions by its ARN and
listed by the Lambda API's layer reads beside the layers published through it.

A layer with a local directory reaches here with its Content as `{"LocalPath": dir,
"Fingerprint": …}` (loader.py), so that changed files publish its next version. One whose
Metadata names a python BuildMethod has `"BuildMethod": method` there too and is built as
`sam build` would build it (runtime/build.py) before functions see it.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.naming import physical_name
from fogbank.functions import LayerVersion
from fogbank.types import Deployed, Resource, partition_for


class LayerStore:
    """Layer version ARN → its version and content directory, shared by the layer and
    function providers and the Lambda API's layer reads."""

    def __init__(self) -> None:
        self._versions: dict[str, tuple[LayerVersion, Path]] = {}
        self._sources: dict[str, Path] = {}     # ARN → the local directory it is made from

    def add(self, arn: str, content_dir: Path, version: LayerVersion,
            source: Path | None = None) -> None:
        """`source`: the template's local directory the content comes from (the content
        itself, or what was built from it), which the file watcher watches."""
        self._versions[arn] = (version, content_dir)
        if source is not None:
            self._sources[arn] = source

    def remove(self, arn: str) -> None:
        self._versions.pop(arn, None)
        self._sources.pop(arn, None)

    def sources(self) -> set[Path]:
        return set(self._sources.values())

    def content_dir(self, arn: str) -> Path | None:
        held = self._versions.get(arn)
        return None if held is None else held[1]

    def listed(self) -> list[tuple[LayerVersion, Path]]:
        return list(self._versions.values())


def local_dir(res: Resource, prop: str, uri_name: str, location: Any = None) -> Path:
    """The local directory a Code / Content property names (or `location`, when given, read
    from within it); errors name resource and URI."""
    location = res.properties.get(prop) if location is None else location
    if isinstance(location, dict) and "S3Bucket" in location:
        raise TemplateError(f"Resource {res.logical_id}: {uri_name} "
                            f"s3://{location.get('S3Bucket')}/{location.get('S3Key')} is in S3; "
                            f"Fogbank needs a local directory as {uri_name}")
    if not isinstance(location, str) or not location:
        raise TemplateError(f"Properties validation failed for resource {res.logical_id} with "
                            f"message: #: required key [{prop}] not found")
    path = (res.template_dir / location).resolve()
    if not path.is_dir():
        raise TemplateError(f"Resource {res.logical_id}: {uri_name} {location} does not exist "
                            f"or is not a directory")
    return path


class LayerVersionProvider:
    types = ("AWS::Lambda::LayerVersion",)
    attribute_names: frozenset[str] = frozenset({
        "LayerVersionArn", "LayerArn", "Version", "CreatedDate"})

    def __init__(self, store: LayerStore, *, region: str = "us-east-1",
                 account_id: str = "000000000000",
                 build: Callable[[str, Path], Path] | None = None) -> None:
        self._store, self._region, self._account_id = store, region, account_id
        self._build = build      # (layer name, source dir) → built dir; None: used as it is

    def create(self, res: Resource) -> Deployed:
        return self._publish(res, version=1)

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        # Layer versions are immutable: a change publishes the next version.
        self._store.remove(deployed.physical_id)
        version = int(deployed.attributes.get("Version", 1)) + 1
        return self._publish(new, version=version)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        self._store.remove(deployed.physical_id)

    def restore(self, res: Resource, deployed: Deployed) -> None:
        content, source = self._content(res)
        self._store.add(deployed.physical_id, content,
                        self._version(res, int(deployed.attributes.get("Version", 1)),
                                      deployed.attributes.get("CreatedDate")), source)

    def _publish(self, res: Resource, version: int) -> Deployed:
        content, source = self._content(res)
        layer_arn = (f"arn:{partition_for(self._region)}:lambda:{self._region}:"
                     f"{self._account_id}:layer:{self._name(res)}")
        arn = f"{layer_arn}:{version}"
        described = self._version(res, version, None)
        self._store.add(arn, content, described, source)
        # CreatedDate is kept so that the version's date outlives a restart.
        return Deployed(arn, {"LayerVersionArn": arn, "LayerArn": layer_arn, "Version": version,
                              "CreatedDate": described.created})

    def _content(self, res: Resource) -> tuple[Path, Path | None]:
        """(the directory functions see, the local directory it is made from if any)."""
        content = res.properties.get("Content")
        if not (isinstance(content, dict) and "LocalPath" in content):
            return local_dir(res, "Content", "ContentUri"), None
        source = local_dir(res, "Content", "ContentUri", content.get("LocalPath") or "")
        if "BuildMethod" not in content or self._build is None:
            return source, source
        return self._build(self._name(res), source), source

    @staticmethod
    def _name(res: Resource) -> str:
        return str(res.properties.get("LayerName") or physical_name(res, 140))

    def _version(self, res: Resource, version: int, created: Any) -> LayerVersion:
        """The version as the Lambda API's layer reads describe it."""
        props = res.properties
        return LayerVersion(
            self._name(res), version, float(created) if created is not None else time.time(),
            description=str(props.get("Description") or ""),
            compatible_runtimes=tuple(map(str, props.get("CompatibleRuntimes") or ())),
            compatible_architectures=tuple(map(str, props.get("CompatibleArchitectures") or ())),
            license_info=str(props["LicenseInfo"]) if props.get("LicenseInfo") else None,
            from_template=True)
