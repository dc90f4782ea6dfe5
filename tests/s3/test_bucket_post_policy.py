"""Presigned POST: policy documents S3 cannot read, and the form fields it takes from the
form (tagging), sent as a browser sends them."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest

SECRET = b"test"                      # the conftest's clients' credentials


def expiration(seconds: int = 3600) -> str:
    when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def post(endpoint, bucket: str, document: dict[str, Any], **fields: str) -> httpx.Response:
    """A form signed with Signature Version 2 (boto3's default in us-east-1)."""
    policy = base64.b64encode(json.dumps(document).encode()).decode()
    signature = base64.b64encode(hmac.new(SECRET, policy.encode(), hashlib.sha1).digest())
    form = {"key": "up.txt", "AWSAccessKeyId": "test",
            "policy": policy, "signature": signature.decode(), **fields}
    return httpx.post(f"{endpoint.url}/{bucket}", data=form, files={"file": ("f", b"data")})


def conditions(bucket: str, *more: Any) -> list[Any]:
    return [{"bucket": bucket}, ["starts-with", "$key", "up"], *more]


def error(response: httpx.Response) -> tuple[int, str, str]:
    body = ElementTree.fromstring(response.content)
    return response.status_code, body.findtext("Code") or "", body.findtext("Message") or ""


def test_a_policy_that_signs_and_passes(endpoint, s3, bucket):
    response = post(endpoint, bucket, {"expiration": expiration(),
                                       "conditions": conditions(bucket)})
    assert response.status_code == 204
    assert s3.get_object(Bucket=bucket, Key="up.txt")["Body"].read() == b"data"


@pytest.mark.parametrize("value", ["2030-01-01 12:00:00+00:00", "2030-01-01T12:00:00",
                                   "2030-01-01T12:00:00+01:00", "tomorrow"])
def test_an_expiration_not_in_utc_iso_8601(endpoint, s3, bucket, value):
    response = post(endpoint, bucket, {"expiration": value, "conditions": conditions(bucket)})
    assert error(response) == (400, "InvalidPolicyDocument",
                               f"Invalid Policy: Invalid 'expiration' value: '{value}'")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_an_expiration_with_milliseconds(endpoint, bucket):
    when = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z")
    response = post(endpoint, bucket, {"expiration": when, "conditions": conditions(bucket)})
    assert response.status_code == 204


@pytest.mark.parametrize("document, message", [
    ({"expiration": "X"}, None),                       # expiration checked first
    ({}, "Invalid Policy: Policy missing expiration."),
    ({"expiration": expiration()}, "Invalid Policy: Policy missing conditions."),
    ({"expiration": expiration(), "CONDITIONS": []},
     "Invalid Policy: Policy missing conditions."),
    ({"expiration": expiration(), "conditions": {"bucket": "b"}},
     "Invalid Policy: Invalid 'conditions' value: must be a List."),
])
def test_a_policy_missing_its_members(endpoint, bucket, document, message):
    status, code, text = error(post(endpoint, bucket, document))
    assert (status, code) == (400, "InvalidPolicyDocument")
    if message is not None:
        assert text == message


@pytest.mark.parametrize("condition, message", [
    ({}, "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one "
         "property specified."),
    ({"acl": "private", "key": "up.txt"}, "Invalid Policy: Invalid Simple-Condition: "
                                          "Simple-Conditions must have exactly one property "
                                          "specified."),
    ({"success_action_status": 201}, "Invalid Policy: Invalid Simple-Condition: value must "
                                     "be a string."),
    (["content-length-range", 0], "Invalid Policy: Invalid content-length-range: wrong "
                                  "number of arguments."),
    (["starts-with", "$key"], "Invalid Policy: Invalid starts-with: wrong number of "
                              "arguments."),
    (["eq", "$key", "up.txt", "extra"], "Invalid Policy: Invalid Eq: wrong number of "
                                        "arguments."),
    (["unknown-op", "$key", "up"], "Invalid Policy: Invalid Condition: unknown operation "
                                   "'unknown-op'."),
    ([], "Invalid Policy: Invalid Condition: missing operation identifier."),
    ("just a string", "Invalid Policy: Invalid condition test: must be a List or Object."),
])
def test_a_condition_s3_cannot_read(endpoint, s3, bucket, condition, message):
    response = post(endpoint, bucket, {"expiration": expiration(),
                                       "conditions": conditions(bucket, condition)})
    assert error(response) == (400, "InvalidPolicyDocument", message)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_a_signature_version_2_form_without_its_signature(endpoint, bucket):
    document = {"expiration": expiration(), "conditions": conditions(bucket)}
    policy = base64.b64encode(json.dumps(document).encode()).decode()
    response = httpx.post(f"{endpoint.url}/{bucket}", files={"file": ("f", b"x")}, data={
        "key": "up.txt", "AWSAccessKeyId": "test", "policy": policy})
    status, code, message = error(response)
    assert (status, code) == (400, "InvalidArgument")
    assert message.startswith("Bucket POST must contain a field named 'Signature'.")


def test_an_expired_policy_is_still_access_denied(endpoint, bucket):
    response = post(endpoint, bucket, {"expiration": expiration(-60),
                                       "conditions": conditions(bucket)})
    assert error(response) == (403, "AccessDenied",
                               "Invalid according to Policy: Policy expired.")


def test_the_tagging_field_tags_the_object(endpoint, s3, bucket):
    tagging = ("<Tagging><TagSet><Tag><Key>team</Key><Value>web</Value></Tag>"
               "<Tag><Key>env</Key><Value>dev</Value></Tag></TagSet></Tagging>")
    response = post(endpoint, bucket, {"expiration": expiration(), "conditions": conditions(
        bucket, ["starts-with", "$tagging", ""])}, tagging=tagging)
    assert response.status_code == 204
    assert s3.get_object_tagging(Bucket=bucket, Key="up.txt")["TagSet"] == [
        {"Key": "team", "Value": "web"}, {"Key": "env", "Value": "dev"}]


def test_a_tagging_field_that_is_not_xml(endpoint, s3, bucket):
    response = post(endpoint, bucket, {"expiration": expiration(), "conditions": conditions(
        bucket, ["starts-with", "$tagging", ""])}, tagging="team=web")
    assert error(response)[:2] == (400, "MalformedXML")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_a_form_asks_for_server_side_encryption_as_a_put_does(endpoint, s3, bucket):
    key = base64.b64encode(b"k" * 32).decode()
    key_md5 = base64.b64encode(hashlib.md5(b"k" * 32).digest()).decode()
    sse_c = {"x-amz-server-side-encryption-customer-algorithm": "AES256",
             "x-amz-server-side-encryption-customer-key": key,
             "x-amz-server-side-encryption-customer-key-MD5": key_md5}
    response = post(endpoint, bucket, {"expiration": expiration(), "conditions": conditions(
        bucket, *[{name: value} for name, value in sse_c.items()])}, **sse_c)
    assert response.status_code == 204
    assert response.headers["x-amz-server-side-encryption-customer-key-MD5"] == key_md5
    got = s3.get_object(Bucket=bucket, Key="up.txt", SSECustomerAlgorithm="AES256",
                        SSECustomerKey=b"k" * 32)
    assert got["Body"].read() == b"data"
    kms = {"x-amz-server-side-encryption": "aws:kms"}
    response = post(endpoint, bucket, {"expiration": expiration(),
                                       "conditions": conditions(bucket, kms)}, **kms)
    assert response.headers["x-amz-server-side-encryption"] == "aws:kms"
    assert s3.head_object(Bucket=bucket, Key="up.txt")["SSEKMSKeyId"].startswith("arn:aws:kms:")


def open_for_writing(s3, bucket: str) -> None:
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/drop/*"}]}))


def test_an_unsigned_form_uploads_where_anyone_may_write(endpoint, s3, bucket):
    open_for_writing(s3, bucket)
    response = httpx.post(f"{endpoint.url}/{bucket}",
                          data={"key": "drop/${filename}", "Content-Type": "text/plain",
                                "success_action_status": "201"},
                          files={"file": ("note.txt", b"hello")})
    assert response.status_code == 201
    assert ElementTree.fromstring(response.content).findtext("Key") == "drop/note.txt"
    stored = s3.get_object(Bucket=bucket, Key="drop/note.txt")
    assert (stored["Body"].read(), stored["ContentType"]) == (b"hello", "text/plain")


def test_an_unsigned_form_is_denied_where_the_policy_does_not_reach(endpoint, s3, bucket):
    open_for_writing(s3, bucket)
    response = httpx.post(f"{endpoint.url}/{bucket}", data={"key": "elsewhere"},
                          files={"file": ("f", b"x")})
    assert error(response)[:2] == (403, "AccessDenied")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_an_unsigned_form_to_a_private_bucket_is_denied(endpoint, s3, bucket):
    response = httpx.post(f"{endpoint.url}/{bucket}", data={"key": "drop/x"},
                          files={"file": ("f", b"x")})
    assert error(response)[:2] == (403, "AccessDenied")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_a_form_names_the_storage_class_and_website_redirect(endpoint, s3, bucket):
    fields = {"x-amz-storage-class": "STANDARD_IA", "x-amz-website-redirect-location": "/to"}
    response = post(endpoint, bucket, {"expiration": expiration(), "conditions": conditions(
        bucket, *({name: value} for name, value in fields.items()))}, **fields)
    assert response.status_code == 204, response.text
    head = s3.head_object(Bucket=bucket, Key="up.txt")
    assert (head["StorageClass"], head["WebsiteRedirectLocation"]) == ("STANDARD_IA", "/to")
    fields["x-amz-storage-class"] = "FOO"
    response = post(endpoint, bucket, {"expiration": expiration(), "conditions": conditions(
        bucket, *({name: value} for name, value in fields.items()))}, **fields)
    assert error(response)[:2] == (400, "InvalidStorageClass")


def test_a_whole_form_without_a_file(endpoint, s3, bucket):
    document = {"expiration": expiration(), "conditions": conditions(bucket)}
    policy = base64.b64encode(json.dumps(document).encode()).decode()
    signature = base64.b64encode(hmac.new(SECRET, policy.encode(), hashlib.sha1).digest())
    response = httpx.post(f"{endpoint.url}/{bucket}", files={
        "key": (None, "up.txt"), "AWSAccessKeyId": (None, "test"), "policy": (None, policy),
        "signature": (None, signature.decode())})
    assert error(response) == (400, "InvalidArgument",
                               "POST requires exactly one file upload per request.")
    assert "<ArgumentName>file</ArgumentName>" in response.text
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_a_form_cut_short_is_malformed(endpoint, bucket):
    body = b'--b\r\nContent-Disposition: form-data; name="key"\r\n\r\nup.txt\r\n'
    response = httpx.post(f"{endpoint.url}/{bucket}", content=body,
                          headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert error(response)[:2] == (400, "MalformedPOSTRequest")


def test_fields_before_the_file_past_s3s_limit(endpoint, bucket):
    response = post(endpoint, bucket, {"expiration": expiration(),
                                       "conditions": conditions(bucket)},
                    **{"x-amz-meta-big": "x" * 21000})
    assert error(response) == (400, "MaxPostPreDataLengthExceeded",
                               "Your POST request fields preceeding the upload file was too "
                               "large.")
    assert "<MaxPostPreDataLengthBytes>20480</MaxPostPreDataLengthBytes>" in response.text


def test_a_form_checksum_field_checks_the_file(endpoint, s3, bucket):
    right = base64.b64encode(hashlib.sha256(b"data").digest()).decode()
    wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    for value, answer in ((right, (204, "", "")),
                          (wrong, (400, "BadDigest", "The SHA256 you specified did not match "
                                                     "the calculated checksum.")),
                          ("sailorjerry", (400, "InvalidRequest", "Value for "
                                           "x-amz-checksum-sha256 header is invalid."))):
        response = post(endpoint, bucket, {"expiration": expiration(), "conditions": conditions(
            bucket, ["starts-with", "$x-amz-checksum-sha256", ""])},
            **{"x-amz-checksum-sha256": value})
        got = error(response) if response.content else (response.status_code, "", "")
        assert got == answer
    stored = s3.head_object(Bucket=bucket, Key="up.txt", ChecksumMode="ENABLED")
    assert stored["ChecksumSHA256"] == right


@pytest.mark.parametrize("bounds", [["test", "10"], ["test", 10], [1, "ten"]])
def test_a_length_range_that_is_no_number_fails_as_a_condition(endpoint, s3, bucket, bounds):
    # Recorded from S3: not an unreadable policy but a failed condition, its values quoted.
    condition = ["content-length-range", *bounds]
    response = post(endpoint, bucket, {"expiration": expiration(),
                                       "conditions": conditions(bucket, condition)})
    shown = json.dumps([str(value) for value in condition])
    assert error(response) == (403, "AccessDenied", "Invalid according to Policy: Policy "
                                                    f"Condition failed: {shown}")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain"])
def test_a_bucket_post_that_is_no_multipart_form_is_a_failed_precondition(endpoint, s3, bucket,
                                                                         content_type):
    response = httpx.post(f"{endpoint.url}/{bucket}", content=b"key=up.txt",
                          headers={"Content-Type": content_type})
    body = ElementTree.fromstring(response.content)
    assert (response.status_code, body.findtext("Code"), body.findtext("Condition")) == (
        412, "PreconditionFailed", "Bucket POST must be of the enclosure-type multipart/form-data")
    assert body.findtext("Message") == ("At least one of the pre-conditions you specified did "
                                        "not hold")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
