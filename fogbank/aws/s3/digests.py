"""Content-MD5 of the XML documents requests carry (configurations, DeleteObjects' list).

S3 checks a Content-MD5 header against whatever body it came with, not only an object's:
InvalidDigest for a value that is no MD5, BadDigest for one that differs. DeleteObjects must
carry an integrity check at all: Content-MD5, or a flexible checksum as the SDKs send now.
"""
from __future__ import annotations

import hashlib

from fogbank.objects.checksums import verify_md5
from fogbank.objects.errors import InvalidRequest
from fogbank.wire import WireRequest

# The operations S3 refuses without an integrity header.
INTEGRITY_REQUIRED = frozenset({"DeleteObjects"})
FLEXIBLE_CHECKSUM_HEADERS = ("x-amz-sdk-checksum-algorithm", "x-amz-checksum-crc32",
                             "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme",
                             "x-amz-checksum-sha1", "x-amz-checksum-sha256")


def check_document(operation: str, request: WireRequest) -> None:
    """`request.body` is the whole document, already read (reads carry none to check)."""
    if request.method not in ("PUT", "POST"):
        return
    declared = request.header("content-md5")
    if declared is None:
        if operation in INTEGRITY_REQUIRED and not any(
                request.header(name) for name in FLEXIBLE_CHECKSUM_HEADERS):
            raise InvalidRequest("Missing required header for this request: Content-MD5")
        return
    verify_md5(declared, hashlib.md5(request.body).digest())
