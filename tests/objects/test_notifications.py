"""Object events become S3 event records queued for the configured functions."""
from __future__ import annotations

import pytest

from fogbank.objects import (Acl, BucketConfig, Caller, CompletedPart, ContentHeaders,
                             CopyObject, CopySource, CreateUpload)

pytestmark = pytest.mark.anyio
ARN = "arn:aws:lambda:us-east-1:000000000000:function:{}"


def target(name, events, prefix=None, suffix=None, id_=None):
    rules = [{"Name": "prefix", "Value": prefix}] if prefix else []
    rules += [{"Name": "Suffix", "Value": suffix}] if suffix else []
    config = {"LambdaFunctionArn": ARN.format(name), "Events": events}
    if rules:
        config["Filter"] = {"Key": {"FilterRules": rules}}
    if id_:
        config["Id"] = id_
    return config


@pytest.fixture
async def notified(engine, bucket):
    await engine.configs.put(bucket, BucketConfig.NOTIFICATION, {
        "LambdaFunctionConfigurations": [
            target("thumbs", ["s3:ObjectCreated:*"], prefix="uploads/", suffix=".jpg",
                   id_="thumbs-config"),
            target("audit", ["s3:ObjectRemoved:*"]),
        ]})
    return bucket


async def test_put_gives_s3s_record(s3, notified, queue, clock):
    result = await s3.put(notified, "uploads/my photo+1.jpg", b"jpeg")
    [(name, payload)] = queue.sent
    assert name == "thumbs"
    [record] = payload["Records"]
    assert record["eventVersion"] == "2.1"
    assert record["eventSource"] == "aws:s3"
    assert record["awsRegion"] == "us-east-1"
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["eventTime"] == "2023-11-14T22:13:20.000Z"
    s3_part = record["s3"]
    assert s3_part["s3SchemaVersion"] == "1.0"
    assert s3_part["configurationId"] == "thumbs-config"
    assert s3_part["bucket"]["name"] == notified
    assert s3_part["bucket"]["arn"] == f"arn:aws:s3:::{notified}"
    obj = s3_part["object"]
    assert obj["key"] == "uploads/my+photo%2B1.jpg"           # URL-encoded, as S3 sends it
    assert obj["size"] == 4
    assert obj["eTag"] == result.etag.strip('"')
    assert isinstance(obj["sequencer"], str) and len(obj["sequencer"]) == 18


async def test_filters_skip_other_keys(s3, notified, queue):
    await s3.put(notified, "uploads/readme.txt", b"x")
    await s3.put(notified, "other/a.jpg", b"x")
    assert queue.sent == []


async def test_delete_event(s3, engine, notified, queue):
    await s3.put(notified, "doc.txt", b"x")
    await engine.objects.delete(notified, "doc.txt")
    [(name, payload)] = queue.sent
    record = payload["Records"][0]
    assert name == "audit" and record["eventName"] == "ObjectRemoved:Delete"
    assert "size" not in record["s3"]["object"]


async def test_sequencers_increase(s3, notified, queue):
    for i in range(3):
        await s3.put(notified, f"uploads/{i}.jpg", b"x")
    sequencers = [p["Records"][0]["s3"]["object"]["sequencer"] for _, p in queue.sent]
    assert sequencers == sorted(sequencers) and len(set(sequencers)) == 3


async def test_copy_and_multipart_events(s3, engine, notified, queue):
    await s3.put(notified, "src", b"x")
    await engine.objects.copy(CopyObject(CopySource(notified, "src"), notified,
                                         "uploads/c.jpg"))
    up = await engine.uploads.create(CreateUpload(notified, "uploads/m.jpg"))
    part = await engine.uploads.upload_part(notified, "uploads/m.jpg", up.upload_id, 1,
                                            s3.body(b"y"))
    await engine.uploads.complete(notified, "uploads/m.jpg", up.upload_id,
                                  [CompletedPart(1, part.etag)])
    names = [p["Records"][0]["eventName"] for _, p in queue.sent]
    assert names == ["ObjectCreated:Copy", "ObjectCreated:CompleteMultipartUpload"]


async def test_a_failing_queue_does_not_fail_the_write(engine, bucket, s3):
    async def broken(name, payload):
        raise RuntimeError("queue down")
    engine.objects._notifier._enqueue = broken        # a queue that fails, not the notifier
    await engine.configs.put(bucket, BucketConfig.NOTIFICATION, {
        "LambdaFunctionConfigurations": [target("f", ["s3:ObjectCreated:Put"])]})
    await s3.put(bucket, "k", b"x")
    assert await s3.get(bucket, "k") == b"x"


async def test_queue_configurations_are_kept_but_not_delivered(engine, bucket, s3, queue):
    document = {"QueueConfigurations": [{"QueueArn": "arn:aws:sqs:us-east-1:0:q",
                                         "Events": ["s3:ObjectCreated:*"], "Id": "q"}]}
    await engine.configs.put(bucket, BucketConfig.NOTIFICATION, document)
    assert await engine.configs.get(bucket, BucketConfig.NOTIFICATION) == document
    await s3.put(bucket, "k", b"x")
    assert queue.sent == []


