"""A function's resource policy: AddPermission's request as a statement, and the policy
document GetPolicy returns (JSON text, one statement per permission on the version or alias
asked for)."""
from __future__ import annotations

import json
import re
import uuid
from typing import Any

from fogbank.types import (INVOKE_FUNCTION_URL, LATEST, FunctionPermission, FunctionSpec,
                           InvalidParameterValue, ResourceNotFound, partition_for)

_ACCOUNT = re.compile(r"\d{12}")
# A service principal: a host name under one of AWS's service domains.
_SERVICE = re.compile(r"[a-z0-9][a-z0-9.-]*\.(amazonaws\.com|amazon\.com|amazonaws\.com\.cn)")
INVOKE_FUNCTION = "lambda:InvokeFunction"


def requested_permission(params: dict[str, Any], qualifier: str | None) -> FunctionPermission:
    """AddPermission's statement. Each function URL condition belongs to one action:
    FunctionUrlAuthType to lambda:InvokeFunctionUrl (Lambda's own words for a breach),
    InvokedViaFunctionUrl to lambda:InvokeFunction (the same wording, by analogy)."""
    if qualifier == LATEST:
        raise InvalidParameterValue("We currently do not support adding policies for $LATEST.",
                                    extra={"Type": "User"})
    if not _valid_principal(params["Principal"]):
        raise InvalidParameterValue("The provided principal was invalid. Please check the "
                                    "principal and try again.", extra={"Type": "User"})
    action = params["Action"]
    if params.get("FunctionUrlAuthType") and action != INVOKE_FUNCTION_URL:
        raise InvalidParameterValue("FunctionUrlAuthType is only supported for "
                                    f"{INVOKE_FUNCTION_URL} action", extra={"Type": "User"})
    via_url = bool(params.get("InvokedViaFunctionUrl"))
    if via_url and action != INVOKE_FUNCTION:
        raise InvalidParameterValue("InvokedViaFunctionUrl is only supported for "
                                    f"{INVOKE_FUNCTION} action", extra={"Type": "User"})
    return FunctionPermission(
        sid=params["StatementId"], principal=params["Principal"], action=action,
        qualifier=None if qualifier == LATEST else qualifier,
        source_arn=params.get("SourceArn"), source_account=params.get("SourceAccount"),
        principal_org_id=params.get("PrincipalOrgID"),
        event_source_token=params.get("EventSourceToken"),
        function_url_auth_type=params.get("FunctionUrlAuthType"),
        invoked_via_function_url=via_url)


def function_policy(spec: FunctionSpec, qualifier: str | None,
                    revision_id: str | None = None) -> dict[str, Any]:
    """GetPolicy's output; ResourceNotFoundException when no statement is on `qualifier`
    (None or $LATEST: the unqualified function). `revision_id`: the function's own, which
    Lambda answers as the policy's (a function made through the API has one)."""
    wanted = None if qualifier == LATEST else qualifier
    statements = [statement_of(spec, p) for p in spec.permissions if p.qualifier == wanted]
    if not statements:
        raise ResourceNotFound("The resource you requested does not exist.",
                               extra={"Type": "User"})
    text = json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": statements},
                      separators=(",", ":"))
    # Else one stable while the policy is unchanged, new when it changes.
    return {"Policy": text,
            "RevisionId": revision_id or str(uuid.uuid5(uuid.NAMESPACE_URL, text))}


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
    if permission.invoked_via_function_url:
        # An IAM Bool condition: its value is the text "true".
        condition["Bool"] = {"lambda:InvokedViaFunctionUrl": "true"}
    if condition:
        statement["Condition"] = condition
    return statement


def _valid_principal(principal: str) -> bool:
    """Everyone, an account, an ARN or a service: what principal_of can write."""
    return (principal == "*" or _ACCOUNT.fullmatch(principal) is not None
            or principal.startswith("arn:") or _SERVICE.fullmatch(principal) is not None)


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
