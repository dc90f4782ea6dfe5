"""Objects: put, get, head, delete, copy, list, tags.

A write stores the body first (durably, under a new id), then commits the record in one
step on the database thread — where conditional writes are checked against the record
then current — then drops the body it replaced and emits the notification.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Awaitable, Callable, Iterable, Iterator, Mapping

from fogbank.objects import archive, encryption, errors, intake, listing, retention, versions
from fogbank.objects.conditions import check_read, check_write, ignoring_future
from fogbank.objects.buckets import Buckets
from fogbank.objects.lifecycle import expiration_header
from fogbank.objects.model import (MAX_KEYS, MAX_PUT_SIZE, Acl, Bucket, Caller, ChecksumSpec,
                                   Conditions, ContentHeaders, CopyObject, CopySource,
                                   CustomerKey, Deleted,
                                   DeleteFailed, Encryption, EncryptionRequest, GetObject,
                                   ListPage, ObjectAttributes, ObjectBody, ObjectInfo, Part,
                                   PutObject, PutResult, Range, VersionsPage)
from fogbank.objects.names import check_key
from fogbank.objects.notifications import Notifier
from fogbank.objects.storage import ObjectRecord
from fogbank.objects.store import Store
from fogbank.objects.validation import MAX_OBJECT_TAGS, check_tags

MAX_METADATA_BYTES = 2048
# S3 gives every object written without a checksum a CRC64NVME one of its whole body
# (FULL_OBJECT), returned like one the client asked for.
DEFAULT_CHECKSUM = ChecksumSpec("CRC64NVME")
DIRECTIVES = ("COPY", "REPLACE")
_SELF_COPY = ("This copy request is illegal because it is trying to copy an object to itself "
              "without changing the object's metadata, storage class, website redirect "
              "location or encryption attributes.")


# Storage classes of other kinds of buckets (Outposts, Snow devices, directory buckets, FSx),
# which a general purpose bucket refuses.
FOREIGN_STORAGE_CLASSES = frozenset({"OUTPOSTS", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS",
                                     "FSX_ONTAP"})


# What x-amz-storage-class may name (botocore's StorageClass enumeration).
STORAGE_CLASSES = frozenset({"STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA",
                             "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR",
                             *FOREIGN_STORAGE_CLASSES})
# Where x-amz-website-redirect-location may send a website's visitor.
REDIRECT_PREFIXES = ("/", "http://", "https://")


def check_headers(headers: ContentHeaders) -> None:
    """The stored headers S3 checks on a write: a storage class a general purpose bucket
    has, a website redirect to a path or a URL."""
    storage_class = headers.storage_class
    if storage_class is not None and (storage_class not in STORAGE_CLASSES
                                      or storage_class in FOREIGN_STORAGE_CLASSES):
        raise errors.InvalidStorageClass(StorageClassRequested=storage_class)
    redirect = headers.website_redirect_location
    if redirect is not None and not redirect.startswith(REDIRECT_PREFIXES):
        raise errors.InvalidArgument("The website redirect location must have a prefix of "
                                     "'http://' or 'https://' or '/'")


def check_metadata(metadata: Mapping[str, str]) -> None:
    size = sum(len(k.encode()) + len(str(v).encode()) for k, v in metadata.items())
    if size > MAX_METADATA_BYTES:
        raise errors.MetadataTooLarge(Size=size, MaxSizeAllowed=MAX_METADATA_BYTES)


def tag_dict(tags: Mapping[str, str] | None) -> dict[str, str]:
    items = [{"Key": k, "Value": v} for k, v in (tags or {}).items()]
    return check_tags(items, MAX_OBJECT_TAGS)


def header_tags(tags: Mapping[str, str] | None) -> dict[str, str]:
    """The tags of an x-amz-tagging header, whose system tags S3 refuses in other words
    than PutObjectTagging's."""
    if any(key.lower().startswith("aws:") for key in tags or {}):
        raise errors.InvalidTag("Your TagKey cannot be prefixed with aws:")
    return tag_dict(tags)


# A bucket's configuration document of one kind, or None.
BucketDocument = Callable[[str], Awaitable[Mapping[str, Any] | None]]


async def _none(bucket: str) -> None:
    return None


async def _no_acl(bucket: str, acl: Acl | None) -> None:
    return None


# The ACL an object write asks for, checked against its bucket's settings, as the object's
# record keeps it (ContentHeaders.acl).
ObjectAcl = Callable[[str, Acl | None], Awaitable[str | None]]


