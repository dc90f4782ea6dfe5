"""The tables engine's storage interface: an ordered map of byte keys to byte values.

The engine keeps everything (table definitions, items, index entries, stream records,
transaction tokens) in one ordered key space and never speaks SQL, so a backend only has
to provide ordered byte keys, a consistent read view and serialised, durable writes.

- `read()` gives a `Reader` over a consistent snapshot (use it as a context manager);
  `get(key)` is the one-key read on its own, the hot path of GetItem.
- `submit(work)` runs `work(writer)` on the backend's single writer, inside a transaction
  shared with other callers' work (group commit); the returned future resolves once the
  transaction is durable. If `work` raises, only its own changes are rolled back and the
  future carries the exception. `await write(work)` is the same from the event loop: a
  backend can then wake the loop once per commit rather than once per caller.
"""
from __future__ import annotations

from concurrent.futures import Future
from contextlib import AbstractContextManager
from typing import Callable, Iterator, Protocol, TypeVar

T = TypeVar("T")


class Reader(Protocol):
    def get(self, key: bytes) -> bytes | None: ...

    def scan(self, start: bytes, end: bytes, *, reverse: bool = False) -> Iterator[tuple[bytes, bytes]]:
        """Pairs with start <= key < end, in key order (descending when reverse)."""
        ...


class Writer(Reader, Protocol):
    def put(self, key: bytes, value: bytes) -> None: ...

    def delete(self, key: bytes) -> None: ...

    def delete_range(self, start: bytes, end: bytes) -> None: ...


class Storage(Protocol):
    def read(self) -> AbstractContextManager[Reader]: ...

    def get(self, key: bytes) -> bytes | None: ...

    def submit(self, work: Callable[[Writer], T]) -> Future[T]: ...

    async def write(self, work: Callable[[Writer], T]) -> T: ...

    def close(self) -> None: ...


def prefix_end(prefix: bytes) -> bytes:
    """The smallest key greater than every key starting with `prefix`."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return b"\xff" * (len(prefix) + 16)
    return trimmed[:-1] + bytes([trimmed[-1] + 1])


__all__ = ["Reader", "Storage", "Writer", "prefix_end"]
