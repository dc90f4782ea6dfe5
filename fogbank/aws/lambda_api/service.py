"""The Lambda API: Invoke and the read operations — functions, versions, aliases,
concurrency, account settings, resource policies, tags, asynchronous invocation settings,
function URLs and provisioned concurrency (provisioned.py) — and, with the managed-functions
engine, the write operations (control.py); with the layers engine, the layer operations
(layers.py).

A translation between Lambda's operations and the runtime (which runs functions), the
managed-functions engine (which keeps the functions made through the API) and the async
invoker (which queues Event invocations); it keeps no state of its own.
"""
from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any, Awaitable, Mapping, Protocol, Sequence

from fogbank.aws.errors import UnsupportedService
from fogbank.aws.lambda_api.aliases import alias_configuration, aliases_of
from fogbank.aws.lambda_api.code_links import CodeLinks
from fogbank.aws.lambda_api.code_signing import CodeSigning
from fogbank.aws.lambda_api.control import ControlPlane, tagged_function
from fogbank.aws.lambda_api.event_source_mappings import EventSourceMappingOperations
from fogbank.aws.lambda_api.event_stream import CONTENT_TYPE as STREAM_CONTENT_TYPE
from fogbank.aws.lambda_api.event_stream import invoke_stream
from fogbank.aws.lambda_api.configuration import code_facts, function_configuration
from fogbank.aws.lambda_api.function_urls import no_url_config, url_configuration
from fogbank.aws.lambda_api.invoke_configs import (event_invoke_config, event_invoke_configs,
                                                   no_event_invoke_config, no_function)
from fogbank.aws.lambda_api.layers import LayerOperations
from fogbank.aws.lambda_api.names import FunctionRef, function_not_found, resolve
from fogbank.aws.lambda_api.paging import (PAGE_LIMIT, invalid_marker, opaque, start_after,
                                          unopaque)
from fogbank.aws.lambda_api.payload import check_client_context, check_size, checked_event
from fogbank.aws.lambda_api.policy import function_policy
from fogbank.aws.lambda_api.provisioned import ProvisionedConcurrency, ProvisionedState
from fogbank.aws.service import CallContext, Handler
from fogbank.messaging.stream_mappings import StreamMappings
from fogbank.functions import FunctionRecord, ManagedFunctions, ManagedLayers
from fogbank.functions.records import Revision
from fogbank.gateway.function_urls import LISTED_INVOKE_MODES, FunctionUrlRegistry
from fogbank.types import LATEST, FunctionSpec, InvokeResult, ResourceNotFound

LOG_TAIL_BYTES = 4096       # Lambda returns the last 4 KB of the log with LogType=Tail
# Lambda's account quotas for code storage (GetAccountSettings' AccountLimit), in bytes.
TOTAL_CODE_SIZE = 75 * 1024 ** 3            # for all deployment packages and layers
CODE_SIZE_UNZIPPED = 250 * 1024 ** 2        # a function and its layers, extracted
CODE_SIZE_ZIPPED = 50 * 1024 ** 2           # a package uploaded directly


class FunctionRuntime(Protocol):
    def get(self, name: str) -> FunctionSpec: ...

    def list(self) -> Sequence[FunctionSpec]: ...

    def invoke(self, name: str, payload: bytes, *, client_context: str | None = None,
               tail_logs: bool = False,
               trace_header: str | None = None) -> Awaitable[InvokeResult]: ...

    def provisioned(self, name: str, version: str) -> ProvisionedState: ...


class EventQueue(Protocol):
    def enqueue(self, function_name: str, payload: bytes, *,
                request_id: str | None = None) -> Awaitable[str]: ...


