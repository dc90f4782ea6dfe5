"""The objects engine's typed requests and answers.

Times are epoch seconds (floats); the wire layer formats them (HTTP dates, ISO 8601).
ETags are given as S3 sends them, with their double quotes: `"9b2cf535f27731c974343645a3985328"`.
Checksums are base64 strings, as in S3's `x-amz-checksum-*` headers. Bucket configurations
(CORS, lifecycle, website, notification, tagging) are the raw dicts of botocore's S3 shapes
(e.g. `{"CORSRules": [...]}`); the bucket policy is its JSON text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import AsyncIterator, Callable, Mapping

MiB = 1024 * 1024
GiB = 1024 * MiB
MAX_PUT_SIZE = 5 * GiB                # PutObject and each part
MIN_PART_SIZE = 5 * MiB               # every part but the last
MAX_PART_NUMBER = 10_000
MAX_KEY_BYTES = 1024
MAX_KEYS = 1000                       # per list page and per DeleteObjects
CHECKSUM_ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")

# Request bodies arrive as async iterators of bytes (already de-chunked by the wire layer).
Body = AsyncIterator[bytes]


class BucketConfig(Enum):
    """The bucket sub-resources kept as documents; the value is the S3 query marker."""

    CORS = "cors"
    POLICY = "policy"
    TAGGING = "tagging"
    LIFECYCLE = "lifecycle"
    WEBSITE = "website"
    NOTIFICATION = "notification"
    ENCRYPTION = "encryption"
    PUBLIC_ACCESS_BLOCK = "publicAccessBlock"
    OWNERSHIP = "ownershipControls"
    ACL = "acl"                                    # access.acl_document
    VERSIONING = "versioning"                      # {"Status": ..., "MFADelete": ...}
    OBJECT_LOCK = "object-lock"                    # botocore's ObjectLockConfiguration
    LOGGING = "logging"                            # BucketLoggingStatus: kept, never acted on
    REQUEST_PAYMENT = "requestPayment"             # {"Payer": ...}
    ACCELERATE = "accelerate"                      # {"Status": ...}


@dataclass(frozen=True)
class Acl:
    """The ACL a request sets (x-amz-acl, x-amz-grant-*, an AccessControlPolicy): its grants
    beyond the owner's FULL_CONTROL, botocore `Grant` dicts, and the canned ACL named.
    `owner`: whether the ACL holds the owner's FULL_CONTROL. A canned ACL and a policy body
    always do; x-amz-grant-* headers only when they name it, since S3 keeps such an ACL as
    the headers give it."""

    grants: tuple[dict, ...] = ()
    canned: str | None = None
    owner: bool = True


@dataclass(frozen=True)
class Caller:
    """Who made a request, for notification records (requestParameters, userIdentity)."""

    request_id: str = ""
    source_ip: str = "127.0.0.1"
    principal_id: str = ""


@dataclass(frozen=True)
class Bucket:
    name: str
    created: float
    region: str


@dataclass(frozen=True)
class Checksum:
    """An object's checksum: `type` is FULL_OBJECT or COMPOSITE (multipart, value ends -N)."""

    algorithm: str            # one of CHECKSUM_ALGORITHMS
    value: str                # base64, as in x-amz-checksum-<algorithm>
    type: str = "FULL_OBJECT"


@dataclass(frozen=True)
class ChecksumSpec:
    """A checksum the client asks for: compute `algorithm` while storing the body and, when a
    value is given, reject the body if it differs. `value` may be a callable, called once the
    body has been read, for checksums that arrive in an aws-chunked trailer. `declared`: the
    algorithm the request says it used (x-amz-sdk-checksum-algorithm), when it names one."""

    algorithm: str
    value: str | Callable[[], str | None] | None = None
    declared: str | None = None


