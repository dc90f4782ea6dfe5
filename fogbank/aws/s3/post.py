"""Presigned POST (browser form uploads): the policy document's signature, expiry and
conditions, then the file part streamed into the bucket.

The answer follows `success_action_redirect` (303 to the URL with bucket, key and etag) or
`success_action_status` (200, 201 with a PostResponse document, or the default 204).
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hmac
import json
import re
from typing import Any, AsyncIterator, Callable
from urllib.parse import urlencode, urlsplit, urlunsplit
from xml.etree import ElementTree

from fogbank.aws.s3 import headers as h
from fogbank.aws.s3.context import S3Call
from fogbank.aws.s3.form import FormReader, boundary_of
from fogbank.aws.s3.signing import (ALGORITHM, Credential, SecretFor, SignatureDoesNotMatch,
                                    sign, sign_v2, signing_key, signing_region)
from fogbank.wire import WireRequest, WireResponse
from fogbank.objects import (ChecksumSpec, ContentHeaders, CustomerKey, EncryptionRequest,
                             PutObject)
from fogbank.objects.errors import (AccessDenied, EntityTooLarge, EntityTooSmall,
                                    InvalidArgument, MalformedXML, PreconditionFailed,
                                    S3Error)
from fogbank.objects.validation import MAX_OBJECT_TAGS, check_tags

# Fields a policy need not mention (AWS: "x-amz-signature, file, policy, x-ignore-*").
UNCHECKED = {"x-amz-signature", "file", "policy", "awsaccesskeyid", "signature"}
CONTENT_FIELDS = {"content-type": "content_type", "cache-control": "cache_control",
                  "content-disposition": "content_disposition",
                  "content-encoding": "content_encoding", "expires": "expires",
                  "x-amz-storage-class": "storage_class",
                  "x-amz-website-redirect-location": "website_redirect_location"}
# The fields that make a form a signed one; a form with none of them is anonymous.
SIGNING_FIELDS = ("policy", "awsaccesskeyid", "signature", "x-amz-credential",
                  "x-amz-signature")


def is_bucket_post(routed: WireRequest) -> bool:
    """A POST to a bucket (no key, no sub-resource): a browser upload, whatever its body."""
    parts = routed.raw_path.strip("/").split("/", 1)
    return routed.method == "POST" and len(parts) == 1 and bool(parts[0]) and not routed.query


def is_form_post(routed: WireRequest) -> bool:
    """A bucket POST with a form body."""
    return is_bucket_post(routed) and boundary_of(routed.header("content-type")) is not None


def not_a_form() -> PreconditionFailed:
    """A bucket POST whose body is no multipart form (recorded from S3)."""
    return PreconditionFailed(
        Condition="Bucket POST must be of the enclosure-type multipart/form-data")


class PostUploads:
    def __init__(self, engine: Any, secret_for: SecretFor, clock: Callable[[], float]) -> None:
        self._engine = engine
        self._secret_for = secret_for
        self._clock = clock

    async def serve(self, routed: WireRequest, body: AsyncIterator[bytes], call: S3Call,
                    protocol: Any) -> WireResponse:
        bucket = routed.raw_path.strip("/")
        form = FormReader(body, boundary_of(routed.header("content-type")) or b"")
        fields = await form.fields()
        if "key" not in fields:
            raise _missing_field("key")
        fields["key"] = fields["key"].replace("${filename}", form.filename or "")
        fields["bucket"] = bucket
        if any(name in fields for name in SIGNING_FIELDS):
            limits = self._check_policy(fields, await self._signing_region(bucket))
        else:
            # An unsigned form uploads where anyone may PutObject (a bucket policy, or an
            # ACL granting AllUsers WRITE), as an unsigned PUT does.
            limits = None
            if not await self._engine.anonymous.allows(bucket, "s3:PutObject", fields["key"]):
                raise AccessDenied("Access Denied")
        result = await self._engine.objects.put(PutObject(
            bucket, fields["key"], _limited(form.file(), limits), headers=_content(fields),
            metadata={k[len("x-amz-meta-"):]: v for k, v in fields.items()
                      if k.startswith("x-amz-meta-")},
            tags=_tags(fields), event_name="ObjectCreated:Post", caller=call.caller,
            encryption=_encryption(fields), checksum=_checksum(fields)))
        response = _answer(fields, result.etag, call, protocol)
        response.headers.update(_encryption_headers(protocol, result.encryption))
        if result.version_id is not None:
            response.headers["x-amz-version-id"] = result.version_id
        return response

    async def _signing_region(self, bucket: str) -> str:
        return signing_region((await self._engine.buckets.get(bucket)).region)

    def _check_policy(self, fields: dict[str, str], region: str) -> tuple[int, int] | None:
        """Verifies the signed policy (signed for `region`, the bucket's); returns its
        content-length-range, if any."""
        if "policy" not in fields:
            raise AccessDenied("Access Denied")
        if "awsaccesskeyid" in fields:          # Signature Version 2 (boto3 in us-east-1)
            if "signature" not in fields:
                raise _missing_field("Signature")
            expected = sign_v2(self._secret_for(fields["awsaccesskeyid"]), fields["policy"])
            if not hmac.compare_digest(expected, fields["signature"]):
                raise SignatureDoesNotMatch(extra={"AWSAccessKeyId": fields["awsaccesskeyid"],
                                                   "StringToSign": fields["policy"],
                                                   "SignatureProvided": fields["signature"]})
            return self._check_document(fields)
        for required in ("x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"):
            if required not in fields:
                raise _missing_field(required)
        if fields["x-amz-algorithm"] != ALGORITHM:
            raise InvalidArgument("Only AWS4-HMAC-SHA256 is supported",
                                  ArgumentName="x-amz-algorithm",
                                  ArgumentValue=fields["x-amz-algorithm"])
        credential = Credential.parse(fields["x-amz-credential"])
        if credential.region != region:
            # S3's answer to a form signed for another region (before the signature).
            raise InvalidArgument(f"the region '{credential.region}' is wrong; expecting "
                                  f"'{region}'", ArgumentName="X-Amz-Credential",
                                  ArgumentValue=fields["x-amz-credential"], Region=region)
        key = signing_key(self._secret_for(credential.access_key), credential)
        if not hmac.compare_digest(sign(key, fields["policy"]), fields["x-amz-signature"]):
            raise SignatureDoesNotMatch(extra={"AWSAccessKeyId": credential.access_key,
                                               "StringToSign": fields["policy"],
                                               "SignatureProvided": fields["x-amz-signature"]})
        return self._check_document(fields)

    def _check_document(self, fields: dict[str, str]) -> tuple[int, int] | None:
        policy = _policy(fields["policy"])
        expiration = _expiration(policy)
        if "conditions" not in policy:
            raise InvalidPolicyDocument("Invalid Policy: Policy missing conditions.")
        if not isinstance(policy["conditions"], list):
            raise InvalidPolicyDocument("Invalid Policy: Invalid 'conditions' value: must be a "
                                        "List.")
        if expiration <= self._clock():
            raise AccessDenied("Invalid according to Policy: Policy expired.")
        return _conditions(policy["conditions"], fields)


class InvalidPolicyDocument(S3Error):
    """A policy document S3 cannot read (its "Invalid Policy: …" messages)."""
    code = "InvalidPolicyDocument"
    status = 400


def _missing_field(name: str) -> InvalidArgument:
    return InvalidArgument(f"Bucket POST must contain a field named '{name}'.  If it is "
                           "specified, please check the order of the fields.",
                           ArgumentName=name, ArgumentValue="")


def _policy(encoded: str) -> dict[str, Any]:
    try:
        decoded = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise InvalidPolicyDocument("Invalid Policy: invalid Base64 encoding.") from None
    try:
        policy = json.loads(decoded)
    except ValueError:
        raise InvalidPolicyDocument("Invalid Policy: Invalid JSON.") from None
    if not isinstance(policy, dict):
        raise InvalidPolicyDocument("Invalid Policy: Invalid JSON.")
    if "expiration" not in policy:
        raise InvalidPolicyDocument("Invalid Policy: Policy missing expiration.")
    return policy


# ISO 8601 in UTC, as S3 reads it: `2007-12-01T12:00:00Z`, fractions of a second allowed; a
# time without the `Z` (or with an offset, or a space for the `T`) is refused.
_EXPIRATION = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")


def _expiration(policy: dict[str, Any]) -> float:
    text = policy["expiration"]
    try:
        if not isinstance(text, str) or not _EXPIRATION.fullmatch(text):
            raise ValueError(text)
        return dt.datetime.fromisoformat(text[:-1] + "+00:00").timestamp()
    except ValueError:
        raise InvalidPolicyDocument(f"Invalid Policy: Invalid 'expiration' value: '{text}'"
                                    ) from None


# A condition's operation as S3's messages name it.
_OPERATIONS = {"eq": "Eq", "starts-with": "starts-with",
               "content-length-range": "content-length-range"}


def _conditions(conditions: list[Any], fields: dict[str, str]) -> tuple[int, int] | None:
    limits = None
    covered = set()
    for condition in conditions:
        if isinstance(condition, dict):
            if len(condition) != 1:
                raise InvalidPolicyDocument("Invalid Policy: Invalid Simple-Condition: "
                                            "Simple-Conditions must have exactly one property "
                                            "specified.")
            (name, value), = condition.items()
            if not isinstance(value, str):
                raise InvalidPolicyDocument("Invalid Policy: Invalid Simple-Condition: value "
                                            "must be a string.")
            covered.add(name.lower())
            _require(fields.get(name.lower()) == value, ["eq", f"${name}", value])
        elif isinstance(condition, list):
            if not condition or not isinstance(condition[0], str):
                raise InvalidPolicyDocument("Invalid Policy: Invalid Condition: missing "
                                            "operation identifier.")
            op = condition[0].lower()
            if op not in _OPERATIONS:
                raise InvalidPolicyDocument("Invalid Policy: Invalid Condition: unknown "
                                            f"operation '{condition[0]}'.")
            if len(condition) != 3:
                raise InvalidPolicyDocument(f"Invalid Policy: Invalid {_OPERATIONS[op]}: wrong "
                                            "number of arguments.")
            if op == "content-length-range":
                limits = _length_range(condition)
                continue
            name = str(condition[1]).lstrip("$").lower()
            covered.add(name)
            actual = fields.get(name, "")
            if op == "eq":
                _require(actual == condition[2], condition)
            else:
                _require(actual.startswith(str(condition[2])), condition)
        else:
            raise InvalidPolicyDocument("Invalid Policy: Invalid condition test: must be a "
                                        "List or Object.")
    extra = [name for name in fields if name not in covered and name not in UNCHECKED
             and not name.startswith("x-ignore-") and name != "bucket"]
    if extra:
        raise AccessDenied("Invalid according to Policy: Extra input fields: " + extra[0])
    return limits


def _length_range(condition: list[Any]) -> tuple[int, int]:
    """A bound that is no number is no unreadable policy to S3 but a condition that fails:
    AccessDenied, naming the condition with every value as a string (recorded from S3)."""
    try:
        return int(condition[1]), int(condition[2])
    except (TypeError, ValueError):
        raise _failed([str(value) for value in condition]) from None


def _require(ok: bool, condition: list[Any]) -> None:
    if not ok:
        raise _failed(condition)


def _failed(condition: list[Any]) -> AccessDenied:
    return AccessDenied("Invalid according to Policy: Policy Condition failed: "
                        + json.dumps(condition))


def _tags(fields: dict[str, str]) -> dict[str, str] | None:
    """The `tagging` field: a Tagging document, as PutObjectTagging's body."""
    text = fields.get("tagging")
    if not text:
        return None
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        raise MalformedXML() from None
    tag_set = [{"Key": tag.findtext("{*}Key") or "", "Value": tag.findtext("{*}Value") or ""}
               for tag in root.iterfind("{*}TagSet/{*}Tag")]
    return check_tags(tag_set, MAX_OBJECT_TAGS)


async def _limited(source: AsyncIterator[bytes], limits: tuple[int, int] | None
                   ) -> AsyncIterator[bytes]:
    size = 0
    async for piece in source:
        size += len(piece)
        if limits is not None and size > limits[1]:
            raise EntityTooLarge("Your proposed upload exceeds the maximum allowed size",
                                 ProposedSize=str(size), MaxSizeAllowed=str(limits[1]))
        yield piece
    if limits is not None and size < limits[0]:
        raise EntityTooSmall("Your proposed upload is smaller than the minimum allowed size",
                             ProposedSize=str(size), MinSizeAllowed=str(limits[0]))


def _checksum(fields: dict[str, str]) -> ChecksumSpec | None:
    """The form's x-amz-checksum-<algorithm> (and x-amz-checksum-algorithm) fields, as the
    headers of a PUT: the body is checked against the value given."""
    params = {f"Checksum{suffix}": fields[f"x-amz-checksum-{suffix.lower()}"]
              for suffix in h.CHECKSUM_MEMBERS if f"x-amz-checksum-{suffix.lower()}" in fields}
    if "x-amz-checksum-algorithm" in fields:
        params["ChecksumAlgorithm"] = fields["x-amz-checksum-algorithm"]
    return h.checksum_spec(params)


def _encryption(fields: dict[str, str]) -> EncryptionRequest:
    """The form's x-amz-server-side-encryption… fields, as the headers of a PUT."""
    sse = "x-amz-server-side-encryption"
    bucket_key = fields.get(f"{sse}-bucket-key-enabled")
    return EncryptionRequest(
        fields.get(sse), fields.get(f"{sse}-aws-kms-key-id"), fields.get(f"{sse}-context"),
        None if bucket_key is None else bucket_key.lower() == "true",
        CustomerKey(fields.get(f"{sse}-customer-algorithm"), fields.get(f"{sse}-customer-key"),
                    fields.get(f"{sse}-customer-key-md5")))


def _encryption_headers(protocol: Any, sse: Any) -> dict[str, str]:
    """The encryption headers of the answer, named as PutObject's answer names them."""
    members = protocol.model.operation_model("PutObject").output_shape.members
    return {members[name].serialization["name"]: "true" if value is True else str(value)
            for name, value in h.encryption_members(sse).items() if value is not None}


def _content(fields: dict[str, str]) -> ContentHeaders:
    return ContentHeaders(**{attr: fields[name] for name, attr in CONTENT_FIELDS.items()
                             if fields.get(name)})


def _answer(fields: dict[str, str], etag: str, call: S3Call, protocol: Any) -> WireResponse:
    bucket, key = fields["bucket"], fields["key"]
    location = f"{call.endpoint}/{bucket}/{key}"
    headers = {"ETag": etag, "Location": location}
    redirect = fields.get("success_action_redirect") or fields.get("redirect")
    if redirect:
        parts = urlsplit(redirect)
        query = "&".join(q for q in (parts.query, urlencode(
            {"bucket": bucket, "key": key, "etag": etag})) if q)
        headers["Location"] = urlunsplit(parts._replace(query=query))
        return WireResponse(303, headers)
    status = fields.get("success_action_status")
    if status == "201":
        document = (f"<PostResponse><Location>{_escape(location)}</Location>"
                    f"<Bucket>{_escape(bucket)}</Bucket><Key>{_escape(key)}</Key>"
                    f"<ETag>{_escape(etag)}</ETag></PostResponse>")
        headers["Content-Type"] = "application/xml"
        return WireResponse(201, headers, b'<?xml version="1.0" encoding="UTF-8"?>\n'
                            + document.encode())
    return WireResponse(200 if status == "200" else 204, headers)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
