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
            "GetObjectAttributes": self.get_attributes, "RestoreObject": self.restore,
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
                "Expiration": result.expiration, "VersionId": result.version_id,
                **h.encryption_members(result.encryption, context=True)}

    async def get_object(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        found = await self._objects.get(self._get(p, call))
        # A part of an object has no checksum of its own: S3 sends none for a range.
        whole = found.content_range is None
        out = h.object_members(found.info, checksums=whole and p.get("ChecksumMode") == "ENABLED")
        out.update(Body=found.body)
        _partial(p, found.info, found.content_range, out)
        return out

    async def head_object(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
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
                         customer_key=h.customer_key(p), version_id=p.get("VersionId"))

    async def delete_object(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        done = await self._objects.delete(p["Bucket"], p["Key"], caller=call.caller,
                                          conditions=h.conditions(p),
                                          version_id=p.get("VersionId"),
                                          bypass_governance=p.get(
                                              "BypassGovernanceRetention"))
        return {"VersionId": done.version_id, "DeleteMarker": done.delete_marker or None}

    async def delete_objects(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        request = p.get("Delete") or {}                 # no body: no list to read
        entries = request.get("Objects", [])
        if not entries or any("Key" not in entry for entry in entries):
            raise malformed_xml()                       # the schema wants a Key in each
        if len(entries) > 1000:
            raise malformed_xml()       # S3 refuses more than 1000 keys as a schema error
        deleted, failed = await self._objects.delete_many(
            p["Bucket"], [entry["Key"] for entry in entries], caller=call.caller,
            etags={i: entry["ETag"] for i, entry in enumerate(entries) if entry.get("ETag")},
            version_ids={i: entry["VersionId"] for i, entry in enumerate(entries)
                         if entry.get("VersionId") is not None},
            bypass_governance=p.get("BypassGovernanceRetention"))
        out: dict[str, Any] = {"Errors": [{"Key": f.key, "VersionId": f.version_id,
                                           "Code": f.code, "Message": f.message}
                                          for f in failed]}
        if not request.get("Quiet"):
            out["Deleted"] = [_deleted(entries[d.index], d) for d in deleted]
        return out

    async def copy_object(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        directive = p.get("MetadataDirective", "COPY")
        source = h.copy_source(p)
        result = await self._objects.copy(CopyObject(
            source, p["Bucket"], p["Key"], metadata_directive=directive,
            headers=h.content_headers(p), metadata=p.get("Metadata", {}),
            tagging_directive=p.get("TaggingDirective", "COPY"), tags=h.tags(p.get("Tagging")),
            checksum_algorithm=p.get("ChecksumAlgorithm"), conditions=h.write_conditions(p),
            caller=call.caller, encryption=h.encryption_request(p), acl=acls.requested(p)))
        return {"CopyObjectResult": {"ETag": result.etag,
                                     "LastModified": h.when(result.last_modified),
                                     **_checksum_only(result.checksum)},
                "Expiration": result.expiration, "VersionId": result.version_id,
                "CopySourceVersionId": result.source_version_id,
                **h.encryption_members(result.encryption, context=True)}

    async def restore(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        request = p.get("RestoreRequest") or {}
        existed = await self._objects.restore(p["Bucket"], p["Key"], request.get("Days"),
                                              p.get("VersionId"), caller=call.caller)
        # 202 Accepted for a new restore, 200 OK when a restored copy was there already.
        return {"ResponseMetadata": {"HTTPStatusCode": 200 if existed else 202}}

    async def get_attributes(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        wanted = _object_attributes(p.get("ObjectAttributes"))
        marker = h.check_marker("part-number-marker", p.get("PartNumberMarker"))
        max_parts = h.check_max("max-parts", p.get("MaxParts"))
        found = await self._objects.attributes(p["Bucket"], p["Key"], max_parts=max_parts,
                                               part_number_marker=marker,
                                               customer_key=h.customer_key(p),
                                               version_id=p.get("VersionId"))
        info = found.info
        out: dict[str, Any] = {"LastModified": h.when(info.last_modified),
                               "VersionId": info.version_id}
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
        encode = encoder(p)
        out = _listing(p, page, encode)
        out.update(Marker=encode(p.get("Marker", "")), NextMarker=encode(page.next_marker)
                   if page.next_marker and p.get("Delimiter") else None)
        return out

    async def list_objects_v2(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        token = p.get("ContinuationToken")
        if token == "":
            # S3 names the argument but, the token being empty, gives no ArgumentValue.
            raise InvalidArgument("The continuation token provided is incorrect",
                                  ArgumentName="continuation-token")
        page = await self._objects.list_v2(
            p["Bucket"], prefix=p.get("Prefix", ""), delimiter=p.get("Delimiter", ""),
            max_keys=h.check_max("maxKeys", p.get("MaxKeys")),
            start_after=p.get("StartAfter", ""), continuation_token=token)
        encode = encoder(p)
        out = _listing(p, page, encode, owner=bool(p.get("FetchOwner")))
        # A continuation token overrides start-after, and S3 then leaves StartAfter out.
        out.update(KeyCount=page.key_count, ContinuationToken=token,
                   NextContinuationToken=page.next_continuation_token,
                   StartAfter=encode(p["StartAfter"]) if p.get("StartAfter") and token is None
                   else None)
        return out

    async def get_acl(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        record = await self._objects.record(p["Bucket"], p["Key"], p.get("VersionId"))
        return acls.answer(access.load(record.info.headers.acl))

    async def put_acl(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await self._objects.put_acl(p["Bucket"], p["Key"], acls.put_request(p),
                                    p.get("VersionId"), caller=call.caller)
        return {"VersionId": p.get("VersionId")}

    async def get_tagging(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        # S3 names the version read even when the request named none (the current one).
        tags, version = await self._objects.tagging(p["Bucket"], p["Key"], p.get("VersionId"))
        return {"TagSet": h.tag_set(tags), "VersionId": p.get("VersionId") or version}

    async def put_tagging(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        version = await self._objects.put_tags(p["Bucket"], p["Key"],
                                               h.tag_pairs(p.get("Tagging")),
                                               p.get("VersionId"), caller=call.caller)
        return {"VersionId": p.get("VersionId") or version}

    async def delete_tagging(self, p: dict[str, Any], call: S3Call) -> dict[str, Any]:
        await self._objects.delete_tags(p["Bucket"], p["Key"], p.get("VersionId"),
                                        caller=call.caller)
        return {"VersionId": p.get("VersionId")}


def _deleted(entry: Mapping[str, Any], done: Any) -> dict[str, Any]:
    """A `<Deleted>` item: the version the entry named (echoed as sent), and the delete
    marker it made or removed."""
    out: dict[str, Any] = {"Key": done.key, "VersionId": entry.get("VersionId")}
    if done.delete_marker:
        out.update(DeleteMarker=True, DeleteMarkerVersionId=done.version_id)
    return {k: v for k, v in out.items() if v is not None}


ATTRIBUTES = ("ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize")


def _object_attributes(names: list[str] | None) -> set[str]:
    """x-amz-object-attributes: at least one name, each one S3 knows."""
    wanted = {name for name in names or [] if name}
    if not wanted or not wanted <= set(ATTRIBUTES):
        raise InvalidArgument("Invalid attribute name specified.")
    return wanted


def _object_parts(found: ObjectAttributes, marker: int, max_parts: int) -> dict[str, Any]:
    """S3 lists a multipart object's parts only when they carry checksums of the object's
    algorithm; otherwise (no checksums, or parts of an upload made without an algorithm,
    whose object has S3's default CRC64NVME) it gives their count alone."""
    out: dict[str, Any] = {"TotalPartsCount": found.info.parts_count}
    algorithm = None if found.info.checksum is None else found.info.checksum.algorithm
    if algorithm is None or any(part.checksum is None or part.checksum.algorithm != algorithm
                                for part in found.parts):
        return out
    out.update(PartNumberMarker=marker, NextPartNumberMarker=found.next_part_number_marker,
               MaxParts=max_parts, IsTruncated=found.is_truncated,
               Parts=[{"PartNumber": part.part_number, "Size": part.size,
                       **_checksum_only(part.checksum)} for part in found.parts])
    return out


def encoder(p: Mapping[str, Any]):
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
