"""A deployment plan: what happens to each resource, as data, before anything is done."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Literal

from fogbank.deploy.graph import dependency_order
from fogbank.deploy.references import collect
from fogbank.deploy.state import StackState
from fogbank.deploy.template import Template

Action = Literal["create", "update", "delete", "unchanged"]
_MARKS = {"create": "+", "update": "~", "delete": "-", "unchanged": "="}


@dataclass(frozen=True)
class Change:
    logical_id: str
    resource_type: str
    action: Action

    def __str__(self) -> str:
        return f"{_MARKS[self.action]} {self.action:<9} {self.logical_id}  ({self.resource_type})"


@dataclass(frozen=True)
class Plan:
    """Deletions first (dependents before what they depend on), then every resource of the
    template in dependency order. Resources of unsupported types are left out and named
    in `warnings`."""

    template: Template
    changes: tuple[Change, ...]
    unsupported: frozenset[str]
    warnings: tuple[str, ...]

    @property
    def has_work(self) -> bool:
        return any(c.action != "unchanged" for c in self.changes)

    def __str__(self) -> str:
        lines = [f"Stack {self.template.stack_name}:"]
        lines += [f"  {change}" for change in self.changes]
        lines += [f"  ! {warning}" for warning in self.warnings]
        return "\n".join(lines)


def make_plan(template: Template, state: StackState, supported_types: Collection[str]) -> Plan:
    skipped_types = {lid for lid in template.order if template.type_of(lid) not in supported_types}
    warnings = list(template.warnings)
    warnings += [f"Unsupported resource type {template.type_of(lid)} (logical id {lid}) — skipped"
                 for lid in template.order if lid in skipped_types]
    # An event source mapping reading from a skipped resource (an SQS queue, a Kinesis
    # stream) would have nothing to read: it is skipped with it.
    readers = {lid: source for lid in template.order if lid not in skipped_types
               for source in [_event_source(template, lid, skipped_types)] if source}
    warnings += [f"{lid} reads from {source} ({template.type_of(source)}), which is skipped "
                 "— skipped too" for lid, source in readers.items()]
    unsupported = frozenset(skipped_types | readers.keys())
    gone = {lid for lid, rec in state.resources.items()
            if lid not in template.resources or lid in unsupported
            or rec.type != template.type_of(lid)}
    changes = [Change(lid, state.resources[lid].type, "delete") for lid in _deletion_order(state, gone)]
    for lid in template.order:
        if lid in unsupported:
            continue
        record = state.resources.get(lid)
        if record is None or lid in gone:
            action: Action = "create"
        elif record.fingerprint != template.fingerprint(lid):
            action = "update"
        else:
            action = "unchanged"
        changes.append(Change(lid, template.type_of(lid), action))
    return Plan(template, tuple(changes), unsupported, tuple(warnings))


def _event_source(template: Template, lid: str, skipped: set[str]) -> str | None:
    """The skipped resource an event source mapping reads from, if it reads from one."""
    if template.type_of(lid) != "AWS::Lambda::EventSourceMapping":
        return None
    properties = template.properties(lid)
    source = properties.get("EventSourceArn") if isinstance(properties, dict) else None
    found = collect(source)
    return next(iter(sorted((found.refs | found.get_atts) & skipped)), None)


def _deletion_order(state: StackState, gone: set[str]) -> list[str]:
    recorded = {lid: set(rec.depends_on) & gone for lid, rec in state.resources.items() if lid in gone}
    return list(reversed(dependency_order(recorded)))
