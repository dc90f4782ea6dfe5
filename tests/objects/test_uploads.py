"""Multipart uploads: S3's ETag, size rules, part order, copy, abort, listing."""
from __future__ import annotations

import hashlib

import pytest

from fogbank.objects import (ChecksumSpec, CompletedPart, Conditions, CopySource,
                             CreateUpload, GetObject, Range, errors)

pytestmark = pytest.mark.anyio
MiB = 1024 * 1024


def multipart_etag(*parts: bytes) -> str:
    digests = b"".join(hashlib.md5(p).digest() for p in parts)
    return f'"{hashlib.md5(digests).hexdigest()}-{len(parts)}"'


async def upload(engine, s3, bucket, key, *parts: bytes, **create):
    up = await engine.uploads.create(CreateUpload(bucket, key, **create))
    done = []
    for n, data in enumerate(parts, 1):
        # A part of a checksummed upload is sent with a checksum of the upload's algorithm.
        spec = ChecksumSpec(up.checksum_algorithm) if up.checksum_algorithm else None
        part = await engine.uploads.upload_part(bucket, key, up.upload_id, n, s3.body(data),
                                                checksum=spec)
        # … and named again in the completion, as S3 asks of a composite checksum.
        done.append(CompletedPart(n, part.etag, part.checksum))
    return up, done


async def test_complete_gives_the_object_and_the_multipart_etag(engine, s3, bucket):
    p1, p2 = b"a" * (5 * MiB), b"b" * 1000
    up, done = await upload(engine, s3, bucket, "big", p1, p2)
    result = await engine.uploads.complete(bucket, "big", up.upload_id, done)
    assert result.etag == multipart_etag(p1, p2)
    assert result.size == len(p1) + len(p2)
    assert await s3.get(bucket, "big") == p1 + p2
    info = await engine.objects.head(GetObject(bucket, "big"))
    assert info.parts_count == 2 and info.etag == result.etag
    # GetObject ?partNumber= reads one part
    assert await s3.get(bucket, "big", part_number=2) == p2
    got = await engine.objects.get(GetObject(bucket, "big", range=Range(5 * MiB - 2, 5 * MiB + 1)))
    assert await s3.read(got) == b"aabb"


async def test_small_part_before_the_last_is_entity_too_small(engine, s3, bucket):
    up, done = await upload(engine, s3, bucket, "k", b"x" * 100, b"y" * 100)
    with pytest.raises(errors.EntityTooSmall) as caught:
        await engine.uploads.complete(bucket, "k", up.upload_id, done)
    assert caught.value.message == ("Your proposed upload is smaller than the minimum allowed "
                                    "size")
    assert caught.value.extra["MinSizeAllowed"] == 5 * MiB
    assert caught.value.extra["PartNumber"] == 1


async def test_wrong_etag_is_invalid_part(engine, s3, bucket):
    up, done = await upload(engine, s3, bucket, "k", b"x")
    with pytest.raises(errors.InvalidPart) as caught:
        await engine.uploads.complete(bucket, "k", up.upload_id, [CompletedPart(1, '"bad"')])
    assert caught.value.extra["UploadId"] == up.upload_id
    with pytest.raises(errors.InvalidPart):
        await engine.uploads.complete(bucket, "k", up.upload_id,
                                      [*done, CompletedPart(2, done[0].etag)])


async def test_parts_out_of_order(engine, s3, bucket):
    up, done = await upload(engine, s3, bucket, "k", b"x" * (5 * MiB), b"y")
    with pytest.raises(errors.InvalidPartOrder):
        await engine.uploads.complete(bucket, "k", up.upload_id, done[::-1])


async def test_complete_with_no_parts_is_malformed(engine, s3, bucket):
    up, _ = await upload(engine, s3, bucket, "k", b"x")
    with pytest.raises(errors.MalformedXML):
        await engine.uploads.complete(bucket, "k", up.upload_id, [])


async def test_part_number_limits(engine, s3, bucket):
    up = await engine.uploads.create(CreateUpload(bucket, "k"))
    for number in (0, 10001):
        with pytest.raises(errors.InvalidArgument) as caught:
            await engine.uploads.upload_part(bucket, "k", up.upload_id, number, s3.body(b"x"))
        assert caught.value.message == ("Part number must be an integer between 1 and 10000, "
                                        "inclusive")


async def test_upload_ids_never_open_with_a_dash(engine, s3, bucket):
    # About one random id in 32 would; 300 ids make a missed case all but certain to show.
    ids = [(await engine.uploads.create(CreateUpload(bucket, "k"))).upload_id
           for _ in range(300)]
    assert all(i[0].isalnum() for i in ids) and len(set(ids)) == 300


async def test_unknown_upload_is_no_such_upload(engine, s3, bucket):
    with pytest.raises(errors.NoSuchUpload) as caught:
        await engine.uploads.upload_part(bucket, "k", "nope", 1, s3.body(b"x"))
    assert caught.value.status == 404 and caught.value.extra == {"UploadId": "nope"}


