"""The wire itself, seen by plain HTTP: XML error bodies, addressing styles, CORS,
aws-chunked uploads with trailers."""
from __future__ import annotations

import base64
import json
import zlib

import httpx
import pytest
from botocore.exceptions import ClientError


def test_error_body_names_code_message_resource_and_request_id(endpoint, bucket, s3):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket,
                                                          "Key": "missing/key.txt"})
    response = httpx.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/xml"
    body = response.text
    assert "<Code>NoSuchKey</Code>" in body
    assert "<Message>The specified key does not exist.</Message>" in body
    assert "<Key>missing/key.txt</Key>" in body
    assert f"<Resource>/{bucket}/missing/key.txt</Resource>" in body
    assert f"<RequestId>{response.headers['x-amz-request-id']}</RequestId>" in body


def test_error_body_ends_with_the_host_id_of_the_x_amz_id_2_header(endpoint, bucket, s3):
    response = httpx.get(f"{endpoint.url}/{bucket}/missing/key.txt")
    host_id = response.headers["x-amz-id-2"]
    assert response.text.endswith(f"<RequestId>{response.headers['x-amz-request-id']}"
                                  f"</RequestId><HostId>{host_id}</HostId></Error>")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="missing")
    metadata = exc.value.response["ResponseMetadata"]
    assert metadata["HostId"] == metadata["HTTPHeaders"]["x-amz-id-2"]
    assert "HostId" not in exc.value.response["Error"]


def error_of(call, **params) -> dict:
    with pytest.raises(ClientError) as exc:
        call(**params)
    return exc.value.response["Error"]


def test_error_bodies_carry_the_members_of_their_code(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789")
    missing = f"{bucket}-missing"
    assert error_of(s3.get_object, Bucket=bucket, Key="nope") == {
        "Code": "NoSuchKey", "Message": "The specified key does not exist.", "Key": "nope",
        "Resource": f"/{bucket}/nope"}
    assert error_of(s3.list_objects_v2, Bucket=missing) == {
        "Code": "NoSuchBucket", "Message": "The specified bucket does not exist",
        "BucketName": missing, "Resource": f"/{missing}"}
    assert error_of(s3.get_bucket_policy, Bucket=bucket) == {
        "Code": "NoSuchBucketPolicy", "Message": "The bucket policy does not exist",
        "BucketName": bucket, "Resource": f"/{bucket}"}
    assert error_of(s3.get_object, Bucket=bucket, Key="k", Range="bytes=100-200") == {
        "Code": "InvalidRange", "Message": "The requested range is not satisfiable",
        "RangeRequested": "bytes=100-200", "ActualObjectSize": "10", "Resource": f"/{bucket}/k"}
    assert error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"x", IfNoneMatch="*") == {
        "Code": "PreconditionFailed",
        "Message": "At least one of the pre-conditions you specified did not hold",
        "Condition": "If-None-Match", "Resource": f"/{bucket}/k"}
    assert error_of(s3.abort_multipart_upload, Bucket=bucket, Key="k", UploadId="nope") == {
        "Code": "NoSuchUpload", "Message": "The specified upload does not exist. The upload ID "
        "may be invalid, or the upload may have been aborted or completed.", "UploadId": "nope",
        "Resource": f"/{bucket}/k"}


def test_unsupported_method_is_method_not_allowed(endpoint, bucket):
    response = httpx.request("PATCH", f"{endpoint.url}/{bucket}/k")
    assert response.status_code == 405
    assert "<Code>MethodNotAllowed</Code>" in response.text


