"""Answers checked against S3's own, as recorded from AWS: one behaviour per test, each
asserting the status, code, message and extra error fields a boto3 user would see."""
from __future__ import annotations

import re
import time
import uuid
from typing import Any, Callable, Iterator

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

OWNER_ID = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"
TAGGING_HEADER = ("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL "
                  "query parameters without tag name duplicates.")


def refusal(call: Callable[..., Any], **params: Any) -> tuple[int, dict[str, Any]]:
    """(status, the Error members but Resource) of a call S3 must refuse."""
    with pytest.raises(ClientError) as exc:
        call(**params)
    found = {k: v for k, v in exc.value.response["Error"].items() if k != "Resource"}
    return exc.value.response["ResponseMetadata"]["HTTPStatusCode"], found


@pytest.fixture
def versioned(s3: Any, bucket: str) -> Iterator[str]:
    """A versioned bucket, every version and delete marker removed afterwards."""
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    yield bucket
    listing = s3.list_object_versions(Bucket=bucket)
    for entry in listing.get("Versions", []) + listing.get("DeleteMarkers", []):
        s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])


@pytest.fixture
def acl_bucket(s3: Any, bucket: str) -> str:
    """A bucket whose ACLs count (Object Ownership not enforced)."""
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    return bucket


@pytest.fixture
def dotted(s3: Any) -> Iterator[str]:
    name = f"dotted.{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name)
    yield name
    s3.delete_bucket(Bucket=name)


# ------------------------------------------------------------------ buckets

