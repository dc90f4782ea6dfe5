"""S3 Object Lock: a bucket's configuration, and the retention and legal hold of objects.

A bucket has Object Lock when CreateBucket asked for it (and so has versioning enabled,
which cannot then be suspended) or when PutObjectLockConfiguration gave it one once its
versioning was enabled. Fogbank keeps the bucket's configuration; it does not keep an
object version's retention or legal hold, so those operations answer NotImplemented on a
bucket with Object Lock, and what S3 answers on a bucket without it elsewhere.
"""
from __future__ import annotations

from typing import Any

from fogbank.aws.s3.context import S3Call
from fogbank.objects import BucketConfig, ObjectsEngine
from fogbank.objects.errors import InvalidArgument, InvalidRequest, S3Error

_NO_LOCK = "Bucket is missing Object Lock Configuration"
# The object writes that may carry x-amz-object-lock-mode, -retain-until-date, -legal-hold.
LOCKING_WRITES = frozenset({"PutObject", "CopyObject", "CreateMultipartUpload"})


async def check_object_headers(engine: ObjectsEngine, p: dict[str, Any]) -> None:
    """An object write's lock headers: a mode and a retain-until date come together, and
    only to a bucket with Object Lock (which takes them, though Fogbank does not keep them)."""
    if ("ObjectLockMode" in p) != ("ObjectLockRetainUntilDate" in p):
        raise InvalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode "
                              "must both be supplied")
    if not any(name in p for name in ("ObjectLockMode", "ObjectLockLegalHoldStatus")):
        return
    await engine.buckets.get(p["Bucket"])
    if not await engine.configs.find(p["Bucket"], BucketConfig.OBJECT_LOCK):
        raise InvalidRequest(_NO_LOCK)


class ObjectLockNotImplemented(S3Error):
    code = "NotImplemented"
    status = 501
    default_message = ("Fogbank does not hold object versions under retention or legal "
                       "hold.")


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
        document = await self._engine.configs.get(p["Bucket"], BucketConfig.OBJECT_LOCK)
        return {"ObjectLockConfiguration": dict(document)}

    async def put_configuration(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        # S3 lets a bucket take Object Lock once versioning is enabled, never before.
        await self._engine.configs.put(p["Bucket"], BucketConfig.OBJECT_LOCK,
                                       p.get("ObjectLockConfiguration") or {})
        return {}

    async def object_lock(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        """An object's retention or legal hold, read or set."""
        await self._engine.buckets.get(p["Bucket"])
        if await self._engine.configs.find(p["Bucket"], BucketConfig.OBJECT_LOCK):
            raise ObjectLockNotImplemented()
        raise InvalidRequest(_NO_LOCK)
