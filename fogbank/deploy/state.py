"""The stack's recorded state: what was deployed, as which physical ids, with which outputs.

One JSON file (`stack.json`), rewritten atomically after every step so that a crash
leaves either the previous or the next state, never half of one.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping

from fogbank.durable_files import replace_file
from fogbank.types import AwsError, Deployed, Resource

STATE_FILE = "stack.json"
_FORMAT = 1


@dataclass(frozen=True)
class ResourceRecord:
    type: str
    fingerprint: str                      # of the raw definition (see Template.fingerprint)
    properties: Mapping[str, Any]         # resolved, as the provider received them
    physical_id: str
    attributes: Mapping[str, Any] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    created: float = 0.0                  # epoch seconds; 0 in older states
    updated: float = 0.0                  # of its last update; 0: never updated

    @property
    def deployed(self) -> Deployed:
        return Deployed(self.physical_id, self.attributes)

    def resource(self, logical_id: str, state: StackState) -> Resource:
        return Resource(logical_id, self.type, self.properties, Path(state.template_dir),
                        state.stack_name)


@dataclass(frozen=True)
class StackState:
    stack_name: str = ""
    template_dir: str = ""
    resources: Mapping[str, ResourceRecord] = field(default_factory=dict)
    outputs: Mapping[str, str] = field(default_factory=dict)
    created: float = 0.0                  # epoch seconds of the first deployment
    updated: float = 0.0                  # of the last one that changed a resource; 0: none


class StateStore:
    def __init__(self, state_dir: Path) -> None:
        self.path = Path(state_dir) / STATE_FILE

    def load(self) -> StackState:
        if not self.path.exists():
            return StackState()
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            records = {lid: ResourceRecord(**{**rec, "depends_on": tuple(rec["depends_on"])})
                       for lid, rec in raw["resources"].items()}
            return StackState(raw["stack_name"], raw["template_dir"], records, raw["outputs"],
                              raw.get("created", 0.0), raw.get("updated", 0.0))
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise AwsError(f"The stack state in {self.path} cannot be read ({e}); remove it "
                           "to deploy from scratch", code="InternalFailure") from None

    def save(self, state: StackState) -> None:
        document = {
            "format": _FORMAT, "stack_name": state.stack_name, "template_dir": state.template_dir,
            "resources": {lid: asdict(rec) for lid, rec in state.resources.items()},
            "outputs": dict(state.outputs), "created": state.created, "updated": state.updated,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(self.path, json.dumps(document, indent=1, default=str).encode())
