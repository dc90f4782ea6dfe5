"""Copies onto themselves, multipart checksums and server access logging, checked against
S3's answers as recorded from AWS: what counts as a change that lets an object be copied onto
its own key, which parts a completion may name, and which logging settings S3 takes."""
from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.s3.conftest import CREDENTIALS
from tests.s3.test_recorded_answers import refusal

SELF_COPY = ("This copy request is illegal because it is trying to copy an object to itself "
             "without changing the object's metadata, storage class, website redirect "
             "location or encryption attributes.")
INVALID_PART = ("One or more of the specified parts could not be found.  The part may not have "
                "been uploaded, or the specified entity tag may not match the part's entity tag.")


def _copy_onto_itself(s3: Any, bucket: str, key: str, **params: Any) -> dict[str, Any]:
    return s3.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": key},
                          **params)


# ------------------------------------------------------------------ copies onto themselves

def test_naming_the_storage_class_the_object_has_is_a_change(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"test", StorageClass="STANDARD")
    _copy_onto_itself(s3, bucket, "k", StorageClass="STANDARD")
    _copy_onto_itself(s3, bucket, "k", StorageClass="STANDARD")
    assert s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=[
        "StorageClass"])["StorageClass"] == "STANDARD"


def test_copy_directive_metadata_is_ignored_beside_a_storage_class(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"test", Metadata={"key": "value"})
    _copy_onto_itself(s3, bucket, "k", MetadataDirective="COPY", StorageClass="STANDARD")
    _copy_onto_itself(s3, bucket, "k", MetadataDirective="COPY", StorageClass="STANDARD",
                      Metadata={"key3": "value3"})
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {"key": "value"}


def test_no_storage_class_is_no_change_even_from_another_class(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"test", StorageClass="STANDARD_IA")
    assert refusal(_copy_onto_itself, s3=s3, bucket=bucket, key="k") == (
        400, {"Code": "InvalidRequest", "Message": SELF_COPY})


def test_a_kms_object_copied_onto_itself_naming_nothing_becomes_sse_s3(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"test", ServerSideEncryption="aws:kms",
                  BucketKeyEnabled=True)
    copied = _copy_onto_itself(s3, bucket, "k")
    assert copied["ServerSideEncryption"] == "AES256"
    assert "SSEKMSKeyId" not in copied
    head = s3.head_object(Bucket=bucket, Key="k")
    assert (head["ServerSideEncryption"], head["ETag"]) == (
        "AES256", '"098f6bcd4621d373cade4e832627b4f6"')
    # SSE-S3 now: naming nothing again changes nothing, naming AES256 does.
    assert refusal(_copy_onto_itself, s3=s3, bucket=bucket, key="k") == (
        400, {"Code": "InvalidRequest", "Message": SELF_COPY})
    assert _copy_onto_itself(s3, bucket, "k", ServerSideEncryption="AES256")[
        "ServerSideEncryption"] == "AES256"


# ------------------------------------------------------------------ multipart checksums

def test_a_completion_naming_a_checksum_for_a_part_sent_without_one_is_invalid(endpoint,
                                                                                bucket):
    # A client that sends no checksum unless an operation requires one.
    s3 = endpoint.client(request_checksum_calculation="when_required")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"abc")
    assert not any(name.startswith("Checksum") for name in part)
    digest = base64.b64encode(hashlib.sha256(b"abc").digest()).decode()
    assert refusal(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                   MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1,
                                               "ChecksumSHA256": digest}]}) == (400, {
        "Code": "InvalidPart", "Message": INVALID_PART, "UploadId": upload,
        "PartNumber": "1", "ETag": "900150983cd24fb0d6963f7d28e17f72"})
    done = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload,
                                        MultipartUpload={"Parts": [{"ETag": part["ETag"],
                                                                    "PartNumber": 1}]})
    assert done["ETag"] == '"af5da9f45af7a300e3aded972f8ff687-1"'


# ------------------------------------------------------------------ logging

def test_logging_target_grants_may_give_read_acp(s3, bucket):
    log_delivery = {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"}
    grants = [{"Grantee": log_delivery, "Permission": "WRITE"},
              {"Grantee": log_delivery, "Permission": "READ_ACP"}]
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": bucket, "TargetPrefix": "log", "TargetGrants": grants}})
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == {
        "TargetBucket": bucket, "TargetPrefix": "log", "TargetGrants": grants}


def test_logging_across_regions_names_a_source_outside_us_east_1(endpoint):
    clients, names = {}, {}
    for region in ("us-east-1", "us-west-2", "eu-west-1"):
        clients[region] = boto3.client("s3", endpoint_url=endpoint.url,
                                       **{**CREDENTIALS, "region_name": region})
        names[region] = f"logs-{region}-{uuid.uuid4().hex[:8]}"
        where = {} if region == "us-east-1" else {
            "CreateBucketConfiguration": {"LocationConstraint": region}}
        clients[region].create_bucket(Bucket=names[region], **where)
    try:
        def refused(source: str, target: str) -> tuple[int, dict[str, Any]]:
            return refusal(clients[source].put_bucket_logging, Bucket=names[source],
                           BucketLoggingStatus={"LoggingEnabled": {
                               "TargetBucket": names[target], "TargetPrefix": "log"}})
        cross = {"Code": "CrossLocationLoggingProhibitted",
                 "Message": "Cross S3 location logging not allowed. "}
        assert refused("us-east-1", "eu-west-1") == (
            403, {**cross, "TargetBucketLocation": "eu-west-1"})
        assert refused("us-west-2", "eu-west-1") == (
            403, {**cross, "SourceBucketLocation": "us-west-2",
                  "TargetBucketLocation": "eu-west-1"})
    finally:
        for region, name in names.items():
            clients[region].delete_bucket(Bucket=name)


# ------------------------------------------------------------------ headers

def test_every_answer_names_amazon_s3_as_its_server(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"123")
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["ResponseMetadata"]["HTTPHeaders"]["server"] == "AmazonS3"
    with pytest.raises(ClientError) as missing:
        s3.head_object(Bucket=bucket, Key="missing")
    assert missing.value.response["ResponseMetadata"]["HTTPHeaders"]["server"] == "AmazonS3"
