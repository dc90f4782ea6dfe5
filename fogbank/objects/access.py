"""S3's access model for buckets made since April 2023: ACLs, Object Ownership, Block Public
Access, and what an unsigned (anonymous) request may do.

Fogbank has no IAM: a signed request may do anything, whatever its key. An anonymous one may
do what the bucket policy allows anyone (Principal "*") or, where ACLs count, what an ACL
grants the AllUsers group. A new bucket has Block Public Access all on and Object Ownership
BucketOwnerEnforced (ACLs disabled); a bucket without either document (deleted, or made
before Fogbank kept them) has neither, as an old bucket on S3.

An ACL is kept as the grants beyond the owner's FULL_CONTROL (Fogbank has one account), each
a botocore `Grant` dict, {"Grantee": {"Type": "Group", "URI": ...}, "Permission": "READ"}; the
owner's grant is implied unless the ACL came from x-amz-grant-* headers that left it out (S3
answers such an ACL as given), which is kept as "OwnerGrant": false. Grants only decide what
anonymous requests may do: the owner keeps every right whatever its ACL says.
"""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Iterable, Mapping, Sequence

from fogbank.objects import errors, policy
from fogbank.objects.model import Acl, BucketConfig

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
PERMISSIONS = ("FULL_CONTROL", "READ", "WRITE", "READ_ACP", "WRITE_ACP")
GROUPS = frozenset({ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY})

ENFORCED = "BucketOwnerEnforced"
OWNERSHIPS = (ENFORCED, "BucketOwnerPreferred", "ObjectWriter")
BLOCK_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                  "RestrictPublicBuckets")
NEW_BUCKET_BLOCK = {name: True for name in BLOCK_SETTINGS}
# The one canned ACL a bucket with ACLs disabled takes on an object write.
OWNER_FULL_CONTROL = "bucket-owner-full-control"

Grant = dict[str, Any]


def _group(uri: str, permission: str) -> Grant:
    return {"Grantee": {"Type": "Group", "URI": uri}, "Permission": permission}


# Canned ACL → its grants beyond the owner's. bucket-owner-read and bucket-owner-full-control
# name the bucket's owner, who is the object's owner here.
CANNED: dict[str, tuple[Grant, ...]] = {
    "private": (), "bucket-owner-read": (), OWNER_FULL_CONTROL: (),
    "aws-exec-read": (),
    "public-read": (_group(ALL_USERS, "READ"),),
    "public-read-write": (_group(ALL_USERS, "READ"), _group(ALL_USERS, "WRITE")),
    "authenticated-read": (_group(AUTHENTICATED_USERS, "READ"),),
    "log-delivery-write": (_group(LOG_DELIVERY, "WRITE"), _group(LOG_DELIVERY, "READ_ACP")),
}

# The anonymous actions an ACL grant can allow, and the permission each needs (FULL_CONTROL
# covers them all): on an object, or on the bucket.
_OBJECT_PERMISSION = {"s3:GetObject": "READ", "s3:GetObjectAcl": "READ_ACP",
                      "s3:PutObjectAcl": "WRITE_ACP"}
_BUCKET_PERMISSION = {"s3:ListBucket": "READ", "s3:ListBucketMultipartUploads": "READ",
                      "s3:PutObject": "WRITE", "s3:DeleteObject": "WRITE",
                      "s3:GetBucketAcl": "READ_ACP", "s3:PutBucketAcl": "WRITE_ACP"}


def canned_grants(name: str) -> tuple[Grant, ...]:
    """The grants of a canned ACL (x-amz-acl); InvalidArgument for a name S3 does not know."""
    try:
        return CANNED[name]
    except KeyError:
        # S3 sends this one with an empty Message.
        raise errors.InvalidArgument("", ArgumentName="x-amz-acl", ArgumentValue=name) from None


def is_public(grants: Iterable[Grant]) -> bool:
    """S3 calls an ACL public when it grants anything to AllUsers or AuthenticatedUsers."""
    return any(g.get("Grantee", {}).get("URI") in (ALL_USERS, AUTHENTICATED_USERS)
               for g in grants)


def acl_document(acl: Acl) -> dict[str, Any]:
    """A bucket's ACL as kept (BucketConfig.ACL): {"Grants": [...]}, with "OwnerGrant": false
    when the owner's FULL_CONTROL is not part of it (a document without it, as every one
    written before it existed, has the owner's grant)."""
    return {"Grants": list(acl.grants), **({} if acl.owner else {"OwnerGrant": False})}


def from_document(document: Mapping[str, Any] | None) -> Acl:
    """The ACL an `acl_document` (or None, the owner's alone) keeps."""
    if not document:
        return Acl()
    return Acl(tuple(document.get("Grants") or ()), owner=document.get("OwnerGrant", True))


def dump(acl: Acl) -> str | None:
    """An object's ACL as kept in its record (ContentHeaders.acl): None for the owner's
    alone, a list of the grants beyond it (the form records have always had), or an
    `acl_document` for an ACL without the owner's grant."""
    if not acl.owner:
        return json.dumps(acl_document(acl), separators=(",", ":"))
    return json.dumps(list(acl.grants), separators=(",", ":")) if acl.grants else None


def load(text: str | None) -> Acl:
    """The ACL a record's `dump` text keeps."""
    kept = json.loads(text) if text else None
    return from_document(kept) if isinstance(kept, dict) else Acl(tuple(kept or ()))


def check_ownership_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """PutBucketOwnershipControls: exactly one rule naming a setting S3 knows."""
    rules = document["Rules"]
    if len(rules) != 1 or rules[0].get("ObjectOwnership") not in OWNERSHIPS:
        raise ValueError("one rule with a known ObjectOwnership")
    return {"Rules": [{"ObjectOwnership": rules[0]["ObjectOwnership"]}]}


