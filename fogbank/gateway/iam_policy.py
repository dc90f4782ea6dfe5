"""A Lambda authorizer's IAM policy, evaluated against the ARN of the method called.

The ARN is `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}`; a
policy's Resource may use `*` (any run of characters, "/" included) and `?` (one
character). A Deny statement that covers the ARN wins; otherwise an Allow that covers it
allows; otherwise the request is denied implicitly — API Gateway words the two denials
differently. Only `execute-api:Invoke` (or a wildcard that covers it) is an action that
matters here.
"""
from __future__ import annotations

import functools
import re
from typing import Any

ALLOW, EXPLICIT_DENY, IMPLICIT_DENY = "allow", "explicit_deny", "implicit_deny"
_INVOKE = "execute-api:invoke"


class MalformedPolicy(Exception):
    """The policy document is not one API Gateway can evaluate."""


def method_arn(region: str, account_id: str, api_id: str, stage: str, method: str,
               path: str) -> str:
    """`path` within the stage ("/items/1"), or a WebSocket route key ("$connect")."""
    tail = f"{method}{path}" if method else path
    return f"arn:aws:execute-api:{region}:{account_id}:{api_id}/{stage}/{tail}"


@functools.lru_cache(maxsize=1024)
def pattern(glob: str, case_sensitive: bool = True) -> re.Pattern[str]:
    text = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob)
    return re.compile(text, 0 if case_sensitive else re.IGNORECASE)


def strings(value: Any, member: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) for item in items):
        raise MalformedPolicy(member)
    return items


def statements_of(policy: Any, member: str = "policyDocument") -> list[Any]:
    """The policy's statements (a lone one as a list); MalformedPolicy when it has none."""
    if not isinstance(policy, dict):
        raise MalformedPolicy(member)
    statements = policy.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise MalformedPolicy("Statement")
    return statements


def evaluate(policy: Any, arn: str) -> str:
    """ALLOW, EXPLICIT_DENY or IMPLICIT_DENY; MalformedPolicy when it cannot be read."""
    allowed = False
    for statement in statements_of(policy):
        if not isinstance(statement, dict):
            raise MalformedPolicy("Statement")
        effect = statement.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise MalformedPolicy("Effect")
        actions = strings(statement.get("Action"), "Action")
        resources = strings(statement.get("Resource"), "Resource")
        # Action names are case-insensitive in IAM; resources are not.
        if not any(pattern(action, False).fullmatch(_INVOKE) for action in actions):
            continue
        if not any(pattern(resource).fullmatch(arn) for resource in resources):
            continue
        if effect == "Deny":
            return EXPLICIT_DENY
        allowed = True
    return ALLOW if allowed else IMPLICIT_DENY
