"""Just enough of bucket-policy evaluation for anonymous requests: may a caller without
credentials do this action on this resource? An explicit Deny wins; a statement with a Condition is not
taken to apply to anonymous callers (Fogbank does not evaluate conditions). Also the checks
S3 makes of a policy against its bucket, and whether a policy makes the bucket public.
"""
from __future__ import annotations

import json
import re
from typing import Any

from fogbank.objects import errors
from fogbank.objects.policy_actions import BUCKET_ACTIONS, OBJECT_ACTIONS


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _wildcard(pattern: str, value: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value) is not None


def _anyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _listed(principal.get("AWS", []))


def _covers_anyone(statement: dict[str, Any]) -> bool:
    """Whether a statement speaks of any caller at all: its Principal is anyone, or it names
    the principals it does not apply to (NotPrincipal), which no anonymous caller is among
    unless the list is "*"."""
    if "NotPrincipal" in statement:
        return not _anyone(statement["NotPrincipal"])
    return _anyone(statement.get("Principal"))


def _applies(statement: dict[str, Any], action: str, resource: str) -> bool:
    if not _covers_anyone(statement):
        return False
    actions = statement.get("Action", [])
    if not any(_wildcard(str(a).lower(), action.lower()) for a in _listed(actions)):
        return False
    return any(_wildcard(str(r), resource) for r in _listed(statement.get("Resource", [])))


def anonymous_decision(policy_text: str, action: str, resource: str) -> bool | None:
    """What the policy says of an anonymous caller doing `action` on `resource`: False when
    a statement denies it (a Deny wins), True when one allows it, None when none speaks."""
    try:
        statements = _listed(json.loads(policy_text).get("Statement", []))
    except (ValueError, AttributeError):
        return None
    statements = [s for s in statements if isinstance(s, dict)]
    if any(s.get("Effect") == "Deny" and _applies(s, action, resource) for s in statements):
        return False
    if any(s.get("Effect") == "Allow" and "Condition" not in s
           and _applies(s, action, resource) for s in statements):
        return True
    return None


def check_for_bucket(policy_text: str, bucket: str) -> None:
    """What S3 checks of a bucket policy beyond its grammar: every statement names resources,
    each of them this bucket or objects in it, and S3 actions on buckets or objects, each
    able to act on one of the statement's resources; MalformedPolicy otherwise."""
    bucket_arn = f"arn:aws:s3:::{bucket}"
    for statement in _listed(json.loads(policy_text).get("Statement", [])):
        if "Resource" not in statement and "NotResource" not in statement:
            raise errors.MalformedPolicy("Missing required field Resource")
        resources = _listed(statement.get("Resource", statement.get("NotResource")))
        for resource in resources:
            # The bucket part may hold wildcards ("arn:aws:s3:::*"), but must cover the bucket.
            if not isinstance(resource, str) or not _wildcard(resource.split("/", 1)[0],
                                                              bucket_arn):
                raise errors.MalformedPolicy("Policy has invalid resource")
        named = [_actions_named(action)
                 for action in _listed(statement.get("Action", statement.get("NotAction")))]
        if "Action" in statement and "Resource" in statement:
            kinds = set().union(*(_resource_kinds(r) for r in resources))
            if any(not actions & kinds for actions in named):
                raise errors.MalformedPolicy("Action does not apply to any resource(s) in "
                                             "statement")


def _actions_named(action: Any) -> set[str]:
    """The kinds of resource ("bucket", "object") the S3 actions a pattern names act on;
    "Policy has invalid action" when it names none."""
    if action == "*":
        return {"bucket", "object"}
    kinds: set[str] = set()
    if isinstance(action, str) and action.lower().startswith("s3:"):
        pattern = action[3:].lower()
        for kind, names in (("bucket", BUCKET_ACTIONS), ("object", OBJECT_ACTIONS)):
            if any(_wildcard(pattern, name.lower()) for name in names):
                kinds.add(kind)
    if not kinds:
        raise errors.MalformedPolicy("Policy has invalid action")
    return kinds


def _resource_kinds(resource: str) -> set[str]:
    """What an ARN can stand for: objects (a key part), the bucket, or both (a wildcard in
    the bucket part also covers "bucket/key")."""
    name = resource.split(":::", 1)[-1]
    if "/" in name:
        return {"object"}
    return {"bucket", "object"} if "*" in name or "?" in name else {"bucket"}


def is_public(policy_text: str) -> bool:
    """GetBucketPolicyStatus's IsPublic: some statement allows anyone (or everyone but the
    principals it names) without a condition (a condition is taken to pin callers down, as
    S3 takes one on a fixed source)."""
    try:
        statements = _listed(json.loads(policy_text).get("Statement", []))
    except (ValueError, AttributeError):
        return False
    return any(isinstance(s, dict) and s.get("Effect") == "Allow" and "Condition" not in s
               and _covers_anyone(s) for s in statements)
