"""What Fogbank keeps of a function made through the Lambda API: its settings and code
for $LATEST and for each published version, its aliases, tags, permissions, concurrency,
asynchronous invocation settings, function URLs and provisioned concurrency configs. Plain
frozen values, written as JSON."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

from fogbank.functions.urls import UrlConfig
from fogbank.types import EventInvokeConfig, FunctionPermission


@dataclass(frozen=True)
class Settings:
    """A function's configuration, as UpdateFunctionConfiguration changes it."""

    runtime: str
    handler: str
    role: str
    timeout_s: int = 3
    memory_mb: int = 128
    environment: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    layers: tuple[str, ...] = ()                # layer version ARNs
    architectures: tuple[str, ...] = ("x86_64",)
    ephemeral_storage_mb: int = 512
    logging_config: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Revision:
    """What one version runs, and when and as which revision it last changed."""

    settings: Settings
    code_sha256: str            # of the package: base64 SHA-256, as CodeSha256
    code_size: int              # bytes of the package
    last_modified: float        # epoch seconds
    revision_id: str


@dataclass(frozen=True)
class Alias:
    version: str
    revision_id: str
    description: str = ""
    weights: Mapping[str, float] = field(default_factory=dict)   # other version → share


@dataclass(frozen=True)
class Provisioned:
    """A provisioned concurrency config: what was asked for, and when."""

    requested: int
    last_modified: float        # epoch seconds


@dataclass(frozen=True)
class FunctionRecord:
    name: str
    latest: Revision
    versions: Mapping[str, Revision] = field(default_factory=dict)   # published, by number
    last_version: int = 0       # the highest number ever published: numbers are not reused
    aliases: Mapping[str, Alias] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    reserved_concurrency: int | None = None
    permissions: tuple[FunctionPermission, ...] = ()
    event_invoke_configs: Mapping[str, EventInvokeConfig] = field(default_factory=dict)
    # By the alias each URL invokes; "" for the unqualified function.
    urls: Mapping[str, UrlConfig] = field(default_factory=dict)
    # Provisioned concurrency configs by qualifier (a published version or an alias).
    provisioned: Mapping[str, Provisioned] = field(default_factory=dict)

    def revision(self, version: str) -> Revision | None:
        return self.latest if version == "$LATEST" else self.versions.get(version)

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> FunctionRecord:
        raw = json.loads(data)
        return cls(
            name=raw["name"], latest=_revision(raw["latest"]),
            versions={v: _revision(r) for v, r in raw["versions"].items()},
            last_version=raw["last_version"],
            aliases={name: Alias(**{**alias, "weights": dict(alias["weights"])})
                     for name, alias in raw["aliases"].items()},
            tags=dict(raw["tags"]), reserved_concurrency=raw["reserved_concurrency"],
            permissions=tuple(FunctionPermission(**p) for p in raw["permissions"]),
            event_invoke_configs={q: EventInvokeConfig(**c)
                                  for q, c in raw["event_invoke_configs"].items()},
            # Records written before function URLs were kept have none.
            urls={q: UrlConfig(**u) for q, u in raw.get("urls", {}).items()},
            # Nor had those written before provisioned concurrency configs were.
            provisioned={q: Provisioned(**p) for q, p in raw.get("provisioned", {}).items()})


def _revision(raw: Mapping[str, Any]) -> Revision:
    settings = dict(raw["settings"])
    settings["layers"] = tuple(settings["layers"])
    settings["architectures"] = tuple(settings["architectures"])
    return Revision(**{**raw, "settings": Settings(**settings)})
