"""A function's resource policy as GetPolicy returns it: the policy document as JSON text,
one statement per permission on the version or alias asked for."""
from __future__ import annotations

import json
import re
import uuid
from typing import Any

from fogbank.types import LATEST, FunctionPermission, FunctionSpec, ResourceNotFound, partition_for

_ACCOUNT = re.compile(r"\d{12}")


def function_policy(spec: FunctionSpec, qualifier: str | None) -> dict[str, Any]:
    """GetPolicy's output; ResourceNotFoundException when no statement is on `qualifier`
    (None or $LATEST: the unqualified function)."""
    wanted = None if qualifier == LATEST else qualifier
    statements = [statement_of(spec, p) for p in spec.permissions if p.qualifier == wanted]
    if not statements:
        raise ResourceNotFound("The resource you requested does not exist.",
                               extra={"Type": "User"})
    text = json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": statements},
                      separators=(",", ":"))
    # Stable while the policy is unchanged, new when it changes.
    return {"Policy": text, "RevisionId": str(uuid.uuid5(uuid.NAMESPACE_URL, text))}


def statement_of(spec: FunctionSpec, permission: FunctionPermission) -> dict[str, Any]:
    resource = f"{spec.arn}:{permission.qualifier}" if permission.qualifier else spec.arn
    statement: dict[str, Any] = {
        "Sid": permission.sid, "Effect": "Allow",
        "Principal": principal_of(permission.principal, spec.region),
        "Action": permission.action, "Resource": resource,
    }
    equals = {key: value for key, value in (
        ("AWS:SourceAccount", permission.source_account),
        ("aws:PrincipalOrgID", permission.principal_org_id),
        ("lambda:EventSourceToken", permission.event_source_token),
        ("lambda:FunctionUrlAuthType", permission.function_url_auth_type)) if value}
    condition: dict[str, Any] = {}
    if equals:
        condition["StringEquals"] = equals
    if permission.source_arn:
        condition["ArnLike"] = {"AWS:SourceArn": permission.source_arn}
    if condition:
        statement["Condition"] = condition
    return statement


def principal_of(principal: str, region: str) -> Any:
    """As Lambda writes a principal into the policy: a service as such, an account as its
    root user's ARN, an ARN as itself, everyone as "*"."""
    if principal == "*":
        return "*"
    if _ACCOUNT.fullmatch(principal):
        return {"AWS": f"arn:{partition_for(region)}:iam::{principal}:root"}
    if principal.startswith("arn:"):
        return {"AWS": principal}
    return {"Service": principal}