@dataclass(frozen=True)
class ContentHeaders:
    """The standard headers S3 stores with an object and returns on GET/HEAD."""

    content_type: str | None = None
    content_encoding: str | None = None
    content_disposition: str | None = None
    content_language: str | None = None
    cache_control: str | None = None
    expires: str | None = None                     # as sent: S3 returns it verbatim
    website_redirect_location: str | None = None
    storage_class: str | None = None               # None → STANDARD
    # The object's ACL beyond its owner's FULL_CONTROL, as access.py writes it (x-amz-acl,
    # x-amz-grant-*, PutObjectAcl); never sent back as a header. None: the owner's alone.
    acl: str | None = None
    # Object Lock (retention.py): the version's retention mode (GOVERNANCE | COMPLIANCE)
    # and its retain-until date in epoch seconds, and its legal hold (ON | OFF) once set.
    lock_mode: str | None = None
    lock_until: float | None = None
    legal_hold: str | None = None


@dataclass(frozen=True)
class CustomerKey:
    """SSE-C's x-amz-server-side-encryption-customer-{algorithm,key,key-MD5} headers (or their
    x-amz-copy-source-… forms) as sent; the engine checks them as S3 does."""

    algorithm: str | None = None
    key: str | None = None                         # base64 of the 256-bit key
    key_md5: str | None = None                     # base64 of the key's MD5

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.algorithm, self.key, self.key_md5))


@dataclass(frozen=True)
class EncryptionRequest:
    """The server-side encryption a write asks for, its headers as sent. Nothing asked: the
    bucket's default encryption applies."""

    algorithm: str | None = None                   # x-amz-server-side-encryption
    kms_key_id: str | None = None                  # …-aws-kms-key-id
    context: str | None = None                     # …-context: base64 of a JSON object
    bucket_key: bool | None = None                 # …-bucket-key-enabled
    customer: CustomerKey = CustomerKey()          # SSE-C

    def __bool__(self) -> bool:
        return bool(self.customer) or any(v is not None for v in (
            self.algorithm, self.kms_key_id, self.context, self.bucket_key))


@dataclass(frozen=True)
class Encryption:
    """How S3 says an object is encrypted at rest: SSE-S3 (AES256), SSE-KMS (aws:kms),
    DSSE-KMS (aws:kms:dsse) or SSE-C (`algorithm` None, the customer key's MD5 kept).

    Fogbank does not encrypt the bodies it keeps: it records and reports what the client
    asked for, and demands an SSE-C object's key on every read, as S3 does. The SSE-C key
    itself is never stored, only its MD5."""

    algorithm: str | None = "AES256"
    kms_key_id: str | None = None                  # the KMS key's ARN, for the KMS kinds
    context: str | None = None                     # SSE-KMS encryption context, as sent
    bucket_key: bool = False
    customer_key_md5: str | None = None            # SSE-C: base64 MD5 of the client's key


@dataclass(frozen=True)
class ObjectInfo:
    bucket: str
    key: str
    size: int
    etag: str                                      # quoted; "<md5>-<N>" for multipart
    last_modified: float
    headers: ContentHeaders
    metadata: Mapping[str, str]                    # user metadata, names lower-cased, no prefix
    checksum: Checksum | None = None
    parts_count: int | None = None                 # for objects made by multipart upload
    tag_count: int = 0
    # x-amz-expiration when an enabled lifecycle rule will expire the object: worked out
    # when the object is read (the rules may change after it was written), never stored.
    expiration: str | None = None
    encryption: Encryption = Encryption()
    # The version: None is S3's "null" version (every object of a bucket never versioned,
    # and those written while versioning was suspended). A delete marker has no body.
    version_id: str | None = None
    delete_marker: bool = False
    # An archived version's restored copy (archive.py): when it expires, epoch seconds.
    # Reads answer it only while it lasts; None: never restored, or expired.
    restore_until: float | None = None

    @property
    def content_type(self) -> str:
        return self.headers.content_type or "binary/octet-stream"

    @property
    def storage_class(self) -> str:
        return self.headers.storage_class or "STANDARD"