class Objects:
    """`lifecycle(bucket)`: the bucket's lifecycle configuration or None, for the
    x-amz-expiration an answer carries; `default_encryption(bucket)`: its encryption
    configuration or None, for objects written without encryption headers; `object_acl`
    judges the ACL a write sets (configs.check_object_acl); `versioning(bucket)`: its
    versioning configuration or None (never versioned); `object_lock(bucket)`: its Object
    Lock configuration or None, for the retention of new versions (retention.py)."""

    def __init__(self, store: Store, buckets: Buckets, notifier: Notifier, *,
                 clock: Callable[[], float], lifecycle: BucketDocument = _none,
                 default_encryption: BucketDocument = _none, object_acl: ObjectAcl = _no_acl,
                 versioning: BucketDocument = _none, object_lock: BucketDocument = _none,
                 account_id: str = "000000000000") -> None:
        self._store = store
        self._buckets = buckets
        self._notifier = notifier
        self._clock = clock
        self._lifecycle = lifecycle
        self._default_encryption = default_encryption
        self.object_acl = object_acl
        self._versioning = versioning
        self._object_lock = object_lock
        self._account_id = account_id

    async def versioning(self, bucket: str) -> str | None:
        """Enabled, Suspended, or None for a bucket never versioned (a cached document: no
        query on the hot paths)."""
        document = await self._versioning(bucket)
        return document.get("Status") if document else None

    async def new_version(self, bucket: str) -> tuple[str | None, str | None]:
        """(the bucket's versioning status, the id of a version written now): a new id
        while versioning is enabled, else None (the null version)."""
        state = await self.versioning(bucket)
        return state, versions.new_version_id() if state == versions.ENABLED else None

    async def version_named(self, bucket: str, version_id: str) -> str | None:
        """A version id a request names, as the store keeps it (None: the null version).
        S3 refuses one that is not of its form, and any but "null" in a bucket never
        versioned, once it has found the bucket: InvalidArgument."""
        if version_id == versions.NULL:
            return None
        await self._buckets.get(bucket)
        if await self.versioning(bucket) is None or not versions.is_version_id(version_id):
            raise versions.invalid(version_id)
        return version_id

    def now(self) -> float:
        return round(self._clock(), 3)       # S3 keeps milliseconds

    # ------------------------------------------------------------------ writing

    async def put(self, req: PutObject) -> PutResult:
        check_key(req.key)
        bucket = await self._buckets.get(req.bucket)
        check_headers(req.headers)
        check_metadata(req.metadata)
        tags = header_tags(req.tags)
        headers = replace(req.headers, acl=await self.object_acl(req.bucket, req.acl))
        headers = await self.locked(req.bucket, headers)
        sse = await self.encryption_for(bucket, req.encryption, action="PutObject", key=req.key)
        if req.conditions:
            self._check_write(req.bucket, req.key, req.conditions)
        got = await intake.receive(self._store, req.body, content_md5=req.content_md5,
                                   checksum=req.checksum or DEFAULT_CHECKSUM,
                                   content_length=req.content_length,
                                   max_size=MAX_PUT_SIZE)
        return await self._store_new(req.bucket, req.key, got, headers, req.metadata, tags,
                                     sse, req.conditions, req.event_name, req.caller)

    async def _store_new(self, bucket: str, key: str, got: intake.Received,
                         headers: ContentHeaders, metadata: Mapping[str, str],
                         tags: dict[str, str], sse: Encryption, conditions: Conditions,
                         event_name: str, caller: Caller) -> PutResult:
        """Make a received body the key's object (PutObject, CopyObject)."""
        etag = f'"{encryption.etag_digest(sse, got.md5).hex()}"'
        state, version_id = await self.new_version(bucket)
        info = ObjectInfo(bucket, key, got.size, etag, self.now(), headers, dict(metadata),
                          got.checksum, None, len(tags), encryption=sse, version_id=version_id)
        await self.commit(ObjectRecord(info, got.body, tags), conditions, state)
        await self._notifier.emit(bucket, event_name, key, caller, size=got.size, etag=etag,
                                  version_id=event_version(state, version_id))
        return PutResult(etag, info.last_modified, got.size, got.checksum,
                         await self.expiration(info, tags), sse, version_id)

    async def locked(self, bucket: str, headers: ContentHeaders) -> ContentHeaders:
        """A new version's headers with the lock it gets: what its write asked for (checked,
        and only in a bucket with Object Lock: InvalidRequest), else the bucket's default
        retention from now."""
        retention.check_headers(headers, self.now())
        document = await self._object_lock(bucket)
        if document is None and (headers.lock_mode or headers.legal_hold):
            raise errors.InvalidRequest(retention.NO_LOCK)
        return retention.with_default(headers, document, self.now())

    async def encryption_for(self, bucket: Bucket, asked: EncryptionRequest, *, action: str,
                             key: str) -> Encryption:
        """The encryption of an object written to `bucket` with `asked`; AccessDenied for
        SSE-C where the bucket blocks it (`action` is the s3: action S3 names then)."""
        rule = encryption.bucket_rule(await self._default_encryption(bucket.name))
        sse = encryption.for_write(asked, rule, region=bucket.region,
                                   account_id=self._account_id)
        encryption.check_blocked(rule, sse, account_id=self._account_id, action=action,
                                 bucket=bucket.name, key=key)
        return sse

    async def expiration(self, info: ObjectInfo, tags: Mapping[str, str]) -> str | None:
        """The x-amz-expiration of an object, from its bucket's lifecycle rules now."""
        document = await self._lifecycle(info.bucket)
        if not document:
            return None
        return expiration_header(document, info.key, info.size, tags, info.last_modified)

    async def _answered(self, record: ObjectRecord, named_version: bool = False) -> ObjectInfo:
        """The info a read answers. A read that names its version gets no x-amz-expiration,
        even of the current version (recorded against S3)."""
        info = await self.with_version(record.info)
        if info.restore_until is not None and not archive.restored(info, self.now()):
            info = replace(info, restore_until=None)      # the restored copy is gone
        if named_version:
            return info
        expiration = await self.expiration(info, record.tags)
        return info if expiration is None else replace(info, expiration=expiration)

    async def with_version(self, info: ObjectInfo) -> ObjectInfo:
        """The info as answers give it: the null version named "null" in a bucket that is
        or was versioned (a bucket never versioned sends no version id)."""
        if info.version_id is None and await self.versioning(info.bucket) is not None:
            return replace(info, version_id=versions.NULL)
        return info

    def place(self, record: ObjectRecord, state: str | None) -> ObjectRecord | None:
        """On the database thread: make a record the key's current version (`state`: the
        bucket's versioning status); the record whose body nothing refers to any more."""
        if state is None:
            return self._store.meta.put_object(record)
        return self._store.meta.add_version(record)

    async def commit(self, record: ObjectRecord, when: Conditions = Conditions(),
                     state: str | None = None) -> None:
        """Make a stored body the key's object, if `when` still holds; drop the old body."""
        meta = self._store.meta

        def swap() -> ObjectRecord | None:
            self._buckets.lookup(record.info.bucket)      # not deleted while receiving
            if when:
                current = meta.get_object(record.info.bucket, record.info.key)
                check_write(when, current and current.info, record.info.key)
            return self.place(record, state)

        try:
            old = await self._store.db(swap)
        except BaseException:
            await self._store.discard(record.body)
            raise
        if old is not None:
            await self._store.discard(old.body)

    def _check_write(self, bucket: str, key: str, when: Conditions) -> None:
        record = self._store.reads.get_object(bucket, key)
        check_write(when, record and record.info, key)

    async def delete(self, bucket: str, key: str, *, caller: Caller = Caller(),
                     conditions: Conditions = Conditions(), version_id: str | None = None,
                     bypass_governance: bool | None = None) -> Deleted:
        """Delete an object; deleting a missing key succeeds, as in S3. `conditions`:
        DeleteObject's If-Match (PreconditionFailed when the ETag differs). In a versioned
        bucket: with `version_id`, that version goes for good (AccessDenied while Object
        Lock holds it, unless `bypass_governance` lifts a GOVERNANCE retention); without, a
        delete marker becomes the latest version. `bypass_governance` None: not asked (S3
        refuses the header, even false, in a bucket without Object Lock)."""
        check_key(key)
        await self._buckets.get(bucket)
        await self._check_bypass(bucket, bypass_governance)
        stored = None if version_id is None else await self.version_named(bucket, version_id)
        state = await self.versioning(bucket)
        meta = self._store.meta

        def check(current: ObjectRecord | None) -> None:
            if conditions.if_match is not None:
                if current is None:
                    raise errors.NoSuchKey(Key=key)
                check_write(conditions, current.info, key)

        if state is None:
            def remove() -> ObjectRecord | None:
                check(meta.get_object(bucket, key))
                old = meta.remove_object(bucket, key)
                if old is not None:
                    # A conditional completion of an upload begun before now conflicts.
                    meta.note_key_deleted(bucket, key, self.now())
                return old
            old = await self._store.db(remove)
            done = Deleted(key, version_id=version_id)
            reported = None
        elif version_id is not None:
            named = version_id

            def remove_version() -> ObjectRecord | None:
                found = meta.get_version(bucket, key, stored)
                if found is None and not versions.issued(named):
                    raise versions.invalid(named)     # never an id of ours: not deleting
                check(found)
                if found is not None:
                    retention.check_removal(found.info.headers, self.now(),
                                            bypass=bool(bypass_governance))
                return meta.remove_version(bucket, key, stored)
            old = await self._store.db(remove_version)
            done = Deleted(key, version_id=version_id,
                           delete_marker=old is not None and old.info.delete_marker)
            reported = version_id
        else:
            marker_id = versions.new_version_id() if state == versions.ENABLED else None
            marker = ObjectInfo(bucket, key, 0, "", self.now(), ContentHeaders(), {},
                                version_id=marker_id, delete_marker=True)

            def mark() -> ObjectRecord | None:
                current = meta.get_object(bucket, key)
                check(current)
                if current is not None:      # the object goes, as in an unversioned bucket
                    meta.note_key_deleted(bucket, key, marker.last_modified)
                return meta.add_delete_marker(marker)
            old = await self._store.db(mark)
            done = Deleted(key, version_id=versions.wire_id(marker_id), delete_marker=True)
            await self._store.discard(old and old.body)
            await self._notifier.emit(bucket, "ObjectRemoved:DeleteMarkerCreated", key, caller,
                                      version_id=done.version_id)
            return done
        if old is not None:
            await self._store.discard(old.body)
            await self._notifier.emit(bucket, "ObjectRemoved:Delete", key, caller,
                                      version_id=reported)
        return done

    async def delete_many(self, bucket: str, keys: Iterable[str], *, caller: Caller = Caller(),
                          etags: Mapping[int, str] | None = None,
                          version_ids: Mapping[int, str] | None = None,
                          bypass_governance: bool | None = None
                          ) -> tuple[list[Deleted], list[DeleteFailed]]:
        """DeleteObjects: at most 1000 keys; per-key failures are reported, not raised.
        `etags`: the ETag an entry (by its index) names, a condition on deleting it;
        `version_ids`: the version it names. A version id S3 could not have made is
        reported as a version that does not exist."""
        keys = list(keys)
        if not keys or len(keys) > MAX_KEYS:
            raise errors.MalformedXML()
        await self._buckets.get(bucket)
        await self._check_bypass(bucket, bypass_governance)
        deleted, failed = [], []
        for index, key in enumerate(keys):
            etag = (etags or {}).get(index)
            version_id = (version_ids or {}).get(index)
            try:
                done = await self.delete(bucket, key, caller=caller, version_id=version_id,
                                         bypass_governance=bypass_governance,
                                         conditions=Conditions(if_match=etag)
                                         if etag is not None else Conditions())
                deleted.append(replace(done, index=index))
            except errors.InvalidArgument:
                failed.append(DeleteFailed(key, errors.NoSuchVersion.code,
                                           errors.NoSuchVersion.default_message, version_id))
            except errors.S3Error as exc:
                failed.append(DeleteFailed(key, exc.code, exc.message, version_id))
        return deleted, failed

    async def copy(self, req: CopyObject) -> PutResult:
        check_key(req.key)
        if req.metadata_directive not in DIRECTIVES:
            raise errors.InvalidArgument("Unknown metadata directive.",
                                         ArgumentName="x-amz-metadata-directive",
                                         ArgumentValue=req.metadata_directive)
        if req.tagging_directive not in DIRECTIVES:
            raise errors.InvalidArgument("Unknown tagging directive.",
                                         ArgumentName="x-amz-tagging-directive",
                                         ArgumentValue=req.tagging_directive)
        source = await self.copy_source(req.source)
        bucket = await self._buckets.get(req.bucket)
        check_headers(req.headers)
        acl = await self.object_acl(req.bucket, req.acl)
        copy_conditions(req.source.conditions, source.info)
        src = source.info
        encryption.check_read(src.encryption, req.source.customer_key)
        sse = await self.encryption_for(bucket, req.encryption, action="CopyObject", key=req.key)
        # Copying a named version onto its own key makes it current again: a change.
        same = (req.source.bucket, req.source.key, req.source.version_id) == (
            req.bucket, req.key, None)
        if same and req.metadata_directive != "REPLACE" and not _changes_storage(req, src) \
                and await self._default_encryption(req.bucket) is None:
            # Naming any encryption, or a bucket with a default encryption configured,
            # makes a copy onto itself a change S3 allows.
            raise errors.InvalidRequest(_SELF_COPY)
        if req.metadata_directive == "REPLACE":
            headers, metadata = req.headers, dict(req.metadata)
            check_metadata(metadata)
        else:
            # S3 copies the content headers, but not the storage class (a copy is
            # STANDARD unless the request names one) nor the website redirect, which is
            # each object's own: the copy has the one the request names, if any.
            headers = replace(src.headers, storage_class=req.headers.storage_class,
                              website_redirect_location=req.headers.website_redirect_location)
            metadata = dict(src.metadata)
        # A copy never keeps the source's ACL or lock: it takes the ones asked for.
        headers = await self.locked(req.bucket, replace(
            headers, acl=acl, lock_mode=req.headers.lock_mode,
            lock_until=req.headers.lock_until, legal_hold=req.headers.legal_hold))
        tags = header_tags(req.tags) if req.tagging_directive == "REPLACE" \
            else dict(source.tags)
        algorithm = (req.checksum_algorithm or (src.checksum.algorithm if src.checksum else None)
                     or DEFAULT_CHECKSUM.algorithm)
        reader = self._store.reader(source.body, 0, src.size - 1)
        got = await intake.receive(self._store, reader, content_md5=None,
                                   checksum=ChecksumSpec(algorithm),
                                   content_length=None, max_size=MAX_PUT_SIZE)
        result = await self._store_new(req.bucket, req.key, got, headers, metadata, tags, sse,
                                       req.conditions, "ObjectCreated:Copy", req.caller)
        return replace(result, source_version_id=src.version_id)

    # ------------------------------------------------------------------ reading

    async def copy_source(self, source: CopySource) -> ObjectRecord:
        """The record a copy reads (CopyObject, UploadPartCopy), its version id as answers
        give it; a delete marker named by its id is no source, nor an archived version
        without a restored copy (checked before the copy-source conditions, as S3 does)."""
        try:
            record = await self.record(source.bucket, source.key, source.version_id)
        except errors.MethodNotAllowed:
            raise errors.InvalidRequest("The source of a copy request may not specifically "
                                        "refer to a delete marker by version id.") from None
        archive.check_copy_source(record.info, self.now())
        return replace(record, info=await self.with_version(record.info))

    async def record(self, bucket: str, key: str, version_id: str | None = None, *,
                     method: str = "GET") -> ObjectRecord:
        """The key's current record, or the version `version_id` names; NoSuchBucket /
        NoSuchKey (saying so when the latest version is a delete marker) / NoSuchVersion,
        and MethodNotAllowed for a delete marker named by its id (`method`: the request's)."""
        reads = self._store.reads
        if version_id is None:
            record = reads.get_object(bucket, key)
            if record is not None:
                return record
            await self._buckets.get(bucket)
            latest = reads.latest(bucket, key) if await self.versioning(bucket) else None
            if latest is not None and latest.info.delete_marker:
                raise errors.about_delete_marker(errors.NoSuchKey(Key=key),
                                                 await self.with_version(latest.info))
            raise errors.NoSuchKey(Key=key)
        stored = await self.version_named(bucket, version_id)
        record = reads.get_version(bucket, key, stored)
        if record is None:
            await self._buckets.get(bucket)
            raise versions.missing(key, version_id)
        if record.info.delete_marker:
            raise errors.about_delete_marker(
                errors.MethodNotAllowed(Method=method, ResourceType="DeleteMarker"),
                await self.with_version(record.info))
        return record

    async def head(self, req: GetObject) -> ObjectInfo:
        return (await self.head_span(req))[0]

    async def head_span(self, req: GetObject) -> tuple[ObjectInfo, tuple[int, int] | None]:
        """HeadObject: the info and, for a part or a range, the (first, last) bytes it names
        (S3 answers a HEAD for a part or range as it would the GET: 206 and that length)."""
        record = await self.record(req.bucket, req.key, req.version_id, method="HEAD")
        encryption.check_read(record.info.encryption, req.customer_key)
        check_read(ignoring_future(req.conditions, self.now()), record.info)
        span = _span(record, req)
        return await self._answered(record, req.version_id is not None), span

    async def get(self, req: GetObject) -> ObjectBody:
        record = await self.record(req.bucket, req.key, req.version_id)
        info = record.info
        archive.check_read(info, self.now())
        encryption.check_read(info.encryption, req.customer_key)
        check_read(ignoring_future(req.conditions, self.now()), info)
        span = _span(record, req)
        first, last = span if span is not None else (0, info.size - 1)
        # Opened before anything else is awaited: an overwrite meanwhile drops these files.
        body = self._store.reader(record.body, first, last)
        try:
            info = await self._answered(record, req.version_id is not None)
        except BaseException:
            await body.aclose()
            raise
        return ObjectBody(info, body, last - first + 1, span)

    async def attributes(self, bucket: str, key: str, *, max_parts: int = 1000,
                         part_number_marker: int = 0, customer_key: CustomerKey = CustomerKey(),
                         version_id: str | None = None) -> ObjectAttributes:
        """GetObjectAttributes: the object's info and, for one made by multipart upload,
        the parts numbered above `part_number_marker`, at most `max_parts` of them."""
        record = await self.record(bucket, key, version_id)
        record = replace(record, info=await self.with_version(record.info))
        encryption.check_read(record.info.encryption, customer_key)
        if not record.info.parts_count:
            return ObjectAttributes(record.info)
        parts = record.parts or _parts_of_files(record)
        after = [part for part in parts if part.part_number > part_number_marker]
        page = tuple(after[:max(0, max_parts)])
        truncated = len(after) > len(page)
        return ObjectAttributes(record.info, page, truncated,
                                page[-1].part_number if page else None)

    async def list_v1(self, bucket: str, *, prefix: str = "", delimiter: str = "",
                      max_keys: int = MAX_KEYS, marker: str = "") -> ListPage:
        await self._buckets.get(bucket)
        return await self._store.db(listing.page_v1, self._store.meta, bucket, prefix,
                                    delimiter, max_keys, marker)

    async def list_v2(self, bucket: str, *, prefix: str = "", delimiter: str = "",
                      max_keys: int = MAX_KEYS, start_after: str = "",
                      continuation_token: str | None = None) -> ListPage:
        await self._buckets.get(bucket)
        return await self._store.db(listing.page_v2, self._store.meta, bucket, prefix,
                                    delimiter, max_keys, start_after, continuation_token)

    async def list_versions(self, bucket: str, *, prefix: str = "", delimiter: str = "",
                            max_keys: int = MAX_KEYS, key_marker: str = "",
                            version_id_marker: str = "") -> VersionsPage:
        """ListObjectVersions: every version and delete marker, keys in order, each key's
        newest first (version ids as on the wire: "null" for the null version)."""
        await self._buckets.get(bucket)
        return await self._store.db(versions.page, self._store.meta, bucket, prefix,
                                    delimiter, max_keys, key_marker, version_id_marker)

    # ------------------------------------------------------------------ tags

    async def get_tags(self, bucket: str, key: str, version_id: str | None = None
                       ) -> dict[str, str]:
        return (await self.tagging(bucket, key, version_id))[0]

    async def tagging(self, bucket: str, key: str, version_id: str | None = None
                      ) -> tuple[dict[str, str], str | None]:
        """GetObjectTagging: the version's tags and its id (None for the null version),
        which S3 answers even when the request named no version."""
        try:
            with _marker_refuses("GET"):
                record = await self.record(bucket, key, version_id)
        except errors.NoSuchKey:
            # GetObjectTagging alone names the missing key as "<bucket>/<key>".
            raise errors.NoSuchKey(Key=f"{bucket}/{key}") from None
        return dict(record.tags), record.info.version_id

    async def put_tags(self, bucket: str, key: str, tags: Mapping[str, str],
                       version_id: str | None = None, *, method: str = "PUT",
                       caller: Caller = Caller()) -> str | None:
        """PutObjectTagging (and DeleteObjectTagging, `method` DELETE, with no tags): the id
        of the version tagged (None for the null version)."""
        tags = tag_dict(tags)
        with _marker_refuses(method):
            info = await self._rewrite(bucket, key, version_id, lambda record: replace(
                record, info=replace(record.info, tag_count=len(tags)), tags=tags),
                method=method)
        event = "ObjectTagging:Delete" if method == "DELETE" else "ObjectTagging:Put"
        await self._subresource_event(event, info, caller)
        return info.version_id

    async def delete_tags(self, bucket: str, key: str, version_id: str | None = None, *,
                          caller: Caller = Caller()) -> None:
        await self.put_tags(bucket, key, {}, version_id, method="DELETE", caller=caller)

    async def put_acl(self, bucket: str, key: str, acl: Acl,
                      version_id: str | None = None, *, caller: Caller = Caller()) -> None:
        """PutObjectAcl: replace an object's ACL (checked as a write's)."""
        text = await self.object_acl(bucket, acl)
        with _marker_refuses("PUT"):
            info = await self._rewrite(bucket, key, version_id, lambda record: replace(
                record, info=replace(record.info, headers=replace(record.info.headers,
                                                                  acl=text))))
        await self._subresource_event("ObjectAcl:Put", info, caller)

    async def _subresource_event(self, event_name: str, info: ObjectInfo,
                                 caller: Caller) -> None:
        """The event of a tagging or ACL change: the version's key and ETag (and its id in a
        bucket that is or was versioned), as S3 reports them."""
        state = await self.versioning(info.bucket)
        await self._notifier.emit(info.bucket, event_name, info.key, caller, etag=info.etag,
                                  version_id=event_version(state, info.version_id))

    # ------------------------------------------------------------------ restore

    async def restore(self, bucket: str, key: str, days: int | None,
                      version_id: str | None = None, *, caller: Caller = Caller()) -> bool:
        """RestoreObject of an archived version: its copy is readable at once, for `days`
        days (archive.py). True when a restored copy existed already (S3 answers 200 then,
        202 for a new restore); InvalidObjectState for a class that is not archived, and
        MalformedXML for a restore of an archived version that names no Days, as S3 answers.
        A new restore is both S3's ObjectRestore:Post and, at once, its Completed."""
        now = self.now()
        existed = False

        def change(record: ObjectRecord) -> ObjectRecord:
            nonlocal existed
            archive.check_restorable(record.info)
            if days is None:
                raise errors.MalformedXML()
            existed = archive.restored(record.info, now)
            return replace(record, info=replace(record.info,
                                                restore_until=archive.expiry(now, days)))
        info = await self._rewrite(bucket, key, version_id, change, method="POST")
        if not existed:
            await self._restore_events(info, caller)
        return existed

    async def _restore_events(self, info: ObjectInfo, caller: Caller) -> None:
        """S3's two records of a restore: Post, by the caller; Completed, by S3 for the
        bucket's owner, with the copy's expiry and the class it came from."""
        version_id = event_version(await self.versioning(info.bucket), info.version_id)
        for event_name, by, restored in (
                ("ObjectRestore:Post", caller, None),
                ("ObjectRestore:Completed", archive.COMPLETED_BY,
                 archive.event_data(info))):
            await self._notifier.emit(info.bucket, event_name, info.key, by, size=info.size,
                                      etag=info.etag, version_id=version_id,
                                      glacier_event_data=restored)

    # ------------------------------------------------------------------ Object Lock

    async def get_retention(self, bucket: str, key: str, version_id: str | None = None
                            ) -> tuple[str, float]:
        """GetObjectRetention: (mode, retain-until epoch seconds); InvalidRequest in a
        bucket without Object Lock, NoSuchObjectLockConfiguration for a version without."""
        headers = await self._lock_headers(bucket, key, version_id)
        if headers.lock_mode is None:
            raise errors.NoSuchObjectLockConfiguration()
        return headers.lock_mode, headers.lock_until or 0.0

    async def put_retention(self, bucket: str, key: str, mode: str | None,
                            until: float | None, *, version_id: str | None = None,
                            bypass_governance: bool = False) -> None:
        """PutObjectRetention: set, extend, shorten or (mode and date None) remove a
        version's retention, as far as its current retention allows (retention.py)."""
        await self._require_lock(bucket)
        now = self.now()
        retention.check_retention(mode, until, now)

        def change(record: ObjectRecord) -> ObjectRecord:
            retention.check_change(record.info.headers, mode, until, now,
                                   bypass=bypass_governance)
            return _with_headers(record, lock_mode=mode, lock_until=until)
        await self._rewrite(bucket, key, version_id, change)

    async def get_legal_hold(self, bucket: str, key: str, version_id: str | None = None) -> str:
        """GetObjectLegalHold: ON or OFF; NoSuchObjectLockConfiguration when never set."""
        headers = await self._lock_headers(bucket, key, version_id)
        if headers.legal_hold is None:
            raise errors.NoSuchObjectLockConfiguration()
        return headers.legal_hold

    async def put_legal_hold(self, bucket: str, key: str, status: str | None,
                             version_id: str | None = None) -> None:
        await self._require_lock(bucket)
        if status not in retention.HOLD_STATES:
            raise errors.MalformedXML()
        await self._rewrite(bucket, key, version_id,
                            lambda record: _with_headers(record, legal_hold=status))

    async def _check_bypass(self, bucket: str, bypass_governance: bool | None) -> None:
        if bypass_governance is not None and await self._object_lock(bucket) is None:
            raise errors.InvalidArgument(retention.BYPASS_WITHOUT_LOCK,
                                         ArgumentName="x-amz-bypass-governance-retention")

    async def _require_lock(self, bucket: str) -> None:
        await self._buckets.get(bucket)
        if await self._object_lock(bucket) is None:
            raise errors.InvalidRequest(retention.NO_LOCK)

    async def _lock_headers(self, bucket: str, key: str, version_id: str | None
                            ) -> ContentHeaders:
        await self._require_lock(bucket)
        return (await self.record(bucket, key, version_id)).info.headers

    async def _rewrite(self, bucket: str, key: str, version_id: str | None,
                       change: Callable[[ObjectRecord], ObjectRecord], *,
                       method: str = "PUT") -> ObjectInfo:
        """Change a version's record in place (its body stays) and give what it now is;
        NoSuchBucket / NoSuchKey / NoSuchVersion / MethodNotAllowed as a read of it would
        answer."""
        meta = self._store.meta
        stored = None if version_id is None else await self.version_named(bucket, version_id)

        def rewrite() -> ObjectInfo | None:
            record = meta.get_object(bucket, key) if version_id is None \
                else meta.get_version(bucket, key, stored)
            if record is None or record.info.delete_marker:
                return None
            changed = change(record)
            return changed.info if meta.rewrite_version(changed) else None

        rewritten = await self._store.db(rewrite)
        if rewritten is None:
            # Raises the error (a version that came back between the two reads is
            # answered as it is now).
            return (await self.record(bucket, key, version_id, method=method)).info
        return rewritten


