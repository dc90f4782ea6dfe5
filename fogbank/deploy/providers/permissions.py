"""AWS::Lambda::Permission → a statement of the function's resource policy, which the
Lambda API's GetPolicy shows and the runtime enforces when another service (API Gateway,
S3, a function URL's callers) invokes the function (runtime/resource_policy.py)."""
from __future__ import annotations

from typing import Any

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.naming import physical_name
from fogbank.deploy.providers.functions import FunctionProvider, function_target
from fogbank.types import Deployed, FunctionPermission, Resource


class PermissionProvider:
    types = ("AWS::Lambda::Permission",)
    attribute_names: frozenset[str] = frozenset()

    def __init__(self, functions: FunctionProvider) -> None:
        self._functions = functions

    def create(self, res: Resource) -> Deployed:
        # CloudFormation names the statement as it names an unnamed resource.
        sid = physical_name(res, 64)
        name, permission = _permission(res, sid)
        self._functions.set_permission(name, sid, permission)
        return Deployed(sid)

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        self.delete(old, deployed)
        return self.create(new)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        name, _ = function_target(res.properties.get("FunctionName", ""))
        self._functions.set_permission(name, deployed.physical_id, None)

    def restore(self, res: Resource, deployed: Deployed) -> None:
        name, permission = _permission(res, deployed.physical_id)
        self._functions.set_permission(name, deployed.physical_id, permission)


def _permission(res: Resource, sid: str) -> tuple[str, FunctionPermission]:
    props = res.properties
    for required in ("Action", "FunctionName", "Principal"):
        if not props.get(required):
            raise TemplateError(f"Properties validation failed for resource {res.logical_id} "
                                f"with message: #: required key [{required}] not found")
    name, qualifier = function_target(props["FunctionName"])
    return name, FunctionPermission(
        sid=sid, principal=str(props["Principal"]), action=str(props["Action"]),
        qualifier=qualifier, source_arn=_text(props.get("SourceArn")),
        source_account=_text(props.get("SourceAccount")),
        principal_org_id=_text(props.get("PrincipalOrgID")),
        event_source_token=_text(props.get("EventSourceToken")),
        function_url_auth_type=_text(props.get("FunctionUrlAuthType")),
        invoked_via_function_url=str(props.get("InvokedViaFunctionUrl", "")).lower() == "true")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
