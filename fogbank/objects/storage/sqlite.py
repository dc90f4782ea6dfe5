"""The embedded metadata store: one SQLite file, WAL, synchronous=FULL.

Every change is one transaction, committed before the method returns. Keys compare with
SQLite's BINARY collation — byte order of their UTF-8, which is the order S3 lists in.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fogbank.durable_files import durable_database
from fogbank.objects.model import (Bucket, Checksum, ContentHeaders, Encryption, ObjectInfo, Part,
                                   Upload)
from fogbank.objects.storage import ObjectRecord, PartRecord, StoredBody, UploadRecord

_SCHEMA = """
CREATE TABLE IF NOT EXISTS buckets (
    name TEXT PRIMARY KEY, created REAL NOT NULL, region TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS configs (
    bucket TEXT NOT NULL, kind TEXT NOT NULL, document TEXT NOT NULL,
    PRIMARY KEY (bucket, kind));
CREATE TABLE IF NOT EXISTS objects (
    bucket TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
    last_modified REAL NOT NULL, headers TEXT NOT NULL, metadata TEXT NOT NULL,
    checksum TEXT, parts_count INTEGER, tags TEXT NOT NULL, inline BLOB, files TEXT NOT NULL,
    parts TEXT, encryption TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS objects_key ON objects (bucket, key);
CREATE TABLE IF NOT EXISTS uploads (
    upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, initiated REAL NOT NULL,
    headers TEXT NOT NULL, metadata TEXT NOT NULL, tags TEXT,
    checksum_algorithm TEXT, checksum_type TEXT, encryption TEXT, key_deleted REAL);
CREATE INDEX IF NOT EXISTS uploads_key ON uploads (bucket, key, initiated);
CREATE TABLE IF NOT EXISTS versions (
    bucket TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
    last_modified REAL NOT NULL, headers TEXT NOT NULL, metadata TEXT NOT NULL,
    checksum TEXT, parts_count INTEGER, tags TEXT NOT NULL, inline BLOB, files TEXT NOT NULL,
    parts TEXT, encryption TEXT, version_id TEXT NOT NULL, delete_marker INTEGER NOT NULL,
    seq INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS versions_id ON versions (bucket, key, version_id);
CREATE INDEX IF NOT EXISTS versions_order ON versions (bucket, key, seq);
CREATE TABLE IF NOT EXISTS parts (
    upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, etag TEXT NOT NULL,
    size INTEGER NOT NULL, last_modified REAL NOT NULL, body_id TEXT NOT NULL, md5 BLOB NOT NULL,
    checksum TEXT, PRIMARY KEY (upload_id, part_number));
"""
_RECORD_COLUMNS = ("bucket, key, size, etag, last_modified, headers, metadata, checksum, "
                   "parts_count, tags, inline, files, parts, encryption, restore")
# `objects` holds each key's current version, unless that is a delete marker; `versions`
# holds the others (noncurrent versions and every delete marker), `seq` ordering them by
# age. The null version's id is NULL in `objects`, 'null' in `versions`.
_OBJECT_COLUMNS = _RECORD_COLUMNS + ", version_id"
_VERSION_COLUMNS = _RECORD_COLUMNS + ", version_id, delete_marker"
_RECORD_VALUES = ", ".join("?" * len(_RECORD_COLUMNS.split(",")))
_NULL = "null"
_UPLOAD_COLUMNS = ("upload_id, bucket, key, initiated, headers, metadata, tags, "
                   "checksum_algorithm, checksum_type, encryption, key_deleted")
# Columns added since the first schema, with their definitions: added to an older file.
# A record from before `encryption` was kept has NULL there: SSE-S3, S3's default.
# A record from before versioning has a NULL version_id: the null version.
# `restore`: when an archived version's restored copy expires (epoch seconds), NULL when it
# was never restored; a record from before restores were kept has none.
_ADDED_COLUMNS = {"objects": [("parts", "TEXT"), ("encryption", "TEXT"), ("version_id", "TEXT"),
                              ("restore", "REAL")],
                  "versions": [("restore", "REAL")],
                  "uploads": [("encryption", "TEXT"), ("key_deleted", "REAL")]}


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, separators=(",", ":"))


def _headers(text: str) -> ContentHeaders:
    return ContentHeaders(**json.loads(text))


def _dump_headers(headers: ContentHeaders) -> str:
    return _dump({k: v for k, v in asdict(headers).items() if v is not None}) or "{}"


def _encryption(text: str | None) -> Encryption:
    return Encryption() if text is None else Encryption(**json.loads(text))


def _dump_encryption(encryption: Encryption) -> str | None:
    """NULL for SSE-S3, the kind almost every object has."""
    if encryption == Encryption():
        return None
    return _dump(asdict(encryption))


def _checksum(text: str | None) -> Checksum | None:
    return None if text is None else Checksum(*json.loads(text))


def _dump_checksum(checksum: Checksum | None) -> str | None:
    return None if checksum is None else _dump([checksum.algorithm, checksum.value,
                                                checksum.type])


class SqliteMetaStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        # Used by one thread at a time (the engine's database thread), never concurrently.
        self._db = durable_database(path, _SCHEMA, any_thread=True)
        self._add_columns()
        self._seq = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM versions").fetchone()[0]

    def reader(self) -> SqliteObjectReads:
        return SqliteObjectReads(self._path)

    def _add_columns(self) -> None:
        for table, columns in _ADDED_COLUMNS.items():
            have = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            for name, kind in columns:
                if name not in have:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")

    def close(self) -> None:
        self._db.close()

    # ------------------------------------------------------------------ buckets

    def add_bucket(self, bucket: Bucket) -> bool:
        cursor = self._db.execute("INSERT OR IGNORE INTO buckets VALUES (?, ?, ?)",
                                  (bucket.name, bucket.created, bucket.region))
        return cursor.rowcount == 1

    def get_bucket(self, name: str) -> Bucket | None:
        row = self._db.execute("SELECT name, created, region FROM buckets WHERE name = ?",
                               (name,)).fetchone()
        return Bucket(*row) if row else None

    def remove_bucket(self, name: str) -> list[str]:
        """Drop a bucket, its configuration and its multipart uploads in progress; the body
        ids of those uploads' parts, for the caller to remove."""
        with self._transaction():
            body_ids = [row[0] for row in self._db.execute(
                "SELECT body_id FROM parts WHERE upload_id IN "
                "(SELECT upload_id FROM uploads WHERE bucket = ?)", (name,))]
            self._db.execute("DELETE FROM parts WHERE upload_id IN "
                             "(SELECT upload_id FROM uploads WHERE bucket = ?)", (name,))
            self._db.execute("DELETE FROM uploads WHERE bucket = ?", (name,))
            self._db.execute("DELETE FROM configs WHERE bucket = ?", (name,))
            self._db.execute("DELETE FROM buckets WHERE name = ?", (name,))
        return body_ids

    def list_buckets(self) -> list[Bucket]:
        rows = self._db.execute("SELECT name, created, region FROM buckets ORDER BY name")
        return [Bucket(*row) for row in rows]

    def set_config(self, bucket: str, kind: str, document: str | None) -> None:
        if document is None:
            self._db.execute("DELETE FROM configs WHERE bucket = ? AND kind = ?", (bucket, kind))
        else:
            self._db.execute("INSERT OR REPLACE INTO configs VALUES (?, ?, ?)",
                             (bucket, kind, document))

    def get_config(self, bucket: str, kind: str) -> str | None:
        row = self._db.execute("SELECT document FROM configs WHERE bucket = ? AND kind = ?",
                               (bucket, kind)).fetchone()
        return row[0] if row else None

    def configs_of(self, kind: str) -> list[tuple[str, str]]:
        rows = self._db.execute("SELECT bucket, document FROM configs WHERE kind = ? "
                                "ORDER BY bucket", (kind,))
        return [(bucket, document) for bucket, document in rows]

    # ------------------------------------------------------------------ objects

    def get_object(self, bucket: str, key: str) -> ObjectRecord | None:
        return _get_object(self._db, bucket, key)

    def put_object(self, record: ObjectRecord) -> ObjectRecord | None:
        with self._transaction():
            old = self.get_object(record.info.bucket, record.info.key)
            self._insert_current(record)
        return old

    def _insert_current(self, record: ObjectRecord) -> None:
        self._db.execute(f"INSERT OR REPLACE INTO objects ({_OBJECT_COLUMNS}) "
                         f"VALUES ({_RECORD_VALUES}, ?)",
                         (*_record_row(record),
                          None if record.info.version_id == _NULL else record.info.version_id))

    def remove_object(self, bucket: str, key: str) -> ObjectRecord | None:
        with self._transaction():
            old = self.get_object(bucket, key)
            if old is not None:
                self._db.execute("DELETE FROM objects WHERE bucket = ? AND key = ?",
                                 (bucket, key))
        return old

    # ------------------------------------------------------------------ versions

    def get_version(self, bucket: str, key: str, version_id: str | None) -> ObjectRecord | None:
        return _get_version(self._db, bucket, key, version_id)

    def latest(self, bucket: str, key: str) -> ObjectRecord | None:
        return _latest(self._db, bucket, key)

    def add_version(self, record: ObjectRecord) -> ObjectRecord | None:
        """Make `record` the key's current version, the one it replaces noncurrent. A null
        version (version_id None) replaces the key's null version wherever it is: that one
        is returned, its body no longer referred to."""
        info = record.info
        with self._transaction():
            replaced = self._make_room(info.bucket, info.key, info.version_id)
            self._insert_current(record)
        return replaced

    def add_delete_marker(self, marker: ObjectInfo) -> ObjectRecord | None:
        """Make a delete marker the key's latest version (as add_version does)."""
        with self._transaction():
            replaced = self._make_room(marker.bucket, marker.key, marker.version_id)
            self._insert_version(ObjectRecord(marker, StoredBody()))
        return replaced

    def remove_version(self, bucket: str, key: str, version_id: str | None
                       ) -> ObjectRecord | None:
        """Remove one version for good; when it was the latest, the next newer one that is
        not a delete marker becomes current."""
        with self._transaction():
            removed = self.get_object(bucket, key)
            if removed is not None and removed.info.version_id == version_id:
                self._db.execute("DELETE FROM objects WHERE bucket = ? AND key = ?",
                                 (bucket, key))
            else:
                removed = self._pop_version(bucket, key, version_id)
            if removed is None:
                return None
            if self.get_object(bucket, key) is None:
                top = _latest(self._db, bucket, key)
                if top is not None and not top.info.delete_marker:
                    self._pop_version(bucket, key, top.info.version_id)
                    self._insert_current(top)
        return removed

    def rewrite_version(self, record: ObjectRecord) -> bool:
        """Replace a version's record where it is (its tags, its ACL); False if it is gone."""
        info = record.info
        with self._transaction():
            current = self.get_object(info.bucket, info.key)
            if current is not None and current.info.version_id == info.version_id:
                self._insert_current(record)
                return True
            cursor = self._db.execute(
                f"UPDATE versions SET ({_RECORD_COLUMNS}) = ({_RECORD_VALUES}) "
                "WHERE bucket = ? AND key = ? AND version_id = ? AND delete_marker = 0",
                (*_record_row(record), info.bucket, info.key, info.version_id or _NULL))
            return cursor.rowcount == 1

    def version_keys(self, bucket: str, start: str, limit: int) -> list[str]:
        """Up to `limit` keys >= `start` that have any version, in key order."""
        rows = self._db.execute(
            "SELECT key FROM objects WHERE bucket = ? AND key >= ? UNION "
            "SELECT key FROM versions WHERE bucket = ? AND key >= ? ORDER BY key LIMIT ?",
            (bucket, start, bucket, start, limit))
        return [row[0] for row in rows]

    def key_versions(self, bucket: str, key: str) -> list[ObjectRecord]:
        """Every version of a key, newest first."""
        current = self.get_object(bucket, key)
        rows = self._db.execute(
            f"SELECT {_VERSION_COLUMNS} FROM versions WHERE bucket = ? AND key = ? "
            "ORDER BY seq DESC", (bucket, key))
        return ([current] if current is not None else []) + [_object(row) for row in rows]

    def _make_room(self, bucket: str, key: str, version_id: str | None) -> ObjectRecord | None:
        """Before a new latest version: the current one becomes noncurrent, and a new null
        version takes the old null version's place (returned)."""
        current = self.get_object(bucket, key)
        replaced = None
        if version_id is None:
            if current is not None and current.info.version_id is None:
                replaced, current = current, None
                self._db.execute("DELETE FROM objects WHERE bucket = ? AND key = ?",
                                 (bucket, key))
            else:
                replaced = self._pop_version(bucket, key, None)
        if current is not None:
            self._db.execute("DELETE FROM objects WHERE bucket = ? AND key = ?", (bucket, key))
            self._insert_version(current)
        return replaced

    def _insert_version(self, record: ObjectRecord) -> None:
        self._seq += 1
        self._db.execute(
            f"INSERT INTO versions ({_VERSION_COLUMNS}, seq) "
            f"VALUES ({_RECORD_VALUES}, ?, ?, ?)",
            (*_record_row(record), record.info.version_id or _NULL,
             int(record.info.delete_marker), self._seq))

    def _pop_version(self, bucket: str, key: str, version_id: str | None
                     ) -> ObjectRecord | None:
        found = _noncurrent(self._db, bucket, key, version_id)
        if found is not None:
            self._db.execute("DELETE FROM versions WHERE bucket = ? AND key = ? AND "
                             "version_id = ?", (bucket, key, version_id or _NULL))
        return found

    def scan(self, bucket: str, start: str, limit: int) -> list[ObjectRecord]:
        """Up to `limit` records with keys >= `start`, in key order."""
        rows = self._db.execute(
            f"SELECT {_OBJECT_COLUMNS} FROM objects WHERE bucket = ? AND key >= ? "
            "ORDER BY key LIMIT ?", (bucket, start, limit))
        return [_object(row) for row in rows]

    def has_objects(self, bucket: str) -> bool:
        """Whether any object, noncurrent version or delete marker is left."""
        return any(self._db.execute("SELECT 1 FROM objects WHERE bucket = ? LIMIT 1", (bucket,))) \
            or any(self._db.execute("SELECT 1 FROM versions WHERE bucket = ? LIMIT 1", (bucket,)))

    def body_ids(self) -> set[str]:
        """Every body id a record or a part refers to."""
        ids = {row[0] for row in self._db.execute("SELECT body_id FROM parts")}
        for table in ("objects", "versions"):
            for (files,) in self._db.execute(f"SELECT files FROM {table} WHERE files != '[]'"):
                ids.update(body_id for body_id, _ in json.loads(files))
        return ids

    # ------------------------------------------------------------------ uploads

    def add_upload(self, record: UploadRecord) -> None:
        up = record.upload
        self._db.execute(
            f"INSERT INTO uploads ({_UPLOAD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (up.upload_id, up.bucket, up.key, up.initiated, _dump_headers(up.headers),
             _dump(dict(record.metadata)), _dump(None if record.tags is None else
                                                 dict(record.tags)),
             up.checksum_algorithm, up.checksum_type, _dump_encryption(up.encryption),
             record.key_deleted))

    def get_upload(self, upload_id: str) -> UploadRecord | None:
        row = self._db.execute(f"SELECT {_UPLOAD_COLUMNS} FROM uploads WHERE upload_id = ?",
                               (upload_id,)).fetchone()
        return _upload(row) if row else None

    def note_key_deleted(self, bucket: str, key: str, when: float) -> None:
        self._db.execute("UPDATE uploads SET key_deleted = ? WHERE bucket = ? AND key = ?",
                         (when, bucket, key))

    def remove_upload(self, upload_id: str) -> list[PartRecord]:
        with self._transaction():
            parts = self.parts(upload_id)
            self._db.execute("DELETE FROM parts WHERE upload_id = ?", (upload_id,))
            self._db.execute("DELETE FROM uploads WHERE upload_id = ?", (upload_id,))
        return parts

    def put_part(self, upload_id: str, part: PartRecord) -> PartRecord | None:
        p = part.part
        with self._transaction():
            old = self._db.execute("SELECT * FROM parts WHERE upload_id = ? AND part_number = ?",
                                   (upload_id, p.part_number)).fetchone()
            self._db.execute("INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (upload_id, p.part_number, p.etag, p.size, p.last_modified,
                              part.body_id, part.md5, _dump_checksum(part.checksum)))
        return _part(old) if old else None

    def parts(self, upload_id: str, after: int = 0) -> list[PartRecord]:
        rows = self._db.execute("SELECT * FROM parts WHERE upload_id = ? AND part_number > ? "
                                "ORDER BY part_number", (upload_id, after))
        return [_part(row) for row in rows]

    def scan_uploads(self, bucket: str, prefix: str) -> list[UploadRecord]:
        rows = self._db.execute(
            f"SELECT {_UPLOAD_COLUMNS} FROM uploads WHERE bucket = ? AND key >= ? "
            "ORDER BY key, initiated, upload_id", (bucket, prefix))
        records = []
        for row in rows:
            if not row[2].startswith(prefix):
                break
            records.append(_upload(row))
        return records

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class SqliteObjectReads:
    """Point reads on a read-only connection of their own. Each statement is its own read
    transaction, so it sees every commit made before it began (WAL readers never wait for
    the writer)."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA query_only=1")

    def get_object(self, bucket: str, key: str) -> ObjectRecord | None:
        return _get_object(self._db, bucket, key)

    def get_version(self, bucket: str, key: str, version_id: str | None) -> ObjectRecord | None:
        return _get_version(self._db, bucket, key, version_id)

    def latest(self, bucket: str, key: str) -> ObjectRecord | None:
        return _latest(self._db, bucket, key)

    def close(self) -> None:
        self._db.close()


def _get_object(db: sqlite3.Connection, bucket: str, key: str) -> ObjectRecord | None:
    row = db.execute(f"SELECT {_OBJECT_COLUMNS} FROM objects WHERE bucket = ? AND key = ?",
                     (bucket, key)).fetchone()
    return _object(row) if row else None


def _noncurrent(db: sqlite3.Connection, bucket: str, key: str, version_id: str | None
                ) -> ObjectRecord | None:
    row = db.execute(f"SELECT {_VERSION_COLUMNS} FROM versions WHERE bucket = ? AND key = ? "
                     "AND version_id = ?", (bucket, key, version_id or _NULL)).fetchone()
    return _object(row) if row else None


def _get_version(db: sqlite3.Connection, bucket: str, key: str, version_id: str | None
                 ) -> ObjectRecord | None:
    """One version of a key, current or not (None: the null version)."""
    current = _get_object(db, bucket, key)
    if current is not None and current.info.version_id == version_id:
        return current
    return _noncurrent(db, bucket, key, version_id)


def _latest(db: sqlite3.Connection, bucket: str, key: str) -> ObjectRecord | None:
    """The key's latest version, a delete marker or not; None when it has none."""
    current = _get_object(db, bucket, key)
    if current is not None:
        return current
    row = db.execute(f"SELECT {_VERSION_COLUMNS} FROM versions WHERE bucket = ? AND key = ? "
                     "ORDER BY seq DESC LIMIT 1", (bucket, key)).fetchone()
    return _object(row) if row else None


def _record_row(record: ObjectRecord) -> tuple:
    info = record.info
    return (info.bucket, info.key, info.size, info.etag, info.last_modified,
            _dump_headers(info.headers), _dump(dict(info.metadata)),
            _dump_checksum(info.checksum), info.parts_count, _dump(dict(record.tags)),
            record.body.inline, _dump(record.body.files), _dump_parts(record.parts),
            _dump_encryption(info.encryption), info.restore_until)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: Any, *_: Any) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")


