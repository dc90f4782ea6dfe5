"""Functions made through the Lambda API: created, changed, published and deleted here,
kept by the store (so they come back when the node restarts) and served by the runtime
exactly as the template's functions are.

One writer: every change runs under one lock, reads the function's record, writes the
new record durably, then deploys the spec made from it. Functions the template deploys
are not this engine's: changing one here is refused.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol, Sequence

from fogbank.functions import settings as limits
from fogbank.functions.archive import Package, describe
from fogbank.functions.errors import ResourceConflict, stale_revision
from fogbank.functions import provisioned
from fogbank.functions.provisioned import ALIAS_NAME
from fogbank.functions.records import Alias, FunctionRecord, Provisioned, Revision, Settings
from fogbank.functions.sources import Code, ReadObject, package_bytes
from fogbank.functions.store import FunctionStore
from fogbank.functions.urls import UrlConfig, new_url_id
from fogbank.types import (LATEST, AwsError, EventInvokeConfig, FunctionPermission,
                           FunctionSpec, InvalidParameterValue, ResourceNotFound)

log = logging.getLogger(__name__)

_PYTHON = re.compile(r"python3\.\d+")
# Lambda keeps this much of the account's concurrency for functions without a reservation.
MIN_UNRESERVED = 100
MAX_TAGS = 50               # tags on one function, at most



class Runtime(Protocol):
    def deploy(self, spec: FunctionSpec) -> Any: ...

    def remove(self, name: str) -> Any: ...

    def get(self, name: str) -> FunctionSpec: ...

    def list(self) -> Sequence[FunctionSpec]: ...


class Layers(Protocol):
    def content_dir(self, arn: str) -> Path | None:
        """What a function runs with: a deleted version a function still uses included."""

    def find(self, arn: str) -> Any:
        """The live version an ARN names (None: none), for a new reference to it."""

    def collect(self) -> None:
        """Drop what deleted versions no function uses any more left behind."""


class UrlServer(Protocol):
    def serve(self, function: str, urls: Mapping[str, UrlConfig]) -> None:
        """Serve exactly these URLs of a function (by alias, "" unqualified): none once
        it is deleted."""


class TemplateFunction(AwsError):
    """A change asked of a function the app's template deploys."""

    code = "NotImplemented"
    status = 501


