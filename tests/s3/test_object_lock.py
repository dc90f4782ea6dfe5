"""Object Lock: Fogbank keeps no versions, so no bucket has it; S3's answers for one without."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError


def error(exc: pytest.ExceptionInfo) -> tuple[int, str, str]:
    response = exc.value.response
    return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
            response["Error"]["Message"])


def test_creating_a_bucket_with_object_lock_is_not_implemented(s3):
    name = f"test-{uuid.uuid4().hex[:12]}"
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    assert error(exc) == (501, "NotImplemented",
                          "A header you provided implies functionality that is not implemented")
    assert exc.value.response["Error"]["Header"] == "x-amz-bucket-object-lock-enabled"
    with pytest.raises(ClientError) as missing:
        s3.head_bucket(Bucket=name)
    assert missing.value.response["Error"]["Code"] == "404"


def test_creating_a_bucket_with_object_lock_off_is_a_plain_bucket(s3):
    name = f"test-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=False)
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