def test_a_versioned_bucket_not_empty_says_to_delete_every_version(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    s3.delete_object(Bucket=versioned, Key="k")
    assert refusal(s3.delete_bucket, Bucket=versioned) == (409, {
        "Code": "BucketNotEmpty", "BucketName": versioned,
        "Message": "The bucket you tried to delete is not empty. You must delete all "
                   "versions in the bucket."})


def test_an_unversioned_bucket_not_empty_keeps_the_short_message(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert refusal(s3.delete_bucket, Bucket=bucket) == (409, {
        "Code": "BucketNotEmpty", "BucketName": bucket,
        "Message": "The bucket you tried to delete is not empty"})


def test_an_empty_versioning_configuration_is_refused(s3, bucket):
    assert refusal(s3.put_bucket_versioning, Bucket=bucket,
                   VersioningConfiguration={}) == (400, {
        "Code": "IllegalVersioningConfigurationException",
        "Message": "The Versioning element must be specified"})


@pytest.mark.parametrize("status", ["Enabled", "random"])
def test_acceleration_of_a_dotted_bucket_is_refused(s3, dotted, status):
    # The dot is named even before a Status S3 would not take (else MalformedXML).
    assert refusal(s3.put_bucket_accelerate_configuration, Bucket=dotted,
                   AccelerateConfiguration={"Status": status}) == (400, {
        "Code": "InvalidRequest",
        "Message": "S3 Transfer Acceleration is not supported for buckets with periods (.) "
                   "in their names"})


def test_an_unknown_object_ownership_names_the_header_only(s3):
    assert refusal(s3.create_bucket, Bucket=f"own-{uuid.uuid4().hex[:10]}",
                   ObjectOwnership="RandomValue") == (400, {
        "Code": "InvalidArgument", "ArgumentName": "x-amz-object-ownership",
        "Message": "Invalid x-amz-object-ownership header: RandomValue"})


# ------------------------------------------------------------------ tagging

def test_a_repeated_name_in_x_amz_tagging_names_the_header(s3, bucket):
    assert refusal(s3.put_object, Bucket=bucket, Key="k", Body=b"x",
                   Tagging="key1=val1&key1=val2") == (400, {
        "Code": "InvalidArgument", "Message": TAGGING_HEADER,
        "ArgumentName": "x-amz-tagging", "ArgumentValue": "key1=val1&key1=val2"})


def test_x_amz_tagging_that_is_no_query_string_names_the_header(s3, bucket):
    assert refusal(s3.put_object, Bucket=bucket, Key="k", Body=b"x",
                   Tagging="key1=val1,key2=val2") == (400, {
        "Code": "InvalidArgument", "Message": TAGGING_HEADER,
        "ArgumentName": "x-amz-tagging", "ArgumentValue": "key1=val1,key2=val2"})


def test_a_repeated_object_tag_key_is_named(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert refusal(s3.put_object_tagging, Bucket=bucket, Key="k", Tagging={"TagSet": [
        {"Key": "Key1", "Value": "a"}, {"Key": "Key1", "Value": "b"}]}) == (400, {
        "Code": "InvalidTag", "Message": "Cannot provide multiple Tags with the same key",
        "TagKey": "Key1"})


def test_an_aws_prefixed_object_tag_is_refused_in_the_objects_words(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert refusal(s3.put_object_tagging, Bucket=bucket, Key="k", Tagging={"TagSet": [
        {"Key": "aws:prefixed", "Value": "a"}]}) == (400, {
        "Code": "InvalidTag", "Message": "Your TagKey cannot be prefixed with aws:",
        "TagKey": "aws:prefixed"})


def test_an_aws_prefixed_bucket_tag_is_named(s3, bucket):
    assert refusal(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": [
        {"Key": "aws:prefixed", "Value": "a"}]}) == (400, {
        "Code": "InvalidTag", "Message": "System tags cannot be added/updated by requester",
        "TagKey": "aws:prefixed"})


@pytest.mark.parametrize("operation, method", [
    ("get_object_tagging", "GET"), ("put_object_tagging", "PUT"),
    ("delete_object_tagging", "DELETE")])
def test_tagging_a_delete_marker_by_id_names_the_method(s3, versioned, operation, method):
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    extra = {"Tagging": {"TagSet": []}} if method == "PUT" else {}
    assert refusal(getattr(s3, operation), Bucket=versioned, Key="k", VersionId=marker,
                   **extra) == (405, {
        "Code": "MethodNotAllowed", "Method": method, "ResourceType": "DeleteMarker",
        "Message": "The specified method is not allowed against this resource."})


@pytest.mark.parametrize("operation, method", [
    ("get_object_tagging", "GET"), ("put_object_tagging", "PUT"),
    ("delete_object_tagging", "DELETE")])
def test_tagging_a_key_whose_latest_version_is_a_delete_marker(s3, versioned, operation,
                                                                method):
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    s3.delete_object(Bucket=versioned, Key="k")
    extra = {"Tagging": {"TagSet": []}} if method == "PUT" else {}
    assert refusal(getattr(s3, operation), Bucket=versioned, Key="k", **extra) == (405, {
        "Code": "MethodNotAllowed", "Method": method, "ResourceType": "DeleteMarker",
        "Message": "The specified method is not allowed against this resource."})


def test_getting_a_delete_marker_by_id_says_delete_is_allowed(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=versioned, Key="k", VersionId=marker)
    headers = exc.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert exc.value.response["Error"]["Code"] == "MethodNotAllowed"
    assert (headers["allow"], headers["x-amz-delete-marker"], headers["x-amz-version-id"]) \
        == ("DELETE", "true", marker)


def test_an_acl_put_on_a_key_whose_latest_version_is_a_delete_marker(s3, versioned):
    s3.put_bucket_ownership_controls(Bucket=versioned, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    s3.delete_object(Bucket=versioned, Key="k")
    assert refusal(s3.put_object_acl, Bucket=versioned, Key="k", ACL="private") == (405, {
        "Code": "MethodNotAllowed", "Method": "PUT", "ResourceType": "DeleteMarker",
        "Message": "The specified method is not allowed against this resource."})
    assert refusal(s3.get_object_acl, Bucket=versioned, Key="k") == (404, {
        "Code": "NoSuchKey", "Key": "k", "Message": "The specified key does not exist."})


def test_tagging_the_current_version_answers_its_version_id(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"a")["VersionId"]
    current = s3.put_object(Bucket=versioned, Key="k", Body=b"b")["VersionId"]
    put = s3.put_object_tagging(Bucket=versioned, Key="k",
                                Tagging={"TagSet": [{"Key": "tag3", "Value": "tag3"}]})
    assert put["VersionId"] == current
    got = s3.get_object_tagging(Bucket=versioned, Key="k")
    assert (got["VersionId"], got["TagSet"]) == (current, [{"Key": "tag3", "Value": "tag3"}])
    named = s3.get_object_tagging(Bucket=versioned, Key="k", VersionId=first)
    assert (named["VersionId"], named["TagSet"]) == (first, [])


def test_tagging_an_unversioned_object_answers_no_version_id(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"a")
    put = s3.put_object_tagging(Bucket=bucket, Key="k",
                                Tagging={"TagSet": [{"Key": "t", "Value": "v"}]})
    assert "VersionId" not in put
    assert "VersionId" not in s3.get_object_tagging(Bucket=bucket, Key="k")


# ------------------------------------------------------------------ version ids

def altered(version_id: str) -> str:
    """A version id with its last characters changed, as a test recorded from S3 does."""
    return version_id[:-4] + ("WXYZ" if version_id.endswith("ABCD") else "ABCD")


def invalid_version(version_id: str) -> tuple[int, dict[str, str]]:
    return (400, {"Code": "InvalidArgument", "Message": "Invalid version id specified",
                  "ArgumentName": "versionId", "ArgumentValue": version_id})


@pytest.mark.parametrize("operation, extra", [
    ("get_object", {}), ("delete_object", {}), ("get_object_tagging", {}),
    ("put_object_tagging", {"Tagging": {"TagSet": [{"Key": "a", "Value": "b"}]}}),
    ("delete_object_tagging", {}), ("get_object_acl", {}),
    ("get_object_attributes", {"ObjectAttributes": ["ETag"]})])
def test_an_altered_version_id_is_invalid_in_a_versioned_bucket(s3, versioned, operation,
                                                                extra):
    version = s3.put_object(Bucket=versioned, Key="k", Body=b"x")["VersionId"]
    bad = altered(version)
    assert refusal(getattr(s3, operation), Bucket=versioned, Key="k", VersionId=bad,
                   **extra) == invalid_version(bad)
    assert s3.get_object(Bucket=versioned, Key="k", VersionId=version)["Body"].read() == b"x"


def test_an_altered_version_id_is_a_bad_head_and_copy_source(s3, versioned):
    version = s3.put_object(Bucket=versioned, Key="k", Body=b"x")["VersionId"]
    bad = altered(version)
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=versioned, Key="k", VersionId=bad)
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert refusal(s3.copy_object, Bucket=versioned, Key="copy", CopySource={
        "Bucket": versioned, "Key": "k", "VersionId": bad}) == invalid_version(bad)


def test_a_deleted_version_is_no_such_version_and_deletes_again(s3, versioned):
    version = s3.put_object(Bucket=versioned, Key="k", Body=b"x")["VersionId"]
    s3.delete_object(Bucket=versioned, Key="k", VersionId=version)
    assert refusal(s3.get_object, Bucket=versioned, Key="k", VersionId=version) == (404, {
        "Code": "NoSuchVersion", "Message": "The specified version does not exist.",
        "Key": "k", "VersionId": version})
    again = s3.delete_object(Bucket=versioned, Key="k", VersionId=version)
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_objects_reports_an_id_never_made_as_no_such_version(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    made_up = "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD"
    result = s3.delete_objects(Bucket=versioned, Delete={"Objects": [
        {"Key": "k", "VersionId": made_up}, {"Key": "other", "VersionId": made_up}]})
    assert sorted(result["Errors"], key=lambda e: e["Key"]) == [
        {"Key": key, "VersionId": made_up, "Code": "NoSuchVersion",
         "Message": "The specified version does not exist."} for key in ("k", "other")]
    assert "Deleted" not in result
    assert s3.get_object(Bucket=versioned, Key="k")["Body"].read() == b"x"


# ------------------------------------------------------------------ websites

def test_a_website_redirecting_everything_by_an_unknown_protocol_is_refused(s3, bucket):
    assert refusal(s3.put_bucket_website, Bucket=bucket, WebsiteConfiguration={
        "RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "ftp"}}) == (400, {
        "Code": "InvalidRequest",
        "Message": "Invalid protocol, protocol can be http or https. If not defined the "
                   "protocol will be selected automatically."})


# ------------------------------------------------------------------ CORS

def test_a_preflight_to_a_bucket_without_cors_names_the_method_asked(endpoint, bucket):
    for asked, named in (({"Access-Control-Request-Method": "PUT"}, "PUT"), ({}, "OPTIONS")):
        response = httpx.options(f"{endpoint.url}/{bucket}",
                                 headers={"Origin": "http://example.com", **asked})
        assert response.status_code == 403
        assert "<Code>AccessForbidden</Code>" in response.text
        assert ("<Message>CORSResponse: CORS is not enabled for this bucket.</Message>"
                f"<Method>{named}</Method><ResourceType>BUCKET</ResourceType>") in response.text


def test_a_preflight_to_a_missing_bucket_is_forbidden(endpoint):
    response = httpx.options(f"{endpoint.url}/none-{uuid.uuid4().hex[:10]}",
                             headers={"Origin": "http://example.com"})
    assert response.status_code == 403
    assert ("<Code>AccessForbidden</Code><Message>CORSResponse: Bucket not found</Message>"
            "<Method>OPTIONS</Method><ResourceType>BUCKET</ResourceType>") in response.text


def test_an_actual_request_naming_headers_no_rule_allows_gets_no_cors_headers(endpoint, s3,
                                                                              bucket):
    # S3 matches an actual request carrying Access-Control-Request-Headers as a preflight:
    # the rule must allow those headers too, else the answer has no CORS headers.
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["https://localhost:4200"], "AllowedMethods": ["GET"],
        "MaxAgeSeconds": 3000, "AllowedHeaders": ["x-amz-expected-bucket-owner"]}]})
    s3.put_object(Bucket=bucket, Key="k", Body=b"test-cors")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    named = httpx.get(url, headers={"Origin": "https://localhost:4200",
                                    "Access-Control-Request-Headers": "x-amz-request-payer"})
    assert named.status_code == 200 and named.text == "test-cors"
    assert not [h for h in named.headers if h.startswith("access-control-") or h == "vary"]
    sent = httpx.get(url, headers={"Origin": "https://localhost:4200",
                                   "x-amz-request-payer": "requester"})
    assert sent.headers["access-control-allow-origin"] == "https://localhost:4200"
    assert sent.headers["access-control-allow-methods"] == "GET"


