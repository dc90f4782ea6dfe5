"""Versioning, from Ceph's s3-tests (s3tests_boto3/functional/test_s3.py, run against AWS too):
versions made and removed in every order, the null version, suspended versioning, overwrite
sequences, copies of versions, multi-object deletes of versions and markers, the order and
markers of ListObjectVersions. Single calls are in test_versioning.py."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.s3.test_versioning import error, versioned  # noqa: F401  (a fixture)


def put_versions(s3: Any, bucket: str, key: str, count: int) -> tuple[list[str], list[bytes]]:
    """`count` versions of `key`, oldest first: their ids and their bodies."""
    ids, bodies = [], []
    for n in range(count):
        body = f"content-{key}-{n}".encode()
        ids.append(s3.put_object(Bucket=bucket, Key=key, Body=body)["VersionId"])
        bodies.append(body)
    return ids, bodies


def listed_versions(s3: Any, bucket: str, key: str) -> list[str]:
    """The ids of `key`'s versions as ListObjectVersions gives them: newest first."""
    listed = s3.list_object_versions(Bucket=bucket, Prefix=key)
    return [v["VersionId"] for v in listed.get("Versions", []) if v["Key"] == key]


def check_versions(s3: Any, bucket: str, key: str, ids: list[str], bodies: list[bytes]) -> None:
    """The key's versions are `ids` (oldest first), each reads back its body, the newest is
    what a plain GET reads; with none left the key is gone."""
    assert listed_versions(s3, bucket, key) == ids[::-1]
    for version, body in zip(ids, bodies):
        assert s3.get_object(Bucket=bucket, Key=key, VersionId=version)["Body"].read() == body
    if ids:
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == bodies[-1]
    else:
        with pytest.raises(ClientError) as exc:
            s3.get_object(Bucket=bucket, Key=key)
        assert error(exc) == (404, "NoSuchKey")


def remove_in_order(s3: Any, bucket: str, key: str, count: int, start: int, step: int) -> None:
    """test_s3's create_remove_versions: make `count` versions, remove them one at a time
    starting at index `start` (negative counts from the newest), moving by `step`."""
    ids, bodies = put_versions(s3, bucket, key, count)
    index = start
    while ids:
        index = index % len(ids)
        s3.delete_object(Bucket=bucket, Key=key, VersionId=ids.pop(index))
        bodies.pop(index)
        check_versions(s3, bucket, key, ids, bodies)
        index += step


# ------------------------------------------------------------------ create, read, remove

@pytest.mark.parametrize("key", ["testobj", "_testobj", "_", ":", " "])
def test_versions_removed_in_every_order(s3, versioned, key):
    # test_versioning_obj_create_read_remove and _create_versions_remove_special_names
    for start, step in [(-1, 0), (0, 0), (1, 0), (4, -1), (3, 3)]:
        remove_in_order(s3, versioned, key, 5, start, step)


def test_removing_the_newest_then_a_marker(s3, versioned):
    # test_versioning_obj_create_read_remove_head
    ids, bodies = put_versions(s3, versioned, "testobj", 5)
    s3.delete_object(Bucket=versioned, Key="testobj", VersionId=ids.pop())
    bodies.pop()
    assert s3.get_object(Bucket=versioned, Key="testobj")["Body"].read() == bodies[-1]
    deleted = s3.delete_object(Bucket=versioned, Key="testobj")
    assert deleted["DeleteMarker"] is True
    listed = s3.list_object_versions(Bucket=versioned)
    assert len(listed["Versions"]) == 4
    assert [m["VersionId"] for m in listed["DeleteMarkers"]] == [deleted["VersionId"]]


def test_all_versions_removed_leave_nothing(s3, versioned):
    # test_versioning_obj_create_versions_remove_all
    ids, _ = put_versions(s3, versioned, "testobj", 10)
    for version in ids:
        s3.delete_object(Bucket=versioned, Key="testobj", VersionId=version)
    listed = s3.list_object_versions(Bucket=versioned)
    assert "Versions" not in listed and "DeleteMarkers" not in listed


