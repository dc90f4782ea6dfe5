"""Object bodies as files named by random ids: `bodies/<2 hex>/<32 hex>`.

A body is written to `tmp/`, fsynced, renamed into place and its directory fsynced before
`commit()` returns, so an acknowledged body survives a crash and a half-written one never
appears under a body id. Ids are checked to be what this store makes before any path is
built from them.
"""
from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Iterator, Sequence

from fogbank.durable_files import fsync_dir

_ID = re.compile(r"[0-9a-f]{32}")
_IOV_MAX = 512


class FileBodyWriter:
    def __init__(self, store: FileBodies) -> None:
        self._store = store
        self._id = uuid.uuid4().hex
        self._tmp = store.tmp_dir / self._id
        self._fd: int | None = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)

    def write(self, chunks: list[bytes]) -> None:
        assert self._fd is not None
        views = [memoryview(c) for c in chunks if c]
        while views:
            written = os.writev(self._fd, views[:_IOV_MAX])
            while views and written >= len(views[0]):
                written -= len(views.pop(0))
            if written:
                views[0] = views[0][written:]

    def commit(self) -> str:
        assert self._fd is not None
        os.fsync(self._fd)
        os.close(self._fd)
        self._fd = None
        final = self._store.path(self._id)
        try:
            os.rename(self._tmp, final)
        except FileNotFoundError:              # the first body of its fan-out directory
            final.parent.mkdir(parents=True, exist_ok=True)
            fsync_dir(final.parent.parent)
            os.rename(self._tmp, final)
        fsync_dir(final.parent)
        return self._id

    def discard(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            self._tmp.unlink(missing_ok=True)


class FileBodies:
    def __init__(self, root: Path) -> None:
        self.root = root / "bodies"
        self.tmp_dir = root / "tmp"
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        for name in os.listdir(self.tmp_dir):      # bodies a crash left half-written
            (self.tmp_dir / name).unlink(missing_ok=True)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, body_id: str) -> Path:
        if not _ID.fullmatch(body_id):
            raise ValueError(f"not a body id: {body_id!r}")
        return self.root / body_id[:2] / body_id

    def writer(self) -> FileBodyWriter:
        return FileBodyWriter(self)

    def open(self, body_id: str) -> int:
        return os.open(self.path(body_id), os.O_RDONLY)

    def remove(self, body_ids: Sequence[str]) -> None:
        for body_id in body_ids:
            self.path(body_id).unlink(missing_ok=True)

    def ids(self) -> Iterator[str]:
        for fan in sorted(os.listdir(self.root)):
            for name in os.listdir(self.root / fan):
                if _ID.fullmatch(name):
                    yield name