def test_a_preflight_to_a_bucket_no_rule_allows_names_the_bucket(endpoint, s3, bucket):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["http://*.origin.com"], "AllowedMethods": ["GET", "PUT"],
        "MaxAgeSeconds": 3000, "AllowedHeaders": ["*"]}]})
    partial = httpx.options(f"{endpoint.url}/{bucket}", headers={
        "Origin": "http://test.origin.com", "Access-Control-Request-Method": "GET"})
    assert partial.status_code == 200
    assert partial.headers["access-control-allow-origin"] == "http://test.origin.com"
    refused = httpx.options(f"{endpoint.url}/{bucket}", headers={
        "Origin": "http://test.origin.com/", "Access-Control-Request-Method": "GET"})
    assert refused.status_code == 403
    assert ("<Method>GET</Method><ResourceType>BUCKET</ResourceType>") in refused.text
    on_key = httpx.options(f"{endpoint.url}/{bucket}/k", headers={
        "Origin": "http://test.origin.com/", "Access-Control-Request-Method": "GET"})
    assert "<Method>GET</Method><ResourceType>OBJECT</ResourceType>" in on_key.text


# ------------------------------------------------------------------ Object Lock

@pytest.mark.parametrize("bypass", [True, False])
def test_bypass_governance_outside_object_lock_is_refused(s3, bucket, bypass):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    expected = (400, {
        "Code": "InvalidArgument", "ArgumentName": "x-amz-bypass-governance-retention",
        "Message": "x-amz-bypass-governance-retention is only applicable to Object Lock "
                   "enabled buckets."})
    assert refusal(s3.delete_object, Bucket=bucket, Key="k",
                   BypassGovernanceRetention=bypass) == expected
    assert refusal(s3.delete_objects, Bucket=bucket, Delete={"Objects": [{"Key": "k"}]},
                   BypassGovernanceRetention=bypass) == expected
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