@contextmanager
def _marker_refuses(method: str) -> Iterator[None]:
    """The tagging operations and PutObjectAcl answer a key whose latest version is a delete
    marker as one naming the marker: MethodNotAllowed, where reads of the object answer
    NoSuchKey."""
    try:
        yield
    except errors.NoSuchKey as exc:
        marker = getattr(exc, "info", None)
        if marker is None:
            raise
        raise errors.about_delete_marker(
            errors.MethodNotAllowed(Method=method, ResourceType="DeleteMarker"),
            marker) from None


def _with_headers(record: ObjectRecord, **changes: Any) -> ObjectRecord:
    return replace(record, info=replace(record.info, headers=replace(record.info.headers,
                                                                     **changes)))


def event_version(state: str | None, version_id: str | None) -> str | None:
    """The versionId of an event record: in a bucket that is or was versioned only."""
    return None if state is None else versions.wire_id(version_id)


def copy_conditions(when: Conditions, info: ObjectInfo) -> None:
    """x-amz-copy-source-if-*: every failure is PreconditionFailed (412) for a copy, naming
    the copy-source header that failed. S3 ignores an If-Modified-Since in the future."""
    when = ignoring_future(when, time.time())
    try:
        check_read(when, info)
    except errors.NotModified:
        raise errors.PreconditionFailed(
            Condition="x-amz-copy-source-If-None-Match" if when.if_none_match is not None
            else "x-amz-copy-source-If-Modified-Since") from None
    except errors.PreconditionFailed as failed:
        condition = failed.extra.get("Condition")
        raise errors.PreconditionFailed(
            Condition=f"x-amz-copy-source-{condition}") from None


