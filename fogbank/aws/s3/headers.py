"""S3's request headers as the engine's typed values, and the engine's answers as the
members botocore names: ranges, conditions, content headers, checksums, tags, times."""
from __future__ import annotations

import base64
import datetime as dt
import email.utils
import re
from typing import Any, Iterable, Mapping
from urllib.parse import parse_qsl, unquote

from fogbank.aws.protocols.rest_xml import malformed_xml
from fogbank.aws.s3.chunked import stored_encoding
from fogbank.objects import (Checksum, ChecksumSpec, Conditions, ContentHeaders, CopySource,
                             CustomerKey, Encryption, EncryptionRequest, ObjectInfo, Range)
from fogbank.objects.errors import (HeaderNotImplemented, InvalidArgument, InvalidRequest,
                                    InvalidTag)
from fogbank.objects.validation import tag_text

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
# botocore member suffix → S3's algorithm name.
CHECKSUM_MEMBERS = {"CRC32": "CRC32", "CRC32C": "CRC32C", "CRC64NVME": "CRC64NVME",
                    "SHA1": "SHA1", "SHA256": "SHA256"}
CONTENT_MEMBERS = {"ContentType": "content_type", "ContentEncoding": "content_encoding",
                   "ContentDisposition": "content_disposition",
                   "ContentLanguage": "content_language", "CacheControl": "cache_control",
                   "WebsiteRedirectLocation": "website_redirect_location",
                   "StorageClass": "storage_class"}
OWNER_ID = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"
OWNER = {"ID": OWNER_ID, "DisplayName": "webfile"}


def parse_range(text: str | None) -> Range | None:
    """A single `bytes=` range; anything else S3 ignores and answers with the whole object."""
    match = _RANGE.fullmatch((text or "").strip())
    if match is None or match[1] == match[2] == "":
        return None
    first, last = match[1], match[2]
    if first == "":
        return Range(None, int(last))
    if last and int(last) < int(first):
        return None
    return Range(int(first), int(last) if last else None)


def epoch(value: Any) -> float | None:
    if isinstance(value, dt.datetime):
        return value.timestamp()
    return None


def conditions(params: Mapping[str, Any], prefix: str = "If") -> Conditions:
    return Conditions(if_match=params.get(f"{prefix}Match"),
                      if_none_match=params.get(f"{prefix}NoneMatch"),
                      if_modified_since=epoch(params.get(f"{prefix}ModifiedSince")),
                      if_unmodified_since=epoch(params.get(f"{prefix}UnmodifiedSince")))


def write_conditions(params: Mapping[str, Any]) -> Conditions:
    """The conditions of a write (PutObject, CopyObject, CompleteMultipartUpload). S3 takes
    one of `If-None-Match: *` and `If-Match: <etag>`; both at once, another If-None-Match or
    `If-Match: *` is functionality it does not implement (501)."""
    if_match, if_none_match = params.get("IfMatch"), params.get("IfNoneMatch")
    if if_match is not None and if_none_match is not None:
        raise HeaderNotImplemented(Header="If-Match,If-None-Match", additionalMessage=(
            "Multiple conditional request headers present in the request"))
    if if_none_match not in (None, "*") or if_match == "*":
        name = "If-None-Match" if if_none_match is not None else "If-Match"
        raise HeaderNotImplemented(Header=name, additionalMessage=(
            f"We don't accept the provided value of {name} header for this API"))
    return conditions(params)


def content_headers(params: Mapping[str, Any]) -> ContentHeaders:
    fields = {attr: params[name] for name, attr in CONTENT_MEMBERS.items() if params.get(name)}
    if "content_encoding" in fields:
        fields["content_encoding"] = stored_encoding(fields["content_encoding"])
    expires = params.get("Expires")
    if isinstance(expires, dt.datetime):
        fields["expires"] = email.utils.format_datetime(expires.astimezone(dt.timezone.utc),
                                                        usegmt=True)
    return ContentHeaders(**fields, **lock_headers(params))


def lock_headers(params: Mapping[str, Any]) -> dict[str, Any]:
    """A write's x-amz-object-lock-mode, -retain-until-date and -legal-hold, as
    ContentHeaders fields (the engine judges them); a date nobody can read: InvalidArgument."""
    fields: dict[str, Any] = {}
    if "ObjectLockMode" in params:
        fields["lock_mode"] = params["ObjectLockMode"]
    if "ObjectLockRetainUntilDate" in params:
        fields["lock_until"] = epoch(params["ObjectLockRetainUntilDate"])
        if fields["lock_until"] is None:
            raise InvalidArgument("The retain until date must be in ISO 8601 format",
                                  ArgumentName="x-amz-object-lock-retain-until-date")
    if "ObjectLockLegalHoldStatus" in params:
        fields["legal_hold"] = params["ObjectLockLegalHoldStatus"]
    return fields


