"""Object Lock on object versions through boto3: retention and legal hold set, read,
changed and enforced, as S3 documents them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from fogbank.testing import RunningNode, serving, write_empty_app

from tests.s3.test_object_lock import error, locked  # noqa: F401 (a fixture)

PROTECTED = "Access Denied because object protected by object lock."


def later(days: float) -> datetime:
    return (datetime.now(timezone.utc) + timedelta(days=days)).replace(microsecond=0)


def governed(s3: Any, bucket: str, days: float = 2) -> str:
    """A version under GOVERNANCE retention; its id."""
    return s3.put_object(Bucket=bucket, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                         ObjectLockRetainUntilDate=later(days))["VersionId"]


def test_put_and_get_retention(s3, locked):
    version = s3.put_object(Bucket=locked, Key="k", Body=b"x")["VersionId"]
    until = later(3)
    s3.put_object_retention(Bucket=locked, Key="k", VersionId=version,
                            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until})
    assert s3.get_object_retention(Bucket=locked, Key="k", VersionId=version)["Retention"] == {
        "Mode": "GOVERNANCE", "RetainUntilDate": until}
    head = s3.head_object(Bucket=locked, Key="k")
    assert (head["ObjectLockMode"], head["ObjectLockRetainUntilDate"]) == ("GOVERNANCE", until)


def test_a_version_without_retention(s3, locked):
    s3.put_object(Bucket=locked, Key="k", Body=b"x")
    for method in (s3.get_object_retention, s3.get_object_legal_hold):
        with pytest.raises(ClientError) as exc:
            method(Bucket=locked, Key="k")
        assert error(exc) == (404, "NoSuchObjectLockConfiguration",
                              "The specified object does not have a ObjectLock configuration")
    assert "ObjectLockMode" not in s3.head_object(Bucket=locked, Key="k")


def test_retention_of_a_missing_key(s3, locked):
    with pytest.raises(ClientError) as exc:
        s3.put_object_retention(Bucket=locked, Key="nope", Retention={
            "Mode": "GOVERNANCE", "RetainUntilDate": later(1)})
    assert error(exc)[:2] == (404, "NoSuchKey")


def test_lock_headers_are_kept_and_returned(s3, locked):
    until = later(1)
    s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                  ObjectLockRetainUntilDate=until, ObjectLockLegalHoldStatus="ON")
    got = s3.get_object(Bucket=locked, Key="k")
    assert (got["ObjectLockMode"], got["ObjectLockRetainUntilDate"],
            got["ObjectLockLegalHoldStatus"]) == ("GOVERNANCE", until, "ON")
    assert s3.get_object_legal_hold(Bucket=locked, Key="k")["LegalHold"] == {"Status": "ON"}


def test_copy_and_multipart_take_lock_headers(s3, locked):
    until = later(1)
    s3.put_object(Bucket=locked, Key="src", Body=b"x")
    s3.copy_object(Bucket=locked, Key="copy", CopySource={"Bucket": locked, "Key": "src"},
                   ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)
    upload = s3.create_multipart_upload(Bucket=locked, Key="parts", ObjectLockMode="GOVERNANCE",
                                        ObjectLockRetainUntilDate=until,
                                        ObjectLockLegalHoldStatus="ON")["UploadId"]
    etag = s3.upload_part(Bucket=locked, Key="parts", UploadId=upload, PartNumber=1,
                          Body=b"y")["ETag"]
    s3.complete_multipart_upload(Bucket=locked, Key="parts", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": etag}]})
    for key in ("copy", "parts"):
        assert s3.get_object_retention(Bucket=locked, Key=key)["Retention"] == {
            "Mode": "GOVERNANCE", "RetainUntilDate": until}
    assert s3.get_object_legal_hold(Bucket=locked, Key="parts")["LegalHold"]["Status"] == "ON"


def test_a_copy_does_not_keep_the_source_lock(s3, locked):
    governed(s3, locked)
    s3.copy_object(Bucket=locked, Key="copy", CopySource={"Bucket": locked, "Key": "k"})
    assert "ObjectLockMode" not in s3.head_object(Bucket=locked, Key="copy")


def test_the_default_retention_applies_to_new_versions(s3, locked):
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 2}}})
    before = datetime.now(timezone.utc)
    s3.put_object(Bucket=locked, Key="k", Body=b"x")
    retention = s3.get_object_retention(Bucket=locked, Key="k")["Retention"]
    assert retention["Mode"] == "GOVERNANCE"
    assert timedelta(days=2) - timedelta(seconds=5) < retention["RetainUntilDate"] - before \
        < timedelta(days=2, seconds=5)
    # A write's own headers outrank the default.
    until = later(9)
    s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                  ObjectLockRetainUntilDate=until)
    assert s3.get_object_retention(Bucket=locked, Key="k")["Retention"] == {
        "Mode": "GOVERNANCE", "RetainUntilDate": until}


def test_the_default_retention_in_years(s3, locked):
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Years": 1}}})
    s3.put_object(Bucket=locked, Key="k", Body=b"x")
    until = s3.head_object(Bucket=locked, Key="k")["ObjectLockRetainUntilDate"]
    assert later(364) < until < later(367)


def test_extending_governance_needs_no_bypass(s3, locked):
    version = governed(s3, locked)
    s3.put_object_retention(Bucket=locked, Key="k", VersionId=version,
                            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later(5)})
    assert s3.get_object_retention(Bucket=locked, Key="k")["Retention"]["Mode"] == "GOVERNANCE"


@pytest.mark.parametrize("days, mode, until_days", [(5, "GOVERNANCE", 1), (2, "COMPLIANCE", 5)],
                         ids=["shortened", "made-compliance"])
def test_changing_governance_needs_the_bypass(s3, locked, days, mode, until_days):
    # Moving it to COMPLIANCE, stricter as it is, changes the lock's settings all the same.
    version = governed(s3, locked, days=days)
    changed = {"Mode": mode, "RetainUntilDate": later(until_days)}
    with pytest.raises(ClientError) as exc:
        s3.put_object_retention(Bucket=locked, Key="k", VersionId=version, Retention=changed)
    assert error(exc)[:2] == (403, "AccessDenied")
    s3.put_object_retention(Bucket=locked, Key="k", VersionId=version, Retention=changed,
                            BypassGovernanceRetention=True)
    assert s3.get_object_retention(Bucket=locked, Key="k")["Retention"] == changed


def test_removing_governance_needs_the_bypass(s3, locked):
    version = governed(s3, locked)
    with pytest.raises(ClientError) as exc:
        s3.put_object_retention(Bucket=locked, Key="k", VersionId=version, Retention={})
    assert error(exc)[:2] == (403, "AccessDenied")
    s3.put_object_retention(Bucket=locked, Key="k", VersionId=version, Retention={},
                            BypassGovernanceRetention=True)
    with pytest.raises(ClientError) as exc:
        s3.get_object_retention(Bucket=locked, Key="k")
    assert error(exc)[1] == "NoSuchObjectLockConfiguration"


def test_compliance_is_never_shortened(s3, locked):
    until = later(0.001)      # a minute and a half: the bucket is left behind, briefly held
    version = s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="COMPLIANCE",
                            ObjectLockRetainUntilDate=until)["VersionId"]
    for retention in ({"Mode": "COMPLIANCE", "RetainUntilDate": until - timedelta(seconds=30)},
                      {"Mode": "GOVERNANCE", "RetainUntilDate": until + timedelta(days=1)}, {}):
        with pytest.raises(ClientError) as exc:
            s3.put_object_retention(Bucket=locked, Key="k", VersionId=version,
                                    Retention=retention, BypassGovernanceRetention=True)
        assert error(exc)[:2] == (403, "AccessDenied")
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=locked, Key="k", VersionId=version,
                         BypassGovernanceRetention=True)
    assert error(exc) == (403, "AccessDenied", PROTECTED)


@pytest.mark.parametrize("retention", [{"Mode": "LOOSE", "RetainUntilDate": later(1)},
                                       {"Mode": "GOVERNANCE"},
                                       {"RetainUntilDate": later(1)}])
def test_a_malformed_retention(s3, locked, retention):
    s3.put_object(Bucket=locked, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.put_object_retention(Bucket=locked, Key="k", Retention=retention)
    assert error(exc)[:2] == (400, "MalformedXML")


def test_a_retention_date_in_the_past(s3, locked):
    s3.put_object(Bucket=locked, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.put_object_retention(Bucket=locked, Key="k", Retention={
            "Mode": "GOVERNANCE", "RetainUntilDate": later(-1)})
    assert error(exc) == (400, "InvalidArgument", "The retain until date must be in the future!")


@pytest.mark.parametrize("headers, message", [
    ({"ObjectLockMode": "LOOSE", "ObjectLockRetainUntilDate": later(1)},
     "Unknown wormMode directive."),
    ({"ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": later(-1)},
     "The retain until date must be in the future!"),
    ({"ObjectLockLegalHoldStatus": "MAYBE"}, "Legal Hold must be either of 'ON' or 'OFF'"),
])
def test_wrong_lock_headers(s3, locked, headers, message):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=locked, Key="k", Body=b"x", **headers)
    assert error(exc) == (400, "InvalidArgument", message)
    with pytest.raises(ClientError) as exc:
        s3.create_multipart_upload(Bucket=locked, Key="k", **headers)
    assert error(exc) == (400, "InvalidArgument", message)
    assert "Versions" not in s3.list_object_versions(Bucket=locked)


def test_legal_hold_on_and_off(s3, locked):
    version = s3.put_object(Bucket=locked, Key="k", Body=b"x")["VersionId"]
    s3.put_object_legal_hold(Bucket=locked, Key="k", VersionId=version,
                             LegalHold={"Status": "ON"})
    assert s3.head_object(Bucket=locked, Key="k")["ObjectLockLegalHoldStatus"] == "ON"
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=locked, Key="k", VersionId=version,
                         BypassGovernanceRetention=True)
    assert error(exc) == (403, "AccessDenied", PROTECTED)
    s3.put_object_legal_hold(Bucket=locked, Key="k", LegalHold={"Status": "OFF"})
    assert s3.get_object_legal_hold(Bucket=locked, Key="k")["LegalHold"] == {"Status": "OFF"}
    s3.delete_object(Bucket=locked, Key="k", VersionId=version)


def test_a_malformed_legal_hold(s3, locked):
    s3.put_object(Bucket=locked, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.put_object_legal_hold(Bucket=locked, Key="k", LegalHold={"Status": "MAYBE"})
    assert error(exc)[:2] == (400, "MalformedXML")


def test_deleting_a_governed_version(s3, locked):
    version = governed(s3, locked)
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=locked, Key="k", VersionId=version)
    assert error(exc) == (403, "AccessDenied", PROTECTED)
    # Without a version id, a delete marker goes on top; the version stays.
    assert s3.delete_object(Bucket=locked, Key="k")["DeleteMarker"] is True
    assert s3.get_object(Bucket=locked, Key="k", VersionId=version)["Body"].read() == b"x"
    s3.delete_object(Bucket=locked, Key="k", VersionId=version, BypassGovernanceRetention=True)
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=locked, Key="k", VersionId=version)
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_delete_objects_naming_locked_versions(s3, locked):
    version = governed(s3, locked)
    delete = {"Objects": [{"Key": "k", "VersionId": version}]}
    answer = s3.delete_objects(Bucket=locked, Delete=delete)
    assert answer["Errors"] == [{"Key": "k", "VersionId": version, "Code": "AccessDenied",
                                 "Message": PROTECTED}]
    answer = s3.delete_objects(Bucket=locked, Delete=delete, BypassGovernanceRetention=True)
    assert answer["Deleted"] == [{"Key": "k", "VersionId": version}]


def test_retention_survives_a_restart(tmp_path: Path) -> None:
    app_dir = write_empty_app(tmp_path / "app")
    until = later(2)
    node = RunningNode(app_dir, "--no-watch")
    try:
        node.wait_ready()
        s3 = boto3.client("s3", **node.client_kwargs())
        s3.create_bucket(Bucket="kept", ObjectLockEnabledForBucket=True)
        version = s3.put_object(Bucket="kept", Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                                ObjectLockRetainUntilDate=until,
                                ObjectLockLegalHoldStatus="ON")["VersionId"]
    finally:
        node.kill()
    with serving(app_dir, "--no-watch") as again:
        s3 = boto3.client("s3", **again.client_kwargs())
        head = s3.head_object(Bucket="kept", Key="k")
        assert (head["ObjectLockMode"], head["ObjectLockRetainUntilDate"],
                head["ObjectLockLegalHoldStatus"]) == ("GOVERNANCE", until, "ON")
        with pytest.raises(ClientError) as exc:
            s3.delete_object(Bucket="kept", Key="k", VersionId=version)
        assert error(exc) == (403, "AccessDenied", PROTECTED)
