"""ACLs on the wire: x-amz-acl, the x-amz-grant-* headers and an AccessControlPolicy body
as the engine's `Acl`, and an ACL as the Grants S3 answers (the owner's FULL_CONTROL first,
where the ACL holds it)."""
from __future__ import annotations

import re
from typing import Any, Mapping

from fogbank.aws.s3.headers import OWNER, OWNER_ID
from fogbank.objects import Acl, access
from fogbank.objects.errors import InvalidArgument, InvalidRequest, S3Error

# botocore member → the permission its x-amz-grant-* header grants.
GRANT_MEMBERS = {"GrantFullControl": "FULL_CONTROL", "GrantRead": "READ",
                 "GrantReadACP": "READ_ACP", "GrantWrite": "WRITE", "GrantWriteACP": "WRITE_ACP"}
_GRANTEE_TYPES = {"id": ("CanonicalUser", "ID"), "uri": ("Group", "URI"),
                  "emailaddress": ("AmazonCustomerByEmail", "EmailAddress")}
_GRANTEE = re.compile(r'\s*(\w+)\s*=\s*"?([^",]*)"?\s*')
_CANONICAL_ID = re.compile(r"[0-9a-f]{64}")
OWNER_GRANT = {"Grantee": {"Type": "CanonicalUser", **OWNER}, "Permission": "FULL_CONTROL"}


class MalformedACLError(S3Error):
    code = "MalformedACLError"
    status = 400
    default_message = ("The XML you provided was not well-formed or did not validate against "
                       "our published schema")


class UnexpectedContent(S3Error):
    code = "UnexpectedContent"
    status = 400
    default_message = "This request does not support content"


class MissingSecurityHeader(S3Error):
    code = "MissingSecurityHeader"
    status = 400
    default_message = "Your request was missing a required header"


def requested(params: Mapping[str, Any]) -> Acl | None:
    """The ACL a write's headers set; None when they name none. A canned ACL and grant
    headers together are refused, as S3 refuses them."""
    canned = params.get("ACL")
    named = [member for member in GRANT_MEMBERS if params.get(member) is not None]
    if canned is not None and named:
        raise InvalidRequest("Specifying both Canned ACLs and Header Grants is not allowed")
    if canned is not None:
        return Acl(access.canned_grants(canned), canned)
    if not named:
        return None
    return _as_given([grant for member in named
                      for grant in _header_grants(member, params[member])])


def put_request(params: Mapping[str, Any]) -> Acl:
    """PutBucketAcl / PutObjectAcl: the headers' ACL, else the AccessControlPolicy body's;
    MissingSecurityHeader when there is neither."""
    acl = requested(params)
    policy = params.get("AccessControlPolicy")
    if acl is not None:
        if policy is not None:
            raise UnexpectedContent()       # headers and a body both naming the ACL
        return acl
    if policy is None:
        raise MissingSecurityHeader(MissingHeaderName="x-amz-acl")
    if not policy.get("Owner", {}).get("ID"):
        raise MalformedACLError()
    grants = []
    for grant in policy.get("Grants") or []:
        grantee = {k: v for k, v in (grant.get("Grantee") or {}).items() if k != "DisplayName"}
        if grant.get("Permission") not in access.PERMISSIONS or not grantee.get("Type"):
            raise MalformedACLError()
        for kind, member in _GRANTEE_TYPES.values():
            if grantee["Type"] == kind and member in grantee:
                _check_grantee(member, grantee[member], f"{kind}/{member}")
        grants.append({"Grantee": grantee, "Permission": grant["Permission"]})
    return _as_given(grants)


def answer(acl: Acl) -> dict[str, Any]:
    """Get*Acl's members: the owner, and the owner's grant (when the ACL holds it) before
    the ACL's own."""
    return {"Owner": OWNER, "Grants": [OWNER_GRANT, *acl.grants] if acl.owner
            else list(acl.grants)}


def _as_given(grants: list[dict]) -> Acl:
    """S3 keeps a grant header's or a body's ACL as given: the owner's FULL_CONTROL only when
    it names it (a body of no grants leaves the owner none)."""
    others = tuple(g for g in grants if not _is_owners(g))
    return Acl(others, owner=len(others) < len(grants))


def _header_grants(member: str, text: str) -> list[dict]:
    """`x-amz-grant-read: uri="http://…/AllUsers", id="…"`: one grant per grantee."""
    grants = []
    for part in text.split(","):
        match = _GRANTEE.fullmatch(part)
        kind = _GRANTEE_TYPES.get(match[1].lower()) if match else None
        if kind is None or not match[2]:
            raise InvalidArgument("Argument format not recognized",
                                  ArgumentName=_header_name(member), ArgumentValue=text)
        _check_grantee(kind[1], match[2], match[1].lower())
        grants.append({"Grantee": {"Type": kind[0], kind[1]: match[2]},
                       "Permission": GRANT_MEMBERS[member]})
    return grants


def _check_grantee(member: str, value: str, argument: str) -> None:
    """A grantee's ID must be a canonical user id and its URI one of S3's groups;
    `argument` names it as S3 does (`id` in a header, `CanonicalUser/ID` in a body)."""
    if member == "ID" and not _CANONICAL_ID.fullmatch(value):
        raise InvalidArgument("Invalid id", ArgumentName=argument, ArgumentValue=value)
    if member == "URI" and value not in access.GROUPS:
        raise InvalidArgument("Invalid group uri", ArgumentName=argument, ArgumentValue=value)


def _header_name(member: str) -> str:
    return "x-amz-grant-" + GRANT_MEMBERS[member].lower().replace("_", "-")


def _is_owners(grant: Mapping[str, Any]) -> bool:
    """The owner's FULL_CONTROL, which every ACL keeps anyway."""
    return grant["Grantee"].get("ID") == OWNER_ID and grant["Permission"] == "FULL_CONTROL"
