"""The Lambda API's write operations, for functions made through the API: create, change,
publish and delete functions, their aliases, permissions, concurrency, tags, asynchronous
invocation settings and function URLs. Requests become typed calls on the managed-functions
engine (fogbank/functions), which keeps and deploys them; the answers are read back as
the read operations read them. A function the template deploys refuses every change.
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any, Callable, Mapping

from fogbank.aws.lambda_api.aliases import alias_configuration
from fogbank.aws.lambda_api.configuration import (LayerFacts, as_being_created,
                                                  as_being_updated, function_configuration)
from fogbank.aws.lambda_api.function_urls import url_configuration
from fogbank.aws.lambda_api.destinations import checked_destinations
from fogbank.aws.lambda_api.invoke_configs import (event_invoke_config, no_event_invoke_config,
                                                   no_function)
from fogbank.aws.lambda_api.names import FunctionRef, check_new_name, resolve
from fogbank.aws.lambda_api.payload import RequestEntityTooLarge
from fogbank.aws.lambda_api.policy import requested_permission, statement_of
from fogbank.aws.lambda_api.runtimes import check_function_runtime
from fogbank.aws.service import CallContext, Handler
from fogbank.functions import Code, FunctionRecord, ManagedFunctions, Settings
from fogbank.functions.errors import stale_revision
from fogbank.functions.urls import UrlConfig, check_cors
from fogbank.gateway.function_urls import FunctionUrlRegistry
from fogbank.types import (LATEST, EventInvokeConfig, FunctionSpec, InvalidParameterValue,
                           ResourceNotFound)

# A request that uploads a package may be this large: 50 MB of zip, in base64.
REQUEST_LIMIT = 69905067
# UpdateFunctionConfiguration's members → the Settings field each changes, and how.
_CHANGES: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "Runtime": ("runtime", str), "Handler": ("handler", str), "Role": ("role", str),
    "Description": ("description", str), "Timeout": ("timeout_s", int),
    "MemorySize": ("memory_mb", int),
    "Environment": ("environment", lambda env: dict(env.get("Variables") or {})),
    "Layers": ("layers", tuple),
    "EphemeralStorage": ("ephemeral_storage_mb", lambda storage: int(storage.get("Size", 512))),
    "LoggingConfig": ("logging_config", dict),
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _user_error(message: str) -> InvalidParameterValue:
    return InvalidParameterValue(message, extra={"Type": "User"})


class ControlPlane:
    names = ("CreateFunction", "UpdateFunctionCode", "UpdateFunctionConfiguration",
             "DeleteFunction", "PublishVersion", "CreateAlias", "UpdateAlias", "DeleteAlias",
             "AddPermission", "RemovePermission", "PutFunctionConcurrency",
             "DeleteFunctionConcurrency", "TagResource", "UntagResource",
             "PutFunctionEventInvokeConfig", "UpdateFunctionEventInvokeConfig",
             "DeleteFunctionEventInvokeConfig", "CreateFunctionUrlConfig",
             "UpdateFunctionUrlConfig", "DeleteFunctionUrlConfig")

    def __init__(self, managed: ManagedFunctions, get_spec: Callable[[str], FunctionSpec], *,
                 region: str, account_id: str, layers: LayerFacts | None = None,
                 function_urls: FunctionUrlRegistry | None = None) -> None:
        self._managed = managed
        self._function_urls = function_urls or FunctionUrlRegistry()
        self._layers = layers
        self._get_spec = get_spec
        self._region, self._account_id = region, account_id
        # Each operation's handler is the method named as its botocore name in snake case.
        self.operations: Mapping[str, Handler] = {
            name: getattr(self, _snake(name)) for name in self.names}

    # ------------------------------------------------------------ functions

    async def create_function(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        check_new_name(params["FunctionName"])
        name = self._ref(params).name
        if params.get("PackageType") == "Image":
            raise _no_images()
        if not params.get("Runtime") or not params.get("Handler"):
            raise _user_error("Runtime and Handler are mandatory parameters for functions "
                              "created with deployment packages.")
        check_function_runtime(params["Runtime"])
        settings = _changed(Settings(runtime=params["Runtime"], handler=params["Handler"],
                                     role=params["Role"],
                                     architectures=tuple(params.get("Architectures")
                                                         or ("x86_64",))), params)
        publish = bool(params.get("Publish"))
        code = package_source(params["Code"], "CreateFunction")
        record = await self._managed.create(name, settings, code,
                                            tags=params.get("Tags") or {}, publish=publish)
        if not publish:
            return as_being_created(self._configuration(name, None))
        # Lambda describes the version it published, but by the function's own ARN
        # (UpdateFunctionCode with Publish names the version's ARN).
        configuration = self._configuration(name, str(record.last_version))
        configuration["FunctionArn"] = self._get_spec(name).arn
        return as_being_created(configuration)

    async def update_function_code(self, params: dict[str, Any],
                                   ctx: CallContext) -> dict[str, Any]:
        name = self._ref(params).name
        code = package_source(params, "UpdateFunctionCode")
        if params.get("DryRun"):
            self._managed.record(name)
            return self._configuration(name, None)
        publish = bool(params.get("Publish"))
        record = await self._managed.update_code(name, code, publish=publish,
                                                 revision_id=params.get("RevisionId"))
        if publish:     # the answer is the new version's, still being made
            return as_being_created(self._configuration(name, str(record.last_version)))
        return as_being_updated(self._configuration(name, None))

    async def update_function_configuration(self, params: dict[str, Any],
                                            ctx: CallContext) -> dict[str, Any]:
        name = self._ref(params).name
        if params.get("Runtime") is not None:
            check_function_runtime(params["Runtime"])
        changes = {field: convert(params[member]) for member, (field, convert)
                   in _CHANGES.items() if params.get(member) is not None}
        await self._managed.update_configuration(name, changes, params.get("RevisionId"))
        return as_being_updated(self._configuration(name, None))

    async def delete_function(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        ref = self._ref(params)
        await self._managed.delete(ref.name, ref.qualifier)
        # Lambda answers 204 (recorded); the model's StatusCode member carries it.
        return {"StatusCode": 204}

    async def publish_version(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        name = self._ref(params).name
        _, version = await self._managed.publish(
            name, code_sha256=params.get("CodeSha256"), description=params.get("Description"),
            revision_id=params.get("RevisionId"))
        return self._configuration(name, version)

    # ------------------------------------------------------------ aliases

    async def create_alias(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return await self._put_alias(params, create=True)

    async def update_alias(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return await self._put_alias(params, create=False)

    async def _put_alias(self, params: dict[str, Any], *, create: bool) -> dict[str, Any]:
        name = self._ref(params).name
        routing = params.get("RoutingConfig")
        weights = None if routing is None else \
            dict(routing.get("AdditionalVersionWeights") or {})
        record = await self._managed.put_alias(
            name, params["Name"], version=params.get("FunctionVersion"),
            description=params.get("Description"), weights=weights,
            revision_id=params.get("RevisionId"), create=create)
        return alias_configuration(self._get_spec(name), params["Name"],
                                   kept=record.aliases[params["Name"]])

    async def delete_alias(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        await self._managed.delete_alias(self._ref(params).name, params["Name"])
        return {}

    # ------------------------------------------------------------ the rest of a function

    async def add_permission(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        ref = self._ref(params)
        self._check_policy_revision(ref, params.get("RevisionId"))
        permission = requested_permission(params, ref.qualifier)
        await self._managed.add_permission(ref.name, permission)
        statement = statement_of(self._get_spec(ref.name), permission)
        return {"Statement": json.dumps(statement, separators=(",", ":"))}

    async def remove_permission(self, params: dict[str, Any],
                                ctx: CallContext) -> dict[str, Any]:
        ref = self._ref(params)
        self._check_policy_revision(ref, params.get("RevisionId"))
        await self._managed.remove_permission(ref.name, params["StatementId"], ref.qualifier)
        return {}

    async def put_function_concurrency(self, params: dict[str, Any],
                                       ctx: CallContext) -> dict[str, Any]:
        reserved = params["ReservedConcurrentExecutions"]
        await self._managed.set_concurrency(self._whole_function(params), reserved)
        return {"ReservedConcurrentExecutions": reserved}

    async def delete_function_concurrency(self, params: dict[str, Any],
                                          ctx: CallContext) -> dict[str, Any]:
        await self._managed.set_concurrency(self._whole_function(params), None)
        return {}

    async def tag_resource(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        await self._managed.tag(tagged_function(params["Resource"], self._region,
                                                self._account_id).name, params["Tags"])
        return {}

    async def untag_resource(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        await self._managed.untag(tagged_function(params["Resource"], self._region,
                                                  self._account_id).name, params["TagKeys"])
        return {}

    async def put_function_event_invoke_config(self, params: dict[str, Any],
                                               ctx: CallContext) -> dict[str, Any]:
        return await self._put_invoke_config(params, EventInvokeConfig())

    async def update_function_event_invoke_config(self, params: dict[str, Any],
                                                  ctx: CallContext) -> dict[str, Any]:
        ref = self._ref(params)
        qualifier = ref.qualifier or LATEST
        held = self._invoke_target(ref).event_invoke_configs.get(qualifier)
        if held is None:
            raise no_event_invoke_config(f"{self._get_spec(ref.name).arn}:{qualifier}")
        return await self._put_invoke_config(params, held)

    async def _put_invoke_config(self, params: dict[str, Any],
                                 base: EventInvokeConfig) -> dict[str, Any]:
        ref = self._ref(params)
        qualifier = ref.qualifier or LATEST
        self._invoke_target(ref)
        if all(params.get(member) is None for member in (
                "MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")):
            raise _user_error("You must specify at least one of error handling or destination "
                              "setting.")
        changes: dict[str, Any] = {}
        if "MaximumRetryAttempts" in params:
            changes["maximum_retry_attempts"] = params["MaximumRetryAttempts"]
        if "MaximumEventAgeInSeconds" in params:
            changes["maximum_event_age_s"] = params["MaximumEventAgeInSeconds"]
        destinations = checked_destinations(params.get("DestinationConfig"), ref.name,
                                            self._function_exists)
        for member, field in (("OnSuccess", "on_success"), ("OnFailure", "on_failure")):
            if member in destinations:
                changes[field] = destinations[member]
        config = replace(base, **changes)
        try:
            await self._managed.put_event_invoke_config(ref.name, qualifier, config)
        except ResourceNotFound:        # the function or qualifier went meanwhile
            raise no_function() from None
        return event_invoke_config(self._get_spec(ref.name), qualifier)

    async def delete_function_event_invoke_config(self, params: dict[str, Any],
                                                  ctx: CallContext) -> dict[str, Any]:
        ref = self._ref(params)
        target = replace(ref, qualifier=ref.qualifier or LATEST)
        try:
            configs = self._managed.record(ref.name).event_invoke_configs
        except ResourceNotFound:
            # Lambda answers for a function it lacks as for a missing config.
            raise no_event_invoke_config(target.arn) from None
        if target.qualifier not in configs:
            raise no_event_invoke_config(target.arn)
        await self._managed.put_event_invoke_config(ref.name, target.qualifier, None)
        return {}

    def _invoke_target(self, ref: FunctionRef) -> FunctionRecord:
        """The function whose asynchronous invocation settings a request changes; Lambda
        says only that "the function" is missing, whether the function or its qualifier."""
        try:
            record = self._managed.record(ref.name)
        except ResourceNotFound:
            raise no_function() from None
        if ref.qualifier not in (None, LATEST, *record.versions, *record.aliases):
            raise no_function()
        return record

    def _function_exists(self, name: str) -> bool:
        try:
            self._get_spec(name)
        except (KeyError, ResourceNotFound):
            return False
        return True

    # ------------------------------------------------------------ function URLs

    async def create_function_url_config(self, params: dict[str, Any],
                                         ctx: CallContext) -> dict[str, Any]:
        ref = self._ref(params)
        check_cors(params.get("Cors"))
        url = await self._managed.create_url(ref.name, ref.qualifier,
                                             auth_type=params["AuthType"],
                                             invoke_mode=params.get("InvokeMode"),
                                             cors=params.get("Cors"))
        config = self._url_configuration(url)
        del config["LastModifiedTime"]          # CreateFunctionUrlConfig's answer has none
        return config

    async def update_function_url_config(self, params: dict[str, Any],
                                         ctx: CallContext) -> dict[str, Any]:
        ref = self._ref(params)
        check_cors(params.get("Cors"))
        # What the request names is replaced (Cors as a whole); the rest is kept.
        changes = {field: params[member] for member, field in (
            ("AuthType", "auth_type"), ("InvokeMode", "invoke_mode"), ("Cors", "cors"))
            if params.get(member) is not None}
        if "cors" in changes:
            changes["cors"] = changes["cors"] or None       # an empty Cors removes it
        url = await self._managed.update_url(ref.name, ref.qualifier, changes)
        return self._url_configuration(url)

    async def delete_function_url_config(self, params: dict[str, Any],
                                         ctx: CallContext) -> dict[str, Any]:
        ref = self._ref(params)
        await self._managed.delete_url(ref.name, ref.qualifier)
        return {}

    def _url_configuration(self, written: UrlConfig) -> dict[str, Any]:
        url = self._function_urls.get(written.url_id)
        assert url is not None, "the engine serves a URL before it answers"
        config = url_configuration(url, self._function_urls)
        # The write operations' answers name the InvokeMode only once a request has named
        # it (this one or an earlier one), as Lambda's do.
        if not written.invoke_mode_named:
            del config["InvokeMode"]
        return config

    # ------------------------------------------------------------ internals

    def _ref(self, params: dict[str, Any]) -> FunctionRef:
        return resolve(params["FunctionName"], params.get("Qualifier"),
                       region=self._region, account_id=self._account_id)

    def _whole_function(self, params: dict[str, Any]) -> str:
        """The function an operation on a whole function names; a version or alias is
        refused (reserved concurrency belongs to the function)."""
        ref = self._ref(params)
        if ref.qualifier:
            raise _user_error("This operation is permitted on Lambda functions only. Aliases "
                              "and versions do not support this operation. Please specify "
                              "either a function name or an unqualified function ARN.")
        return ref.name

    def _configuration(self, name: str, version: str | None) -> dict[str, Any]:
        record = self._managed.record(name)
        return function_configuration(self._get_spec(name), qualifier=version,
                                      kept=record.revision(version or LATEST),
                                      layers=self._layers)

    def _check_policy_revision(self, ref: FunctionRef, revision_id: str | None) -> None:
        """A policy change names the revision it was read at: the function's own."""
        if revision_id and revision_id != self._managed.record(ref.name).latest.revision_id:
            raise stale_revision()


