"""Objects: put, get, head, delete, copy, ranges, conditions, metadata, tags."""
from __future__ import annotations

import base64
import hashlib

import pytest

from fogbank.objects import (Caller, Conditions, ContentHeaders, CopyObject, CopySource,
                             GetObject, PutObject, Range, errors)

pytestmark = pytest.mark.anyio


def md5_etag(data: bytes) -> str:
    return f'"{hashlib.md5(data).hexdigest()}"'


async def test_put_then_get_returns_the_bytes_and_md5_etag(s3, bucket):
    data = b"hello world" * 1000
    result = await s3.put(bucket, "a.txt", data)
    assert result.etag == md5_etag(data)
    assert result.size == len(data)
    assert await s3.get(bucket, "a.txt") == data


async def test_large_object_streams_back_byte_exact(s3, bucket):
    data = bytes(range(256)) * 20000          # ~5 MB, several batches and read chunks
    result = await s3.put(bucket, "big.bin", data)
    assert result.etag == md5_etag(data)
    got = await s3.engine.objects.get(GetObject(bucket, "big.bin"))
    pieces = [chunk async for chunk in got.body]
    assert len(pieces) > 1 and b"".join(pieces) == data


async def test_empty_object(s3, bucket):
    result = await s3.put(bucket, "empty", b"")
    assert result.etag == '"d41d8cd98f00b204e9800998ecf8427e"'
    assert await s3.get(bucket, "empty") == b""


async def test_head_gives_headers_and_metadata(s3, bucket, clock):
    headers = ContentHeaders(content_type="text/plain", cache_control="max-age=60",
                             content_disposition="inline")
    await s3.put(bucket, "doc", b"abc", headers=headers, metadata={"owner": "me"})
    info = await s3.engine.objects.head(GetObject(bucket, "doc"))
    assert info.content_type == "text/plain"
    assert info.headers.cache_control == "max-age=60"
    assert info.metadata == {"owner": "me"}
    assert info.last_modified == clock.now
    assert info.storage_class == "STANDARD"


async def test_default_content_type(s3, bucket):
    await s3.put(bucket, "x", b"1")
    assert (await s3.engine.objects.head(GetObject(bucket, "x"))).content_type == \
        "binary/octet-stream"


async def test_overwrite_replaces_the_object(s3, bucket):
    await s3.put(bucket, "k", b"first")
    await s3.put(bucket, "k", b"second")
    assert await s3.get(bucket, "k") == b"second"


async def test_get_missing_key_is_no_such_key(s3, bucket):
    with pytest.raises(errors.NoSuchKey) as caught:
        await s3.get(bucket, "nope")
    assert caught.value.status == 404
    assert caught.value.message == "The specified key does not exist."
    assert caught.value.extra == {"Key": "nope"}


async def test_put_to_missing_bucket_is_no_such_bucket(s3):
    with pytest.raises(errors.NoSuchBucket) as caught:
        await s3.put("no-such-bucket", "k", b"x")
    assert caught.value.extra == {"BucketName": "no-such-bucket"}


async def test_delete_removes_and_missing_delete_succeeds(s3, bucket):
    await s3.put(bucket, "k", b"x")
    await s3.engine.objects.delete(bucket, "k")
    await s3.engine.objects.delete(bucket, "k")
    with pytest.raises(errors.NoSuchKey):
        await s3.get(bucket, "k")


async def test_delete_many_reports_each_key(s3, bucket):
    await s3.put(bucket, "a", b"1")
    deleted, failed = await s3.engine.objects.delete_many(bucket, ["a", "b", "x" * 2000])
    assert [d.key for d in deleted] == ["a", "b"]
    assert [(f.key, f.code) for f in failed] == [("x" * 2000, "KeyTooLongError")]


async def test_delete_many_refuses_more_than_1000_keys(s3, bucket):
    with pytest.raises(errors.MalformedXML):
        await s3.engine.objects.delete_many(bucket, [str(i) for i in range(1001)])


async def test_key_longer_than_1024_bytes_is_refused(s3, bucket):
    with pytest.raises(errors.KeyTooLongError):
        await s3.put(bucket, "é" * 513, b"x")


async def test_metadata_over_2kb_is_refused(s3, bucket):
    with pytest.raises(errors.MetadataTooLarge):
        await s3.put(bucket, "k", b"x", metadata={"big": "v" * 2100})


async def test_declared_length_must_match(s3, bucket):
    with pytest.raises(errors.IncompleteBody):
        await s3.put(bucket, "k", b"abc", content_length=10)
    with pytest.raises(errors.NoSuchKey):
        await s3.get(bucket, "k")


@pytest.mark.parametrize("wanted,expected,span", [
    (Range(0, 4), b"01234", (0, 4)),
    (Range(5, None), b"56789", (5, 9)),
    (Range(None, 3), b"789", (7, 9)),
    (Range(8, 100), b"89", (8, 9)),
    (Range(None, 50), b"0123456789", (0, 9)),
])
async def test_ranges(s3, bucket, wanted, expected, span):
    await s3.put(bucket, "digits", b"0123456789")
    got = await s3.engine.objects.get(GetObject(bucket, "digits", range=wanted))
    assert got.content_range == span
    assert got.content_length == len(expected)
    assert await s3.read(got) == expected


