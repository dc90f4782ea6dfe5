"""Objects through boto3: put, get, head, delete, copy, metadata, ranges, conditions."""
from __future__ import annotations

import base64
import datetime as dt
import email.utils
import hashlib

import pytest
from botocore.exceptions import ClientError


def code(exc: pytest.ExceptionInfo) -> str:
    return exc.value.response["Error"]["Code"]


def status(exc: pytest.ExceptionInfo) -> int:
    return exc.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_put_get_head_delete(s3, bucket):
    body = b"hello, buckets"
    put = s3.put_object(Bucket=bucket, Key="greeting.txt", Body=body, ContentType="text/plain")
    assert put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="greeting.txt")
    assert got["Body"].read() == body
    assert got["ContentType"] == "text/plain"
    assert got["ContentLength"] == len(body)
    assert got["ETag"] == put["ETag"]
    head = s3.head_object(Bucket=bucket, Key="greeting.txt")
    assert head["ContentLength"] == len(body) and head["ETag"] == put["ETag"]
    s3.delete_object(Bucket=bucket, Key="greeting.txt")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="greeting.txt")
    assert code(exc) == "NoSuchKey"


def test_no_such_key_names_the_key(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="missing/thing")
    assert code(exc) == "NoSuchKey" and status(exc) == 404
    assert exc.value.response["Error"]["Key"] == "missing/thing"
    assert exc.value.response["Error"]["Message"] == "The specified key does not exist."


def test_head_of_a_missing_key_is_404(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=bucket, Key="missing")
    assert code(exc) == "404"


def test_deleting_a_missing_key_succeeds(s3, bucket):
    assert s3.delete_object(Bucket=bucket, Key="never")["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_metadata_and_standard_headers(s3, bucket):
    s3.put_object(Bucket=bucket, Key="doc", Body=b"<p>", ContentType="text/html",
                  CacheControl="max-age=60", ContentDisposition='attachment; filename="d.html"',
                  ContentLanguage="en", ContentEncoding="identity",
                  Metadata={"Owner": "me", "purpose": "test"})
    head = s3.head_object(Bucket=bucket, Key="doc")
    assert head["Metadata"] == {"owner": "me", "purpose": "test"}
    assert head["CacheControl"] == "max-age=60"
    assert head["ContentDisposition"] == 'attachment; filename="d.html"'
    assert head["ContentLanguage"] == "en"
    assert head["ContentType"] == "text/html"


def test_default_content_type(s3, bucket):
    s3.put_object(Bucket=bucket, Key="raw", Body=b"\x00\x01")
    assert s3.head_object(Bucket=bucket, Key="raw")["ContentType"] == "binary/octet-stream"


def test_response_header_overrides(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ContentType="text/plain")
    got = s3.get_object(Bucket=bucket, Key="k", ResponseContentType="application/json",
                        ResponseContentDisposition="inline")
    assert got["ContentType"] == "application/json"
    assert got["ContentDisposition"] == "inline"


@pytest.mark.parametrize("header, expected, content_range", [
    ("bytes=0-4", b"01234", "bytes 0-4/10"),
    ("bytes=7-", b"789", "bytes 7-9/10"),
    ("bytes=-3", b"789", "bytes 7-9/10"),
    ("bytes=8-100", b"89", "bytes 8-9/10"),
])
def test_range_get(s3, bucket, header, expected, content_range):
    s3.put_object(Bucket=bucket, Key="digits", Body=b"0123456789")
    got = s3.get_object(Bucket=bucket, Key="digits", Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["Body"].read() == expected
    assert got["ContentRange"] == content_range
    assert got["ContentLength"] == len(expected)


def test_unsatisfiable_range(s3, bucket):
    s3.put_object(Bucket=bucket, Key="digits", Body=b"0123456789")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="digits", Range="bytes=20-30")
    assert code(exc) == "InvalidRange" and status(exc) == 416


def test_if_match_and_if_none_match_on_read(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["ETag"]
    assert s3.get_object(Bucket=bucket, Key="k", IfMatch=etag)["Body"].read() == b"v1"
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="k", IfMatch='"0000"')
    assert code(exc) == "PreconditionFailed" and status(exc) == 412
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="k", IfNoneMatch=etag)
    assert status(exc) == 304
    # The 304 carries the validators a 200 has, so a cache can refresh its copy.
    headers = exc.value.response["ResponseMetadata"]["HTTPHeaders"]
    head = s3.head_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPHeaders"]
    assert headers["etag"] == etag and headers["last-modified"] == head["last-modified"]


