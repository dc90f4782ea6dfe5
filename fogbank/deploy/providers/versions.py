"""AWS::Lambda::Version and AWS::Lambda::Alias, which SAM emits for AutoPublishAlias.

Versions are recorded (the runtime serves $LATEST); an alias's
ProvisionedConcurrencyConfig is applied to the function it points at.
"""
from __future__ import annotations

from fogbank.deploy.naming import partition_for
from fogbank.deploy.providers.functions import FunctionProvider, function_name
from fogbank.types import Deployed, Resource


class _Arns:
    def __init__(self, region: str, account_id: str) -> None:
        self._prefix = f"arn:{partition_for(region)}:lambda:{region}:{account_id}:function:"

    def function(self, name: str) -> str:
        return self._prefix + name


class VersionProvider:
    types = ("AWS::Lambda::Version",)

    def __init__(self, *, region: str = "us-east-1", account_id: str = "000000000000") -> None:
        self._arns = _Arns(region, account_id)
        self._latest: dict[str, int] = {}         # function name → highest version published

    def create(self, res: Resource) -> Deployed:
        name = function_name(res.properties.get("FunctionName", ""))
        version = self._latest.get(name, 0) + 1
        self._latest[name] = version
        return self._deployed(name, version)

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        # Versions are immutable: a changed one is published anew.
        return self.create(new)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        return None

    def restore(self, res: Resource, deployed: Deployed) -> None:
        name = function_name(res.properties.get("FunctionName", ""))
        version = int(deployed.attributes.get("Version", 1))
        self._latest[name] = max(self._latest.get(name, 0), version)

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
        name = function_name(res.properties.get("FunctionName", ""))
        config = res.properties.get("ProvisionedConcurrencyConfig") or {}
        self._functions.set_provisioned(name, int(config.get("ProvisionedConcurrentExecutions", 0)))
        arn = f"{self._arns.function(name)}:{res.properties.get('Name', res.logical_id)}"
        return Deployed(arn, {"AliasArn": arn})

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        if function_name(old.properties.get("FunctionName", "")) != \
                function_name(new.properties.get("FunctionName", "")):
            self.delete(old, deployed)
        return self.create(new)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        self._functions.set_provisioned(function_name(res.properties.get("FunctionName", "")), 0)

    def restore(self, res: Resource, deployed: Deployed) -> None:
        self.create(res)
