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


def put_streamed(endpoint, bucket: str, key: str, data: bytes, chunk: int, *,
                 declare_length: bool) -> httpx.Response:
    """A presigned PUT of `data` as an aws-chunked body with a CRC32 trailer, sent with HTTP
    chunked transfer (no Content-Length), as the JS SDK sends a stream."""
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    url = endpoint.client(signature_version="s3v4").generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": key})
    headers = {"Content-Encoding": "aws-chunked",
               "X-Amz-Content-Sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
               "X-Amz-Trailer": "x-amz-checksum-crc32"}
    if declare_length:
        headers["X-Amz-Decoded-Content-Length"] = str(len(data))
    return httpx.put(url, content=aws_chunked(data, chunk, f"x-amz-checksum-crc32:{crc}"),
                     headers=headers)


def test_http_chunked_aws_chunked_with_decoded_length(endpoint, s3, bucket):
    data = b"from a stream " * 5000
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    response = put_streamed(endpoint, bucket, "streamed", data, 16384, declare_length=True)
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.request.headers
    assert response.status_code == 200, response.text
    got = s3.get_object(Bucket=bucket, Key="streamed", ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ChecksumCRC32"] == crc


def test_http_chunked_aws_chunked_without_decoded_length_is_not_implemented(endpoint, s3,
                                                                            bucket):
    response = put_streamed(endpoint, bucket, "k", b"no length", 4, declare_length=False)
    assert response.status_code == 501
    assert "<Header>Transfer-Encoding</Header>" in response.text
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