def test_if_modified_since_and_if_unmodified_since(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v1")
    modified = s3.head_object(Bucket=bucket, Key="k")["LastModified"]
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="k", IfModifiedSince=modified)
    assert status(exc) == 304
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="k", IfUnmodifiedSince=past)
    assert code(exc) == "PreconditionFailed"
    assert s3.get_object(Bucket=bucket, Key="k", IfModifiedSince=past)["Body"].read() == b"v1"


def test_conditional_write_if_none_match_star(s3, bucket):
    s3.put_object(Bucket=bucket, Key="once", Body=b"first", IfNoneMatch="*")
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="once", Body=b"second", IfNoneMatch="*")
    assert code(exc) == "PreconditionFailed" and status(exc) == 412
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"first"


def test_conditional_write_if_match(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["ETag"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"v2", IfMatch=etag)
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"v3", IfMatch=etag)
    assert code(exc) == "PreconditionFailed"


def test_wrong_content_md5_is_bad_digest(s3, bucket):
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data", ContentMD5=wrong)
    assert code(exc) == "BadDigest"
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="k")


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256"])
def test_checksums_are_stored_and_returned(s3, bucket, algorithm):
    body = b"checksum me" * 100
    put = s3.put_object(Bucket=bucket, Key="c", Body=body, ChecksumAlgorithm=algorithm)
    value = put[f"Checksum{algorithm}"]
    got = s3.get_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert got["Body"].read() == body
    assert got[f"Checksum{algorithm}"] == value
    if algorithm == "SHA256":
        assert value == base64.b64encode(hashlib.sha256(body).digest()).decode()


# CRC-64/NVME of "123456789" is 0xae8b14860a799888 (the algorithm's published check value).
NVME_CHECK = base64.b64encode(bytes.fromhex("ae8b14860a799888")).decode()


def test_an_object_sent_without_a_checksum_gets_a_crc64nvme_one(endpoint, bucket):
    plain = endpoint.client(request_checksum_calculation="when_required")   # sends none
    put = plain.put_object(Bucket=bucket, Key="c", Body=b"123456789")
    assert (put["ChecksumCRC64NVME"], put["ChecksumType"]) == (NVME_CHECK, "FULL_OBJECT")
    for answer in (plain.head_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED"),
                   plain.get_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")):
        assert (answer["ChecksumCRC64NVME"], answer["ChecksumType"]) == (NVME_CHECK,
                                                                         "FULL_OBJECT")
    attributes = plain.get_object_attributes(Bucket=bucket, Key="c",
                                             ObjectAttributes=["Checksum"])
    assert attributes["Checksum"] == {"ChecksumCRC64NVME": NVME_CHECK,
                                      "ChecksumType": "FULL_OBJECT"}
    empty = plain.put_object(Bucket=bucket, Key="empty", Body=b"")
    assert empty["ChecksumCRC64NVME"] == "AAAAAAAAAAA="
    copied = plain.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/c")
    assert copied["CopyObjectResult"]["ChecksumCRC64NVME"] == NVME_CHECK


def test_wrong_checksum_is_refused(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="c", Body=b"abc",
                      ChecksumSHA256=base64.b64encode(hashlib.sha256(b"xyz").digest()).decode())
    assert code(exc) == "BadDigest"


@pytest.mark.parametrize("declared", ["CRC32", "MD5"])
def test_a_checksum_sent_as_another_algorithms_is_refused(s3, bucket, declared):
    sha = base64.b64encode(hashlib.sha256(b"abc").digest()).decode()
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="c", Body=b"abc", ChecksumAlgorithm=declared,
                      ChecksumSHA256=sha)
    assert code(exc) == "InvalidRequest"
    assert exc.value.response["Error"]["Message"] == (
        "Value for x-amz-sdk-checksum-algorithm header is invalid.")
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="c")


