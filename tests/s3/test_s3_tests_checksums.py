"""Multipart checksums, from Ceph's s3-tests (s3tests_boto3/functional/test_s3.py, run against
AWS too): uploads through boto3's transfer helper with each algorithm
(test_multipart_use_cksum_helper_*), COMPOSITE and FULL_OBJECT checksums of uploads made part
by part (test_multipart_checksum_*), and the checksum types an algorithm cannot have.
Single-part checksums are in test_s3_tests_objects.py; completions naming part checksums are
in test_multipart.py."""
from __future__ import annotations

import base64
import hashlib
import io
from typing import Any, Callable

import pytest
from awscrt import checksums as crt
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

MiB = 1024 * 1024
PARTS = [b"A" * (5 * MiB), b"B" * (5 * MiB), b"C" * 1024]   # test_multipart_checksum_3parts

DIGESTS: dict[str, Callable[[bytes], bytes]] = {
    "CRC32": lambda data: crt.crc32(data).to_bytes(4, "big"),
    "CRC32C": lambda data: crt.crc32c(data).to_bytes(4, "big"),
    "CRC64NVME": lambda data: crt.crc64nvme(data).to_bytes(8, "big"),
    "SHA1": lambda data: hashlib.sha1(data).digest(),
    "SHA256": lambda data: hashlib.sha256(data).digest(),
}


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def expected(algorithm: str, kind: str, parts: list[bytes]) -> str:
    """What S3 gives the object: FULL_OBJECT is the checksum of the whole body; COMPOSITE the
    checksum of the parts' checksums one after another, then -N."""
    digest = DIGESTS[algorithm]
    if kind == "FULL_OBJECT":
        return b64(digest(b"".join(parts)))
    return f"{b64(digest(b''.join(digest(part) for part in parts)))}-{len(parts)}"


def refused(call: Any, **params: Any) -> tuple[int, str]:
    with pytest.raises(ClientError) as exc:
        call(**params)
    response = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


# ------------------------------------------------------------------ the transfer helper

@pytest.mark.parametrize("algorithm, kind", [
    ("CRC32", "COMPOSITE"), ("CRC32C", "COMPOSITE"), ("SHA1", "COMPOSITE"),
    ("SHA256", "COMPOSITE"),
    ("CRC64NVME", "FULL_OBJECT"),      # the one algorithm S3 keeps only whole-object
])
def test_the_transfer_helper_uploads_with_each_algorithm(s3, bucket, algorithm, kind):
    # test_multipart_use_cksum_helper_crc32, _crc32c, _crc64nvme, _sha1, _sha256
    config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB)
    s3.upload_fileobj(io.BytesIO(b"".join(PARTS)), bucket, "mymultipart", Config=config,
                      ExtraArgs={"ChecksumAlgorithm": algorithm})
    head = s3.head_object(Bucket=bucket, Key="mymultipart", ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == expected(algorithm, kind, PARTS)
    assert head["ChecksumType"] == kind
    assert head["ETag"].endswith('-3"')
    read = io.BytesIO()
    # boto3 checks a whole-object checksum as it reads (and skips a composite one).
    s3.download_fileobj(bucket, "mymultipart", read, ExtraArgs={"ChecksumMode": "ENABLED"})
    assert read.getvalue() == b"".join(PARTS)


# ------------------------------------------------------------------ part by part

def upload_parts(s3: Any, bucket: str, key: str, algorithm: str,
                 kind: str) -> tuple[str, list[dict[str, Any]]]:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm=algorithm,
                                           ChecksumType=kind)["UploadId"]
    named = []
    for number, data in enumerate(PARTS, start=1):
        value = b64(DIGESTS[algorithm](data))
        sent = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number,
                              Body=data, ChecksumAlgorithm=algorithm,
                              **{f"Checksum{algorithm}": value})
        assert sent[f"Checksum{algorithm}"] == value
        named.append({"PartNumber": number, "ETag": sent["ETag"],
                      f"Checksum{algorithm}": value})
    return upload_id, named


@pytest.mark.parametrize("algorithm, kind", [
    ("CRC32", "COMPOSITE"), ("CRC32C", "COMPOSITE"), ("SHA1", "COMPOSITE"),
    ("SHA256", "COMPOSITE"),
    ("CRC32", "FULL_OBJECT"), ("CRC32C", "FULL_OBJECT"), ("CRC64NVME", "FULL_OBJECT"),
])
def test_a_completion_stating_the_objects_checksum(s3, bucket, algorithm, kind):
    # test_multipart_checksum_3parts (SHA256) and the same for the other algorithms and types
    value = expected(algorithm, kind, PARTS)
    upload_id, named = upload_parts(s3, bucket, "mymultipart3", algorithm, kind)
    done = s3.complete_multipart_upload(Bucket=bucket, Key="mymultipart3", UploadId=upload_id,
                                        MultipartUpload={"Parts": named},
                                        ChecksumType=kind,
                                        **{f"Checksum{algorithm}": value})
    assert (done[f"Checksum{algorithm}"], done["ChecksumType"]) == (value, kind)
    head = s3.head_object(Bucket=bucket, Key="mymultipart3", ChecksumMode="ENABLED")
    assert (head[f"Checksum{algorithm}"], head["ChecksumType"]) == (value, kind)
    attributes = s3.get_object_attributes(Bucket=bucket, Key="mymultipart3",
                                          ObjectAttributes=["Checksum"])
    # GetObjectAttributes gives a composite checksum without its -N (ObjectParts counts).
    assert attributes["Checksum"] == {f"Checksum{algorithm}": value.split("-")[0],
                                      "ChecksumType": kind}


@pytest.mark.parametrize("made, stated", [("COMPOSITE", "FULL_OBJECT"),
                                           ("FULL_OBJECT", "COMPOSITE")])
def test_a_completion_stating_another_checksum_type_is_refused(s3, bucket, made, stated):
    # The type a completion names must be the upload's; the upload stays to be completed.
    upload_id, named = upload_parts(s3, bucket, "k", "CRC32", made)
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                     MultipartUpload={"Parts": named}, ChecksumType=stated)
    assert exc.value.response["Error"]["Code"] == "InvalidRequest"
    assert exc.value.response["Error"]["Message"] == (
        f"The upload was created using the {made} checksum mode. The complete request must "
        "use the same checksum mode.")
    done = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                        MultipartUpload={"Parts": named}, ChecksumType=made)
    assert done["ChecksumType"] == made


@pytest.mark.parametrize("algorithm, kind", [
    ("SHA1", "FULL_OBJECT"), ("SHA256", "FULL_OBJECT"), ("CRC64NVME", "COMPOSITE"),
])
def test_an_algorithm_with_a_type_it_cannot_have(s3, bucket, algorithm, kind):
    # A SHA is only ever COMPOSITE for a multipart upload, CRC64NVME only FULL_OBJECT.
    assert refused(s3.create_multipart_upload, Bucket=bucket, Key="k",
                   ChecksumAlgorithm=algorithm, ChecksumType=kind) == (400, "InvalidRequest")
