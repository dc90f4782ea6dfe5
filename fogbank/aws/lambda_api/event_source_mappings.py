"""CreateEventSourceMapping, GetEventSourceMapping, ListEventSourceMappings,
UpdateEventSourceMapping and DeleteEventSourceMapping over the messaging engine's stream
mappings (DynamoDB streams only), answered in Lambda's shapes and words.

A mapping's State is what Lambda reports once it has settled (Enabled or Disabled), except
in the answer to the write itself, which reports the transition (Creating, Enabling,
Disabling, Updating, Deleting) as Lambda does.
"""
from __future__ import annotations

import datetime as dt
import uuid as uuids
from typing import Any, Callable, Mapping

from fogbank.aws.lambda_api.names import FunctionRef, function_not_found, resolve
from fogbank.aws.lambda_api.paging import PAGE_LIMIT, opaque, start_after
from fogbank.aws.service import CallContext, Handler
from fogbank.messaging.mapping_settings import changed_mapping, check_source, new_mapping
from fogbank.messaging.stream_mappings import MappingStatus, StreamMapping, StreamMappings
from fogbank.types import (AwsError, FunctionSpec, InvalidParameterValue, ResourceNotFound,
                           partition_for)

def no_mapping() -> ResourceNotFound:
    return ResourceNotFound("The resource you requested does not exist.", extra={"Type": "User"})


