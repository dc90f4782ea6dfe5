"""S3's bucket operations: create, delete, head, list, location and the configuration
documents (CORS, policy, tagging, lifecycle, website, notification, logging, request
payment, acceleration), each → the engine. Features Fogbank does not offer are answered as
S3 answers a bucket that never configured them (no replication, empty lists of analytics,
metrics, inventory and Intelligent-Tiering configurations)."""
from __future__ import annotations

import base64
import binascii
from functools import cache
from typing import Any

from botocore.loaders import Loader

from fogbank.aws.s3 import acl as acls, headers as h
from fogbank.aws.s3.context import S3Call
from fogbank.aws.s3.signing import signing_region
from fogbank.objects import BucketConfig, ObjectsEngine, access
from fogbank.objects.errors import (IllegalLocationConstraintException, InvalidArgument,
                                    InvalidLocationConstraint, MalformedPolicy,
                                    ReplicationConfigurationNotFoundError)

Handler = Any
# S3 answers these Put… with 204 No Content where the others answer 200.
NO_CONTENT_PUTS = frozenset({BucketConfig.POLICY, BucketConfig.TAGGING})
NO_CONTENT = {"ResponseMetadata": {"HTTPStatusCode": 204}}


class BucketOperations:
    def __init__(self, engine: ObjectsEngine) -> None:
        self._engine = engine            # its parts exist once it has started
        self.operations: dict[str, Handler] = {
            "ListBuckets": self.list_buckets, "CreateBucket": self.create_bucket,
            "DeleteBucket": self.delete_bucket, "HeadBucket": self.head_bucket,
            "GetBucketLocation": self.get_location,
            "GetBucketAcl": self.get_acl,
            "PutBucketPolicy": self.put_policy, "GetBucketPolicy": self.get_policy,
            "DeleteBucketPolicy": self._deleter(BucketConfig.POLICY),
            "GetBucketPolicyStatus": self.get_policy_status,
            "GetBucketEncryption": self.get_encryption,
            "PutBucketEncryption": self._putter(BucketConfig.ENCRYPTION,
                                                "ServerSideEncryptionConfiguration"),
            "DeleteBucketEncryption": self._deleter(BucketConfig.ENCRYPTION),
            "PutBucketAcl": self.put_acl,
            "PutPublicAccessBlock": self._putter(BucketConfig.PUBLIC_ACCESS_BLOCK,
                                                 "PublicAccessBlockConfiguration"),
            "GetPublicAccessBlock": self._getter(BucketConfig.PUBLIC_ACCESS_BLOCK,
                                                 "PublicAccessBlockConfiguration"),
            "DeletePublicAccessBlock": self._deleter(BucketConfig.PUBLIC_ACCESS_BLOCK),
            "PutBucketOwnershipControls": self._putter(BucketConfig.OWNERSHIP,
                                                       "OwnershipControls"),
            "GetBucketOwnershipControls": self._getter(BucketConfig.OWNERSHIP,
                                                       "OwnershipControls"),
            "DeleteBucketOwnershipControls": self._deleter(BucketConfig.OWNERSHIP),
            "PutBucketLogging": self._putter(BucketConfig.LOGGING, "BucketLoggingStatus"),
            "GetBucketLogging": self._getter(BucketConfig.LOGGING),
            "PutBucketRequestPayment": self._putter(BucketConfig.REQUEST_PAYMENT,
                                                    "RequestPaymentConfiguration"),
            "GetBucketRequestPayment": self._getter(BucketConfig.REQUEST_PAYMENT),
            "PutBucketAccelerateConfiguration": self._putter(BucketConfig.ACCELERATE,
                                                             "AccelerateConfiguration"),
            "GetBucketAccelerateConfiguration": self._getter(BucketConfig.ACCELERATE),
            "GetBucketReplication": self.get_replication,
        }
        for listing in ("Analytics", "Metrics", "Inventory", "IntelligentTiering"):
            self.operations[f"ListBucket{listing}Configurations"] = self.list_none
        documents = {
            BucketConfig.CORS: ("BucketCors", "CORSConfiguration"),
            BucketConfig.TAGGING: ("BucketTagging", "Tagging"),
            BucketConfig.LIFECYCLE: ("BucketLifecycleConfiguration", "LifecycleConfiguration"),
            BucketConfig.WEBSITE: ("BucketWebsite", "WebsiteConfiguration"),
            BucketConfig.NOTIFICATION: ("BucketNotificationConfiguration",
                                        "NotificationConfiguration"),
        }
        for kind, (suffix, member) in documents.items():
            self.operations[f"Put{suffix}"] = self._putter(kind, member)
            self.operations[f"Get{suffix}"] = self._getter(kind)
            self.operations[f"Delete{suffix}"] = self._deleter(kind)
        # Lifecycle's Delete keeps its old name.
        self.operations["DeleteBucketLifecycle"] = self._deleter(BucketConfig.LIFECYCLE)

    @property
    def _buckets(self) -> Any:
        return self._engine.buckets

    @property
    def _configs(self) -> Any:
        return self._engine.configs

    async def list_buckets(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        buckets = await self._buckets.list(p.get("Prefix", ""), region=p.get("BucketRegion"))
        if p.get("ContinuationToken") is not None:
            after = _token_name(p["ContinuationToken"])
            buckets = [b for b in buckets if b.name > after]
        output: dict[str, Any] = {"Owner": h.OWNER, "Prefix": p.get("Prefix")}
        limit = p.get("MaxBuckets")
        if limit is not None and len(buckets) > limit:
            buckets = buckets[:max(limit, 1)]
            # Opaque to clients, as S3's: the last name listed, encoded.
            output["ContinuationToken"] = base64.urlsafe_b64encode(
                buckets[-1].name.encode()).decode()
        output["Buckets"] = [{"Name": b.name, "CreationDate": h.when(b.created),
                              "BucketRegion": b.region} for b in buckets]
        return output

    async def create_bucket(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        location = (p.get("CreateBucketConfiguration") or {}).get("LocationConstraint")
        # A regional endpoint refuses any other constraint before it looks at the name:
        # S3 answers IllegalLocationConstraintException even for a region that does not exist.
        _check_endpoint_region(location, call.signed_region)
        if location is not None and location not in _regions():
            raise InvalidLocationConstraint(LocationConstraint=location)
        ownership = p.get("ObjectOwnership")
        if ownership is not None and ownership not in access.OWNERSHIPS:
            # S3 names the header but does not repeat its value.
            raise InvalidArgument(f"Invalid x-amz-object-ownership header: {ownership}",
                                  ArgumentName="x-amz-object-ownership")
        bucket = await self._buckets.create(
            p["Bucket"], location=location, ownership=ownership, acl=acls.requested(p),
            object_lock=bool(p.get("ObjectLockEnabledForBucket")))
        if bucket.region == "us-east-1":
            return {"Location": f"/{bucket.name}"}
        # A bucket made in another region is answered with its virtual-hosted URL on S3's
        # global name (as recorded from S3), not a path.
        return {"Location": f"http://{bucket.name}.s3.amazonaws.com/"}

    async def delete_bucket(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await self._buckets.delete(p["Bucket"])
        return {}

    async def head_bucket(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        bucket = await self._buckets.get(p["Bucket"])
        return {"BucketRegion": bucket.region, "AccessPointAlias": False}

    async def get_location(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        bucket = await self._buckets.get(p["Bucket"])
        # us-east-1 buckets answer an empty LocationConstraint, as S3 does.
        return {"LocationConstraint": None if bucket.region == "us-east-1" else bucket.region}

    async def get_replication(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await self._buckets.get(p["Bucket"])
        raise ReplicationConfigurationNotFoundError(BucketName=p["Bucket"])

    async def list_none(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        """A bucket's analytics, metrics, inventory or Intelligent-Tiering configurations:
        none (Fogbank keeps none), in one page."""
        await self._buckets.get(p["Bucket"])
        return {"IsTruncated": False}

    async def get_encryption(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        """A bucket never configured (or whose configuration was deleted) has S3's default."""
        document = await self._configs.get(p["Bucket"], BucketConfig.ENCRYPTION)
        return {"ServerSideEncryptionConfiguration": document}

    async def get_acl(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        document = await self._configs.get(p["Bucket"], BucketConfig.ACL)
        return acls.answer(access.from_document(document))

    async def put_acl(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await self._buckets.get(p["Bucket"])
        await self._configs.put(p["Bucket"], BucketConfig.ACL,
                                access.acl_document(acls.put_request(p)))
        return {}

    async def put_policy(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        policy = p.get("Policy", "")
        if not policy.lstrip().startswith("{"):
            raise MalformedPolicy()
        await self._configs.put(p["Bucket"], BucketConfig.POLICY, policy)
        return NO_CONTENT

    async def get_policy(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        return {"Policy": await self._configs.get(p["Bucket"], BucketConfig.POLICY)}

    async def get_policy_status(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        return {"PolicyStatus": {"IsPublic": await self._configs.policy_is_public(p["Bucket"])}}

    def _putter(self, kind: BucketConfig, member: str) -> Handler:
        async def put(p: dict[str, Any], call: S3Call) -> dict[str, Any]:
            # Only PutBucketNotificationConfiguration has x-amz-skip-destination-validation.
            await self._configs.put(p["Bucket"], kind, p.get(member) or {},
                                    skip_destination_validation=bool(
                                        p.get("SkipDestinationValidation")))
            return NO_CONTENT if kind in NO_CONTENT_PUTS else {}
        return put

    def _getter(self, kind: BucketConfig, member: str | None = None) -> Handler:
        """`member`: the output member the document is (else its members are the output's)."""
        async def get(p: dict[str, Any], call: S3Call) -> dict[str, Any]:
            document = dict(await self._configs.get(p["Bucket"], kind))
            return {member: document} if member else document
        return get

    def _deleter(self, kind: BucketConfig) -> Handler:
        async def delete(p: dict[str, Any], call: S3Call) -> dict[str, Any]:
            await self._configs.delete(p["Bucket"], kind)
            return {}
        return delete


def _token_name(token: str) -> str:
    """The bucket name a ListBuckets continuation token stands for."""
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidArgument("The continuation token provided is incorrect",
                              ArgumentName="continuation-token", ArgumentValue=token) from None


@cache
def _check_endpoint_region(location: str | None, signed: str | None) -> None:
    """A request signed for a region other than us-east-1 went to that region's endpoint,
    where S3 creates buckets in that region only (us-east-1's endpoint takes any)."""
    if signed is None or signed == "us-east-1":
        return
    if location is None or signing_region(location) != signed:
        raise IllegalLocationConstraintException(
            f"The {location or 'unspecified'} location constraint is incompatible for the "
            "region specific endpoint this request was sent to.")


def _regions() -> frozenset[str]:
    """Every region a bucket can be created in (botocore's list), and S3's legacy "EU"."""
    endpoints = Loader().load_data("endpoints")
    return frozenset({"EU"} | {region for partition in endpoints["partitions"]
                               for region in partition["regions"]})