# ------------------------------------------------------------------ multipart

@pytest.mark.parametrize("copy_range, answer", [
    ("bytes=0-100", {"Code": "InvalidArgument", "ArgumentName": "x-amz-copy-source-range",
                     "ArgumentValue": "bytes=0-100",
                     "Message": "Range specified is not valid for source object of size: 10"}),
    ("bytes=100-200", {"Code": "InvalidRequest", "Message": "The specified copy range is "
                       "invalid for the source object size"})])
def test_a_copy_range_past_the_source_is_refused(s3, bucket, copy_range, answer):
    s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    assert refusal(s3.upload_part_copy, Bucket=bucket, Key="mp", UploadId=upload,
                   PartNumber=1, CopySource={"Bucket": bucket, "Key": "src"},
                   CopySourceRange=copy_range) == (400, answer)


def _upload_of(s3: Any, bucket: str, key: str) -> tuple[str, dict[str, Any]]:
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=1,
                          Body=b"test")
    return upload, {"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}


def test_a_conditional_completion_after_a_write_during_the_upload_conflicts(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"test")
    upload, parts = _upload_of(s3, bucket, "k")
    time.sleep(0.01)
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"test")["ETag"]
    assert refusal(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                   MultipartUpload=parts, IfMatch=etag) == (409, {
        "Code": "ConditionalRequestConflict", "Condition": "If-Match", "Key": "k",
        "Message": "The conditional request cannot succeed due to a conflicting operation "
                   "against this resource."})
    upload, parts = _upload_of(s3, bucket, "k")
    done = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload,
                                        MultipartUpload=parts, IfMatch=etag)
    assert done["ETag"].endswith('-1"')


