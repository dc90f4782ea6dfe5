"""Buckets: create, delete, look up, list.

Creating and deleting run whole on the database thread, so a bucket check and the change
it guards are one step; `create_now` / `delete_now` are the same for synchronous callers
(the deploy providers).
"""
from __future__ import annotations

from typing import Callable, Mapping

from fogbank.objects import access, errors
from fogbank.objects.model import Acl, Bucket, BucketConfig
from fogbank.objects.names import check_bucket_name
from fogbank.objects.store import Store

LEGACY_REGION = "us-east-1"
VERSIONED_NOT_EMPTY = ("The bucket you tried to delete is not empty. You must delete all "
                       "versions in the bucket.")


# Called on the database thread as a bucket is created: its name, Object Ownership, ACL,
# Block Public Access settings and whether it has Object Lock.
OnCreate = Callable[[str, str, Acl, dict, bool], None]


class Buckets:
    def __init__(self, store: Store, *, clock: Callable[[], float],
                 on_create: OnCreate = lambda name, ownership, acl, block, locked: None,
                 on_delete: Callable[[str], None] = lambda name: None) -> None:
        self._store = store
        self._clock = clock
        self._on_create = on_create
        self._on_delete = on_delete
        self._known: dict[str, Bucket] = {}        # a bucket's name and region never change

    async def create(self, name: str, *, location: str | None = None,
                     ownership: str | None = None, acl: Acl | None = None,
                     object_lock: bool = False) -> Bucket:
        """Create a bucket in `location` (CreateBucketConfiguration's LocationConstraint),
        else in us-east-1. Re-creating one's own bucket is BucketAlreadyOwnedByYou, except
        in us-east-1 where S3 answers 200 for compatibility. `ownership`: its Object
        Ownership (BucketOwnerEnforced unless named); `acl`: the ACL CreateBucket names;
        `object_lock`: a bucket with Object Lock, and so with versioning enabled."""
        return await self._store.db(self._create, name, location, ownership, acl,
                                    access.NEW_BUCKET_BLOCK, object_lock)

    def create_now(self, name: str, *, location: str | None = None,
                   ownership: str | None = None, acl: Acl | None = None,
                   block: Mapping[str, bool] = access.NEW_BUCKET_BLOCK,
                   object_lock: bool = False) -> Bucket:
        """`create` for the deploy providers, which give a new bucket its template's Block
        Public Access settings (`block`) as CloudFormation does."""
        return self._store.db_sync(self._create, name, location, ownership, acl, block,
                                   object_lock)

    def _create(self, name: str, location: str | None, ownership: str | None,
                acl: Acl | None, block: Mapping[str, bool], object_lock: bool) -> Bucket:
        check_bucket_name(name)
        if location == LEGACY_REGION:
            raise errors.InvalidLocationConstraint(LocationConstraint=location)
        ownership = ownership or access.ENFORCED
        acl = acl or Acl()
        access.check_new_bucket_acl(acl.grants, ownership, block)
        bucket = Bucket(name, round(self._clock(), 3), location or LEGACY_REGION)
        if self._store.meta.add_bucket(bucket):
            self._known[name] = bucket
            self._on_create(name, ownership, acl, dict(block), object_lock)
            return bucket
        existing = self.lookup(name)
        if existing.region == LEGACY_REGION and location is None:
            return existing
        raise errors.BucketAlreadyOwnedByYou(BucketName=name)

    async def get(self, name: str) -> Bucket:
        """The bucket; NoSuchBucket when there is none."""
        bucket = self._known.get(name)
        if bucket is None:
            bucket = await self._store.db(self.lookup, name)
        return bucket

    def lookup(self, name: str) -> Bucket:
        """On the database thread: the bucket, or NoSuchBucket."""
        bucket = self._store.meta.get_bucket(name)
        if bucket is None:
            raise errors.NoSuchBucket(BucketName=name)
        self._known[name] = bucket
        return bucket

    async def delete(self, name: str) -> None:
        """Delete a bucket that holds no objects, versions or delete markers. Multipart
        uploads in progress do not keep it: S3 deletes the bucket and drops them with it."""
        await self._store.discard_ids(await self._store.db(self._delete, name))

    def delete_now(self, name: str) -> None:
        self._store.bodies.remove(self._store.db_sync(self._delete, name))

    def _delete(self, name: str) -> list[str]:
        """On the database thread: the body ids of the dropped uploads' parts."""
        self.lookup(name)
        if self._store.meta.has_objects(name):
            # A bucket ever versioned is told what else to delete.
            versioned = self._store.meta.get_config(name, BucketConfig.VERSIONING.value)
            raise errors.BucketNotEmpty(VERSIONED_NOT_EMPTY if versioned else None,
                                        BucketName=name)
        part_bodies = self._store.meta.remove_bucket(name)
        self._known.pop(name, None)
        self._on_delete(name)
        return part_bodies

    async def list(self, prefix: str = "", *, region: str | None = None) -> list[Bucket]:
        """Buckets in name order, those whose name starts with `prefix` (and in `region`)."""
        buckets = await self._store.db(self._store.meta.list_buckets)
        return sorted((b for b in buckets if b.name.startswith(prefix)
                       and region in (None, b.region)), key=lambda b: b.name)
