"""The Lambda API's layer operations: PublishLayerVersion, the reads (GetLayerVersion,
GetLayerVersionByArn, ListLayers, ListLayerVersions), DeleteLayerVersion and the layer
version policy (AddLayerVersionPermission, GetLayerVersionPolicy,
RemoveLayerVersionPermission), over the layers engine. Content.Location is a code link
(code_links.py) to a zip of the version's content."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, Sequence

from fogbank.aws.errors import ValidationError
from fogbank.aws.lambda_api.code_links import CodeLinks
from fogbank.aws.lambda_api.configuration import code_facts, lambda_date
from fogbank.aws.lambda_api.control import package_source
from fogbank.aws.lambda_api.paging import PAGE_LIMIT, opaque, start_after
from fogbank.aws.lambda_api.policy import principal_of
from fogbank.aws.lambda_api.runtimes import model_runtimes
from fogbank.aws.service import CallContext, Handler
from fogbank.functions import LayerPermission, LayerVersion, ManagedLayers

ARCHITECTURES = ("x86_64", "arm64")


class LayerOperations:
    def __init__(self, layers: ManagedLayers, code_links: CodeLinks, *, region: str) -> None:
        self._layers = layers
        self._code_links = code_links
        self._region = region
        self.operations: Mapping[str, Handler] = {
            "PublishLayerVersion": self.publish_layer_version,
            "GetLayerVersion": self.get_layer_version,
            "GetLayerVersionByArn": self.get_layer_version_by_arn,
            "ListLayers": self.list_layers,
            "ListLayerVersions": self.list_layer_versions,
            "DeleteLayerVersion": self.delete_layer_version,
            "AddLayerVersionPermission": self.add_layer_version_permission,
            "GetLayerVersionPolicy": self.get_layer_version_policy,
            "RemoveLayerVersionPermission": self.remove_layer_version_permission,
        }

    def code_size(self, arn: str) -> int:
        """A layer version's CodeSize, as a function's configuration lists it."""
        version = self._layers.describe(arn)
        return 0 if version is None else self._content_facts(version)[0]

    def arn_of(self, content: Path) -> str | None:
        return self._layers.template_arn(content)

    async def publish_layer_version(self, params: dict[str, Any],
                                    ctx: CallContext) -> dict[str, Any]:
        runtimes = params.get("CompatibleRuntimes")
        architectures = params.get("CompatibleArchitectures")
        _check_compatibility(runtimes or [], architectures or [])
        code = package_source(params["Content"], "PublishLayerVersion", "layer content")
        version = await self._layers.publish(
            params["LayerName"], code, description=params.get("Description") or "",
            runtimes=runtimes, architectures=architectures,
            license_info=params.get("LicenseInfo"))
        return self._described(version)

    async def get_layer_version(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return self._described(self._layers.get(params["LayerName"], params["VersionNumber"]))

    async def get_layer_version_by_arn(self, params: dict[str, Any],
                                       ctx: CallContext) -> dict[str, Any]:
        return self._described(self._layers.get_by_arn(params["Arn"]))

    async def list_layers(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        newest = self._layers.layers(params.get("CompatibleRuntime"),
                                     params.get("CompatibleArchitecture"))
        page, marker = _page(newest, [v.name for v in newest], params)
        output: dict[str, Any] = {"Layers": [
            {"LayerName": v.name, "LayerArn": self._layers.arn(v.name),
             "LatestMatchingVersion": self._listed(v)} for v in page]}
        if marker:
            output["NextMarker"] = marker
        return output

    async def list_layer_versions(self, params: dict[str, Any],
                                  ctx: CallContext) -> dict[str, Any]:
        versions = self._layers.versions(params["LayerName"], params.get("CompatibleRuntime"),
                                         params.get("CompatibleArchitecture"))
        page, marker = _page(versions, [str(v.version) for v in versions], params)
        output: dict[str, Any] = {"LayerVersions": [self._listed(v) for v in page]}
        if marker:
            output["NextMarker"] = marker
        return output

    async def delete_layer_version(self, params: dict[str, Any],
                                   ctx: CallContext) -> dict[str, Any]:
        await self._layers.delete(params["LayerName"], params["VersionNumber"])
        return {}

    async def add_layer_version_permission(self, params: dict[str, Any],
                                           ctx: CallContext) -> dict[str, Any]:
        permission = LayerPermission(params["StatementId"], params["Action"],
                                     params["Principal"], params.get("OrganizationId"))
        version = await self._layers.add_permission(
            params["LayerName"], params["VersionNumber"], permission, params.get("RevisionId"))
        return {"Statement": _json(self._statement(version, permission)),
                "RevisionId": version.policy_revision}

    async def get_layer_version_policy(self, params: dict[str, Any],
                                       ctx: CallContext) -> dict[str, Any]:
        version = self._layers.policy_of(params["LayerName"], params["VersionNumber"])
        policy = {"Version": "2012-10-17", "Id": "default",
                  "Statement": [self._statement(version, p) for p in version.permissions]}
        return {"Policy": _json(policy), "RevisionId": version.policy_revision}

    async def remove_layer_version_permission(self, params: dict[str, Any],
                                              ctx: CallContext) -> dict[str, Any]:
        await self._layers.remove_permission(params["LayerName"], params["VersionNumber"],
                                             params["StatementId"], params.get("RevisionId"))
        return {}

    # ------------------------------------------------------------ internals

    def _described(self, version: LayerVersion) -> dict[str, Any]:
        """GetLayerVersion's and PublishLayerVersion's output."""
        size, sha256 = self._content_facts(version)
        return {"Content": {"Location": self._code_links.url_for_layer(version.name,
                                                                       version.version),
                            "CodeSha256": sha256, "CodeSize": size},
                "LayerArn": self._layers.arn(version.name), **self._listed(version)}

    def _listed(self, version: LayerVersion) -> dict[str, Any]:
        """A version as ListLayerVersions lists it; Lambda leaves out what was not given, but
        answers a list given empty as []."""
        item: dict[str, Any] = {
            "LayerVersionArn": self._layers.arn(version.name, version.version),
            "Version": version.version, "Description": version.description,
            "CreatedDate": lambda_date(version.created)}
        if version.compatible_runtimes or "runtimes" in version.empty_lists:
            item["CompatibleRuntimes"] = list(version.compatible_runtimes)
        if version.compatible_architectures or "architectures" in version.empty_lists:
            item["CompatibleArchitectures"] = list(version.compatible_architectures)
        if version.license_info:
            item["LicenseInfo"] = version.license_info
        return item

    def _content_facts(self, version: LayerVersion) -> tuple[int, str]:
        """(CodeSize, CodeSha256): the zip's for a published version; for a template's,
        which is a directory, what GetFunction reports of a template function's code."""
        if not version.from_template:
            return version.code_size, version.code_sha256
        size, sha256, _ = code_facts(self._layers.content_of(version))
        return size, sha256

    def _statement(self, version: LayerVersion, permission: LayerPermission) -> dict[str, Any]:
        statement: dict[str, Any] = {
            "Sid": permission.sid, "Effect": "Allow",
            "Principal": principal_of(permission.principal, self._region),
            "Action": permission.action,
            "Resource": self._layers.arn(version.name, version.version)}
        if permission.organization_id:
            statement["Condition"] = {
                "StringEquals": {"aws:PrincipalOrgID": permission.organization_id}}
        return statement


