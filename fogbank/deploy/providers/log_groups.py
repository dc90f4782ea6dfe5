"""AWS::Logs::LogGroup and AWS::Logs::SubscriptionFilter: a log group CloudWatch Logs
serves (fogbank/logs), with the template's retention, tags, class and key and the name and
ARN CloudFormation gives it, and a filter that sends its events to a function (what SAM
makes of a function's `CloudWatchLogs` event).

Without a registry (deploy tests that need only names) the group is recorded, not made.
"""
from __future__ import annotations

from typing import Any, Protocol

from fogbank.deploy.naming import physical_name
from fogbank.deploy.providers.iam import Recorded
from fogbank.types import Deployed, Resource


class LogGroupRegistry(Protocol):
    def declare_group(self, name: str, settings: dict[str, Any]) -> None: ...

    def remove_group(self, name: str) -> None: ...

    def declare_subscription(self, settings: dict[str, Any]) -> None: ...

    def remove_subscription(self, group: str, name: str) -> None: ...


class LogGroupProvider(Recorded):
    types = ("AWS::Logs::LogGroup",)
    attribute_names: frozenset[str] = frozenset({"Arn"})

    def __init__(self, *, region: str = "us-east-1", account_id: str = "000000000000",
                 groups: LogGroupRegistry | None = None) -> None:
        super().__init__(region=region, account_id=account_id)
        self._region = region
        self._groups = groups

    def create(self, res: Resource) -> Deployed:
        deployed = self._deployed(res)
        if self._groups is not None:
            self._groups.declare_group(deployed.physical_id, _settings(res))
        return deployed

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        now = self._deployed(new)
        if self._groups is not None:
            if now.physical_id != deployed.physical_id:       # a new name replaces the group
                self._groups.remove_group(deployed.physical_id)
            self._groups.declare_group(now.physical_id, _settings(new))
        return now

    def delete(self, res: Resource, deployed: Deployed) -> None:
        if self._groups is not None:
            self._groups.remove_group(deployed.physical_id)

    def _deployed(self, res: Resource) -> Deployed:
        name = str(res.properties.get("LogGroupName") or physical_name(res, 512))
        # CloudFormation's Arn names every stream of the group (the trailing `:*`).
        arn = f"arn:{self._partition}:logs:{self._region}:{self._account_id}:log-group:{name}:*"
        return Deployed(name, {"Arn": arn})


def _settings(res: Resource) -> dict[str, Any]:
    """The template's properties as CreateLogGroup and PutRetentionPolicy name them."""
    props = res.properties
    settings: dict[str, Any] = {
        "tags": {t["Key"]: t["Value"] for t in props.get("Tags") or ()},
        "logGroupClass": props.get("LogGroupClass") or "STANDARD",
        "deletionProtectionEnabled": bool(props.get("DeletionProtectionEnabled")),
    }
    if props.get("RetentionInDays") is not None:
        settings["retentionInDays"] = int(props["RetentionInDays"])
    if props.get("KmsKeyId"):
        settings["kmsKeyId"] = props["KmsKeyId"]
    return settings


class SubscriptionFilterProvider:
    types = ("AWS::Logs::SubscriptionFilter",)
    attribute_names: frozenset[str] = frozenset()

    def __init__(self, groups: LogGroupRegistry) -> None:
        self._groups = groups

    def create(self, res: Resource) -> Deployed:
        settings = _filter_settings(res)
        self._groups.declare_subscription(settings)
        return Deployed(settings["filterName"], {"LogGroupName": settings["logGroupName"]})

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        settings = _filter_settings(new, deployed.physical_id)
        before = (deployed.attributes.get("LogGroupName"), deployed.physical_id)
        if before != (settings["logGroupName"], settings["filterName"]):
            self._groups.remove_subscription(*before)
        self._groups.declare_subscription(settings)
        return Deployed(settings["filterName"], {"LogGroupName": settings["logGroupName"]})

    def delete(self, res: Resource, deployed: Deployed) -> None:
        self._groups.remove_subscription(deployed.attributes.get("LogGroupName", ""),
                                         deployed.physical_id)

    def restore(self, res: Resource, deployed: Deployed) -> None:
        return None         # kept by CloudWatch Logs' own store


def _filter_settings(res: Resource, name: str | None = None) -> dict[str, Any]:
    """The template's properties as PutSubscriptionFilter names them; an unnamed filter
    keeps the name it was first given."""
    props = res.properties
    settings: dict[str, Any] = {
        "logGroupName": props.get("LogGroupName"),
        "filterName": props.get("FilterName") or name or physical_name(res, 512),
        "filterPattern": props.get("FilterPattern") or "",
        "destinationArn": props.get("DestinationArn"),
        "distribution": props.get("Distribution") or "ByLogStream",
    }
    if props.get("RoleArn"):
        settings["roleArn"] = props["RoleArn"]
    return settings
