"""S3 through the JS SDK: its default checksums and aws-chunked uploads, paginators,
lib-storage multipart, presigned URLs and modelled errors, path style and virtual-hosted."""
from __future__ import annotations

import base64
import hashlib
import struct
import uuid
import zlib

import pytest

MB = 1024 * 1024


def crc32(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def multipart_etag(data: bytes, part_size: int) -> str:
    parts = [data[i:i + part_size] for i in range(0, len(data), part_size)]
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return f'"{digest}-{len(parts)}"'


@pytest.mark.parametrize("style", ["path", "virtual"])
def test_objects_through_the_js_sdk(js_node, run_js, style):
    node, _ = js_node
    bucket = f"js-{uuid.uuid4().hex[:12]}"
    out = run_js("s3.mjs", node.url, bucket, style)

    assert out["host"] == ("127.0.0.1" if style == "path" else f"{bucket}.s3.localhost")
    hello = b"hello from node"
    assert out["putChecksum"] == crc32(hello)
    # A stream body goes aws-chunked, HTTP-chunked, with its CRC32 in a trailer.
    streamed = b"streamed " * 10000
    assert out["putStreamChecksum"] == crc32(streamed)
    assert out["get"] == {"body": "hello from node", "type": "text/plain", "length": len(hello),
                          "metadata": {"owner": "ada"}, "checksum": crc32(hello)}
    assert out["getStream"] == {"same": True, "checksum": crc32(streamed)}
    assert out["head"] == {"length": len(hello), "type": "text/plain",
                           "metadata": {"owner": "ada"},
                           "etag": f'"{hashlib.md5(hello).hexdigest()}"'}
    assert out["list"] == {"pages": [3, 3, 1], "keys": [f"list/{i}" for i in range(7)]}
    assert out["deleteObjects"] == {"deleted": 8, "errors": 0}

    big = struct.pack(f"<{3 * MB}I", *range(0, 12 * MB, 4))
    assert out["multipart"] == {"etag": multipart_etag(big, 5 * MB), "parts": [1, 2, 3],
                                "length": 12 * MB, "same": True}
    assert out["presigned"] == {"host": out["host"], "put": 200, "get": 200,
                                "body": "signed body", "type": "text/plain"}
    assert out["noSuchKey"] == {"name": "NoSuchKey", "isClass": True, "status": 404}
    # HEAD has no body, so the SDK names the error by its status, as for S3.
    assert out["headMissing"]["name"] == "NotFound"
    assert out["headMissing"]["status"] == 404
    assert out["bucketDeleted"] is True
