"""Objects, from Ceph's s3-tests (s3tests_boto3/functional/test_s3.py, run against AWS too):
ranged reads, copies and their metadata directive, conditional copies, conditional writes,
GetObjectAttributes, checksums read back with ChecksumMode, delete-marker headers."""
from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.s3.test_versioning import versioned  # noqa: F401  (a fixture)

ATTRIBUTES = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]


def refused(call: Any, **params: Any) -> tuple[int, str]:
    with pytest.raises(ClientError) as exc:
        call(**params)
    response = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


def body(s3: Any, bucket: str, key: str, **params: Any) -> bytes:
    return s3.get_object(Bucket=bucket, Key=key, **params)["Body"].read()


# ------------------------------------------------------------------ ranged reads

@pytest.mark.parametrize("header, first, last", [
    ("bytes=4-7", 4, 7),      # test_ranged_request_response_code
    ("bytes=4-", 4, 10),      # _skip_leading_bytes_response_code
    ("bytes=-7", 4, 10),      # _return_trailing_bytes_response_code
])
def test_ranged_reads(s3, bucket, header, first, last):
    content = b"testcontent"
    s3.put_object(Bucket=bucket, Key="testobj", Body=content)
    got = s3.get_object(Bucket=bucket, Key="testobj", Range=header)
    assert got["Body"].read() == content[first:last + 1]
    assert got["ResponseMetadata"]["HTTPHeaders"]["content-range"] == f"bytes {first}-{last}/11"
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206


def test_a_big_ranged_read(s3, bucket):
    # test_ranged_big_request_response_code
    content = bytes(range(256)) * (8 * 1024 * 1024 // 256)
    s3.put_object(Bucket=bucket, Key="testobj", Body=content)
    got = s3.get_object(Bucket=bucket, Key="testobj", Range="bytes=3145728-5242880")
    assert got["Body"].read() == content[3145728:5242881]
    assert got["ContentRange"] == "bytes 3145728-5242880/8388608"


@pytest.mark.parametrize("content", [b"testcontent", b""])
def test_a_range_past_the_end_is_invalid(s3, bucket, content):
    # test_ranged_request_invalid_range and _empty_object
    s3.put_object(Bucket=bucket, Key="testobj", Body=content)
    assert refused(s3.get_object, Bucket=bucket, Key="testobj",
                   Range="bytes=40-50") == (416, "InvalidRange")


# ------------------------------------------------------------------ copies

def test_copies_keep_the_body_type_and_metadata(s3, bucket):
    # test_object_copy_zero_size, _same_bucket, _verify_contenttype, _diff_bucket,
    # _retaining_metadata
    other = f"{bucket}-2"
    s3.create_bucket(Bucket=other)
    try:
        s3.put_object(Bucket=bucket, Key="empty", Body=b"")
        s3.copy({"Bucket": bucket, "Key": "empty"}, bucket, "empty2")
        assert s3.get_object(Bucket=bucket, Key="empty2")["ContentLength"] == 0
        for size in (3, 1024 * 1024):
            data = b"x" * size
            s3.put_object(Bucket=bucket, Key="foo123bar", Body=data, ContentType="audio/ogg",
                          Metadata={"key1": "value1", "key2": "value2"})
            for target in (bucket, other):
                s3.copy_object(Bucket=target, Key="bar321foo",
                               CopySource={"Bucket": bucket, "Key": "foo123bar"})
                got = s3.get_object(Bucket=target, Key="bar321foo")
                assert got["Body"].read() == data and got["ContentLength"] == size
                assert got["ContentType"] == "audio/ogg"
                assert got["Metadata"] == {"key1": "value1", "key2": "value2"}
    finally:
        s3.delete_object(Bucket=other, Key="bar321foo")
        s3.delete_bucket(Bucket=other)


def test_a_copy_may_replace_the_metadata(s3, bucket):
    # test_object_copy_replacing_metadata
    s3.put_object(Bucket=bucket, Key="src", Body=b"foo", ContentType="audio/ogg",
                  Metadata={"key1": "value1", "key2": "value2"})
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"},
                   MetadataDirective="REPLACE", ContentType="audio/mpeg",
                   Metadata={"key3": "value3"})
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["ContentType"] == "audio/mpeg" and got["Metadata"] == {"key3": "value3"}


