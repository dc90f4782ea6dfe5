"""Request documents S3 refuses before it acts: an empty body where the operation requires
an XML document, a lifecycle filter whose `And` joins a single condition, and the
conditional-write headers S3 does not implement."""
from __future__ import annotations

import base64
import hashlib
from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError

RULE = {"ID": "r", "Status": "Enabled", "Expiration": {"Days": 1}}
TAG = {"Key": "k", "Value": "v"}

# Each call is well formed; the body is blanked on its way out.
DOCUMENT_CALLS: dict[str, Callable[[Any, str], Any]] = {
    "DeleteObjects": lambda s3, b: s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "k"}]}),
    "PutObjectTagging": lambda s3, b: s3.put_object_tagging(Bucket=b, Key="k",
                                                            Tagging={"TagSet": [TAG]}),
    "PutBucketTagging": lambda s3, b: s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": [TAG]}),
    "PutBucketCors": lambda s3, b: s3.put_bucket_cors(Bucket=b, CORSConfiguration={
        "CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]}),
    "PutBucketWebsite": lambda s3, b: s3.put_bucket_website(Bucket=b, WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}}),
    "PutBucketNotificationConfiguration": lambda s3, b: s3.put_bucket_notification_configuration(
        Bucket=b, NotificationConfiguration={}),
    "PutBucketEncryption": lambda s3, b: s3.put_bucket_encryption(
        Bucket=b, ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}),
}


def with_body(endpoint: Any, operation: str, body: bytes) -> Any:
    """A client whose `operation` requests carry `body` instead of their document."""
    client = endpoint.client()

    def replace(request: Any, **_: Any) -> None:
        request.data = body
        for name in [h for h in request.headers if h.lower() == "content-md5"
                     or h.lower().startswith("x-amz-checksum-")
                     or h.lower() == "x-amz-sdk-checksum-algorithm"]:
            del request.headers[name]

    client.meta.events.register(f"before-sign.s3.{operation}", replace)
    return client


def error_of(call: Callable[[], Any]) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as exc:
        call()
    response = exc.value.response
    return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
            response["Error"]["Message"])


@pytest.mark.parametrize("body", [b"", b" \r\n\t"], ids=["empty", "whitespace"])
@pytest.mark.parametrize("operation", sorted(DOCUMENT_CALLS))
def test_a_required_document_sent_empty_is_a_missing_body(endpoint, s3, bucket, operation,
                                                          body):
    s3.put_object(Bucket=bucket, Key="k", Body=b"kept")
    client = with_body(endpoint, operation, body)
    assert error_of(lambda: DOCUMENT_CALLS[operation](client, bucket)) == (
        400, "MissingRequestBodyError", "Request Body is empty")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"kept"


def test_an_empty_tagging_body_leaves_the_tags_as_they_were(endpoint, s3, bucket):
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [TAG]})
    client = with_body(endpoint, "PutBucketTagging", b"")
    with pytest.raises(ClientError):
        DOCUMENT_CALLS["PutBucketTagging"](client, bucket)
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [TAG]


def test_a_missing_body_to_a_bucket_that_does_not_exist_is_still_a_missing_body(endpoint):
    client = with_body(endpoint, "PutBucketTagging", b"")
    assert error_of(lambda: DOCUMENT_CALLS["PutBucketTagging"](client, "no-such-bucket-here"))[1] \
        == "MissingRequestBodyError"


@pytest.mark.parametrize("conjunction", [
    {"Prefix": "logs/"},
    {"Tags": [TAG]},
    {"ObjectSizeGreaterThan": 10},
    {},
], ids=["prefix-only", "one-tag", "one-size", "nothing"])
def test_an_and_filter_of_one_condition_is_malformed(s3, bucket, conjunction):
    rule = {**RULE, "Filter": {"And": conjunction}}
    assert error_of(lambda: s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": [rule]}))[:2] == (400, "MalformedXML")
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert exc.value.response["Error"]["Code"] == "NoSuchLifecycleConfiguration"


@pytest.mark.parametrize("conjunction", [
    {"Prefix": "logs/", "Tags": [TAG]},
    {"Tags": [TAG, {"Key": "k2", "Value": "v2"}]},
    {"Prefix": "", "ObjectSizeGreaterThan": 10},
], ids=["prefix-and-tag", "two-tags", "empty-prefix-and-size"])
def test_an_and_filter_of_two_conditions_is_kept(s3, bucket, conjunction):
    rule = {**RULE, "Filter": {"And": conjunction}}
    s3.put_bucket_lifecycle_configuration(Bucket=bucket,
                                          LifecycleConfiguration={"Rules": [rule]})
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert got[0]["Filter"] == {"And": conjunction}


def unimplemented(response: dict[str, Any]) -> tuple[int, str, str, str]:
    error = response["Error"]
    return (response["ResponseMetadata"]["HTTPStatusCode"], error["Code"], error["Header"],
            error["additionalMessage"])


WRITE_CONDITIONS = [
    ({"IfNoneMatch": '"0123"'}, "If-None-Match",
     "We don't accept the provided value of If-None-Match header for this API"),
    ({"IfMatch": "*"}, "If-Match",
     "We don't accept the provided value of If-Match header for this API"),
    ({"IfMatch": '"0123"', "IfNoneMatch": "*"}, "If-Match,If-None-Match",
     "Multiple conditional request headers present in the request"),
]
CONDITION_IDS = ["if-none-match-etag", "if-match-star", "both"]


@pytest.mark.parametrize("condition,header,detail", WRITE_CONDITIONS, ids=CONDITION_IDS)
def test_a_put_condition_s3_does_not_implement(s3, bucket, condition, header, detail):
    s3.put_object(Bucket=bucket, Key="k", Body=b"old")
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"new", **condition)
    assert unimplemented(exc.value.response) == (
        501, "NotImplemented", header, detail)
    assert exc.value.response["Error"]["Message"] == \
        "A header you provided implies functionality that is not implemented"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"old"


