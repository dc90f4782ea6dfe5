"""AWS::Lambda::Version and AWS::Lambda::Alias, which SAM emits for AutoPublishAlias.

A version is published on its function and an alias set on it (FunctionProvider keeps
both in the function's spec), so Invoke, GetFunction and events reach `fn:1` and
`fn:live`. An alias's RoutingConfig sends a share of its invocations to a second version;
its ProvisionedConcurrencyConfig keeps workers of its version started.

A local difference from Lambda, by design: Fogbank keeps no old code, so every version
(and every alias) runs the function's current code and configuration; only the version
it runs as (its own workers, the version the function sees, ExecutedVersion, the
configuration's Version) tells them apart.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.functions import FunctionProvider, function_name
from fogbank.functions import settings
from fogbank.types import LATEST, AwsError, Deployed, Resource, partition_for

_VERSION = re.compile(r"[1-9][0-9]*")


class _Arns:
    def __init__(self, region: str, account_id: str) -> None:
        self._prefix = f"arn:{partition_for(region)}:lambda:{region}:{account_id}:function:"

    def function(self, name: str) -> str:
        return self._prefix + name


class VersionProvider:
    types = ("AWS::Lambda::Version",)
    attribute_names: frozenset[str] = frozenset({"Version", "FunctionArn"})

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
    attribute_names: frozenset[str] = frozenset({"AliasArn"})

    def __init__(self, functions: FunctionProvider, *, region: str = "us-east-1",
                 account_id: str = "000000000000") -> None:
        self._functions = functions
        self._arns = _Arns(region, account_id)

    def create(self, res: Resource) -> Deployed:
        name, alias = _names(res)
        version = _version(res)
        self._functions.set_alias(name, alias, version, _weights(res, version))
        config = res.properties.get("ProvisionedConcurrencyConfig") or {}
        self._functions.set_provisioned(
            name, int(config.get("ProvisionedConcurrentExecutions", 0)), version, alias)
        arn = f"{self._arns.function(name)}:{alias}"
        return Deployed(arn, {"AliasArn": arn})

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        if _names(old) != _names(new):
            self.delete(old, deployed)
        return self.create(new)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        name, alias = _names(res)
        self._functions.set_alias(name, alias, None)
        self._functions.set_provisioned(name, 0, alias=alias)

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


def _weights(res: Resource, primary: str) -> dict[str, float]:
    """An alias's RoutingConfig as {other version: weight}, refused as CloudFormation's
    schema and then Lambda's CreateAlias refuse it."""
    routing = res.properties.get("RoutingConfig") or {}
    entries = _typed(res, "RoutingConfig", routing, Mapping, "JSONObject") \
        .get("AdditionalVersionWeights") or []
    entries = _typed(res, "RoutingConfig/AdditionalVersionWeights", entries, list, "JSONArray")
    weights: dict[str, float] = {}
    for index, entry in enumerate(entries):
        at = f"RoutingConfig/AdditionalVersionWeights/{index}"
        entry = _typed(res, at, entry, Mapping, "JSONObject")
        for key in ("FunctionVersion", "FunctionWeight"):
            if entry.get(key) is None:
                raise _schema_error(res, f"#/{at}: required key [{key}] not found")
        weight = _number(res, f"{at}/FunctionWeight", entry["FunctionWeight"])
        weights[str(entry["FunctionVersion"])] = weight
    try:
        settings.check_routing(primary, weights)
    except AwsError as exc:
        raise _lambda_error(res, exc.message) from None
    return weights


def _typed(res: Resource, at: str, value: Any, kind: type, schema_name: str) -> Any:
    if not isinstance(value, kind):
        raise _schema_error(res, f"#/{at}: expected type: {schema_name}, "
                                 f"found: {_schema_type(value)}")
    return value


def _number(res: Resource, at: str, value: Any) -> float:
    # CloudFormation takes a number, or a string that reads as one (a parameter's value).
    if not isinstance(value, bool):
        try:
            return float(value)
        except (TypeError, ValueError):
            pass
    raise _schema_error(res, f"#/{at}: expected type: Number, found: {_schema_type(value)}")


def _schema_type(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, (int, float)):
        return "Number"
    if isinstance(value, Mapping):
        return "JSONObject"
    return "JSONArray" if isinstance(value, list) else "String"


def _schema_error(res: Resource, message: str) -> TemplateError:
    return TemplateError(f"Properties validation failed for resource {res.logical_id} "
                         f"with message: {message}")


def _lambda_error(res: Resource, message: str) -> TemplateError:
    return TemplateError(f"Resource {res.logical_id}: {message}")
