"""A `FunctionSpec` as Lambda's FunctionConfiguration, the dict GetFunction and
ListFunctions return."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import uuid
from pathlib import Path
from typing import Any, Protocol

from fogbank.functions.records import Revision
from fogbank.runtime_versions import runtime_version_arn
from fogbank.types import LATEST, FunctionSpec

class LayerFacts(Protocol):
    def code_size(self, arn: str) -> int:
        """A layer version's CodeSize."""

    def arn_of(self, content: Path) -> str | None:
        """The ARN of the template's layer version whose content this is."""


# ListFunctions leaves these out; GetFunction / GetFunctionConfiguration include them.
_DETAIL_ONLY = ("State", "StateReason", "StateReasonCode", "LastUpdateStatus",
                "LastUpdateStatusReason", "LastUpdateStatusReasonCode", "RuntimeVersionConfig")


def function_configuration(spec: FunctionSpec, *, qualifier: str | None = None,
                           detailed: bool = True, kept: Revision | None = None,
                           layers: LayerFacts | None = None) -> dict[str, Any]:
    """The configuration of the version a qualifier names (the caller checked that the
    function has it). A qualified request gets the ARN it named, an alias's included, and
    the number of the version. A function made through the API shows the package,
    revision and layers Fogbank keeps for that version (`kept`); a template's version shows
    the current code and settings, which are all Fogbank keeps of it. `layers` tells each
    layer's ARN and CodeSize."""
    version = spec.version_of(qualifier)
    if version is None:
        raise ValueError(f"{spec.name} has no version or alias {qualifier}")
    if kept is not None:
        size, sha256 = kept.code_size, kept.code_sha256
        modified = lambda_date(kept.last_modified)
        revision_id = kept.revision_id
    else:
        size, sha256, modified = code_facts(spec.code_dir)
        # Each version has a revision of its own, stable while the code is unchanged.
        revision = spec.arn if version == LATEST else f"{spec.arn}:{version}"
        revision_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{revision}#{sha256}"))
    spec = spec.at(version)
    config: dict[str, Any] = {
        "FunctionName": spec.name,
        "FunctionArn": f"{spec.arn}:{qualifier}" if qualifier else spec.arn,
        "Runtime": spec.runtime,
        "Role": spec.role or f"arn:aws:iam::{spec.account_id}:role/{spec.name}-role",
        "Handler": spec.handler,
        "CodeSize": size,
        "Description": spec.description,
        "Timeout": int(spec.timeout_s),
        "MemorySize": spec.memory_mb,
        "LastModified": modified,
        "CodeSha256": sha256,
        "Version": version,
        "TracingConfig": {"Mode": "PassThrough"},
        "RevisionId": revision_id,
        "State": "Active",
        "LastUpdateStatus": "Successful",
        "PackageType": "Zip",
        "Architectures": list(spec.architectures),
        "EphemeralStorage": {"Size": spec.ephemeral_storage_mb},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        # Lambda's default, unless the function was configured otherwise.
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{spec.name}",
                          **spec.logging_config},
    }
    # Lambda leaves Layers out of a function that has none.
    if kept is not None and kept.settings.layers:
        config["Layers"] = [{"Arn": arn, "CodeSize": layers.code_size(arn) if layers else 0}
                            for arn in kept.settings.layers]
    elif kept is None and spec.layers:
        config["Layers"] = [_layer(spec, path, layers) for path in spec.layers]
    if spec.environment:
        config["Environment"] = {"Variables": dict(spec.environment)}
    config["RuntimeVersionConfig"] = {
        "RuntimeVersionArn": runtime_version_arn(spec.region, spec.runtime)}
    if not detailed:
        for key in _DETAIL_ONLY:
            config.pop(key, None)
    return config


# Lambda answers CreateFunction, UpdateFunctionCode and UpdateFunctionConfiguration before
# it has applied them, so their answers show the function on its way (a read after them
# shows it Active and Successful; Fogbank is there at once). Its reason is the same words
# for an update as for a creation.
_BEING_CREATED = "The function is being created."


def as_being_created(config: dict[str, Any]) -> dict[str, Any]:
    """A configuration as a new function's (or a version's) answer shows it: Pending."""
    config = {key: value for key, value in _in_flight(config).items()
              if key != "LastUpdateStatus"}
    config.update(State="Pending", StateReason=_BEING_CREATED, StateReasonCode="Creating")
    return config


def as_being_updated(config: dict[str, Any]) -> dict[str, Any]:
    """A configuration as an update's answer shows it: Active, its update InProgress."""
    return {**_in_flight(config), "LastUpdateStatus": "InProgress",
            "LastUpdateStatusReason": _BEING_CREATED, "LastUpdateStatusReasonCode": "Creating"}


def _in_flight(config: dict[str, Any]) -> dict[str, Any]:
    """$LATEST's revision while a change is under way: on Lambda the change's completion
    (Pending to Active, InProgress to Successful) is a revision of its own, so a read after
    the answer never finds the answer's RevisionId. A version's revision does not change
    as it turns Active (both recorded from Lambda)."""
    if config["Version"] != LATEST:
        return config
    return {**config, "RevisionId": str(uuid.uuid5(uuid.NAMESPACE_URL,
                                                   f"{config['RevisionId']}#in-flight"))}


def code_facts(code_dir: Path) -> tuple[int, str, str]:
    """(size in bytes, base64 SHA-256, last modified) of a code directory.

    Lambda hashes the deployment zip; there is no zip here, so the hash covers each file's
    path, size and modification time — it changes exactly when the code does, without
    reading every file on every call.
    """
    digest = hashlib.sha256()
    total, newest = 0, 0.0
    for path in sorted(_files(code_dir)):
        stat = path.stat()
        total += stat.st_size
        newest = max(newest, stat.st_mtime)
        digest.update(f"{path.relative_to(code_dir)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    if not newest and code_dir.exists():
        newest = code_dir.stat().st_mtime
    modified = dt.datetime.fromtimestamp(newest, dt.timezone.utc)
    return total, base64.b64encode(digest.digest()).decode(), _lambda_time(modified)


def _files(root: Path) -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        found.extend(Path(folder, name) for name in files)
    return found


def _layer(spec: FunctionSpec, path: Path, layers: LayerFacts | None) -> dict[str, Any]:
    """A template function's layer, which the function knows by its content directory."""
    size, _, _ = code_facts(path)
    arn = (layers.arn_of(path) if layers else None) or \
        f"arn:aws:lambda:{spec.region}:{spec.account_id}:layer:{path.name}:1"
    return {"Arn": arn, "CodeSize": size}


def lambda_date(epoch: float) -> str:
    """A moment as Lambda writes LastModified and CreatedDate."""
    return _lambda_time(dt.datetime.fromtimestamp(epoch, dt.timezone.utc))


def _lambda_time(moment: dt.datetime) -> str:
    # Lambda's own format: 2026-01-01T12:00:00.000+0000
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"
