"""Just enough of bucket-policy evaluation for website hosting: may an anonymous caller do
this action on this resource? An explicit Deny wins; a statement with a Condition is not
taken to apply to anonymous callers (Fogbank does not evaluate conditions).
"""
from __future__ import annotations

import json
import re
from typing import Any


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _wildcard(pattern: str, value: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value) is not None


def _anyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _listed(principal.get("AWS", []))


def _applies(statement: dict[str, Any], action: str, resource: str) -> bool:
    if not _anyone(statement.get("Principal")):
        return False
    actions = statement.get("Action", [])
    if not any(_wildcard(str(a).lower(), action.lower()) for a in _listed(actions)):
        return False
    return any(_wildcard(str(r), resource) for r in _listed(statement.get("Resource", [])))


def allows_anonymous(policy_text: str, action: str, resource: str) -> bool:
    try:
        statements = _listed(json.loads(policy_text).get("Statement", []))
    except (ValueError, AttributeError):
        return False
    statements = [s for s in statements if isinstance(s, dict)]
    if any(s.get("Effect") == "Deny" and _applies(s, action, resource) for s in statements):
        return False
    return any(s.get("Effect") == "Allow" and "Condition" not in s
               and _applies(s, action, resource) for s in statements)