def test_copy_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"copy me", Metadata={"a": "1"},
                  ContentType="text/plain")
    result = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["Body"].read() == b"copy me"
    assert got["Metadata"] == {"a": "1"} and got["ContentType"] == "text/plain"
    assert result["CopyObjectResult"]["ETag"] == got["ETag"]


def test_copy_with_replaced_metadata(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"x", Metadata={"a": "1"})
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src",
                   MetadataDirective="REPLACE", Metadata={"b": "2"})
    assert s3.head_object(Bucket=bucket, Key="dst")["Metadata"] == {"b": "2"}


def test_failed_copy_source_conditions_name_their_header(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="src", Body=b"data")["ETag"]
    now = dt.datetime.now(dt.timezone.utc)
    yesterday = now - dt.timedelta(days=1)
    failing = [  # each failing condition, with the ones S3 checks after it also failing
        ({"CopySourceIfMatch": '"0000"', "CopySourceIfUnmodifiedSince": yesterday,
          "CopySourceIfNoneMatch": etag}, "x-amz-copy-source-If-Match"),
        ({"CopySourceIfUnmodifiedSince": yesterday, "CopySourceIfNoneMatch": etag},
         "x-amz-copy-source-If-Unmodified-Since"),
        ({"CopySourceIfNoneMatch": etag.strip('"')}, "x-amz-copy-source-If-None-Match"),
    ]
    for conditions, header in failing:
        with pytest.raises(ClientError) as exc:
            s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src", **conditions)
        assert status(exc) == 412 and exc.value.response["Error"]["Condition"] == header


@pytest.mark.parametrize("method", ["get_object", "head_object"])
def test_a_read_ignores_an_if_modified_since_in_the_future(s3, bucket, method):
    # Recorded against AWS: a date past now is no condition at all (RFC 9110 says so too).
    s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    tomorrow = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    got = getattr(s3, method)(Bucket=bucket, Key="k", IfModifiedSince=tomorrow)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200 and got["ContentLength"] == 4


def test_copy_ignores_an_if_modified_since_in_the_future(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"data")
    tomorrow = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src",
                   CopySourceIfModifiedSince=tomorrow)
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"data"


def test_objects_are_encrypted_with_sse_s3_by_default(s3, bucket):
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"v")["ServerSideEncryption"] == "AES256"
    assert s3.head_object(Bucket=bucket, Key="k")["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="k")["ServerSideEncryption"] == "AES256"
    copied = s3.copy_object(Bucket=bucket, Key="k2", CopySource=f"{bucket}/k")
    assert copied["ServerSideEncryption"] == "AES256"
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules == [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                      "BucketKeyEnabled": False}]


def test_copy_of_a_missing_source(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/nothing")
    assert code(exc) == "NoSuchKey"


def test_delete_objects(s3, bucket):
    for key in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "a"}, {"Key": "b"}, {"Key": "never-was"}]})
    assert sorted(d["Key"] for d in result["Deleted"]) == ["a", "b", "never-was"]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["c"]


def test_object_tagging(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="color=blue&size=L")
    assert s3.get_object(Bucket=bucket, Key="k")["TagCount"] == 2
    tags = s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("color", "blue"), ("size", "L")]
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [{"Key": "a", "Value": "b"}]
    s3.delete_object_tagging(Bucket=bucket, Key="k")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []


def test_system_tags_are_refused_in_the_words_of_each_operation(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="aws:foo=bar")
    assert (code(exc), exc.value.response["Error"]["Message"]) == (
        "InvalidTag", "Your TagKey cannot be prefixed with aws:")
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.put_object_tagging(Bucket=bucket, Key="k",
                              Tagging={"TagSet": [{"Key": "aws:foo", "Value": "bar"}]})
    assert (code(exc), exc.value.response["Error"]["Message"]) == (
        "InvalidTag", "Your TagKey cannot be prefixed with aws:")
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_tagging(Bucket=bucket,
                              Tagging={"TagSet": [{"Key": "aws:foo", "Value": "bar"}]})
    assert (code(exc), exc.value.response["Error"]["Message"]) == (
        "InvalidTag", "System tags cannot be added/updated by requester")


