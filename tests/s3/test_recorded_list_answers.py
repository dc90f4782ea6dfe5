"""List operations checked against S3's own answers, as recorded from AWS: paging markers,
what each page echoes back, and the timestamps' spelling in the XML."""
from __future__ import annotations

import re
from typing import Any, Callable

import httpx
import pytest
from botocore.exceptions import ClientError

STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z")


def refusal(call: Callable[..., Any], **params: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(ClientError) as exc:
        call(**params)
    found = {k: v for k, v in exc.value.response["Error"].items() if k != "Resource"}
    return exc.value.response["ResponseMetadata"]["HTTPStatusCode"], found


def raw_xml(s3: Any, operation: str, **params: Any) -> str:
    return httpx.get(s3.generate_presigned_url(operation, Params=params)).text


def stamps(xml: str, tag: str) -> list[str]:
    return re.findall(f"<{tag}>(.*?)</{tag}>", xml)


# ------------------------------------------------------------------ timestamps

def test_listing_timestamps_are_whole_seconds_with_zero_milliseconds(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    for operation in ("list_objects", "list_objects_v2", "list_object_versions"):
        found = stamps(raw_xml(s3, operation, Bucket=bucket), "LastModified")
        assert found and all(STAMP.fullmatch(t) for t in found), (operation, found)


def test_upload_and_part_timestamps_are_whole_seconds_too(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"data")
    initiated = stamps(raw_xml(s3, "list_multipart_uploads", Bucket=bucket), "Initiated")
    parts = stamps(raw_xml(s3, "list_parts", Bucket=bucket, Key="k", UploadId=upload),
                   "LastModified")
    assert initiated and parts and all(STAMP.fullmatch(t) for t in initiated + parts)


# ------------------------------------------------------------------ ListObjectsV2

def test_a_continuation_token_drops_start_after_from_the_answer(s3, bucket):
    for i in range(4):
        s3.put_object(Bucket=bucket, Key=f"k{i}", Body=b"x")
    token = s3.list_objects_v2(Bucket=bucket, MaxKeys=1)["NextContinuationToken"]
    page = s3.list_objects_v2(Bucket=bucket, StartAfter="k2", ContinuationToken=token)
    assert "StartAfter" not in page
    assert [c["Key"] for c in page["Contents"]] == ["k1", "k2", "k3"]
    assert s3.list_objects_v2(Bucket=bucket, StartAfter="k2")["StartAfter"] == "k2"


def test_an_empty_continuation_token_names_the_argument_without_a_value(s3, bucket):
    assert refusal(s3.list_objects_v2, Bucket=bucket, ContinuationToken="") == (400, {
        "Code": "InvalidArgument", "Message": "The continuation token provided is incorrect",
        "ArgumentName": "continuation-token"})


# ------------------------------------------------------------------ ListParts

def test_list_parts_without_parts_says_next_marker_zero(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    page = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload)
    assert (page["PartNumberMarker"], page["NextPartNumberMarker"]) == (0, 0)
    s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"data")
    past = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload, PartNumberMarker=10)
    assert (past["PartNumberMarker"], past["NextPartNumberMarker"]) == (10, 0)
    assert "Parts" not in past


def test_list_parts_takes_empty_numbers_as_none(endpoint, s3, bucket):
    loose = endpoint.client(parameter_validation=False)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"data")
    for empty in ({"PartNumberMarker": ""}, {"MaxParts": ""}):
        page = loose.list_parts(Bucket=bucket, Key="k", UploadId=upload, **empty)
        assert (page["MaxParts"], page["PartNumberMarker"], page["NextPartNumberMarker"]) \
            == (1000, 0, 1)


# ------------------------------------------------------------------ ListMultipartUploads

@pytest.fixture
def uploads(s3: Any, bucket: str) -> dict[str, list[str]]:
    """test_c, test_b, then three uploads of test_a: each key's ids in the order begun."""
    ids: dict[str, list[str]] = {}
    for key, count in (("test_c", 1), ("test_b", 1), ("test_a", 3)):
        for _ in range(count):
            ids.setdefault(key, []).append(
                s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"])
    return ids


def listed(page: dict[str, Any]) -> list[tuple[str, str]]:
    return [(u["Key"], u["UploadId"]) for u in page.get("Uploads", [])]


def markers(page: dict[str, Any]) -> tuple[Any, ...]:
    return (page["KeyMarker"], page["UploadIdMarker"], page["NextKeyMarker"],
            page["NextUploadIdMarker"], page["IsTruncated"])


def test_uploads_next_markers_name_the_last_upload_even_on_a_last_page(s3, bucket, uploads):
    assert markers(s3.list_multipart_uploads(Bucket=bucket)) == (
        "", "", "test_c", uploads["test_c"][0], False)
    assert markers(s3.list_multipart_uploads(Bucket=bucket, KeyMarker="test_c")) == (
        "test_c", "", "", "", False)


def test_uploads_of_an_empty_bucket_have_empty_next_markers(s3, bucket):
    assert markers(s3.list_multipart_uploads(Bucket=bucket)) == ("", "", "", "", False)


def test_an_upload_id_marker_goes_on_after_that_upload_of_the_key(s3, bucket, uploads):
    a = uploads["test_a"]
    page = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=1, KeyMarker="test_a",
                                     UploadIdMarker=a[0])
    assert listed(page) == [("test_a", a[1])]
    assert markers(page) == ("test_a", a[0], "test_a", a[1], True)
    page = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=1, KeyMarker="test_a",
                                     UploadIdMarker=a[2])
    assert listed(page) == [("test_b", uploads["test_b"][0])]


def test_an_upload_id_marker_without_a_key_marker_is_ignored(s3, bucket, uploads):
    page = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=1,
                                     UploadIdMarker=uploads["test_a"][1])
    assert listed(page) == [("test_a", uploads["test_a"][0])]
    assert page["UploadIdMarker"] == ""


def test_an_upload_id_marker_of_another_key_is_refused(s3, bucket, uploads):
    wrong = uploads["test_b"][0]
    assert refusal(s3.list_multipart_uploads, Bucket=bucket, MaxUploads=1,
                   KeyMarker="test_c", UploadIdMarker=wrong) == (400, {
        "Code": "InvalidArgument", "Message": "Invalid uploadId marker",
        "ArgumentName": "upload-id-marker", "ArgumentValue": wrong})


def test_upload_common_prefixes_at_or_before_the_key_marker_are_skipped(s3, bucket):
    for key in ("folder/aSubfolder/subFile1", "folder/aSubfolder/subFile2", "folder/file1",
                "folder/file2"):
        s3.create_multipart_upload(Bucket=bucket, Key=key)
    first = s3.list_multipart_uploads(Bucket=bucket, Prefix="folder/", Delimiter="/",
                                      MaxUploads=1)
    assert first["CommonPrefixes"] == [{"Prefix": "folder/aSubfolder/"}]
    assert (first["NextKeyMarker"], first["IsTruncated"]) == ("", True)
    for marker in ("folder/aSubfolder/", "folder/aSubfolder/subFile1"):
        page = s3.list_multipart_uploads(Bucket=bucket, Prefix="folder/", Delimiter="/",
                                         MaxUploads=1, KeyMarker=marker)
        assert "CommonPrefixes" not in page
        assert [u["Key"] for u in page["Uploads"]] == ["folder/file1"]
        assert (page["NextKeyMarker"], page["IsTruncated"]) == ("folder/file1", True)
