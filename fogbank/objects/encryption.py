"""Server-side encryption as S3 reports it: what a write asks for (or its bucket's default)
becomes the object's `Encryption`; an SSE-C object is read only with its key.

No body is encrypted here (see `model.Encryption`). There is no KMS either: any KMS key id
is taken and reported as S3 reports a key, by its ARN in the bucket's region and account;
none is looked up, so KMS.NotFoundException never happens.
S3 refuses SSE-C over plain HTTP; Fogbank serves plain HTTP on the developer's machine, so
it takes SSE-C there — refusing would leave the feature unusable locally.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import uuid
from typing import Any, Mapping

from fogbank.objects import errors
from fogbank.objects.model import CustomerKey, Encryption, EncryptionRequest
from fogbank.types import partition_for

SSE_S3 = "AES256"
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
ALGORITHMS = (SSE_S3, *KMS_ALGORITHMS)
BLOCKABLE = ("NONE", "SSE-C")
# The header S3 names in its SSE errors, whichever header was at fault.
HEADER = "x-amz-server-side-encryption"
# GetBucketEncryption of a bucket never configured: S3's default since January 2023.
DEFAULT_RULE = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": SSE_S3},
                "BucketKeyEnabled": False}

_NEEDS_ALGORITHM = ("Requests specifying Server Side Encryption with Customer provided keys "
                    "must provide a valid encryption algorithm.")
_NEEDS_KEY = ("Requests specifying Server Side Encryption with Customer provided keys must "
              "provide an appropriate secret key.")
_MD5_DIFFERS = "The calculated MD5 hash of the key did not match the hash that was provided."
_BAD_KEY = "The secret key was invalid for the specified algorithm."
_WRONG_KEY = ("Requests specifying Server Side Encryption with Customer provided keys must "
              "provide the correct secret key.")
_STORED_WITH_SSE_C = ("The object was stored using a form of Server Side Encryption. The "
                      "correct parameters must be provided to retrieve the object.")
_NOT_APPLICABLE = "The encryption parameters are not applicable to this object."
_PART_NEEDS_KEY = ("The multipart upload initiate requested encryption. Subsequent part "
                   "requests must include the appropriate encryption parameters.")
_PART_KEY_DIFFERS = "The provided encryption parameters did not match the ones used originally."
_BAD_CONTEXT = ("The header 'x-amz-server-side-encryption-context' shall be Base64-encoded "
                "UTF-8 string holding JSON which represents a string-string map")


def customer_key_md5(key: CustomerKey) -> str | None:
    """The checked SSE-C headers' key MD5 (base64); None when none was sent. S3 compares
    the MD5 before it looks at the key's length."""
    if not key:
        return None
    if key.algorithm is None:
        raise errors.InvalidArgument(_NEEDS_ALGORITHM, ArgumentName=HEADER, ArgumentValue="null")
    if key.algorithm != SSE_S3:
        raise errors.InvalidEncryptionAlgorithmError(ArgumentName=HEADER,
                                                     ArgumentValue=key.algorithm)
    if not key.key:
        raise errors.InvalidArgument(_NEEDS_KEY, ArgumentName=HEADER, ArgumentValue="null")
    try:
        raw = base64.b64decode(key.key, validate=True)
    except (binascii.Error, ValueError):
        raise errors.InvalidArgument(_BAD_KEY, ArgumentName=HEADER, ArgumentValue="null") from None
    md5 = base64.b64encode(hashlib.md5(raw).digest()).decode()
    if key.key_md5 is not None and key.key_md5 != md5:
        raise errors.InvalidArgument(_MD5_DIFFERS, ArgumentName=HEADER, ArgumentValue="null")
    if len(raw) != 32:
        raise errors.InvalidArgument(_BAD_KEY, ArgumentName=HEADER, ArgumentValue="null")
    return md5


