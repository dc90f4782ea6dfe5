"""Buckets: names, create, re-create, delete, list."""
from __future__ import annotations

import pytest

from fogbank.objects import CreateUpload, errors

pytestmark = pytest.mark.anyio


async def test_create_get_list(engine, clock):
    created = await engine.buckets.create("alpha")
    await engine.buckets.create("beta", location="eu-west-1")
    assert created.created == clock.now and created.region == "us-east-1"
    assert (await engine.buckets.get("beta")).region == "eu-west-1"
    assert [b.name for b in await engine.buckets.list()] == ["alpha", "beta"]
    assert [b.name for b in await engine.buckets.list(prefix="b")] == ["beta"]


async def test_recreate_in_us_east_1_succeeds_as_s3_does(engine):
    first = await engine.buckets.create("alpha")
    assert await engine.buckets.create("alpha") == first


async def test_recreate_elsewhere_is_already_owned_by_you(engine):
    await engine.buckets.create("alpha", location="eu-west-1")
    with pytest.raises(errors.BucketAlreadyOwnedByYou) as caught:
        await engine.buckets.create("alpha", location="eu-west-1")
    assert caught.value.status == 409
    assert caught.value.message == ("Your previous request to create the named bucket "
                                    "succeeded and you already own it.")
    assert caught.value.extra == {"BucketName": "alpha"}


async def test_us_east_1_as_location_constraint_is_invalid(engine):
    with pytest.raises(errors.InvalidLocationConstraint):
        await engine.buckets.create("alpha", location="us-east-1")


@pytest.mark.parametrize("name", [
    "ab", "a" * 64, "Upper", "under_score", "-start", "end-", "two..dots", "192.168.5.4",
    "xn--punycode", "bucket-s3alias", "dot.-dash", "sthree-x",
])
async def test_invalid_bucket_names(engine, name):
    with pytest.raises(errors.InvalidBucketName) as caught:
        await engine.buckets.create(name)
    assert caught.value.message == "The specified bucket is not valid."


@pytest.mark.parametrize("name", ["abc", "a" * 63, "my.site.example", "9lives", "a-b-c"])
async def test_valid_bucket_names(engine, name):
    assert (await engine.buckets.create(name)).name == name


async def test_missing_bucket(engine):
    with pytest.raises(errors.NoSuchBucket) as caught:
        await engine.buckets.get("ghost")
    assert caught.value.status == 404
    assert caught.value.message == "The specified bucket does not exist"


async def test_delete_non_empty_bucket_is_bucket_not_empty(engine, s3, bucket):
    await s3.put(bucket, "k", b"x")
    with pytest.raises(errors.BucketNotEmpty) as caught:
        await engine.buckets.delete(bucket)
    assert caught.value.status == 409
    await engine.objects.delete(bucket, "k")
    await engine.buckets.delete(bucket)
    with pytest.raises(errors.NoSuchBucket):
        await engine.buckets.get(bucket)


async def test_an_upload_in_progress_goes_with_its_bucket(engine, s3, bucket, data_dir):
    up = await engine.uploads.create(CreateUpload(bucket, "k"))
    await engine.uploads.upload_part(bucket, "k", up.upload_id, 1, s3.body(b"x" * 1000))
    await engine.buckets.delete(bucket)
    assert not [p for p in (data_dir / "bodies").rglob("*") if p.is_file()]
    await engine.buckets.create(bucket)
    assert (await engine.uploads.list_uploads(bucket)).uploads == ()
    with pytest.raises(errors.NoSuchUpload):
        await engine.uploads.list_parts(bucket, "k", up.upload_id)


async def test_delete_missing_bucket(engine):
    with pytest.raises(errors.NoSuchBucket):
        await engine.buckets.delete("ghost")


async def test_buckets_survive_a_restart(engine, data_dir, s3, bucket):
    from fogbank.objects import ObjectsEngine
    await s3.put(bucket, "k", b"kept" * 100_000)
    await engine.close()
    again = ObjectsEngine(data_dir, sweep_interval_s=0)
    await again.start()
    try:
        assert [b.name for b in await again.buckets.list()] == [bucket]
        from fogbank.objects import GetObject
        got = await again.objects.get(GetObject(bucket, "k"))
        assert b"".join([c async for c in got.body]) == b"kept" * 100_000
    finally:
        await again.close()
        await engine.start()       # the fixture closes it again
