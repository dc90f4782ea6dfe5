"""Multipart uploads: create, upload parts (or copy them), complete, abort, list.

Each part is its own body file. Completing an upload does not copy bytes: the object's
body is the list of its parts' files, in order, and the parts left out are removed.
S3's rules: part numbers 1–10000, parts at most 5 GiB, every part but the last at least
5 MiB, parts listed in ascending order with their ETags.
"""
from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import replace
from typing import Callable, Sequence

from fogbank.objects import checksums, conditions, encryption, errors, intake
from fogbank.objects.buckets import Buckets
from fogbank.objects.listing import check_max, successor
from fogbank.objects.model import (MAX_PART_NUMBER, MAX_PUT_SIZE, MIN_PART_SIZE, Body, Caller,
                                   Checksum, ChecksumSpec, CompletedPart, Conditions, CopySource,
                                   CreateUpload, CustomerKey, ObjectInfo, Part, PartsPage,
                                   PutResult, Range, Upload, UploadsPage)
from fogbank.objects.names import check_key
from fogbank.objects.notifications import Notifier
from fogbank.objects.objects import (DEFAULT_CHECKSUM, Objects, check_headers, check_metadata,
                                     copy_conditions, event_version, header_tags,
                                     resolve_range)
from fogbank.objects.storage import ObjectRecord, PartRecord, StoredBody, UploadRecord
from fogbank.objects.store import Store


def _check_part_number(number: int) -> None:
    if not 1 <= number <= MAX_PART_NUMBER:
        raise errors.InvalidArgument("Part number must be an integer between 1 and 10000, "
                                     "inclusive", ArgumentName="partNumber",
                                     ArgumentValue=str(number))


def _same_etag(a: str, b: str) -> bool:
    return a.strip().strip('"') == b.strip().strip('"')


# Completed uploads remembered so that a retried CompleteMultipartUpload (its first answer
# lost) gets that answer again, as from S3, rather than NoSuchUpload. In memory: a retry
# follows within seconds; the oldest are forgotten first.
REMEMBERED_COMPLETIONS = 10_000
_PartList = tuple[tuple[int, str], ...]


def _part_list(parts: Sequence[CompletedPart]) -> _PartList:
    return tuple((p.part_number, p.etag.strip().strip('"')) for p in parts)


