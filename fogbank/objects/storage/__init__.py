"""Where the objects engine keeps things, behind small interfaces.

Metadata (buckets, configurations, object records, uploads and parts) lives in a
`MetaStore`; bodies in a `BodyStore` under ids Fogbank makes — a key never becomes a path.
A small body may be kept inline in its object record instead (see `StoredBody`): it is then
durable with the record's own commit, which saves a file and two fsyncs per small write.

MetaStore methods are synchronous and called from one thread only (the engine's database
thread), so a store needs no locking of its own. Point reads on the hot path (GetObject,
HeadObject) go through `reader()` instead: a view on a connection of its own, used from the
event loop thread only, which sees every committed change — handing a 20 µs lookup to the
database thread and back cost more than the lookup itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Mapping, Protocol, Sequence

from fogbank.objects.model import Bucket, Checksum, ObjectInfo, Part, Upload


@dataclass(frozen=True)
class StoredBody:
    """Where an object's bytes are: inline, or in body files read one after another
    (one per part for a multipart object)."""

    inline: bytes | None = None
    files: tuple[tuple[str, int], ...] = ()        # (body id, size)

    @property
    def file_ids(self) -> tuple[str, ...]:
        return tuple(body_id for body_id, _ in self.files)


@dataclass(frozen=True)
class ObjectRecord:
    info: ObjectInfo
    body: StoredBody
    tags: Mapping[str, str] = field(default_factory=dict)
    # An object made by multipart upload keeps its parts as completed (numbers, sizes,
    # checksums) for GetObjectAttributes; empty for other objects.
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class UploadRecord:
    upload: Upload
    metadata: Mapping[str, str]
    tags: Mapping[str, str] | None
    key_deleted: float | None = None    # when the key's object was last deleted meanwhile


@dataclass(frozen=True)
class PartRecord:
    part: Part
    body_id: str
    md5: bytes                  # the binary MD5, for the multipart ETag
    checksum: Checksum | None


class BucketStore(Protocol):
    def add_bucket(self, bucket: Bucket) -> bool: ...             # False if it exists
    def get_bucket(self, name: str) -> Bucket | None: ...
    def remove_bucket(self, name: str) -> list[str]: ...   # part bodies of uploads dropped
    def list_buckets(self) -> list[Bucket]: ...
    def set_config(self, bucket: str, kind: str, document: str | None) -> None: ...
    def get_config(self, bucket: str, kind: str) -> str | None: ...
    def configs_of(self, kind: str) -> list[tuple[str, str]]: ...  # (bucket, document)


class ObjectIndex(Protocol):
    """Each key's current version: what GetObject reads and ListObjects shows. put_object
    and remove_object serve buckets never versioned (VersionIndex the others)."""

    def get_object(self, bucket: str, key: str) -> ObjectRecord | None: ...
    def put_object(self, record: ObjectRecord) -> ObjectRecord | None: ...   # the replaced one
    def remove_object(self, bucket: str, key: str) -> ObjectRecord | None: ...
    def scan(self, bucket: str, start: str, limit: int) -> list[ObjectRecord]: ...  # key >= start
    def has_objects(self, bucket: str) -> bool: ...          # versions and markers count
    def body_ids(self) -> set[str]: ...                      # every body referred to


class VersionIndex(Protocol):
    """A versioned bucket's keys: the current version as in ObjectIndex, the others and the
    delete markers beside it. A version id None is the null version. Each change returns
    the record whose body nothing refers to any more."""

    def add_version(self, record: ObjectRecord) -> ObjectRecord | None: ...
    def add_delete_marker(self, marker: ObjectInfo) -> ObjectRecord | None: ...
    def remove_version(self, bucket: str, key: str, version_id: str | None
                       ) -> ObjectRecord | None: ...
    def rewrite_version(self, record: ObjectRecord) -> bool: ...    # tags, ACL: in place
    def get_version(self, bucket: str, key: str, version_id: str | None
                    ) -> ObjectRecord | None: ...
    def latest(self, bucket: str, key: str) -> ObjectRecord | None: ...   # a marker or not
    def version_keys(self, bucket: str, start: str, limit: int) -> list[str]: ...
    def key_versions(self, bucket: str, key: str) -> list[ObjectRecord]: ...  # newest first


class UploadStore(Protocol):
    def add_upload(self, record: UploadRecord) -> None: ...
    def get_upload(self, upload_id: str) -> UploadRecord | None: ...
    def remove_upload(self, upload_id: str) -> list[PartRecord]: ...        # its parts
    # A delete of the key while uploads to it are in progress, for conditional completions.
    def note_key_deleted(self, bucket: str, key: str, when: float) -> None: ...
    def put_part(self, upload_id: str, part: PartRecord) -> PartRecord | None: ...
    def parts(self, upload_id: str, after: int = 0) -> list[PartRecord]: ...
    def scan_uploads(self, bucket: str, prefix: str) -> list[UploadRecord]: ...


class ObjectReads(Protocol):
    def get_object(self, bucket: str, key: str) -> ObjectRecord | None: ...
    def get_version(self, bucket: str, key: str, version_id: str | None
                    ) -> ObjectRecord | None: ...
    def latest(self, bucket: str, key: str) -> ObjectRecord | None: ...
    def close(self) -> None: ...


class MetaStore(BucketStore, ObjectIndex, VersionIndex, UploadStore, Protocol):
    def reader(self) -> ObjectReads: ...        # for one other thread
    def close(self) -> None: ...


class BodyWriter(Protocol):
    def write(self, chunks: list[bytes]) -> None: ...        # appended in order
    def commit(self) -> str: ...              # durable once this returns: the body id
    def discard(self) -> None: ...


class BodyStore(Protocol):
    def writer(self) -> BodyWriter: ...
    def open(self, body_id: str) -> int: ...                   # a file descriptor
    def remove(self, body_ids: Sequence[str]) -> None: ...
    def ids(self) -> Iterator[str]: ...                        # every stored body, for GC
