"""CloudFormation's reads of the app's stack: what `fogbank up` deployed from the template,
as `aws cloudformation describe-stacks` and its kin show a stack.

The stack is the Deployer's (`StackView`); it is named by its name or its stack id, as
CloudFormation accepts either. Stacks are deployed from the template by `fogbank up`, so
the calls that would create, change or delete one are refused, saying so.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping

from fogbank.aws.errors import UnsupportedService
from fogbank.aws.service import CallContext, Handler
from fogbank.deploy.stack_view import StackResource, StackView
from fogbank.types import AwsError

CREATE_COMPLETE, UPDATE_COMPLETE = "CREATE_COMPLETE", "UPDATE_COMPLETE"
ORIGINAL = "Original"
NOT_CHECKED = {"StackDriftStatus": "NOT_CHECKED"}
RESOURCE_NOT_CHECKED = {"StackResourceDriftStatus": "NOT_CHECKED"}

# Calls that would make, change or remove a stack or its change sets.
WRITE_OPERATIONS = (
    "CreateStack", "UpdateStack", "DeleteStack", "CreateChangeSet", "ExecuteChangeSet",
    "DeleteChangeSet", "ContinueUpdateRollback", "CancelUpdateStack", "RollbackStack",
    "SetStackPolicy", "UpdateTerminationProtection",
)


class ValidationError(AwsError):
    """CloudFormation's one code for a request about something that is not there."""

    code = "ValidationError"
    status = 400
    sender_fault = True


