"""Layers made through the Lambda API on disk, under the node's state directory:

    layers/<name>/layer.json      the record (LayerRecord), replaced atomically
    layers/<name>/<version>/      the version's content, unpacked (its python/, lib/, bin/)

As for functions (store.py), every write is fsynced before it is acknowledged and a record
names only content already on disk; content no record names is removed on load.
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

from fogbank.durable_files import fsync_dir, replace_file
from fogbank.functions.archive import install
from fogbank.functions.layer_records import LayerRecord

log = logging.getLogger(__name__)

_RECORD = "layer.json"


class LayerVersionStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def load(self) -> list[LayerRecord]:
        self.root.mkdir(parents=True, exist_ok=True)
        records = []
        for folder in sorted(self.root.iterdir()):
            if not (folder / _RECORD).is_file():
                shutil.rmtree(folder, ignore_errors=True)    # never acknowledged
                continue
            try:
                record = LayerRecord.from_json((folder / _RECORD).read_bytes())
            except (ValueError, KeyError, TypeError):
                log.exception("skipping the unreadable layer record in %s", folder)
                continue
            self._drop_unnamed_content(record)
            records.append(record)
        return records

    def content_dir(self, name: str, version: int) -> Path:
        return self.root / name / str(version)

    def add_content(self, name: str, version: int, data: bytes) -> None:
        install(data, self.content_dir(name, version))
        fsync_dir(self.root)

    def save(self, record: LayerRecord) -> None:
        folder = self.root / record.name
        folder.mkdir(parents=True, exist_ok=True)
        replace_file(folder / _RECORD, record.to_json())
        self._drop_unnamed_content(record)

    def _drop_unnamed_content(self, record: LayerRecord) -> None:
        named = {str(n) for n in record.versions}
        for folder in (self.root / record.name).iterdir():
            if folder.is_dir() and folder.name not in named:
                shutil.rmtree(folder, ignore_errors=True)