def test_a_delete_during_the_upload_conflicts_with_if_none_match(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"")
    upload, parts = _upload_of(s3, bucket, "k")
    assert refusal(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                   MultipartUpload=parts, IfNoneMatch="*")[1]["Code"] == "PreconditionFailed"
    s3.delete_object(Bucket=bucket, Key="k")
    # The key is free now, but it was deleted after the upload began.
    assert refusal(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                   MultipartUpload=parts, IfNoneMatch="*") == (409, {
        "Code": "ConditionalRequestConflict", "Condition": "If-None-Match", "Key": "k",
        "Message": "The conditional request cannot succeed due to a conflicting operation "
                   "against this resource."})
    with pytest.raises(ClientError):
        s3.get_object(Bucket=bucket, Key="k")
    upload, parts = _upload_of(s3, bucket, "k")
    done = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload,
                                        MultipartUpload=parts, IfNoneMatch="*")
    assert done["ETag"].endswith('-1"')


def test_a_delete_during_the_upload_leaves_if_match_no_key(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"test")["ETag"]
    upload, parts = _upload_of(s3, bucket, "k")
    s3.delete_object(Bucket=bucket, Key="k")
    assert refusal(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                   MultipartUpload=parts, IfMatch=etag) == (404, {
        "Code": "NoSuchKey", "Key": "k", "Message": "The specified key does not exist."})
    time.sleep(0.01)
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"test")["ETag"]
    assert refusal(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                   MultipartUpload=parts, IfMatch=etag)[:1] == (409,)