async def test_range_past_the_end_is_invalid_range(s3, bucket):
    await s3.put(bucket, "digits", b"0123456789")
    with pytest.raises(errors.InvalidRange) as caught:
        await s3.engine.objects.get(GetObject(bucket, "digits", range=Range(10, 20)))
    assert caught.value.status == 416
    assert caught.value.extra == {"RangeRequested": "bytes=10-20", "ActualObjectSize": 10}


async def test_backwards_range_is_ignored(s3, bucket):
    await s3.put(bucket, "digits", b"0123456789")
    got = await s3.engine.objects.get(GetObject(bucket, "digits", range=Range(5, 2)))
    assert got.content_range is None and await s3.read(got) == b"0123456789"


async def test_range_across_a_large_body(s3, bucket):
    data = bytes(range(256)) * 10000
    await s3.put(bucket, "big", data)
    got = await s3.engine.objects.get(GetObject(bucket, "big", range=Range(1_000_000, 2_500_000)))
    assert await s3.read(got) == data[1_000_000:2_500_001]


# ---------------------------------------------------------------- conditional reads

async def test_if_match(s3, bucket):
    etag = (await s3.put(bucket, "k", b"v")).etag
    assert await s3.get(bucket, "k", conditions=Conditions(if_match=etag)) == b"v"
    with pytest.raises(errors.PreconditionFailed) as caught:
        await s3.get(bucket, "k", conditions=Conditions(if_match='"other"'))
    assert caught.value.status == 412 and caught.value.extra == {"Condition": "If-Match"}


async def test_if_none_match_gives_not_modified_with_the_object_info(s3, bucket):
    etag = (await s3.put(bucket, "k", b"v")).etag
    with pytest.raises(errors.NotModified) as caught:
        await s3.get(bucket, "k", conditions=Conditions(if_none_match=etag))
    assert caught.value.status == 304 and caught.value.info.etag == etag
    assert await s3.get(bucket, "k", conditions=Conditions(if_none_match='"x"')) == b"v"


async def test_modified_since(s3, bucket, clock):
    await s3.put(bucket, "k", b"v")
    written = clock.now
    clock.advance(60)
    with pytest.raises(errors.NotModified):
        await s3.get(bucket, "k", conditions=Conditions(if_modified_since=written + 10))
    assert await s3.get(bucket, "k", conditions=Conditions(if_modified_since=written - 10))
    # A date past now is ignored, as S3 does.
    assert await s3.get(bucket, "k", conditions=Conditions(if_modified_since=clock.now + 10))


async def test_unmodified_since(s3, bucket, clock):
    await s3.put(bucket, "k", b"v")
    with pytest.raises(errors.PreconditionFailed):
        await s3.get(bucket, "k", conditions=Conditions(if_unmodified_since=clock.now - 10))


async def test_if_match_wins_over_unmodified_since(s3, bucket, clock):
    etag = (await s3.put(bucket, "k", b"v")).etag
    when = Conditions(if_match=etag, if_unmodified_since=clock.now - 10)
    assert await s3.get(bucket, "k", conditions=when) == b"v"


# ---------------------------------------------------------------- conditional writes

async def test_if_none_match_star_refuses_to_overwrite(s3, bucket):
    await s3.put(bucket, "k", b"one", conditions=Conditions(if_none_match="*"))
    with pytest.raises(errors.PreconditionFailed):
        await s3.put(bucket, "k", b"two", conditions=Conditions(if_none_match="*"))
    assert await s3.get(bucket, "k") == b"one"


async def test_if_match_write(s3, bucket):
    etag = (await s3.put(bucket, "k", b"one")).etag
    await s3.put(bucket, "k", b"two", conditions=Conditions(if_match=etag))
    with pytest.raises(errors.PreconditionFailed):
        await s3.put(bucket, "k", b"three", conditions=Conditions(if_match=etag))
    with pytest.raises(errors.NoSuchKey):
        await s3.put(bucket, "new", b"x", conditions=Conditions(if_match=etag))
    assert await s3.get(bucket, "k") == b"two"


# ---------------------------------------------------------------- digests

async def test_content_md5_is_checked(s3, bucket):
    good = base64.b64encode(hashlib.md5(b"data").digest()).decode()
    await s3.put(bucket, "k", b"data", content_md5=good)
    with pytest.raises(errors.BadDigest):
        await s3.put(bucket, "k", b"other", content_md5=good)
    with pytest.raises(errors.InvalidDigest):
        await s3.put(bucket, "k", b"other", content_md5="not-base64!")
    assert await s3.get(bucket, "k") == b"data"


# ---------------------------------------------------------------- copy

