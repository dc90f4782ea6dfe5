"""Object Lock, from Ceph's s3-tests (s3tests_boto3/functional/test_s3.py, run against AWS
too), where test_object_lock.py and test_object_retention.py do not already hold the same:
configurations S3 cannot read, multipart objects under retention or a legal hold, what
HeadObject says of a locked version."""
from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.s3.test_object_lock import error, locked  # noqa: F401 (a fixture)
from tests.s3.test_object_retention import PROTECTED, later

MiB = 1024 * 1024


@pytest.mark.parametrize("configuration", [
    {"ObjectLockEnabled": "Enabled",
     "Rule": {"DefaultRetention": {"Mode": "abc", "Days": 1}}},        # _invalid_mode
    {"ObjectLockEnabled": "Enabled",
     "Rule": {"DefaultRetention": {"Mode": "governance", "Days": 1}}},  # the same
    {"ObjectLockEnabled": "Disabled",
     "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}},  # _invalid_status
])
def test_a_configuration_s3_cannot_read(s3, locked, configuration):
    # test_object_lock_put_obj_lock_invalid_mode and _invalid_status
    with pytest.raises(ClientError) as exc:
        s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=configuration)
    assert error(exc)[:2] == (400, "MalformedXML")


def test_a_retention_mode_s3_cannot_read(s3, locked):
    # test_object_lock_put_obj_retention_invalid_mode
    s3.put_object(Bucket=locked, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.put_object_retention(Bucket=locked, Key="k", Retention={
            "Mode": "governance", "RetainUntilDate": later(1)})
    assert error(exc)[:2] == (400, "MalformedXML")


def multipart(s3, bucket: str, **lock) -> str:
    """A two-part object made with the lock headers given; its version id."""
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", **lock)["UploadId"]
    parts = []
    for number, data in ((1, b"a" * (5 * MiB)), (2, b"b")):
        etag = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=number,
                              Body=data)["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    return s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload,
                                        MultipartUpload={"Parts": parts})["VersionId"]


def test_a_multipart_object_under_retention(s3, locked):
    # test_object_lock_delete_multipart_object_with_retention
    version = multipart(s3, locked, ObjectLockMode="GOVERNANCE",
                        ObjectLockRetainUntilDate=later(1))
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=locked, Key="mp", VersionId=version)
    assert error(exc) == (403, "AccessDenied", PROTECTED)
    s3.delete_object(Bucket=locked, Key="mp", VersionId=version, BypassGovernanceRetention=True)
    assert "Versions" not in s3.list_object_versions(Bucket=locked)


def test_a_multipart_object_under_a_legal_hold(s3, locked):
    # test_object_lock_delete_multipart_object_with_legal_hold_on
    version = multipart(s3, locked, ObjectLockLegalHoldStatus="ON")
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=locked, Key="mp", VersionId=version,
                         BypassGovernanceRetention=True)
    assert error(exc) == (403, "AccessDenied", PROTECTED)
    s3.put_object_legal_hold(Bucket=locked, Key="mp", VersionId=version,
                             LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=locked, Key="mp", VersionId=version)


def test_a_head_states_the_retention_date_in_iso8601(s3, locked):
    # test_object_lock_get_obj_metadata and _get_obj_retention_iso8601 (the same fields read
    # by GetObject: test_object_retention.py)
    version = s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=later(1),
                            ObjectLockLegalHoldStatus="ON")["VersionId"]
    head = s3.head_object(Bucket=locked, Key="k", VersionId=version)
    assert (head["ObjectLockMode"], head["ObjectLockLegalHoldStatus"]) == ("GOVERNANCE", "ON")
    stated = head["ResponseMetadata"]["HTTPHeaders"]["x-amz-object-lock-retain-until-date"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", stated)


def test_a_delete_marker_over_a_retained_version(s3, locked):
    # test_object_lock_delete_object_with_retention_and_marker
    version = s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=later(1))["VersionId"]
    marker = s3.delete_object(Bucket=locked, Key="k")["VersionId"]
    # The marker has no retention of its own: it goes without a bypass.
    s3.delete_object(Bucket=locked, Key="k", VersionId=marker)
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=locked, Key="k", VersionId=version)
    assert error(exc) == (403, "AccessDenied", PROTECTED)
    s3.delete_object(Bucket=locked, Key="k", VersionId=version, BypassGovernanceRetention=True)