async def test_upload_id_belongs_to_its_key(engine, s3, bucket):
    up = await engine.uploads.create(CreateUpload(bucket, "k"))
    with pytest.raises(errors.NoSuchUpload):
        await engine.uploads.list_parts(bucket, "other", up.upload_id)


async def test_abort_removes_the_upload_and_its_parts(engine, s3, bucket, data_dir):
    up, _ = await upload(engine, s3, bucket, "k", b"x" * 1000, b"y" * 1000)
    await engine.uploads.abort(bucket, "k", up.upload_id)
    with pytest.raises(errors.NoSuchUpload):
        await engine.uploads.list_parts(bucket, "k", up.upload_id)
    assert not [p for p in (data_dir / "bodies").rglob("*") if p.is_file()]
    with pytest.raises(errors.NoSuchUpload):
        await engine.uploads.abort(bucket, "k", up.upload_id)


async def test_completed_upload_is_gone_and_unused_parts_removed(engine, s3, bucket, data_dir):
    up, done = await upload(engine, s3, bucket, "k", b"x" * 100, b"y" * 100)
    first = await engine.uploads.complete(bucket, "k", up.upload_id, done[:1])
    assert await s3.get(bucket, "k") == b"x" * 100
    assert len([p for p in (data_dir / "bodies").rglob("*") if p.is_file()]) == 1
    with pytest.raises(errors.NoSuchUpload):
        await engine.uploads.list_parts(bucket, "k", up.upload_id)
    with pytest.raises(errors.NoSuchUpload):
        await engine.uploads.complete(bucket, "k", up.upload_id, done)
    # The same completion again (a retry whose first answer was lost) is answered again.
    assert await engine.uploads.complete(bucket, "k", up.upload_id, done[:1]) == first


async def test_reuploading_a_part_replaces_it(engine, s3, bucket):
    up = await engine.uploads.create(CreateUpload(bucket, "k"))
    await engine.uploads.upload_part(bucket, "k", up.upload_id, 1, s3.body(b"old"))
    part = await engine.uploads.upload_part(bucket, "k", up.upload_id, 1, s3.body(b"new"))
    page = await engine.uploads.list_parts(bucket, "k", up.upload_id)
    assert [(p.part_number, p.etag, p.size) for p in page.parts] == [(1, part.etag, 3)]


async def test_list_parts_pages(engine, s3, bucket):
    up, _ = await upload(engine, s3, bucket, "k", b"1", b"2", b"3")
    page = await engine.uploads.list_parts(bucket, "k", up.upload_id, max_parts=2)
    assert [p.part_number for p in page.parts] == [1, 2]
    assert page.is_truncated and page.next_part_number_marker == 2
    page = await engine.uploads.list_parts(bucket, "k", up.upload_id, part_number_marker=2)
    assert [p.part_number for p in page.parts] == [3] and not page.is_truncated


async def test_list_uploads(engine, bucket):
    a = await engine.uploads.create(CreateUpload(bucket, "a/1"))
    b = await engine.uploads.create(CreateUpload(bucket, "a/2"))
    c = await engine.uploads.create(CreateUpload(bucket, "b"))
    page = await engine.uploads.list_uploads(bucket)
    assert [u.upload_id for u in page.uploads] == [a.upload_id, b.upload_id, c.upload_id]
    page = await engine.uploads.list_uploads(bucket, delimiter="/")
    assert page.common_prefixes == ("a/",) and [u.key for u in page.uploads] == ["b"]
    page = await engine.uploads.list_uploads(bucket, max_uploads=1)
    assert page.is_truncated and page.next_key_marker == "a/1"
    page = await engine.uploads.list_uploads(bucket, key_marker="a/1")
    assert [u.key for u in page.uploads] == ["a/2", "b"]


async def test_upload_part_copy(engine, s3, bucket):
    await s3.put(bucket, "src", b"0123456789")
    up = await engine.uploads.create(CreateUpload(bucket, "dst"))
    part = await engine.uploads.upload_part_copy(bucket, "dst", up.upload_id, 1,
                                                 CopySource(bucket, "src", range=Range(2, 5)))
    await engine.uploads.complete(bucket, "dst", up.upload_id, [CompletedPart(1, part.etag)])
    assert await s3.get(bucket, "dst") == b"2345"


async def test_upload_part_copy_range_past_the_source(engine, s3, bucket):
    await s3.put(bucket, "src", b"0123456789")
    up = await engine.uploads.create(CreateUpload(bucket, "dst"))
    with pytest.raises(errors.InvalidArgument):
        await engine.uploads.upload_part_copy(bucket, "dst", up.upload_id, 1,
                                              CopySource(bucket, "src", range=Range(5, 10)))


async def test_complete_respects_if_none_match(engine, s3, bucket):
    await s3.put(bucket, "k", b"exists")
    up, done = await upload(engine, s3, bucket, "k", b"x")
    with pytest.raises(errors.PreconditionFailed):
        await engine.uploads.complete(bucket, "k", up.upload_id, done,
                                      conditions=Conditions(if_none_match="*"))
    assert await s3.get(bucket, "k") == b"exists"