class ManagedFunctions:
    def __init__(self, store: FunctionStore, runtime: Runtime, *, read_object: ReadObject,
                 layers: Layers, region: str = "us-east-1",
                 account_id: str = "000000000000", concurrency_limit: int = 1000,
                 clock: Callable[[], float] = time.time,
                 urls: UrlServer | None = None) -> None:
        self._store = store
        self._urls = urls
        self._runtime = runtime
        self._read_object = read_object
        self._layers = layers
        self._region, self._account_id = region, account_id
        self._concurrency_limit = concurrency_limit
        self._clock = clock
        self._records: dict[str, FunctionRecord] = {}
        self._lock = asyncio.Lock()

    # ------------------------------------------------------------ reading

    def restore(self) -> None:
        """Serve every function the store keeps (when the node starts, after the template:
        a template function of the same name keeps its name)."""
        for record in self._store.load():
            if self._deployed(record.name):
                log.warning("function %s made through the API is not served: the template "
                            "deploys a function of that name", record.name)
                continue
            try:
                self._runtime.deploy(self._spec(record, strict=False))
            except AwsError as exc:
                log.warning("function %s could not be restored: %s", record.name, exc.message)
                continue
            self._records[record.name] = record
            self._serve_urls(record)
        self._layers.collect()

    def owns(self, name: str) -> bool:
        return name in self._records

    def uses_layer(self, arn: str) -> bool:
        """Whether a function (any version of it) runs with this layer version."""
        return any(arn in revision.settings.layers for record in self._records.values()
                   for revision in (record.latest, *record.versions.values()))

    def record(self, name: str, *, named_as: str | None = None) -> FunctionRecord:
        """A function's record; `named_as` is the qualifier Lambda's not-found message
        names (CreateAlias names the version, PutFunctionConcurrency $LATEST)."""
        record = self._records.get(name)
        if record is None:
            self._refuse_template(name)
            raise self._not_found(f"{name}:{named_as}" if named_as else name)
        return record

    # ------------------------------------------------------------ functions

    async def create(self, name: str, wanted: Settings, code: Code, *,
                     tags: Mapping[str, str], publish: bool) -> FunctionRecord:
        wanted = self._checked(name, wanted)
        data = await self._package(code)
        async with self._lock:
            if name in self._records or self._deployed(name):
                raise ResourceConflict(f"Function already exist: {name}", extra={"Type": "User"})
            try:
                package = await self._unpack(name, data)
            except BaseException:
                await asyncio.to_thread(self._store.delete, name)   # nothing of it is kept
                raise
            record = FunctionRecord(name, self._revision(wanted, package), tags=dict(tags))
            if publish:
                record = self._published(record, description=None)
            await self._commit(record)
            return record

    async def update_code(self, name: str, code: Code, *, publish: bool,
                          revision_id: str | None) -> FunctionRecord:
        data = await self._package(code)
        async with self._lock:
            record = self._current(name, revision_id)
            package = await self._unpack(name, data)
            record = replace(record, latest=self._revision(record.latest.settings, package))
            if publish:
                record = self._published(record, description=None)
            await self._commit(record)
            return record

    async def update_configuration(self, name: str, changes: Mapping[str, Any],
                                   revision_id: str | None) -> FunctionRecord:
        """`changes`: Settings fields and their new values."""
        async with self._lock:
            record = self._current(name, revision_id)
            wanted = self._checked(name, replace(record.latest.settings, **changes),
                                   had=record.latest.settings.layers)
            latest = record.latest
            package = Package(latest.code_sha256, latest.code_size)
            record = replace(record, latest=self._revision(wanted, package))
            await self._commit(record)
            return record

    async def delete(self, name: str, qualifier: str | None) -> None:
        # Lambda refuses $LATEST before it looks for the function.
        if qualifier == LATEST:
            raise InvalidParameterValue("$LATEST version cannot be deleted without deleting "
                                        "the function.", extra={"Type": "User"})
        async with self._lock:
            record = self.record(name)
            if qualifier is None:
                await asyncio.to_thread(self._store.delete, name)
                del self._records[name]
                self._runtime.remove(name)
                if self._urls is not None:
                    self._urls.serve(name, {})      # its URLs go with it
                return
            if qualifier not in record.versions:
                raise self._not_found(f"{name}:{qualifier}")
            using = sorted(a for a, alias in record.aliases.items()
                           if alias.version == qualifier or qualifier in alias.weights)
            if using:
                raise ResourceConflict("Unable to delete version because the following aliases "
                                       f"reference it: [{', '.join(using)}]",
                                       extra={"Type": "User"})
            versions = {v: r for v, r in record.versions.items() if v != qualifier}
            await self._commit(replace(record, versions=versions,
                                       provisioned=_without(record.provisioned, qualifier)))

    async def publish(self, name: str, *, code_sha256: str | None, description: str | None,
                      revision_id: str | None) -> tuple[FunctionRecord, str]:
        """Publish $LATEST as the next version, or answer the version that already holds
        the same code and configuration (Lambda publishes nothing new then)."""
        async with self._lock:
            record = self._current(name, revision_id)
            if code_sha256 and code_sha256 != record.latest.code_sha256:
                raise InvalidParameterValue(
                    f"CodeSHA256 ({code_sha256}) is different from current CodeSHA256 in "
                    f"$LATEST ({record.latest.code_sha256}). Please try again with the "
                    "CodeSHA256 in $LATEST.", extra={"Type": "User"})
            record = self._published(record, description)
            await self._commit(record)
            return record, str(record.last_version)

    # ------------------------------------------------------------ aliases

    async def put_alias(self, name: str, alias: str, *, version: str | None,
                        description: str | None, weights: Mapping[str, float] | None,
                        revision_id: str | None, create: bool) -> FunctionRecord:
        async with self._lock:
            record = self.record(name, named_as=version if create else None)
            held = record.aliases.get(alias)
            if create and held is not None:
                raise ResourceConflict(f"Alias already exists: {self._arn(name)}:{alias}",
                                       extra={"Type": "User"})
            if not create:
                if held is None:
                    raise ResourceNotFound(f"Alias not found: {self._arn(name)}:{alias}",
                                           extra={"Type": "User"})
                if revision_id and revision_id != held.revision_id:
                    raise stale_revision()
            target = version or held.version        # held is set when version is None
            routes = dict(held.weights) if weights is None and held else dict(weights or {})
            limits.check_routing(target, routes)
            for routed in (target, *routes):
                if routed != LATEST and routed not in record.versions:
                    raise self._not_found(f"{name}:{routed}")
            new = Alias(target, str(uuid.uuid4()),
                        held.description if description is None and held else description or "",
                        routes)
            record = replace(record, aliases={**record.aliases, alias: new})
            await self._commit(record)
            return record

    async def delete_alias(self, name: str, alias: str) -> None:
        async with self._lock:
            record = self.record(name)
            # Lambda answers a missing alias's deletion as done.
            aliases = {a: held for a, held in record.aliases.items() if a != alias}
            if len(aliases) != len(record.aliases):
                # Its URL leaves the Lambda API but keeps its address, which now answers
                # Forbidden (urls.UrlConfig.orphaned).
                urls = {q: replace(url, orphaned=True) if q == alias else url
                        for q, url in record.urls.items()}
                # Its provisioned concurrency config goes.
                await self._commit(replace(record, aliases=aliases, urls=urls,
                                           provisioned=_without(record.provisioned, alias)))

    # ------------------------------------------------------------ the rest of a function

    async def add_permission(self, name: str, permission: FunctionPermission) -> FunctionRecord:
        async with self._lock:
            record = self.record(name)
            self._check_policy_qualifier(record, permission.qualifier)
            if any(p.sid == permission.sid for p in record.permissions):
                raise ResourceConflict(f"The statement id ({permission.sid}) provided already "
                                       "exists. Please provide a new statement id, or remove "
                                       "the existing statement.", extra={"Type": "User"})
            record = _policy_changed(replace(record, permissions=(*record.permissions,
                                                                  permission)),
                                     permission.qualifier)
            await self._commit(record)
            return record

    async def remove_permission(self, name: str, sid: str, qualifier: str | None) -> None:
        async with self._lock:
            if name not in self._records:
                self._refuse_template(name)
                # Lambda answers for a missing function as for one without a policy.
                raise ResourceNotFound(f"No policy found for: {self._arn(name)}",
                                       extra={"Type": "User"})
            record = self._records[name]
            self._check_policy_qualifier(record, qualifier)
            wanted = None if qualifier == LATEST else qualifier
            if not any(p.qualifier == wanted for p in record.permissions):
                raise ResourceNotFound("No policy is associated with the given resource.",
                                       extra={"Type": "User"})
            kept = tuple(p for p in record.permissions
                         if not (p.sid == sid and p.qualifier == wanted))
            if len(kept) == len(record.permissions):
                raise ResourceNotFound(f"Statement {sid} is not found in resource policy.",
                                       extra={"Type": "User"})
            await self._commit(_policy_changed(replace(record, permissions=kept), wanted))

    async def set_concurrency(self, name: str, reserved: int | None) -> None:
        async with self._lock:
            record = self.record(name, named_as=LATEST if reserved is not None else None)
            if reserved is not None:
                provisioned_total = sum(p.requested for p in record.provisioned.values())
                if reserved < provisioned_total:
                    # Lambda's words, spaces and all, and again no Type.
                    raise InvalidParameterValue(
                        f" ReservedConcurrentExecutions  {reserved} should not be lower than "
                        f"function's total provisioned concurrency [{provisioned_total}].",
                        extra={"Type": None})
                others = self._claimed_elsewhere(name)
                if self._concurrency_limit - others - reserved < MIN_UNRESERVED:
                    raise InvalidParameterValue(
                        "Specified ReservedConcurrentExecutions for function decreases "
                        "account's UnreservedConcurrentExecution below its minimum value of "
                        f"[{MIN_UNRESERVED}].", extra={"Type": None})   # Lambda gives no Type
            await self._commit(replace(record, reserved_concurrency=reserved))

    async def tag(self, name: str, tags: Mapping[str, str]) -> None:
        async with self._lock:
            record = self.record(name)
            if not tags:
                # Lambda's own (uninformative) words for a TagResource without tags.
                raise InvalidParameterValue("An error occurred and the request cannot be "
                                            "processed.", extra={"Type": "User"})
            merged = {**record.tags, **tags}
            if len(merged) > MAX_TAGS:
                raise InvalidParameterValue("Number of tags exceeds resource tag limit.",
                                            extra={"Type": "User"})
            await self._commit(replace(record, tags=merged))

    async def untag(self, name: str, keys: Sequence[str]) -> None:
        async with self._lock:
            record = self.record(name)
            tags = {k: v for k, v in record.tags.items() if k not in keys}
            await self._commit(replace(record, tags=tags))

    async def put_event_invoke_config(self, name: str, qualifier: str,
                                      config: EventInvokeConfig | None) -> FunctionRecord:
        """Set (None: remove) the asynchronous invocation settings of one qualifier."""
        async with self._lock:
            record = self.record(name)
            self._check_qualifier(record, qualifier)
            configs = {q: c for q, c in record.event_invoke_configs.items() if q != qualifier}
            if config is not None:
                configs[qualifier] = replace(config, last_modified=self._clock())
            record = replace(record, event_invoke_configs=configs)
            await self._commit(record)
            return record

    # ------------------------------------------------------------ provisioned concurrency

    async def put_provisioned(self, name: str, qualifier: str, requested: int) -> Provisioned:
        """Set the provisioned concurrency of a version or alias; the runtime starts its
        workers in the background."""
        qualifier = provisioned.checked_qualifier(qualifier, put=True)
        async with self._lock:
            record = self._provisioned_owner(name, qualifier)
            provisioned.check_put(record, qualifier, requested, limit=self._concurrency_limit,
                                  claimed_elsewhere=self._claimed_elsewhere(name),
                                  min_unreserved=MIN_UNRESERVED)
            config = Provisioned(requested, self._clock())
            await self._commit(replace(record, provisioned={**record.provisioned,
                                                            qualifier: config}))
            return config

    async def delete_provisioned(self, name: str, qualifier: str) -> None:
        """Remove a version's or alias's config; Lambda answers a missing one as done."""
        qualifier = provisioned.checked_qualifier(qualifier, put=False)
        async with self._lock:
            record = self._provisioned_owner(name, qualifier)
            if qualifier in record.provisioned:
                await self._commit(replace(
                    record, provisioned=_without(record.provisioned, qualifier)))

    def _provisioned_owner(self, name: str, qualifier: str) -> FunctionRecord:
        """The function whose version or alias `qualifier` a config is changed on; a
        template function refuses."""
        record = self._records.get(name)
        if record is None:
            self._refuse_template(name)
        if record is None or (qualifier not in record.versions
                              and qualifier not in record.aliases):
            raise provisioned.target_missing(self._arn(name), qualifier)
        return record

    def _claimed_elsewhere(self, name: str) -> int:
        """The account's concurrency other functions hold: each its reservation, else its
        provisioned concurrency."""
        return sum(spec.claimed_concurrency for spec in self._runtime.list()
                   if spec.name != name)

    # ------------------------------------------------------------ function URLs

    async def create_url(self, name: str, qualifier: str | None, *, auth_type: str,
                         invoke_mode: str | None, cors: Mapping[str, Any] | None) -> UrlConfig:
        """A new URL for the function or one of its aliases (its Cors checked already:
        urls.check_cors; the rest by the SDK edge against the model)."""
        async with self._lock:
            record = self._url_owner(name, qualifier)
            key = qualifier or ""
            if _live_url(record, qualifier) is not None:
                arn = self._arn(f"{name}:{qualifier}" if qualifier else name)
                raise ResourceConflict(f"Failed to create function url config for [functionArn "
                                       f"= {arn}]. Error message:  FunctionUrlConfig exists "
                                       "for this Lambda function", extra={"Type": "User"})
            now = self._clock()
            url = UrlConfig(new_url_id(), auth_type, invoke_mode or "BUFFERED", cors or None,
                            created=now, last_modified=now,
                            invoke_mode_named=invoke_mode is not None)
            await self._commit(replace(record, urls={**record.urls, key: url}))
            return url

    async def update_url(self, name: str, qualifier: str | None,
                         changes: Mapping[str, Any]) -> UrlConfig:
        """`changes`: UrlConfig fields (auth_type, invoke_mode, cors) and their new values."""
        async with self._lock:
            record = self._url_owner(name, qualifier)
            held = _live_url(record, qualifier)
            if held is None:
                raise _no_url()
            url = replace(held, **changes, last_modified=self._clock(),
                          invoke_mode_named=held.invoke_mode_named or "invoke_mode" in changes)
            await self._commit(replace(record, urls={**record.urls, qualifier or "": url}))
            return url

    async def delete_url(self, name: str, qualifier: str | None) -> None:
        async with self._lock:
            record = self._records.get(name)
            if record is None:
                self._refuse_template(name)
                raise _no_url()        # Lambda answers as for a missing URL
            if _live_url(record, qualifier) is None:
                raise _no_url()
            urls = {q: url for q, url in record.urls.items() if q != (qualifier or "")}
            await self._commit(replace(record, urls=urls))

    def _url_owner(self, name: str, qualifier: str | None) -> FunctionRecord:
        """The function whose URL (of `qualifier`, an alias, if given) is made or changed;
        a template function refuses."""
        record = self._records.get(name)
        if record is None:
            self._refuse_template(name)
        if record is None or (qualifier and qualifier not in record.aliases):
            raise ResourceNotFound("Function does not exist", extra={"Type": "User"})
        return record

    def _serve_urls(self, record: FunctionRecord) -> None:
        if self._urls is not None:
            self._urls.serve(record.name, record.urls)

    # ------------------------------------------------------------ internals

    def _current(self, name: str, revision_id: str | None) -> FunctionRecord:
        record = self.record(name)
        if revision_id and revision_id != record.latest.revision_id:
            raise stale_revision()
        return record

    def _check_qualifier(self, record: FunctionRecord, qualifier: str | None) -> None:
        if qualifier in (None, LATEST) or qualifier in record.versions \
                or qualifier in record.aliases:
            return
        raise self._not_found(f"{record.name}:{qualifier}")

    def _check_policy_qualifier(self, record: FunctionRecord, qualifier: str | None) -> None:
        """As _check_qualifier, but the policy operations name a missing alias as such (a
        qualifier that could be an alias's name: not a number, no `$`)."""
        if qualifier and ALIAS_NAME.fullmatch(qualifier) and qualifier not in record.aliases:
            raise ResourceNotFound(f"Cannot find alias arn: {self._arn(record.name)}:{qualifier}",
                                   extra={"Type": "User"})
        self._check_qualifier(record, qualifier)

    def _checked(self, name: str, wanted: Settings, had: Sequence[str] = ()) -> Settings:
        """A configuration after Lambda's checks (the template's own, settings.py, among
        them), its LoggingConfig as Lambda keeps it."""
        if not _PYTHON.fullmatch(wanted.runtime):
            raise InvalidParameterValue(
                f"The runtime parameter of {wanted.runtime} is not supported here: Fogbank "
                "runs Python functions (python3.x).", extra={"Type": "User"})
        limits.limited("Timeout", wanted.timeout_s)
        limits.limited("MemorySize", wanted.memory_mb)
        limits.limited("EphemeralStorage", wanted.ephemeral_storage_mb)
        limits.check_environment(wanted.environment)
        limits.check_architectures(wanted.architectures)
        limits.check_layers(wanted.layers, had=had, region=self._region,
                            exists=lambda arn: self._layers.find(arn) is not None)
        return replace(wanted, logging_config=limits.logging_config(
            wanted.logging_config or None, name))

    async def _package(self, code: Code) -> bytes:
        return await package_bytes(code, self._read_object)

    async def _unpack(self, name: str, data: bytes) -> Package:
        package = describe(data)
        await asyncio.to_thread(self._store.add_code, name, data, package)
        return package

    def _revision(self, wanted: Settings, package: Package) -> Revision:
        return Revision(wanted, package.sha256, package.size, self._clock(),
                        str(uuid.uuid4()))

    def _published(self, record: FunctionRecord, description: str | None) -> FunctionRecord:
        """$LATEST published as the next version, unless the newest version already runs
        the same code and configuration."""
        latest = record.latest
        if record.last_version and str(record.last_version) in record.versions:
            newest = record.versions[str(record.last_version)]
            if _unchanged_since(newest, latest):
                return record
        number = record.last_version + 1
        settings = latest.settings if description is None else \
            replace(latest.settings, description=description)
        version = Revision(settings, latest.code_sha256, latest.code_size, self._clock(),
                           str(uuid.uuid4()))
        # Publishing is a new revision of $LATEST too (recorded from Lambda).
        return replace(record, latest=replace(latest, revision_id=str(uuid.uuid4())),
                       versions={**record.versions, str(number): version},
                       last_version=number)

    async def _commit(self, record: FunctionRecord) -> None:
        """Deploy the record's spec (which checks what the runtime checks), then keep it."""
        spec = self._spec(record, strict=True)
        try:
            self._runtime.deploy(spec)
        except BaseException:
            if record.name not in self._records:        # a new function's code goes too
                await asyncio.to_thread(self._store.delete, record.name)
            raise
        try:
            await asyncio.to_thread(self._store.save, record)
        except BaseException:
            old = self._records.get(record.name)
            if old is None:
                self._runtime.remove(record.name)
            else:
                self._runtime.deploy(self._spec(old, strict=False))
            raise
        self._records[record.name] = record
        self._serve_urls(record)        # live at once

    def _spec(self, record: FunctionRecord, *, strict: bool) -> FunctionSpec:
        snapshots = {v: self._revision_spec(record.name, rev, strict)
                     for v, rev in record.versions.items()}
        latest = self._revision_spec(record.name, record.latest, strict)
        return replace(
            latest, snapshots=snapshots,
            published_versions=max(map(int, record.versions), default=0),
            aliases={name: alias.version for name, alias in record.aliases.items()},
            alias_weights={name: dict(alias.weights) for name, alias in record.aliases.items()
                           if alias.weights},
            tags=dict(record.tags), reserved_concurrency=record.reserved_concurrency,
            permissions=record.permissions,
            event_invoke_configs=dict(record.event_invoke_configs),
            provisioned_configs={q: p.requested for q, p in record.provisioned.items()})

    def _revision_spec(self, name: str, revision: Revision, strict: bool) -> FunctionSpec:
        wanted = revision.settings
        layers = []
        for arn in wanted.layers:
            content = self._layers.content_dir(arn)
            if content is None:
                if strict:
                    raise InvalidParameterValue(f"Layer version {arn} does not exist.",
                                                extra={"Type": "User"})
                log.warning("function %s: layer %s is gone; it runs without it", name, arn)
                continue
            layers.append(content)
        package = Package(revision.code_sha256, revision.code_size)
        return FunctionSpec(
            name=name, handler=wanted.handler, code_dir=self._store.code_dir(name, package.key),
            runtime=wanted.runtime, memory_mb=wanted.memory_mb,
            timeout_s=float(wanted.timeout_s), environment=dict(wanted.environment),
            layers=tuple(layers), description=wanted.description, role=wanted.role,
            architectures=wanted.architectures, region=self._region,
            account_id=self._account_id, ephemeral_storage_mb=wanted.ephemeral_storage_mb,
            logging_config=dict(wanted.logging_config))

    def _deployed(self, name: str) -> bool:
        try:
            self._runtime.get(name)
        except (AwsError, KeyError):
            return False
        return True

    def _refuse_template(self, name: str) -> None:
        if self._deployed(name):
            raise TemplateFunction(
                f"Function {name} is deployed from the app's SAM template; change the "
                "template instead (fogbank up reloads it).")

    def _arn(self, name: str) -> str:
        return f"arn:aws:lambda:{self._region}:{self._account_id}:function:{name}"

    def _not_found(self, name: str) -> ResourceNotFound:
        return ResourceNotFound(f"Function not found: {self._arn(name)}", extra={"Type": "User"})