class Uploads:
    def __init__(self, store: Store, buckets: Buckets, objects: Objects, notifier: Notifier, *,
                 clock: Callable[[], float]) -> None:
        self._store = store
        self._buckets = buckets
        self._objects = objects
        self._notifier = notifier
        self._clock = clock
        self._completed: OrderedDict[str, tuple[str, str, _PartList, PutResult]] = OrderedDict()

    async def create(self, req: CreateUpload) -> Upload:
        check_key(req.key)
        bucket = await self._buckets.get(req.bucket)
        check_headers(req.headers)
        check_metadata(req.metadata)
        tags = header_tags(req.tags) if req.tags is not None else None
        headers = replace(req.headers, acl=await self._objects.object_acl(req.bucket, req.acl))
        # The lock headers are judged now; the default retention counts from completion.
        await self._objects.locked(req.bucket, headers)
        sse = await self._objects.encryption_for(bucket, req.encryption, action="PutObject",
                                                 key=req.key)
        algorithm = checksums.check_algorithm(req.checksum_algorithm) \
            if req.checksum_algorithm else None
        kind = req.checksum_type
        if kind is not None:
            if algorithm is None or kind not in ("FULL_OBJECT", "COMPOSITE"):
                raise errors.InvalidRequest("The x-amz-checksum-type header can only be used "
                                            "with the x-amz-checksum-algorithm header.")
            if kind == "FULL_OBJECT" and not checksums.is_crc(algorithm):
                raise errors.InvalidRequest(f"The FULL_OBJECT checksum type cannot be used with "
                                            f"the {algorithm.lower()} checksum algorithm.")
            if kind == "COMPOSITE" and algorithm == "CRC64NVME":
                raise errors.InvalidRequest("The COMPOSITE checksum type cannot be used with "
                                            "the crc64nvme checksum algorithm.")
        elif algorithm is not None:
            kind = "FULL_OBJECT" if algorithm == "CRC64NVME" else "COMPOSITE"
        upload = Upload(new_upload_id(), req.bucket, req.key,
                        round(self._clock(), 3), headers, algorithm, kind, sse)
        await self._store.db(self._store.meta.add_upload,
                             UploadRecord(upload, dict(req.metadata), tags))
        return upload

    async def _upload(self, bucket: str, key: str, upload_id: str) -> UploadRecord:
        await self._buckets.get(bucket)
        record = await self._store.db(self._store.meta.get_upload, upload_id)
        if record is None or (record.upload.bucket, record.upload.key) != (bucket, key):
            raise errors.NoSuchUpload(UploadId=upload_id)
        return record

    async def upload_part(self, bucket: str, key: str, upload_id: str, part_number: int,
                          body: Body, *, content_md5: str | None = None,
                          checksum: ChecksumSpec | None = None,
                          content_length: int | None = None,
                          customer_key: CustomerKey = CustomerKey()) -> Part:
        """`customer_key`: an SSE-C upload's key, which every part must bring."""
        _check_part_number(part_number)
        upload = (await self._upload(bucket, key, upload_id)).upload
        encryption.check_part(upload.encryption, customer_key)
        checksum = self._part_checksum(upload, checksum, sent=True)
        got = await intake.receive(self._store, body, content_md5=content_md5,
                                   checksum=checksum, content_length=content_length,
                                   max_size=MAX_PUT_SIZE, inline=False)
        return await self._add_part(upload, part_number, got)

    async def upload_part_copy(self, bucket: str, key: str, upload_id: str, part_number: int,
                               source: CopySource,
                               customer_key: CustomerKey = CustomerKey()) -> Part:
        _check_part_number(part_number)
        upload = (await self._upload(bucket, key, upload_id)).upload
        src = await self._objects.copy_source(source)
        copy_conditions(source.conditions, src.info)
        encryption.check_read(src.info.encryption, source.customer_key)
        encryption.check_part(upload.encryption, customer_key)
        first, last = 0, src.info.size - 1
        if source.range is not None:
            wanted = source.range
            if wanted.first is not None and wanted.first >= src.info.size:
                raise errors.InvalidRequest("The specified copy range is invalid for the "
                                            "source object size")
            if wanted.first is None or wanted.last is None or wanted.last >= src.info.size:
                raise errors.InvalidArgument("Range specified is not valid for source object of "
                                             f"size: {src.info.size}",
                                             ArgumentName="x-amz-copy-source-range",
                                             ArgumentValue=_range_text(wanted))
            first, last = resolve_range(source.range, src.info.size) or (first, last)
        reader = self._store.reader(src.body, first, last)
        got = await intake.receive(self._store, reader, content_md5=None,
                                   checksum=self._part_checksum(upload, None), content_length=None,
                                   max_size=MAX_PUT_SIZE, inline=False)
        part = await self._add_part(upload, part_number, got)
        return replace(part, source_version_id=src.info.version_id)

    @staticmethod
    def _part_checksum(upload: Upload, given: ChecksumSpec | None, *, sent: bool = False
                       ) -> ChecksumSpec | None:
        """The checksum to compute for a part. An upload created with an algorithm takes
        parts of that algorithm only: a part sent (`sent`) without any checksum is refused
        too, as S3 does, while a copied part gets one computed."""
        if upload.checksum_algorithm is None:
            return given
        if given is None and not sent:
            return ChecksumSpec(upload.checksum_algorithm)
        # S3 judges the algorithm the request declares before the value it carries.
        named = None if given is None else (given.declared or given.algorithm)
        if named is None or named.upper() != upload.checksum_algorithm:
            raise errors.InvalidRequest(
                "Checksum Type mismatch occurred, expected checksum Type: "
                f"{upload.checksum_algorithm.lower()}, actual checksum Type: "
                f"{'null' if named is None else named.lower()}")
        return given

    async def _add_part(self, upload: Upload, number: int, got: intake.Received) -> Part:
        meta = self._store.meta
        upload_id = upload.upload_id
        # The object's ETag is made of its parts' as S3 makes it, whatever they are.
        digest = encryption.etag_digest(upload.encryption, got.md5)
        part = Part(number, f'"{digest.hex()}"', got.size, round(self._clock(), 3), got.checksum)
        record = PartRecord(part, got.body.file_ids[0], digest, got.checksum)

        def add() -> PartRecord | None:
            if meta.get_upload(upload_id) is None:       # aborted or completed meanwhile
                raise errors.NoSuchUpload(UploadId=upload_id)
            return meta.put_part(upload_id, record)

        try:
            old = await self._store.db(add)
        except BaseException:
            await self._store.discard(got.body)
            raise
        if old is not None:
            await self._store.discard_ids([old.body_id])
        return replace(part, encryption=upload.encryption)

    async def complete(self, bucket: str, key: str, upload_id: str,
                       parts: Sequence[CompletedPart], *, conditions: Conditions = Conditions(),
                       caller: Caller = Caller(), customer_key: CustomerKey = CustomerKey(),
                       expected: Checksum | None = None,
                       expected_type: str | None = None) -> PutResult:
        """`expected`: the object's checksum as the request states it (x-amz-checksum-*),
        which must be the one the parts make; `expected_type` (x-amz-checksum-type) must be
        the upload's."""
        try:
            return await self._complete(bucket, key, upload_id, parts, conditions, caller,
                                        customer_key, expected, expected_type)
        except errors.NoSuchUpload:
            done = self._completed.get(upload_id)
            if done is None or done[:3] != (bucket, key, _part_list(parts)):
                raise
            return done[3]

    async def _default_checksum(self, body: StoredBody, size: int) -> Checksum:
        """The CRC64NVME of the whole object, which S3 gives an object assembled from an
        upload created without a checksum algorithm (as it does a PutObject without one),
        whatever checksums its parts were sent with."""
        summer = checksums.Checksummer(DEFAULT_CHECKSUM.algorithm)
        async for chunk in self._store.reader(body, 0, size - 1):
            summer.update(chunk)
        return Checksum(summer.algorithm, summer.value())

    async def _complete(self, bucket: str, key: str, upload_id: str,
                        parts: Sequence[CompletedPart], conditions: Conditions,
                        caller: Caller, customer_key: CustomerKey,
                        expected: Checksum | None, expected_type: str | None) -> PutResult:
        record = await self._upload(bucket, key, upload_id)
        encryption.check_complete(record.upload.encryption, customer_key)
        _check_expected_type(record.upload, expected_type)
        stored = {p.part.part_number: p for p in
                  await self._store.db(self._store.meta.parts, upload_id)}
        upload = record.upload
        chosen = _choose_parts(upload_id, parts, stored)
        _check_part_checksums(upload, parts)
        etag = checksums.multipart_etag([p.md5 for p in chosen])
        state, version_id = await self._objects.new_version(bucket)
        body = StoredBody(files=tuple((p.body_id, p.part.size) for p in chosen))
        size = sum(p.part.size for p in chosen)
        checksum = _object_checksum(upload, chosen) if upload.checksum_algorithm \
            else await self._default_checksum(body, size)
        _check_expected(expected, checksum)
        info = ObjectInfo(bucket, key, size, etag,
                          round(self._clock(), 3),
                          await self._objects.locked(bucket, upload.headers),
                          dict(record.metadata),
                          checksum, len(chosen),
                          len(record.tags or {}), encryption=upload.encryption,
                          version_id=version_id)
        new = ObjectRecord(info, body, dict(record.tags or {}), tuple(p.part for p in chosen))
        old = await self._store.db(self._finish, upload_id, new, conditions, state,
                                   upload.initiated)
        result = PutResult(etag, info.last_modified, info.size, info.checksum,
                           await self._objects.expiration(info, new.tags), upload.encryption,
                           version_id)
        self._completed[upload_id] = (bucket, key, _part_list(parts), result)
        while len(self._completed) > REMEMBERED_COMPLETIONS:
            self._completed.popitem(last=False)
        used = set(body.file_ids)
        await self._store.discard_ids([p.body_id for p in stored.values()
                                       if p.body_id not in used])
        if old is not None:
            await self._store.discard(old.body)
        await self._notifier.emit(bucket, "ObjectCreated:CompleteMultipartUpload", key, caller,
                                  size=info.size, etag=etag,
                                  version_id=event_version(state, version_id))
        return result

    def _finish(self, upload_id: str, new: ObjectRecord, when: Conditions, state: str | None,
                initiated: float) -> ObjectRecord | None:
        """On the database thread: the upload becomes the object, in one step."""
        meta = self._store.meta
        self._buckets.lookup(new.info.bucket)
        upload = meta.get_upload(upload_id)
        if upload is None:
            raise errors.NoSuchUpload(UploadId=upload_id)
        if when:
            current = meta.get_object(new.info.bucket, new.info.key)
            conditions.check_write(when, current and current.info, new.info.key)
            conditions.check_unchanged_since(when, current and current.info, new.info.key,
                                             initiated, upload.key_deleted)
        old = self._objects.place(new, state)
        meta.remove_upload(upload_id)
        return old

    async def abort(self, bucket: str, key: str, upload_id: str) -> None:
        await self._upload(bucket, key, upload_id)
        parts = await self._store.db(self._store.meta.remove_upload, upload_id)
        await self._store.discard_ids([p.body_id for p in parts])

    async def list_parts(self, bucket: str, key: str, upload_id: str, *, max_parts: int = 1000,
                         part_number_marker: int = 0) -> PartsPage:
        record = await self._upload(bucket, key, upload_id)
        limit = check_max(max_parts, "max-parts")
        parts = await self._store.db(self._store.meta.parts, upload_id, part_number_marker)
        page = [p.part for p in parts[:limit]]
        truncated = len(parts) > limit
        return PartsPage(record.upload, tuple(page), truncated,
                         page[-1].part_number if page else None)

    async def list_uploads(self, bucket: str, *, prefix: str = "", delimiter: str = "",
                           max_uploads: int = 1000, key_marker: str = "",
                           upload_id_marker: str = "") -> UploadsPage:
        """Uploads by key, each key's in the order they began. S3 reads an upload-id marker
        only beside a key marker, as that key's upload to go on after; the next markers
        name the page's last upload ("" when it has none), even on a last page."""
        await self._buckets.get(bucket)
        limit = check_max(max_uploads, "max-uploads")
        records = await self._store.db(self._store.meta.scan_uploads, bucket, prefix)
        ups = [rec.upload for rec in records]
        if not key_marker:
            upload_id_marker = ""
        elif upload_id_marker:
            ids = [up.upload_id for up in ups if up.key == key_marker]
            if upload_id_marker not in ids:
                raise errors.InvalidArgument("Invalid uploadId marker",
                                             ArgumentName="upload-id-marker",
                                             ArgumentValue=upload_id_marker)
        uploads: list[Upload] = []
        prefixes: list[str] = []
        skip_below = ""
        passed_marker = not upload_id_marker
        truncated = False
        for up in ups:
            if up.key == key_marker and not passed_marker:
                passed_marker = up.upload_id == upload_id_marker
                continue
            if key_marker and (up.key < key_marker or up.key == key_marker and
                               not upload_id_marker):
                continue
            if skip_below and up.key < skip_below:
                continue
            cut = up.key.find(delimiter, len(prefix)) if delimiter else -1
            common = up.key[:cut + len(delimiter)] if cut >= 0 else None
            if common is not None and key_marker and common <= key_marker:
                skip_below = successor(common)       # a prefix an earlier page returned
                continue
            if len(uploads) + len(prefixes) >= limit:
                truncated = True
                break
            if common is not None:
                prefixes.append(common)
                skip_below = successor(common)
                continue
            uploads.append(up)
        last = uploads[-1] if uploads else None
        return UploadsPage(tuple(uploads), tuple(prefixes), truncated,
                           last.key if last else "", last.upload_id if last else "")