def for_write(asked: EncryptionRequest, bucket_rule: Mapping[str, Any] | None, *,
              region: str, account_id: str) -> Encryption:
    """The encryption of an object written with `asked`, in a bucket whose default
    encryption rule is `bucket_rule` (None: S3's default, SSE-S3)."""
    if asked.customer:
        if asked.algorithm is not None:
            raise errors.InvalidArgument(
                "Server Side Encryption with Customer provided key is incompatible with the "
                "encryption method specified", ArgumentName=HEADER, ArgumentValue=asked.algorithm)
        return Encryption(None, customer_key_md5=customer_key_md5(asked.customer))
    algorithm = asked.algorithm
    if algorithm is not None and algorithm not in ALGORITHMS:
        raise errors.InvalidArgument("The encryption method specified is not supported",
                                     ArgumentName=HEADER, ArgumentValue=algorithm)
    if asked.kms_key_id is not None and algorithm not in KMS_ALGORITHMS:
        raise errors.InvalidArgument("Server Side Encryption with AWS KMS managed key requires "
                                     "HTTP header x-amz-server-side-encryption : aws:kms",
                                     ArgumentName=HEADER, ArgumentValue=algorithm or "null")
    rule = bucket_rule or DEFAULT_RULE
    key_id = asked.kms_key_id
    if algorithm is None:
        by_default = rule.get("ApplyServerSideEncryptionByDefault") or {}
        algorithm = by_default.get("SSEAlgorithm") or SSE_S3
        key_id = by_default.get("KMSMasterKeyID")
    if algorithm not in KMS_ALGORITHMS:
        return Encryption()
    # A request's own Bucket Key setting wins over its bucket's; DSSE-KMS has none.
    bucket_key = asked.bucket_key if asked.bucket_key is not None \
        else bool(rule.get("BucketKeyEnabled"))
    return Encryption(algorithm, kms_key_arn(key_id, region, account_id),
                      _context(asked.context), bucket_key and algorithm == "aws:kms")


def kms_key_arn(key_id: str | None, region: str, account_id: str) -> str:
    """A KMS key as S3 reports it: an ARN as given; a key id or alias as an ARN in the
    bucket's region; none, the account's AWS managed key for S3 (aws/s3), whose id is
    made stable per account and region."""
    if key_id and key_id.startswith("arn:"):
        return key_id
    prefix = f"arn:{partition_for(region)}:kms:{region}:{account_id}"
    if key_id and key_id.startswith("alias/"):
        return f"{prefix}:{key_id}"
    if not key_id:
        key_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"kms:{account_id}:{region}:alias/aws/s3"))
    return f"{prefix}:key/{key_id}"


def _context(text: str | None) -> str | None:
    """An SSE-KMS encryption context: base64 of a JSON object of strings, kept as sent."""
    if text is None:
        return None
    try:
        document = json.loads(base64.b64decode(text, validate=True).decode("utf-8"))
    except (binascii.Error, ValueError):
        document = None
    if not isinstance(document, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in document.items()):
        raise errors.InvalidArgument(_BAD_CONTEXT, ArgumentName=f"{HEADER}-context",
                                     ArgumentValue=text)
    return text


def check_read(stored: Encryption, given: CustomerKey) -> None:
    """A read of an object (GET, HEAD, attributes, a copy's source): an SSE-C object only
    with its key; SSE-C headers for any other object are refused."""
    if stored.customer_key_md5 is None:
        if given:
            customer_key_md5(given)
            raise errors.InvalidRequest(_NOT_APPLICABLE)
        return
    if not given:
        raise errors.InvalidRequest(_STORED_WITH_SSE_C)
    # S3 turns away a key whose MD5 is not the object's before it checks the headers.
    if given.key_md5 is not None and given.key_md5 != stored.customer_key_md5:
        raise errors.AccessDenied(_WRONG_KEY)
    if customer_key_md5(given) != stored.customer_key_md5:
        raise errors.AccessDenied(_WRONG_KEY)


