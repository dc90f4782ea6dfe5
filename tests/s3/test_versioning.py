"""S3 versioning through boto3: the bucket's state, versioned writes, reads, deletes."""
from __future__ import annotations

import re
import uuid
from typing import Any, Iterator

import pytest
from botocore.exceptions import ClientError

VERSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{31}")


def empty(s3: Any, name: str) -> None:
    """Delete every version and delete marker, then the bucket."""
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=name, Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=name)


@pytest.fixture
def versioned(s3: Any) -> Iterator[str]:
    """A fresh bucket with versioning enabled, emptied of every version afterwards."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    yield name
    empty(s3, name)


def gone_version(s3: Any, bucket: str) -> str:
    """The id of a version that was, and is no more (deleted for good)."""
    version = s3.put_object(Bucket=bucket, Key="gone", Body=b"x")["VersionId"]
    s3.delete_object(Bucket=bucket, Key="gone", VersionId=version)
    return version


def error(exc: pytest.ExceptionInfo) -> tuple[int, str]:
    response = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


def headers(response: dict) -> dict[str, str]:
    return response["ResponseMetadata"]["HTTPHeaders"]


# ------------------------------------------------------------------ the bucket's state

def test_a_new_bucket_answers_no_versioning_status(s3, bucket):
    answer = s3.get_bucket_versioning(Bucket=bucket)
    assert "Status" not in answer and "MFADelete" not in answer


def test_versioning_is_enabled_then_suspended(s3, versioned):
    assert s3.get_bucket_versioning(Bucket=versioned)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={
        "Status": "Suspended", "MFADelete": "Disabled"})
    answer = s3.get_bucket_versioning(Bucket=versioned)
    assert (answer["Status"], answer["MFADelete"]) == ("Suspended", "Disabled")


def test_an_unknown_status_is_malformed_xml(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "On"})
    assert error(exc) == (400, "MalformedXML")
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)


def test_a_configuration_without_status_is_illegal(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"MFADelete": "Disabled"})
    assert error(exc) == (400, "IllegalVersioningConfigurationException")


def test_mfa_delete_is_refused_without_mfa(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={
            "Status": "Enabled", "MFADelete": "Enabled"})
    assert error(exc) == (403, "AccessDenied")
    assert exc.value.response["Error"]["Message"] == \
        "Mfa Authentication must be used for this request"
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)


def test_versioning_of_a_missing_bucket(s3):
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_versioning(Bucket=f"test-{uuid.uuid4().hex[:12]}",
                                 VersioningConfiguration={"Status": "Enabled"})
    assert error(exc) == (404, "NoSuchBucket")


# ------------------------------------------------------------------ writes and reads

def test_each_put_makes_a_version_and_reads_name_it(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket=versioned, Key="k", Body=b"two")["VersionId"]
    assert VERSION_ID.fullmatch(first) and VERSION_ID.fullmatch(second) and first != second
    got = s3.get_object(Bucket=versioned, Key="k")
    assert (got["Body"].read(), got["VersionId"]) == (b"two", second)
    old = s3.get_object(Bucket=versioned, Key="k", VersionId=first)
    assert (old["Body"].read(), old["VersionId"]) == (b"one", first)
    assert s3.head_object(Bucket=versioned, Key="k", VersionId=first)["ContentLength"] == 3


def test_a_missing_or_malformed_version(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    gone = gone_version(s3, versioned)
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=versioned, Key="k", VersionId=gone)
    assert error(exc) == (404, "NoSuchVersion")
    assert exc.value.response["Error"]["VersionId"] == gone
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=versioned, Key="k", VersionId=gone)
    assert error(exc)[0] == 404
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=versioned, Key="k", VersionId="not+a/version")
    assert error(exc) == (400, "InvalidArgument")
    assert exc.value.response["Error"]["Message"] == "Invalid version id specified"


def test_an_object_from_before_versioning_is_the_null_version(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"old")
    assert "VersionId" not in s3.get_object(Bucket=bucket, Key="k")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    new = s3.put_object(Bucket=bucket, Key="k", Body=b"new")["VersionId"]
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"old"
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in versions] == [(new, True), ("null", False)]
    s3.delete_object(Bucket=bucket, Key="k", VersionId=new)
    s3.delete_object(Bucket=bucket, Key="k", VersionId="null")


def test_a_suspended_bucket_replaces_the_null_version(s3, versioned):
    kept = s3.put_object(Bucket=versioned, Key="k", Body=b"kept")["VersionId"]
    s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Suspended"})
    answer = s3.put_object(Bucket=versioned, Key="k", Body=b"null one")
    assert "VersionId" not in answer
    s3.put_object(Bucket=versioned, Key="k", Body=b"null two")
    got = s3.get_object(Bucket=versioned, Key="k")
    assert (got["Body"].read(), got["VersionId"]) == (b"null two", "null")
    versions = s3.list_object_versions(Bucket=versioned)["Versions"]
    assert [v["VersionId"] for v in versions] == ["null", kept]


def test_copy_and_multipart_make_versions(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="src", Body=b"first")["VersionId"]
    s3.put_object(Bucket=versioned, Key="src", Body=b"second")
    copied = s3.copy_object(Bucket=versioned, Key="dst",
                            CopySource={"Bucket": versioned, "Key": "src", "VersionId": first})
    assert copied["CopySourceVersionId"] == first and VERSION_ID.fullmatch(copied["VersionId"])
    assert s3.get_object(Bucket=versioned, Key="dst")["Body"].read() == b"first"
    upload = s3.create_multipart_upload(Bucket=versioned, Key="mp")["UploadId"]
    part = s3.upload_part_copy(Bucket=versioned, Key="mp", UploadId=upload, PartNumber=1,
                               CopySource={"Bucket": versioned, "Key": "src",
                                           "VersionId": first})
    assert part["CopySourceVersionId"] == first
    done = s3.complete_multipart_upload(
        Bucket=versioned, Key="mp", UploadId=upload, MultipartUpload={"Parts": [
            {"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]})
    assert VERSION_ID.fullmatch(done["VersionId"])
    assert s3.get_object(Bucket=versioned, Key="mp")["VersionId"] == done["VersionId"]


def test_a_copy_source_naming_a_delete_marker_is_refused(s3, versioned):
    s3.put_object(Bucket=versioned, Key="src", Body=b"x")
    marker = s3.delete_object(Bucket=versioned, Key="src")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=versioned, Key="dst",
                       CopySource={"Bucket": versioned, "Key": "src", "VersionId": marker})
    assert error(exc) == (400, "InvalidRequest")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=versioned, Key="dst", CopySource={"Bucket": versioned, "Key": "src"})
    assert error(exc) == (404, "NoSuchKey")


def test_tags_and_acl_of_one_version(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"1")["VersionId"]
    s3.put_object(Bucket=versioned, Key="k", Body=b"2")
    answer = s3.put_object_tagging(Bucket=versioned, Key="k", VersionId=first,
                                   Tagging={"TagSet": [{"Key": "old", "Value": "yes"}]})
    assert answer["VersionId"] == first
    tagged = s3.get_object_tagging(Bucket=versioned, Key="k", VersionId=first)
    assert (tagged["TagSet"], tagged["VersionId"]) == ([{"Key": "old", "Value": "yes"}], first)
    assert s3.get_object_tagging(Bucket=versioned, Key="k")["TagSet"] == []
    assert s3.get_object_acl(Bucket=versioned, Key="k", VersionId=first)["Grants"]
    with pytest.raises(ClientError) as exc:
        s3.get_object_tagging(Bucket=versioned, Key="k", VersionId=gone_version(s3, versioned))
    assert error(exc) == (404, "NoSuchVersion")


# ------------------------------------------------------------------ deletes

def test_a_delete_makes_a_marker_that_hides_the_key(s3, versioned):
    kept = s3.put_object(Bucket=versioned, Key="k", Body=b"kept")["VersionId"]
    deleted = s3.delete_object(Bucket=versioned, Key="k")
    assert deleted["DeleteMarker"] is True
    marker = deleted["VersionId"]
    assert VERSION_ID.fullmatch(marker)
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=versioned, Key="k")
    assert error(exc) == (404, "NoSuchKey")
    assert headers(exc.value.response)["x-amz-delete-marker"] == "true"
    assert headers(exc.value.response)["x-amz-version-id"] == marker
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=versioned, Key="k")
    assert headers(exc.value.response)["x-amz-delete-marker"] == "true"
    assert s3.list_objects_v2(Bucket=versioned)["KeyCount"] == 0
    assert s3.get_object(Bucket=versioned, Key="k", VersionId=kept)["Body"].read() == b"kept"


def test_reading_a_delete_marker_by_id_is_not_allowed(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=versioned, Key="k", VersionId=marker)
    assert error(exc) == (405, "MethodNotAllowed")
    found = headers(exc.value.response)
    assert (found["x-amz-delete-marker"], found["x-amz-version-id"]) == ("true", marker)
    assert "last-modified" in found
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=versioned, Key="k", VersionId=marker)
    assert error(exc)[0] == 405


def test_deleting_the_marker_brings_the_object_back(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"back")
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    answer = s3.delete_object(Bucket=versioned, Key="k", VersionId=marker)
    assert (answer["DeleteMarker"], answer["VersionId"]) == (True, marker)
    assert s3.get_object(Bucket=versioned, Key="k")["Body"].read() == b"back"


def test_deleting_a_version_for_good(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"1")["VersionId"]
    second = s3.put_object(Bucket=versioned, Key="k", Body=b"2")["VersionId"]
    answer = s3.delete_object(Bucket=versioned, Key="k", VersionId=second)
    assert answer["VersionId"] == second and "DeleteMarker" not in answer
    got = s3.get_object(Bucket=versioned, Key="k")
    assert (got["Body"].read(), got["VersionId"]) == (b"1", first)
    # A version that is no more: deleting it again succeeds, reading it does not.
    s3.delete_object(Bucket=versioned, Key="k", VersionId=second)
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=versioned, Key="k", VersionId=second)
    assert error(exc) == (404, "NoSuchVersion")


def test_a_malformed_version_id_on_delete(s3, versioned):
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=versioned, Key="k", VersionId="bad id")
    assert error(exc) == (400, "InvalidArgument")


def test_a_suspended_delete_makes_a_null_marker(s3, versioned):
    kept = s3.put_object(Bucket=versioned, Key="k", Body=b"kept")["VersionId"]
    s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Suspended"})
    answer = s3.delete_object(Bucket=versioned, Key="k")
    assert (answer["DeleteMarker"], answer["VersionId"]) == (True, "null")
    listed = s3.list_object_versions(Bucket=versioned)
    assert [m["VersionId"] for m in listed["DeleteMarkers"]] == ["null"]
    assert [v["VersionId"] for v in listed["Versions"]] == [kept]


def test_delete_objects_with_versions(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="a", Body=b"1")["VersionId"]
    s3.put_object(Bucket=versioned, Key="a", Body=b"2")
    s3.put_object(Bucket=versioned, Key="b", Body=b"b")
    result = s3.delete_objects(Bucket=versioned, Delete={"Objects": [
        {"Key": "a", "VersionId": first}, {"Key": "b"},
        {"Key": "c", "VersionId": "no good"}]})
    deleted = {d["Key"]: d for d in result["Deleted"]}
    assert deleted["a"] == {"Key": "a", "VersionId": first}
    assert deleted["b"]["DeleteMarker"] is True
    assert VERSION_ID.fullmatch(deleted["b"]["DeleteMarkerVersionId"])
    assert result["Errors"] == [{"Key": "c", "VersionId": "no good", "Code": "NoSuchVersion",
                                 "Message": "The specified version does not exist."}]
    marker = deleted["b"]["DeleteMarkerVersionId"]
    again = s3.delete_objects(Bucket=versioned, Delete={"Objects": [
        {"Key": "b", "VersionId": marker}]})
    assert again["Deleted"] == [{"Key": "b", "VersionId": marker, "DeleteMarker": True,
                                 "DeleteMarkerVersionId": marker}]
    assert s3.get_object(Bucket=versioned, Key="b")["Body"].read() == b"b"


def test_a_bucket_with_versions_or_markers_is_not_empty(s3):
    name = f"test-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    version = s3.put_object(Bucket=name, Key="k", Body=b"x")["VersionId"]
    marker = s3.delete_object(Bucket=name, Key="k")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.delete_bucket(Bucket=name)
    assert error(exc) == (409, "BucketNotEmpty")
    s3.delete_object(Bucket=name, Key="k", VersionId=version)
    with pytest.raises(ClientError) as exc:
        s3.delete_bucket(Bucket=name)
    assert error(exc) == (409, "BucketNotEmpty")          # the marker alone is left
    s3.delete_object(Bucket=name, Key="k", VersionId=marker)
    s3.delete_bucket(Bucket=name)


def test_a_browser_post_makes_a_version(endpoint, s3, versioned):
    from tests.s3.test_bucket_post_policy import conditions, expiration, post
    response = post(endpoint, versioned, {"expiration": expiration(),
                                          "conditions": conditions(versioned)})
    assert response.status_code == 204
    version = response.headers["x-amz-version-id"]
    assert VERSION_ID.fullmatch(version)
    assert s3.head_object(Bucket=versioned, Key="up.txt")["VersionId"] == version


def test_a_bucket_never_versioned_answers_no_version_ids(s3, bucket):
    answer = s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert "x-amz-version-id" not in headers(answer)
    assert "x-amz-version-id" not in headers(s3.head_object(Bucket=bucket, Key="k"))
    assert "x-amz-version-id" not in headers(s3.delete_object(Bucket=bucket, Key="k"))


def test_copying_an_old_version_onto_its_key_restores_it(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"first")["VersionId"]
    s3.put_object(Bucket=versioned, Key="k", Body=b"second")
    restored = s3.copy_object(Bucket=versioned, Key="k",
                              CopySource={"Bucket": versioned, "Key": "k", "VersionId": first})
    assert restored["CopySourceVersionId"] == first
    assert s3.get_object(Bucket=versioned, Key="k")["Body"].read() == b"first"
    assert len(s3.list_object_versions(Bucket=versioned)["Versions"]) == 3


def test_attributes_of_one_version(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"first")["VersionId"]
    s3.put_object(Bucket=versioned, Key="k", Body=b"2")
    answer = s3.get_object_attributes(Bucket=versioned, Key="k", VersionId=first,
                                      ObjectAttributes=["ObjectSize"])
    assert (answer["ObjectSize"], answer["VersionId"]) == (5, first)
    with pytest.raises(ClientError) as exc:
        s3.get_object_attributes(Bucket=versioned, Key="k",
                                 VersionId=gone_version(s3, versioned),
                                 ObjectAttributes=["ObjectSize"])
    assert error(exc) == (404, "NoSuchVersion")