# ------------------------------------------------------------------ the null version

def test_removing_the_null_version_of_a_plain_object(s3, bucket):
    # test_versioning_obj_plain_null_version_removal
    s3.put_object(Bucket=bucket, Key="testobjfoo", Body=b"fooz")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.delete_object(Bucket=bucket, Key="testobjfoo", VersionId="null")
    check_versions(s3, bucket, "testobjfoo", [], [])


def test_the_null_version_under_a_newer_one(s3, bucket):
    # test_versioning_obj_plain_null_version_overwrite
    s3.put_object(Bucket=bucket, Key="testobjfoo", Body=b"fooz")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="testobjfoo", Body=b"zzz")
    got = s3.get_object(Bucket=bucket, Key="testobjfoo")
    assert got["Body"].read() == b"zzz"
    s3.delete_object(Bucket=bucket, Key="testobjfoo", VersionId=got["VersionId"])
    assert s3.get_object(Bucket=bucket, Key="testobjfoo")["Body"].read() == b"fooz"
    s3.delete_object(Bucket=bucket, Key="testobjfoo", VersionId="null")
    check_versions(s3, bucket, "testobjfoo", [], [])


def test_a_suspended_write_replaces_the_null_version(s3, bucket):
    # test_versioning_obj_plain_null_version_overwrite_suspended
    s3.put_object(Bucket=bucket, Key="testobjbar", Body=b"foooz")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=bucket, Key="testobjbar", Body=b"zzz")
    assert s3.get_object(Bucket=bucket, Key="testobjbar")["Body"].read() == b"zzz"
    assert listed_versions(s3, bucket, "testobjbar") == ["null"]
    s3.delete_object(Bucket=bucket, Key="testobjbar", VersionId="null")
    check_versions(s3, bucket, "testobjbar", [], [])


def test_a_null_version_that_was_never_written(s3, versioned):
    # test_versioning_get_undefined_null_version (a versioned bucket's objects have ids)
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=versioned, Key="k", VersionId="null")
    assert error(exc) == (404, "NoSuchVersion")


def test_suspended_deletes_and_overwrites_keep_the_older_versions(s3, versioned):
    # test_versioning_obj_suspend_versions
    key = "testobj"
    ids, bodies = put_versions(s3, versioned, key, 5)
    s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Suspended"})
    for _ in range(2):
        # A delete puts a null marker in front; the versions with ids stay.
        deleted = s3.delete_object(Bucket=versioned, Key=key)
        assert (deleted["DeleteMarker"], deleted["VersionId"]) == (True, "null")
        listed = s3.list_object_versions(Bucket=versioned)
        assert [m["VersionId"] for m in listed["DeleteMarkers"]] == ["null"]
        assert listed_versions(s3, versioned, key) == ids[::-1]
    for body in (b"null content 1", b"null content 2"):
        # A write replaces whatever has the null id, marker or object.
        s3.put_object(Bucket=versioned, Key=key, Body=body)
        assert s3.get_object(Bucket=versioned, Key=key)["Body"].read() == body
        assert "DeleteMarkers" not in s3.list_object_versions(Bucket=versioned)
        assert listed_versions(s3, versioned, key) == ["null"] + ids[::-1]
    ids, bodies = ids + ["null"], bodies + [b"null content 2"]
    while ids:
        s3.delete_object(Bucket=versioned, Key=key, VersionId=ids.pop(0))
        bodies.pop(0)
        check_versions(s3, versioned, key, ids, bodies)


# ------------------------------------------------------------------ overwrites