def tagged_function(resource: str, region: str, account_id: str) -> FunctionRef:
    """The function a tagging request's ARN names; Lambda tags whole functions only."""
    kind = resource.split(":")[5] if resource.count(":") >= 6 else ""
    if kind != "function":
        # Event source mappings and code signing configs: Fogbank has none.
        raise ResourceNotFound("The resource you requested does not exist.",
                               extra={"Type": "User"})
    ref = resolve(resource, None, region=region, account_id=account_id)
    if ref.qualifier:
        raise _user_error("Tags on function aliases and versions are not supported. Please "
                          "specify a function ARN.")
    return ref


def _changed(settings: Settings, params: Mapping[str, Any]) -> Settings:
    return replace(settings, **{field: convert(params[member]) for member, (field, convert)
                                in _CHANGES.items() if params.get(member) is not None})


def package_source(given: Mapping[str, Any], operation: str, what: str = "function code") -> Code:
    """The package a request names: its bytes, or a bucket and key of the node's S3."""
    if given.get("ImageUri"):
        raise _no_images()
    zipped, bucket, key = given.get("ZipFile"), given.get("S3Bucket"), given.get("S3Key")
    if zipped is not None and (bucket or key):
        raise _user_error("Please provide either ZipFile or S3Bucket and S3Key, not both.")
    if zipped is not None:
        # Lambda's limit is on the request, which carries the zip in base64.
        if 4 * -(-len(zipped) // 3) > REQUEST_LIMIT:
            raise RequestEntityTooLarge(f"Request must be smaller than {REQUEST_LIMIT} bytes "
                                        f"for the {operation} operation", extra={"Type": "User"})
        return Code(zip_file=zipped)
    if bucket and key:
        return Code(s3_bucket=bucket, s3_key=key)
    raise _user_error(f"Please provide a source for {what}: ZipFile, or S3Bucket and S3Key.")


def _no_images() -> InvalidParameterValue:
    return _user_error("Container image functions (PackageType Image, ImageUri) are not "
                       "supported here: Fogbank runs .zip packages of Python functions.")
