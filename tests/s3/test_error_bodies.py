"""Error bodies S3 sends for bad requests, as recorded from real S3: code, message, members."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError


def error_of(call: Callable[[], Any]) -> tuple[int, dict[str, Any]]:
    with pytest.raises(ClientError) as exc:
        call()
    error = {k: v for k, v in exc.value.response["Error"].items()
             if k not in ("Resource", "RequestId", "HostId")}
    return exc.value.response["ResponseMetadata"]["HTTPStatusCode"], error


def test_complete_without_a_body_asks_for_a_part(s3: Any, bucket: str) -> None:
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"data")
    assert error_of(lambda: s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=upload)) == (
        400, {"Code": "InvalidRequest", "Message": "You must specify at least one part"})


def test_complete_with_a_small_part_is_entity_too_small(s3: Any, bucket: str) -> None:
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    parts = [{"PartNumber": n, "ETag": s3.upload_part(Bucket=bucket, Key="k", UploadId=upload,
                                                       PartNumber=n, Body=b"data")["ETag"]}
             for n in (1, 2)]
    status, error = error_of(lambda: s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=upload, MultipartUpload={"Parts": parts}))
    assert (status, error) == (400, {
        "Code": "EntityTooSmall",
        "Message": "Your proposed upload is smaller than the minimum allowed size",
        "ProposedSize": "4", "MinSizeAllowed": "5242880", "PartNumber": "1",
        "ETag": "8d777f385d3dfec8815d20f7496026dc"})


@pytest.mark.parametrize("config, expected", [
    ({"IndexDocument": {"Suffix": "index.html"}, "RedirectAllRequestsTo": {"HostName": "a.com"}},
     {"Code": "InvalidArgument",
      "Message": "RedirectAllRequestsTo cannot be provided in conjunction with other Routing "
                 "Rules.",
      "ArgumentName": "RedirectAllRequestsTo", "ArgumentValue": "not null"}),
    ({"ErrorDocument": {"Key": "error.html"}},
     {"Code": "InvalidArgument",
      "Message": "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo "
                 "is empty",
      "ArgumentName": "IndexDocument", "ArgumentValue": "null"}),
    ({"IndexDocument": {"Suffix": "index.html"},
      "RoutingRules": [{"Redirect": {"Protocol": "ftp"}}]},
     {"Code": "InvalidRequest",
      "Message": "Invalid protocol, protocol can be http or https. If not defined the protocol "
                 "will be selected automatically."}),
    ({"IndexDocument": {"Suffix": "index.html"},
      "RoutingRules": [{"Condition": {}, "Redirect": {"ReplaceKeyWith": "a"}}]},
     {"Code": "InvalidRequest",
      "Message": "Condition cannot be empty. To redirect all requests without a condition, the "
                 "condition element shouldn't be present."}),
], ids=["redirect-all-and-index", "no-index", "protocol", "empty-condition"])
def test_bad_website_configurations(s3: Any, bucket: str, config: dict[str, Any],
                                    expected: dict[str, Any]) -> None:
    assert error_of(lambda: s3.put_bucket_website(
        Bucket=bucket, WebsiteConfiguration=config)) == (400, expected)


def test_lifecycle_date_not_at_midnight_names_the_date(s3: Any, bucket: str) -> None:
    rule = {"ID": "r", "Status": "Enabled", "Filter": {},
            "Expiration": {"Date": datetime(2030, 1, 1, 12, tzinfo=timezone.utc)}}
    assert error_of(lambda: s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})) == (400, {
            "Code": "InvalidArgument", "Message": "'Date' must be at midnight GMT",
            "ArgumentName": "Date", "ArgumentValue": "2030-01-01T12:00:00Z"})


def test_lifecycle_transition_date_not_at_midnight_names_the_date(s3: Any, bucket: str) -> None:
    rule = {"ID": "r", "Status": "Enabled", "Filter": {},
            "Transitions": [{"Date": datetime(2030, 1, 1, 12, tzinfo=timezone.utc),
                             "StorageClass": "GLACIER"}]}
    assert error_of(lambda: s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})) == (400, {
            "Code": "InvalidArgument", "Message": "'Date' must be at midnight GMT",
            "ArgumentName": "Date", "ArgumentValue": "2030-01-01T12:00:00Z"})


def test_lifecycle_filter_with_duplicate_tag_keys(s3: Any, bucket: str) -> None:
    tags = [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]
    rule = {"ID": "r", "Status": "Enabled", "Filter": {"And": {"Tags": tags}},
            "Expiration": {"Days": 7}}
    assert error_of(lambda: s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})) == (400, {
            "Code": "InvalidRequest", "Message": "Duplicate Tag Keys are not allowed."})


@pytest.mark.parametrize("storage_class", ["OUTPOSTS", "EXPRESS_ONEZONE"])
def test_a_storage_class_of_another_kind_of_bucket_is_refused(s3, bucket, storage_class):
    s3.put_object(Bucket=bucket, Key="src", Body=b"v")
    for call in (lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"v",
                                       StorageClass=storage_class),
                 lambda: s3.create_multipart_upload(Bucket=bucket, Key="k",
                                                    StorageClass=storage_class),
                 lambda: s3.copy_object(Bucket=bucket, Key="copy", StorageClass=storage_class,
                                        CopySource={"Bucket": bucket, "Key": "src"})):
        with pytest.raises(ClientError) as exc:
            call()
        error = exc.value.response["Error"]
        assert error["Code"] == "InvalidStorageClass"
        assert error["Message"] == "The storage class you specified is not valid"
        assert error["StorageClassRequested"] == storage_class
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["src"]
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
