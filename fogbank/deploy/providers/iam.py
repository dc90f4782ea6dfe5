"""IAM roles and policies: accepted and recorded, not enforced yet."""
from __future__ import annotations

import hashlib

from fogbank.deploy.naming import physical_name
from fogbank.types import Deployed, Resource, partition_for


class Recorded:
    """A resource that only needs stable names and attributes: nothing runs for it."""

    types: tuple[str, ...] = ()
    attribute_names: frozenset[str] = frozenset()

    def __init__(self, *, region: str = "us-east-1", account_id: str = "000000000000") -> None:
        self._partition = partition_for(region)
        self._account_id = account_id

    def create(self, res: Resource) -> Deployed:
        return self._deployed(res)

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        return self._deployed(new)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        return None

    def restore(self, res: Resource, deployed: Deployed) -> None:
        return None

    def _deployed(self, res: Resource) -> Deployed:
        return Deployed(physical_name(res, 64))


def _unique_id(prefix: str, arn: str) -> str:
    """An IAM unique id (AROA…, ANPA…): 21 upper-case characters, stable for the ARN."""
    digest = hashlib.sha256(arn.encode()).hexdigest().upper()
    return prefix + digest[:17]


class RoleProvider(Recorded):
    types = ("AWS::IAM::Role",)
    attribute_names: frozenset[str] = frozenset({"Arn", "RoleId"})

    def _deployed(self, res: Resource) -> Deployed:
        name = res.properties.get("RoleName") or physical_name(res, 64)
        path = res.properties.get("Path") or "/"
        arn = f"arn:{self._partition}:iam::{self._account_id}:role{path}{name}"
        return Deployed(name, {"Arn": arn, "RoleId": _unique_id("AROA", arn)})


class PolicyProvider(Recorded):
    types = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
    attribute_names: frozenset[str] = frozenset({"PolicyArn"})

    def _deployed(self, res: Resource) -> Deployed:
        if res.type == "AWS::IAM::Policy":
            return Deployed(res.properties.get("PolicyName") or physical_name(res, 128))
        name = res.properties.get("ManagedPolicyName") or physical_name(res, 128)
        path = res.properties.get("Path") or "/"
        arn = f"arn:{self._partition}:iam::{self._account_id}:policy{path}{name}"
        return Deployed(arn, {"PolicyArn": arn})
