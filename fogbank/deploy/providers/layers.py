"""AWS::Lambda::LayerVersion: a local content directory, known to functions by its ARN."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.naming import physical_name
from fogbank.types import Deployed, Resource, partition_for


class LayerStore:
    """Layer version ARN → content directory, shared by the layer and function providers."""

    def __init__(self) -> None:
        self._dirs: dict[str, Path] = {}

    def add(self, arn: str, content_dir: Path) -> None:
        self._dirs[arn] = content_dir

    def remove(self, arn: str) -> None:
        self._dirs.pop(arn, None)

    def content_dir(self, arn: str) -> Path | None:
        return self._dirs.get(arn)


def local_dir(res: Resource, prop: str, uri_name: str) -> Path:
    """The local directory a Code / Content property names; errors name resource and URI."""
    location: Any = res.properties.get(prop)
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

    def __init__(self, store: LayerStore, *, region: str = "us-east-1",
                 account_id: str = "000000000000") -> None:
        self._store, self._region, self._account_id = store, region, account_id

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
        self._store.add(deployed.physical_id, local_dir(res, "Content", "ContentUri"))

    def _publish(self, res: Resource, version: int) -> Deployed:
        content = local_dir(res, "Content", "ContentUri")
        name = res.properties.get("LayerName") or physical_name(res, 140)
        layer_arn = (f"arn:{partition_for(self._region)}:lambda:{self._region}:"
                     f"{self._account_id}:layer:{name}")
        arn = f"{layer_arn}:{version}"
        self._store.add(arn, content)
        return Deployed(arn, {"LayerVersionArn": arn, "LayerArn": layer_arn, "Version": version})
