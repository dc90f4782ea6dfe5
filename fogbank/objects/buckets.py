"""Buckets: create, delete, look up, list.

Creating and deleting run whole on the database thread, so a bucket check and the change
it guards are one step; `create_now` / `delete_now` are the same for synchronous callers
(the deploy providers).
"""
from __future__ import annotations

from typing import Callable

from fogbank.objects import errors
from fogbank.objects.model import Bucket
from fogbank.objects.names import check_bucket_name
from fogbank.objects.store import Store

LEGACY_REGION = "us-east-1"


class Buckets:
    def __init__(self, store: Store, *, clock: Callable[[], float],
                 on_delete: Callable[[str], None] = lambda name: None) -> None:
        self._store = store
        self._clock = clock
        self._on_delete = on_delete
        self._known: dict[str, Bucket] = {}        # a bucket's name and region never change

    async def create(self, name: str, *, location: str | None = None) -> Bucket:
        """Create a bucket in `location` (CreateBucketConfiguration's LocationConstraint),
        else in us-east-1. Re-creating one's own bucket is BucketAlreadyOwnedByYou, except
        in us-east-1 where S3 answers 200 for compatibility."""
        return await self._store.db(self._create, name, location)

    def create_now(self, name: str, *, location: str | None = None) -> Bucket:
        return self._store.db_sync(self._create, name, location)

    def _create(self, name: str, location: str | None) -> Bucket:
        check_bucket_name(name)
        if location == LEGACY_REGION:
            raise errors.InvalidLocationConstraint(LocationConstraint=location)
        bucket = Bucket(name, round(self._clock(), 3), location or LEGACY_REGION)
        if self._store.meta.add_bucket(bucket):
            self._known[name] = bucket
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
        """Delete an empty bucket (no objects, no multipart uploads in progress)."""
        await self._store.db(self._delete, name)

    def delete_now(self, name: str) -> None:
        self._store.db_sync(self._delete, name)

    def _delete(self, name: str) -> None:
        self.lookup(name)
        if self._store.meta.has_objects(name):
            raise errors.BucketNotEmpty(BucketName=name)
        self._store.meta.remove_bucket(name)
        self._known.pop(name, None)
        self._on_delete(name)

    async def list(self, prefix: str = "", *, region: str | None = None) -> list[Bucket]:
        """Buckets in name order, those whose name starts with `prefix` (and in `region`)."""
        buckets = await self._store.db(self._store.meta.list_buckets)
        return sorted((b for b in buckets if b.name.startswith(prefix)
                       and region in (None, b.region)), key=lambda b: b.name)