def test_multipart_overwrites_make_versions(s3, versioned):
    # test_versioning_obj_create_overwrite_multipart
    ids, bodies = [], []
    for n in range(3):
        body = bytes([65 + n]) * (5 * 1024 * 1024)
        upload = s3.create_multipart_upload(Bucket=versioned, Key="testobj")["UploadId"]
        etag = s3.upload_part(Bucket=versioned, Key="testobj", UploadId=upload, PartNumber=1,
                              Body=body)["ETag"]
        done = s3.complete_multipart_upload(
            Bucket=versioned, Key="testobj", UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
        ids.append(done["VersionId"])
        bodies.append(body)
    check_versions(s3, versioned, "testobj", ids, bodies)


def test_concurrent_writes_and_removals(s3, versioned):
    # test_versioned_concurrent_object_create_concurrent_remove and _create_and_remove
    key = "myobj"
    with ThreadPoolExecutor(5) as pool:
        for _ in range(3):
            made = list(pool.map(lambda n: s3.put_object(Bucket=versioned, Key=key,
                                                         Body=b"x" * n)["VersionId"],
                                 range(5)))
            assert sorted(listed_versions(s3, versioned, key)) == sorted(made)
            list(pool.map(lambda v: s3.delete_object(Bucket=versioned, Key=key, VersionId=v),
                          made))
            assert "Versions" not in s3.list_object_versions(Bucket=versioned)


# ------------------------------------------------------------------ version ids in answers

@pytest.mark.parametrize("status, has_id", [("Enabled", True), ("Suspended", False),
                                             (None, False)])
def test_writes_answer_a_version_id_when_versioning_is_enabled(s3, bucket, status, has_id):
    # test_versioning_bucket_atomic_upload_return_version_id and
    # _multipart_upload_return_version_id
    if status:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})
    put = s3.put_object(Bucket=bucket, Key="bar", Body=b"x")
    assert ("VersionId" in put) is has_id
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1,
                          Body=b"x")["ETag"]
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert ("VersionId" in done) is has_id
    versions = {v["Key"]: v["VersionId"] for v in
                s3.list_object_versions(Bucket=bucket)["Versions"]}
    assert versions == {"bar": put.get("VersionId", "null"),
                        "mp": done.get("VersionId", "null")}
    for key in versions:
        s3.delete_object(Bucket=bucket, Key=key, VersionId=versions[key])


# ------------------------------------------------------------------ listing and copies

def test_versions_are_listed_by_key_then_newest_first(s3, versioned):
    # test_versioning_obj_list_marker
    first, _ = put_versions(s3, versioned, "testobj", 5)
    second, _ = put_versions(s3, versioned, "testobj-1", 5)
    listed = s3.list_object_versions(Bucket=versioned)["Versions"]
    assert [(v["Key"], v["VersionId"]) for v in listed] == (
        [("testobj", v) for v in first[::-1]] + [("testobj-1", v) for v in second[::-1]])
    assert [v["IsLatest"] for v in listed] == [True, False, False, False, False] * 2
    # Pages of two, following the markers, give the same list.
    paged, params = [], {}
    while True:
        page = s3.list_object_versions(Bucket=versioned, MaxKeys=2, **params)
        paged += [(v["Key"], v["VersionId"]) for v in page["Versions"]]
        if not page["IsTruncated"]:
            break
        params = {"KeyMarker": page["NextKeyMarker"],
                  "VersionIdMarker": page["NextVersionIdMarker"]}
    assert paged == [(v["Key"], v["VersionId"]) for v in listed]


def test_each_version_can_be_copied(s3, versioned):
    # test_versioning_copy_obj_version
    ids, bodies = put_versions(s3, versioned, "testobj", 3)
    other = f"{versioned}-2"
    s3.create_bucket(Bucket=other)
    try:
        for version, body in zip(ids, bodies):
            s3.copy_object(Bucket=versioned, Key=f"copy-{version}",
                           CopySource={"Bucket": versioned, "Key": "testobj",
                                       "VersionId": version})
            assert s3.get_object(Bucket=versioned,
                                 Key=f"copy-{version}")["Body"].read() == body
        s3.copy_object(Bucket=other, Key="new_key",
                       CopySource={"Bucket": versioned, "Key": "testobj", "VersionId": ids[0]})
        assert s3.get_object(Bucket=other, Key="new_key")["Body"].read() == bodies[0]
        s3.copy_object(Bucket=other, Key="new_key",
                       CopySource={"Bucket": versioned, "Key": "testobj"})
        assert s3.get_object(Bucket=other, Key="new_key")["Body"].read() == bodies[-1]
    finally:
        s3.delete_object(Bucket=other, Key="new_key")
        s3.delete_bucket(Bucket=other)


