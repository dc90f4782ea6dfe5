"""S3's object operations: each one botocore-shaped input → one engine call → output."""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import quote_plus

from fogbank.aws.protocols.rest_xml import malformed_xml, parse_http_date
from fogbank.aws.s3 import acl as acls, headers as h
from fogbank.aws.s3.context import S3Call
from fogbank.objects import (CopyObject, GetObject, ObjectAttributes, ObjectsEngine,
                             PutObject, access)
from fogbank.objects.errors import InvalidArgument


class ObjectOperations:
    def __init__(self, engine: ObjectsEngine) -> None:
        self._engine = engine            # its parts exist once it has started
        self.operations = {
            "PutObject": self.put_object, "GetObject": self.get_object,
            "HeadObject": self.head_object, "DeleteObject": self.delete_object,
            "DeleteObjects": self.delete_objects, "CopyObject": self.copy_object,
            "ListObjects": self.list_objects, "ListObjectsV2": self.list_objects_v2,
            "GetObjectTagging": self.get_tagging, "PutObjectTagging": self.put_tagging,
            "DeleteObjectTagging": self.delete_tagging, "GetObjectAcl": self.get_acl,
            "PutObjectAcl": self.put_acl,
            "GetObjectAttributes": self.get_attributes,
        }

    @property
    def _objects(self) -> Any:
        return self._engine.objects

    async def put_object(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        result = await self._objects.put(PutObject(
            p["Bucket"], p["Key"], p["Body"], headers=h.content_headers(p),
            metadata=p.get("Metadata", {}), content_md5=p.get("ContentMD5"),
            checksum=h.checksum_spec(p, call.trailers, call.trailer_name),
            conditions=h.write_conditions(p), tags=h.tags(p.get("Tagging")),
            content_length=call.content_length, caller=call.caller,
            encryption=h.encryption_request(p), acl=acls.requested(p)))
        return {"ETag": result.etag, **h.checksum_members(result.checksum),
                "Expiration": result.expiration,
                **h.encryption_members(result.encryption, context=True)}

    async def get_object(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await unversioned(self._engine, p["Bucket"], p.get("VersionId"))
        found = await self._objects.get(self._get(p, call))
        # A part of an object has no checksum of its own: S3 sends none for a range.
        whole = found.content_range is None
        out = h.object_members(found.info, checksums=whole and p.get("ChecksumMode") == "ENABLED")
        out.update(Body=found.body)
        _partial(p, found.info, found.content_range, out)
        return out

    async def head_object(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await unversioned(self._engine, p["Bucket"], p.get("VersionId"))
        info, span = await self._objects.head_span(self._get(p, call))
        out = h.object_members(info, checksums=span is None and p.get("ChecksumMode") == "ENABLED")
        _partial(p, info, span, out)
        return out

    def _get(self, p: dict[str, Any], call: S3Call) -> GetObject:
        part = p.get("PartNumber")
        if part is not None and not 1 <= part <= 10000:
            raise InvalidArgument("Part number must be an integer between 1 and 10000, inclusive",
                                  ArgumentName="partNumber", ArgumentValue=str(part))
        return GetObject(p["Bucket"], p["Key"], range=h.parse_range(p.get("Range")),
                         conditions=h.conditions(p), part_number=part,
                         customer_key=h.customer_key(p))

    async def delete_object(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await unversioned(self._engine, p["Bucket"], p.get("VersionId"))
        await self._objects.delete(p["Bucket"], p["Key"], caller=call.caller,
                                   conditions=h.conditions(p))
        return {}

    async def delete_objects(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        request = p.get("Delete") or {}                 # no body: no list to read
        entries = request.get("Objects", [])
        if not entries or any("Key" not in entry for entry in entries):
            raise malformed_xml()                       # the schema wants a Key in each
        if len(entries) > 1000:
            raise malformed_xml()       # S3 refuses more than 1000 keys as a schema error
        # No version of an unversioned bucket's object has an id but "null": S3 reports
        # any other id as a version that does not exist, and deletes nothing for it.
        missing = [e for e in entries if e.get("VersionId") not in (None, "null")]
        entries = [e for e in entries if e.get("VersionId") in (None, "null")]
        etags = {i: entry["ETag"] for i, entry in enumerate(entries) if entry.get("ETag")}
        deleted: list[Any] = []
        failed: list[Any] = []
        if entries:
            deleted, failed = await self._objects.delete_many(
                p["Bucket"], [entry["Key"] for entry in entries], caller=call.caller, etags=etags)
        else:
            await self._engine.buckets.get(p["Bucket"])
        out: dict[str, Any] = {"Errors": [{"Key": f.key, "Code": f.code, "Message": f.message}
                                          for f in failed]}
        out["Errors"] += [{"Key": entry["Key"], "VersionId": entry["VersionId"],
                           "Code": "NoSuchVersion",
                           "Message": "The specified version does not exist."}
                          for entry in missing]
        if not request.get("Quiet"):
            # An entry that named version "null" gets it echoed in its Deleted item.
            out["Deleted"] = [{"Key": d.key, "VersionId": entries[d.index].get("VersionId")}
                              for d in deleted]
        return out

    async def copy_object(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        directive = p.get("MetadataDirective", "COPY")
        source = h.copy_source(p)
        await unversioned(self._engine, source.bucket, h.copy_source_version(p))
        result = await self._objects.copy(CopyObject(
            source, p["Bucket"], p["Key"], metadata_directive=directive,
            headers=h.content_headers(p), metadata=p.get("Metadata", {}),
            tagging_directive=p.get("TaggingDirective", "COPY"), tags=h.tags(p.get("Tagging")),
            checksum_algorithm=p.get("ChecksumAlgorithm"), conditions=h.write_conditions(p),
            caller=call.caller, encryption=h.encryption_request(p), acl=acls.requested(p)))
        return {"CopyObjectResult": {"ETag": result.etag,
                                     "LastModified": h.when(result.last_modified),
                                     **_checksum_only(result.checksum)},
                "Expiration": result.expiration,
                **h.encryption_members(result.encryption, context=True)}

    async def get_attributes(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await unversioned(self._engine, p["Bucket"], p.get("VersionId"))
        wanted = _object_attributes(p.get("ObjectAttributes"))
        marker = h.check_marker("part-number-marker", p.get("PartNumberMarker"))
        max_parts = h.check_max("max-parts", p.get("MaxParts"))
        found = await self._objects.attributes(p["Bucket"], p["Key"], max_parts=max_parts,
                                               part_number_marker=marker,
                                               customer_key=h.customer_key(p))
        info = found.info
        out: dict[str, Any] = {"LastModified": h.when(info.last_modified)}
        if "ETag" in wanted:
            out["ETag"] = info.etag.strip('"')       # S3 sends this ETag without its quotes
        if "Checksum" in wanted and info.checksum is not None:
            # A multipart checksum of checksums comes without its "-<parts>" suffix here.
            value = info.checksum.value.split("-")[0]
            out["Checksum"] = {f"Checksum{info.checksum.algorithm}": value,
                               "ChecksumType": info.checksum.type}
        if "ObjectParts" in wanted and info.parts_count:
            out["ObjectParts"] = _object_parts(found, marker, max_parts)
        if "StorageClass" in wanted:
            out["StorageClass"] = info.storage_class
        if "ObjectSize" in wanted:
            out["ObjectSize"] = info.size
        return out

    async def list_objects(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        page = await self._objects.list_v1(
            p["Bucket"], prefix=p.get("Prefix", ""), delimiter=p.get("Delimiter", ""),
            max_keys=h.check_max("maxKeys", p.get("MaxKeys")), marker=p.get("Marker", ""))
        encode = _encoder(p)
        out = _listing(p, page, encode)
        out.update(Marker=encode(p.get("Marker", "")), NextMarker=encode(page.next_marker)
                   if page.next_marker and p.get("Delimiter") else None)
        return out

    async def list_objects_v2(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        token = p.get("ContinuationToken")
        if token == "":
            raise InvalidArgument("The continuation token provided is incorrect",
                                  ArgumentName="continuation-token", ArgumentValue="")
        page = await self._objects.list_v2(
            p["Bucket"], prefix=p.get("Prefix", ""), delimiter=p.get("Delimiter", ""),
            max_keys=h.check_max("maxKeys", p.get("MaxKeys")),
            start_after=p.get("StartAfter", ""), continuation_token=token)
        encode = _encoder(p)
        out = _listing(p, page, encode, owner=bool(p.get("FetchOwner")))
        out.update(KeyCount=page.key_count, ContinuationToken=token,
                   NextContinuationToken=page.next_continuation_token,
                   StartAfter=encode(p["StartAfter"]) if p.get("StartAfter") else None)
        return out

    async def get_acl(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await unversioned(self._engine, p["Bucket"], p.get("VersionId"))
        record = await self._objects.record(p["Bucket"], p["Key"])
        return acls.answer(access.load(record.info.headers.acl))

    async def put_acl(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await unversioned(self._engine, p["Bucket"], p.get("VersionId"))
        await self._objects.put_acl(p["Bucket"], p["Key"], acls.put_request(p))
        return {}

    async def get_tagging(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await unversioned(self._engine, p["Bucket"], p.get("VersionId"))
        return {"TagSet": h.tag_set(await self._objects.get_tags(p["Bucket"], p["Key"]))}

    async def put_tagging(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await unversioned(self._engine, p["Bucket"], p.get("VersionId"))
        await self._objects.put_tags(p["Bucket"], p["Key"], h.tag_pairs(p.get("Tagging")))
        return {}

    async def delete_tagging(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await unversioned(self._engine, p["Bucket"], p.get("VersionId"))
        await self._objects.delete_tags(p["Bucket"], p["Key"])
        return {}


async def unversioned(engine: ObjectsEngine, bucket: str, version_id: str | None) -> None:
    """Fogbank's buckets are never versioned, and S3 refuses a version id other than "null"
    on an unversioned bucket: after it has found the bucket, before it looks for the key."""
    if version_id is None or version_id == "null":
        return
    await engine.buckets.get(bucket)
    raise InvalidArgument("Invalid version id specified", ArgumentName="versionId",
                          ArgumentValue=version_id)


ATTRIBUTES = ("ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize")


def _object_attributes(names: list[str] | None) -> set[str]:
    """x-amz-object-attributes: at least one name, each one S3 knows."""
    wanted = {name for name in names or [] if name}
    if not wanted or not wanted <= set(ATTRIBUTES):
        raise InvalidArgument("Invalid attribute name specified.")
    return wanted


def _object_parts(found: ObjectAttributes, marker: int, max_parts: int) -> dict[str, Any]:
    """S3 lists a multipart object's parts only when they carry checksums; otherwise it
    gives their count alone."""
    out: dict[str, Any] = {"TotalPartsCount": found.info.parts_count}
    if found.info.checksum is None or any(part.checksum is None for part in found.parts):
        return out
    out.update(PartNumberMarker=marker, NextPartNumberMarker=found.next_part_number_marker,
               MaxParts=max_parts, IsTruncated=found.is_truncated,
               Parts=[{"PartNumber": part.part_number, "Size": part.size,
                       **_checksum_only(part.checksum)} for part in found.parts])
    return out


def _encoder(p: Mapping[str, Any]):
    """encoding-type=url: S3 form-encodes keys and prefixes (botocore decodes them back)."""
    kind = p.get("EncodingType")
    if kind is not None and kind != "url":
        raise InvalidArgument("Invalid Encoding Method specified in Request",
                              ArgumentName="encoding-type", ArgumentValue=kind)
    if kind == "url":
        return lambda text: quote_plus(text, safe="/") if text else text
    return lambda text: text


def _listing(p: Mapping[str, Any], page: Any, encode: Any, owner: bool = True) -> dict[str, Any]:
    contents = []
    for info in page.contents:
        entry = {"Key": encode(info.key), "LastModified": h.when(info.last_modified),
                 "ETag": info.etag, "Size": info.size, "StorageClass": info.storage_class}
        if info.checksum is not None:
            entry.update(ChecksumAlgorithm=[info.checksum.algorithm],
                         ChecksumType=info.checksum.type)
        if owner:
            entry["Owner"] = h.OWNER
        contents.append(entry)
    return {"Name": p["Bucket"], "Prefix": encode(p.get("Prefix", "")),
            "Delimiter": encode(p.get("Delimiter")) if p.get("Delimiter") else None,
            "MaxKeys": h.check_max("maxKeys", p.get("MaxKeys")),
            "EncodingType": p.get("EncodingType"), "IsTruncated": page.is_truncated,
            "Contents": contents or None,
            "CommonPrefixes": [{"Prefix": encode(c)} for c in page.common_prefixes] or None}


def _partial(p: Mapping[str, Any], info: Any, span: tuple[int, int] | None,
             out: dict[str, Any]) -> None:
    """The members GetObject and HeadObject share past the object's own: the length, the
    range a part or Range names (206), the parts count, the response-* overrides."""
    out["ContentLength"] = info.size
    _expires(info.headers.expires, out)
    if span is not None:
        first, last = span
        out.update(ContentLength=last - first + 1, ContentRange=f"bytes {first}-{last}/{info.size}",
                   ResponseMetadata={"HTTPStatusCode": 206})
    if info.parts_count and p.get("PartNumber"):
        out["PartsCount"] = info.parts_count
    h.response_overrides(p, out)


def _checksum_only(checksum: Any) -> dict[str, Any]:
    return {f"Checksum{checksum.algorithm}": checksum.value} if checksum is not None else {}


def _expires(text: str | None, out: dict[str, Any]) -> None:
    value = parse_http_date(text) if text else None
    if value is not None:
        out["Expires"] = value
