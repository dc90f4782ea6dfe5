"""An aws-chunked body sent with HTTP Transfer-Encoding: chunked, as the AWS SDK for
JavaScript sends a stream: S3 takes it when x-amz-decoded-content-length declares the
object's length (the sigv4-streaming docs allow Transfer-Encoding in place of Content-Length)."""
from __future__ import annotations

import base64
import zlib
from typing import Iterator

import httpx


def aws_chunked(data: bytes, size: int, trailer: str) -> Iterator[bytes]:
    """The framing in pieces, so httpx sends it with Transfer-Encoding: chunked."""
    for start in range(0, len(data), size):
        piece = data[start:start + size]
        yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    yield b"0\r\n" + trailer.encode() + b"\r\n\r\n"


def test_http_chunked_aws_chunked_with_decoded_length(endpoint, s3, bucket):
    data = b"from a stream " * 5000
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    url = endpoint.client(signature_version="s3v4").generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "streamed"})
    response = httpx.put(url, content=aws_chunked(data, 16384, f"x-amz-checksum-crc32:{crc}"),
                         headers={"Content-Encoding": "aws-chunked",
                                  "X-Amz-Content-Sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                                  "X-Amz-Decoded-Content-Length": str(len(data)),
                                  "X-Amz-Trailer": "x-amz-checksum-crc32"})
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.request.headers
    assert response.status_code == 200, response.text
    got = s3.get_object(Bucket=bucket, Key="streamed", ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ChecksumCRC32"] == crc


def test_http_chunked_aws_chunked_without_decoded_length_is_not_implemented(endpoint, s3,
                                                                            bucket):
    data = b"no length"
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    url = endpoint.client(signature_version="s3v4").generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "k"})
    response = httpx.put(url, content=aws_chunked(data, 4, f"x-amz-checksum-crc32:{crc}"),
                         headers={"Content-Encoding": "aws-chunked",
                                  "X-Amz-Content-Sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                                  "X-Amz-Trailer": "x-amz-checksum-crc32"})
    assert response.status_code == 501
    assert "<Header>Transfer-Encoding</Header>" in response.text
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
