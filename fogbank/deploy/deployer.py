"""The Deployer: plans a template against the recorded stack and applies the plan."""
from __future__ import annotations

import inspect
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import (Any, Awaitable, Callable, Collection, Generator, Iterator, Mapping,
                    Sequence)

from fogbank.deploy.errors import TemplateError, UnknownAttribute
from fogbank.deploy.intrinsics import Scope, as_text, evaluate, get_att_path
from fogbank.deploy.plan import Change, Plan, make_plan
from fogbank.deploy.stack_view import StackView, stack_view
from fogbank.deploy.state import ResourceRecord, StackState, StateStore
from fogbank.deploy.template import Template
from fogbank.deploy.template_checks import check_get_att_attributes
from fogbank.types import AwsError, Deployed, Resource, ResourceProvider

OnStep = Callable[[Change, str], None]
# A deployment in progress: it yields what a provider must wait for (a custom resource's
# answer), is sent the awaited value, and returns what it leaves.
Steps = Generator[Awaitable[Any], Any, "DeployResult"]


@dataclass(frozen=True)
class DeployResult:
    outputs: Mapping[str, str]
    warnings: tuple[str, ...]
    changes: tuple[Change, ...]       # the work done, in order (unchanged resources omitted)


@dataclass(frozen=True)
class RestoreResult:
    restored: tuple[str, ...]         # logical ids handed back to their providers
    warnings: tuple[str, ...]


class _Lookup:
    """Ref / GetAtt during deployment: what is already deployed, placeholders for skipped."""

    def __init__(self, records: Mapping[str, ResourceRecord], unsupported: frozenset[str],
                 warn: Callable[[str], None]) -> None:
        self._records, self._unsupported, self._warn = records, unsupported, warn

    def ref(self, logical_id: str) -> Any:
        return self._record(logical_id, None) if logical_id not in self._unsupported \
            else self._placeholder(logical_id, "Ref")

    def get_att(self, logical_id: str, attribute: str) -> Any:
        if logical_id in self._unsupported:
            return self._placeholder(logical_id, f"Fn::GetAtt {attribute}")
        return self._record(logical_id, attribute)

    def _record(self, logical_id: str, attribute: str | None) -> Any:
        record = self._records.get(logical_id)
        if record is None:
            raise TemplateError(f"Template format error: Unresolved resource dependencies "
                                f"[{logical_id}] in the Resources block of the template")
        if attribute is None:
            return record.physical_id
        if attribute not in record.attributes:
            raise UnknownAttribute(logical_id, record.type, attribute)
        return record.attributes[attribute]

    def _placeholder(self, logical_id: str, what: str) -> str:
        self._warn(f"{what} of {logical_id} (a skipped resource) resolves to a placeholder")
        return f"fogbank-unsupported-{logical_id}"


def _evaluate_at(node: Any, scope: Scope, path: list[str]) -> Any:
    """`evaluate` of the template value at `path`, which an unknown attribute's error names."""
    try:
        return evaluate(node, scope)
    except UnknownAttribute as e:
        found = get_att_path(node, e.logical_id, e.attribute, scope)
        if found is None:           # in an Fn::Sub: the older wording, which needs no path
            raise
        raise e.at([*path, *found]) from None


class Providers(Mapping[str, ResourceProvider]):
    """Providers by resource type. A provider's type ending in `*` claims every type that
    starts with what comes before it (`Custom::*`: each custom resource type a template
    invents)."""

    def __init__(self, providers: Sequence[ResourceProvider]) -> None:
        self._exact = {kind: p for p in providers for kind in p.types if not kind.endswith("*")}
        self._families = {kind[:-1]: p for p in providers for kind in p.types
                          if kind.endswith("*")}

    def __getitem__(self, kind: str) -> ResourceProvider:
        if kind in self._exact:
            return self._exact[kind]
        for prefix, provider in self._families.items():
            if kind.startswith(prefix) and len(kind) > len(prefix):
                return provider
        raise KeyError(kind)

    def __iter__(self) -> Iterator[str]:
        return iter(self._exact)

    def __len__(self) -> int:
        return len(self._exact)


class NeedsEventLoop(AwsError):
    """A provider must wait for work of the event loop (a custom resource's function), which
    a synchronous `apply` cannot give it."""


def _settled(result: Any) -> Generator[Awaitable[Any], Any, Any]:
    """A provider's answer: its value, or (yielded to the driver) what it must wait for."""
    if inspect.isawaitable(result):
        result = yield result
    return result