def test_a_copy_onto_itself_needs_a_change(s3, bucket):
    # test_object_copy_to_itself and _to_itself_with_metadata
    s3.put_object(Bucket=bucket, Key="foo123bar", Body=b"foo")
    source = {"Bucket": bucket, "Key": "foo123bar"}
    assert refused(s3.copy_object, Bucket=bucket, Key="foo123bar",
                   CopySource=source) == (400, "InvalidRequest")
    s3.copy_object(Bucket=bucket, Key="foo123bar", CopySource=source,
                   Metadata={"foo": "bar"}, MetadataDirective="REPLACE")
    assert s3.get_object(Bucket=bucket, Key="foo123bar")["Metadata"] == {"foo": "bar"}


def test_a_copy_from_a_missing_bucket_or_key_is_404(s3, bucket):
    # test_object_copy_bucket_not_found and _key_not_found
    s3.put_object(Bucket=bucket, Key="foo123bar", Body=b"foo")
    assert refused(s3.copy_object, Bucket=bucket, Key="bar321foo",
                   CopySource={"Bucket": f"{bucket}-fake", "Key": "foo123bar"}
                   ) == (404, "NoSuchBucket")
    assert refused(s3.copy_object, Bucket=bucket, Key="bar321foo",
                   CopySource={"Bucket": bucket, "Key": "foo123bar-fake"}
                   ) == (404, "NoSuchKey")


@pytest.mark.parametrize("key", ["foo123bar", "foo?bar"])
def test_a_copy_names_the_version_it_copies(s3, versioned, key):
    # test_object_copy_versioned_bucket and _versioned_url_encoding
    version = s3.put_object(Bucket=versioned, Key=key, Body=b"foo")["VersionId"]
    s3.put_object(Bucket=versioned, Key=key, Body=b"newer")
    copied = s3.copy_object(Bucket=versioned, Key=f"{key}2",
                            CopySource={"Bucket": versioned, "Key": key, "VersionId": version})
    assert copied["CopySourceVersionId"] == version
    assert body(s3, versioned, f"{key}2") == b"foo"
    assert body(s3, versioned, f"{key}2", VersionId=copied["VersionId"]) == b"foo"


def test_conditional_copies(s3, bucket):
    # test_copy_object_ifmatch_good, _ifmatch_failed, _ifnonematch_good, _ifnonematch_failed
    etag = s3.put_object(Bucket=bucket, Key="foo", Body=b"bar")["ETag"]
    source = {"Bucket": bucket, "Key": "foo"}
    s3.copy_object(Bucket=bucket, Key="bar", CopySource=source, CopySourceIfMatch=etag)
    assert body(s3, bucket, "bar") == b"bar"
    assert refused(s3.copy_object, Bucket=bucket, Key="bar", CopySource=source,
                   CopySourceIfMatch="ABCORZ") == (412, "PreconditionFailed")
    assert refused(s3.copy_object, Bucket=bucket, Key="bar", CopySource=source,
                   CopySourceIfNoneMatch=etag) == (412, "PreconditionFailed")
    s3.copy_object(Bucket=bucket, Key="baz", CopySource=source, CopySourceIfNoneMatch="ABCORZ")
    assert body(s3, bucket, "baz") == b"bar"


# ------------------------------------------------------------------ conditional writes

def test_conditional_writes_to_an_unversioned_bucket(s3, bucket):
    # test_put_object_if_match, without what S3 answers 501 NotImplemented to (If-Match: *
    # and If-None-Match with an ETag, recorded in test_request_documents.py)
    etag = s3.put_object(Bucket=bucket, Key="obj", IfNoneMatch="*")["ETag"]
    assert refused(s3.put_object, Bucket=bucket, Key="obj",
                   IfNoneMatch="*") == (412, "PreconditionFailed")
    s3.put_object(Bucket=bucket, Key="obj", IfMatch=etag)
    s3.delete_object(Bucket=bucket, Key="obj")
    assert refused(s3.put_object, Bucket=bucket, Key="obj",
                   IfMatch="badetag") == (404, "NoSuchKey")
    s3.put_object(Bucket=bucket, Key="obj")
    assert refused(s3.put_object, Bucket=bucket, Key="obj",
                   IfMatch="badetag") == (412, "PreconditionFailed")
    s3.put_object(Bucket=bucket, Key="obj", IfMatch=etag)


