"""Server-side encryption in the engine: what is kept (never an SSE-C key), kept across a
restart, KMS key ARNs, and the order of S3's SSE-C checks."""
from __future__ import annotations

import base64
import hashlib

import pytest

from fogbank.objects import (CompletedPart, CreateUpload, CustomerKey, EncryptionRequest,
                             GetObject, errors)
from fogbank.objects.encryption import customer_key_md5, kms_key_arn

pytestmark = pytest.mark.anyio

RAW_KEY = bytes(range(32))
KEY = CustomerKey("AES256", base64.b64encode(RAW_KEY).decode())
KEY_MD5 = base64.b64encode(hashlib.md5(RAW_KEY).digest()).decode()


async def test_sse_c_keeps_the_keys_md5_and_never_the_key(s3, engine, bucket, data_dir):
    await s3.put(bucket, "c", b"secret", encryption=EncryptionRequest(customer=KEY))
    await engine.close()
    stored = (data_dir / "metadata.db").read_bytes()
    assert KEY.key.encode() not in stored and RAW_KEY not in stored
    await engine.start()                                  # and it survives a restart
    info = await engine.objects.head(GetObject(bucket, "c", customer_key=KEY))
    assert (info.encryption.algorithm, info.encryption.customer_key_md5) == (None, KEY_MD5)
    with pytest.raises(errors.InvalidRequest):
        await engine.objects.head(GetObject(bucket, "c"))


async def test_kms_encryption_is_kept_across_a_restart(s3, engine, bucket):
    await s3.put(bucket, "k", b"v", encryption=EncryptionRequest("aws:kms", "alias/reports",
                                                                 bucket_key=True))
    await engine.close()
    await engine.start()
    info = await engine.objects.head(GetObject(bucket, "k"))
    assert info.encryption.algorithm == "aws:kms" and info.encryption.bucket_key
    assert info.encryption.kms_key_id == "arn:aws:kms:us-east-1:000000000000:alias/reports"


async def test_a_multipart_uploads_encryption_becomes_the_objects(s3, engine, bucket):
    upload = await engine.uploads.create(CreateUpload(
        bucket, "m", encryption=EncryptionRequest(customer=KEY)))
    part = await engine.uploads.upload_part(bucket, "m", upload.upload_id, 1, s3.body(b"p"),
                                            customer_key=KEY)
    assert part.encryption.customer_key_md5 == KEY_MD5
    # The ETag of a part of an SSE-C upload is not its MD5, and the object's is made of it.
    assert part.etag != f'"{hashlib.md5(b"p").hexdigest()}"'
    done = await engine.uploads.complete(bucket, "m", upload.upload_id,
                                         [CompletedPart(1, part.etag)])
    digest = hashlib.md5(bytes.fromhex(part.etag.strip('"'))).hexdigest()
    assert done.etag == f'"{digest}-1"'
    assert done.encryption.customer_key_md5 == KEY_MD5
    assert await s3.get(bucket, "m", customer_key=KEY) == b"p"


async def test_completing_with_another_key_is_refused(s3, engine, bucket):
    upload = await engine.uploads.create(CreateUpload(
        bucket, "m", encryption=EncryptionRequest(customer=KEY)))
    part = await engine.uploads.upload_part(bucket, "m", upload.upload_id, 1, s3.body(b"p"),
                                            customer_key=KEY)
    other = CustomerKey("AES256", base64.b64encode(b"x" * 32).decode())
    with pytest.raises(errors.InvalidRequest):
        await engine.uploads.complete(bucket, "m", upload.upload_id,
                                      [CompletedPart(1, part.etag)], customer_key=other)


@pytest.mark.parametrize("key_id, arn", [
    (None, "arn:aws:kms:eu-west-1:111122223333:key/"),
    ("1234abcd", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd"),
    ("alias/mine", "arn:aws:kms:eu-west-1:111122223333:alias/mine"),
    ("arn:aws:kms:us-east-2:999999999999:key/x", "arn:aws:kms:us-east-2:999999999999:key/x"),
])
def test_kms_keys_are_reported_by_arn_in_the_buckets_region(key_id, arn):
    assert kms_key_arn(key_id, "eu-west-1", "111122223333").startswith(arn)


def test_the_aws_managed_key_differs_by_region():
    assert kms_key_arn(None, "eu-west-1", "1") != kms_key_arn(None, "us-east-1", "1")
    assert kms_key_arn(None, "cn-north-1", "1").startswith("arn:aws-cn:kms:cn-north-1:1:key/")


def test_sse_c_compares_the_md5_before_the_key_length():
    short = base64.b64encode(b"k" * 24).decode()
    with pytest.raises(errors.InvalidArgument) as exc:
        customer_key_md5(CustomerKey("AES256", short, "AAAAAAAAAAAAAAAAAAAAAA=="))
    assert "MD5" in exc.value.message
    with pytest.raises(errors.InvalidArgument) as exc:
        customer_key_md5(CustomerKey("AES256", "not base64!"))
    assert exc.value.message == "The secret key was invalid for the specified algorithm."


def test_sse_c_without_an_md5_is_taken_and_the_md5_worked_out():
    assert customer_key_md5(KEY) == KEY_MD5
    assert customer_key_md5(CustomerKey()) is None
