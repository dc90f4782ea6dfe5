"""Storage: keys never become paths, bodies are files named by Fogbank, small bodies are
inline, durable settings, and leftovers of a crash are cleaned."""
from __future__ import annotations

import os
import sqlite3
from dataclasses import replace

import pytest

from fogbank.objects import GetObject
from fogbank.objects.storage.files import FileBodies
from fogbank.objects.storage.sqlite import SqliteMetaStore

pytestmark = pytest.mark.anyio

CRAFTED = [
    "../escape", "../../../../tmp/evil", "a/../../b", "%2e%2e/%2e%2e/x", "..%2F..%2Fx",
    "/absolute/path", "//double", "./dot", "..", ".", "trailing/", "back\\slash\\..\\x",
    "nul-ish\x01\x1f", "spaces  and\ttabs", "ünïcødé/文件/🙂", "a" * 1024, "é" * 512,
    "?query=1&x#frag", "percent%20encoded%", "+plus+", "CON", "quote\"'<>",
]


@pytest.mark.parametrize("key", CRAFTED)
async def test_crafted_keys_round_trip_and_stay_inside(s3, bucket, data_dir, tmp_path, key):
    before = set(tmp_path.parent.iterdir())
    data = key.encode() * 3
    await s3.put(bucket, key, data)
    large = key[:400] + "-large"                      # a body kept in a file
    await s3.put(bucket, large, b"L" * 300_000)
    assert await s3.get(bucket, key) == data
    assert await s3.get(bucket, large) == b"L" * 300_000
    assert {key, large} <= set(await s3.keys(bucket))
    assert set(tmp_path.parent.iterdir()) == before
    for path in data_dir.rglob("*"):
        assert path.resolve().is_relative_to(data_dir.resolve())
        assert path.is_dir() or path.name.startswith("metadata.db") or (
            path.parent.parent.name == "bodies" and len(path.name) == 32)


async def test_bodies_are_named_by_ids_and_small_ones_stay_inline(s3, bucket, data_dir):
    await s3.put(bucket, "small", b"x" * 1000)
    assert not [p for p in (data_dir / "bodies").rglob("*") if p.is_file()]
    await s3.put(bucket, "large", b"y" * 200_000)
    [body] = [p for p in (data_dir / "bodies").rglob("*") if p.is_file()]
    assert len(body.name) == 32 and body.parent.name == body.name[:2]
    assert body.read_bytes() == b"y" * 200_000


async def test_replaced_and_deleted_bodies_are_removed(s3, engine, bucket, data_dir):
    await s3.put(bucket, "k", b"1" * 200_000)
    await s3.put(bucket, "k", b"2" * 200_000)
    assert len([p for p in (data_dir / "bodies").rglob("*") if p.is_file()]) == 1
    await engine.objects.delete(bucket, "k")
    assert not [p for p in (data_dir / "bodies").rglob("*") if p.is_file()]


async def test_metadata_is_durable_sqlite(engine, data_dir):
    with sqlite3.connect(data_dir / "metadata.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_a_failed_upload_leaves_no_file(s3, bucket, data_dir):
    async def broken():
        yield b"x" * 2_000_000
        raise ConnectionError("client went away")

    from fogbank.objects import PutObject
    with pytest.raises(ConnectionError):
        await s3.engine.objects.put(PutObject(bucket, "k", broken()))
    assert not [p for p in data_dir.rglob("*") if p.is_file() and p.parent.name != "objects"]
    with pytest.raises(Exception):
        await s3.engine.objects.head(GetObject(bucket, "k"))


def test_half_written_bodies_are_removed_on_start(tmp_path):
    (tmp_path / "tmp").mkdir()
    (tmp_path / "tmp" / ("0" * 32)).write_bytes(b"half")
    FileBodies(tmp_path)
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize("body_id", ["../x", "0" * 31, "G" * 32, "/etc/passwd"])
def test_body_ids_are_checked_before_becoming_paths(tmp_path, body_id):
    bodies = FileBodies(tmp_path)
    with pytest.raises(ValueError):
        bodies.open(body_id)


def test_a_committed_body_is_in_place(tmp_path):
    bodies = FileBodies(tmp_path)
    writer = bodies.writer()
    writer.write([b"ab", b"c"])
    body_id = writer.commit()
    fd = bodies.open(body_id)
    try:
        assert os.read(fd, 10) == b"abc"
    finally:
        os.close(fd)
    assert list(bodies.ids()) == [body_id]
    bodies.remove([body_id])
    assert list(bodies.ids()) == []


async def test_unreferenced_bodies_are_collected_on_start(s3, engine, bucket, data_dir):
    await s3.put(bucket, "kept", b"k" * 200_000)
    orphan = FileBodies(data_dir).writer()
    orphan.write([b"crash"])
    orphan_id = orphan.commit()
    await engine.close()
    await engine.start()
    assert orphan_id not in set(FileBodies(data_dir).ids())
    assert await s3.get(bucket, "kept") == b"k" * 200_000


def older_file(tmp_path, *statements: str) -> SqliteMetaStore:
    """A metadata file made by an older Fogbank (its statements), opened by this one."""
    path = tmp_path / "metadata.db"
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)
    return SqliteMetaStore(path)