# ------------------------------------------------------------------ multi-object deletes

def test_a_multi_delete_of_versions_may_be_repeated(s3, versioned):
    # test_versioning_multi_object_delete
    ids, _ = put_versions(s3, versioned, "key", 2)
    for _ in range(2):
        # The second time the versions are gone, and deleting them is still a success.
        result = s3.delete_objects(Bucket=versioned, Delete={"Objects": [
            {"Key": "key", "VersionId": v} for v in ids]})
        assert sorted(d["VersionId"] for d in result["Deleted"]) == sorted(ids)
        assert "Errors" not in result
        assert "Versions" not in s3.list_object_versions(Bucket=versioned)


def test_a_multi_delete_of_versions_and_a_marker(s3, versioned):
    # test_versioning_multi_object_delete_with_marker
    ids, _ = put_versions(s3, versioned, "key", 2)
    marker = s3.delete_object(Bucket=versioned, Key="key")["VersionId"]
    for attempt in range(2):
        result = s3.delete_objects(Bucket=versioned, Delete={"Objects": [
            {"Key": "key", "VersionId": v} for v in ids + [marker]]})
        deleted = {d["VersionId"]: d for d in result["Deleted"]}
        assert sorted(deleted) == sorted(ids + [marker])
        if attempt == 0:          # the second time there is no marker left to name
            assert (deleted[marker]["DeleteMarker"],
                    deleted[marker]["DeleteMarkerVersionId"]) == (True, marker)
        listed = s3.list_object_versions(Bucket=versioned)
        assert "Versions" not in listed and "DeleteMarkers" not in listed


def test_a_multi_delete_of_a_missing_key_makes_a_marker(s3, versioned):
    # test_versioning_multi_object_delete_with_marker_create
    result = s3.delete_objects(Bucket=versioned, Delete={"Objects": [{"Key": "key"}]})
    listed = s3.list_object_versions(Bucket=versioned)
    assert [m["Key"] for m in listed["DeleteMarkers"]] == ["key"]
    assert result["Deleted"] == [{"Key": "key", "DeleteMarker": True,
                                  "DeleteMarkerVersionId": listed["DeleteMarkers"][0][
                                      "VersionId"]}]


def test_an_acl_put_without_a_version_is_the_newest_ones(s3, versioned):
    # test_versioned_object_acl and _acl_no_version_specified
    from tests.s3.test_access import ALL_USERS, acls_enabled
    acls_enabled(s3, versioned)
    ids, _ = put_versions(s3, versioned, "xyz", 3)
    s3.put_object_acl(Bucket=versioned, Key="xyz", ACL="public-read")
    s3.put_object_acl(Bucket=versioned, Key="xyz", VersionId=ids[0], ACL="public-read-write")

    def everyone(version: str) -> list[str]:
        grants = s3.get_object_acl(Bucket=versioned, Key="xyz", VersionId=version)["Grants"]
        return sorted(g["Permission"] for g in grants if g["Grantee"].get("URI") == ALL_USERS)

    assert everyone(ids[2]) == ["READ"]
    assert everyone(ids[1]) == []
    assert everyone(ids[0]) == ["READ", "WRITE"]


def test_concurrent_multi_deletes_of_the_same_versions(s3, versioned):
    # test_versioning_concurrent_multi_object_delete
    named = [{"Key": f"key{n}",
              "VersionId": s3.put_object(Bucket=versioned, Key=f"key{n}", Body=b"x")["VersionId"]}
             for n in range(5)]
    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(
            lambda _: s3.delete_objects(Bucket=versioned, Delete={"Objects": named}), range(5)))
    for result in results:
        assert len(result["Deleted"]) == 5 and "Errors" not in result
    assert "Versions" not in s3.list_object_versions(Bucket=versioned)
