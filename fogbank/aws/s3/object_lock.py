"""S3 Object Lock: a bucket's configuration, and the retention and legal hold of objects.

A bucket has Object Lock when CreateBucket asked for it (and so has versioning enabled,
which cannot then be suspended) or when PutObjectLockConfiguration gave it one once its
versioning was enabled. A version's retention and legal hold are kept with its metadata
by the engine (fogbank/objects/retention.py); writes set them with the
x-amz-object-lock-* headers (headers.content_headers), reads return them
(headers.object_members).
"""
from __future__ import annotations

from typing import Any

from fogbank.aws.s3 import headers as h
from fogbank.aws.s3.context import S3Call
from fogbank.objects import BucketConfig, ObjectsEngine
from fogbank.objects.errors import MissingRequestBodyError


class ObjectLockOperations:
    def __init__(self, engine: ObjectsEngine) -> None:
        self._engine = engine            # its parts exist once it has started
        self.operations = {
            "GetObjectLockConfiguration": self.get_configuration,
            "PutObjectLockConfiguration": self.put_configuration,
            "GetObjectRetention": self.get_retention, "PutObjectRetention": self.put_retention,
            "GetObjectLegalHold": self.get_legal_hold, "PutObjectLegalHold": self.put_legal_hold,
        }

    async def get_configuration(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        document = await self._engine.configs.get(p["Bucket"], BucketConfig.OBJECT_LOCK)
        return {"ObjectLockConfiguration": dict(document)}

    async def put_configuration(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        # The model makes the document optional, but S3 refuses a request without one
        # (an empty <ObjectLockConfiguration/> is MalformedXML, from the engine).
        if "ObjectLockConfiguration" not in p:
            raise MissingRequestBodyError()
        # S3 lets a bucket take Object Lock once versioning is enabled, never before.
        await self._engine.configs.put(p["Bucket"], BucketConfig.OBJECT_LOCK,
                                       p.get("ObjectLockConfiguration") or {})
        return {}

    async def get_retention(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        mode, until = await self._engine.objects.get_retention(p["Bucket"], p["Key"],
                                                               p.get("VersionId"))
        return {"Retention": {"Mode": mode, "RetainUntilDate": h.when(until)}}

    async def put_retention(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        # An empty <Retention/> (neither mode nor date) removes the version's retention.
        retention = p.get("Retention") or {}
        until = retention.get("RetainUntilDate")
        await self._engine.objects.put_retention(
            p["Bucket"], p["Key"], retention.get("Mode"),
            h.epoch(until) if until is not None else None, version_id=p.get("VersionId"),
            bypass_governance=bool(p.get("BypassGovernanceRetention")))
        return {}

    async def get_legal_hold(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        status = await self._engine.objects.get_legal_hold(p["Bucket"], p["Key"],
                                                           p.get("VersionId"))
        return {"LegalHold": {"Status": status}}

    async def put_legal_hold(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await self._engine.objects.put_legal_hold(p["Bucket"], p["Key"],
                                                  (p.get("LegalHold") or {}).get("Status"),
                                                  p.get("VersionId"))
        return {}
