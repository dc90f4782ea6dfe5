"""Logging, request payment and acceleration documents in the engine: checked, answered for
a bucket that never set them, and kept across a restart."""
from __future__ import annotations

import pytest

from fogbank.objects import BucketConfig, ObjectsEngine, bucket_settings, errors

pytestmark = pytest.mark.anyio


def test_logging_documents():
    assert bucket_settings.check_logging({}) == {}
    assert bucket_settings.check_logging({"LoggingEnabled": {"TargetBucket": "logs"}}) == {
        "LoggingEnabled": {"TargetBucket": "logs", "TargetPrefix": ""}}
    simple = {"TargetBucket": "logs", "TargetPrefix": "p/",
              "TargetObjectKeyFormat": {"SimplePrefix": {}}}
    assert bucket_settings.check_logging({"LoggingEnabled": simple}) == {
        "LoggingEnabled": simple}
    for wrong in ({"LoggingEnabled": {}}, {"Other": 1},
                  {"LoggingEnabled": {"TargetBucket": "l", "TargetGrants": [
                      {"Grantee": {"Type": "Group"}, "Permission": "READ_ALL"}]}},
                  {"LoggingEnabled": {"TargetBucket": "l", "TargetObjectKeyFormat": {
                      "PartitionedPrefix": {"PartitionDateSource": "Now"}}}}):
        with pytest.raises(ValueError):
            bucket_settings.check_logging(wrong)


def test_payment_and_acceleration_documents():
    assert bucket_settings.check_request_payment({"Payer": "Requester"}) == {
        "Payer": "Requester"}
    assert bucket_settings.check_accelerate({"Status": "Suspended"}) == {"Status": "Suspended"}
    for wrong in ({}, {"Payer": "Someone"}, {"Payer": "Requester", "Extra": 1}):
        with pytest.raises(ValueError):
            bucket_settings.check_request_payment(wrong)
    for wrong in ({}, {"Status": "Disabled"}):
        with pytest.raises(ValueError):
            bucket_settings.check_accelerate(wrong)


async def test_defaults_and_refusals(engine):
    await engine.buckets.create("source")
    assert await engine.configs.get("source", BucketConfig.LOGGING) == {}
    assert await engine.configs.get("source", BucketConfig.REQUEST_PAYMENT) == {
        "Payer": "BucketOwner"}
    assert await engine.configs.get("source", BucketConfig.ACCELERATE) == {}
    with pytest.raises(errors.InvalidTargetBucketForLogging):
        await engine.configs.put("source", BucketConfig.LOGGING,
                                 {"LoggingEnabled": {"TargetBucket": "absent"}})
    await engine.buckets.create("far", location="eu-west-1")
    with pytest.raises(errors.CrossLocationLoggingProhibitted):
        await engine.configs.put("source", BucketConfig.LOGGING,
                                 {"LoggingEnabled": {"TargetBucket": "far"}})
    await engine.buckets.create("my.site")
    with pytest.raises(errors.InvalidRequest):
        await engine.configs.put("my.site", BucketConfig.ACCELERATE, {"Status": "Enabled"})
    with pytest.raises(errors.MalformedXML):
        await engine.configs.put("source", BucketConfig.REQUEST_PAYMENT, {"Payer": "Anyone"})


async def test_settings_survive_a_restart(engine, data_dir):
    await engine.buckets.create("source")
    await engine.buckets.create("logs")
    await engine.configs.put("source", BucketConfig.LOGGING,
                             {"LoggingEnabled": {"TargetBucket": "logs", "TargetPrefix": "s/"}})
    await engine.configs.put("source", BucketConfig.REQUEST_PAYMENT, {"Payer": "Requester"})
    await engine.configs.put("source", BucketConfig.ACCELERATE, {"Status": "Enabled"})
    await engine.close()
    again = ObjectsEngine(data_dir, sweep_interval_s=0)
    await again.start()
    try:
        assert await again.configs.get("source", BucketConfig.LOGGING) == {
            "LoggingEnabled": {"TargetBucket": "logs", "TargetPrefix": "s/"}}
        assert await again.configs.get("source", BucketConfig.REQUEST_PAYMENT) == {
            "Payer": "Requester"}
        assert await again.configs.get("source", BucketConfig.ACCELERATE) == {
            "Status": "Enabled"}
    finally:
        await again.close()
        await engine.start()       # the fixture closes it again
