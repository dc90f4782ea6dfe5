"""ListObjectVersions through boto3 and the AWS CLI."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.s3.test_cli import aws, aws_env  # noqa: F401  (the CLI fixtures)
from tests.s3.test_versioning import error, versioned  # noqa: F401  (a fixture)


def put_keys(s3, bucket, *keys):
    return [s3.put_object(Bucket=bucket, Key=key, Body=key.encode())["VersionId"]
            for key in keys]


def test_versions_and_markers_with_their_members(s3, versioned):
    a1, a2 = put_keys(s3, versioned, "a", "a")
    marker = s3.delete_object(Bucket=versioned, Key="a")["VersionId"]
    answer = s3.list_object_versions(Bucket=versioned)
    assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in answer["Versions"]] == [
        ("a", a2, False), ("a", a1, False)]
    [entry] = answer["DeleteMarkers"]
    assert (entry["Key"], entry["VersionId"], entry["IsLatest"]) == ("a", marker, True)
    assert set(entry) == {"Key", "VersionId", "IsLatest", "LastModified", "Owner"}
    version = answer["Versions"][0]
    assert version["Size"] == 1 and version["StorageClass"] == "STANDARD"
    assert version["ETag"].startswith('"') and version["Owner"]["ID"]
    assert answer["Name"] == versioned and answer["IsTruncated"] is False
    assert answer["MaxKeys"] == 1000


def test_prefix_delimiter_and_common_prefixes(s3, versioned):
    put_keys(s3, versioned, "photos/a", "photos/b", "photos/a", "readme", "zip/z")
    answer = s3.list_object_versions(Bucket=versioned, Delimiter="/")
    assert [p["Prefix"] for p in answer["CommonPrefixes"]] == ["photos/", "zip/"]
    assert [v["Key"] for v in answer["Versions"]] == ["readme"]
    answer = s3.list_object_versions(Bucket=versioned, Prefix="photos/")
    assert [v["Key"] for v in answer["Versions"]] == ["photos/a", "photos/a", "photos/b"]
    assert answer["Prefix"] == "photos/"


def test_pages_follow_the_next_markers(s3, versioned):
    put_keys(s3, versioned, "a", "a", "a", "b", "c")
    first = s3.list_object_versions(Bucket=versioned, MaxKeys=2)
    assert first["IsTruncated"] is True and len(first["Versions"]) == 2
    assert first["NextKeyMarker"] == "a"
    second = s3.list_object_versions(Bucket=versioned, MaxKeys=2,
                                     KeyMarker=first["NextKeyMarker"],
                                     VersionIdMarker=first["NextVersionIdMarker"])
    assert second["KeyMarker"] == "a"
    assert second["VersionIdMarker"] == first["NextVersionIdMarker"]
    assert [v["Key"] for v in second["Versions"]] == ["a", "b"]
    pages = s3.get_paginator("list_object_versions").paginate(
        Bucket=versioned, PaginationConfig={"PageSize": 2})
    assert [v["Key"] for page in pages for v in page["Versions"]] == ["a", "a", "a", "b", "c"]


def test_url_encoding_of_keys(s3, versioned):
    put_keys(s3, versioned, "a b+c")
    answer = s3.list_object_versions(Bucket=versioned, EncodingType="url")
    assert answer["Versions"][0]["Key"] == "a+b%2Bc"      # asked for: left encoded
    assert answer["EncodingType"] == "url"
    # Asked for by botocore itself, which decodes what it asked for.
    assert s3.list_object_versions(Bucket=versioned)["Versions"][0]["Key"] == "a b+c"


def test_a_bucket_never_versioned_lists_null_versions(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    [version] = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert (version["VersionId"], version["IsLatest"]) == ("null", True)


@pytest.mark.parametrize("params, argument", [
    ({"VersionIdMarker": "null"}, "version-id-marker"),
    ({"KeyMarker": "a", "VersionIdMarker": "not a version"}, "version-id-marker"),
    ({"EncodingType": "base64"}, "encoding-type"),
])
def test_bad_list_arguments(s3, versioned, params, argument):
    with pytest.raises(ClientError) as exc:
        s3.list_object_versions(Bucket=versioned, **params)
    assert error(exc) == (400, "InvalidArgument")
    assert exc.value.response["Error"]["ArgumentName"] == argument


def test_listing_a_missing_bucket(s3):
    with pytest.raises(ClientError) as exc:
        s3.list_object_versions(Bucket="no-such-bucket-for-versions")
    assert error(exc) == (404, "NoSuchBucket")


def test_the_cli_turns_versioning_on_and_lists_versions(aws, s3, bucket):
    aws("s3api", "put-bucket-versioning", "--bucket", bucket,
        "--versioning-configuration", "Status=Enabled")
    status = json.loads(aws("s3api", "get-bucket-versioning", "--bucket", bucket,
                            "--output", "json").stdout)
    assert status == {"Status": "Enabled"}
    ids = put_keys(s3, bucket, "k", "k")
    listed = json.loads(aws("s3api", "list-object-versions", "--bucket", bucket,
                            "--output", "json").stdout)
    assert [v["VersionId"] for v in listed["Versions"]] == ids[::-1]
    for version_id in ids:
        aws("s3api", "delete-object", "--bucket", bucket, "--key", "k",
            "--version-id", version_id)
    done = aws("s3api", "put-bucket-versioning", "--bucket", bucket,
               "--versioning-configuration", "Status=Sometimes", check=False)
    assert done.returncode != 0 and b"MalformedXML" in done.stderr