class CloudFormationService:
    def __init__(self, stack: Callable[[], StackView | None]) -> None:
        """`stack` gives the deployed stack now (None before the first deployment)."""
        self._stack = stack
        self.operations: Mapping[str, Handler] = {
            "DescribeStacks": self.describe_stacks, "ListStacks": self.list_stacks,
            "DescribeStackResources": self.describe_stack_resources,
            "DescribeStackResource": self.describe_stack_resource,
            "ListStackResources": self.list_stack_resources,
            "GetTemplate": self.get_template, "ListExports": self.list_exports,
            **{name: _deployed_from_template(name) for name in WRITE_OPERATIONS},
        }

    async def describe_stacks(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        name = params.get("StackName")
        if name:
            return {"Stacks": [_stack(self._find(name))]}
        stack = self._stack()
        return {"Stacks": [_stack(stack)] if stack is not None else []}

    async def list_stacks(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        stack = self._stack()
        wanted = params.get("StackStatusFilter") or []
        if stack is None or (wanted and _status(stack) not in wanted):
            return {"StackSummaries": []}
        summary = {"StackId": stack.stack_id, "StackName": stack.name,
                   "TemplateDescription": stack.description,
                   "CreationTime": _time(stack.created),
                   "LastUpdatedTime": _time(stack.updated) if stack.updated else None,
                   "StackStatus": _status(stack), "DriftInformation": NOT_CHECKED}
        return {"StackSummaries": [summary]}

    async def describe_stack_resources(self, params: dict[str, Any], ctx: CallContext
                                       ) -> dict[str, Any]:
        name, physical_id = params.get("StackName"), params.get("PhysicalResourceId")
        if name and physical_id:
            raise ValidationError("Specify either StackName or PhysicalResourceId, not both")
        if physical_id:
            stack = self._stack()
            if stack is None or not any(r.physical_id == physical_id for r in stack.resources):
                raise ValidationError(f"Stack for {physical_id} does not exist")
        elif name:
            stack = self._find(name)
        else:
            raise ValidationError("Either StackName or PhysicalResourceId must be specified")
        logical_id = params.get("LogicalResourceId")
        return {"StackResources": [
            {**_stack_of(stack), "LogicalResourceId": r.logical_id,
             "PhysicalResourceId": r.physical_id, "ResourceType": r.resource_type,
             "Timestamp": _time(r.changed), "ResourceStatus": _status(stack, r),
             "DriftInformation": RESOURCE_NOT_CHECKED}
            for r in stack.resources if logical_id in (None, r.logical_id)]}

    async def describe_stack_resource(self, params: dict[str, Any], ctx: CallContext
                                      ) -> dict[str, Any]:
        stack = self._find(params["StackName"])
        logical_id = params["LogicalResourceId"]
        for r in stack.resources:
            if r.logical_id == logical_id:
                return {"StackResourceDetail": {
                    **_stack_of(stack), **_summary(stack, r), "Metadata": "{}"}}
        raise ValidationError(f"Resource {logical_id} does not exist for stack {stack.name}")

    async def list_stack_resources(self, params: dict[str, Any], ctx: CallContext
                                   ) -> dict[str, Any]:
        stack = self._find(params["StackName"])
        return {"StackResourceSummaries": [_summary(stack, r) for r in stack.resources]}

    async def get_template(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        if params.get("ChangeSetName"):
            raise _deployed_from_template_error("GetTemplate with a ChangeSetName")
        name = params.get("StackName")
        if not name:
            raise ValidationError("Either StackName or ChangeSetName must be specified")
        stack = self._find(name)
        if params.get("TemplateStage", ORIGINAL) != ORIGINAL:
            # The template after its transforms (SAM's) lives only in memory, in pieces.
            raise UnsupportedService("GetTemplate serves the Original stage only: Fogbank "
                                     "keeps the template as it was written.")
        return {"TemplateBody": stack.template_body, "StagesAvailable": [ORIGINAL]}

    async def list_exports(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        stack = self._stack()
        outputs = stack.outputs if stack is not None else ()
        return {"Exports": [{"ExportingStackId": stack.stack_id, "Name": o.export_name,
                             "Value": o.value}
                            for o in outputs if o.export_name and stack is not None]}

    def _find(self, name: str) -> StackView:
        stack = self._stack()
        if stack is None or name not in (stack.name, stack.stack_id):
            raise ValidationError(f"Stack with id {name} does not exist")
        return stack


def _stack(stack: StackView) -> dict[str, Any]:
    return {
        "StackId": stack.stack_id, "StackName": stack.name, "Description": stack.description,
        "Parameters": [{"ParameterKey": key, "ParameterValue": value}
                       for key, value in stack.parameters],
        "CreationTime": _time(stack.created),
        "LastUpdatedTime": _time(stack.updated) if stack.updated else None,
        "RollbackConfiguration": {}, "StackStatus": _status(stack), "DisableRollback": False,
        "NotificationARNs": [], "Tags": [], "EnableTerminationProtection": False,
        "DriftInformation": NOT_CHECKED,
        "Outputs": [{"OutputKey": o.key, "OutputValue": o.value, "Description": o.description,
                     "ExportName": o.export_name} for o in stack.outputs],
    }


def _stack_of(stack: StackView) -> dict[str, Any]:
    return {"StackName": stack.name, "StackId": stack.stack_id}


def _summary(stack: StackView, resource: StackResource) -> dict[str, Any]:
    return {"LogicalResourceId": resource.logical_id,
            "PhysicalResourceId": resource.physical_id,
            "ResourceType": resource.resource_type,
            "LastUpdatedTimestamp": _time(resource.changed),
            "ResourceStatus": _status(stack, resource),
            "DriftInformation": RESOURCE_NOT_CHECKED}


def _status(stack: StackView, resource: StackResource | None = None) -> str:
    """UPDATE_COMPLETE once updated, else CREATE_COMPLETE: a resource a later deployment
    added is CREATE_COMPLETE in an updated stack, as on AWS."""
    updated = resource.updated if resource is not None else stack.updated
    return UPDATE_COMPLETE if updated else CREATE_COMPLETE


def _time(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)


def _deployed_from_template_error(operation: str) -> UnsupportedService:
    return UnsupportedService(
        f"Operation {operation} of service cloudformation is not supported: the stack is "
        "deployed by fogbank up from the app's template; change the template instead "
        "(fogbank up reloads it).")


def _deployed_from_template(operation: str) -> Handler:
    """A handler that says where stacks come from, instead of the bare "not supported"."""
    async def refuse(params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        raise _deployed_from_template_error(operation)
    return refuse