async def test_through_the_durable_async_queue(data_dir, tmp_path, clock):
    """An upload reaches the function through messaging's AsyncInvoker, payload intact."""
    import asyncio
    import json as json_
    from fogbank.messaging import AsyncInvoker
    from fogbank.objects import ObjectsEngine, PutObject
    from fogbank.types import InvokeResult

    delivered: list[tuple[str, dict]] = []
    arrived = asyncio.Event()

    async def invoke(name: str, payload: bytes, *, request_id: str | None = None) -> InvokeResult:
        delivered.append((name, json_.loads(payload)))
        arrived.set()
        return InvokeResult("rid", b"null")

    invoker = AsyncInvoker(tmp_path / "async.db", invoke, poll_s=0.05)
    await invoker.start()
    engine = ObjectsEngine(data_dir, clock=clock, enqueue=invoker.enqueue, sweep_interval_s=0)
    await engine.start()
    try:
        await engine.buckets.create("inbox")
        await engine.configs.put("inbox", BucketConfig.NOTIFICATION, {
            "LambdaFunctionConfigurations": [target("process", ["s3:ObjectCreated:Put"])]})

        async def one():
            yield b"payload"
        await engine.objects.put(PutObject("inbox", "in/a b.txt", one()))
        await asyncio.wait_for(arrived.wait(), 30)
    finally:
        await engine.close()
        await invoker.close()
    [(name, payload)] = delivered
    assert name == "process"
    assert payload["Records"][0]["s3"]["object"]["key"] == "in/a+b.txt"
    assert payload["Records"][0]["s3"]["object"]["size"] == 7


async def test_a_qualified_function_arn_invokes_that_alias(s3, engine, bucket, queue):
    # SAM's AutoPublishAlias points a function's S3 events at its alias.
    await engine.configs.put(bucket, BucketConfig.NOTIFICATION, {
        "LambdaFunctionConfigurations": [target("thumbs:live", ["s3:ObjectCreated:*"])]})
    await s3.put(bucket, "a.jpg", b"x")
    assert [name for name, _ in queue.sent] == ["thumbs:live"]


@pytest.fixture
async def subresources(engine, bucket):
    await engine.configs.put(bucket, BucketConfig.NOTIFICATION, {
        "LambdaFunctionConfigurations": [
            target("tags", ["s3:ObjectTagging:*"], id_="tags-config"),
            target("acls", ["s3:ObjectAcl:Put"], id_="acl-config"),
        ]})
    return bucket


async def test_tagging_and_acl_changes_give_version_2_3_records(s3, engine, subresources,
                                                                 queue):
    # As recorded from S3: the object by key and ETag, no size and no sequencer.
    put = await s3.put(subresources, "a b.txt", b"tagged")
    await engine.objects.put_tags(subresources, "a b.txt", {"team": "x"},
                                  caller=Caller(request_id="R1"))
    await engine.objects.delete_tags(subresources, "a b.txt")
    await engine.objects.put_acl(subresources, "a b.txt", Acl(canned="bucket-owner-full-control"))
    sent = [(name, p["Records"][0]) for name, p in queue.sent]
    assert [(name, r["eventName"]) for name, r in sent] == [
        ("tags", "ObjectTagging:Put"), ("tags", "ObjectTagging:Delete"),
        ("acls", "ObjectAcl:Put")]
    for _, record in sent:
        assert record["eventVersion"] == "2.3"
        assert record["s3"]["object"] == {"key": "a+b.txt", "eTag": put.etag.strip('"')}
    assert sent[0][1]["responseElements"]["x-amz-request-id"] == "R1"
    assert sent[2][1]["s3"]["configurationId"] == "acl-config"


async def test_tagging_records_name_the_version_in_a_versioned_bucket(s3, engine,
                                                                      subresources, queue):
    await engine.configs.put(subresources, BucketConfig.VERSIONING, {"Status": "Enabled"})
    await s3.put(subresources, "k", b"one")
    version = await engine.objects.put_tags(subresources, "k", {"a": "b"})
    [(_, payload)] = queue.sent
    assert version and payload["Records"][0]["s3"]["object"]["versionId"] == version


async def test_lifecycle_records_are_version_2_3(engine, bucket, queue):
    record = engine.objects._notifier.record(bucket, "LifecycleExpiration:Delete", "k",
                                             Caller(), size=None, etag=None,
                                             configuration_id="c")
    assert record["eventVersion"] == "2.3" and "sequencer" in record["s3"]["object"]


async def test_a_restore_gives_post_then_completed_records(s3, engine, bucket, queue):
    # As recorded against AWS (LocalStack's test_s3_notifications_sqs::test_restore_object):
    # Post by the caller; Completed by S3 for the owner, with glacierEventData; both 2.1,
    # with the object's size, ETag and a sequencer.
    await engine.configs.put(bucket, BucketConfig.NOTIFICATION, {
        "LambdaFunctionConfigurations": [target("restores", ["s3:ObjectRestore:*"])]})
    put = await s3.put(bucket, "cold", b"something",
                       headers=ContentHeaders(storage_class="GLACIER"))
    assert await engine.objects.restore(bucket, "cold", 1,
                                        caller=Caller(request_id="R1")) is False
    post, completed = [payload["Records"][0] for _, payload in queue.sent]
    assert [post["eventName"], completed["eventName"]] == [
        "ObjectRestore:Post", "ObjectRestore:Completed"]
    for record in (post, completed):
        assert record["eventVersion"] == "2.1"
        obj = record["s3"]["object"]
        assert (obj["key"], obj["size"], obj["eTag"]) == ("cold", 9, put.etag.strip('"'))
        assert "sequencer" in obj and "versionId" not in obj
    assert "glacierEventData" not in post
    assert post["responseElements"]["x-amz-request-id"] == "R1"
    # START is 2023-11-14T22:13:20Z: one day on is the 15th, so the copy lasts to the 16th.
    assert completed["glacierEventData"] == {"restoreEventData": {
        "lifecycleRestorationExpiryTime": "2023-11-16T00:00:00.000Z",
        "lifecycleRestoreStorageClass": "GLACIER"}}
    assert completed["userIdentity"]["principalId"] == \
        "AmazonCustomer:" + completed["s3"]["bucket"]["ownerIdentity"]["principalId"]