def test_a_failed_condition_on_completion_is_a_precondition_failure(s3, bucket):
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"test")["ETag"]
    upload, parts = _upload_of(s3, bucket, "k")
    time.sleep(0.01)
    s3.put_object(Bucket=bucket, Key="k", Body=b"test2")
    assert refusal(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                   MultipartUpload=parts, IfMatch=first) == (412, {
        "Code": "PreconditionFailed", "Condition": "If-Match",
        "Message": "At least one of the pre-conditions you specified did not hold"})


# ------------------------------------------------------------------ ACLs

def test_an_unknown_canned_acl_has_an_empty_message(s3, acl_bucket):
    assert refusal(s3.put_bucket_acl, Bucket=acl_bucket, ACL="fake-acl") == (400, {
        "Code": "InvalidArgument", "Message": None, "ArgumentName": "x-amz-acl",
        "ArgumentValue": "fake-acl"})


@pytest.mark.parametrize("grant, argument, value, message", [
    ('id="wrong-id"', "id", "wrong-id", "Invalid id"),
    ('uri="http://acs.amazonaws.com/groups/s3/FakeGroup"', "uri",
     "http://acs.amazonaws.com/groups/s3/FakeGroup", "Invalid group uri")])
def test_a_grant_header_naming_no_grantee_is_refused(s3, acl_bucket, grant, argument, value,
                                                     message):
    assert refusal(s3.put_bucket_acl, Bucket=acl_bucket, GrantRead=grant) == (400, {
        "Code": "InvalidArgument", "Message": message, "ArgumentName": argument,
        "ArgumentValue": value})


@pytest.mark.parametrize("grantee, argument, value, message", [
    ({"Type": "CanonicalUser", "ID": "wrong-id"}, "CanonicalUser/ID", "wrong-id",
     "Invalid id"),
    ({"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/FakeGroup"}, "Group/URI",
     "http://acs.amazonaws.com/groups/s3/FakeGroup", "Invalid group uri")])
def test_an_acl_document_naming_no_grantee_is_refused(s3, acl_bucket, grantee, argument,
                                                      value, message):
    policy = {"Owner": {"ID": OWNER_ID}, "Grants": [{"Grantee": grantee,
                                                     "Permission": "READ"}]}
    assert refusal(s3.put_bucket_acl, Bucket=acl_bucket,
                   AccessControlPolicy=policy) == (400, {
        "Code": "InvalidArgument", "Message": message, "ArgumentName": argument,
        "ArgumentValue": value})


def test_a_canned_acl_with_an_acl_document_is_unexpected_content(s3, acl_bucket):
    assert refusal(s3.put_bucket_acl, Bucket=acl_bucket, ACL="private",
                   AccessControlPolicy={"Owner": {"ID": OWNER_ID}, "Grants": []}) == (400, {
        "Code": "UnexpectedContent", "Message": "This request does not support content"})


LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
LOG_READ = {"Grantee": {"Type": "Group", "URI": LOG_DELIVERY}, "Permission": "READ"}
OWNERS = {"Grantee": {"Type": "CanonicalUser", "ID": OWNER_ID, "DisplayName": "webfile"},
          "Permission": "FULL_CONTROL"}


