"""S3 Object Lock, as it answers for buckets without it — which every Fogbank bucket is.

Object Lock needs versioning, which Fogbank does not keep, so a bucket can never have it:
CreateBucket asking for it is refused as functionality not implemented, and the lock
operations answer what S3 answers for a bucket created without it.
"""
from __future__ import annotations

from typing import Any

from fogbank.aws.s3.context import S3Call
from fogbank.objects import ObjectsEngine
from fogbank.objects.errors import (HeaderNotImplemented, InvalidBucketState, InvalidRequest,
                                    ObjectLockConfigurationNotFoundError)

LOCK_HEADER = "x-amz-bucket-object-lock-enabled"
_NO_LOCK = "Bucket is missing Object Lock Configuration"


def refuse_lock_on_create(params: dict[str, Any]) -> None:
    """CreateBucket's ObjectLockEnabledForBucket: true asks for what Fogbank cannot keep."""
    if params.get("ObjectLockEnabledForBucket"):
        raise HeaderNotImplemented(Header=LOCK_HEADER)


class ObjectLockOperations:
    def __init__(self, engine: ObjectsEngine) -> None:
        self._engine = engine            # its parts exist once it has started
        self.operations = {
            "GetObjectLockConfiguration": self.get_configuration,
            "PutObjectLockConfiguration": self.put_configuration,
            "GetObjectRetention": self.object_lock, "PutObjectRetention": self.object_lock,
            "GetObjectLegalHold": self.object_lock, "PutObjectLegalHold": self.object_lock,
        }

    async def get_configuration(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await self._engine.buckets.get(p["Bucket"])
        raise ObjectLockConfigurationNotFoundError(BucketName=p["Bucket"])

    async def put_configuration(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        # S3 lets a bucket take Object Lock once versioning is enabled, never before.
        await self._engine.buckets.get(p["Bucket"])
        raise InvalidBucketState(
            "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")

    async def object_lock(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        """An object's retention or legal hold, read or set: the bucket has no Object Lock."""
        await self._engine.buckets.get(p["Bucket"])
        raise InvalidRequest(_NO_LOCK)
