"""What Fogbank keeps of a layer: each version's settings, the facts of its package and
its permissions, and the highest version number ever published (numbers are never reused,
not even after every version is deleted). Plain frozen values, written as JSON."""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

from fogbank.types import REGION_PATTERN

# A layer's ARN, with or without its version (the model's LayerVersionArn / LayerArn).
LAYER_ARN = re.compile(rf"arn:(?:aws[a-zA-Z-]*)?:lambda:(?P<region>{REGION_PATTERN}):"
                       r"(?P<account>\d{12}):layer:(?P<name>[a-zA-Z0-9-_]+)"
                       r"(?::(?P<version>[0-9]+))?")


@dataclass(frozen=True)
class LayerPermission:
    """One statement of a layer version's policy (AddLayerVersionPermission)."""

    sid: str
    action: str
    principal: str
    organization_id: str | None = None


@dataclass(frozen=True)
class LayerVersion:
    name: str
    version: int
    created: float                                      # epoch seconds
    description: str = ""
    compatible_runtimes: tuple[str, ...] = ()
    compatible_architectures: tuple[str, ...] = ()
    # Which of the two lists ("runtimes", "architectures") were published empty: Lambda
    # answers a list it was given empty with [], one it was not given not at all.
    empty_lists: tuple[str, ...] = ()
    license_info: str | None = None
    code_sha256: str = ""       # of the zip (base64, as CodeSha256); "" for a template's
    code_size: int = 0          # bytes of the zip; 0 for a template's (a directory)
    permissions: tuple[LayerPermission, ...] = ()
    policy_revision: str = ""
    # Deleted, but a function still runs with it: Lambda keeps a deleted version's content
    # for the functions that use it.
    deleted: bool = False
    from_template: bool = False

    def matches(self, runtime: str | None, architecture: str | None) -> bool:
        """Whether ListLayers / ListLayerVersions' filters keep this version."""
        return (runtime is None or runtime in self.compatible_runtimes) and \
            (architecture is None or architecture in self.compatible_architectures)


@dataclass(frozen=True)
class LayerRecord:
    name: str
    last_version: int = 0
    versions: Mapping[int, LayerVersion] = field(default_factory=dict)

    def live(self) -> list[LayerVersion]:
        """The versions that are not deleted, newest first (as ListLayerVersions lists)."""
        return sorted((v for v in self.versions.values() if not v.deleted),
                      key=lambda v: v.version, reverse=True)

    def to_json(self) -> bytes:
        raw = asdict(self)
        raw["versions"] = {str(n): v for n, v in raw["versions"].items()}
        return json.dumps(raw, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> LayerRecord:
        raw = json.loads(data)
        return cls(name=raw["name"], last_version=raw["last_version"],
                   versions={int(n): _version(v) for n, v in raw["versions"].items()})


def _version(raw: Mapping[str, Any]) -> LayerVersion:
    return LayerVersion(**{
        **raw, "compatible_runtimes": tuple(raw["compatible_runtimes"]),
        "compatible_architectures": tuple(raw["compatible_architectures"]),
        "empty_lists": tuple(raw.get("empty_lists", ())),
        "permissions": tuple(LayerPermission(**p) for p in raw["permissions"])})