async def test_copy_with_metadata_directives(s3, bucket):
    await s3.put(bucket, "src", b"payload", metadata={"a": "1"},
                 headers=ContentHeaders(content_type="text/plain"))
    result = await s3.engine.objects.copy(CopyObject(CopySource(bucket, "src"), bucket, "dst"))
    assert result.etag == md5_etag(b"payload")
    info = await s3.engine.objects.head(GetObject(bucket, "dst"))
    assert info.metadata == {"a": "1"} and info.content_type == "text/plain"
    await s3.engine.objects.copy(CopyObject(CopySource(bucket, "src"), bucket, "dst2",
                                            metadata_directive="REPLACE", metadata={"b": "2"}))
    info = await s3.engine.objects.head(GetObject(bucket, "dst2"))
    assert info.metadata == {"b": "2"} and info.content_type == "binary/octet-stream"
    assert await s3.get(bucket, "dst2") == b"payload"


async def test_copy_to_itself_without_changes_is_refused(s3, bucket):
    await s3.put(bucket, "k", b"x")
    with pytest.raises(errors.InvalidRequest) as caught:
        await s3.engine.objects.copy(CopyObject(CopySource(bucket, "k"), bucket, "k"))
    assert "copy an object to itself" in caught.value.message


async def test_copy_from_missing_source(s3, bucket):
    with pytest.raises(errors.NoSuchKey):
        await s3.engine.objects.copy(CopyObject(CopySource(bucket, "none"), bucket, "k"))


async def test_copy_source_conditions_fail_with_412(s3, bucket):
    etag = (await s3.put(bucket, "src", b"x")).etag
    with pytest.raises(errors.PreconditionFailed):
        await s3.engine.objects.copy(CopyObject(
            CopySource(bucket, "src", conditions=Conditions(if_none_match=etag)), bucket, "d"))


async def test_copy_of_a_large_object(s3, bucket):
    data = bytes(range(256)) * 9000
    await s3.put(bucket, "src", data)
    await s3.engine.objects.copy(CopyObject(CopySource(bucket, "src"), bucket, "dst"))
    await s3.engine.objects.delete(bucket, "src")
    assert await s3.get(bucket, "dst") == data


# ---------------------------------------------------------------- tags

async def test_object_tags(s3, bucket):
    await s3.put(bucket, "k", b"x", tags={"team": "a"})
    assert await s3.engine.objects.get_tags(bucket, "k") == {"team": "a"}
    await s3.engine.objects.put_tags(bucket, "k", {"team": "b", "env": "dev"})
    assert (await s3.engine.objects.head(GetObject(bucket, "k"))).tag_count == 2
    await s3.engine.objects.delete_tags(bucket, "k")
    assert await s3.engine.objects.get_tags(bucket, "k") == {}
    assert await s3.get(bucket, "k") == b"x"


async def test_more_than_ten_object_tags_is_refused(s3, bucket):
    with pytest.raises(errors.BadRequest):
        await s3.put(bucket, "k", b"x", tags={str(i): "v" for i in range(11)})


async def test_tags_of_missing_object(s3, bucket):
    with pytest.raises(errors.NoSuchKey):
        await s3.engine.objects.put_tags(bucket, "none", {"a": "b"})


# ---------------------------------------------------------------- reading while writing

async def test_a_read_in_progress_keeps_its_version(s3, bucket):
    old = b"o" * 3_000_000
    await s3.put(bucket, "k", old)
    got = await s3.engine.objects.get(GetObject(bucket, "k"))
    await s3.put(bucket, "k", b"new")
    assert await s3.read(got) == old


async def test_closing_a_read_early(s3, bucket):
    await s3.put(bucket, "k", b"z" * 3_000_000)
    got = await s3.engine.objects.get(GetObject(bucket, "k"))
    first = await got.body.__anext__()
    await got.aclose()
    assert first and [chunk async for chunk in got.body] == []


async def test_put_event_name_and_caller_reach_notifications(s3, bucket, queue):
    from fogbank.objects import BucketConfig
    await s3.engine.configs.put(bucket, BucketConfig.NOTIFICATION, {
        "LambdaFunctionConfigurations": [{
            "LambdaFunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:fn",
            "Events": ["s3:ObjectCreated:Post"]}]})
    await s3.engine.objects.put(PutObject(bucket, "k", s3.body(b"x"),
                                          event_name="ObjectCreated:Post",
                                          caller=Caller(request_id="R1", source_ip="10.0.0.1")))
    [(name, payload)] = queue.sent
    record = payload["Records"][0]
    assert record["eventName"] == "ObjectCreated:Post"
    assert record["requestParameters"] == {"sourceIPAddress": "10.0.0.1"}
    assert record["responseElements"]["x-amz-request-id"] == "R1"


async def test_conditional_delete(s3, bucket):
    etag = (await s3.put(bucket, "k", b"x")).etag
    with pytest.raises(errors.PreconditionFailed):
        await s3.engine.objects.delete(bucket, "k", conditions=Conditions(if_match='"other"'))
    await s3.engine.objects.delete(bucket, "k", conditions=Conditions(if_match=etag))
    with pytest.raises(errors.NoSuchKey):
        await s3.engine.objects.delete(bucket, "k", conditions=Conditions(if_match=etag))
