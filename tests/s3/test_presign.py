"""Presigned URLs and presigned POST, used by plain HTTP clients as browsers and curl do."""
from __future__ import annotations

import time
import uuid
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx
import pytest


@pytest.fixture(params=["s3v4", "default", "default, temporary credentials"])
def signer(request, endpoint):
    """A client presigning with SigV4, one with boto3's default (SigV2 in us-east-1), and
    the default with a session token, as a function's role credentials have."""
    if request.param == "default":
        return endpoint.client()
    if request.param == "default, temporary credentials":
        return boto3.client("s3", endpoint_url=endpoint.url, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            aws_session_token="session-token")
    return endpoint.client(signature_version="s3v4")


@pytest.fixture
def v4(endpoint):
    return endpoint.client(signature_version="s3v4")


def test_presigned_get(s3, signer, bucket):
    s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"shared")
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "doc.txt"},
                                    ExpiresIn=300)
    response = httpx.get(url)
    assert response.status_code == 200 and response.content == b"shared"


@pytest.mark.parametrize("operation", ["list_objects", "list_objects_v2",
                                       "list_object_versions", "list_multipart_uploads"])
def test_presigned_bucket_listing(s3, signer, bucket, operation):
    # SigV2 signs the bucket's resource as "/bucket/" while the URL's path is "/bucket".
    s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"shared")
    response = httpx.get(signer.generate_presigned_url(operation, Params={"Bucket": bucket}))
    assert response.status_code == 200, response.text


def test_presigned_get_with_response_header_overrides(s3, signer, bucket):
    s3.put_object(Bucket=bucket, Key="file.txt", Body=b"ABCD", ContentType="text/plain")
    overrides = {"ResponseCacheControl": "max-age=74",
                 "ResponseContentDisposition": 'attachment; filename="foo.jpg"',
                 "ResponseContentEncoding": "identity", "ResponseContentLanguage": "de-DE",
                 "ResponseContentType": "image/jpeg",
                 "ResponseExpires": "Wed, 21 Oct 2015 07:28:00 GMT"}
    url = signer.generate_presigned_url("get_object", Params={
        "Bucket": bucket, "Key": "file.txt", **overrides}, ExpiresIn=300)
    response = httpx.get(url)
    assert response.content == b"ABCD"
    assert {name: response.headers.get(name) for name in (
        "Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language",
        "Content-Type", "Content-Length", "Expires")} == {
        "Cache-Control": "max-age=74", "Content-Disposition": 'attachment; filename="foo.jpg"',
        "Content-Encoding": "identity", "Content-Language": "de-DE",
        "Content-Type": "image/jpeg", "Content-Length": "4",
        "Expires": "Wed, 21 Oct 2015 07:28:00 GMT"}


def test_presigned_put(s3, signer, bucket):
    url = signer.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up.bin"},
                                    ExpiresIn=300)
    assert httpx.put(url, content=b"uploaded").status_code == 200
    assert s3.get_object(Bucket=bucket, Key="up.bin")["Body"].read() == b"uploaded"


def test_presigned_url_with_an_odd_key(s3, signer, bucket):
    key = "dir/with space/ü+plus.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=b"odd")
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key})
    assert httpx.get(url).content == b"odd"


def test_tampered_presigned_url(s3, signer, bucket):
    s3.put_object(Bucket=bucket, Key="a", Body=b"a")
    s3.put_object(Bucket=bucket, Key="b", Body=b"b")
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "a"})
    response = httpx.get(url.replace(f"/{bucket}/a?", f"/{bucket}/b?"))
    assert response.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in response.content


def test_wrong_signature(s3, v4, bucket):
    s3.put_object(Bucket=bucket, Key="a", Body=b"a")
    url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "a"})
    signature = parse_qs(urlsplit(url).query)["X-Amz-Signature"][0]
    response = httpx.get(url.replace(signature, "0" * len(signature)))
    assert response.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in response.content


def test_expired_presigned_url(s3, signer, bucket):
    s3.put_object(Bucket=bucket, Key="a", Body=b"a")
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "a"},
                                    ExpiresIn=1)
    deadline = time.monotonic() + 30
    while True:                              # expiry has one-second resolution
        response = httpx.get(url)
        if response.status_code != 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert response.status_code == 403
    assert b"<Code>AccessDenied</Code>" in response.content
    assert b"<Message>Request has expired</Message>" in response.content


def test_presigned_url_expiring_after_more_than_a_week(s3, v4, bucket):
    url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "a"},
                                    ExpiresIn=604801)
    response = httpx.get(url)
    assert response.status_code == 400
    assert b"<Code>AuthorizationQueryParametersError</Code>" in response.content
    assert (b"<Message>X-Amz-Expires must be less than a week (in seconds); that is, the given "
            b"X-Amz-Expires must be less than 604800 seconds</Message>") in response.content


def post_form(post, files, extra=None):
    return httpx.post(post["url"], data={**post["fields"], **(extra or {})}, files=files)


def test_presigned_post(s3, signer, bucket):
    post = signer.generate_presigned_post(bucket, "uploads/${filename}", Conditions=[
        ["starts-with", "$key", "uploads/"], ["content-length-range", 1, 1024]])
    response = post_form(post, {"file": ("photo.jpg", b"jpeg bytes", "image/jpeg")})
    assert response.status_code == 204
    assert s3.get_object(Bucket=bucket, Key="uploads/photo.jpg")["Body"].read() == b"jpeg bytes"


