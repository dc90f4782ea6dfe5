"""S3's versioning operations: a bucket's versioning state and ListObjectVersions."""
from __future__ import annotations

from typing import Any

from fogbank.aws.s3 import headers as h
from fogbank.aws.s3.context import S3Call
from fogbank.aws.s3.objects import encoder
from fogbank.objects import BucketConfig, ObjectsEngine


class VersioningOperations:
    def __init__(self, engine: ObjectsEngine) -> None:
        self._engine = engine            # its parts exist once it has started
        self.operations = {
            "PutBucketVersioning": self.put_versioning,
            "GetBucketVersioning": self.get_versioning,
            "ListObjectVersions": self.list_versions,
        }

    async def put_versioning(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await self._engine.configs.put(p["Bucket"], BucketConfig.VERSIONING,
                                       p.get("VersioningConfiguration") or {})
        return {}

    async def get_versioning(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        """A bucket never versioned answers an empty configuration, as S3 does."""
        return dict(await self._engine.configs.get(p["Bucket"], BucketConfig.VERSIONING))

    async def list_versions(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        encode = encoder(p)
        max_keys = h.check_max("max-keys", p.get("MaxKeys"))
        page = await self._engine.objects.list_versions(
            p["Bucket"], prefix=p.get("Prefix", ""), delimiter=p.get("Delimiter", ""),
            max_keys=max_keys, key_marker=p.get("KeyMarker", ""),
            version_id_marker=p.get("VersionIdMarker", ""))
        found: list[dict[str, Any]] = []
        markers: list[dict[str, Any]] = []
        for entry in page.versions:
            info = entry.info
            item: dict[str, Any] = {"Key": encode(info.key), "VersionId": info.version_id,
                                    "IsLatest": entry.is_latest,
                                    "LastModified": h.when(info.last_modified),
                                    "Owner": h.OWNER}
            if info.delete_marker:
                markers.append(item)
                continue
            item.update(ETag=info.etag, Size=info.size, StorageClass=info.storage_class)
            if info.checksum is not None:
                item.update(ChecksumAlgorithm=[info.checksum.algorithm],
                            ChecksumType=info.checksum.type)
            found.append(item)
        return {
            "Name": p["Bucket"], "Prefix": encode(p.get("Prefix", "")),
            "KeyMarker": encode(p.get("KeyMarker", "")),
            "VersionIdMarker": p.get("VersionIdMarker", ""),
            "Delimiter": encode(p.get("Delimiter")) if p.get("Delimiter") else None,
            "MaxKeys": max_keys, "EncodingType": p.get("EncodingType"),
            "IsTruncated": page.is_truncated,
            "NextKeyMarker": encode(page.next_key_marker) if page.is_truncated else None,
            "NextVersionIdMarker": page.next_version_id_marker if page.is_truncated else None,
            "Versions": found or None, "DeleteMarkers": markers or None,
            "CommonPrefixes": [{"Prefix": encode(c)} for c in page.common_prefixes] or None,
        }