def check_block_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """PutPublicAccessBlock: the four settings, those left out false; at least one named."""
    if not any(name in document for name in BLOCK_SETTINGS):
        raise errors.InvalidRequest("Must specify at least one configuration.")
    return {name: bool(document.get(name, False)) for name in BLOCK_SETTINGS}


def check_acl_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """A bucket's stored ACL (`acl_document`): its grants, each with a permission S3 knows."""
    acl = from_document(document)
    if any(g.get("Permission") not in PERMISSIONS or not g.get("Grantee") for g in acl.grants):
        raise ValueError("a grant without a grantee or with an unknown permission")
    return acl_document(acl)


def ownership_of(document: Mapping[str, Any] | None) -> str | None:
    return document["Rules"][0]["ObjectOwnership"] if document else None


def acls_disabled(ownership: Mapping[str, Any] | None) -> bool:
    return ownership_of(ownership) == ENFORCED


def check_object_acl(grants: Sequence[Grant] | None, canned: str | None,
                     ownership: Mapping[str, Any] | None,
                     block: Mapping[str, Any] | None) -> None:
    """An ACL an object write (PutObject, CopyObject, CreateMultipartUpload, PutObjectAcl)
    sets: with ACLs disabled only bucket-owner-full-control (AccessControlListNotSupported,
    400); a public one refused (AccessDenied) while BlockPublicAcls is on."""
    if grants is None:
        return
    if acls_disabled(ownership) and (canned != OWNER_FULL_CONTROL or grants):
        raise errors.AccessControlListNotSupported()
    _check_block(grants, block)


def check_bucket_acl(grants: Sequence[Grant] | None, ownership: Mapping[str, Any] | None,
                     block: Mapping[str, Any] | None) -> None:
    """PutBucketAcl: with ACLs disabled only an ACL giving the owner alone access."""
    if grants is None:
        return
    if acls_disabled(ownership) and grants:
        raise errors.AccessControlListNotSupported()
    _check_block(grants, block)


def check_new_bucket_acl(grants: Sequence[Grant], ownership: str,
                         block: Mapping[str, Any]) -> None:
    """CreateBucket's ACL: an ACL beyond the owner's needs ACLs enabled, and a public one is
    refused while the new bucket's Block Public Access blocks public ACLs."""
    if grants and ownership == ENFORCED:
        raise errors.InvalidBucketAclWithObjectOwnership()
    if block.get("BlockPublicAcls") and is_public(grants):
        raise errors.InvalidBucketAclWithBlockPublicAccessError()


def _check_block(grants: Sequence[Grant], block: Mapping[str, Any] | None) -> None:
    if block and block["BlockPublicAcls"] and is_public(grants):
        raise errors.AccessDenied()


def policy_refused(policy_text: str, block: Mapping[str, Any] | None, *, bucket: str,
                   account_id: str) -> None:
    """PutBucketPolicy: a public policy while BlockPublicPolicy is on is AccessDenied, with
    S3's words (the caller is the account's root here, there being no IAM)."""
    if block and block["BlockPublicPolicy"] and policy.is_public(policy_text):
        raise errors.AccessDenied(
            f"User: arn:aws:iam::{account_id}:root is not authorized to perform: "
            f"s3:PutBucketPolicy on resource: \"arn:aws:s3:::{bucket}\" because public "
            "policies are blocked by the BlockPublicPolicy block public access setting.")


def _grants_anyone(grants: Iterable[Grant], permission: str) -> bool:
    return any(g.get("Grantee", {}).get("URI") == ALL_USERS
               and g.get("Permission") in (permission, "FULL_CONTROL") for g in grants)


Document = Callable[[str, BucketConfig], Awaitable[Any]]
ObjectAcl = Callable[[str, str], str | None]


class AnonymousAccess:
    """May an unsigned request do `action` ("s3:GetObject") on a bucket or one of its keys?

    `document(bucket, kind)` reads a bucket's configuration (cached); `object_acl(bucket,
    key)` an object's ACL text, None for none or no object."""

    def __init__(self, document: Document, object_acl: ObjectAcl) -> None:
        self._document = document
        self._object_acl = object_acl

    async def allows(self, bucket: str, action: str, key: str | None = None) -> bool:
        block = await self._document(bucket, BucketConfig.PUBLIC_ACCESS_BLOCK) or {}
        text = await self._document(bucket, BucketConfig.POLICY)
        resource = f"arn:aws:s3:::{bucket}" + (f"/{key}" if key is not None else "")
        if text:
            if block.get("RestrictPublicBuckets") and policy.is_public(text):
                # Only the owner's account and AWS services may use a bucket whose
                # public policy this setting restricts.
                return False
            decided = policy.anonymous_decision(text, action, resource)
            if decided is not None:
                return decided
        if block.get("IgnorePublicAcls") or \
                acls_disabled(await self._document(bucket, BucketConfig.OWNERSHIP)):
            return False
        if action in _OBJECT_PERMISSION and key is not None:
            return _grants_anyone(load(self._object_acl(bucket, key)).grants,
                                  _OBJECT_PERMISSION[action])
        if action in _BUCKET_PERMISSION:
            acl = await self._document(bucket, BucketConfig.ACL) or {}
            return _grants_anyone(acl.get("Grants", []), _BUCKET_PERMISSION[action])
        return False

    async def hides_missing_keys(self, bucket: str) -> bool:
        """Whether an unsigned read of a key that does not exist is AccessDenied (403)
        rather than NoSuchKey (404): S3 tells the two apart only to a caller who may
        s3:ListBucket the bucket, so that keys cannot be probed by reading them."""
        return not await self.allows(bucket, "s3:ListBucket")