def test_a_bucket_acl_set_by_grant_headers_answers_only_those_grants(s3, acl_bucket):
    # A canned ACL brings the owner's FULL_CONTROL; grant headers bring what they name.
    s3.put_bucket_acl(Bucket=acl_bucket, ACL="private")
    assert s3.get_bucket_acl(Bucket=acl_bucket)["Grants"] == [OWNERS]
    s3.put_bucket_acl(Bucket=acl_bucket, GrantRead=f'uri="{LOG_DELIVERY}"')
    answer = s3.get_bucket_acl(Bucket=acl_bucket)
    assert answer["Grants"] == [LOG_READ]
    assert answer["Owner"]["ID"] == OWNER_ID
    s3.put_bucket_acl(Bucket=acl_bucket, AccessControlPolicy={
        "Owner": {"ID": OWNER_ID}, "Grants": [OWNERS, LOG_READ]})
    assert s3.get_bucket_acl(Bucket=acl_bucket)["Grants"] == [OWNERS, LOG_READ]


def test_an_object_acl_set_by_grant_headers_answers_only_those_grants(s3, acl_bucket):
    s3.put_object(Bucket=acl_bucket, Key="k", Body=b"x")
    assert s3.get_object_acl(Bucket=acl_bucket, Key="k")["Grants"] == [OWNERS]
    s3.put_object_acl(Bucket=acl_bucket, Key="k", GrantRead=f'uri="{LOG_DELIVERY}"')
    assert s3.get_object_acl(Bucket=acl_bucket, Key="k")["Grants"] == [LOG_READ]
    s3.put_object_acl(Bucket=acl_bucket, Key="k", ACL="private")
    assert s3.get_object_acl(Bucket=acl_bucket, Key="k")["Grants"] == [OWNERS]


def test_an_object_written_with_grant_headers_keeps_only_those_grants(s3, acl_bucket):
    s3.put_object(Bucket=acl_bucket, Key="k", Body=b"x", GrantRead=f'uri="{LOG_DELIVERY}"')
    assert s3.get_object_acl(Bucket=acl_bucket, Key="k")["Grants"] == [LOG_READ]
    upload = s3.create_multipart_upload(Bucket=acl_bucket, Key="m",
                                        GrantRead=f'uri="{LOG_DELIVERY}"')["UploadId"]
    part = s3.upload_part(Bucket=acl_bucket, Key="m", UploadId=upload, PartNumber=1, Body=b"x")
    s3.complete_multipart_upload(Bucket=acl_bucket, Key="m", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert s3.get_object_acl(Bucket=acl_bucket, Key="m")["Grants"] == [LOG_READ]


def test_an_acl_document_is_kept_as_given_without_the_owners_grant(s3, acl_bucket):
    # Ceph's s3-tests (run against AWS): test_bucket_acl_revoke_all puts a document of no
    # grants and reads back none; the body replaces the ACL, the owner's grant included.
    s3.put_object(Bucket=acl_bucket, Key="k", Body=b"x")
    s3.put_bucket_acl(Bucket=acl_bucket, AccessControlPolicy={
        "Owner": {"ID": OWNER_ID}, "Grants": []})
    assert s3.get_bucket_acl(Bucket=acl_bucket)["Grants"] == []
    s3.put_object_acl(Bucket=acl_bucket, Key="k", AccessControlPolicy={
        "Owner": {"ID": OWNER_ID}, "Grants": [LOG_READ]})
    assert s3.get_object_acl(Bucket=acl_bucket, Key="k")["Grants"] == [LOG_READ]
    # The owner keeps its rights whatever its ACL says.
    assert s3.get_object(Bucket=acl_bucket, Key="k")["Body"].read() == b"x"


def test_grant_headers_naming_the_owner_keep_the_owners_grant(s3, acl_bucket):
    s3.put_object(Bucket=acl_bucket, Key="k", Body=b"x", GrantFullControl=f'id="{OWNER_ID}"',
                  GrantRead=f'uri="{LOG_DELIVERY}"')
    assert s3.get_object_acl(Bucket=acl_bucket, Key="k")["Grants"] == [OWNERS, LOG_READ]


def test_a_bucket_created_with_grant_headers_answers_only_those_grants(s3):
    name = f"grants-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name, ObjectOwnership="ObjectWriter",
                     GrantRead=f'uri="{LOG_DELIVERY}"')
    try:
        assert s3.get_bucket_acl(Bucket=name)["Grants"] == [LOG_READ]
    finally:
        s3.delete_bucket(Bucket=name)