def checksum_spec(params: Mapping[str, Any], trailers: Mapping[str, str] | None = None,
                  trailer_name: str | None = None) -> ChecksumSpec | None:
    """The checksum a client sent (header or aws-chunked trailer) or asked S3 to compute,
    with the algorithm x-amz-sdk-checksum-algorithm declares (the engine checks they agree)."""
    declared = params["ChecksumAlgorithm"].upper() if params.get("ChecksumAlgorithm") else None
    for suffix, algorithm in CHECKSUM_MEMBERS.items():
        if params.get(f"Checksum{suffix}"):
            return ChecksumSpec(algorithm, params[f"Checksum{suffix}"], declared)
    if trailers is not None and trailer_name and trailer_name.startswith("x-amz-checksum-"):
        algorithm = trailer_name[len("x-amz-checksum-"):].upper()
        return ChecksumSpec(algorithm, lambda: trailers.get(trailer_name), declared)
    if declared:
        return ChecksumSpec(declared)
    return None


def tags(text: str | None) -> dict[str, str] | None:
    """`x-amz-tagging: k1=v1&k2=v2` (URL query encoding). S3 words a repeated name, or a
    character left unencoded that no tag may hold (`a=1,b=2`), as a header it cannot read;
    an encoded one that no tag may hold is the engine's InvalidTag."""
    if text is None:
        return None
    pairs = parse_qsl(text, keep_blank_values=True)
    if len({key for key, _ in pairs}) != len(pairs) or \
            not tag_text(_ESCAPE.sub("", text).replace("&", "")):
        raise InvalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then "
                              "URLEncoded URL query parameters without tag name duplicates.",
                              ArgumentName="x-amz-tagging", ArgumentValue=text)
    return dict(pairs)


def tag_pairs(document: Mapping[str, Any] | None) -> dict[str, str]:
    """A `<Tagging>` body's tags; MalformedXML for no body or a Tag without Key or Value,
    which S3's schema requires."""
    tag_list = (document or {}).get("TagSet")
    if tag_list is None or any("Key" not in t or "Value" not in t for t in tag_list):
        raise malformed_xml()
    return _unique_tags((t["Key"], t["Value"]) for t in tag_list)