def test_conditional_writes_look_at_the_current_version(s3, versioned):
    # test_put_current_object_if_match, _if_none_match and test_put_object_current_if_match
    assert refused(s3.put_object, Bucket=versioned, Key="obj",
                   IfMatch="badetag") == (404, "NoSuchKey")
    etag = s3.put_object(Bucket=versioned, Key="obj", Body=b"data1", IfNoneMatch="*")["ETag"]
    etag2 = s3.put_object(Bucket=versioned, Key="obj", Body=b"data2", IfMatch=etag)["ETag"]
    assert refused(s3.put_object, Bucket=versioned, Key="obj",
                   IfNoneMatch="*") == (412, "PreconditionFailed")
    for stale in ("badetag", etag):
        assert refused(s3.put_object, Bucket=versioned, Key="obj",
                       IfMatch=stale) == (412, "PreconditionFailed")
    s3.put_object(Bucket=versioned, Key="obj", Body=b"data2", IfMatch=etag2)
    assert s3.delete_object(Bucket=versioned, Key="obj")["DeleteMarker"] is True
    # behind a delete marker the key is missing to a condition, and free to If-None-Match
    assert refused(s3.put_object, Bucket=versioned, Key="obj",
                   IfMatch=etag2) == (404, "NoSuchKey")
    s3.put_object(Bucket=versioned, Key="obj", IfNoneMatch="*")


# ------------------------------------------------------------------ GetObjectAttributes

def test_attributes_of_a_plain_object(s3, bucket):
    # test_get_object_attributes
    etag = s3.put_object(Bucket=bucket, Key="obj", Body=b"foo")["ETag"].strip('"')
    got = s3.get_object_attributes(Bucket=bucket, Key="obj", ObjectAttributes=ATTRIBUTES)
    assert "DeleteMarker" not in got and "VersionId" not in got
    assert (got["ObjectSize"], got["ETag"], got["StorageClass"]) == (3, etag, "STANDARD")
    assert "ObjectParts" not in got


def test_attributes_of_an_object_with_a_checksum(s3, bucket):
    # test_get_checksum_object_attributes
    data = b"A" * 1024
    digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
    put = s3.put_object(Bucket=bucket, Key="myobj", Body=data, ChecksumAlgorithm="SHA256",
                        ChecksumSHA256=digest)
    assert put["ChecksumSHA256"] == digest
    got = s3.get_object_attributes(Bucket=bucket, Key="myobj", ObjectAttributes=ATTRIBUTES)
    assert got["ObjectSize"] == 1024 and got["ETag"] == put["ETag"].strip('"')
    assert got["Checksum"]["ChecksumSHA256"] == digest and "ObjectParts" not in got


def test_attributes_of_each_version(s3, versioned):
    # test_get_versioned_object_attributes
    put = s3.put_object(Bucket=versioned, Key="obj", Body=b"foo")
    s3.put_object(Bucket=versioned, Key="obj", Body=b"foobar")
    current = s3.get_object_attributes(Bucket=versioned, Key="obj", ObjectAttributes=ATTRIBUTES)
    assert current["ObjectSize"] == 6 and current["VersionId"] != put["VersionId"]
    first = s3.get_object_attributes(Bucket=versioned, Key="obj", VersionId=put["VersionId"],
                                     ObjectAttributes=ATTRIBUTES)
    assert "DeleteMarker" not in first and first["VersionId"] == put["VersionId"]
    assert first["ObjectSize"] == 3 and first["ETag"] == put["ETag"].strip('"')


