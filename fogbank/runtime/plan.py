"""What a forked worker needs to become one function's execution environment.

The node builds a `WorkerPlan`; it crosses to the zygote as JSON, so it holds only plain
values. The worker side never sees a `FunctionSpec`.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class SandboxPlan:
    """Mounts that isolate one worker (user + mount namespaces)."""

    # Hidden behind an empty tmpfs: the node's state dir, other functions' code.
    mask: tuple[str, ...]
    # Paths under a masked place (or under /tmp) that stay visible: own code, layers, deps.
    keep: tuple[str, ...]
    tmp_size_mb: int


@dataclass(frozen=True)
class WorkerPlan:
    function_name: str
    handler: str
    code_dir: str
    sys_path: tuple[str, ...]           # prepended to the interpreter's own path
    environment: dict[str, str]         # the whole environment, built from scratch
    memory_mb: int
    sandbox: SandboxPlan | None
    # (node address, HTTP port, HTTPS port) that AWS names resolve to (resolver.py).
    node_route: tuple[str, int, int] | None = None

    def to_json(self) -> bytes:
        return json.dumps(asdict(self)).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "WorkerPlan":
        raw = json.loads(data)
        box = raw.pop("sandbox")
        sandbox = None
        if box is not None:
            sandbox = SandboxPlan(tuple(box["mask"]), tuple(box["keep"]), box["tmp_size_mb"])
        raw["sys_path"] = tuple(raw["sys_path"])
        raw["node_route"] = tuple(raw["node_route"]) if raw.get("node_route") else None
        return cls(sandbox=sandbox, **raw)
