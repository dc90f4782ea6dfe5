"""AWS::Lambda::Version and AWS::Lambda::Alias, which SAM emits for AutoPublishAlias.

A version is published on its function and an alias set on it (FunctionProvider keeps
both in the function's spec), so Invoke, GetFunction and events reach `fn:1` and
`fn:live`. An alias's ProvisionedConcurrencyConfig is applied to the function.

A local difference from Lambda, by design: Fogbank keeps no old code, so every version
(and every alias) runs the function's current code and configuration; only the version
it reports (ExecutedVersion, the configuration's Version) tells them apart.
"""
from __future__ import annotations

import re

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.functions import FunctionProvider, function_name
from fogbank.types import LATEST, Deployed, Resource, partition_for

_VERSION = re.compile(r"[1-9][0-9]*")


class _Arns:
    def __init__(self, region: str, account_id: str) -> None:
        self._prefix = f"arn:{partition_for(region)}:lambda:{region}:{account_id}:function:"

    def function(self, name: str) -> str:
        return self._prefix + name


class VersionProvider:
    types = ("AWS::Lambda::Version",)

    def __init__(self, functions: FunctionProvider, *, region: str = "us-east-1",
                 account_id: str = "000000000000") -> None:
        self._functions = functions
        self._arns = _Arns(region, account_id)

    def create(self, res: Resource) -> Deployed:
        name = function_name(res.properties.get("FunctionName", ""))
        version = self._functions.published_versions(name) + 1
        self._functions.publish(name, version)
        return self._deployed(name, version)

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        # Versions are immutable: a changed one is published anew.
        return self.create(new)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        # SAM retains the versions it replaces (DeletionPolicy Retain): the version stays
        # published and its number is never reused. A node that restarts on a changed
        # template learns the number here, as the replaced version's record is deleted
        # before its successor is created.
        self.restore(res, deployed)

    def restore(self, res: Resource, deployed: Deployed) -> None:
        name = function_name(res.properties.get("FunctionName", ""))
        self._functions.publish(name, int(deployed.attributes.get("Version", 1)))

    def _deployed(self, name: str, version: int) -> Deployed:
        arn = self._arns.function(name)
        return Deployed(f"{arn}:{version}", {"Version": str(version), "FunctionArn": arn})


class AliasProvider:
    types = ("AWS::Lambda::Alias",)

    def __init__(self, functions: FunctionProvider, *, region: str = "us-east-1",
                 account_id: str = "000000000000") -> None:
        self._functions = functions
        self._arns = _Arns(region, account_id)

    def create(self, res: Resource) -> Deployed:
        name, alias = _names(res)
        self._functions.set_alias(name, alias, _version(res))
        config = res.properties.get("ProvisionedConcurrencyConfig") or {}
        self._functions.set_provisioned(name, int(config.get("ProvisionedConcurrentExecutions", 0)))
        arn = f"{self._arns.function(name)}:{alias}"
        return Deployed(arn, {"AliasArn": arn})

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        if _names(old) != _names(new):
            self.delete(old, deployed)
        return self.create(new)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        name, alias = _names(res)
        self._functions.set_alias(name, alias, None)
        self._functions.set_provisioned(name, 0)

    def restore(self, res: Resource, deployed: Deployed) -> None:
        self.create(res)


def _names(res: Resource) -> tuple[str, str]:
    """(function name, alias name) of an alias resource."""
    return (function_name(res.properties.get("FunctionName", "")),
            str(res.properties.get("Name", res.logical_id)))


def _version(res: Resource) -> str:
    version = str(res.properties.get("FunctionVersion", ""))
    if version != LATEST and not _VERSION.fullmatch(version):
        raise TemplateError(f"Resource {res.logical_id}: FunctionVersion {version or '(none)'} "
                            "is not a version number or $LATEST")
    return version
