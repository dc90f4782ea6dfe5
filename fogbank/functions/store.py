"""API-managed functions on disk, under the node's state directory:

    functions/<name>/function.json        the record (FunctionRecord), replaced atomically
    functions/<name>/code/<package key>/  one unpacked package, shared by the versions
                                          that run it

Every write is fsynced before it is acknowledged, and a record only ever names code that
is already on disk, so a node killed at any point restarts with each function as its last
acknowledged change left it. Leftovers of an interrupted write are removed on load.
"""
from __future__ import annotations

import logging
import os
import shutil
import uuid
from pathlib import Path

from fogbank.durable_files import fsync_dir, replace_file
from fogbank.functions.archive import Package, install
from fogbank.functions.records import FunctionRecord

log = logging.getLogger(__name__)

_RECORD = "function.json"
_PARTIAL = ".partial-"      # prefix of what is being written or removed


class FunctionStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def load(self) -> list[FunctionRecord]:
        """Every function on disk, after removing what an interrupted write left behind."""
        self.root.mkdir(parents=True, exist_ok=True)
        records = []
        for folder in sorted(self.root.iterdir()):
            if folder.name.startswith(_PARTIAL) or not (folder / _RECORD).is_file():
                shutil.rmtree(folder, ignore_errors=True)    # never acknowledged
                continue
            try:
                record = FunctionRecord.from_json((folder / _RECORD).read_bytes())
            except (ValueError, KeyError, TypeError):
                log.exception("skipping the unreadable function record in %s", folder)
                continue
            self._drop_unused_code(record)
            records.append(record)
        return records

    def code_dir(self, name: str, package: str) -> Path:
        return self.root / name / "code" / package

    def add_code(self, name: str, data: bytes, package: Package) -> None:
        """Unpack a package for `name` (once: the same package is kept once)."""
        final = self.code_dir(name, package.key)
        if final.is_dir():
            return
        install(data, final)
        fsync_dir(self.root / name)
        fsync_dir(self.root)

    def save(self, record: FunctionRecord) -> None:
        folder = self.root / record.name
        folder.mkdir(parents=True, exist_ok=True)
        replace_file(folder / _RECORD, record.to_json())
        self._drop_unused_code(record)

    def delete(self, name: str) -> None:
        folder = self.root / name
        if not folder.exists():
            return
        doomed = self.root / f"{_PARTIAL}{uuid.uuid4().hex}"
        os.replace(folder, doomed)          # gone at once; the files follow
        fsync_dir(self.root)
        shutil.rmtree(doomed, ignore_errors=True)

    def _drop_unused_code(self, record: FunctionRecord) -> None:
        used = {_key(rev.code_sha256) for rev in (record.latest, *record.versions.values())}
        code = self.root / record.name / "code"
        if not code.is_dir():
            return
        for folder in code.iterdir():
            if folder.name not in used and not folder.name.startswith(_PARTIAL):
                shutil.rmtree(folder, ignore_errors=True)


def _key(sha256: str) -> str:
    return Package(sha256, 0).key
