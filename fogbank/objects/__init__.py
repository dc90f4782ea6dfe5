"""The S3 engine: buckets, objects, multipart uploads, bucket configuration, notifications.

Knows no HTTP. Requests and answers are the frozen dataclasses of `model.py`; errors are
`fogbank.objects.errors` classes carrying S3's code, message, status and extra members.
Bodies go in and out as async iterators of bytes and are never held whole in memory.

Built by node.py, used by the S3 wire layer, the website app and the deploy providers:

    engine = ObjectsEngine(state_dir / "objects", region=..., account_id=...,
                           enqueue=async_invoker.enqueue,      # notifications → functions
                           may_invoke=runtime.permits)         # … if their policy allows S3
    await engine.start()        # opens storage, starts the lifecycle sweeper
    await engine.close()

Its parts, each an attribute (every method is async unless marked sync):

engine.buckets  (buckets.py)
    create(name, *, location=None, ownership=None, acl: Acl | None = None,
           object_lock=False) -> Bucket
        location: the CreateBucketConfiguration's LocationConstraint, if any; a new bucket
        has Block Public Access all on and ownership BucketOwnerEnforced unless named;
        object_lock: Object Lock, with versioning enabled for good.
    delete(name) -> None                       BucketNotEmpty while objects, versions or
                                               delete markers remain; uploads in progress
                                               are dropped with it
    get(name) -> Bucket                        HeadBucket / GetBucketLocation; NoSuchBucket
    list(prefix="", *, region=None) -> list[Bucket]   by name; region: BucketRegion filter
    create_now / delete_now                    sync forms, for the deploy providers
engine.configs  (configs.py) — CORS, policy, tagging, lifecycle, website, notification,
                                default encryption, versioning ({"Status": "Enabled" |
                                "Suspended"}; {} when never versioned), Object Lock
    put(bucket, kind: BucketConfig, document) -> None
        document: the botocore shape as a dict (e.g. {"CORSRules": [...]}, {"TagSet": [...]},
        {"Rules": [...]}, {"IndexDocument": {"Suffix": ...}, ...},
        {"LambdaFunctionConfigurations": [...]}), or the policy's JSON text. A notification
        naming a function whose policy does not let S3 invoke it: InvalidArgument.
    get(bucket, kind) -> dict | str            NoSuchCORSConfiguration, NoSuchBucketPolicy, …
                                               (notification: {} when none, encryption:
                                               SSE-S3, as S3 answers)
    delete(bucket, kind) -> None
    put_now / delete_now                       sync forms, for the deploy providers
    cors_rule(bucket, origin, method, request_headers=()) -> CorsRule | None
    preflight(bucket, origin, method, request_headers=(), on_object=True) -> CorsRule
                                               AccessForbidden (403) when CORS does not allow it
    check_object_acl(bucket, Acl | None) -> str | None
                                               an object write's ACL judged against the
                                               bucket's Object Ownership and Block Public
                                               Access (AccessControlListNotSupported,
                                               AccessDenied); kinds PUBLIC_ACCESS_BLOCK,
                                               OWNERSHIP and ACL are a new bucket's settings
engine.anonymous  (access.py)
    allows(bucket, action, key=None) -> bool   may an unsigned request do "s3:GetObject" …:
                                               the bucket policy's Principal "*" statements
                                               and, where ACLs count, AllUsers grants, under
                                               the bucket's Block Public Access
engine.objects  (objects.py)
    Versioning (versions.py): in a bucket whose versioning is Enabled every write makes a
    new version (PutResult.version_id); Suspended, it replaces the "null" version. Reads,
    copies, tags and ACLs take a version id ("null" names the null version; one S3 could
    not have made, or any but "null" in a bucket never versioned: InvalidArgument; a
    missing one: NoSuchVersion if this node issued it, else InvalidArgument too; a delete
    marker: MethodNotAllowed). ObjectInfo.version_id
    is "null" for the null version of a bucket that is or was versioned, None otherwise;
    a NoSuchKey or MethodNotAllowed about a delete marker carries it as `.info`.
    versioning(bucket) -> "Enabled" | "Suspended" | None
    put(PutObject) -> PutResult                .expiration: x-amz-expiration from the bucket's
                                               lifecycle rules (also on ObjectInfo when read)
    put / copy / uploads.create take an EncryptionRequest (headers as sent; none: the
                                               bucket's default); answers and ObjectInfo carry
                                               the resulting Encryption (encryption.py). An
                                               SSE-C object reads only with its CustomerKey
                                               (GetObject, CopySource, attributes, parts).
    head(GetObject) -> ObjectInfo              conditions → NotModified / PreconditionFailed
    head_span(GetObject) -> (ObjectInfo, span | None)
                                               HEAD with a Range or partNumber: the span
    get(GetObject) -> ObjectBody               + range → InvalidRange
    attributes(bucket, key, *, max_parts=1000, part_number_marker=0) -> ObjectAttributes
                                               GetObjectAttributes: the info, and a page of the
                                               parts of an object made by multipart upload
    delete(bucket, key, *, caller=Caller(), conditions=Conditions(), version_id=None)
        -> Deleted                             no error for a missing key; If-Match honoured;
                                               versioned: a delete marker, or with version_id
                                               that version removed for good
    delete_many(bucket, keys, *, caller=Caller(), etags=None, version_ids=None)
        -> tuple[list[Deleted], list[DeleteFailed]]
                                               etags, version_ids: per position in keys
    copy(CopyObject) -> PutResult              an unknown metadata or tagging directive →
                                               InvalidArgument
    list_v1(bucket, *, prefix="", delimiter="", max_keys=1000, marker="") -> ListPage
    list_v2(bucket, *, prefix="", delimiter="", max_keys=1000, start_after="",
            continuation_token=None) -> ListPage
    list_versions(bucket, *, prefix="", delimiter="", max_keys=1000, key_marker="",
                  version_id_marker="") -> VersionsPage
    put_acl(bucket, key, Acl, version_id=None, *, caller) -> None (an ObjectAcl:Put event)
                                               PutObjectAcl; an object's ACL is kept in
                                               ObjectInfo.headers.acl (access.load reads it)
    get_tags(bucket, key, version_id=None) -> dict[str, str]
    tagging(bucket, key, version_id=None) -> (tags, the version's id)
    put_tags(bucket, key, tags: Mapping[str, str], version_id=None, *, caller) -> the
                                               version's id (an ObjectTagging:Put event)
    delete_tags(bucket, key, version_id=None, *, caller) -> None (ObjectTagging:Delete)
    Object Lock (retention.py): a version's lock is kept in ObjectInfo.headers (lock_mode,
    lock_until, legal_hold); writes take it from their headers or the bucket's default
    retention; delete / delete_many of a locked version (bypass_governance=True lifts a
    GOVERNANCE retention; naming it at all outside an Object Lock bucket is InvalidArgument)
    and lifecycle expiration refuse it (AccessDenied). Outside an Object Lock bucket these answer
    InvalidRequest; a version without: NoSuchObjectLockConfiguration.
    get_retention(bucket, key, version_id=None) -> (mode, retain-until epoch seconds)
    put_retention(bucket, key, mode | None, until | None, *, version_id=None,
                  bypass_governance=False) -> None      None, None: removed
    get_legal_hold(bucket, key, version_id=None) -> "ON" | "OFF"
    put_legal_hold(bucket, key, status, version_id=None) -> None
engine.uploads  (uploads.py)
    create(CreateUpload) -> Upload
    upload_part(bucket, key, upload_id, part_number, body, *, content_md5=None,
                checksum: ChecksumSpec | None = None, content_length=None,
                customer_key=CustomerKey()) -> Part
    upload_part_copy(bucket, key, upload_id, part_number, source: CopySource,
                     customer_key=CustomerKey()) -> Part
    complete(bucket, key, upload_id, parts: Sequence[CompletedPart], *,
             conditions=Conditions(), caller=Caller(), customer_key=CustomerKey()) -> PutResult
    abort(bucket, key, upload_id) -> None
    list_parts(bucket, key, upload_id, *, max_parts=1000, part_number_marker=0) -> PartsPage
    list_uploads(bucket, *, prefix="", delimiter="", max_uploads=1000, key_marker="",
                 upload_id_marker="") -> UploadsPage
engine.sweeper  (lifecycle.py)
    sweep() -> int                             apply the lifecycle rules once (also run every
                                               `sweep_interval_s` in the background)

Errors: `S3Error.code / .message / .status`, and `.extra` — the members S3 puts in the error
body after Message, in order (BucketName, Key, UploadId, Condition, …). NotModified (304)
carries `.info` (the ObjectInfo) for the ETag and Last-Modified headers.
"""
from fogbank.objects.engine import ObjectsEngine
from fogbank.objects.errors import S3Error
from fogbank.objects.model import (CHECKSUM_ALGORITHMS, Acl, Body, Bucket, BucketConfig, Caller,
                                   Checksum, ChecksumSpec, CompletedPart, Conditions,
                                   ContentHeaders, CopyObject, CopySource, CorsRule,
                                   CreateUpload, CustomerKey, Deleted, DeleteFailed, Encryption,
                                   EncryptionRequest, GetObject, ListPage,
                                   ObjectAttributes, ObjectBody, ObjectInfo, ObjectVersion, Part,
                                   PartsPage, PutObject, PutResult, Range, Upload, UploadsPage,
                                   VersionsPage)

__all__ = ["CHECKSUM_ALGORITHMS", "Acl", "Body", "Bucket", "BucketConfig", "Caller", "Checksum",
           "ChecksumSpec", "CompletedPart", "Conditions", "ContentHeaders", "CopyObject",
           "CopySource", "CorsRule", "CreateUpload", "CustomerKey", "DeleteFailed", "Deleted",
           "Encryption", "EncryptionRequest", "GetObject",
           "ListPage", "ObjectAttributes", "ObjectBody", "ObjectInfo", "ObjectVersion",
           "ObjectsEngine", "Part", "PartsPage", "PutObject", "PutResult", "Range", "S3Error",
           "Upload", "UploadsPage", "VersionsPage"]
