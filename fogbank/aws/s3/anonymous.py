"""Requests without credentials: no Authorization header, no presigned query, not a POST
form (whose policy is signed). S3 serves one only where the bucket policy allows anyone the
operation's action, or an ACL grants it to AllUsers; else 403 AccessDenied, which is also
the answer for a key that does not exist unless anyone may list the bucket. Signed requests
never come here: Fogbank has no IAM, and their check costs nothing."""
from __future__ import annotations

from typing import Iterable, Mapping

from fogbank.objects import ObjectsEngine
from fogbank.objects.errors import AccessDenied, InvalidRequest, NoSuchKey
from fogbank.wire import WireRequest

# Operation → the s3: action a bucket policy names for it. The rest (bucket configuration,
# ListBuckets, CreateBucket …) an anonymous caller may never do.
ACTIONS = {
    "GetObject": "s3:GetObject", "HeadObject": "s3:GetObject",
    "GetObjectAttributes": "s3:GetObjectAttributes",
    "GetObjectTagging": "s3:GetObjectTagging", "PutObjectTagging": "s3:PutObjectTagging",
    "DeleteObjectTagging": "s3:DeleteObjectTagging",
    "GetObjectAcl": "s3:GetObjectAcl", "PutObjectAcl": "s3:PutObjectAcl",
    "PutObject": "s3:PutObject", "CopyObject": "s3:PutObject",
    "CreateMultipartUpload": "s3:PutObject", "UploadPart": "s3:PutObject",
    "UploadPartCopy": "s3:PutObject", "CompleteMultipartUpload": "s3:PutObject",
    "AbortMultipartUpload": "s3:AbortMultipartUpload",
    "ListParts": "s3:ListMultipartUploadParts",
    "DeleteObject": "s3:DeleteObject", "DeleteObjects": "s3:DeleteObject",
    "ListObjects": "s3:ListBucket", "ListObjectsV2": "s3:ListBucket",
    "HeadBucket": "s3:ListBucket", "ListMultipartUploads": "s3:ListBucketMultipartUploads",
    "GetBucketLocation": "s3:GetBucketLocation",
    "GetBucketAcl": "s3:GetBucketAcl", "PutBucketAcl": "s3:PutBucketAcl",
}
# Reads of one key that answer a missing key with AccessDenied to a caller who may not list
# the bucket (S3's GetObject, HeadObject and GetObjectAttributes).
KEY_READS = frozenset({"GetObject", "HeadObject", "GetObjectAttributes"})


# The query parameters that rewrite a read's response headers (response-content-type, …).
OVERRIDE_PREFIX = "response-"


def is_anonymous(request: WireRequest) -> bool:
    """No credentials in the header (presigned queries are checked before this is asked);
    a blank Authorization header holds none either."""
    return not (request.header("authorization") or "").strip()


async def check(engine: ObjectsEngine, operation: str, labels: Mapping[str, str],
                query: Iterable[str] = ()) -> None:
    """AccessDenied unless anyone may do `operation`; NoSuchBucket first, as S3 answers."""
    action = ACTIONS.get(operation)
    bucket = labels.get("Bucket")
    if action is None or not bucket:
        raise AccessDenied()
    await engine.buckets.get(bucket)
    # DeleteObjects names its keys in the body: a policy must allow the whole bucket's.
    key = "*" if operation == "DeleteObjects" else labels.get("Key")
    if not await engine.anonymous.allows(bucket, action, key):
        raise AccessDenied()
    if operation in ("GetObject", "HeadObject") and any(
            name.lower().startswith(OVERRIDE_PREFIX) for name in query):
        # S3 lets only a signed request (header or presigned URL) choose its answer's headers.
        raise InvalidRequest("Request specific response headers cannot be used for anonymous "
                             "GET requests.")
    if operation in KEY_READS and key and await engine.anonymous.hides_missing_keys(bucket):
        try:
            await engine.objects.record(bucket, key)
        except NoSuchKey:
            raise AccessDenied() from None