@pytest.mark.parametrize("condition,header,detail", WRITE_CONDITIONS, ids=CONDITION_IDS)
def test_a_copy_condition_s3_does_not_implement(s3, bucket, condition, header, detail):
    s3.put_object(Bucket=bucket, Key="src", Body=b"data")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"},
                       **condition)
    assert unimplemented(exc.value.response) == (501, "NotImplemented", header, detail)
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="dst")


@pytest.mark.parametrize("condition,header,detail", WRITE_CONDITIONS, ids=CONDITION_IDS)
def test_a_complete_condition_s3_does_not_implement(s3, bucket, condition, header, detail):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1,
                          Body=b"part")["ETag"]
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]}, **condition)
    assert unimplemented(exc.value.response) == (501, "NotImplemented", header, detail)
    assert [p["PartNumber"] for p in s3.list_parts(Bucket=bucket, Key="k",
                                                    UploadId=upload)["Parts"]] == [1]



def with_integrity(endpoint: Any, operation: str, **headers: str) -> Any:
    """A client whose `operation` requests carry `headers` as their only integrity check."""
    client = endpoint.client()

    def replace(request: Any, **_: Any) -> None:
        for name in [h for h in request.headers if h.lower() == "content-md5"
                     or h.lower().startswith("x-amz-checksum-")
                     or h.lower() == "x-amz-sdk-checksum-algorithm"]:
            del request.headers[name]
        for name, value in headers.items():
            request.headers[name] = value

    client.meta.events.register(f"before-sign.s3.{operation}", replace)
    return client


def test_delete_objects_without_an_integrity_header(endpoint, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"kept")
    client = with_integrity(endpoint, "DeleteObjects")
    assert error_of(lambda: DOCUMENT_CALLS["DeleteObjects"](client, bucket)) == (
        400, "InvalidRequest", "Missing required header for this request: Content-MD5")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"kept"


def test_delete_objects_with_content_md5_alone(endpoint, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"gone")
    client = endpoint.client()

    def md5_only(request: Any, **_: Any) -> None:
        for name in [h for h in request.headers if h.lower().startswith("x-amz-checksum-")
                     or h.lower() == "x-amz-sdk-checksum-algorithm"]:
            del request.headers[name]
        request.headers["Content-MD5"] = base64.b64encode(
            hashlib.md5(request.body).digest()).decode()

    client.meta.events.register("before-sign.s3.DeleteObjects", md5_only)
    assert [d["Key"] for d in DOCUMENT_CALLS["DeleteObjects"](client, bucket)["Deleted"]] == ["k"]
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_a_document_whose_content_md5_differs(endpoint, s3, bucket):
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [TAG]})
    other = base64.b64encode(hashlib.md5(b"another document").digest()).decode()
    client = with_integrity(endpoint, "PutBucketTagging", **{"Content-MD5": other})
    changed = {"TagSet": [{"Key": "k", "Value": "changed"}]}
    status, code, _ = error_of(lambda: client.put_bucket_tagging(Bucket=bucket, Tagging=changed))
    assert (status, code) == (400, "BadDigest")
    client = with_integrity(endpoint, "PutBucketTagging", **{"Content-MD5": "not an md5"})
    assert error_of(lambda: client.put_bucket_tagging(Bucket=bucket, Tagging=changed)) == (
        400, "InvalidDigest", "The Content-MD5 you specified was invalid.")
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [TAG]
