"""Lifecycle rules in versioned buckets: delete markers, noncurrent versions, lone markers."""
from __future__ import annotations

import pytest

from fogbank.objects import BucketConfig, GetObject, errors

pytestmark = pytest.mark.anyio
DAY = 86400


async def setup(engine, bucket, *rules, status="Enabled"):
    await engine.configs.put(bucket, BucketConfig.VERSIONING, {"Status": status})
    await engine.configs.put(bucket, BucketConfig.LIFECYCLE, {"Rules": list(rules)})


async def version_ids(engine, bucket):
    page = await engine.objects.list_versions(bucket)
    return [(v.info.version_id, v.info.delete_marker) for v in page.versions]


async def test_an_expiring_object_gets_a_delete_marker(engine, s3, bucket, clock, queue):
    await setup(engine, bucket, {"ID": "r", "Status": "Enabled", "Filter": {},
                                 "Expiration": {"Days": 1}})
    await engine.configs.put(bucket, BucketConfig.NOTIFICATION, {
        "LambdaFunctionConfigurations": [{
            "LambdaFunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:audit",
            "Events": ["s3:LifecycleExpiration:*"]}]})
    version = (await s3.put(bucket, "k", b"x")).version_id
    clock.advance(2 * DAY)
    assert await engine.sweeper.sweep() == 1
    with pytest.raises(errors.NoSuchKey):
        await engine.objects.head(GetObject(bucket, "k"))
    [(marker, is_marker), (kept, was_marker)] = await version_ids(engine, bucket)
    assert (is_marker, kept, was_marker) == (True, version, False)
    [(_, payload)] = queue.sent
    record = payload["Records"][0]
    assert record["eventName"] == "LifecycleExpiration:DeleteMarkerCreated"
    assert record["s3"]["object"]["versionId"] == marker
    assert await engine.sweeper.sweep() == 0              # a marker does not expire again


async def test_noncurrent_versions_expire_after_their_days(engine, s3, bucket, clock):
    await setup(engine, bucket, {"ID": "r", "Status": "Enabled", "Filter": {},
                                 "NoncurrentVersionExpiration": {"NoncurrentDays": 1}})
    await s3.put(bucket, "k", b"1")
    clock.advance(3 * DAY)
    await s3.put(bucket, "k", b"2")                   # "1" noncurrent from now
    newest = (await s3.put(bucket, "k", b"3")).version_id
    assert await engine.sweeper.sweep() == 0
    clock.advance(2 * DAY)
    assert await engine.sweeper.sweep() == 2
    assert await version_ids(engine, bucket) == [(newest, False)]


async def test_newer_noncurrent_versions_are_kept(engine, s3, bucket, clock):
    await setup(engine, bucket, {"ID": "r", "Status": "Enabled", "Filter": {},
                                 "NoncurrentVersionExpiration": {
                                     "NoncurrentDays": 1, "NewerNoncurrentVersions": 1}})
    ids = [(await s3.put(bucket, "k", data)).version_id for data in (b"1", b"2", b"3")]
    clock.advance(3 * DAY)
    assert await engine.sweeper.sweep() == 1
    assert await version_ids(engine, bucket) == [(ids[2], False), (ids[1], False)]


async def test_a_lone_delete_marker_expires(engine, s3, bucket, clock):
    await setup(engine, bucket,
                {"ID": "old", "Status": "Enabled", "Filter": {},
                 "NoncurrentVersionExpiration": {"NoncurrentDays": 1}},
                {"ID": "markers", "Status": "Enabled", "Filter": {},
                 "Expiration": {"ExpiredObjectDeleteMarker": True}})
    await s3.put(bucket, "k", b"1")
    await engine.objects.delete(bucket, "k")
    await s3.put(bucket, "kept", b"x")
    clock.advance(3 * DAY)
    assert await engine.sweeper.sweep() == 2              # the version, then its marker
    kept = (await engine.objects.head(GetObject(bucket, "kept"))).version_id
    assert await version_ids(engine, bucket) == [(kept, False)]


async def test_a_suspended_bucket_expires_into_a_null_marker(engine, s3, bucket, clock):
    await setup(engine, bucket, {"ID": "r", "Status": "Enabled", "Filter": {},
                                 "Expiration": {"Days": 1}}, status="Suspended")
    await s3.put(bucket, "k", b"x" * 300_000)
    clock.advance(2 * DAY)
    assert await engine.sweeper.sweep() == 1
    assert await version_ids(engine, bucket) == [("null", True)]


async def test_locked_versions_outlast_their_expiration(engine, s3, bucket, clock):
    """Object Lock outranks lifecycle: a noncurrent version under retention or legal hold
    stays past its NoncurrentDays, and goes once the lock is gone."""
    await setup(engine, bucket, {"ID": "r", "Status": "Enabled", "Filter": {},
                                 "NoncurrentVersionExpiration": {"NoncurrentDays": 1}})
    await engine.configs.put(bucket, BucketConfig.OBJECT_LOCK, {"ObjectLockEnabled": "Enabled"})
    retained = (await s3.put(bucket, "k", b"1")).version_id
    held = (await s3.put(bucket, "k", b"2")).version_id
    newest = (await s3.put(bucket, "k", b"3")).version_id
    await engine.objects.put_retention(bucket, "k", "GOVERNANCE", clock() + 5 * DAY,
                                       version_id=retained)
    await engine.objects.put_legal_hold(bucket, "k", "ON", version_id=held)
    clock.advance(3 * DAY)
    assert await engine.sweeper.sweep() == 0
    assert [v for v, _ in await version_ids(engine, bucket)] == [newest, held, retained]
    await engine.objects.put_legal_hold(bucket, "k", "OFF", version_id=held)
    clock.advance(3 * DAY)                            # the retention has run out
    assert await engine.sweeper.sweep() == 2
    assert await version_ids(engine, bucket) == [(newest, False)]
