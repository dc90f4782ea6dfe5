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
from typing import Any, AsyncIterator, Callable
from urllib.parse import urlencode, urlsplit, urlunsplit

from fogbank.aws.s3.context import S3Call
from fogbank.aws.s3.form import FormReader, boundary_of
from fogbank.aws.s3.signing import (ALGORITHM, Credential, SecretFor, SignatureDoesNotMatch,
                                    sign, sign_v2, signing_key)
from fogbank.wire import WireRequest, WireResponse
from fogbank.objects import ContentHeaders, PutObject
from fogbank.objects.errors import (AccessDenied, EntityTooLarge, EntityTooSmall,
                                    InvalidArgument, InvalidRequest)

# Fields a policy need not mention (AWS: "x-amz-signature, file, policy, x-ignore-*").
UNCHECKED = {"x-amz-signature", "file", "policy", "awsaccesskeyid", "signature"}
CONTENT_FIELDS = {"content-type": "content_type", "cache-control": "cache_control",
                  "content-disposition": "content_disposition",
                  "content-encoding": "content_encoding", "expires": "expires"}


def is_form_post(routed: WireRequest) -> bool:
    """A POST to a bucket (no key, no sub-resource) with a form body."""
    parts = routed.raw_path.strip("/").split("/", 1)
    return (routed.method == "POST" and len(parts) == 1 and bool(parts[0])
            and not routed.query and boundary_of(routed.header("content-type")) is not None)


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
            raise InvalidArgument("Bucket POST must contain a field named 'key'.  If it is "
                                  "specified, please check the order of the fields.",
                                  ArgumentName="key", ArgumentValue="")
        fields["key"] = fields["key"].replace("${filename}", form.filename or "")
        fields["bucket"] = bucket
        limits = self._check_policy(fields)
        result = await self._engine.objects.put(PutObject(
            bucket, fields["key"], _limited(form.file(), limits), headers=_content(fields),
            metadata={k[len("x-amz-meta-"):]: v for k, v in fields.items()
                      if k.startswith("x-amz-meta-")},
            event_name="ObjectCreated:Post", caller=call.caller))
        return _answer(fields, result.etag, call, protocol)

    def _check_policy(self, fields: dict[str, str]) -> tuple[int, int] | None:
        """Verifies the signed policy; returns its content-length-range, if any."""
        if "policy" not in fields:
            raise AccessDenied("Access Denied")
        if "awsaccesskeyid" in fields:          # Signature Version 2 (boto3 in us-east-1)
            expected = sign_v2(self._secret_for(fields["awsaccesskeyid"]), fields["policy"])
            if not hmac.compare_digest(expected, fields.get("signature", "")):
                raise SignatureDoesNotMatch(extra={"AWSAccessKeyId": fields["awsaccesskeyid"],
                                                   "StringToSign": fields["policy"],
                                                   "SignatureProvided": fields.get("signature")})
            return self._check_document(fields)
        for required in ("x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"):
            if required not in fields:
                raise InvalidArgument(f"Bucket POST must contain a field named '{required}'.  "
                                      "If it is specified, please check the order of the fields.",
                                      ArgumentName=required, ArgumentValue="")
        if fields["x-amz-algorithm"] != ALGORITHM:
            raise InvalidArgument("Only AWS4-HMAC-SHA256 is supported",
                                  ArgumentName="x-amz-algorithm",
                                  ArgumentValue=fields["x-amz-algorithm"])
        credential = Credential.parse(fields["x-amz-credential"])
        key = signing_key(self._secret_for(credential.access_key), credential)
        if not hmac.compare_digest(sign(key, fields["policy"]), fields["x-amz-signature"]):
            raise SignatureDoesNotMatch(extra={"AWSAccessKeyId": credential.access_key,
                                               "StringToSign": fields["policy"],
                                               "SignatureProvided": fields["x-amz-signature"]})
        return self._check_document(fields)

    def _check_document(self, fields: dict[str, str]) -> tuple[int, int] | None:
        policy = _policy(fields["policy"])
        if _expiration(policy) <= self._clock():
            raise AccessDenied("Invalid according to Policy: Policy expired.")
        return _conditions(policy.get("conditions", []), fields)


def _policy(encoded: str) -> dict[str, Any]:
    try:
        policy = json.loads(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError):
        raise InvalidArgument("Invalid Policy: Invalid JSON.", ArgumentName="policy",
                              ArgumentValue=encoded) from None
    if not isinstance(policy, dict) or "expiration" not in policy:
        raise InvalidArgument("Invalid Policy: Policy missing expiration.",
                              ArgumentName="policy", ArgumentValue=encoded)
    return policy


def _expiration(policy: dict[str, Any]) -> float:
    try:
        return dt.datetime.fromisoformat(str(policy["expiration"]).replace("Z", "+00:00")
                                         ).timestamp()
    except ValueError:
        raise InvalidArgument("Invalid Policy: Invalid 'expiration' value: "
                              f"'{policy['expiration']}'", ArgumentName="policy",
                              ArgumentValue=str(policy["expiration"])) from None


def _conditions(conditions: list[Any], fields: dict[str, str]) -> tuple[int, int] | None:
    limits = None
    covered = set()
    for condition in conditions:
        if isinstance(condition, dict):
            for name, value in condition.items():
                covered.add(name.lower())
                _require(fields.get(name.lower()) == value, ["eq", f"${name}", value])
        elif isinstance(condition, list) and len(condition) == 3:
            op = str(condition[0]).lower()
            if op == "content-length-range":
                limits = (int(condition[1]), int(condition[2]))
                continue
            name = str(condition[1]).lstrip("$").lower()
            covered.add(name)
            actual = fields.get(name, "")
            if op == "eq":
                _require(actual == condition[2], condition)
            elif op == "starts-with":
                _require(actual.startswith(condition[2]), condition)
            else:
                raise InvalidRequest(f"Invalid Policy: Invalid Condition: {condition[0]}")
        else:
            raise InvalidRequest("Invalid Policy: Invalid Simple-Condition: Simple-Conditions "
                                 "must have exactly one property specified.")
    extra = [name for name in fields if name not in covered and name not in UNCHECKED
             and not name.startswith("x-ignore-") and name != "bucket"]
    if extra:
        raise AccessDenied("Invalid according to Policy: Extra input fields: " + extra[0])
    return limits


def _require(ok: bool, condition: list[Any]) -> None:
    if not ok:
        raise AccessDenied("Invalid according to Policy: Policy Condition failed: "
                           + json.dumps(condition))


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
