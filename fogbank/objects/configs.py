"""Bucket configuration documents: checked as S3 checks them, stored, and read back.

Documents are botocore's shapes as dicts (timestamps as ISO 8601 strings once stored); the
policy is JSON text. They are small and read on hot paths (every write asks for the
notification configuration, every website request for the website one), so parsed
documents are cached; this engine is their only writer.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any, Mapping

from fogbank.objects import (access, bucket_settings, cors, encryption, errors, lifecycle,
                             notifications, object_lock, policy, validation, versions)
from fogbank.objects.model import Acl, BucketConfig, CorsRule
from fogbank.objects.buckets import Buckets
from fogbank.objects.store import Store
from fogbank.types import InvokePermission


def _check_lifecycle(document: Mapping[str, Any]) -> dict[str, Any]:
    # The schema's rules first: S3 answers MalformedXML before judging the values.
    lifecycle.check_rules(document)
    return validation.check_lifecycle(document)


_MISSING = {
    BucketConfig.CORS: errors.NoSuchCORSConfiguration,
    BucketConfig.POLICY: errors.NoSuchBucketPolicy,
    BucketConfig.TAGGING: errors.NoSuchTagSet,
    BucketConfig.LIFECYCLE: errors.NoSuchLifecycleConfiguration,
    BucketConfig.WEBSITE: errors.NoSuchWebsiteConfiguration,
    BucketConfig.PUBLIC_ACCESS_BLOCK: errors.NoSuchPublicAccessBlockConfiguration,
    BucketConfig.OWNERSHIP: errors.OwnershipControlsNotFoundError,
    BucketConfig.OBJECT_LOCK: errors.ObjectLockConfigurationNotFoundError,
}
_CHECKS = {
    BucketConfig.CORS: validation.check_cors,
    BucketConfig.POLICY: validation.check_policy,
    BucketConfig.TAGGING: validation.check_bucket_tagging,
    BucketConfig.LIFECYCLE: _check_lifecycle,
    BucketConfig.WEBSITE: validation.check_website,
    BucketConfig.NOTIFICATION: validation.check_notification,
    BucketConfig.ENCRYPTION: encryption.check_configuration,
    BucketConfig.PUBLIC_ACCESS_BLOCK: access.check_block_document,
    BucketConfig.OWNERSHIP: access.check_ownership_document,
    BucketConfig.ACL: access.check_acl_document,
    BucketConfig.VERSIONING: versions.check_configuration,
    BucketConfig.OBJECT_LOCK: object_lock.check_configuration,
    BucketConfig.LOGGING: bucket_settings.check_logging,
    BucketConfig.REQUEST_PAYMENT: bucket_settings.check_request_payment,
    BucketConfig.ACCELERATE: bucket_settings.check_accelerate,
}


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(timezone.utc) if value.tzinfo else value
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, date):
        return value.isoformat() + "T00:00:00.000Z"
    raise TypeError(f"cannot store {type(value).__name__} in a bucket configuration")


def check(kind: BucketConfig, document: Any, bucket: str) -> Any:
    """The document to store, checked; a document of the wrong shape is MalformedXML, as
    S3 answers one that does not follow its schema. A dotted bucket's acceleration is
    refused before its document is read: S3 names the dot even for a Status it would not
    take."""
    if kind is BucketConfig.ACCELERATE:
        bucket_settings.check_accelerated_name(bucket)
    try:
        checked = _CHECKS[kind](document)
    except (ValueError, TypeError, AttributeError, KeyError):
        raise errors.MalformedXML() from None
    if kind is BucketConfig.POLICY:
        policy.check_for_bucket(checked, bucket)
    return checked


class BucketConfigs:
    """`account_id`: the account S3 names when it refuses a public policy, and S3 acts for
    when it asks a function's policy whether a notification may invoke it (`may_invoke`;
    None: functions are not asked)."""

    def __init__(self, store: Store, buckets: Buckets, *,
                 account_id: str = "000000000000", region: str = "us-east-1",
                 may_invoke: InvokePermission | None = None) -> None:
        self._store = store
        self._buckets = buckets
        self._account_id = account_id
        self._region = region
        self._may_invoke = may_invoke
        self._cache: dict[tuple[str, BucketConfig], Any] = {}

    async def put(self, bucket: str, kind: BucketConfig, document: Mapping[str, Any] | str,
                  *, skip_destination_validation: bool = False) -> None:
        """Check and store a configuration (replacing any previous one). A public policy
        while BlockPublicPolicy is on, a public ACL while BlockPublicAcls is on: AccessDenied;
        an ACL with ACLs disabled: AccessControlListNotSupported; disabling ACLs while the
        bucket's ACL grants others access: InvalidBucketAclWithObjectOwnership."""
        await self._buckets.get(bucket)
        await self._store.db(self._put, bucket, kind, self._checked(
            bucket, kind, document, skip_destination_validation))

    def put_now(self, bucket: str, kind: BucketConfig, document: Mapping[str, Any] | str
                ) -> None:
        """`put` for synchronous callers (the deploy providers)."""
        self._store.db_sync(self._put, bucket, kind, self._checked(bucket, kind, document))

    def _checked(self, bucket: str, kind: BucketConfig, document: Any,
                 skip_destinations: bool = False) -> Any:
        """`check`, and for a notification configuration its functions' ARNs and, unless
        the request skips destination validation, their consent first."""
        if kind is BucketConfig.NOTIFICATION:
            notifications.check_arns(document)
        if kind is BucketConfig.NOTIFICATION and self._may_invoke is not None \
                and not skip_destinations:
            notifications.check_destinations(document, bucket, self._may_invoke,
                                             region=self._region, account_id=self._account_id)
        return check(kind, document, bucket)

    def _put(self, bucket: str, kind: BucketConfig, checked: Any) -> None:
        """On the database thread, so the settings judged are those the change meets."""
        source = self._buckets.lookup(bucket)
        block = self._load(bucket, BucketConfig.PUBLIC_ACCESS_BLOCK)
        if kind is BucketConfig.POLICY:
            access.policy_refused(checked, block, bucket=bucket, account_id=self._account_id)
        elif kind is BucketConfig.ACL:
            access.check_bucket_acl(checked["Grants"],
                                    self._load(bucket, BucketConfig.OWNERSHIP), block)
        elif kind is BucketConfig.OWNERSHIP and access.acls_disabled(checked) and \
                (self._load(bucket, BucketConfig.ACL) or {}).get("Grants"):
            raise errors.InvalidBucketAclWithObjectOwnership()
        elif kind is BucketConfig.VERSIONING and checked["Status"] != versions.ENABLED and \
                self._load(bucket, BucketConfig.OBJECT_LOCK):
            raise errors.InvalidBucketState(versions.LOCKED)
        elif kind is BucketConfig.OBJECT_LOCK and (self._load(
                bucket, BucketConfig.VERSIONING) or {}).get("Status") != versions.ENABLED:
            raise errors.InvalidBucketState(object_lock.NEEDS_VERSIONING)
        elif kind is BucketConfig.LOGGING:
            bucket_settings.check_log_target(checked, source, self._buckets.lookup)
        self._set(bucket, kind, checked)

    def initialize(self, bucket: str, ownership: str, acl: Acl,
                   block: dict[str, bool], locked: bool = False) -> None:
        """On the database thread, as a bucket is created: its Block Public Access (all on
        for a bucket made through the API), Object Ownership and ACL; Object Lock
        (`locked`), which comes with versioning enabled."""
        if locked:
            self._set(bucket, BucketConfig.VERSIONING, {"Status": versions.ENABLED})
            self._set(bucket, BucketConfig.OBJECT_LOCK, dict(object_lock.ENABLED))
        self._set(bucket, BucketConfig.PUBLIC_ACCESS_BLOCK, block)
        self._set(bucket, BucketConfig.OWNERSHIP, {"Rules": [{"ObjectOwnership": ownership}]})
        self._set(bucket, BucketConfig.ACL,
                  access.acl_document(acl) if acl.grants or not acl.owner else None)

    async def check_object_acl(self, bucket: str, acl: Acl | None) -> str | None:
        """The ACL an object write sets, as its record keeps it, checked against the
        bucket's Object Ownership and Block Public Access."""
        if acl is None:
            return None
        access.check_object_acl(acl.grants, acl.canned,
                                await self.find(bucket, BucketConfig.OWNERSHIP),
                                await self.find(bucket, BucketConfig.PUBLIC_ACCESS_BLOCK))
        return access.dump(acl)

    async def delete(self, bucket: str, kind: BucketConfig) -> None:
        await self._store.db(self._set, bucket, kind, None)

    def delete_now(self, bucket: str, kind: BucketConfig) -> None:
        self._store.db_sync(self._set, bucket, kind, None)

    def _set(self, bucket: str, kind: BucketConfig, checked: Any) -> None:
        """On the database thread: store (or with None, remove) a checked document."""
        self._buckets.lookup(bucket)
        if checked is None or kind is BucketConfig.POLICY:
            text = checked
        else:
            text = json.dumps(checked, default=_json_default, separators=(",", ":"))
        self._store.meta.set_config(bucket, kind.value, text)
        self._cache[(bucket, kind)] = text if text is None or kind is BucketConfig.POLICY \
            else json.loads(text)

    async def get(self, bucket: str, kind: BucketConfig) -> Any:
        """The stored document; the kind's NoSuch… error when there is none (notification:
        an empty configuration, encryption: S3's default, SSE-S3, as S3 answers; ACL: no
        grants beyond the owner's)."""
        await self._buckets.get(bucket)
        document = await self.find(bucket, kind)
        if document is None:
            if kind is BucketConfig.NOTIFICATION:
                return {}
            if kind is BucketConfig.ENCRYPTION:
                return {"Rules": [encryption.DEFAULT_RULE]}
            if kind is BucketConfig.ACL:
                return {"Grants": []}
            if kind is BucketConfig.VERSIONING:
                return {}                   # never versioned: no Status at all
            if kind in bucket_settings.DEFAULTS:
                return dict(bucket_settings.DEFAULTS[kind])
            raise _MISSING[kind](BucketName=bucket)
        return document

    async def cors_rule(self, bucket: str, origin: str, method: str,
                        request_headers: tuple[str, ...] = ()) -> CorsRule | None:
        """The first CORS rule allowing this origin, method and headers; None when none does
        or the bucket has no CORS configuration."""
        document = await self.find(bucket, BucketConfig.CORS)
        return cors.match(document, origin, method, request_headers) if document else None

    async def preflight(self, bucket: str, origin: str, method: str | None,
                        request_headers: tuple[str, ...] = (),
                        on_object: bool = True) -> CorsRule:
        """The rule answering an OPTIONS preflight (`method`: its
        Access-Control-Request-Method, None without one; `on_object`: whether it names a
        key); AccessForbidden (403) as S3 answers when there is no such bucket, the bucket
        has no CORS configuration or no rule allows the request, naming the method asked
        for (else OPTIONS) and the kind of resource refused."""
        try:
            await self._buckets.get(bucket)
        except errors.NoSuchBucket:
            raise errors.AccessForbidden("CORSResponse: Bucket not found",
                                         Method=method or "OPTIONS",
                                         ResourceType="BUCKET") from None
        document = await self.find(bucket, BucketConfig.CORS)
        if not document:
            raise errors.AccessForbidden("CORSResponse: CORS is not enabled for this bucket.",
                                         Method=method or "OPTIONS", ResourceType="BUCKET")
        if not method:
            raise errors.BadRequest("Invalid Access-Control-Request-Method: null")
        rule = cors.match(document, origin, method, request_headers)
        if rule is None:
            raise errors.AccessForbidden(cors.NOT_ALLOWED, Method=method,
                                         ResourceType="OBJECT" if on_object else "BUCKET")
        return rule

    async def policy_is_public(self, bucket: str) -> bool:
        """GetBucketPolicyStatus: whether the policy grants anyone access; NoSuchBucketPolicy
        when there is none, as S3 answers."""
        return policy.is_public(await self.get(bucket, BucketConfig.POLICY))

    async def find(self, bucket: str, kind: BucketConfig) -> Any:
        """The document, or None; no bucket check (for the engine's own hot paths)."""
        try:
            return self._cache[(bucket, kind)]
        except KeyError:
            return await self._store.db(self._load, bucket, kind)

    def _load(self, bucket: str, kind: BucketConfig) -> Any:
        """On the database thread, like every change of the cache, so a document read
        before a change cannot be cached after it."""
        if (bucket, kind) not in self._cache:
            text = self._store.meta.get_config(bucket, kind.value)
            self._cache[(bucket, kind)] = (text if text is None or kind is BucketConfig.POLICY
                                           else json.loads(text))
        return self._cache[(bucket, kind)]

    async def all_of(self, kind: BucketConfig) -> list[tuple[str, Any]]:
        """(bucket, document) for every bucket that has this kind of configuration."""
        rows = await self._store.db(self._store.meta.configs_of, kind.value)
        return [(bucket, text if kind is BucketConfig.POLICY else json.loads(text))
                for bucket, text in rows]

    def forget(self, bucket: str) -> None:
        """Drop the cached documents of a deleted bucket (on the database thread)."""
        for kind in BucketConfig:
            self._cache.pop((bucket, kind), None)
