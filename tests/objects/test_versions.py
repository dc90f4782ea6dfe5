"""The engine's versions: what each write and delete leaves, listing, bodies, restarts."""
from __future__ import annotations

import sqlite3

import pytest

from fogbank.objects import BucketConfig, GetObject, ObjectsEngine, errors
from fogbank.objects.storage.files import FileBodies
from fogbank.objects.storage.sqlite import SqliteMetaStore

pytestmark = pytest.mark.anyio


async def versioning(engine: ObjectsEngine, bucket: str, status: str) -> None:
    await engine.configs.put(bucket, BucketConfig.VERSIONING, {"Status": status})


async def listed(engine: ObjectsEngine, bucket: str, **fields) -> list[tuple]:
    page = await engine.objects.list_versions(bucket, **fields)
    return [(v.info.key, v.info.version_id, v.is_latest, v.info.delete_marker)
            for v in page.versions]


async def test_a_bucket_never_versioned_writes_no_version(engine, s3, bucket):
    result = await s3.put(bucket, "k", b"x")
    assert result.version_id is None
    assert (await engine.objects.head(GetObject(bucket, "k"))).version_id is None
    assert await listed(engine, bucket) == [("k", "null", True, False)]


async def test_versions_list_newest_first_per_key(engine, s3, bucket, clock):
    await versioning(engine, bucket, "Enabled")
    a1 = (await s3.put(bucket, "a", b"1")).version_id
    clock.advance(1)
    a2 = (await s3.put(bucket, "a", b"2")).version_id
    b1 = (await s3.put(bucket, "b", b"1")).version_id
    marker = (await engine.objects.delete(bucket, "a")).version_id
    assert await listed(engine, bucket) == [
        ("a", marker, True, True), ("a", a2, False, False), ("a", a1, False, False),
        ("b", b1, True, False)]
    assert await s3.keys(bucket) == ["b"]


async def test_version_pages_resume_after_their_markers(engine, s3, bucket):
    await versioning(engine, bucket, "Enabled")
    for key in ("a", "a", "a", "b", "c"):
        await s3.put(bucket, key, b"x")
    everything = await listed(engine, bucket)
    seen, key_marker, version_marker = [], "", ""
    while True:
        page = await engine.objects.list_versions(bucket, max_keys=2, key_marker=key_marker,
                                                  version_id_marker=version_marker)
        seen += [(v.info.key, v.info.version_id, v.is_latest, v.info.delete_marker)
                 for v in page.versions]
        if not page.is_truncated:
            break
        key_marker, version_marker = page.next_key_marker, page.next_version_id_marker
    assert seen == everything and len(seen) == 5
    # A key marker alone starts after every version of that key.
    assert [k for k, *_ in await listed(engine, bucket, key_marker="a")] == ["b", "c"]


async def test_version_listing_rolls_up_common_prefixes(engine, s3, bucket):
    await versioning(engine, bucket, "Enabled")
    for key in ("dir/a", "dir/b", "dir/a", "top", "zz/x"):
        await s3.put(bucket, key, b"x")
    page = await engine.objects.list_versions(bucket, delimiter="/")
    assert page.common_prefixes == ("dir/", "zz/")
    assert [v.info.key for v in page.versions] == ["top"]
    page = await engine.objects.list_versions(bucket, prefix="dir/", max_keys=2)
    assert [v.info.key for v in page.versions] == ["dir/a", "dir/a"]
    assert page.is_truncated and page.next_key_marker == "dir/a"


async def test_a_version_id_marker_needs_a_key_marker(engine, bucket):
    with pytest.raises(errors.InvalidArgument):
        await engine.objects.list_versions(bucket, version_id_marker="null")
    with pytest.raises(errors.InvalidArgument):
        await engine.objects.list_versions(bucket, key_marker="a", version_id_marker="bad!")


async def test_replacing_the_null_version_drops_its_body(engine, s3, bucket, data_dir):
    await s3.put(bucket, "k", b"a" * 300_000)            # a body file, not inline
    await versioning(engine, bucket, "Suspended")
    await s3.put(bucket, "k", b"b" * 300_000)
    assert len(list(FileBodies(data_dir).ids())) == 1
    await versioning(engine, bucket, "Enabled")
    await s3.put(bucket, "k", b"c" * 300_000)              # the null one stays, noncurrent
    assert len(list(FileBodies(data_dir).ids())) == 2
    await engine.objects.delete(bucket, "k", version_id="null")
    assert len(list(FileBodies(data_dir).ids())) == 1
    assert await s3.get(bucket, "k") == b"c" * 300_000