def _changes_storage(req: CopyObject, src: ObjectInfo) -> bool:
    """Whether a copy onto itself changes what S3 counts: naming a storage class, a redirect
    or an encryption does, even the source's own; so does a source encrypted otherwise than
    with SSE-S3, since a copy naming none is written with SSE-S3."""
    return (req.headers.storage_class is not None
            or req.headers.website_redirect_location is not None or bool(req.encryption)
            or src.encryption.algorithm != "AES256")


def resolve_range(wanted: Range, size: int) -> tuple[int, int] | None:
    """(first, last) of a satisfiable range; None (the whole object) for one S3 ignores;
    InvalidRange otherwise."""
    if wanted.first is None:
        if wanted.last is None:
            return None
        if wanted.last == 0 or size == 0:
            raise errors.InvalidRange(RangeRequested=f"bytes=-{wanted.last}",
                                      ActualObjectSize=size)
        return max(0, size - wanted.last), size - 1
    if wanted.last is not None and wanted.last < wanted.first:
        return None
    if wanted.first >= size:
        requested = f"bytes={wanted.first}-{'' if wanted.last is None else wanted.last}"
        raise errors.InvalidRange(RangeRequested=requested, ActualObjectSize=size)
    last = size - 1 if wanted.last is None else min(wanted.last, size - 1)
    return wanted.first, last


def _span(record: ObjectRecord, req: GetObject) -> tuple[int, int] | None:
    """The bytes a read names: one part, one range, or None for the whole object."""
    if req.part_number is not None:
        if req.range is not None:
            raise errors.InvalidRequest("Cannot specify both Range header and partNumber "
                                        "query parameter")
        return part_span(record, req.part_number)
    if req.range is not None:
        return resolve_range(req.range, record.info.size)
    return None


def _parts_of_files(record: ObjectRecord) -> tuple[Part, ...]:
    """The parts of a multipart object stored before parts were kept: sizes only."""
    return tuple(Part(number, "", size, record.info.last_modified)
                 for number, (_, size) in enumerate(record.body.files, start=1))


def part_span(record: ObjectRecord, part_number: int) -> tuple[int, int]:
    """The bytes of one part of an object (the whole object is part 1 of a simple one)."""
    info = record.info
    sizes = ([size for _, size in record.body.files] if info.parts_count else [info.size])
    if not 1 <= part_number <= len(sizes):
        raise errors.InvalidPartNumber(PartNumberRequested=part_number,
                                       ActualPartCount=len(sizes))
    first = sum(sizes[:part_number - 1])
    return first, first + sizes[part_number - 1] - 1