def _unique_tags(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in pairs:
        if key in found:
            raise InvalidTag("Cannot provide multiple Tags with the same key", TagKey=key)
        found[key] = value
    return found


def tag_set(found: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in found.items()]


def copy_source(params: Mapping[str, Any]) -> CopySource:
    """`x-amz-copy-source: /bucket/key[?versionId=…]`, URL-encoded."""
    text = params["CopySource"]
    path = unquote(text.split("?", 1)[0]).lstrip("/")
    bucket, _, key = path.partition("/")
    if not bucket or not key:
        raise InvalidArgument("Invalid copy source object key",
                              ArgumentName="x-amz-copy-source", ArgumentValue=text)
    source_range = None
    if params.get("CopySourceRange") is not None:
        source_range = parse_range(params["CopySourceRange"])
        if source_range is None or source_range.first is None or source_range.last is None:
            raise InvalidArgument("The x-amz-copy-source-range value must be of the form "
                                  "bytes=first-last where first and last are the zero-based "
                                  "offsets of the first and last bytes to copy",
                                  ArgumentName="x-amz-copy-source-range",
                                  ArgumentValue=params["CopySourceRange"])
    return CopySource(bucket, key, conditions(params, "CopySourceIf"), source_range,
                      customer_key(params, "CopySourceSSECustomer"),
                      _copy_source_version(text))


def _copy_source_version(text: str) -> str | None:
    """The `versionId` an `x-amz-copy-source` names, if any."""
    _, _, query = text.partition("?")
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if name == "versionId":
            return unquote(value)
    return None


def customer_key(params: Mapping[str, Any], prefix: str = "SSECustomer") -> CustomerKey:
    """SSE-C's headers (`prefix` CopySourceSSECustomer: those naming a copy's source)."""
    return CustomerKey(params.get(f"{prefix}Algorithm"), params.get(f"{prefix}Key"),
                       params.get(f"{prefix}KeyMD5"))


def encryption_request(params: Mapping[str, Any]) -> EncryptionRequest:
    return EncryptionRequest(params.get("ServerSideEncryption"), params.get("SSEKMSKeyId"),
                             params.get("SSEKMSEncryptionContext"),
                             params.get("BucketKeyEnabled"), customer_key(params))


# Reads whose request S3 refuses when it names an encryption (SSE-S3 or SSE-KMS): only a
# write chooses one, and the object says which it has.
READS_WITHOUT_SSE = frozenset({"GetObject", "HeadObject"})


def refuse_sse_header(value: str | None) -> None:
    """x-amz-server-side-encryption on a read: S3's 400 InvalidArgument."""
    if value is not None:
        raise InvalidArgument("x-amz-server-side-encryption header is not supported for this "
                              "operation.", ArgumentName="x-amz-server-side-encryption",
                              ArgumentValue=value)


def encryption_members(sse: Encryption, *, customer: bool = True,
                       context: bool = False) -> dict[str, Any]:
    """How an answer says an object is encrypted: the SSE-C algorithm and key MD5 (left
    out where S3 leaves them out: `customer` False), or the kind, the KMS key and Bucket
    Key (sent only when enabled, as S3 does); the KMS context only with `context` (S3
    echoes it on writes alone)."""
    if sse.customer_key_md5 is not None:
        return {"SSECustomerAlgorithm": "AES256",
                "SSECustomerKeyMD5": sse.customer_key_md5} if customer else {}
    out: dict[str, Any] = {"ServerSideEncryption": sse.algorithm,
                           "SSEKMSKeyId": sse.kms_key_id}
    if sse.bucket_key:
        out["BucketKeyEnabled"] = True
    if context:
        out["SSEKMSEncryptionContext"] = sse.context
    return out


def when(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


def checksum_members(checksum: Checksum | None) -> dict[str, Any]:
    if checksum is None:
        return {}
    return {f"Checksum{checksum.algorithm}": checksum.value, "ChecksumType": checksum.type}


def object_members(info: ObjectInfo, *, checksums: bool = False) -> dict[str, Any]:
    """The members GetObject and HeadObject share."""
    h = info.headers
    out: dict[str, Any] = {
        "ETag": info.etag, "LastModified": when(info.last_modified),
        "ContentLength": info.size, "ContentType": info.content_type,
        "AcceptRanges": "bytes",
        "Metadata": {name: mail_safe(value) for name, value in info.metadata.items()},
        "CacheControl": h.cache_control, "ContentDisposition": h.content_disposition,
        "ContentEncoding": h.content_encoding, "ContentLanguage": h.content_language,
        "WebsiteRedirectLocation": h.website_redirect_location,
        "Expiration": info.expiration, **encryption_members(info.encryption),
        "VersionId": info.version_id,
    }
    if info.storage_class != "STANDARD":      # S3 leaves the header out for STANDARD
        out["StorageClass"] = info.storage_class
    if info.restore_until is not None:
        # A restore here is done at once, so it is never ongoing-request="true".
        date = email.utils.formatdate(info.restore_until, usegmt=True)
        out["Restore"] = f'ongoing-request="false", expiry-date="{date}"'
    if info.tag_count:
        out["TagCount"] = info.tag_count
    if h.lock_mode is not None:
        out.update(ObjectLockMode=h.lock_mode, ObjectLockRetainUntilDate=when(h.lock_until or 0))
    if h.legal_hold is not None:
        out["ObjectLockLegalHoldStatus"] = h.legal_hold
    if checksums:
        out.update(checksum_members(info.checksum))
    return {k: v for k, v in out.items() if v is not None}


def mail_safe(value: str) -> str:
    """A metadata value as S3 returns it: as stored when it is all ASCII, else RFC 2047
    encoded (UTF-8, base64), since a header carries only ASCII safely."""
    if value.isascii():
        return value
    try:
        text = value.encode("latin-1").decode("utf-8")     # header bytes are kept as latin-1
    except (UnicodeEncodeError, UnicodeDecodeError):
        text = value                                       # already text (a form field)
    return f"=?UTF-8?B?{base64.b64encode(text.encode()).decode()}?="


def response_overrides(params: Mapping[str, Any], out: dict[str, Any]) -> None:
    """`response-content-type=…` and friends replace the stored headers in the answer."""
    for name in ("CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage",
                 "ContentType", "Expires"):
        if params.get(f"Response{name}") is not None:
            out[name] = params[f"Response{name}"]


def check_marker(name: str, value: int | None) -> int:
    """A part-number marker: none is 0; S3 refuses a negative one."""
    if value is not None and value < 0:
        raise InvalidArgument(f"Argument {name} must be an integer between 0 and 2147483647",
                              ArgumentName=name, ArgumentValue=str(value))
    return value or 0


def check_max(name: str, value: int | None, default: int = 1000) -> int:
    if value is None:
        return default
    if value < 0:
        raise InvalidArgument(f"Argument {name} must be an integer between 0 and 2147483647",
                              ArgumentName=name, ArgumentValue=str(value))
    return min(value, default)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidRequest(message)