class Deployer:
    """Owns one stack's state in `state_dir`; providers do the work, one per resource type."""

    def __init__(self, state_dir: Path, providers: Sequence[ResourceProvider], region: str,
                 account_id: str, clock: Callable[[], float] = time.time) -> None:
        self.region, self.account_id = region, account_id
        self._clock = clock
        self._template: Template | None = None       # the one last applied
        self._store = StateStore(Path(state_dir))
        self._providers = Providers(providers)
        self._state = self._store.load()
        # Recorded resources `restore` left out for their changed text: if they resolve as
        # before, apply must still hand them back to their providers.
        self._unrestored: set[str] = set()

    @property
    def outputs(self) -> dict[str, str]:
        return dict(self._state.outputs)

    @property
    def state(self) -> StackState:
        return self._state

    def view(self) -> StackView | None:
        """The stack as CloudFormation's reads describe it; None before the first apply."""
        if self._template is None:
            return None
        ignore: Callable[[str], None] = lambda _: None
        lookup = _Lookup(self._state.resources, frozenset(), ignore)
        return stack_view(self._template, self._state, self._template.scope(lookup, ignore))

    def resources(self) -> list[tuple[str, str, str]]:
        """(logical id, type, physical id) of every deployed resource, in deployment order."""
        return [(lid, rec.type, rec.physical_id) for lid, rec in self._state.resources.items()]

    def plan(self, tpl: Template) -> Plan:
        return make_plan(tpl, self._state, self._providers)

    def apply(self, plan: Plan, on_step: OnStep | None = None) -> DeployResult:
        """Execute the plan in order, saving the state after every step.

        A provider error stops the deployment: what was done so far stays recorded, and
        the error (naming the resource) is raised. `on_step(change, status)` is called
        after each step that did work, status one of created / updated / deleted / failed.
        A step that must wait for the event loop (a custom resource) fails here: a caller on
        the loop uses `apply_async`.
        """
        steps = self._steps(plan, on_step)
        try:
            pending = next(steps)
        except StopIteration as done:
            return done.value
        if inspect.iscoroutine(pending):
            pending.close()
        # The step fails with it, as with any provider error: recorded, then raised.
        steps.throw(NeedsEventLoop("Custom resources are deployed only by a running node "
                                   "(the deployer was applied without an event loop)"))
        raise AssertionError("a failed step ends the deployment")

    async def apply_async(self, plan: Plan, on_step: OnStep | None = None) -> DeployResult:
        """`apply` for a caller on the event loop: a step that must wait (a custom resource
        waits for its function's response) is awaited, and the loop serves meanwhile. Steps
        that need not wait run as `apply` runs them."""
        steps = self._steps(plan, on_step)
        value: Any = None
        error: BaseException | None = None
        while True:
            try:
                pending = steps.send(value) if error is None else steps.throw(error)
            except StopIteration as done:
                return done.value
            try:
                value, error = await pending, None
            except Exception as exc:        # handed to the step, which records the failure
                value, error = None, exc

    def _steps(self, plan: Plan, on_step: OnStep | None) -> Steps:
        tpl = plan.template
        check_get_att_attributes(tpl, lambda lid: self._attributes_of(lid, plan))
        self._template = tpl
        first = not self._state.created     # a first deployment creates; later ones update
        records = dict(self._state.resources)
        warnings: list[str] = list(plan.warnings)
        scope = tpl.scope(_Lookup(records, plan.unsupported, warnings.append), warnings.append)
        done: list[Change] = []
        report = on_step or (lambda change, status: None)
        for change in plan.changes:
            try:
                step = yield from self._step(change, tpl, scope, records)
            except AwsError:
                self._save(tpl, records, self._state.outputs)
                report(change, "failed")
                raise
            if step is not None:
                done.append(step)
                self._save(tpl, records, self._state.outputs, changed=not first)
                report(step, {"create": "created", "update": "updated"}.get(step.action, "deleted"))
        outputs = self._outputs(tpl, scope)
        self._save(tpl, records, outputs)
        return DeployResult(outputs, tuple(dict.fromkeys(warnings)), tuple(done))

    def _attributes_of(self, logical_id: str, plan: Plan) -> Collection[str] | None:
        """The attributes Fn::GetAtt may read of a resource before it is deployed: its
        provider's `attribute_names`. None for a skipped resource (a placeholder) and for a
        provider whose attributes depend on what it deploys (it declares none)."""
        if logical_id in plan.unsupported:
            return None
        provider = self._providers.get(plan.template.type_of(logical_id))
        return getattr(provider, "attribute_names", None)

    def restore(self, tpl: Template) -> RestoreResult:
        """Hand each recorded, unchanged resource back to its provider (on node start)."""
        restored, warnings = [], []
        refreshed = False
        for lid in tpl.order:
            record = self._state.resources.get(lid)
            provider = self._providers.get(tpl.type_of(lid))
            if record is None or provider is None or record.type != tpl.type_of(lid):
                continue
            if record.fingerprint != tpl.fingerprint(lid):
                self._unrestored.add(lid)
                continue
            try:
                fresh = provider.restore(record.resource(lid, self._state), record.deployed)
            except AwsError as e:
                warnings.append(f"{lid} could not be restored: {e.message}")
                continue
            if fresh is not None and fresh != record.deployed:
                # E.g. a URL that names the node's port: the next apply re-resolves what
                # refers to it (and the outputs) from the fresh values.
                fresh_record = replace(record, physical_id=fresh.physical_id,
                                       attributes=dict(fresh.attributes))
                self._state = replace(self._state,
                                      resources={**self._state.resources, lid: fresh_record})
                refreshed = True
            restored.append(lid)
        if refreshed:
            self._store.save(self._state)
        return RestoreResult(tuple(restored), tuple(warnings))

    def _step(self, change: Change, tpl: Template, scope: Scope, records: dict[str, ResourceRecord]
              ) -> Generator[Awaitable[Any], Any, Change | None]:
        lid = change.logical_id
        record = records.get(lid)
        if change.action == "delete":
            provider = self._providers.get(change.resource_type)
            if provider is not None and record is not None:
                yield from _settled(provider.delete(
                    self._resource(lid, record.type, record.properties, tpl), record.deployed))
            records.pop(lid, None)
            return change
        # JSON round trip: the properties compare equal to the recorded ones when unchanged.
        resolved = _evaluate_at(tpl.properties(lid), scope, ["Resources", lid, "Properties"])
        props = json.loads(json.dumps(resolved, default=str))
        provider = self._providers[change.resource_type]     # the plan leaves out the rest
        new = self._resource(lid, change.resource_type, props, tpl)
        if record is not None and record.properties == props:
            # Providers only ever see resolved properties: equal ones need no work, whatever
            # changed in the template's text. The record takes the new fingerprint. One that
            # `restore` skipped for its changed text is handed back to its provider here.
            record = replace(record, fingerprint=tpl.fingerprint(lid))
            if lid in self._unrestored:
                self._unrestored.discard(lid)
                fresh = provider.restore(new, record.deployed)
                if fresh is not None:
                    record = replace(record, physical_id=fresh.physical_id,
                                     attributes=dict(fresh.attributes))
            records[lid] = record
            return None
        # The record decides between create and update, not the plan, which may be stale.
        if record is None:
            deployed = yield from _settled(provider.create(new))
            change = Change(lid, change.resource_type, "create")
            times = (self._clock(), 0.0)
        else:
            old = self._resource(lid, record.type, record.properties, tpl)
            deployed = yield from _settled(provider.update(old, record.deployed, new))
            change = Change(lid, change.resource_type, "update")
            times = (record.created, self._clock())
        self._unrestored.discard(lid)
        records[lid] = self._record(tpl, lid, props, deployed, times)
        return change

    @staticmethod
    def _resource(lid: str, kind: str, props: Mapping[str, Any], tpl: Template) -> Resource:
        return Resource(lid, kind, props, tpl.directory, tpl.stack_name)

    @staticmethod
    def _record(tpl: Template, lid: str, props: Mapping[str, Any], deployed: Deployed,
                times: tuple[float, float]) -> ResourceRecord:
        attributes = json.loads(json.dumps(dict(deployed.attributes), default=str))
        return ResourceRecord(tpl.type_of(lid), tpl.fingerprint(lid), props, deployed.physical_id,
                              attributes, tuple(sorted(tpl.depends_on[lid])), *times)

    @staticmethod
    def _outputs(tpl: Template, scope: Scope) -> dict[str, str]:
        outputs = {}
        for name, output in tpl.outputs.items():
            value = _evaluate_at(output["Value"], scope, ["Outputs", name, "Value"])
            if isinstance(value, list):
                value = ",".join(as_text(v, f"Output {name}") for v in value)
            outputs[name] = as_text(value, f"Output {name}")
        return outputs

    def _save(self, tpl: Template, records: Mapping[str, ResourceRecord],
              outputs: Mapping[str, str], changed: bool = False) -> None:
        now = self._clock()
        self._state = StackState(tpl.stack_name, str(tpl.directory), dict(records), dict(outputs),
                                 self._state.created or now,
                                 now if changed else self._state.updated)
        self._store.save(self._state)
