"""Object tags, multi-object deletes and multipart edges, from Ceph's s3-tests
(s3tests_boto3/functional/test_s3.py, run against AWS too)."""
from __future__ import annotations

from typing import Any

import pytest

from tests.s3.test_s3_tests_objects import refused


def tag_set(count: int, key_size: int = 8, value_size: int = 8) -> list[dict[str, str]]:
    return [{"Key": f"{i:0{key_size}d}", "Value": f"{i:0{value_size}d}"} for i in range(count)]


def tags_of(s3: Any, bucket: str, key: str) -> list[dict[str, str]]:
    return sorted(s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"],
                  key=lambda tag: tag["Key"])


# ------------------------------------------------------------------ tags

def test_ten_tags_at_most(s3, bucket):
    # test_put_max_tags and test_put_excess_tags
    s3.put_object(Bucket=bucket, Key="testputtags", Body=b"x")
    s3.put_object_tagging(Bucket=bucket, Key="testputtags", Tagging={"TagSet": tag_set(10)})
    assert tags_of(s3, bucket, "testputtags") == tag_set(10)
    s3.put_object(Bucket=bucket, Key="excess", Body=b"x")
    # s3-tests expects InvalidTag; AWS answers "BadRequest: Object tags cannot be greater
    # than 10" (quoted from AWS in hashicorp/terraform-provider-aws#41747 and #19895).
    assert refused(s3.put_object_tagging, Bucket=bucket, Key="excess",
                   Tagging={"TagSet": tag_set(11)}) == (400, "BadRequest")
    assert tags_of(s3, bucket, "excess") == []


@pytest.mark.parametrize("key_size, value_size, allowed", [
    (128, 256, True),     # test_put_max_kvsize_tags
    (129, 8, False),      # test_put_excess_key_tags
    (8, 257, False),      # test_put_excess_val_tags
])
def test_tag_keys_and_values_have_a_longest(s3, bucket, key_size, value_size, allowed):
    s3.put_object(Bucket=bucket, Key="testputtags", Body=b"x")
    tags = tag_set(10, key_size, value_size)
    if allowed:
        s3.put_object_tagging(Bucket=bucket, Key="testputtags", Tagging={"TagSet": tags})
        assert tags_of(s3, bucket, "testputtags") == tags
    else:
        assert refused(s3.put_object_tagging, Bucket=bucket, Key="testputtags",
                       Tagging={"TagSet": tags}) == (400, "InvalidTag")
        assert tags_of(s3, bucket, "testputtags") == []


def test_tags_are_replaced_and_deleted_whole(s3, bucket):
    # test_put_modify_tags and test_put_delete_tags
    s3.put_object(Bucket=bucket, Key="testputtags", Body=b"x")
    s3.put_object_tagging(Bucket=bucket, Key="testputtags", Tagging={"TagSet": [
        {"Key": "key", "Value": "val"}, {"Key": "key2", "Value": "val2"}]})
    s3.put_object_tagging(Bucket=bucket, Key="testputtags", Tagging={"TagSet": [
        {"Key": "key3", "Value": "val3"}]})
    assert tags_of(s3, bucket, "testputtags") == [{"Key": "key3", "Value": "val3"}]
    deleted = s3.delete_object_tagging(Bucket=bucket, Key="testputtags")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert tags_of(s3, bucket, "testputtags") == []


def test_tags_given_on_put_are_counted_by_head(s3, bucket):
    # test_put_obj_with_tags and test_get_obj_head_tagging
    s3.put_object(Bucket=bucket, Key="testtagobj1", Body=b"x", Tagging="foo=bar&bar")
    assert tags_of(s3, bucket, "testtagobj1") == [{"Key": "bar", "Value": ""},
                                                  {"Key": "foo", "Value": "bar"}]
    head = s3.head_object(Bucket=bucket, Key="testtagobj1")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-tagging-count"] == "2"
    assert s3.get_object(Bucket=bucket, Key="testtagobj1")["TagCount"] == 2


# ------------------------------------------------------------------ multi-object delete