def test_empty_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["Body"].read() == b"" and got["ContentLength"] == 0
    assert got["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'


def test_non_ascii_metadata_comes_back_rfc2047_encoded(s3, bucket):
    # boto3 refuses non-ASCII metadata, so set the header itself (sent as UTF-8) as other
    # SDKs do; S3 answers such a value "mail-safe", ASCII values as they were sent.
    def header(params, **_):
        params["headers"]["x-amz-meta-city"] = "Zürich"
    s3.meta.events.register("before-call.s3.PutObject", header)
    try:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", Metadata={"plain": "ascii"})
    finally:
        s3.meta.events.unregister("before-call.s3.PutObject", header)
    encoded = "=?UTF-8?B?" + base64.b64encode("Zürich".encode()).decode() + "?="
    for answer in (s3.head_object(Bucket=bucket, Key="k"), s3.get_object(Bucket=bucket, Key="k")):
        assert answer["Metadata"] == {"city": encoded, "plain": "ascii"}


def test_unknown_metadata_directive_is_refused(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src",
                       MetadataDirective="REPLACED")
    assert code(exc) == "InvalidArgument" and status(exc) == 400
    assert exc.value.response["Error"]["Message"] == "Unknown metadata directive."
    assert exc.value.response["Error"]["ArgumentName"] == "x-amz-metadata-directive"


def test_head_of_a_range_is_partial(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789")
    head = s3.head_object(Bucket=bucket, Key="k", Range="bytes=2-5")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert head["ContentLength"] == 4 and head["ContentRange"] == "bytes 2-5/10"
    whole = s3.head_object(Bucket=bucket, Key="k")
    assert whole["ResponseMetadata"]["HTTPStatusCode"] == 200 and whole["ContentLength"] == 10


def test_range_and_part_number_together_are_refused(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="k", PartNumber=1, Range="bytes=0-1")
    assert code(exc) == "InvalidRequest" and status(exc) == 400
    assert exc.value.response["Error"]["Message"] == \
        "Cannot specify both Range header and partNumber query parameter"


def test_conditional_delete(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"x")["ETag"]
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=bucket, Key="k", IfMatch='"0123456789abcdef0123456789abcdef"')
    assert code(exc) == "PreconditionFailed" and status(exc) == 412
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    s3.delete_object(Bucket=bucket, Key="k", IfMatch=etag)
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_delete_objects_with_etags(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="a", Body=b"1")["ETag"]
    s3.put_object(Bucket=bucket, Key="b", Body=b"2")
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "a", "ETag": etag}, {"Key": "b", "ETag": '"0123456789abcdef0123456789abcdef"'}]})
    assert [d["Key"] for d in result["Deleted"]] == ["a"]
    assert [(e["Key"], e["Code"]) for e in result["Errors"]] == [("b", "PreconditionFailed")]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["b"]


def test_object_acl_is_the_owners(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    acl = s3.get_object_acl(Bucket=bucket, Key="k")
    owner = acl["Owner"]["ID"]
    assert acl["Grants"] == [{"Grantee": {"Type": "CanonicalUser", "ID": owner,
                                          "DisplayName": acl["Owner"]["DisplayName"]},
                              "Permission": "FULL_CONTROL"}]
    with pytest.raises(ClientError) as exc:
        s3.get_object_acl(Bucket=bucket, Key="missing")
    assert code(exc) == "NoSuchKey"


def test_unknown_tagging_directive_is_refused(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"x", Tagging="a=1")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src",
                       TaggingDirective="MERGE")
    assert code(exc) == "InvalidArgument" and status(exc) == 400
    error = exc.value.response["Error"]
    assert error["Message"] == "Unknown tagging directive."
    assert (error["ArgumentName"], error["ArgumentValue"]) == ("x-amz-tagging-directive", "MERGE")
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="dst")