def test_presigned_post_success_action_status_201(s3, bucket):
    post = s3.generate_presigned_post(bucket, "k", Fields={"success_action_status": "201"},
                                      Conditions=[{"success_action_status": "201"}])
    response = post_form(post, {"file": ("f", b"data")})
    assert response.status_code == 201
    assert b"<Key>k</Key>" in response.content and f"<Bucket>{bucket}</Bucket>".encode() in \
        response.content


def test_presigned_post_redirect(s3, bucket):
    target = "http://app.localhost/done"
    post = s3.generate_presigned_post(bucket, "k", Fields={"success_action_redirect": target},
                                      Conditions=[{"success_action_redirect": target}])
    response = post_form(post, {"file": ("f", b"data")})
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.netloc == "app.localhost"
    assert parse_qs(location.query)["key"] == ["k"]
    assert parse_qs(location.query)["bucket"] == [bucket]


def test_presigned_post_too_large(s3, signer, bucket):
    post = signer.generate_presigned_post(bucket, "k", Conditions=[["content-length-range", 1, 10]])
    response = post_form(post, {"file": ("f", b"x" * 11)})
    assert response.status_code == 400
    assert b"<Code>EntityTooLarge</Code>" in response.content
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_presigned_post_too_small(s3, bucket):
    post = s3.generate_presigned_post(bucket, "k", Conditions=[["content-length-range", 5, 10]])
    response = post_form(post, {"file": ("f", b"x")})
    assert response.status_code == 400
    assert b"<Code>EntityTooSmall</Code>" in response.content


def test_presigned_post_with_a_key_outside_the_policy(s3, bucket):
    post = s3.generate_presigned_post(bucket, "uploads/a")
    response = post_form(post, {"file": ("f", b"x")}, {"key": "elsewhere/a"})
    assert response.status_code == 403
    assert b"<Code>AccessDenied</Code>" in response.content
    assert b"Policy Condition failed" in response.content


def test_presigned_post_with_a_field_not_in_the_policy(s3, bucket):
    post = s3.generate_presigned_post(bucket, "k")
    response = post_form(post, {"file": ("f", b"x")}, {"x-amz-meta-extra": "1"})
    assert response.status_code == 403
    assert b"Extra input fields" in response.content


def test_presigned_post_expired(s3, bucket):
    post = s3.generate_presigned_post(bucket, "k", ExpiresIn=-10)
    response = post_form(post, {"file": ("f", b"x")})
    assert response.status_code == 403
    assert b"Policy expired" in response.content


def test_presigned_post_with_a_tampered_policy(s3, signer, bucket):
    post = signer.generate_presigned_post(bucket, "k")
    other = signer.generate_presigned_post(bucket, "k", ExpiresIn=7200)
    response = post_form(post, {"file": ("f", b"x")}, {"policy": other["fields"]["policy"]})
    assert response.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in response.content


@pytest.mark.parametrize("missing", ["key", "x-amz-signature"])
def test_presigned_post_missing_field(s3, v4, bucket, missing):
    post = v4.generate_presigned_post(bucket, "k")
    fields = {k: v for k, v in post["fields"].items() if k != missing}
    response = httpx.post(post["url"], data=fields, files={"file": ("f", b"x")})
    assert response.status_code in (400, 403)
    assert b"<Code>" in response.content and s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_presigned_url_for_another_region_than_the_buckets(endpoint, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    elsewhere = endpoint.client(signature_version="s3v4", region_name="eu-west-1")
    url = elsewhere.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    response = httpx.get(url)
    assert response.status_code == 400
    assert "<Code>AuthorizationQueryParametersError</Code>" in response.text
    assert ("<Message>Error parsing the X-Amz-Credential parameter; the region 'eu-west-1' is "
            "wrong; expecting 'us-east-1'</Message><Region>us-east-1</Region>") in response.text


def test_presigned_post_for_another_region_than_the_buckets(endpoint, s3, bucket):
    elsewhere = endpoint.client(signature_version="s3v4", region_name="eu-west-1")
    post = elsewhere.generate_presigned_post(bucket, "k")
    response = httpx.post(post["url"], data=post["fields"], files={"file": ("f", b"x")})
    assert response.status_code == 400
    assert "<Code>InvalidArgument</Code>" in response.text
    assert ("<Message>the region 'eu-west-1' is wrong; expecting 'us-east-1'</Message>"
            "<ArgumentName>X-Amz-Credential</ArgumentName>") in response.text
    assert "<Region>us-east-1</Region>" in response.text
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_presigned_url_for_a_regional_bucket(endpoint, s3):
    name = f"presign-{uuid.uuid4().hex[:10]}"
    regional = endpoint.client(signature_version="s3v4", region_name="eu-central-1")
    regional.create_bucket(Bucket=name,
                           CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    try:
        regional.put_object(Bucket=name, Key="k", Body=b"v")
        url = regional.generate_presigned_url("get_object", Params={"Bucket": name, "Key": "k"})
        assert httpx.get(url).content == b"v"
        wrong = endpoint.client(signature_version="s3v4").generate_presigned_url(
            "get_object", Params={"Bucket": name, "Key": "k"})
        response = httpx.get(wrong)
        assert response.status_code == 400 and \
            "the region 'us-east-1' is wrong; expecting 'eu-central-1'" in response.text
    finally:
        regional.delete_object(Bucket=name, Key="k")
        regional.delete_bucket(Bucket=name)
