"""The storage contract, run against every backend: ordered keys, snapshots, atomic work."""
from __future__ import annotations

import threading

import pytest

from fogbank.tables.storage import prefix_end


def write(storage, work):
    return storage.submit(work).result(timeout=30)


def test_put_then_get_and_delete(storage):
    write(storage, lambda w: w.put(b"a", b"1"))
    with storage.read() as r:
        assert r.get(b"a") == b"1"
    write(storage, lambda w: w.delete(b"a"))
    with storage.read() as r:
        assert r.get(b"a") is None


def test_scan_is_ordered_by_unsigned_bytes_both_ways(storage):
    keys = [b"k\x00", b"k\x01", b"k\x7f", b"k\x80", b"k\xff", b"k\xff\x00"]
    write(storage, lambda w: [w.put(k, k) for k in reversed(keys)])
    with storage.read() as r:
        assert [k for k, _ in r.scan(b"k", prefix_end(b"k"))] == keys
        assert [k for k, _ in r.scan(b"k", prefix_end(b"k"), reverse=True)] == keys[::-1]
        assert [k for k, _ in r.scan(b"k\x01", b"k\xff")] == keys[1:4]


def test_delete_range_removes_only_the_range(storage):
    write(storage, lambda w: [w.put(bytes([c]), b"") for c in b"abcde"])
    write(storage, lambda w: w.delete_range(b"b", b"d"))
    with storage.read() as r:
        assert [k for k, _ in r.scan(b"a", b"z")] == [b"a", b"d", b"e"]


def test_failing_work_is_rolled_back_and_its_error_returned(storage):
    def fails(w):
        w.put(b"x", b"1")
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        write(storage, fails)
    with storage.read() as r:
        assert r.get(b"x") is None


def test_work_sees_its_own_writes_and_earlier_work(storage):
    write(storage, lambda w: w.put(b"n", b"1"))
    assert write(storage, lambda w: (w.put(b"n", w.get(b"n") + b"2"), w.get(b"n"))[1]) == b"12"


def test_concurrent_work_is_serialised_so_no_update_is_lost(storage):
    write(storage, lambda w: w.put(b"counter", b"0"))

    def increment(w):
        w.put(b"counter", str(int(w.get(b"counter")) + 1).encode())

    futures = []
    lock = threading.Lock()

    def client():
        for _ in range(50):
            future = storage.submit(increment)
            with lock:
                futures.append(future)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for future in futures:
        future.result(timeout=30)
    with storage.read() as r:
        assert r.get(b"counter") == b"400"


def test_a_read_block_sees_one_snapshot(storage):
    write(storage, lambda w: w.put(b"v", b"old"))
    with storage.read() as r:
        assert r.get(b"v") == b"old"
        write(storage, lambda w: w.put(b"v", b"new"))
        assert r.get(b"v") == b"old"
    with storage.read() as r:
        assert r.get(b"v") == b"new"


def test_data_survives_reopening(tmp_path):
    from fogbank.tables.storage.sqlite import SqliteStorage
    first = SqliteStorage(tmp_path / "t.db")
    write(first, lambda w: w.put(b"kept", b"yes"))
    first.close()
    second = SqliteStorage(tmp_path / "t.db")
    with second.read() as r:
        assert r.get(b"kept") == b"yes"
    second.close()


def test_submit_after_close_fails(tmp_path):
    from fogbank.tables.storage.sqlite import SqliteStorage
    store = SqliteStorage(tmp_path / "t.db")
    store.close()
    with pytest.raises(RuntimeError):
        write(store, lambda w: w.put(b"a", b"b"))


def test_get_outside_a_read_block_sees_committed_writes(storage):
    assert storage.get(b"solo") is None
    write(storage, lambda w: w.put(b"solo", b"1"))
    assert storage.get(b"solo") == b"1"