def expiry(days: int, last_modified: dt.datetime) -> str:
    """S3's date for a Days rule: the first midnight UTC after modification plus the days."""
    due = last_modified + dt.timedelta(days=days)
    midnight = dt.datetime.combine(due.date(), dt.time(), dt.timezone.utc)
    if midnight < due:
        midnight += dt.timedelta(days=1)
    return email.utils.format_datetime(midnight, usegmt=True)


def test_expiration_header_names_the_rule_that_expires_the_object(s3, bucket):
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
         "Expiration": {"Days": 7}},
        {"ID": "all logs, soon", "Status": "Enabled", "Filter": {"Prefix": "logs/tmp/"},
         "Expiration": {"Days": 1}},
        {"ID": "off", "Status": "Disabled", "Filter": {}, "Expiration": {"Days": 1}}]})
    put = s3.put_object(Bucket=bucket, Key="logs/a.txt", Body=b"x")
    modified = s3.head_object(Bucket=bucket, Key="logs/a.txt")["LastModified"]
    expected = f'expiry-date="{expiry(7, modified)}", rule-id="logs"'
    assert put["Expiration"] == expected
    assert s3.head_object(Bucket=bucket, Key="logs/a.txt")["Expiration"] == expected
    assert s3.get_object(Bucket=bucket, Key="logs/a.txt")["Expiration"] == expected
    # The earliest rule wins; its id is URL-encoded.
    put = s3.put_object(Bucket=bucket, Key="logs/tmp/b", Body=b"x")
    modified = s3.head_object(Bucket=bucket, Key="logs/tmp/b")["LastModified"]
    assert put["Expiration"] == \
        f'expiry-date="{expiry(1, modified)}", rule-id="all%20logs%2C%20soon"'
    copied = s3.copy_object(Bucket=bucket, Key="logs/c", CopySource=f"{bucket}/logs/a.txt")
    assert copied["Expiration"].endswith('rule-id="logs"')
    # No rule applies (a disabled one does not count): no header.
    assert "Expiration" not in s3.put_object(Bucket=bucket, Key="keep", Body=b"x")
    assert "Expiration" not in s3.head_object(Bucket=bucket, Key="keep")


def test_expiration_header_follows_the_rules_of_the_moment(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert "Expiration" not in s3.get_object(Bucket=bucket, Key="k")
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "by-date", "Status": "Enabled", "Filter": {"Prefix": ""},
         "Expiration": {"Date": dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)}}]})
    assert s3.head_object(Bucket=bucket, Key="k")["Expiration"] == \
        'expiry-date="Tue, 01 Jan 2030 00:00:00 GMT", rule-id="by-date"'
    s3.delete_bucket_lifecycle(Bucket=bucket)
    assert "Expiration" not in s3.head_object(Bucket=bucket, Key="k")


def test_object_attributes_of_a_simple_object(s3, bucket):
    body = b"attributes"
    put = s3.put_object(Bucket=bucket, Key="k", Body=body, ChecksumAlgorithm="SHA256",
                        StorageClass="STANDARD_IA")
    got = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=[
        "ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"])
    assert got["ETag"] == hashlib.md5(body).hexdigest()          # without its quotes
    assert got["Checksum"] == {"ChecksumSHA256": put["ChecksumSHA256"],
                               "ChecksumType": "FULL_OBJECT"}
    assert "ObjectParts" not in got                               # not a multipart object
    assert (got["StorageClass"], got["ObjectSize"]) == ("STANDARD_IA", len(body))
    assert got["LastModified"] == s3.head_object(Bucket=bucket, Key="k")["LastModified"]
    only = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["ObjectSize"])
    assert not {"ETag", "Checksum", "StorageClass"} & set(only)
    s3.put_object(Bucket=bucket, Key="plain", Body=b"x", ChecksumAlgorithm="CRC32")
    assert s3.get_object_attributes(Bucket=bucket, Key="plain", ObjectAttributes=[
        "StorageClass"])["StorageClass"] == "STANDARD"


@pytest.mark.parametrize("names", [[], ["Size"], ["ETag", "etag"]])
def test_object_attributes_must_be_named_rightly(s3, bucket, names):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=names)
    assert code(exc) == "InvalidArgument" and status(exc) == 400
    assert exc.value.response["Error"]["Message"] == "Invalid attribute name specified."