# ------------------------------------------------------------------ presigned URLs

def test_a_v2_presigned_url_without_its_signature_is_refused(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    response = httpx.get(re.sub(r"&Signature=[^&]+", "", url))
    assert response.status_code == 403
    assert "<Code>AccessDenied</Code>" in response.text
    assert ("<Message>Query-string authentication requires the Signature, Expires and "
            "AWSAccessKeyId parameters</Message>") in response.text


def test_a_v4_presigned_url_with_unsigned_amz_headers_is_refused(endpoint, bucket):
    v4 = boto3.client("s3", endpoint_url=endpoint.url, region_name="us-east-1",
                      aws_access_key_id="test", aws_secret_access_key="test",
                      config=Config(signature_version="s3v4"))
    v4.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    response = httpx.get(url, headers={"x-amz-expires": "200", "x-amz-meta-a": "b"})
    assert response.status_code == 403
    assert "<Code>AccessDenied</Code>" in response.text
    assert ("<Message>There were headers present in the request which were not signed"
            "</Message>") in response.text
    assert "<HeadersNotSigned>x-amz-expires, x-amz-meta-a</HeadersNotSigned>" in response.text
    assert httpx.get(url).content == b"x"


# ------------------------------------------------------------------ notifications

def lambda_notification(arn: str) -> dict[str, Any]:
    return {"LambdaFunctionConfigurations": [
        {"Id": "id123", "LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}]}


@pytest.mark.parametrize("skip", [False, True])
def test_a_function_arn_that_is_no_arn_is_refused_even_unvalidated(s3, bucket, skip):
    assert refusal(s3.put_bucket_notification_configuration, Bucket=bucket,
                   SkipDestinationValidation=skip,
                   NotificationConfiguration=lambda_notification("invalid-queue")) == (400, {
        "Code": "InvalidArgument", "Message": "The ARN could not be parsed",
        "ArgumentName": "CloudFunction", "ArgumentValue": "invalid-queue"})


def test_skipping_destination_validation_takes_a_function_s3_may_not_invoke(s3, bucket):
    arn = "arn:aws:lambda:us-east-1:111111111111:function:my-lambda"
    status, error = refusal(s3.put_bucket_notification_configuration, Bucket=bucket,
                            NotificationConfiguration=lambda_notification(arn))
    assert (status, error["Message"], error["ArgumentName1"]) == (
        400, "Unable to validate the following destination configurations", f"{arn}, id123")
    s3.put_bucket_notification_configuration(
        Bucket=bucket, SkipDestinationValidation=True,
        NotificationConfiguration=lambda_notification(arn))
    found = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert found["LambdaFunctionConfigurations"] == [
        {"Id": "id123", "LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}]


# ------------------------------------------------------------------ lifecycle


@pytest.mark.parametrize("method", ["head_object", "get_object"])
def test_a_read_naming_its_version_has_no_expiration(s3, versioned, method):
    s3.put_bucket_lifecycle_configuration(Bucket=versioned, LifecycleConfiguration={"Rules": [
        {"ID": "rule", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 7},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}]})
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"test")["VersionId"]
    current = s3.put_object(Bucket=versioned, Key="k", Body=b"test")["VersionId"]
    read = getattr(s3, method)
    for version in (first, current):          # noncurrent, and current named by its id
        assert "Expiration" not in read(Bucket=versioned, Key="k", VersionId=version)
    assert "Expiration" in read(Bucket=versioned, Key="k")
    s3.delete_bucket_lifecycle(Bucket=versioned)