def test_an_older_metadata_file_gains_the_parts_column(tmp_path):
    store = older_file(              # the objects table before parts were kept
        tmp_path,
        "CREATE TABLE objects (bucket TEXT NOT NULL, key TEXT NOT NULL, "
        "size INTEGER NOT NULL, etag TEXT NOT NULL, last_modified REAL NOT NULL, "
        "headers TEXT NOT NULL, metadata TEXT NOT NULL, checksum TEXT, "
        "parts_count INTEGER, tags TEXT NOT NULL, inline BLOB, files TEXT NOT NULL)",
        "INSERT INTO objects VALUES ('b', 'k', 2, '\"e-2\"', 1.0, '{}', '{}', NULL, "
        "2, '{}', NULL, '[[\"id1\", 1], [\"id2\", 1]]')")
    try:
        record = store.get_object("b", "k")
        assert record is not None and record.parts == () and record.info.parts_count == 2
        assert record.info.encryption.algorithm == "AES256"     # SSE-S3, S3's default
    finally:
        store.close()


def test_an_older_metadata_file_gains_the_uploads_encryption_column(tmp_path):
    store = older_file(              # the uploads table before encryption was kept
        tmp_path,
        "CREATE TABLE uploads (upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, "
        "key TEXT NOT NULL, initiated REAL NOT NULL, headers TEXT NOT NULL, "
        "metadata TEXT NOT NULL, tags TEXT, checksum_algorithm TEXT, checksum_type TEXT)",
        "INSERT INTO uploads VALUES ('u1', 'b', 'k', 1.0, '{}', '{}', NULL, NULL, NULL)")
    try:
        record = store.get_upload("u1")
        assert record is not None and record.upload.encryption.algorithm == "AES256"
    finally:
        store.close()


def test_an_older_metadata_file_gains_the_versions_restore_column(tmp_path):
    store = older_file(              # the versions table before restores were kept
        tmp_path,
        "CREATE TABLE versions (bucket TEXT NOT NULL, key TEXT NOT NULL, "
        "size INTEGER NOT NULL, etag TEXT NOT NULL, last_modified REAL NOT NULL, "
        "headers TEXT NOT NULL, metadata TEXT NOT NULL, checksum TEXT, "
        "parts_count INTEGER, tags TEXT NOT NULL, inline BLOB, files TEXT NOT NULL, "
        "parts TEXT, encryption TEXT, version_id TEXT NOT NULL, "
        "delete_marker INTEGER NOT NULL, seq INTEGER NOT NULL)",
        "INSERT INTO versions VALUES ('b', 'k', 1, '\"e\"', 1.0, "
        "'{\"storage_class\": \"GLACIER\"}', '{}', NULL, NULL, '{}', X'61', '[]', NULL, NULL, "
        "'v1', 0, 1)")
    try:
        record = store.get_version("b", "k", "v1")
        assert record is not None and record.info.restore_until is None
        assert record.info.storage_class == "GLACIER"
        restored = replace(record, info=replace(record.info, restore_until=86_400.0))
        assert store.rewrite_version(restored)
        assert store.get_version("b", "k", "v1").info.restore_until == 86_400.0
    finally:
        store.close()