@pytest.mark.parametrize("count, allowed", [(1000, True), (1001, False)])
def test_a_multi_object_delete_names_a_thousand_keys_at_most(s3, bucket, count, allowed):
    # test_multi_object_delete_key_limit and test_multi_objectv2_delete_key_limit
    objects = [{"Key": f"key-{i}"} for i in range(count)]
    if allowed:
        deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
        assert "Errors" not in deleted
    else:
        assert refused(s3.delete_objects, Bucket=bucket,
                       Delete={"Objects": objects}) == (400, "MalformedXML")


def test_a_quiet_multi_object_delete_lists_nothing_deleted(s3, bucket):
    # test_multi_object_delete (quiet form)
    for key in ("key0", "key1"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    deleted = s3.delete_objects(Bucket=bucket, Delete={
        "Objects": [{"Key": "key0"}, {"Key": "key1"}, {"Key": "never"}], "Quiet": True})
    assert "Deleted" not in deleted and "Errors" not in deleted
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


# ------------------------------------------------------------------ multipart edges

def test_a_completion_naming_no_parts_is_malformed(s3, bucket):
    # test_multipart_upload_empty
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mymultipart")["UploadId"]
    assert refused(s3.complete_multipart_upload, Bucket=bucket, Key="mymultipart",
                   UploadId=upload, MultipartUpload={"Parts": []}) == (400, "MalformedXML")


def test_a_completion_with_a_wrong_etag_or_a_missing_part_is_invalid(s3, bucket):
    # test_multipart_upload_incorrect_etag and _missing_part
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mymultipart")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="mymultipart", UploadId=upload, PartNumber=1, Body=b"\x00")
    for part in ({"ETag": '"ffffffffffffffffffffffffffffffff"', "PartNumber": 1},
                 {"ETag": '"93b885adfe0da089cdf634904fd59f71"', "PartNumber": 9999}):
        assert refused(s3.complete_multipart_upload, Bucket=bucket, Key="mymultipart",
                       UploadId=upload,
                       MultipartUpload={"Parts": [part]}) == (400, "InvalidPart")


def test_one_small_part_is_a_whole_upload(s3, bucket):
    # test_multipart_upload_small
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mymultipart")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="mymultipart", UploadId=upload, PartNumber=1,
                          Body=b"\x00")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="mymultipart", UploadId=upload,
                                 MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]})
    assert s3.head_object(Bucket=bucket, Key="mymultipart")["ContentLength"] == 1


def test_aborting_an_unknown_upload_is_no_such_upload(s3, bucket):
    # test_abort_multipart_upload_not_found
    s3.put_object(Bucket=bucket, Key="mymultipart", Body=b"x")
    assert refused(s3.abort_multipart_upload, Bucket=bucket, Key="mymultipart",
                   UploadId="56788") == (404, "NoSuchUpload")


@pytest.mark.parametrize("copy_range", [
    "bytes=-1", "bytes=0-", "bytes=hello-world", "bytes=0-bar", "bytes=hello-", "bytes=0-2,3-5",
])
def test_an_improper_copy_range_is_an_invalid_argument(s3, bucket, copy_range):
    # test_multipart_copy_improper_range
    s3.put_object(Bucket=bucket, Key="source", Body=b"x" * 5)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="dest")["UploadId"]
    assert refused(s3.upload_part_copy, Bucket=bucket, Key="dest", UploadId=upload,
                   PartNumber=1, CopySource={"Bucket": bucket, "Key": "source"},
                   CopySourceRange=copy_range) == (400, "InvalidArgument")


def test_a_part_copied_without_a_range_is_the_whole_source(s3, bucket):
    # test_multipart_copy_without_range
    s3.put_object(Bucket=bucket, Key="source", Body=b"0123456789")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mymultipartcopy")["UploadId"]
    part = s3.upload_part_copy(Bucket=bucket, Key="mymultipartcopy", UploadId=upload,
                               PartNumber=1, CopySource={"Bucket": bucket, "Key": "source"})
    s3.complete_multipart_upload(Bucket=bucket, Key="mymultipartcopy", UploadId=upload,
                                 MultipartUpload={"Parts": [
                                     {"ETag": part["CopyPartResult"]["ETag"], "PartNumber": 1}]})
    got = s3.get_object(Bucket=bucket, Key="mymultipartcopy")
    assert got["ContentLength"] == 10 and got["Body"].read() == b"0123456789"
