"""AWS::Logs::LogGroup: named and recorded so that templates referring to one resolve.

Fogbank keeps each function's logs itself (`fogbank logs`); a log group only needs the
name and ARN CloudFormation would give it, so that a function's LoggingConfig or an
environment variable naming it sees real values rather than a skipped resource's placeholder.
"""
from __future__ import annotations

from fogbank.deploy.naming import physical_name
from fogbank.deploy.providers.iam import Recorded
from fogbank.types import Deployed, Resource


class LogGroupProvider(Recorded):
    types = ("AWS::Logs::LogGroup",)
    attribute_names: frozenset[str] = frozenset({"Arn"})

    def __init__(self, *, region: str = "us-east-1", account_id: str = "000000000000") -> None:
        super().__init__(region=region, account_id=account_id)
        self._region = region

    def _deployed(self, res: Resource) -> Deployed:
        name = str(res.properties.get("LogGroupName") or physical_name(res, 512))
        # CloudFormation's Arn names every stream of the group (the trailing `:*`).
        arn = f"arn:{self._partition}:logs:{self._region}:{self._account_id}:log-group:{name}:*"
        return Deployed(name, {"Arn": arn})