@dataclass(frozen=True)
class Conditions:
    """Conditional request headers, dates already parsed (an unparsable date is left None,
    as S3 ignores it). On reads: If-Match / If-Unmodified-Since fail with PreconditionFailed
    (412), If-None-Match / If-Modified-Since with NotModified (304). On writes only
    `if_match` and `if_none_match == "*"` apply (PreconditionFailed)."""

    if_match: str | None = None
    if_none_match: str | None = None
    if_modified_since: float | None = None
    if_unmodified_since: float | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.if_match, self.if_none_match,
                                           self.if_modified_since, self.if_unmodified_since))


@dataclass(frozen=True)
class Range:
    """A `Range: bytes=…` header: `first-last`, `first-` (last None) or `-suffix`
    (first None, last = the suffix length). Syntax is the wire's job; satisfiability the
    engine's (InvalidRange)."""

    first: int | None
    last: int | None


@dataclass(frozen=True)
class PutObject:
    bucket: str
    key: str
    body: Body
    headers: ContentHeaders = ContentHeaders()
    metadata: Mapping[str, str] = field(default_factory=dict)
    content_md5: str | None = None                 # base64 Content-MD5 header
    checksum: ChecksumSpec | None = None
    conditions: Conditions = Conditions()          # If-Match / If-None-Match: *
    tags: Mapping[str, str] | None = None          # x-amz-tagging, parsed
    content_length: int | None = None              # declared length, checked against the body
    event_name: str = "ObjectCreated:Put"          # ObjectCreated:Post for presigned POST
    caller: Caller = Caller()
    encryption: EncryptionRequest = EncryptionRequest()
    acl: Acl | None = None                         # None: none asked (the owner's alone)


@dataclass(frozen=True)
class PutResult:
    etag: str
    last_modified: float
    size: int
    checksum: Checksum | None = None
    expiration: str | None = None                  # x-amz-expiration, as on ObjectInfo
    encryption: Encryption = Encryption()
    version_id: str | None = None                  # the new version's, in a versioned bucket
    source_version_id: str | None = None           # a copy's source version, when versioned


@dataclass(frozen=True)
class GetObject:
    bucket: str
    key: str
    range: Range | None = None
    conditions: Conditions = Conditions()
    part_number: int | None = None                 # GetObject/HeadObject ?partNumber=
    customer_key: CustomerKey = CustomerKey()      # an SSE-C object's key
    version_id: str | None = None                  # ?versionId= ("null" names the null one)


@dataclass(frozen=True)
class ObjectBody:
    """An object being read: the body streams from a file opened before this was returned,
    so a concurrent overwrite or delete does not change what is read. Iterate `body` to the
    end or call `aclose()`."""

    info: ObjectInfo
    body: AsyncIterator[bytes]
    content_length: int
    content_range: tuple[int, int] | None = None   # (first, last) for a partial answer

    async def aclose(self) -> None:
        await self.body.aclose()    # type: ignore[attr-defined]


@dataclass(frozen=True)
class CopySource:
    bucket: str
    key: str
    conditions: Conditions = Conditions()          # x-amz-copy-source-if-*
    range: Range | None = None                     # UploadPartCopy's x-amz-copy-source-range
    customer_key: CustomerKey = CustomerKey()      # x-amz-copy-source-…-customer-*
    version_id: str | None = None                  # x-amz-copy-source's ?versionId=


@dataclass(frozen=True)
class CopyObject:
    source: CopySource
    bucket: str
    key: str
    metadata_directive: str = "COPY"               # COPY | REPLACE
    headers: ContentHeaders = ContentHeaders()     # used with REPLACE (storage class always)
    metadata: Mapping[str, str] = field(default_factory=dict)
    tagging_directive: str = "COPY"
    tags: Mapping[str, str] | None = None
    checksum_algorithm: str | None = None
    conditions: Conditions = Conditions()          # on the destination (If-Match / If-None-Match)
    caller: Caller = Caller()
    encryption: EncryptionRequest = EncryptionRequest()   # the destination's, as for a PUT
    acl: Acl | None = None                         # the copy's; never the source's


