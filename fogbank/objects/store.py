"""The engine's async face of its storage.

Metadata calls run on one database thread (the MetaStore's only user, so its transactions
are the engine's one writer); point reads of object records run in place, on the event loop
thread, through `reads` (see storage/__init__.py). Body bytes stream through a small thread pool: a body is
hashed and written in batches of about 1 MiB while the next batch is being received, so
hashing overlaps the network and memory stays bounded whatever the object's size. A body no
larger than `inline_limit` is kept in its object record instead of a file.
"""
from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, AsyncIterator, Awaitable, Callable, Sequence, TypeVar

from fogbank.objects import errors
from fogbank.objects.checksums import Digests
from fogbank.objects.storage import BodyStore, BodyWriter, MetaStore, StoredBody

T = TypeVar("T")
BATCH = 1024 * 1024
READ_CHUNK = 1024 * 1024


class Store:
    def __init__(self, meta: MetaStore, bodies: BodyStore, *, inline_limit: int) -> None:
        self.meta = meta
        self.reads = meta.reader()
        self.bodies = bodies
        self.inline_limit = inline_limit
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="objects-db")
        self._io = ThreadPoolExecutor(max_workers=4, thread_name_prefix="objects-io")

    def close(self) -> None:
        self._db.shutdown(wait=True)
        self._io.shutdown(wait=True)
        self.reads.close()
        self.meta.close()

    def db(self, fn: Callable[..., T], *args: object) -> Awaitable[T]:
        """Run a MetaStore call on the database thread."""
        return asyncio.get_running_loop().run_in_executor(self._db, fn, *args)

    def db_sync(self, fn: Callable[..., T], *args: object) -> T:
        """Run a MetaStore call on the database thread and wait for it, for synchronous
        callers (the deploy providers). Never called from the database thread itself."""
        return self._db.submit(fn, *args).result()

    def io(self, fn: Callable[..., T], *args: object) -> Awaitable[T]:
        return asyncio.get_running_loop().run_in_executor(self._io, fn, *args)

    # ------------------------------------------------------------------ writing

    async def receive(self, body: AsyncIterator[bytes], digests: Digests, *, max_size: int,
                      inline: bool = True) -> StoredBody:
        """Store a body, feeding `digests`; durable when this returns. EntityTooLarge past
        `max_size` (nothing is kept)."""
        pending: list[bytes] = []
        buffered = 0
        writer: BodyWriter | None = None
        # Hashing and writing of a batch run at once, on two threads, while the next
        # batch is received; they release the GIL, so the three overlap.
        previous: Awaitable[Any] | None = None
        try:
            async for chunk in body:
                if not chunk:
                    continue
                if digests.size + buffered + len(chunk) > max_size:
                    raise errors.EntityTooLarge(ProposedSize=digests.size + buffered + len(chunk),
                                                MaxSizeAllowed=max_size)
                pending.append(chunk)
                buffered += len(chunk)
                if buffered < BATCH:
                    continue
                if writer is None:
                    writer = await self.io(self.bodies.writer)
                if previous is not None:
                    await previous
                previous = self._consume(writer, digests, pending)
                pending, buffered = [], 0
            if previous is not None:
                await previous
                previous = None
            if writer is None and inline and buffered <= self.inline_limit:
                data = b"".join(pending)
                digests.update(data)
                return StoredBody(inline=data)
            if writer is None:
                writer = await self.io(self.bodies.writer)
            await self._consume(writer, digests, pending)
            body_id = await self.io(writer.commit)
            return StoredBody(files=((body_id, digests.size),))
        except BaseException:
            if previous is not None:
                await asyncio.gather(previous, return_exceptions=True)
            if writer is not None:
                await self.io(writer.discard)
            raise

    def _consume(self, writer: BodyWriter, digests: Digests, chunks: list[bytes]
                 ) -> Awaitable[Any]:
        return asyncio.gather(self.io(_hash, digests, chunks), self.io(writer.write, chunks))

    async def discard(self, stored: StoredBody | None) -> None:
        """Remove a body nobody refers to any more (after the record change committed)."""
        if stored is not None and stored.files:
            await self.io(self.bodies.remove, stored.file_ids)

    async def discard_ids(self, body_ids: Sequence[str]) -> None:
        if body_ids:
            await self.io(self.bodies.remove, list(body_ids))

    # ------------------------------------------------------------------ reading

    def reader(self, stored: StoredBody, first: int, last: int) -> BodyReader:
        """Bytes first..last (inclusive) of a body. Files are opened now, so the bytes read
        are this version's even if the object is replaced meanwhile."""
        return BodyReader(self, stored, first, last)


def _hash(digests: Digests, chunks: list[bytes]) -> None:
    for chunk in chunks:
        digests.update(chunk)


class BodyReader:
    """An async iterator of a body's bytes; `aclose()` releases its files early."""

    def __init__(self, store: Store, stored: StoredBody, first: int, last: int) -> None:
        self._store = store
        self._inline = stored.inline
        self._first, self._last = first, last
        self._segments: list[tuple[int, int, int]] = []   # (fd, start in body, size)
        if stored.inline is None:
            offset = 0
            try:
                for body_id, size in stored.files:
                    if offset + size > first and offset <= last:
                        self._segments.append((store.bodies.open(body_id), offset, size))
                    offset += size
            except OSError:
                self._close()
                raise errors.InternalError("An object body is missing from storage") from None

    def __aiter__(self) -> BodyReader:
        return self

    async def __anext__(self) -> bytes:
        if self._first > self._last:
            self._close()
            raise StopAsyncIteration
        if self._inline is not None:
            data = self._inline[self._first:self._last + 1]
            self._first = self._last + 1
            return data
        fd, start, size = self._segments[0]
        end = min(start + size - 1, self._last, self._first + READ_CHUNK - 1)
        data = await self._store.io(os.pread, fd, end - self._first + 1, self._first - start)
        if not data:
            self._close()
            raise errors.InternalError("An object body is shorter than its record")
        self._first += len(data)
        if self._first >= start + size:
            os.close(fd)
            self._segments.pop(0)
        return data

    async def aclose(self) -> None:
        self._close()

    def _close(self) -> None:
        for fd, _, _ in self._segments:
            os.close(fd)
        self._segments.clear()
        self._first = self._last + 1

    def __del__(self) -> None:
        self._close()