async def test_removing_the_current_version_promotes_the_next(engine, s3, bucket):
    await versioning(engine, bucket, "Enabled")
    first = (await s3.put(bucket, "k", b"1")).version_id
    marker = (await engine.objects.delete(bucket, "k")).version_id
    second = (await s3.put(bucket, "k", b"2")).version_id
    await engine.objects.delete(bucket, "k", version_id=second)
    with pytest.raises(errors.NoSuchKey) as exc:               # the marker is latest again
        await engine.objects.head(GetObject(bucket, "k"))
    assert exc.value.info.version_id == marker
    done = await engine.objects.delete(bucket, "k", version_id=marker)
    assert done.delete_marker and done.version_id == marker
    assert (await engine.objects.head(GetObject(bucket, "k"))).version_id == first


async def test_delete_marker_notifications_carry_the_version(engine, s3, bucket, queue):
    await versioning(engine, bucket, "Enabled")
    await engine.configs.put(bucket, BucketConfig.NOTIFICATION, {
        "LambdaFunctionConfigurations": [{
            "LambdaFunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:audit",
            "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}]})
    version = (await s3.put(bucket, "k", b"x")).version_id
    marker = (await engine.objects.delete(bucket, "k")).version_id
    await engine.objects.delete(bucket, "k", version_id=version)
    events = [(p["Records"][0]["eventName"], p["Records"][0]["s3"]["object"].get("versionId"))
              for _, p in queue.sent]
    assert events == [("ObjectCreated:Put", version),
                      ("ObjectRemoved:DeleteMarkerCreated", marker),
                      ("ObjectRemoved:Delete", version)]


async def test_notifications_of_an_unversioned_bucket_name_no_version(engine, s3, bucket, queue):
    await engine.configs.put(bucket, BucketConfig.NOTIFICATION, {
        "LambdaFunctionConfigurations": [{
            "LambdaFunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:audit",
            "Events": ["s3:ObjectCreated:*"]}]})
    await s3.put(bucket, "k", b"x")
    [(_, payload)] = queue.sent
    assert "versionId" not in payload["Records"][0]["s3"]["object"]


async def test_versions_survive_a_restart(engine, s3, bucket, data_dir):
    await versioning(engine, bucket, "Enabled")
    old = (await s3.put(bucket, "k", b"old" * 100_000)).version_id
    await s3.put(bucket, "k", b"new")
    await engine.close()
    again = ObjectsEngine(data_dir, sweep_interval_s=0)
    await again.start()
    try:
        got = await again.objects.get(GetObject(bucket, "k", version_id=old))
        assert b"".join([c async for c in got.body]) == b"old" * 100_000
        assert await again.objects.versioning(bucket) == "Enabled"
        page = await again.objects.list_versions(bucket)
        assert [v.info.version_id for v in page.versions][1] == old
    finally:
        await again.close()


def test_an_older_metadata_file_gains_versions(tmp_path):
    path = tmp_path / "metadata.db"
    with sqlite3.connect(path) as conn:          # the objects table before versions
        conn.execute(
            "CREATE TABLE objects (bucket TEXT NOT NULL, key TEXT NOT NULL, "
            "size INTEGER NOT NULL, etag TEXT NOT NULL, last_modified REAL NOT NULL, "
            "headers TEXT NOT NULL, metadata TEXT NOT NULL, checksum TEXT, "
            "parts_count INTEGER, tags TEXT NOT NULL, inline BLOB, files TEXT NOT NULL, "
            "parts TEXT, encryption TEXT)")
        conn.execute("INSERT INTO objects VALUES ('b', 'k', 1, '\"e\"', 1.0, '{}', '{}', "
                     "NULL, NULL, '{}', X'78', '[]', NULL, NULL)")
    store = SqliteMetaStore(path)
    try:
        record = store.get_object("b", "k")
        assert record is not None and record.info.version_id is None
        assert [r.info.version_id for r in store.key_versions("b", "k")] == [None]
        assert store.has_objects("b")
    finally:
        store.close()
