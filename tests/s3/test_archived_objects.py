"""Archived objects (GLACIER, DEEP_ARCHIVE): readable only through a restored copy, which
RestoreObject makes at once on a local node; GLACIER_IR reads like any other class. The
answers are S3's, as recorded against AWS (InvalidObjectState, x-amz-restore)."""
from __future__ import annotations

import datetime as dt
import email.utils
import re

import pytest
from botocore.exceptions import ClientError

from tests.s3.test_versioning import versioned  # noqa: F401  (a fixture)

RESTORED = re.compile(r'ongoing-request="false", expiry-date="(.+ 00:00:00 GMT)"')


def refused(call, *args, **kwargs) -> dict:
    with pytest.raises(ClientError) as exc:
        call(*args, **kwargs)
    response = exc.value.response
    return {"Status": response["ResponseMetadata"]["HTTPStatusCode"],
            **{k: v for k, v in response["Error"].items() if k != "Resource"}}


def restore(s3, bucket: str, key: str, days: int = 1, **more) -> int:
    answer = s3.restore_object(Bucket=bucket, Key=key, RestoreRequest={"Days": days}, **more)
    return answer["ResponseMetadata"]["HTTPStatusCode"]


@pytest.mark.parametrize("storage_class", ["GLACIER", "DEEP_ARCHIVE"])
def test_an_archived_object_is_refused_until_restored(s3, bucket, storage_class):
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass=storage_class)
    assert refused(s3.get_object, Bucket=bucket, Key="cold") == {
        "Status": 403, "Code": "InvalidObjectState",
        "Message": "The operation is not valid for the object's storage class",
        "StorageClass": storage_class}
    head = s3.head_object(Bucket=bucket, Key="cold")
    assert head["StorageClass"] == storage_class and "Restore" not in head


def test_glacier_instant_retrieval_is_read_without_a_restore(s3, bucket):
    s3.put_object(Bucket=bucket, Key="ir", Body=b"instant", StorageClass="GLACIER_IR")
    got = s3.get_object(Bucket=bucket, Key="ir")
    assert got["Body"].read() == b"instant" and got["StorageClass"] == "GLACIER_IR"


def test_a_restore_is_accepted_then_ok_and_the_copy_is_readable(s3, bucket):
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass="GLACIER")
    assert restore(s3, bucket, "cold", days=3) == 202
    head = s3.head_object(Bucket=bucket, Key="cold")
    expiry = email.utils.parsedate_to_datetime(RESTORED.fullmatch(head["Restore"])[1])
    now = dt.datetime.now(dt.timezone.utc)
    assert now + dt.timedelta(days=3) < expiry <= now + dt.timedelta(days=4)
    got = s3.get_object(Bucket=bucket, Key="cold")
    assert got["Body"].read() == b"frozen"
    assert (got["Restore"], got["StorageClass"]) == (head["Restore"], "GLACIER")
    # A restored copy exists: a second restore is 200 and moves the expiry date.
    assert restore(s3, bucket, "cold", days=10) == 200
    later = s3.head_object(Bucket=bucket, Key="cold")["Restore"]
    assert email.utils.parsedate_to_datetime(RESTORED.fullmatch(later)[1]) > expiry


@pytest.mark.parametrize("storage_class", ["GLACIER", "DEEP_ARCHIVE"])
def test_a_restore_of_an_archived_object_without_days_is_malformed_xml(s3, bucket,
                                                                       storage_class):
    # S3 answers an archive restore that names no Days with MalformedXML (aws/aws-sdk#28,
    # aws-sdk-ruby#2380, confirmed by the SDK's maintainers against S3).
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass=storage_class)
    assert refused(s3.restore_object, Bucket=bucket, Key="cold", RestoreRequest={
        "GlacierJobParameters": {"Tier": "Standard"}}) == {
        "Status": 400, "Code": "MalformedXML",
        "Message": "The XML you provided was not well-formed or did not validate against "
                   "our published schema"}
    assert "Restore" not in s3.head_object(Bucket=bucket, Key="cold")


@pytest.mark.parametrize("storage_class", [None, "STANDARD_IA", "GLACIER_IR"])
def test_a_restore_of_a_class_that_is_not_archived_is_refused(s3, bucket, storage_class):
    s3.put_object(Bucket=bucket, Key="warm", Body=b"x",
                  **({"StorageClass": storage_class} if storage_class else {}))
    assert refused(s3.restore_object, Bucket=bucket, Key="warm",
                   RestoreRequest={"Days": 1}) == {
        "Status": 403, "Code": "InvalidObjectState",
        "Message": "Restore is not allowed for the object's current storage class",
        "StorageClass": storage_class or "STANDARD"}


def test_a_restore_of_a_missing_key_is_no_such_key(s3, bucket):
    assert refused(s3.restore_object, Bucket=bucket, Key="nope",
                   RestoreRequest={"Days": 1})["Code"] == "NoSuchKey"


def test_a_restore_names_one_version(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="cold", Body=b"one",
                          StorageClass="GLACIER")["VersionId"]
    s3.put_object(Bucket=versioned, Key="cold", Body=b"two", StorageClass="GLACIER")
    assert restore(s3, versioned, "cold", VersionId=first) == 202
    got = s3.get_object(Bucket=versioned, Key="cold", VersionId=first)
    assert got["Body"].read() == b"one" and "Restore" in got
    assert refused(s3.get_object, Bucket=versioned, Key="cold")["Code"] == "InvalidObjectState"


def test_an_archived_source_is_refused_to_a_copy_until_restored(s3, bucket):
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass="DEEP_ARCHIVE")
    source = {"Bucket": bucket, "Key": "cold"}
    answer = {"Status": 403, "Code": "InvalidObjectState",
              "Message": "Operation is not valid for the source object's storage class",
              "StorageClass": "DEEP_ARCHIVE"}
    assert refused(s3.copy_object, Bucket=bucket, Key="copy", CopySource=source) == answer
    # S3 judges the source's class before the copy-source conditions.
    assert refused(s3.copy_object, Bucket=bucket, Key="copy", CopySource=source,
                   CopySourceIfMatch='"other"') == answer
    upload = s3.create_multipart_upload(Bucket=bucket, Key="parts")["UploadId"]
    assert refused(s3.upload_part_copy, Bucket=bucket, Key="parts", UploadId=upload,
                   PartNumber=1, CopySource=source) == answer
    restore(s3, bucket, "cold")
    s3.copy_object(Bucket=bucket, Key="copy", CopySource=source)
    copy = s3.get_object(Bucket=bucket, Key="copy")
    assert copy["Body"].read() == b"frozen"
    assert "StorageClass" not in copy and "Restore" not in copy     # a STANDARD object


def test_a_copy_takes_the_storage_class_asked_for_never_the_sources(s3, bucket):
    s3.put_object(Bucket=bucket, Key="ia", Body=b"test", StorageClass="STANDARD_IA")
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "ia"})
    assert s3.get_object_attributes(Bucket=bucket, Key="copy", ObjectAttributes=[
        "StorageClass"])["StorageClass"] == "STANDARD"
    s3.copy_object(Bucket=bucket, Key="kept", CopySource={"Bucket": bucket, "Key": "ia"},
                   StorageClass="STANDARD_IA")
    assert s3.head_object(Bucket=bucket, Key="kept")["StorageClass"] == "STANDARD_IA"
    # Onto itself, naming no class is no change, though the copy would be STANDARD.
    assert refused(s3.copy_object, Bucket=bucket, Key="ia",
                   CopySource={"Bucket": bucket, "Key": "ia"})["Code"] == "InvalidRequest"