def test_attributes_of_an_sse_c_object_need_its_key(s3, bucket):
    # test_get_sse_c_encrypted_object_attributes
    sse = {"SSECustomerAlgorithm": "AES256",
           "SSECustomerKey": "pO3upElrwuEXSoFwCfnZPdSsmt/xWeFa0N9KgDijwVs=",
           "SSECustomerKeyMD5": "DWygnHRtgiJ77HCm+1rvHw=="}
    etag = s3.put_object(Bucket=bucket, Key="obj", Body=b"A" * 1000, **sse)["ETag"].strip('"')
    status, _ = refused(s3.get_object_attributes, Bucket=bucket, Key="obj",
                        ObjectAttributes=ATTRIBUTES)
    assert status == 400
    got = s3.get_object_attributes(Bucket=bucket, Key="obj", ObjectAttributes=ATTRIBUTES, **sse)
    assert (got["ObjectSize"], got["ETag"], got["StorageClass"]) == (1000, etag, "STANDARD")


def test_attributes_of_a_multipart_object_page_its_parts(s3, bucket):
    # test_get_multipart_object_attributes, _paginated_, _single_multipart_object_attributes
    part_size = 5 * 1024 * 1024
    for count in (1, 6):
        key = f"multipart{count}"
        upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
        parts = [{"PartNumber": n, "ETag": s3.upload_part(
            Bucket=bucket, Key=key, UploadId=upload, PartNumber=n,
            Body=bytes([n]) * part_size)["ETag"]} for n in range(1, count + 1)]
        etag = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload,
                                            MultipartUpload={"Parts": parts})["ETag"]
        got = s3.get_object_attributes(Bucket=bucket, Key=key, ObjectAttributes=ATTRIBUTES,
                                       MaxParts=10, PartNumberMarker=min(count - 1, 4))
        assert got["ObjectSize"] == part_size * count and got["ETag"] == etag.strip('"')
        assert got["ObjectParts"]["TotalPartsCount"] == count
        assert got["StorageClass"] == "STANDARD"


# ------------------------------------------------------------------ checksums read back

@pytest.mark.parametrize("algorithm, digest", [
    ("SHA256", lambda data: hashlib.sha256(data).digest()),
    ("SHA1", lambda data: hashlib.sha1(data).digest()),
])
def test_a_checksum_is_read_back_only_when_asked(s3, bucket, algorithm, digest):
    # test_object_checksum_sha256 (and the same for SHA-1)
    data = b"*" * 1024
    value = base64.b64encode(digest(data)).decode()
    s3.put_object(Bucket=bucket, Key="obj", Body=data, ChecksumAlgorithm=algorithm,
                  **{f"Checksum{algorithm}": value})
    head = s3.head_object(Bucket=bucket, Key="obj", ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == value
    got = s3.get_object(Bucket=bucket, Key="obj", ChecksumMode="ENABLED")
    assert got[f"Checksum{algorithm}"] == value and got["Body"].read() == data
    assert f"Checksum{algorithm}" not in s3.head_object(Bucket=bucket, Key="obj")
    bad = base64.b64encode(digest(b"other")).decode()
    assert refused(s3.put_object, Bucket=bucket, Key="obj", Body=data,
                   ChecksumAlgorithm=algorithm,
                   **{f"Checksum{algorithm}": bad}) == (400, "BadDigest")


# ------------------------------------------------------------------ delete markers

def delete_marker_header(s3: Any, bucket: str, key: str) -> str:
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=bucket, Key=key)
    return exc.value.response["ResponseMetadata"]["HTTPHeaders"].get("x-amz-delete-marker",
                                                                       "none")


def test_a_head_behind_a_delete_marker_says_so(s3, bucket, versioned):
    # test_delete_marker_nonversioned, _versioned, _suspended
    s3.put_object(Bucket=bucket, Key="frodo.txt", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="frodo.txt")
    assert delete_marker_header(s3, bucket, "frodo.txt") != "true"
    s3.put_object(Bucket=versioned, Key="bilbo.txt", Body=b"x")
    s3.delete_object(Bucket=versioned, Key="bilbo.txt")
    assert delete_marker_header(s3, versioned, "bilbo.txt") == "true"
    s3.put_object(Bucket=versioned, Key="ringo.txt", Body=b"x")
    s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Suspended"})
    s3.delete_object(Bucket=versioned, Key="ringo.txt")
    assert delete_marker_header(s3, versioned, "ringo.txt") == "true"