def check_part(upload: Encryption, given: CustomerKey) -> None:
    """UploadPart (and UploadPartCopy's destination) of an SSE-C upload needs the upload's
    key every time; an upload without SSE-C takes none."""
    md5 = customer_key_md5(given)
    if (md5 is None) != (upload.customer_key_md5 is None):
        raise errors.InvalidRequest(_PART_NEEDS_KEY)
    if md5 != upload.customer_key_md5:
        raise errors.InvalidRequest(_PART_KEY_DIFFERS)


def check_complete(upload: Encryption, given: CustomerKey) -> None:
    """CompleteMultipartUpload takes an SSE-C upload's key but does not need it."""
    if given and customer_key_md5(given) != upload.customer_key_md5:
        raise errors.InvalidRequest(_PART_KEY_DIFFERS)


def etag_digest(encryption: Encryption, md5: bytes) -> bytes:
    """The 16 bytes behind the ETag of a body written in one piece (an object or a part):
    the body's MD5 for SSE-S3; for SSE-C and the KMS kinds, whose ETags S3 documents as
    not an MD5 of the data (they differ from one write of the same bytes to the next),
    random ones."""
    return md5 if encryption.algorithm == SSE_S3 else secrets.token_bytes(16)


def check_blocked(rule: Mapping[str, Any] | None, encryption: Encryption, *, account_id: str,
                  action: str, bucket: str, key: str) -> None:
    """A bucket whose default encryption rule blocks SSE-C refuses SSE-C writes."""
    blocked = ((rule or {}).get("BlockedEncryptionTypes") or {}).get("EncryptionType") or []
    if encryption.customer_key_md5 is not None and "SSE-C" in blocked:
        raise errors.AccessDenied(
            f"User: arn:aws:iam::{account_id}:root is not authorized to perform: s3:{action} "
            f"on resource: \"arn:aws:s3:::{bucket}/{key}\" because this bucket has blocked "
            "upload requests that specify Server Side Encryption with Customer provided keys "
            "(SSE-C). Please specify a different server-side encryption type")


def bucket_rule(document: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The one rule of a stored bucket encryption configuration."""
    rules = (document or {}).get("Rules") or []
    return rules[0] if rules else None


def check_configuration(document: Mapping[str, Any]) -> dict[str, Any]:
    """PutBucketEncryption's document, checked as S3 does: one rule; the rule stored with
    S3's defaults filled in, as GetBucketEncryption returns it."""
    rules = document.get("Rules")
    if not isinstance(rules, list) or len(rules) != 1 or not isinstance(rules[0], dict):
        raise errors.MalformedXML()
    given = rules[0]
    by_default = given.get("ApplyServerSideEncryptionByDefault")
    if by_default is None:
        by_default = {"SSEAlgorithm": SSE_S3}
    algorithm = by_default.get("SSEAlgorithm")
    if algorithm not in ALGORITHMS:
        raise errors.MalformedXML()
    if by_default.get("KMSMasterKeyID") and algorithm not in KMS_ALGORITHMS:
        raise errors.InvalidArgument("a KMSMasterKeyID is not applicable if the default sse "
                                     "algorithm is not aws:kms or aws:kms:dsse",
                                     ArgumentName="ApplyServerSideEncryptionByDefault")
    rule: dict[str, Any] = {
        "ApplyServerSideEncryptionByDefault": {k: by_default[k] for k in
                                               ("SSEAlgorithm", "KMSMasterKeyID")
                                               if by_default.get(k)},
        "BucketKeyEnabled": bool(given.get("BucketKeyEnabled")),
    }
    blocked = given.get("BlockedEncryptionTypes")
    if blocked is not None:
        types = blocked.get("EncryptionType") or []
        if not isinstance(types, list) or any(t not in BLOCKABLE for t in types):
            raise errors.MalformedXML()
        rule["BlockedEncryptionTypes"] = {"EncryptionType": list(types)}
    return {"Rules": [rule]}