def _choose_parts(upload_id: str, parts: Sequence[CompletedPart],
                  stored: dict[int, PartRecord]) -> list[PartRecord]:
    if not parts:
        raise errors.MalformedXML()
    chosen: list[PartRecord] = []
    previous = 0
    for given in parts:
        if given.part_number <= previous:
            raise errors.InvalidPartOrder(UploadId=upload_id)
        previous = given.part_number
        have = stored.get(given.part_number)
        # A checksum named for a part stored without one matches nothing, as on S3.
        if have is None or not _same_etag(have.part.etag, given.etag) or (
                given.checksum is not None and (have.checksum is None
                                                or given.checksum.value != have.checksum.value)):
            raise errors.InvalidPart(UploadId=upload_id, PartNumber=given.part_number,
                                     ETag=given.etag.strip('"'))
        chosen.append(have)
    for part in chosen[:-1]:
        if part.part.size < MIN_PART_SIZE:
            raise errors.EntityTooSmall(ProposedSize=part.part.size,
                                        MinSizeAllowed=MIN_PART_SIZE,
                                        PartNumber=part.part.part_number,
                                        ETag=part.part.etag.strip('"'))
    return chosen


def _check_part_checksums(upload: Upload, parts: Sequence[CompletedPart]) -> None:
    """An upload made with a composite checksum is completed only with each part's checksum
    named, since the object's checksum is one over the parts' (a full-object one is not)."""
    if upload.checksum_algorithm is None or upload.checksum_type != "COMPOSITE":
        return
    for given in parts:
        if given.checksum is None:
            raise errors.InvalidRequest(
                f"The upload was created using a {upload.checksum_algorithm.lower()} checksum. "
                "The complete request must include the checksum for each part. It was missing "
                f"for part {given.part_number} in the request.")