class EventSourceMappingOperations:
    def __init__(self, mappings: StreamMappings, get_function: Callable[[str], FunctionSpec], *,
                 region: str, account_id: str) -> None:
        self._mappings, self._get_function = mappings, get_function
        self._region, self._account_id = region, account_id
        self.operations: Mapping[str, Handler] = {
            "CreateEventSourceMapping": self.create,
            "GetEventSourceMapping": self.get,
            "ListEventSourceMappings": self.list,
            "UpdateEventSourceMapping": self.update,
            "DeleteEventSourceMapping": self.delete,
        }

    async def create(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        # Lambda asks for a source, then for the function, then looks at the source
        # (recorded: a queue's mapping for a missing function is "Function does not exist").
        if not params.get("EventSourceArn"):
            check_source(None)
        try:
            ref = self._function(params["FunctionName"])
        except ResourceNotFound:
            raise InvalidParameterValue("Function does not exist",
                                        extra={"Type": "User"}) from None
        source = check_source(params["EventSourceArn"])
        if params.get("StartingPosition") is None:
            # A stream's mapping needs it; Lambda says so in its validation wording, but as a
            # parameter error.
            raise InvalidParameterValue(
                "1 validation error detected: Value null at 'startingPosition' failed to "
                "satisfy constraint: Member must not be null.", extra={"Type": "User"})
        try:
            self._mappings.check_source(source)
        except AwsError:
            raise InvalidParameterValue(f"Stream not found: {source}",
                                        extra={"Type": "User"}) from None
        existing = self._mappings.reading(source, _target(ref))
        if existing is not None:
            raise AwsError(
                f'The event source arn (" {source} ") and function (" {ref.name} ") provided '
                "mapping already exists. Please update or delete the existing mapping with "
                f"UUID {existing.uuid}", code="ResourceConflictException", status=409,
                extra={"Type": "User"})
        mapping = new_mapping(params, uuid=str(uuids.uuid4()), function=_target(ref),
                              function_arn=ref.arn)
        self._mappings.put(mapping)
        return self._configuration(self._status(mapping.uuid), "Creating")

    async def get(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return self._configuration(self._status(params["UUID"]))

    async def list(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        source = params.get("EventSourceArn")
        wanted = None
        if params.get("FunctionName"):
            wanted = self._function(params["FunctionName"], must_exist=False)
        rows = sorted(self._mappings.list(), key=lambda s: (s.mapping.last_modified,
                                                            s.mapping.uuid))
        rows = [s for s in rows if source in (None, s.mapping.source_arn)
                and (wanted is None or _matches(s.mapping, wanted))]
        start = start_after([s.mapping.uuid for s in rows], params.get("Marker"))
        limit = min(params.get("MaxItems") or PAGE_LIMIT, PAGE_LIMIT)
        page = rows[start:start + limit]
        output: dict[str, Any] = {"EventSourceMappings": [self._configuration(s) for s in page]}
        if start + limit < len(rows):
            output["NextMarker"] = opaque(page[-1].mapping.uuid)
        return output

    async def update(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        status = self._status(params["UUID"])
        mapping = status.mapping
        function, function_arn = mapping.function, mapping.function_arn
        if params.get("FunctionName"):
            ref = self._function(params["FunctionName"])
            function, function_arn = _target(ref), ref.arn
        changed = changed_mapping(mapping, params, function=function, function_arn=function_arn)
        self._mappings.put(changed)
        transition = "Updating"
        if changed.enabled != mapping.enabled:
            transition = "Enabling" if changed.enabled else "Disabling"
        return self._configuration(self._status(changed.uuid), transition)

    async def delete(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        status = self._status(params["UUID"])
        self._mappings.delete(status.mapping.uuid)
        return self._configuration(status, "Deleting")

    # ------------------------------------------------------------------ helpers

    def _status(self, uuid: str) -> MappingStatus:
        status = self._mappings.get(uuid)
        if status is None:
            raise no_mapping()
        return status

    def _function(self, given: str, *, must_exist: bool = True) -> FunctionRef:
        ref = resolve(given, None, region=self._region, account_id=self._account_id)
        if must_exist:
            try:
                spec = self._get_function(ref.name)
            except (KeyError, ResourceNotFound):
                raise function_not_found(ref) from None
            if spec.version_of(ref.qualifier) is None:
                raise function_not_found(ref)
        return ref

    def _configuration(self, status: MappingStatus, state: str | None = None) -> dict[str, Any]:
        mapping = status.mapping
        config: dict[str, Any] = {
            "UUID": mapping.uuid,
            "StartingPosition": mapping.starting_position,
            "BatchSize": mapping.batch_size,
            "MaximumBatchingWindowInSeconds": mapping.batching_window_s,
            "ParallelizationFactor": mapping.parallelization_factor,
            "EventSourceArn": mapping.source_arn,
            "FunctionArn": mapping.function_arn,
            "LastModified": dt.datetime.fromtimestamp(mapping.last_modified, dt.timezone.utc),
            "LastProcessingResult": status.last_processing_result,
            "State": state or ("Enabled" if mapping.enabled else "Disabled"),
            "StateTransitionReason": "User action",
            "DestinationConfig": {"OnFailure": {}},
            "MaximumRecordAgeInSeconds": mapping.maximum_record_age_s,
            "BisectBatchOnFunctionError": mapping.bisect_on_error,
            "MaximumRetryAttempts": mapping.maximum_retry_attempts,
            "TumblingWindowInSeconds": mapping.tumbling_window_s,
            "FunctionResponseTypes": ["ReportBatchItemFailures"]
            if mapping.report_item_failures else [],
            "EventSourceMappingArn": (f"arn:{partition_for(self._region)}:lambda:"
                                      f"{self._region}:{self._account_id}:"
                                      f"event-source-mapping:{mapping.uuid}"),
        }
        if mapping.filters:
            config["FilterCriteria"] = {"Filters": [dict(f) for f in mapping.filters]}
        return config


def _target(ref: FunctionRef) -> str:
    """The function as the invoker takes it: name, or name:qualifier."""
    return ref.name if ref.qualifier is None else f"{ref.name}:{ref.qualifier}"


def _matches(mapping: StreamMapping, ref: FunctionRef) -> bool:
    """ListEventSourceMappings' FunctionName: an unqualified name lists every mapping of the
    function; a qualified one, those of that version or alias."""
    name, _, qualifier = mapping.function.partition(":")
    return name == ref.name and (ref.qualifier is None or qualifier == ref.qualifier)