def _page(rows: Sequence[Any], keys: list[str],
          params: Mapping[str, Any]) -> tuple[Sequence[Any], str | None]:
    """One page of `rows` (each named by its key) and the marker of the next, if any."""
    start = start_after(keys, params.get("Marker"))
    limit = min(params.get("MaxItems") or PAGE_LIMIT, PAGE_LIMIT)
    page = rows[start:start + limit]
    return page, opaque(keys[start + limit - 1]) if start + limit < len(rows) else None


def _check_compatibility(runtimes: Sequence[str], architectures: Sequence[str]) -> None:
    """The members of CompatibleRuntimes and CompatibleArchitectures, checked as Lambda's
    request validation checks them (the edge checks only top-level members)."""
    problems = []
    if any(r not in model_runtimes() for r in runtimes):
        problems.append(f"Value '[{', '.join(runtimes)}]' at 'compatibleRuntimes' failed to "
                        "satisfy constraint: Member must satisfy enum value set: "
                        f"[{', '.join(model_runtimes())}]")
    if any(a not in ARCHITECTURES for a in architectures):
        problems.append(f"Value '[{', '.join(architectures)}]' at 'compatibleArchitectures' "
                        "failed to satisfy constraint: Member must satisfy constraint: [Member "
                        f"must satisfy enum value set: [{', '.join(ARCHITECTURES)}]]")
    if problems:
        noun = "error" if len(problems) == 1 else "errors"
        raise ValidationError(f"{len(problems)} validation {noun} detected: "
                              + "; ".join(problems))


def _json(document: Any) -> str:
    return json.dumps(document, separators=(",", ":"))
