"""A loaded template: parameters, conditions and resources ready for planning."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.intrinsics import ResourceLookup, Scope
from fogbank.deploy.references import collect


@dataclass(frozen=True)
class Template:
    """A template after SAM expansion, with parameter and condition values fixed.

    `resources` holds the raw (unresolved) definitions of the resources whose condition
    holds, in template order; `order` is their dependency order.
    """

    path: Path
    directory: Path
    stack_name: str
    stack_id: str
    region: str
    account_id: str
    parameters: Mapping[str, Any]
    pseudo: Mapping[str, Any]
    mappings: Mapping[str, Any]
    conditions: Mapping[str, bool]
    resources: Mapping[str, Mapping[str, Any]]
    depends_on: Mapping[str, frozenset[str]]
    order: tuple[str, ...]
    outputs: Mapping[str, Mapping[str, Any]]
    warnings: tuple[str, ...] = ()
    source: str = ""                      # the template's text, as the user wrote it

    def scope(self, resources: ResourceLookup | None, warn: Callable[[str], None]) -> Scope:
        return Scope(values={**self.parameters, **self.pseudo}, mappings=self.mappings,
                     condition=self.condition, resources=resources,
                     region=self.region, warn=warn)

    def condition(self, name: Any) -> bool:
        if not isinstance(name, str) or name not in self.conditions:
            raise TemplateError(f"Template format error: Unresolved condition dependencies "
                                f"[{name}] in the Resources block of the template")
        return self.conditions[name]

    def properties(self, logical_id: str) -> Any:
        return self.resources[logical_id].get("Properties") or {}

    def type_of(self, logical_id: str) -> str:
        return str(self.resources[logical_id]["Type"])

    def fingerprint(self, logical_id: str) -> str:
        """What decides whether a resource changed: its type and raw properties, and the
        parameter values, mappings and conditions those properties use."""
        props = self.properties(logical_id)
        used = collect(props, self.condition)
        basis = {
            "type": self.type_of(logical_id),
            "properties": props,
            "parameters": {n: self.parameters[n] for n in sorted(used.refs) if n in self.parameters},
            "conditions": {n: self.conditions[n] for n in sorted(used.conditions)},
            "mappings": {n: self.mappings.get(n) for n in sorted(used.mappings)},
        }
        text = json.dumps(basis, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()
