"""ETags and checksums as S3 computes them, fed while a body streams through.

- ETag: the hex MD5 of the body; for a multipart object, the MD5 of the parts' binary MD5s
  followed by `-<number of parts>`.
- Checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256): base64 of the big-endian digest. A
  multipart object's checksum is COMPOSITE (the checksum of the parts' checksums, `-N`) or
  FULL_OBJECT (the CRC of the whole body, combined from the parts' CRCs).
CRC32C and CRC64NVME come from awscrt (botocore's own optional checksum library).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from typing import Callable, Sequence

from awscrt import checksums as crt

from fogbank.objects import errors
from fogbank.objects.model import CHECKSUM_ALGORITHMS, Checksum

_CRC: dict[str, tuple[Callable[[bytes, int], int], int, Callable[[int, int, int], int]]] = {
    "CRC32": (zlib.crc32, 4, crt.combine_crc32),
    "CRC32C": (crt.crc32c, 4, crt.combine_crc32c),
    "CRC64NVME": (crt.crc64nvme, 8, crt.combine_crc64nvme),
}
_HASHES = {"SHA1": "sha1", "SHA256": "sha256"}
_DIGEST_SIZES = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}


def check_algorithm(algorithm: str) -> str:
    name = algorithm.upper()
    if name not in CHECKSUM_ALGORITHMS:
        raise errors.InvalidRequest(
            "Checksum algorithm provided is unsupported. Please try again with any of the "
            f"valid types: [{', '.join(CHECKSUM_ALGORITHMS)}]")
    return name


def check_value(algorithm: str, value: str) -> bytes:
    """The digest a base64 checksum value holds; InvalidRequest when it cannot be one."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != _DIGEST_SIZES[algorithm]:
        raise errors.InvalidRequest(
            f"Value for x-amz-checksum-{algorithm.lower()} header is invalid.")
    return raw


class Checksummer:
    """One algorithm's running checksum."""

    def __init__(self, algorithm: str) -> None:
        self.algorithm = algorithm
        if algorithm in _CRC:
            self._crc_fn, self._width, _ = _CRC[algorithm]
            self._crc = 0
            self._hash = None
        else:
            self._hash = hashlib.new(_HASHES[algorithm])

    def update(self, data: bytes) -> None:
        if self._hash is not None:
            self._hash.update(data)
        else:
            self._crc = self._crc_fn(data, self._crc)

    def digest(self) -> bytes:
        if self._hash is not None:
            return self._hash.digest()
        return self._crc.to_bytes(self._width, "big")

    def value(self) -> str:
        return base64.b64encode(self.digest()).decode()


class Digests:
    """The MD5 (for the ETag) and at most one requested checksum of one body."""

    def __init__(self, algorithm: str | None = None) -> None:
        self._md5 = hashlib.md5()
        self.checksum = Checksummer(algorithm) if algorithm else None
        self.size = 0

    def update(self, data: bytes) -> None:
        self._md5.update(data)
        if self.checksum is not None:
            self.checksum.update(data)
        self.size += len(data)

    def md5(self) -> bytes:
        return self._md5.digest()


def multipart_etag(part_md5s: Sequence[bytes]) -> str:
    return f'"{hashlib.md5(b"".join(part_md5s)).hexdigest()}-{len(part_md5s)}"'


def composite(algorithm: str, part_values: Sequence[str]) -> Checksum:
    """COMPOSITE: the checksum of the concatenated part digests, then `-N`."""
    summer = Checksummer(algorithm)
    for value in part_values:
        summer.update(base64.b64decode(value))
    return Checksum(algorithm, f"{summer.value()}-{len(part_values)}", "COMPOSITE")


def full_object(algorithm: str, parts: Sequence[tuple[str, int]]) -> Checksum:
    """FULL_OBJECT for a CRC: the parts' CRCs combined as if computed over the whole body."""
    _, width, combine = _CRC[algorithm]
    crc = 0
    for value, size in parts:
        crc = combine(crc, int.from_bytes(base64.b64decode(value), "big"), size)
    return Checksum(algorithm, base64.b64encode(crc.to_bytes(width, "big")).decode())


def is_crc(algorithm: str) -> bool:
    return algorithm in _CRC


def parse_md5(content_md5: str) -> bytes:
    """The digest of a Content-MD5 header; InvalidDigest when it cannot be one."""
    try:
        expected = base64.b64decode(content_md5, validate=True)
    except (binascii.Error, ValueError):
        expected = b""
    if len(expected) != 16:
        raise errors.InvalidDigest(extra={"Content-MD5": content_md5})
    return expected


def verify_md5(content_md5: str | None, md5: bytes) -> None:
    if content_md5 is not None and parse_md5(content_md5) != md5:
        raise errors.BadDigest(extra={"ExpectedDigest": content_md5,
                                      "CalculatedDigest": base64.b64encode(md5).decode()})


def verify_checksum(algorithm: str, expected: str | None, computed: str) -> None:
    if expected is not None and expected != computed:
        raise errors.BadDigest(f"The {algorithm} you specified did not match the calculated "
                               "checksum.")