def test_object_attributes_of_a_missing_key(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.get_object_attributes(Bucket=bucket, Key="missing", ObjectAttributes=["ETag"])
    assert code(exc) == "NoSuchKey" and status(exc) == 404


VERSION = "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD"
INVALID_VERSION = {"Code": "InvalidArgument", "Message": "Invalid version id specified",
                   "ArgumentName": "versionId", "ArgumentValue": VERSION}


def invalid_version(exc: pytest.ExceptionInfo) -> bool:
    error = exc.value.response["Error"]
    return {name: error.get(name) for name in INVALID_VERSION} == INVALID_VERSION


def test_a_version_id_on_an_unversioned_bucket_is_invalid(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"current")
    for call in (s3.get_object, s3.delete_object, s3.get_object_tagging,
                 s3.delete_object_tagging, s3.get_object_acl):
        with pytest.raises(ClientError) as exc:
            call(Bucket=bucket, Key="k", VersionId=VERSION)
        assert invalid_version(exc), call
        assert status(exc) == 400
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=bucket, Key="k", VersionId=VERSION)
    assert status(exc) == 400
    with pytest.raises(ClientError) as exc:
        s3.put_object_tagging(Bucket=bucket, Key="k", VersionId=VERSION,
                              Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    assert invalid_version(exc)
    # Nothing was deleted or tagged.
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"current"
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []


def test_a_version_id_is_checked_before_the_key_after_the_bucket(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="missing", VersionId=VERSION)
    assert invalid_version(exc)
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=bucket, Key="missing", VersionId=VERSION)
    assert invalid_version(exc)
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=f"{bucket}-missing", Key="k", VersionId=VERSION)
    assert code(exc) == "NoSuchBucket"


def test_the_null_version_id_names_the_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"current")
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"current"
    assert s3.head_object(Bucket=bucket, Key="k", VersionId="null")["ContentLength"] == 7
    s3.copy_object(Bucket=bucket, Key="copy",
                   CopySource={"Bucket": bucket, "Key": "k", "VersionId": "null"})
    s3.delete_object(Bucket=bucket, Key="k", VersionId="null")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="k")
    assert code(exc) == "NoSuchKey"


def test_a_copy_source_version_id_on_an_unversioned_bucket_is_invalid(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    source = {"Bucket": bucket, "Key": "src", "VersionId": VERSION}
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=source)
    assert invalid_version(exc)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    with pytest.raises(ClientError) as exc:
        s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=upload, PartNumber=1,
                            CopySource=source)
    assert invalid_version(exc)


def test_delete_objects_reports_a_version_id_as_no_such_version(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_object(Bucket=bucket, Key="other", Body=b"x")
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "k", "VersionId": VERSION}, {"Key": "other"}]})
    assert result["Errors"] == [{"Key": "k", "VersionId": VERSION, "Code": "NoSuchVersion",
                                 "Message": "The specified version does not exist."}]
    assert result["Deleted"] == [{"Key": "other"}]
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_delete_objects_echoes_the_null_version_id(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_object(Bucket=bucket, Key="other", Body=b"x")
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "k", "VersionId": "null"}, {"Key": "other"}]})
    assert result["Deleted"] == [{"Key": "k", "VersionId": "null"}, {"Key": "other"}]


def test_tagging_a_missing_key_names_it_as_get_does(s3, bucket):
    # GetObjectTagging names the key with its bucket; Put/DeleteObjectTagging name the key.
    with pytest.raises(ClientError) as exc:
        s3.get_object_tagging(Bucket=bucket, Key="fake-key")
    assert exc.value.response["Error"]["Key"] == f"{bucket}/fake-key"
    with pytest.raises(ClientError) as exc:
        s3.put_object_tagging(Bucket=bucket, Key="fake-key", Tagging={"TagSet": []})
    assert exc.value.response["Error"]["Key"] == "fake-key"
    with pytest.raises(ClientError) as exc:
        s3.delete_object_tagging(Bucket=bucket, Key="fake-key")
    assert exc.value.response["Error"]["Key"] == "fake-key"