async def test_composite_and_full_object_checksums(engine, s3, bucket):
    import base64
    import zlib
    p1, p2 = b"a" * (5 * MiB), b"b" * 10
    up, done = await upload(engine, s3, bucket, "c", p1, p2, checksum_algorithm="CRC32")
    parts = (await engine.uploads.list_parts(bucket, "c", up.upload_id)).parts
    crcs = [base64.b64decode(p.checksum.value) for p in parts]
    result = await engine.uploads.complete(bucket, "c", up.upload_id, done)
    expected = base64.b64encode(zlib.crc32(b"".join(crcs)).to_bytes(4, "big")).decode()
    assert (result.checksum.value, result.checksum.type) == (f"{expected}-2", "COMPOSITE")

    up, done = await upload(engine, s3, bucket, "f", p1, p2, checksum_algorithm="CRC32",
                            checksum_type="FULL_OBJECT")
    result = await engine.uploads.complete(bucket, "f", up.upload_id, done)
    whole = base64.b64encode(zlib.crc32(p1 + p2).to_bytes(4, "big")).decode()
    assert (result.checksum.value, result.checksum.type) == (whole, "FULL_OBJECT")


async def test_part_checksum_of_another_algorithm(engine, s3, bucket):
    up = await engine.uploads.create(CreateUpload(bucket, "k", checksum_algorithm="CRC32"))
    with pytest.raises(errors.InvalidRequest):
        await engine.uploads.upload_part(bucket, "k", up.upload_id, 1, s3.body(b"x"),
                                         checksum=ChecksumSpec("SHA256"))


async def test_part_without_the_checksum_its_upload_names(engine, s3, bucket):
    up = await engine.uploads.create(CreateUpload(bucket, "k", checksum_algorithm="CRC32"))
    with pytest.raises(errors.InvalidRequest) as caught:
        await engine.uploads.upload_part(bucket, "k", up.upload_id, 1, s3.body(b"x"))
    assert caught.value.message.endswith("expected checksum Type: crc32, actual checksum "
                                         "Type: null")
    # The declared algorithm is judged before the value it came with.
    with pytest.raises(errors.InvalidRequest) as caught:
        await engine.uploads.upload_part(bucket, "k", up.upload_id, 1, s3.body(b"x"),
                                         checksum=ChecksumSpec("CRC32", None, "SHA1"))
    assert caught.value.message.endswith("actual checksum Type: sha1")
    await s3.put(bucket, "src", b"copied")
    part = await engine.uploads.upload_part_copy(bucket, "k", up.upload_id, 2,
                                                 CopySource(bucket, "src"))
    assert part.checksum.algorithm == "CRC32"      # a copied part gets one computed


async def test_full_object_needs_a_crc(engine, bucket):
    with pytest.raises(errors.InvalidRequest):
        await engine.uploads.create(CreateUpload(bucket, "k", checksum_algorithm="SHA256",
                                                 checksum_type="FULL_OBJECT"))


async def test_completed_parts_are_kept_for_object_attributes(engine, s3, bucket):
    up = await engine.uploads.create(CreateUpload(bucket, "k", checksum_algorithm="CRC32"))
    done = []
    for number, data in ((2, b"a" * (5 * MiB)), (5, b"tail")):
        part = await engine.uploads.upload_part(bucket, "k", up.upload_id, number, s3.body(data),
                                                checksum=ChecksumSpec("CRC32"))
        done.append(CompletedPart(number, part.etag, part.checksum))
    await engine.uploads.complete(bucket, "k", up.upload_id, done)
    await engine.close()
    await engine.start()                     # the parts outlive the process
    found = await engine.objects.attributes(bucket, "k", max_parts=1)
    assert [(p.part_number, p.size) for p in found.parts] == [(2, 5 * MiB)]
    assert found.parts[0].checksum.algorithm == "CRC32"
    assert found.is_truncated and found.next_part_number_marker == 2
    rest = await engine.objects.attributes(bucket, "k", part_number_marker=2)
    assert [(p.part_number, p.size) for p in rest.parts] == [(5, 4)]
    assert not rest.is_truncated and rest.next_part_number_marker == 5
    await s3.put(bucket, "simple", b"x")
    assert (await engine.objects.attributes(bucket, "simple")).parts == ()


async def test_a_composite_upload_completed_without_a_parts_checksum(engine, s3, bucket):
    up, done = await upload(engine, s3, bucket, "k", b"a" * (5 * MiB), b"b",
                            checksum_algorithm="SHA1")
    done[0] = CompletedPart(1, done[0].etag)
    with pytest.raises(errors.InvalidRequest) as caught:
        await engine.uploads.complete(bucket, "k", up.upload_id, done)
    assert caught.value.message == (
        "The upload was created using a sha1 checksum. The complete request must include the "
        "checksum for each part. It was missing for part 1 in the request.")
