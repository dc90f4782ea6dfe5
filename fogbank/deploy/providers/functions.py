"""Lambda functions, versions and aliases → FunctionSpecs deployed on the runtime.

The runtime is duck-typed: `deploy(spec)` starts serving a function (or replaces its
definition), `remove(name)` stops it. Versions and aliases (versions.py), asynchronous
invocation settings (invoke_configs.py) and permissions (permissions.py) are set on the
function's spec, so that the runtime and the Lambda API know them.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping, Protocol

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.intrinsics import as_text
from fogbank.deploy.naming import physical_name
from fogbank.deploy.providers.layers import LayerStore, local_dir
from fogbank.functions import settings
from fogbank.types import (LATEST, AwsError, Deployed, EventInvokeConfig, FunctionPermission,
                           FunctionSpec, Resource)

_PYTHON = re.compile(r"python3\.\d+")
_IMPORTS_CFNRESPONSE = re.compile(
    r"^\s*(?:import\s+cfnresponse\b|from\s+cfnresponse\s+import\b)", re.MULTILINE)
CFNRESPONSE = Path(__file__).with_name("cfnresponse.py")    # our own, same interface


class Runtime(Protocol):
    def deploy(self, spec: FunctionSpec) -> Any: ...

    def remove(self, name: str) -> Any: ...


def function_name(value: Any) -> str:
    """A function name from a name, a full ARN or a partial ARN (`123:function:name`)."""
    text = str(value)
    if ":function:" in text:
        return text.split(":function:", 1)[1].split(":", 1)[0]
    return text


def function_target(value: Any) -> tuple[str, str | None]:
    """(function name, qualifier or None) from a name, a full or partial ARN, each with an
    optional `:qualifier` (a version or an alias)."""
    text = str(value)
    if ":function:" in text:
        text = text.split(":function:", 1)[1]
    name, _, qualifier = text.partition(":")
    return name, qualifier or None


class FunctionProvider:
    types = ("AWS::Lambda::Function",)
    attribute_names: frozenset[str] = frozenset({"Arn"})

    def __init__(self, runtime: Runtime, *, region: str = "us-east-1",
                 account_id: str = "000000000000", layers: LayerStore | None = None,
                 inline_code_dir: Path | None = None) -> None:
        self._runtime = runtime
        self._region, self._account_id = region, account_id
        self._layers = layers or LayerStore()
        self._inline_code_dir = inline_code_dir
        self._specs: dict[str, FunctionSpec] = {}
        # Spec fields that other resources set (versions, aliases, invoke configs,
        # permissions), by function name: kept apart from the function's own properties,
        # so that a function deployed anew keeps them.
        self._set_by_others: dict[str, dict[str, Any]] = {}

    def create(self, res: Resource) -> Deployed:
        return self._deploy(self._spec(res, self._name(res)))

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        result = self._deploy(self._spec(new, self._name(new)))
        if result.physical_id != deployed.physical_id:
            # A new FunctionName replaces the function: the old one goes once the new serves.
            self.delete(old, deployed)
        return result

    def delete(self, res: Resource, deployed: Deployed) -> None:
        # A deleted function's versions and aliases go with it, as in Lambda.
        self._set_by_others.pop(deployed.physical_id, None)
        self._specs.pop(deployed.physical_id, None)
        self._runtime.remove(deployed.physical_id)

    def restore(self, res: Resource, deployed: Deployed) -> None:
        self._deploy(self._spec(res, deployed.physical_id))

    def set_provisioned(self, name: str, count: int, version: str = LATEST,
                        alias: str = "") -> None:
        """Apply an alias's provisioned concurrency to the version it points at. An alias
        without any leaves another alias's config alone."""
        holder = self._set_by_others.get(name, {}).get("provisioned_alias", "")
        if not count and alias and holder not in ("", alias):
            return
        self._set(name, provisioned_concurrency=count, provisioned_version=version,
                  provisioned_alias=alias if count else "")

    def published_versions(self, name: str) -> int:
        """The highest version of the function published so far (0: none)."""
        return self._set_by_others.get(name, {}).get("published_versions", 0)

    def publish(self, name: str, version: int) -> None:
        """Versions 1 to `version` of the function are published (Lambda never reuses a
        version number, and SAM retains the versions it replaces)."""
        self._set(name, published_versions=max(self.published_versions(name), version))

    def set_alias(self, name: str, alias: str, version: str | None,
                  weights: Mapping[str, float] | None = None) -> None:
        """Point an alias of the function at a version ($LATEST or a number), and send
        `weights` (other version → share of invocations) elsewhere; None removes it."""
        held = self._set_by_others.get(name, {})
        aliases = dict(held.get("aliases", {}))
        alias_weights = dict(held.get("alias_weights", {}))
        aliases.pop(alias, None)
        alias_weights.pop(alias, None)
        if version is not None:
            aliases[alias] = version
            if weights:
                alias_weights[alias] = dict(weights)
        self._set(name, aliases=aliases, alias_weights=alias_weights)
        if version is None:
            return
        # Lambda only lets an alias route to published versions.
        for routed in (version, *(weights or {})):
            if routed != LATEST:
                self.publish(name, int(routed))

    def set_event_invoke_config(self, name: str, qualifier: str,
                                config: EventInvokeConfig | None) -> None:
        """Set (None: remove) the asynchronous invocation settings of one qualifier."""
        configs = dict(self._set_by_others.get(name, {}).get("event_invoke_configs", {}))
        configs.pop(qualifier, None)
        if config is not None:
            configs[qualifier] = config
        self._set(name, event_invoke_configs=configs)

    def set_permission(self, name: str, sid: str, permission: FunctionPermission | None) -> None:
        """Add or replace (None: remove) the statement `sid` of the function's policy."""
        held = self._set_by_others.get(name, {}).get("permissions", ())
        kept = tuple(p for p in held if p.sid != sid)
        self._set(name, permissions=kept if permission is None else (*kept, permission))

    def _set(self, name: str, **fields: Any) -> None:
        self._set_by_others.setdefault(name, {}).update(fields)
        spec = self._specs.get(name)
        if spec is None:        # not deployed yet (a restore in progress): _spec applies them
            return
        changed = replace(spec, **fields)
        # Only for a real change (the runtime keeps the workers a change leaves alone).
        if changed != spec:
            self._deploy(changed)

    def _deploy(self, spec: FunctionSpec) -> Deployed:
        self._runtime.deploy(spec)
        self._specs[spec.name] = spec
        return Deployed(spec.name, {"Arn": spec.arn})

    @staticmethod
    def _name(res: Resource) -> str:
        return str(res.properties.get("FunctionName") or physical_name(res, 64))

    def _spec(self, res: Resource, name: str) -> FunctionSpec:
        props = res.properties
        if props.get("PackageType") == "Image":
            raise TemplateError(f"Resource {res.logical_id}: container image functions "
                                "(PackageType Image) are not supported; use a python3.x Runtime")
        runtime = str(props.get("Runtime", ""))
        if not _PYTHON.fullmatch(runtime):
            raise TemplateError(f"Resource {res.logical_id}: Runtime {runtime or '(none)'} is not "
                                "supported; Fogbank runs Python functions (python3.x)")
        if not props.get("Handler"):
            raise TemplateError(f"Properties validation failed for resource {res.logical_id} "
                                "with message: #: required key [Handler] not found")
        return FunctionSpec(
            name=name, handler=str(props["Handler"]), code_dir=self._code_dir(res),
            runtime=runtime,
            memory_mb=self._limited(res, "MemorySize", props.get("MemorySize", 128)),
            timeout_s=float(self._limited(res, "Timeout", props.get("Timeout", 3))),
            environment=self._environment(res),
            layers=tuple(self._layer_dir(res, arn) for arn in props.get("Layers") or []),
            reserved_concurrency=self._optional_int(res, "ReservedConcurrentExecutions"),
            description=str(props.get("Description", "")), role=str(props.get("Role", "")),
            architectures=tuple(props.get("Architectures") or ("x86_64",)),
            region=self._region, account_id=self._account_id,
            ephemeral_storage_mb=self._limited(
                res, "EphemeralStorage", (props.get("EphemeralStorage") or {}).get("Size", 512)),
            tags={str(t["Key"]): as_text(t.get("Value", ""), "a tag value")
                  for t in props.get("Tags") or []},
            logging_config=logging_config(res, name),
            **self._set_by_others.get(name, {}),
        )

    def _code_dir(self, res: Resource) -> Path:
        code = res.properties.get("Code")
        if isinstance(code, dict) and "ZipFile" in code:
            return self._write_inline(res, str(code["ZipFile"]))
        return local_dir(res, "Code", "CodeUri")

    def _write_inline(self, res: Resource, source: str) -> Path:
        if self._inline_code_dir is None:
            self._inline_code_dir = Path(tempfile.mkdtemp(prefix="fogbank-inline-"))
        code_dir = self._inline_code_dir / f"{res.stack_name}-{res.logical_id}"
        module = str(res.properties.get("Handler", "index.handler")).rsplit(".", 1)[0]
        path = code_dir / (module.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
        # CloudFormation adds its response module to inline code that imports it.
        helper = code_dir / "cfnresponse.py"
        if helper != path and _IMPORTS_CFNRESPONSE.search(source):
            helper.write_text(CFNRESPONSE.read_text(encoding="utf-8"), encoding="utf-8")
        elif helper != path:
            helper.unlink(missing_ok=True)      # the code no longer imports it
        return code_dir

    def _environment(self, res: Resource) -> dict[str, str]:
        variables = (res.properties.get("Environment") or {}).get("Variables") or {}
        if not isinstance(variables, Mapping):
            raise TemplateError(f"Resource {res.logical_id}: Environment.Variables must be a mapping")
        return {str(k): as_text(v, f"Environment variable {k} of {res.logical_id}")
                for k, v in variables.items()}

    def _layer_dir(self, res: Resource, arn: Any) -> Path:
        content = self._layers.content_dir(str(arn))
        if content is None:
            raise TemplateError(f"Resource {res.logical_id}: layer {arn} in Layers is not a "
                                "layer of this app (only local LayerVersion resources can be used)")
        return content

    @staticmethod
    def _limited(res: Resource, prop: str, value: Any) -> int:
        field, low, high = settings.LIMITS[prop]
        return within_limits(res, prop, value, field, low, high)

    @staticmethod
    def _optional_int(res: Resource, prop: str) -> int | None:
        value = res.properties.get(prop)
        return None if value is None else as_int(res, prop, value)


def logging_config(res: Resource, name: str) -> dict[str, str]:
    """LoggingConfig as Lambda keeps it (functions/settings.py), refused as CreateFunction
    refuses it, naming the resource."""
    try:
        return settings.logging_config(res.properties.get("LoggingConfig"), name)
    except AwsError as exc:
        raise TemplateError(f"Resource {res.logical_id}: {exc.message}") from None


def within_limits(res: Resource, prop: str, value: Any, field: str, low: int, high: int) -> int:
    """An integer property checked against Lambda's bounds, refused with Lambda's message
    (`field` is the request member's name as Lambda spells it)."""
    number = as_int(res, prop, value)
    try:
        return settings.in_range(number, field, low, high)
    except AwsError as exc:
        raise TemplateError(f"Resource {res.logical_id}: {exc.message}") from None


def as_int(res: Resource, prop: str, value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise TemplateError(f"Resource {res.logical_id}: property {prop} must be an "
                            f"integer, got {value!r}") from None