def test_an_unknown_storage_class_is_refused(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass="FOO")
    assert code(exc) == "InvalidStorageClass"
    assert exc.value.response["Error"]["Message"] == "The storage class you specified is not valid"
    with pytest.raises(ClientError) as exc:
        s3.create_multipart_upload(Bucket=bucket, Key="k", StorageClass="COLD")
    assert code(exc) == "InvalidStorageClass"
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass="STANDARD_IA")
    assert s3.head_object(Bucket=bucket, Key="k")["StorageClass"] == "STANDARD_IA"


@pytest.mark.parametrize("location", ["other.html", "ftp://example.com/", "example.com"])
def test_a_website_redirect_that_is_no_path_or_url_is_refused(s3, bucket, location):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", WebsiteRedirectLocation=location)
    assert code(exc) == "InvalidArgument"
    assert exc.value.response["Error"]["Message"] == (
        "The website redirect location must have a prefix of 'http://' or 'https://' or '/'")


@pytest.mark.parametrize("location", ["/other.html", "https://example.com/page"])
def test_a_website_redirect_to_a_path_or_url_is_kept(s3, bucket, location):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", WebsiteRedirectLocation=location)
    assert s3.head_object(Bucket=bucket, Key="k")["WebsiteRedirectLocation"] == location


def test_a_copy_has_the_website_redirect_it_names_never_the_sources(s3, bucket):
    # S3's CopyObject docs: the redirect is each object's own and is not copied, even
    # under the COPY metadata directive; moto's AWS-verified test_copy_key_with_args.
    s3.put_object(Bucket=bucket, Key="src", Body=b"x", WebsiteRedirectLocation="/old.html",
                  ContentType="text/plain")
    s3.copy_object(Bucket=bucket, Key="plain", CopySource={"Bucket": bucket, "Key": "src"})
    s3.copy_object(Bucket=bucket, Key="named", CopySource={"Bucket": bucket, "Key": "src"},
                   WebsiteRedirectLocation="http://example.com/")
    plain = s3.head_object(Bucket=bucket, Key="plain")
    named = s3.head_object(Bucket=bucket, Key="named")
    assert "WebsiteRedirectLocation" not in plain
    assert named["WebsiteRedirectLocation"] == "http://example.com/"
    assert plain["ContentType"] == named["ContentType"] == "text/plain"


@pytest.mark.parametrize("value", ["metal,openstack", "name (copy)", "a&b", "50%", "x#1"])
def test_a_tag_value_with_characters_aws_tags_refuse(s3, bucket, value):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    for call in (lambda: s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={
                     "TagSet": [{"Key": "platform", "Value": value}]}),
                 lambda: s3.put_bucket_tagging(Bucket=bucket, Tagging={
                     "TagSet": [{"Key": "platform", "Value": value}]})):
        with pytest.raises(ClientError) as exc:
            call()
        assert code(exc) == "InvalidTag"
        assert exc.value.response["Error"]["Message"] == "The TagValue you have provided is invalid"
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []


def test_a_tag_key_with_characters_aws_tags_refuse(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="team%28a%29=x")
    assert code(exc) == "InvalidTag"
    assert exc.value.response["Error"]["Message"] == "The TagKey you have provided is invalid"


def test_tags_in_any_script_with_the_punctuation_aws_allows(s3, bucket):
    tags = [{"Key": "owner@team", "Value": "a+b-c=d.e_f:g/h"},
            {"Key": "ódy", "Value": "žluťoučký kůň 42"}]
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": tags})
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == tags


def test_a_tag_named_twice_in_the_tagging_header(s3, bucket):
    for call in (lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=1&a=2"),
                 lambda: s3.create_multipart_upload(Bucket=bucket, Key="k", Tagging="a=1&a=2")):
        with pytest.raises(ClientError) as exc:
            call()
        assert code(exc) == "InvalidArgument"
        assert exc.value.response["Error"]["Message"] == (
            "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query "
            "parameters without tag name duplicates.")
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:            # a Tagging document says it otherwise
        s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": [
            {"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]})
    assert code(exc) == "InvalidTag"