def _dump_parts(parts: tuple[Part, ...]) -> str | None:
    if not parts:
        return None
    return _dump([[p.part_number, p.etag, p.size, p.last_modified,
                   None if p.checksum is None else [p.checksum.algorithm, p.checksum.value,
                                                    p.checksum.type]] for p in parts])


def _parts(text: str | None) -> tuple[Part, ...]:
    if text is None:
        return ()
    return tuple(Part(number, etag, size, modified, None if check is None else Checksum(*check))
                 for number, etag, size, modified, check in json.loads(text))


def _object(row: tuple) -> ObjectRecord:
    """A row of `objects` (_OBJECT_COLUMNS) or of `versions` (_VERSION_COLUMNS)."""
    (bucket, key, size, etag, modified, headers, metadata, checksum, parts_count, tags,
     inline, files, parts, encryption, restore, version_id) = row[:16]
    info = ObjectInfo(bucket, key, size, etag, modified, _headers(headers), json.loads(metadata),
                      _checksum(checksum), parts_count, len(json.loads(tags)),
                      encryption=_encryption(encryption),
                      version_id=None if version_id in (None, _NULL) else version_id,
                      delete_marker=bool(row[16]) if len(row) > 16 else False,
                      restore_until=restore)
    body = StoredBody(None if inline is None else bytes(inline),
                      tuple((body_id, n) for body_id, n in json.loads(files)))
    return ObjectRecord(info, body, json.loads(tags), _parts(parts))


def _upload(row: tuple) -> UploadRecord:
    (upload_id, bucket, key, initiated, headers, metadata, tags, algorithm, kind, encryption,
     key_deleted) = row
    upload = Upload(upload_id, bucket, key, initiated, _headers(headers), algorithm, kind,
                    _encryption(encryption))
    return UploadRecord(upload, json.loads(metadata), None if tags is None else json.loads(tags),
                        key_deleted)


def _part(row: tuple) -> PartRecord:
    _, number, etag, size, modified, body_id, md5, checksum = row
    check = _checksum(checksum)
    return PartRecord(Part(number, etag, size, modified, check), body_id, bytes(md5), check)