def _unchanged_since(newest: Revision, latest: Revision) -> bool:
    """Whether $LATEST still holds what its newest version was published from. Any update
    of $LATEST after the version was made counts as a change, even one that changed nothing
    (an UpdateFunctionCode of the same package): Lambda does not compare them then (moto's
    tests verified against AWS, getmoto/moto#8379). A version may carry a description of
    its own (PublishVersion's Description), so that alone is no change."""
    if latest.last_modified > newest.last_modified:
        return False
    return (newest.code_sha256 == latest.code_sha256 and
            replace(newest.settings, description=latest.settings.description) == latest.settings)


def _policy_changed(record: FunctionRecord, qualifier: str | None) -> FunctionRecord:
    """A change to the function's own policy is a new revision of $LATEST, which GetPolicy
    answers as the policy's (recorded from Lambda)."""
    if qualifier is not None:
        return record
    return replace(record, latest=replace(record.latest, revision_id=str(uuid.uuid4())))


def _without(configs: Mapping[str, Provisioned], qualifier: str) -> dict[str, Provisioned]:
    return {q: config for q, config in configs.items() if q != qualifier}


def _live_url(record: FunctionRecord, qualifier: str | None) -> UrlConfig | None:
    """The URL of the function or alias the Lambda API knows; a deleted alias's orphan is
    none (a new URL for the alias made again replaces it)."""
    url = record.urls.get(qualifier or "")
    return None if url is None or url.orphaned else url


def _no_url() -> ResourceNotFound:
    return ResourceNotFound("The resource you requested does not exist.", extra={"Type": "User"})
