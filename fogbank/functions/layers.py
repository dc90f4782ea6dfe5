"""Lambda layers: the versions published through the Lambda API (kept by the store, so
they come back when the node restarts) and, read-only beside them, the versions the app's
template deploys. Functions made through the API name either by ARN.

One writer, as for functions: every change runs under one lock and is durable before it
is acknowledged. A deleted version disappears from every read at once, but its content
stays while a function still runs with it (Lambda's rule); then it goes at the first start
of the node after no function uses it (`collect`).
"""
from __future__ import annotations

import asyncio
import shutil
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Callable, Protocol, Sequence

from fogbank.functions.archive import describe
from fogbank.functions.errors import PreconditionFailed, ResourceConflict
from fogbank.functions.layer_records import LAYER_ARN, LayerPermission, LayerRecord, LayerVersion
from fogbank.functions.layer_store import LayerVersionStore
from fogbank.functions.sources import Code, ReadObject, package_bytes
from fogbank.types import AwsError, InvalidParameterValue, ResourceNotFound, partition_for


class TemplateLayers(Protocol):
    """The layer versions the app's template deploys, with their content directories."""

    def listed(self) -> Sequence[tuple[LayerVersion, Path]]: ...


class TemplateLayer(AwsError):
    """A change asked of a layer the app's template deploys."""

    code = "NotImplemented"
    status = 501


def not_found() -> ResourceNotFound:
    return ResourceNotFound("The resource you requested does not exist.", extra={"Type": "User"})


