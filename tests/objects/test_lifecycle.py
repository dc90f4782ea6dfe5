"""Lifecycle rules applied by the sweeper, against a clock the test moves."""
from __future__ import annotations

import pytest

from fogbank.objects import BucketConfig, CreateUpload, errors

pytestmark = pytest.mark.anyio
DAY = 86400


async def rules(engine, bucket, *rules):
    await engine.configs.put(bucket, BucketConfig.LIFECYCLE, {"Rules": list(rules)})


async def test_objects_expire_at_midnight_after_their_days(engine, s3, bucket, clock):
    await rules(engine, bucket, {"ID": "tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
                                 "Expiration": {"Days": 1}})
    await s3.put(bucket, "tmp/a", b"x")          # 2023-11-14 22:13 → expires 2023-11-16 00:00
    await s3.put(bucket, "keep/a", b"x")
    clock.advance(DAY)
    assert await engine.sweeper.sweep() == 0
    clock.advance(2 * 3600)
    assert await engine.sweeper.sweep() == 1
    assert await s3.keys(bucket) == ["keep/a"]


async def test_disabled_rules_do_nothing(engine, s3, bucket, clock):
    await rules(engine, bucket, {"ID": "r", "Status": "Disabled", "Filter": {},
                                 "Expiration": {"Days": 1}})
    await s3.put(bucket, "a", b"x")
    clock.advance(10 * DAY)
    assert await engine.sweeper.sweep() == 0


async def test_date_expiration_and_tag_filter(engine, s3, bucket, clock):
    await rules(engine, bucket, {"ID": "r", "Status": "Enabled",
                                 "Filter": {"Tag": {"Key": "temp", "Value": "yes"}},
                                 "Expiration": {"Date": "2023-11-20T00:00:00.000Z"}})
    await s3.put(bucket, "tagged", b"x", tags={"temp": "yes"})
    await s3.put(bucket, "plain", b"x")
    assert await engine.sweeper.sweep() == 0
    clock.advance(6 * DAY)
    assert await engine.sweeper.sweep() == 1
    assert await s3.keys(bucket) == ["plain"]


async def test_size_filters(engine, s3, bucket, clock):
    await rules(engine, bucket, {"ID": "r", "Status": "Enabled",
                                 "Filter": {"And": {"Prefix": "", "ObjectSizeGreaterThan": 2}},
                                 "Expiration": {"Days": 1}})
    await s3.put(bucket, "small", b"x")
    await s3.put(bucket, "large", b"xxxx")
    clock.advance(3 * DAY)
    await engine.sweeper.sweep()
    assert await s3.keys(bucket) == ["small"]


async def test_expiration_notifies(engine, s3, bucket, clock, queue):
    await engine.configs.put(bucket, BucketConfig.NOTIFICATION, {
        "LambdaFunctionConfigurations": [{
            "LambdaFunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:f",
            "Events": ["s3:LifecycleExpiration:*"]}]})
    await rules(engine, bucket, {"ID": "r", "Status": "Enabled", "Filter": {},
                                 "Expiration": {"Days": 1}})
    await s3.put(bucket, "a", b"x")
    clock.advance(3 * DAY)
    await engine.sweeper.sweep()
    [(_, payload)] = queue.sent
    assert payload["Records"][0]["eventName"] == "LifecycleExpiration:Delete"


async def test_incomplete_uploads_are_aborted(engine, bucket, clock):
    await rules(engine, bucket, {"ID": "r", "Status": "Enabled", "Filter": {},
                                 "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2}})
    up = await engine.uploads.create(CreateUpload(bucket, "k"))
    clock.advance(DAY)
    assert await engine.sweeper.sweep() == 0
    clock.advance(2 * DAY)
    assert await engine.sweeper.sweep() == 1
    with pytest.raises(errors.NoSuchUpload):
        await engine.uploads.list_parts(bucket, "k", up.upload_id)


async def test_sweeper_runs_by_itself(data_dir, clock):
    import asyncio
    from fogbank.objects import ObjectsEngine, PutObject
    engine = ObjectsEngine(data_dir, clock=clock, sweep_interval_s=0.05)
    await engine.start()
    try:
        await engine.buckets.create("bucket-1")
        await rules(engine, "bucket-1", {"ID": "r", "Status": "Enabled", "Filter": {},
                                   "Expiration": {"Days": 1}})

        async def one():
            yield b"x"
        await engine.objects.put(PutObject("bucket-1", "a", one()))
        clock.advance(3 * DAY)
        for _ in range(600):                       # up to 30 s on a slow machine
            if not (await engine.objects.list_v2("bucket-1")).contents:
                break
            await asyncio.sleep(0.05)
        assert (await engine.objects.list_v2("bucket-1")).contents == ()
    finally:
        await engine.close()