def _check_expected_type(upload: Upload, expected_type: str | None) -> None:
    """A completion naming a checksum type names the one the upload was created with.
    botocore's documentation of the header says BadDigest, but S3 emulators that check
    themselves against S3 (versitygw, S3Mock, CloudServer) all answer this InvalidRequest word
    for word, which we take to be what S3 sends. An upload made without an algorithm is left
    unchecked: we do not know what S3 says for it."""
    if expected_type is None or upload.checksum_type is None:
        return
    if expected_type != upload.checksum_type:
        raise errors.InvalidRequest(
            f"The upload was created using the {upload.checksum_type} checksum mode. "
            "The complete request must use the same checksum mode.")


def _check_expected(expected: Checksum | None, computed: Checksum | None) -> None:
    """A checksum the completion states must be the one of the same algorithm the parts
    make; a composite one may leave out its `-<parts>` suffix."""
    if expected is None or computed is None or expected.algorithm != computed.algorithm:
        return
    if expected.value.split("-")[0] != computed.value.split("-")[0]:
        raise errors.BadDigest(f"The {expected.algorithm} you specified did not match "
                               "the calculated checksum.")


def _object_checksum(upload: Upload, parts: list[PartRecord]) -> Checksum | None:
    algorithm = upload.checksum_algorithm
    if algorithm is None or any(p.checksum is None for p in parts):
        return None
    if upload.checksum_type == "FULL_OBJECT":
        return checksums.full_object(algorithm, [(p.checksum.value, p.part.size) for p in parts])
    return checksums.composite(algorithm, [p.checksum.value for p in parts])


def new_upload_id() -> str:
    """A random upload id that opens with a letter or digit: one opening with "-" would be
    taken for an option by a command line (`aws s3api upload-part --upload-id -x…`)."""
    while True:
        token = secrets.token_urlsafe(48)
        if token[0].isalnum():
            return token


def _range_text(wanted: Range) -> str:
    """A range as its header gave it."""
    first = "" if wanted.first is None else wanted.first
    last = "" if wanted.last is None else wanted.last
    return f"bytes={first}-{last}"