class ManagedLayers:
    def __init__(self, store: LayerVersionStore, template: TemplateLayers, *,
                 read_object: ReadObject, in_use: Callable[[str], bool] = lambda arn: False,
                 region: str = "us-east-1", account_id: str = "000000000000",
                 clock: Callable[[], float] = time.time) -> None:
        """`in_use(arn)`: whether a function still runs with that layer version."""
        self._store = store
        self._template = template
        self._read_object = read_object
        self._in_use = in_use
        self._region, self._account_id = region, account_id
        self._clock = clock
        self._records: dict[str, LayerRecord] = {}
        self._lock = asyncio.Lock()

    def restore(self) -> None:
        self._records = {record.name: record for record in self._store.load()}

    def collect(self) -> None:
        """Drop the content of deleted versions no function runs with any more."""
        for record in list(self._records.values()):
            kept = {n: v for n, v in record.versions.items()
                    if not v.deleted or self._in_use(self.arn(v.name, v.version))}
            if len(kept) != len(record.versions):
                record = replace(record, versions=kept)
                self._store.save(record)
                self._records[record.name] = record

    # ------------------------------------------------------------ names

    def arn(self, name: str, version: int | None = None) -> str:
        arn = (f"arn:{partition_for(self._region)}:lambda:{self._region}:{self._account_id}:"
               f"layer:{name}")
        return arn if version is None else f"{arn}:{version}"

    def name_of(self, name_or_arn: str) -> str:
        """The layer a LayerName member names: a name, or the layer's ARN (of this region
        and account: there is no other here)."""
        match = LAYER_ARN.fullmatch(name_or_arn)
        if match is None:
            return name_or_arn
        if (match["region"], match["account"]) != (self._region, self._account_id):
            raise not_found()
        return match["name"]

    # ------------------------------------------------------------ reading

    def get(self, name_or_arn: str, version: int) -> LayerVersion:
        if version < 1:
            raise InvalidParameterValue("Layer Version Cannot be less than 1",
                                        extra={"Type": "User"})
        found = self._live(self.name_of(name_or_arn)).get(version)
        if found is None:
            raise not_found()
        return found

    def get_by_arn(self, arn: str) -> LayerVersion:
        found = self.find(arn)
        if found is None:
            raise not_found()
        return found

    def find(self, arn: str) -> LayerVersion | None:
        """The live version an ARN names, None if there is none."""
        named = self._parse(arn)
        return None if named is None else self._live(named[0]).get(named[1])

    def describe(self, arn: str) -> LayerVersion | None:
        """The version an ARN names, a deleted one a function still runs with included."""
        named = self._parse(arn)
        if named is None:
            return None
        name, number = named
        record = self._records.get(name)
        return self._live(name).get(number) or (record.versions.get(number) if record else None)

    def layers(self, runtime: str | None, architecture: str | None) -> list[LayerVersion]:
        """ListLayers: each layer's newest version that the filters keep, by name."""
        newest = []
        for name in sorted(self._names()):
            matching = self.versions(name, runtime, architecture)
            if matching:
                newest.append(matching[0])
        return newest

    def versions(self, name_or_arn: str, runtime: str | None,
                 architecture: str | None) -> list[LayerVersion]:
        """ListLayerVersions: a layer's versions that the filters keep, newest first (none
        for a layer that does not exist)."""
        live = self._live(self.name_of(name_or_arn))
        return [live[n] for n in sorted(live, reverse=True) if live[n].matches(runtime, architecture)]

    def content_dir(self, arn: str) -> Path | None:
        """What a function runs with for a layer version: its content directory."""
        version = self.describe(arn)
        return None if version is None else self.content_of(version)

    def version_dir(self, name: str, version: int) -> Path | None:
        """The content a version's download link zips (a live version's)."""
        found = self._live(name).get(version)
        return None if found is None else self.content_of(found)

    def template_arn(self, content: Path) -> str | None:
        """The ARN of the template's layer version with this content (template functions
        know their layers by content directory)."""
        for version, path in self._template.listed():
            if path == content:
                return self.arn(version.name, version.version)
        return None

    def content_of(self, version: LayerVersion) -> Path:
        if version.from_template:
            return dict(self._template_versions(version.name))[version.version][1]
        return self._store.content_dir(version.name, version.version)

    # ------------------------------------------------------------ writing

    async def publish(self, name_or_arn: str, code: Code, *, description: str,
                      runtimes: Sequence[str] | None, architectures: Sequence[str] | None,
                      license_info: str | None) -> LayerVersion:
        """`runtimes` and `architectures` are None when the request did not name them."""
        name = self.name_of(name_or_arn)
        self._refuse_template(name)
        data = await package_bytes(code, self._read_object)
        package = describe(data)
        async with self._lock:
            record = self._records.get(name) or LayerRecord(name)
            number = record.last_version + 1
            await asyncio.to_thread(self._store.add_content, name, number, data)
            version = LayerVersion(
                name, number, self._clock(), description=description,
                compatible_runtimes=tuple(runtimes or ()),
                compatible_architectures=tuple(architectures or ()),
                empty_lists=tuple(kind for kind, given in (("runtimes", runtimes),
                                                           ("architectures", architectures))
                                  if given is not None and not given),
                license_info=license_info, code_sha256=package.sha256, code_size=package.size)
            try:
                await self._save(replace(record, last_version=number,
                                         versions={**record.versions, number: version}))
            except BaseException:
                shutil.rmtree(self._store.content_dir(name, number), ignore_errors=True)
                raise
            return version

    async def delete(self, name_or_arn: str, version: int) -> None:
        """Lambda answers the deletion of a version it does not have as done."""
        if version < 1:
            raise InvalidParameterValue("Layer Version Cannot be less than 1",
                                        extra={"Type": "User"})
        name = self.name_of(name_or_arn)
        self._refuse_template(name)
        async with self._lock:
            record = self._records.get(name)
            held = record.versions.get(version) if record else None
            if record is None or held is None or held.deleted:
                return
            versions = dict(record.versions)
            if self._in_use(self.arn(name, version)):
                versions[version] = replace(held, deleted=True)
            else:
                del versions[version]
            await self._save(replace(record, versions=versions))

    async def add_permission(self, name_or_arn: str, version: int, permission: LayerPermission,
                             revision_id: str | None) -> LayerVersion:
        async with self._lock:
            record, held = self._writable(name_or_arn, version)
            if any(p.sid == permission.sid for p in held.permissions):
                raise ResourceConflict(f"The statement id ({permission.sid}) provided already "
                                       "exists. Please provide a new statement id, or remove "
                                       "the existing statement.", extra={"Type": "User"})
            _check_revision(held, revision_id)
            changed = replace(held, permissions=(*held.permissions, permission),
                              policy_revision=str(uuid.uuid4()))
            await self._save(replace(record, versions={**record.versions, version: changed}))
            return changed

    async def remove_permission(self, name_or_arn: str, version: int, sid: str,
                                revision_id: str | None) -> None:
        async with self._lock:
            record, held = self._writable(name_or_arn, version)
            _check_revision(held, revision_id)
            kept = tuple(p for p in held.permissions if p.sid != sid)
            if len(kept) == len(held.permissions):
                raise ResourceNotFound(f"Statement {sid} is not found in resource policy.",
                                       extra={"Type": "User"})
            changed = replace(held, permissions=kept, policy_revision=str(uuid.uuid4()))
            await self._save(replace(record, versions={**record.versions, version: changed}))

    def policy_of(self, name_or_arn: str, version: int) -> LayerVersion:
        """The version whose policy GetLayerVersionPolicy returns (one with statements)."""
        held = self._existing(self.name_of(name_or_arn), version)
        if not held.permissions:
            raise ResourceNotFound("No policy is associated with the given resource.",
                                   extra={"Type": "User"})
        return held

    # ------------------------------------------------------------ internals

    def _parse(self, arn: str) -> tuple[str, int] | None:
        """(layer name, version) of a version ARN of this region and account."""
        match = LAYER_ARN.fullmatch(arn)
        if match is None or match["version"] is None or \
                (match["region"], match["account"]) != (self._region, self._account_id):
            return None
        return match["name"], int(match["version"])

    def _names(self) -> set[str]:
        return {v.name for v, _ in self._template.listed()} | set(self._records)

    def _template_versions(self, name: str) -> dict[int, tuple[LayerVersion, Path]]:
        return {v.version: (v, path) for v, path in self._template.listed() if v.name == name}

    def _live(self, name: str) -> dict[int, LayerVersion]:
        """A layer's versions that reads see: the template's, if it deploys the name (as for
        functions, the template's wins), else the API's that are not deleted."""
        template = self._template_versions(name)
        if template:
            return {n: v for n, (v, _) in template.items()}
        record = self._records.get(name)
        return {} if record is None else {v.version: v for v in record.live()}

    def _existing(self, name: str, version: int) -> LayerVersion:
        """A version that policy operations name; Lambda words its absence with the ARN."""
        held = self._live(name).get(version)
        if held is None:
            raise ResourceNotFound(f"Layer version {self.arn(name, version)} does not exist.",
                                   extra={"Type": "User"})
        return held

    def _writable(self, name_or_arn: str, version: int) -> tuple[LayerRecord, LayerVersion]:
        name = self.name_of(name_or_arn)
        held = self._existing(name, version)
        self._refuse_template(name)
        return self._records[name], held

    def _refuse_template(self, name: str) -> None:
        if self._template_versions(name):
            raise TemplateLayer(f"Layer {name} is deployed from the app's SAM template; change "
                                "the template instead (fogbank up reloads it).")

    async def _save(self, record: LayerRecord) -> None:
        await asyncio.to_thread(self._store.save, record)
        self._records[record.name] = record


def _check_revision(held: LayerVersion, revision_id: str | None) -> None:
    if revision_id and revision_id != held.policy_revision:
        raise PreconditionFailed("The Revision Id provided does not match the latest Revision "
                                 "Id. Call the GetLayerPolicy API to retrieve the latest "
                                 "Revision Id", extra={"Type": "User"})
