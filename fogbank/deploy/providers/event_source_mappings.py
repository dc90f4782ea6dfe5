"""AWS::Lambda::EventSourceMapping (what SAM makes of a function's `DynamoDB` event) → a
mapping the messaging engine runs: the function is invoked with batches of the table
stream's records.

The settings are checked as Lambda's API checks them (messaging/mapping_settings.py). A
mapping that reads from a resource Fogbank skips (an SQS queue, a Kinesis stream) is skipped
with it when the plan is made (deploy/plan.py). `Ref` gives the mapping's UUID, as in
CloudFormation; the UUID is kept across restarts and across changes that keep the source and
the function, so the mapping goes on from where it was in the stream.
"""
from __future__ import annotations

import uuid as uuids

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.providers.functions import function_target
from fogbank.messaging.mapping_settings import new_mapping
from fogbank.messaging.stream_mappings import StreamMapping, StreamMappings
from fogbank.types import AwsError, Deployed, Resource, partition_for


class EventSourceMappingProvider:
    types = ("AWS::Lambda::EventSourceMapping",)
    attribute_names: frozenset[str] = frozenset({"Id", "EventSourceMappingArn"})

    def __init__(self, mappings: StreamMappings, region: str, account_id: str) -> None:
        self._mappings, self._region, self._account_id = mappings, region, account_id

    def create(self, res: Resource) -> Deployed:
        return self._put(res, str(uuids.uuid4()))

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        # Another source or function is another mapping, as CloudFormation replaces it.
        if _key(old) != _key(new):
            self.delete(old, deployed)
            return self.create(new)
        return self._put(new, deployed.physical_id)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        self._mappings.delete(deployed.physical_id)

    def restore(self, res: Resource, deployed: Deployed) -> None:
        self._put(res, deployed.physical_id)

    def _put(self, res: Resource, uuid: str) -> Deployed:
        try:
            self._mappings.put(self._mapping(res, uuid))
        except AwsError as exc:
            raise TemplateError(f"Resource {res.logical_id}: {exc.message}") from None
        arn = (f"arn:{partition_for(self._region)}:lambda:{self._region}:{self._account_id}:"
               f"event-source-mapping:{uuid}")
        return Deployed(uuid, {"Id": uuid, "EventSourceMappingArn": arn})

    def _mapping(self, res: Resource, uuid: str) -> StreamMapping:
        name, qualifier = _function(res)
        function = name if qualifier is None else f"{name}:{qualifier}"
        function_arn = (f"arn:{partition_for(self._region)}:lambda:{self._region}:"
                        f"{self._account_id}:function:{function}")
        # The resource's properties say everything: what they leave out takes its default.
        return new_mapping(res.properties, uuid=uuid, function=function,
                           function_arn=function_arn)

def _function(res: Resource) -> tuple[str, str | None]:
    value = res.properties.get("FunctionName")
    if value in (None, ""):
        raise TemplateError(f"Properties validation failed for resource {res.logical_id} "
                            "with message: #: required key [FunctionName] not found")
    return function_target(value)


def _key(res: Resource) -> tuple[str, tuple[str, str | None]]:
    return str(res.properties.get("EventSourceArn")), _function(res)
