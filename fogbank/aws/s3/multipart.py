"""S3's multipart upload operations, each → the engine's uploads part."""
from __future__ import annotations

from typing import Any

from fogbank.aws.s3 import acl as acls, headers as h
from fogbank.aws.s3.context import S3Call
from fogbank.aws.s3.objects import encoder
from fogbank.objects import Checksum, CompletedPart, CreateUpload, ObjectsEngine
from fogbank.objects.errors import InvalidArgument, InvalidRequest


class MultipartOperations:
    def __init__(self, engine: ObjectsEngine) -> None:
        self._engine = engine            # its parts exist once it has started
        self.operations = {
            "CreateMultipartUpload": self.create, "UploadPart": self.upload_part,
            "UploadPartCopy": self.upload_part_copy, "CompleteMultipartUpload": self.complete,
            "AbortMultipartUpload": self.abort, "ListParts": self.list_parts,
            "ListMultipartUploads": self.list_uploads,
        }

    @property
    def _uploads(self) -> Any:
        return self._engine.uploads

    async def create(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        upload = await self._uploads.create(CreateUpload(
            p["Bucket"], p["Key"], headers=h.content_headers(p), metadata=p.get("Metadata", {}),
            checksum_algorithm=p.get("ChecksumAlgorithm"), checksum_type=p.get("ChecksumType"),
            tags=h.tags(p.get("Tagging")), caller=call.caller,
            encryption=h.encryption_request(p), acl=acls.requested(p)))
        return {"Bucket": upload.bucket, "Key": upload.key, "UploadId": upload.upload_id,
                "ChecksumAlgorithm": upload.checksum_algorithm,
                "ChecksumType": upload.checksum_type,
                **h.encryption_members(upload.encryption, context=True)}

    async def upload_part(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        part = await self._uploads.upload_part(
            p["Bucket"], p["Key"], p["UploadId"], _part_number(p["PartNumber"]), p["Body"],
            content_md5=p.get("ContentMD5"),
            checksum=h.checksum_spec(p, call.trailers, call.trailer_name),
            content_length=call.content_length, customer_key=h.customer_key(p))
        return {"ETag": part.etag, **_checksum(part.checksum),
                **h.encryption_members(part.encryption)}

    async def upload_part_copy(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        source = h.copy_source(p)
        part = await self._uploads.upload_part_copy(
            p["Bucket"], p["Key"], p["UploadId"], _part_number(p["PartNumber"]), source,
            customer_key=h.customer_key(p))
        return {"CopyPartResult": {"ETag": part.etag, "LastModified": h.when(part.last_modified),
                                   **_checksum(part.checksum)},
                "CopySourceVersionId": part.source_version_id,
                **h.encryption_members(part.encryption)}

    async def complete(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        if p.get("MultipartUpload") is None:
            # No body at all is S3's InvalidRequest; an empty parts list stays MalformedXML.
            raise InvalidRequest("You must specify at least one part")
        parts = []
        for entry in (p.get("MultipartUpload") or {}).get("Parts", []):
            checksum = next((Checksum(alg, entry[f"Checksum{alg}"], "COMPOSITE")
                             for alg in h.CHECKSUM_MEMBERS if entry.get(f"Checksum{alg}")), None)
            parts.append(CompletedPart(entry.get("PartNumber", 0), entry.get("ETag", ""),
                                       checksum))
        stated = next((Checksum(alg, p[f"Checksum{alg}"]) for alg in h.CHECKSUM_MEMBERS
                       if p.get(f"Checksum{alg}")), None)
        result = await self._uploads.complete(p["Bucket"], p["Key"], p["UploadId"], parts,
                                              conditions=h.write_conditions(p), caller=call.caller,
                                              customer_key=h.customer_key(p), expected=stated,
                                              expected_type=p.get("ChecksumType"))
        # S3's answer names the KMS kinds, not SSE-C.
        return {"Location": f"{call.endpoint}/{p['Bucket']}/{p['Key']}", "Bucket": p["Bucket"],
                "Key": p["Key"], "ETag": result.etag, **h.checksum_members(result.checksum),
                "Expiration": result.expiration, "VersionId": result.version_id,
                **h.encryption_members(result.encryption, customer=False)}

    async def abort(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await self._uploads.abort(p["Bucket"], p["Key"], p["UploadId"])
        return {}

    async def list_parts(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        page = await self._uploads.list_parts(
            p["Bucket"], p["Key"], p["UploadId"], max_parts=h.check_max("max-parts",
                                                                        p.get("MaxParts")),
            part_number_marker=h.check_marker("part-number-marker", p.get("PartNumberMarker")))
        upload = page.upload
        return {
            "Bucket": upload.bucket, "Key": upload.key, "UploadId": upload.upload_id,
            "PartNumberMarker": h.check_marker("part-number-marker", p.get("PartNumberMarker")),
            "NextPartNumberMarker": page.next_part_number_marker or 0,   # 0 with no parts
            "MaxParts": h.check_max("max-parts", p.get("MaxParts")),
            "IsTruncated": page.is_truncated, "StorageClass": "STANDARD",
            "Initiator": h.OWNER, "Owner": h.OWNER,
            "ChecksumAlgorithm": upload.checksum_algorithm, "ChecksumType": upload.checksum_type,
            "Parts": [{"PartNumber": part.part_number, "ETag": part.etag, "Size": part.size,
                       "LastModified": h.when(part.last_modified), **_checksum(part.checksum)}
                      for part in page.parts] or None,
        }

    async def list_uploads(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        encode = encoder(p)          # encoding-type=url, as ListObjects takes it
        page = await self._uploads.list_uploads(
            p["Bucket"], prefix=p.get("Prefix", ""), delimiter=p.get("Delimiter", ""),
            max_uploads=h.check_max("max-uploads", p.get("MaxUploads")),
            key_marker=p.get("KeyMarker", ""), upload_id_marker=p.get("UploadIdMarker", ""))
        return {
            "Bucket": p["Bucket"], "KeyMarker": encode(p.get("KeyMarker", "")),
            # An upload-id marker counts only beside a key marker; alone S3 echoes none.
            "UploadIdMarker": p.get("UploadIdMarker", "") if p.get("KeyMarker") else "",
            "Prefix": encode(p.get("Prefix")),
            "Delimiter": encode(p.get("Delimiter")),
            "NextKeyMarker": encode(page.next_key_marker),
            "NextUploadIdMarker": page.next_upload_id_marker,
            "MaxUploads": h.check_max("max-uploads", p.get("MaxUploads")),
            "EncodingType": p.get("EncodingType"), "IsTruncated": page.is_truncated,
            "Uploads": [{"UploadId": u.upload_id, "Key": encode(u.key),
                         "Initiated": h.when(u.initiated),
                         "StorageClass": "STANDARD", "Owner": h.OWNER, "Initiator": h.OWNER,
                         "ChecksumAlgorithm": u.checksum_algorithm,
                         "ChecksumType": u.checksum_type} for u in page.uploads] or None,
            "CommonPrefixes": [{"Prefix": encode(c)} for c in page.common_prefixes] or None,
        }


def _part_number(number: int) -> int:
    if not 1 <= number <= 10000:
        raise InvalidArgument("Part number must be an integer between 1 and 10000, inclusive",
                              ArgumentName="partNumber", ArgumentValue=str(number))
    return number


def _checksum(checksum: Checksum | None) -> dict[str, Any]:
    return {f"Checksum{checksum.algorithm}": checksum.value} if checksum is not None else {}
