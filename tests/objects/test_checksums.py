"""Checksums computed while storing: the algorithms boto3 sends, trailers, bad values."""
from __future__ import annotations

import base64
import hashlib

import pytest

from fogbank.objects import ChecksumSpec, GetObject, errors

pytestmark = pytest.mark.anyio
CHECK = b"123456789"            # the CRC catalogue's check input


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


EXPECTED = {
    "CRC32": b64(0xCBF43926.to_bytes(4, "big")),
    "CRC32C": b64(0xE3069283.to_bytes(4, "big")),
    "CRC64NVME": b64(0xAE8B14860A799888.to_bytes(8, "big")),
    "SHA1": b64(hashlib.sha1(CHECK).digest()),
    "SHA256": b64(hashlib.sha256(CHECK).digest()),
}


@pytest.mark.parametrize("algorithm", sorted(EXPECTED))
async def test_each_algorithm_matches_the_reference(s3, bucket, algorithm):
    result = await s3.put(bucket, "k", CHECK, checksum=ChecksumSpec(algorithm))
    assert result.checksum.value == EXPECTED[algorithm]
    info = await s3.engine.objects.head(GetObject(bucket, "k"))
    assert (info.checksum.algorithm, info.checksum.value) == (algorithm, EXPECTED[algorithm])


@pytest.mark.parametrize("algorithm", sorted(EXPECTED))
async def test_the_right_value_is_accepted(s3, bucket, algorithm):
    await s3.put(bucket, "k", CHECK, checksum=ChecksumSpec(algorithm, EXPECTED[algorithm]))
    assert await s3.get(bucket, "k") == CHECK


async def test_a_wrong_value_is_bad_digest_and_nothing_is_stored(s3, bucket):
    wrong = EXPECTED["CRC32C"]
    with pytest.raises(errors.BadDigest) as caught:
        await s3.put(bucket, "k", b"other", checksum=ChecksumSpec("CRC32", wrong))
    assert caught.value.message == ("The CRC32 you specified did not match the calculated "
                                    "checksum.")
    with pytest.raises(errors.NoSuchKey):
        await s3.get(bucket, "k")


async def test_a_malformed_value_is_invalid_request(s3, bucket):
    with pytest.raises(errors.InvalidRequest) as caught:
        await s3.put(bucket, "k", CHECK, checksum=ChecksumSpec("SHA256", "AAAA"))
    assert caught.value.message == "Value for x-amz-checksum-sha256 header is invalid."


async def test_an_unknown_algorithm(s3, bucket):
    with pytest.raises(errors.InvalidRequest):
        await s3.put(bucket, "k", CHECK, checksum=ChecksumSpec("MD4"))


async def test_a_trailer_value_is_read_after_the_body(s3, bucket):
    trailer: dict[str, str] = {}

    async def body():
        yield CHECK[:4]
        yield CHECK[4:]
        trailer["x-amz-checksum-crc32"] = EXPECTED["CRC32"]    # as aws-chunked delivers it

    from fogbank.objects import PutObject
    result = await s3.engine.objects.put(PutObject(
        bucket, "k", body(), checksum=ChecksumSpec("CRC32",
                                                   lambda: trailer.get("x-amz-checksum-crc32"))))
    assert result.checksum.value == EXPECTED["CRC32"]


async def test_a_wrong_trailer_value_rejects_a_large_body(s3, bucket, data_dir):
    data = b"x" * 3_000_000
    with pytest.raises(errors.BadDigest):
        await s3.put(bucket, "k", data, checksum=ChecksumSpec("CRC32", lambda: EXPECTED["CRC32"]))
    assert not [p for p in (data_dir / "bodies").rglob("*") if p.is_file()]
    assert not list((data_dir / "tmp").iterdir())
