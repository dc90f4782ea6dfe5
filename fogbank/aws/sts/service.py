"""STS: who the caller is. Fogbank takes any credentials and keeps no users, so every
caller is the node's account acting as its root user, and is answered as AWS answers root
credentials: the account id as the UserId and `arn:aws:iam::{account}:root` as the Arn.
"""
from __future__ import annotations

from typing import Any, Mapping

from fogbank.aws.service import CallContext, Handler
from fogbank.types import partition_for


class StsService:
    def __init__(self, account_id: str) -> None:
        self._account_id = account_id
        self.operations: Mapping[str, Handler] = {"GetCallerIdentity": self.get_caller_identity}

    async def get_caller_identity(self, params: dict[str, Any], ctx: CallContext
                                  ) -> dict[str, Any]:
        arn = f"arn:{partition_for(ctx.region)}:iam::{self._account_id}:root"
        return {"UserId": self._account_id, "Account": self._account_id, "Arn": arn}