@dataclass(frozen=True)
class Deleted:
    """What a delete did: removed the version `version_id` (which was a delete marker when
    `delete_marker`), or, asked for no version in a versioned bucket, made the delete
    marker `version_id` (`delete_marker` True). `version_id` None: nothing versioned."""

    key: str
    index: int = 0          # the entry's position in the request, to echo what it named
    version_id: str | None = None
    delete_marker: bool = False


@dataclass(frozen=True)
class DeleteFailed:
    key: str
    code: str
    message: str
    version_id: str | None = None                  # the version the entry named


@dataclass(frozen=True)
class ObjectVersion:
    """One entry of ListObjectVersions: a version or a delete marker (`info.delete_marker`),
    its version id given ("null" for the null version)."""

    info: ObjectInfo
    is_latest: bool


@dataclass(frozen=True)
class VersionsPage:
    versions: tuple[ObjectVersion, ...]            # key ascending, newest version first
    common_prefixes: tuple[str, ...]
    is_truncated: bool
    next_key_marker: str | None = None
    next_version_id_marker: str | None = None


@dataclass(frozen=True)
class ListPage:
    """One page of ListObjects / ListObjectsV2; the wire adds the request's echoes."""

    contents: tuple[ObjectInfo, ...]
    common_prefixes: tuple[str, ...]
    is_truncated: bool
    next_marker: str | None = None                 # V1: set when truncated
    next_continuation_token: str | None = None     # V2: set when truncated

    @property
    def key_count(self) -> int:
        return len(self.contents) + len(self.common_prefixes)


@dataclass(frozen=True)
class ObjectAttributes:
    """GetObjectAttributes: the object and, for one made by multipart upload, one page of its
    parts (after `part_number_marker`, at most `max_parts`)."""

    info: ObjectInfo
    parts: tuple[Part, ...] = ()
    is_truncated: bool = False
    next_part_number_marker: int | None = None


@dataclass(frozen=True)
class CreateUpload:
    bucket: str
    key: str
    headers: ContentHeaders = ContentHeaders()
    metadata: Mapping[str, str] = field(default_factory=dict)
    checksum_algorithm: str | None = None
    checksum_type: str | None = None               # FULL_OBJECT | COMPOSITE
    tags: Mapping[str, str] | None = None
    caller: Caller = Caller()
    encryption: EncryptionRequest = EncryptionRequest()
    acl: Acl | None = None


@dataclass(frozen=True)
class Upload:
    upload_id: str
    bucket: str
    key: str
    initiated: float
    headers: ContentHeaders
    checksum_algorithm: str | None = None
    checksum_type: str | None = None
    encryption: Encryption = Encryption()


@dataclass(frozen=True)
class Part:
    part_number: int
    etag: str
    size: int
    last_modified: float
    checksum: Checksum | None = None
    # The upload's encryption, for UploadPart's answer; not stored with the part.
    encryption: Encryption = Encryption()
    # UploadPartCopy's source version (x-amz-copy-source-version-id); not stored either.
    source_version_id: str | None = None


@dataclass(frozen=True)
class CompletedPart:
    """One `<Part>` of CompleteMultipartUpload."""

    part_number: int
    etag: str
    checksum: Checksum | None = None


@dataclass(frozen=True)
class PartsPage:
    upload: Upload
    parts: tuple[Part, ...]
    is_truncated: bool
    next_part_number_marker: int | None


@dataclass(frozen=True)
class UploadsPage:
    uploads: tuple[Upload, ...]
    common_prefixes: tuple[str, ...]
    is_truncated: bool
    next_key_marker: str | None
    next_upload_id_marker: str | None


@dataclass(frozen=True)
class CorsRule:
    """The CORS rule that matched a request; the wire writes the Access-Control-* headers."""

    allowed_origin: str            # the rule's origin that matched ("*" or the origin)
    allowed_methods: tuple[str, ...]
    allowed_headers: tuple[str, ...]
    expose_headers: tuple[str, ...]
    max_age_seconds: int | None