class LambdaService:
    # Enums whose values Lambda lists in an order of its own when it refuses a value.
    enum_orders = {"EventSourcePosition": ("LATEST", "AT_TIMESTAMP", "TRIM_HORIZON"),
                   "InvokeMode": LISTED_INVOKE_MODES}
    # A function's runtime outside the set Lambda refuses in words of its own (runtimes.py);
    # a layer listing's CompatibleRuntime is the request validation's.
    own_enums = {("CreateFunctionRequest", "Runtime"),
                 ("UpdateFunctionConfigurationRequest", "Runtime")}
    # AddPermission still holds a Qualifier to the pattern of Lambda's older model, and
    # names it, where the current model has $LATEST.PUBLISHED in its own.
    patterns = {("AddPermissionRequest", "Qualifier"): "(|[a-zA-Z0-9$_-]+)"}

    def __init__(self, runtime: FunctionRuntime, queue: EventQueue, code_links: CodeLinks, *,
                 region: str = "us-east-1", account_id: str = "000000000000",
                 concurrency_limit: int = 1000,
                 function_urls: FunctionUrlRegistry | None = None,
                 managed: ManagedFunctions | None = None,
                 layers: ManagedLayers | None = None,
                 stream_mappings: StreamMappings | None = None) -> None:
        self._runtime = runtime
        self._managed = managed
        self._layers = None if layers is None else \
            LayerOperations(layers, code_links, region=region)
        self._function_urls = function_urls or FunctionUrlRegistry()
        self._queue = queue
        self._code_links = code_links
        self._region = region
        self._account_id = account_id
        self._concurrency_limit = concurrency_limit      # the node's, Lambda's account limit
        self.operations: Mapping[str, Handler] = {
            "Invoke": self.invoke,
            "InvokeWithResponseStream": self.invoke_with_response_stream,
            "GetFunction": self.get_function,
            "GetFunctionConfiguration": self.get_function_configuration,
            "ListFunctions": self.list_functions,
            "ListVersionsByFunction": self.list_versions_by_function,
            "GetAlias": self.get_alias,
            "ListAliases": self.list_aliases,
            "GetFunctionConcurrency": self.get_function_concurrency,
            "GetAccountSettings": self.get_account_settings,
            "GetPolicy": self.get_policy,
            "ListTags": self.list_tags,
            "GetFunctionEventInvokeConfig": self.get_function_event_invoke_config,
            "ListFunctionEventInvokeConfigs": self.list_function_event_invoke_configs,
            "GetFunctionUrlConfig": self.get_function_url_config,
            "ListFunctionUrlConfigs": self.list_function_url_configs,
        }
        # Without the managed-functions engine every function comes from the template.
        control = {name: _deployed_from_template(name)
                   for name in ControlPlane.names + ProvisionedConcurrency.writes} \
            if managed is None else \
            ControlPlane(managed, runtime.get, region=region, account_id=account_id,
                         layers=self._layers, function_urls=self._function_urls).operations
        provisioned = ProvisionedConcurrency(runtime.get, runtime, managed, region=region,
                                             account_id=account_id)
        self.operations = {**self.operations, **control, **provisioned.operations,
                           **CodeSigning(self._function).operations,
                           **(self._layers.operations if self._layers else {})}
        if stream_mappings is not None:
            self.operations = {**self.operations, **EventSourceMappingOperations(
                stream_mappings, runtime.get, region=region, account_id=account_id).operations}

    async def invoke(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        kind = params.get("InvocationType", "RequestResponse")
        payload: bytes = params.get("Payload") or b""
        check_size(kind, len(payload))
        check_client_context(params.get("ClientContext"))
        # Invoke names the version it looked for, even when none was asked for.
        ref = self._ref(params)
        spec = self._lookup(ref, default_qualifier=LATEST)
        event = checked_event(payload)
        if kind == "DryRun":
            return {"StatusCode": 204}
        # The function's context names the ARN it was invoked by, qualifier included: the
        # runtime and the queue take the name as Lambda's FunctionName does.
        target = f"{spec.name}:{ref.qualifier}" if ref.qualifier else spec.name
        if kind == "Event":
            request_id = await self._queue.enqueue(target, event, request_id=ctx.request_id)
            return {"StatusCode": 202, "ResponseMetadata": {"RequestId": request_id}}
        tail = params.get("LogType") == "Tail"
        result = await self._runtime.invoke(target, event, tail_logs=tail,
                                            client_context=params.get("ClientContext"),
                                            trace_header=ctx.trace_header)
        output: dict[str, Any] = {
            "StatusCode": 200,
            "ExecutedVersion": result.executed_version,
            "FunctionError": result.function_error,
            "Payload": result.payload,
            # The invocation's own id, as the function's context saw it.
            "ResponseMetadata": {"RequestId": result.request_id},
        }
        if tail:
            output["LogResult"] = log_tail(result.log_tail)
        return output

    async def invoke_with_response_stream(self, params: dict[str, Any],
                                          ctx: CallContext) -> dict[str, Any]:
        """Invoke, answered as an event stream: the result in one PayloadChunk, then
        InvokeComplete (event_stream.py)."""
        result = await self.invoke(params, ctx)
        if result["StatusCode"] == 204:
            return {"StatusCode": 204}
        error_code = error_details = None
        if result["FunctionError"]:
            error = _error_of(result["Payload"])
            error_code = str(error.get("errorType") or "Unhandled")
            error_details = str(error.get("errorMessage") or "")
        stream = invoke_stream(result["Payload"], error_code=error_code,
                               error_details=error_details, log_result=result.get("LogResult"))
        return {"StatusCode": 200, "ExecutedVersion": result["ExecutedVersion"],
                "ResponseStreamContentType": STREAM_CONTENT_TYPE, "EventStream": stream,
                "ResponseMetadata": result["ResponseMetadata"]}

    async def get_function(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        ref = self._ref(params)
        spec = self._lookup(ref)
        output: dict[str, Any] = {
            "Configuration": self._configuration(spec, ref.qualifier),
            "Code": {"RepositoryType": "S3", "Location": self._code_links.url_for(spec)},
        }
        if spec.tags:
            output["Tags"] = dict(spec.tags)
        if spec.reserved_concurrency is not None:
            output["Concurrency"] = {"ReservedConcurrentExecutions": spec.reserved_concurrency}
        return output

    async def get_function_configuration(self, params: dict[str, Any],
                                         ctx: CallContext) -> dict[str, Any]:
        ref = self._ref(params)
        return self._configuration(self._lookup(ref), ref.qualifier)

    async def list_functions(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        rows = _listed(self._runtime.list(), every_version=params.get("FunctionVersion") == "ALL")
        start = 0
        if params.get("Marker"):
            after = _unmarker(params["Marker"])
            start = next((i for i, row in enumerate(rows) if _row_key(row) > after), len(rows))
        limit = min(params.get("MaxItems", PAGE_LIMIT), PAGE_LIMIT)
        page = rows[start:start + limit]
        functions = [self._configuration(spec, qualifier, detailed=False)
                     for spec, qualifier in page]
        output: dict[str, Any] = {"Functions": functions}
        if start + limit < len(rows):
            output["NextMarker"] = _marker(page[-1])
        return output

    async def get_alias(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        spec = self._function(params)
        return alias_configuration(spec, params["Name"], self._kept_alias(spec, params["Name"]))

    async def list_aliases(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        spec = self._function(params)
        names = aliases_of(spec, params.get("FunctionVersion"))
        if params.get("Marker"):
            after = unopaque(params["Marker"])
            names = [name for name in names if name > after]
        page = names[:params.get("MaxItems", len(names))]
        output: dict[str, Any] = {"Aliases": [
            alias_configuration(spec, n, self._kept_alias(spec, n)) for n in page]}
        if len(page) < len(names):
            output["NextMarker"] = opaque(page[-1])
        return output

    async def list_versions_by_function(self, params: dict[str, Any],
                                        ctx: CallContext) -> dict[str, Any]:
        spec = self._function(params)
        versions = [LATEST, *_published(spec)]
        start = start_after(versions, params.get("Marker"))
        limit = min(params.get("MaxItems", PAGE_LIMIT), PAGE_LIMIT)
        page = versions[start:start + limit]
        # Each version is listed by its own ARN, $LATEST's included.
        output: dict[str, Any] = {"Versions": [
            self._configuration(spec, version, detailed=False) for version in page]}
        if start + limit < len(versions):
            output["NextMarker"] = opaque(page[-1])
        return output

    async def get_function_concurrency(self, params: dict[str, Any],
                                       ctx: CallContext) -> dict[str, Any]:
        spec = self._function(params)
        if spec.reserved_concurrency is None:
            return {}
        return {"ReservedConcurrentExecutions": spec.reserved_concurrency}

    async def get_account_settings(self, params: dict[str, Any],
                                   ctx: CallContext) -> dict[str, Any]:
        specs = self._runtime.list()
        claimed = sum(spec.claimed_concurrency for spec in specs)
        return {
            "AccountLimit": {
                "TotalCodeSize": TOTAL_CODE_SIZE, "CodeSizeUnzipped": CODE_SIZE_UNZIPPED,
                "CodeSizeZipped": CODE_SIZE_ZIPPED,
                "ConcurrentExecutions": self._concurrency_limit,
                "UnreservedConcurrentExecutions": self._concurrency_limit - claimed,
            },
            "AccountUsage": {"TotalCodeSize": sum(code_facts(spec.code_dir)[0] for spec in specs),
                             "FunctionCount": len(specs)},
        }

    async def get_policy(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        ref = self._ref(params)
        try:
            spec = self._lookup(dataclasses.replace(ref, qualifier=None))
        except ResourceNotFound:
            raise function_not_found(ref) from None
        # A version or alias the function lacks has no policy, as Lambda words it.
        record = self._record(spec)
        own = record.latest.revision_id if record and ref.qualifier in (None, LATEST) else None
        return function_policy(spec, ref.qualifier, own)

    async def list_tags(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        ref = tagged_function(params["Resource"], self._region, self._account_id)
        return {"Tags": dict(self._lookup(ref).tags)}

    async def get_function_event_invoke_config(self, params: dict[str, Any],
                                               ctx: CallContext) -> dict[str, Any]:
        ref = self._ref(params)
        qualifier = ref.qualifier or LATEST
        try:
            spec = self._lookup(ref)
        except ResourceNotFound:
            # Lambda answers for a function or qualifier it lacks as for a missing config.
            raise no_event_invoke_config(
                dataclasses.replace(ref, qualifier=qualifier).arn) from None
        return event_invoke_config(spec, qualifier)

    async def list_function_event_invoke_configs(self, params: dict[str, Any],
                                                 ctx: CallContext) -> dict[str, Any]:
        try:
            spec = self._function(params)
        except ResourceNotFound:
            raise no_function() from None
        configs = event_invoke_configs(spec)
        start = start_after([config["FunctionArn"] for config in configs], params.get("Marker"))
        limit = params.get("MaxItems", PAGE_LIMIT)
        page = configs[start:start + limit]
        output: dict[str, Any] = {"FunctionEventInvokeConfigs": page}
        if start + limit < len(configs):
            output["NextMarker"] = opaque(page[-1]["FunctionArn"])
        return output

    async def get_function_url_config(self, params: dict[str, Any],
                                      ctx: CallContext) -> dict[str, Any]:
        ref = self._ref(params)
        try:
            spec = self._lookup(dataclasses.replace(ref, qualifier=None))
        except ResourceNotFound:
            raise no_url_config() from None       # Lambda answers as for a missing URL
        urls = self._function_urls
        for url in urls.of_function(spec.name):
            if url.qualifier == ref.qualifier:
                return url_configuration(url, urls)
        raise no_url_config()

    async def list_function_url_configs(self, params: dict[str, Any],
                                        ctx: CallContext) -> dict[str, Any]:
        try:
            spec = self._function(params)
        except ResourceNotFound:
            raise ResourceNotFound("Function does not exist", extra={"Type": "User"}) from None
        urls = self._function_urls.of_function(spec.name)
        start = start_after([url.function_arn for url in urls], params.get("Marker"))
        limit = min(params.get("MaxItems", PAGE_LIMIT), PAGE_LIMIT)
        page = urls[start:start + limit]
        output: dict[str, Any] = {"FunctionUrlConfigs": [
            url_configuration(url, self._function_urls) for url in page]}
        if start + limit < len(urls):
            output["NextMarker"] = opaque(page[-1].function_arn)
        return output

    def _configuration(self, spec: FunctionSpec, qualifier: str | None, *,
                       detailed: bool = True) -> dict[str, Any]:
        """A version's configuration, with what Fogbank keeps of it if it was made
        through the API (its package and revision)."""
        kept: Revision | None = None
        record = self._record(spec)
        if record is not None:
            kept = record.revision(spec.version_of(qualifier) or LATEST)
        return function_configuration(spec, qualifier=qualifier, detailed=detailed, kept=kept,
                                      layers=self._layers)

    def _kept_alias(self, spec: FunctionSpec, alias: str) -> Any:
        record = self._record(spec)
        return record.aliases.get(alias) if record is not None else None

    def _record(self, spec: FunctionSpec) -> FunctionRecord | None:
        if self._managed is None or not self._managed.owns(spec.name):
            return None
        return self._managed.record(spec.name)

    def _function(self, params: dict[str, Any]) -> FunctionSpec:
        """The function an operation on the whole function names (its unqualified self)."""
        ref = dataclasses.replace(self._ref(params), qualifier=None)
        return self._lookup(ref)

    def _ref(self, params: dict[str, Any]) -> FunctionRef:
        return resolve(params["FunctionName"], params.get("Qualifier"),
                       region=self._region, account_id=self._account_id)

    def _lookup(self, ref: FunctionRef, *, default_qualifier: str | None = None) -> FunctionSpec:
        try:
            spec = self._runtime.get(ref.name)
        except (KeyError, ResourceNotFound):
            spec = None
        if spec is None:
            if ref.qualifier is None and default_qualifier:
                ref = dataclasses.replace(ref, qualifier=default_qualifier)
            raise function_not_found(ref)
        if spec.version_of(ref.qualifier) is None:     # a version or alias not deployed
            raise function_not_found(ref)
        return spec


def _deployed_from_template(operation: str) -> Handler:
    """A handler that says where functions come from, instead of the bare "not supported"."""
    async def refuse(params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        raise UnsupportedService(
            f"Operation {operation} of service lambda is not supported: functions are deployed "
            "from the app's SAM template; change the template instead (fogbank up reloads it).")
    return refuse


def _error_of(payload: bytes) -> dict[str, Any]:
    try:
        error = json.loads(payload)
    except ValueError:
        return {}
    return error if isinstance(error, dict) else {}


def log_tail(logs: str) -> str:
    """The last 4 KB of an invocation's log, base64-encoded, as `X-Amz-Log-Result`."""
    data = logs.encode("utf-8")[-LOG_TAIL_BYTES:]
    return base64.b64encode(data).decode()


# A row of ListFunctions: a function and the qualifier it is listed by (None: unqualified).
_Row = tuple[FunctionSpec, str | None]


def _published(spec: FunctionSpec) -> list[str]:
    """The function's published versions in order: those it keeps, else 1 to the last."""
    if spec.snapshots:
        return sorted(spec.snapshots, key=int)
    return [str(n) for n in range(1, spec.published_versions + 1)]


def _listed(specs: Sequence[FunctionSpec], *, every_version: bool) -> list[_Row]:
    """ListFunctions' rows in order: each function's $LATEST, then (FunctionVersion ALL) its
    published versions, each listed by its own ARN, $LATEST's included."""
    rows: list[_Row] = []
    for spec in sorted(specs, key=lambda spec: spec.name):
        if not every_version:
            rows.append((spec, None))
            continue
        rows.append((spec, LATEST))
        rows.extend((spec, version) for version in _published(spec))
    return rows


def _row_key(row: _Row) -> tuple[str, int]:
    spec, qualifier = row
    return spec.name, int(qualifier) if qualifier and qualifier != LATEST else 0


def _marker(row: _Row) -> str:
    name, version = _row_key(row)
    return opaque(f"{name}:{version}")


def _unmarker(marker: str) -> tuple[str, int]:
    name, _, version = unopaque(marker).partition(":")
    try:
        return name, int(version or 0)
    except ValueError:
        raise invalid_marker(marker) from None