@pytest.mark.parametrize("host", ["localhost", "s3.localhost"])
def test_virtual_hosted_style(endpoint, s3, bucket, host):
    # As a browser sends it: *.localhost resolves to the loopback address, Host names the bucket;
    # without credentials, so the bucket's policy lets anyone read and list it.
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{bucket}/*"},
        {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket",
         "Resource": f"arn:aws:s3:::{bucket}"}]}))
    port = endpoint.url.rsplit(":", 1)[1]
    virtual = {"Host": f"{bucket}.{host}:{port}"}
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "v/key.txt"})
    assert httpx.put(url, content=b"virtual").status_code == 200
    direct = httpx.get(f"http://127.0.0.1:{port}/v/key.txt", headers=virtual)
    assert direct.status_code == 200 and direct.content == b"virtual"
    listing = httpx.get(f"http://127.0.0.1:{port}/?list-type=2", headers=virtual)
    assert "<Key>v/key.txt</Key>" in listing.text
    assert f"<Name>{bucket}</Name>" in listing.text


CORS = {"CORSRules": [{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET", "PUT"],
                       "AllowedHeaders": ["content-type"], "ExposeHeaders": ["ETag"],
                       "MaxAgeSeconds": 600}]}


def test_cors_preflight_allowed(endpoint, s3, bucket):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    response = httpx.options(f"{endpoint.url}/{bucket}/k", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "Content-Type"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    assert "PUT" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-max-age"] == "600"
    assert response.headers["access-control-allow-headers"].lower() == "content-type"


def test_cors_preflight_refused(endpoint, s3, bucket):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    response = httpx.options(f"{endpoint.url}/{bucket}/k", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    assert response.status_code == 403
    assert "<Code>AccessForbidden</Code>" in response.text


def test_cors_preflight_without_configuration(endpoint, bucket):
    response = httpx.options(f"{endpoint.url}/{bucket}/k", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "GET"})
    assert response.status_code == 403


def test_cors_headers_on_an_actual_request(endpoint, s3, bucket):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    allowed = httpx.get(url, headers={"Origin": "https://app.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert allowed.headers["access-control-expose-headers"] == "ETag"
    other = httpx.get(url, headers={"Origin": "https://evil.example"})
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers


def test_cors_actual_request_is_matched_by_its_request_method_header(endpoint, s3, bucket):
    # An actual request naming Access-Control-Request-Method is matched by that method.
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [
        {"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET"]}]})
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "k"},
                                    HttpMethod="PUT")
    as_get = httpx.put(url, content=b"y", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "GET"})
    assert as_get.status_code == 200
    assert as_get.headers["access-control-allow-origin"] == "https://app.example"
    assert as_get.headers["access-control-allow-methods"] == "GET"
    as_put = httpx.put(url, content=b"y", headers={"Origin": "https://app.example"})
    assert "access-control-allow-origin" not in as_put.headers
    refused = httpx.put(url, content=b"y", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "DELETE"})
    assert "access-control-allow-origin" not in refused.headers


def test_cors_max_age_on_an_actual_request(endpoint, s3, bucket):
    # S3 repeats the rule's MaxAgeSeconds on the answer to the request itself.
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    allowed = httpx.get(url, headers={"Origin": "https://app.example"})
    assert allowed.headers["access-control-max-age"] == "600"


def chunked_body(data: bytes, size: int, trailer: str) -> bytes:
    out = b""
    for start in range(0, len(data), size):
        piece = data[start:start + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\n" + trailer.encode() + b"\r\n\r\n"


def test_aws_chunked_upload_with_a_checksum_trailer(endpoint, s3, bucket):
    data = b"streamed in chunks " * 1000
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    url = endpoint.client(signature_version="s3v4").generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "chunked"})
    response = httpx.put(url, content=chunked_body(data, 4096, f"x-amz-checksum-crc32:{crc}"),
                         headers={"Content-Encoding": "aws-chunked",
                                  "X-Amz-Content-Sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                                  "X-Amz-Decoded-Content-Length": str(len(data)),
                                  "X-Amz-Trailer": "x-amz-checksum-crc32"})
    assert response.status_code == 200, response.text
    got = s3.get_object(Bucket=bucket, Key="chunked", ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ChecksumCRC32"] == crc


def test_aws_chunked_upload_with_a_wrong_trailer(endpoint, s3, bucket):
    data = b"payload" * 100
    wrong = base64.b64encode(zlib.crc32(b"other").to_bytes(4, "big")).decode()
    url = endpoint.client(signature_version="s3v4").generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "bad"})
    response = httpx.put(url, content=chunked_body(data, 256, f"x-amz-checksum-crc32:{wrong}"),
                         headers={"Content-Encoding": "aws-chunked",
                                  "X-Amz-Content-Sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                                  "X-Amz-Decoded-Content-Length": str(len(data)),
                                  "X-Amz-Trailer": "x-amz-checksum-crc32"})
    assert response.status_code == 400
    assert "<Code>BadDigest</Code>" in response.text
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_signed_streaming_payload(endpoint, s3, bucket):
    data = b"x" * 70000
    body = (f"{65536:x};chunk-signature={'a' * 64}\r\n".encode() + data[:65536] + b"\r\n" +
            f"{len(data) - 65536:x};chunk-signature={'b' * 64}\r\n".encode() + data[65536:] +
            b"\r\n" + f"0;chunk-signature={'c' * 64}\r\n\r\n".encode())
    url = endpoint.client(signature_version="s3v4").generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "signed"})
    response = httpx.put(url, content=body, headers={
        "Content-Encoding": "aws-chunked",
        "X-Amz-Content-Sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "X-Amz-Decoded-Content-Length": str(len(data))})
    assert response.status_code == 200, response.text
    assert s3.get_object(Bucket=bucket, Key="signed")["Body"].read() == data


def test_put_with_transfer_encoding_chunked_is_not_implemented(endpoint, s3, bucket):
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "k"})

    def pieces():                        # no length known: httpx sends it chunked
        yield b"abc"
    response = httpx.put(url, content=pieces())
    assert response.status_code == 501
    assert "<Code>NotImplemented</Code>" in response.text
    assert "<Header>Transfer-Encoding</Header>" in response.text
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="k")


def test_request_signed_for_another_region_than_the_buckets(endpoint, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    elsewhere = endpoint.client(region_name="eu-west-1")
    first: list[tuple[int, dict]] = []

    def note(response, **_):
        if response is not None and not first:
            first.append((response[0].status_code, response[1].get("Error", {})))

    elsewhere.meta.events.register_first("needs-retry.s3", note)
    # S3 refuses it and names the bucket's region; boto3 signs again for that one.
    assert elsewhere.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    status, error = first[0]
    assert status == 400 and error["Code"] == "AuthorizationHeaderMalformed"
    assert error["Message"] == ("The authorization header is malformed; the region "
                                "'eu-west-1' is wrong; expecting 'us-east-1'")
    assert error["Region"] == "us-east-1"
    # A HEAD's answer has no body: the region comes in a header.
    assert elsewhere.head_object(Bucket=bucket, Key="k")["ContentLength"] == 1
    head = endpoint.client(region_name="eu-west-1")
    head.meta.events.register_first(
        "needs-retry.s3", lambda response, **_: first.append(
            (response[0].status_code, dict(response[0].headers))) if response else None)
    head.head_bucket(Bucket=bucket)
    assert first[1][0] == 400 and first[1][1]["x-amz-bucket-region"] == "us-east-1"


def test_region_free_operations_accept_any_signing_region(endpoint, s3, bucket):
    elsewhere = endpoint.client(region_name="ap-south-1")
    assert bucket in [b["Name"] for b in elsewhere.list_buckets()["Buckets"]]
    assert elsewhere.get_bucket_location(Bucket=bucket)["LocationConstraint"] is None


def test_an_aws_chunked_label_over_a_plain_body_is_taken_off(s3, bucket):
    # boto3 sends ContentEncoding="aws-chunked" over an unframed body: x-amz-content-sha256
    # (a hash, not STREAMING-…) says how the body is framed, the label says nothing of it.
    body = b"abcd" * 8192
    s3.put_object(Bucket=bucket, Key="label", Body=body, ContentEncoding="aws-chunked")
    got = s3.get_object(Bucket=bucket, Key="label")
    assert got["Body"].read() == body
    assert "ContentEncoding" not in got
    s3.put_object(Bucket=bucket, Key="gz", Body=b"x", ContentEncoding="aws-chunked,gzip")
    assert s3.head_object(Bucket=bucket, Key="gz")["ContentEncoding"] == "gzip"


def test_a_framed_upload_keeps_its_other_encodings_only(endpoint, s3, bucket):
    data = b"gzipped bytes, say"
    url = endpoint.client(signature_version="s3v4").generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "framed"})
    response = httpx.put(url, content=chunked_body(data, 8, ""),
                         headers={"Content-Encoding": "gzip, aws-chunked",
                                  "X-Amz-Content-Sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                                  "X-Amz-Decoded-Content-Length": str(len(data))})
    assert response.status_code == 200, response.text
    got = s3.get_object(Bucket=bucket, Key="framed")
    assert (got["Body"].read(), got["ContentEncoding"]) == (data, "gzip")
