"""Object Lock: a bucket created with it is versioned for good and keeps its configuration;
a bucket without it answers as S3 answers for one without. Retention and legal hold of
versions: test_object_retention.py."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import pytest
from botocore.exceptions import ClientError



def error(exc: pytest.ExceptionInfo) -> tuple[int, str, str]:
    response = exc.value.response
    return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
            response["Error"]["Message"])


@pytest.fixture
def locked(s3: Any) -> Iterator[str]:
    name = f"test-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    yield name
    release(s3, name)


def release(s3: Any, name: str) -> None:
    """Empty and delete a locked bucket: legal holds off, GOVERNANCE bypassed. A version
    under COMPLIANCE retention cannot go; its bucket is left to the node's temporary state."""
    try:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
            for item in page.get("Versions", []):
                s3.put_object_legal_hold(Bucket=name, Key=item["Key"],
                                         VersionId=item["VersionId"],
                                         LegalHold={"Status": "OFF"})
            for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
                s3.delete_object(Bucket=name, Key=item["Key"], VersionId=item["VersionId"],
                                 BypassGovernanceRetention=True)
        s3.delete_bucket(Bucket=name)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "AccessDenied":
            raise


def test_a_bucket_created_with_object_lock_is_versioned(s3, locked):
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled"}
    first = s3.put_object(Bucket=locked, Key="k", Body=b"1")["VersionId"]
    assert s3.put_object(Bucket=locked, Key="k", Body=b"2")["VersionId"] != first


def test_versioning_of_a_locked_bucket_cannot_be_suspended(s3, locked):
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_versioning(Bucket=locked, VersioningConfiguration={"Status": "Suspended"})
    assert error(exc) == (409, "InvalidBucketState",
                          "An Object Lock configuration is present on this bucket, so the "
                          "versioning state cannot be changed.")
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"


def test_a_default_retention_is_kept(s3, locked):
    rule = {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 10}}
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": rule})
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled", "Rule": rule}


@pytest.mark.parametrize("retention", [{"Mode": "GOVERNANCE"},
                                       {"Mode": "GOVERNANCE", "Days": 1, "Years": 1},
                                       {"Mode": "LOOSE", "Days": 1}])
def test_a_malformed_default_retention(s3, locked, retention):
    with pytest.raises(ClientError) as exc:
        s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": retention}})
    assert error(exc)[:2] == (400, "MalformedXML")


def test_a_retention_period_must_be_positive(s3, locked):
    with pytest.raises(ClientError) as exc:
        s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 0}}})
    assert error(exc) == (400, "InvalidArgument",
                          "Default retention period must be a positive integer value.")
    assert exc.value.response["Error"]["ArgumentName"] == "Days"
    assert "ArgumentValue" not in exc.value.response["Error"]


def test_a_versioned_bucket_can_take_object_lock(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled"})
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled"}
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert error(exc)[:2] == (409, "InvalidBucketState")


def test_an_object_lock_configuration_needs_a_body(s3, bucket):
    # moto's aws_verified test_put_object_lock_misconfiguration: no body at all is
    # MissingRequestBodyError; an empty document is MalformedXML.
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    with pytest.raises(ClientError) as exc:
        s3.put_object_lock_configuration(Bucket=bucket)
    assert error(exc) == (400, "MissingRequestBodyError", "Request Body is empty")
    with pytest.raises(ClientError) as exc:
        s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={})
    assert error(exc)[:2] == (400, "MalformedXML")


def test_creating_a_bucket_with_object_lock_off_is_a_plain_bucket(s3):
    name = f"test-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=False)
    assert "Status" not in s3.get_bucket_versioning(Bucket=name)
    s3.delete_bucket(Bucket=name)


def test_a_bucket_has_no_object_lock_configuration(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.get_object_lock_configuration(Bucket=bucket)
    assert error(exc) == (404, "ObjectLockConfigurationNotFoundError",
                          "Object Lock configuration does not exist for this bucket")
    assert exc.value.response["Error"]["BucketName"] == bucket


def test_object_lock_needs_versioning(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 10}}})
    assert error(exc) == (
        409, "InvalidBucketState",
        "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")


RETAIN = {"Mode": "GOVERNANCE",
          "RetainUntilDate": datetime.now(timezone.utc) + timedelta(days=1)}
LOCK_CALLS = {
    "get_object_retention": {},
    "put_object_retention": {"Retention": RETAIN},
    "get_object_legal_hold": {},
    "put_object_legal_hold": {"LegalHold": {"Status": "ON"}},
}


@pytest.mark.parametrize("method", LOCK_CALLS)
def test_an_object_lock_call_on_a_bucket_without_it(s3, bucket, method):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        getattr(s3, method)(Bucket=bucket, Key="k", **LOCK_CALLS[method])
    assert error(exc) == (400, "InvalidRequest", "Bucket is missing Object Lock Configuration")


@pytest.mark.parametrize("method", ["get_object_lock_configuration", *LOCK_CALLS])
def test_an_object_lock_call_on_a_missing_bucket(s3, method):
    kwargs: dict[str, Any] = {"Bucket": "no-such-bucket-here"}
    if method in LOCK_CALLS:
        kwargs.update(Key="k", **LOCK_CALLS[method])
    with pytest.raises(ClientError) as exc:
        getattr(s3, method)(**kwargs)
    assert exc.value.response["Error"]["Code"] == "NoSuchBucket"


UNTIL = datetime(2030, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("headers", [{"ObjectLockMode": "GOVERNANCE",
                                      "ObjectLockRetainUntilDate": UNTIL},
                                     {"ObjectLockLegalHoldStatus": "ON"}])
def test_lock_headers_to_a_bucket_without_object_lock(s3, bucket, headers):
    for call in (lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x", **headers),
                 lambda: s3.create_multipart_upload(Bucket=bucket, Key="k", **headers)):
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc) == (400, "InvalidRequest", "Bucket is missing Object Lock Configuration")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


@pytest.mark.parametrize("half", [{"ObjectLockMode": "GOVERNANCE"},
                                  {"ObjectLockRetainUntilDate": UNTIL}])
def test_a_lock_mode_and_its_date_come_together(s3, locked, half):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=locked, Key="k", Body=b"x", **half)
    assert error(exc) == (400, "InvalidArgument", "x-amz-object-lock-retain-until-date and "
                                                  "x-amz-object-lock-mode must both be supplied")


def test_a_locked_bucket_takes_the_lock_headers(s3, locked):
    s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                  ObjectLockRetainUntilDate=UNTIL, ObjectLockLegalHoldStatus="OFF")
    assert s3.get_object(Bucket=locked, Key="k")["Body"].read() == b"x"
