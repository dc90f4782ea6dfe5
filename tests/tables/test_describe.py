"""The ItemCount and size figures DescribeTable reports: exact for small tables, kept for a
while for big ones (AWS refreshes them about every six hours)."""
from __future__ import annotations

from typing import Iterator

from fogbank.tables import keys, records
from fogbank.tables.describe import Figures

from .conftest import FakeClock

START = keys.ITEMS + keys.table_id_bytes(7)


class CountingReader:
    """An ordered map that counts how often it is walked."""

    def __init__(self) -> None:
        self.items: dict[bytes, bytes] = {}
        self.scans = 0

    def put(self, n: int) -> None:
        self.items[START + b"%06d" % n] = records.pack({"pk": {"S": str(n)}})

    def get(self, key: bytes) -> bytes | None:
        return self.items.get(key)

    def scan(self, start: bytes, end: bytes, *, reverse: bool = False) -> Iterator[tuple[bytes, bytes]]:
        self.scans += 1
        return iter(sorted((k, v) for k, v in self.items.items() if start <= k < end))


def test_a_small_table_is_counted_on_every_call() -> None:
    reader, clock = CountingReader(), FakeClock()
    figures = Figures(small=5, max_age=60.0, clock=clock)
    reader.put(1)
    assert figures.of(reader, START)[0] == 1
    reader.put(2)
    assert figures.of(reader, START)[0] == 2
    assert reader.scans == 2


def test_a_big_table_is_counted_again_only_when_its_figures_are_old() -> None:
    reader, clock = CountingReader(), FakeClock()
    figures = Figures(small=5, max_age=60.0, clock=clock)
    for n in range(5):
        reader.put(n)
    count, size = figures.of(reader, START)
    assert (count, size) == (5, 5 * records.size_of(reader.items[START + b"000000"]))
    reader.put(5)
    clock.advance(59)
    assert figures.of(reader, START) == (count, size)
    assert reader.scans == 1
    clock.advance(2)
    assert figures.of(reader, START)[0] == 6
    assert reader.scans == 2


def test_a_deleted_table_figures_are_forgotten() -> None:
    reader, clock = CountingReader(), FakeClock()
    figures = Figures(small=1, max_age=60.0, clock=clock)
    reader.put(1)
    figures.of(reader, START)
    figures.forget(7)
    reader.items.clear()
    assert figures.of(reader, START) == (0, 0)
