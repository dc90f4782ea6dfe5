"""The contracts between Fogbank's parts: what engines take and give, and their errors.

Engines (runtime, tables, objects, messaging, identity) speak these types; the wire layers
(aws/, gateway/) translate bytes to and from them; node.py wires them together.
Wire payloads stay verbatim (bytes, raw AWS dicts); internal requests are frozen dataclasses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable, Mapping, Protocol


class AwsError(Exception):
    """Root of every engine error: carries the AWS error code and the message AWS gives.

    The wire layer chooses the status code (from botocore's service model where the error
    shape names one, else from `status`) and the encoding; engines never do.
    """

    code: str = "InternalFailure"
    status: int = 500
    sender_fault: bool = False

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 extra: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        # Additional members AWS puts in the error body (e.g. Lambda's "Type": "User").
        self.extra: Mapping[str, Any] = extra or {}


class ResourceNotFound(AwsError):
    code = "ResourceNotFoundException"
    status = 404
    sender_fault = True


class InvalidParameterValue(AwsError):
    code = "InvalidParameterValueException"
    status = 400
    sender_fault = True


class TooManyRequests(AwsError):
    code = "TooManyRequestsException"
    status = 429
    sender_fault = True


class NoReservedConcurrency(TooManyRequests):
    """The throttle of a function whose reserved concurrency is 0: a caller sees a throttle
    like any other, but the async queue does not retry it (it will never run)."""


# ---------------------------------------------------------------- functions (runtime)

LATEST = "$LATEST"      # the unpublished version of a function, the one its code edits change


@dataclass(frozen=True)
class EventInvokeConfig:
    """How Lambda treats a version's or an alias's asynchronous invocations
    (AWS::Lambda::EventInvokeConfig, SAM's EventInvokeConfig). None: not configured, and
    Lambda's default applies."""

    maximum_retry_attempts: int | None = None       # retries after a function error, 0–2
    maximum_event_age_s: int | None = None          # 60–21600
    on_success: str | None = None                   # destination ARN (a function)
    on_failure: str | None = None
    last_modified: float = 0.0                      # epoch seconds

    @property
    def retries(self) -> int:
        return 2 if self.maximum_retry_attempts is None else self.maximum_retry_attempts

    @property
    def max_age_s(self) -> int:
        return 21600 if self.maximum_event_age_s is None else self.maximum_event_age_s


@dataclass(frozen=True)
class FunctionPermission:
    """One statement of a function's resource policy (AWS::Lambda::Permission)."""

    sid: str
    principal: str                      # a service, an account id, an ARN or "*"
    action: str = "lambda:InvokeFunction"
    qualifier: str | None = None        # the version or alias the statement is on
    source_arn: str | None = None
    source_account: str | None = None
    principal_org_id: str | None = None
    event_source_token: str | None = None
    function_url_auth_type: str | None = None
    # InvokedViaFunctionUrl: the statement allows invocations through a function URL only
    invoked_via_function_url: bool = False


@dataclass(frozen=True)
class FunctionSpec:
    """One deployed function, with its published versions and aliases, as the runtime and
    the Lambda API need it."""

    name: str                                   # FunctionName (physical id)
    handler: str                                # "pkg.module.function"
    code_dir: Path                              # CodeUri, resolved to a directory
    runtime: str = "python3.11"
    memory_mb: int = 128
    timeout_s: float = 3.0
    environment: Mapping[str, str] = field(default_factory=dict)
    layers: tuple[Path, ...] = ()               # layer content dirs, mounted as Lambda's /opt
    reserved_concurrency: int | None = None     # ReservedConcurrentExecutions
    provisioned_concurrency: int = 0            # ProvisionedConcurrencyConfig
    version: str = LATEST
    description: str = ""
    role: str = ""
    architectures: tuple[str, ...] = ("x86_64",)
    region: str = "us-east-1"
    account_id: str = "000000000000"
    ephemeral_storage_mb: int = 512
    tags: Mapping[str, str] = field(default_factory=dict)
    # Versions 1..published_versions are published (numbers are never reused) and each
    # alias names one of them or $LATEST. Every version runs the function's current code.
    published_versions: int = 0
    aliases: Mapping[str, str] = field(default_factory=dict)   # alias name → version
    # An alias's RoutingConfig: alias name → {other version: the share of its invocations
    # that run that version instead}.
    alias_weights: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    # The version whose execution environments provisioned_concurrency keeps started (the
    # version of the alias that configured it).
    provisioned_version: str = LATEST
    # The template alias that configured it, whose name GetProvisionedConcurrencyConfig uses.
    provisioned_alias: str = ""
    # Asynchronous invocation settings by qualifier ($LATEST for the unqualified function).
    event_invoke_configs: Mapping[str, EventInvokeConfig] = field(default_factory=dict)
    # The statements of the function's resource policy, in the order they were added.
    permissions: tuple[FunctionPermission, ...] = ()
    # LoggingConfig as Lambda reports it (LogFormat, the two log levels in JSON format,
    # LogGroup); empty: Lambda's default, Text to /aws/lambda/<name>.
    logging_config: Mapping[str, str] = field(default_factory=dict)
    # Versions published through the Lambda API keep the code and configuration they were
    # published with: version number → that version's spec. Where there are any, only they
    # are published (a deleted version is in none); template versions run the current code.
    snapshots: Mapping[str, FunctionSpec] = field(default_factory=dict)
    # Provisioned concurrency configured through the Lambda API: qualifier (a published
    # version or an alias) → the executions requested. An alias's count goes to its version.
    provisioned_configs: Mapping[str, int] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.name}"

    def version_of(self, qualifier: str | None) -> str | None:
        """The version a qualifier names: $LATEST for none, the number of a published
        version, the version an alias points at; None for a qualifier not deployed."""
        if qualifier is None or qualifier == LATEST:
            return LATEST
        if qualifier in self.aliases:
            return self.aliases[qualifier]
        # "01" is not version 1: Lambda matches version numbers as written.
        if qualifier.isascii() and qualifier.isdigit() and not qualifier.startswith("0") \
                and int(qualifier) <= self.published_versions \
                and (not self.snapshots or qualifier in self.snapshots):
            return qualifier
        return None

    def provisioned_by_version(self) -> dict[str, int]:
        """The workers each version keeps started: the template's ProvisionedConcurrencyConfig
        and the configs made through the Lambda API."""
        counts: dict[str, int] = {}
        if self.provisioned_concurrency:
            counts[self.provisioned_version] = self.provisioned_concurrency
        for qualifier, requested in self.provisioned_configs.items():
            version = self.aliases.get(qualifier, qualifier)
            counts[version] = counts.get(version, 0) + requested
        return counts

    @property
    def provisioned_total(self) -> int:
        """The provisioned concurrency of every version and alias of the function."""
        return self.provisioned_concurrency + sum(self.provisioned_configs.values())

    @property
    def claimed_concurrency(self) -> int:
        """What of the account's concurrency the function holds: its reservation (its
        provisioned concurrency comes out of that), else its provisioned concurrency."""
        if self.reserved_concurrency is None:
            return self.provisioned_total
        return self.reserved_concurrency

    def at(self, version: str) -> FunctionSpec:
        """The spec a version runs: its snapshot if it has one, else the current one."""
        return self.snapshots.get(version, self)

    def routed_version(self, qualifier: str | None, draw: float) -> str | None:
        """The version one invocation by `qualifier` runs, given a draw uniform in [0, 1):
        an alias with weights sends each other version its share of the draws."""
        version = self.version_of(qualifier)
        for other, weight in self.alias_weights.get(qualifier or "", {}).items():
            if draw < weight:
                return other
            draw -= weight
        return version


@dataclass(frozen=True)
class InvokeResult:
    """What one synchronous invocation gave back, as Lambda's Invoke returns it."""

    request_id: str
    payload: bytes                      # the function's result or AWS's error payload (JSON)
    function_error: str | None = None   # "Unhandled" when the payload is an error
    log_tail: str = ""                  # this invocation's log lines (START … REPORT)
    executed_version: str = LATEST
    error_type: str | None = None       # errorType of an error payload, for the gateway
                                        # (e.g. "Sandbox.Timedout" → 503)


class WaitExpired(Exception):
    """The caller stopped waiting for an invocation (its `wait_s` passed). The function runs
    on to its own timeout and its result is dropped, as when API Gateway's integration times
    out."""


INVOKE_FUNCTION_URL = "lambda:InvokeFunctionUrl"     # the action a function URL's caller needs


@dataclass(frozen=True)
class InvokeSource:
    """Another service asking to invoke a function, which the function's resource-based
    policy must allow (runtime/resource_policy.py): its principal, the ARN it acts for,
    its account, the action, and for a function URL its auth type."""

    principal: str                  # "apigateway.amazonaws.com", "s3.amazonaws.com", "*"
    source_arn: str | None = None
    source_account: str | None = None
    action: str = "lambda:InvokeFunction"
    url_auth_type: str | None = None


class NotPermitted(AwsError):
    """The function's resource-based policy does not let `InvokeSource` invoke it."""

    code = "AccessDeniedException"
    status = 403
    sender_fault = True


# Whether a function (NAME or NAME:QUALIFIER) lets `source` invoke it (the runtime's
# `permits`): for engines that check a destination before they send it events, as S3 checks
# a notification configuration's functions.
InvokePermission = Callable[[str, InvokeSource], bool]


def execute_api_arn(region: str, account_id: str, api_id: str, *rest: str) -> str:
    """`arn:aws:execute-api:{region}:{account}:{api}/{rest…}`: what API Gateway presents as
    the SourceArn of an invocation (stage, method and resource path; or a route key; or
    `authorizers/{id}`)."""
    return (f"arn:{partition_for(region)}:execute-api:{region}:{account_id}:"
            f"{'/'.join((api_id, *rest))}")


class Invoker(Protocol):
    """How the gateway and the wire layers invoke functions, never through the runtime
    object: (function name, event bytes) → result. The name may end in ":qualifier" (the
    version or alias the caller named), which the function sees in its invoked ARN.
    `trace_header` is the X-Amzn-Trace-Id the invocation continues; `wait_s`, how long the
    caller waits before WaitExpired; `request_id`, the id the invocation runs under when the
    caller already gave one out (an Event invocation's, the same on every retry); `source`,
    the service asking, when it is not the account itself: the function's resource-based
    policy must allow it, else NotPermitted."""

    def __call__(self, name: str, payload: bytes, *, trace_header: str | None = None,
                 wait_s: float | None = None, request_id: str | None = None,
                 source: InvokeSource | None = None) -> Awaitable[InvokeResult]: ...


# ---------------------------------------------------------------- deploy

@dataclass(frozen=True)
class Resource:
    """A CloudFormation resource with every intrinsic function already resolved."""

    logical_id: str
    type: str
    properties: Mapping[str, Any]
    template_dir: Path                  # the directory relative paths (CodeUri) start from
    stack_name: str


@dataclass(frozen=True)
class Deployed:
    """What a provider made of a resource: `Ref` gives physical_id, `GetAtt` attributes."""

    physical_id: str
    attributes: Mapping[str, Any] = field(default_factory=dict)


class ResourceProvider(Protocol):
    """How the deployer creates, changes and deletes one kind of resource in an engine.

    `restore` re-registers an already deployed, unchanged resource when a node starts
    (engines that hold their definitions in memory need it; persistent ones do nothing).
    It returns fresh `Deployed` values when they depend on the node (a URL with its port)
    and None when the recorded ones still hold. Errors are `AwsError`s naming the property
    at fault.
    """

    types: tuple[str, ...]

    def create(self, res: Resource) -> Deployed: ...

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed: ...

    def delete(self, res: Resource, deployed: Deployed) -> None: ...

    def restore(self, res: Resource, deployed: Deployed) -> Deployed | None: ...


# An AWS region name ("us-east-1", "us-gov-west-1", "eusc-de-east-1").
REGION_PATTERN = r"(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d"


def partition_for(region: str) -> str:
    """The ARN partition a region belongs to."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov"):
        return "aws-us-gov"
    return "aws"


# A Lambda function ARN, bare or inside an API Gateway integration URI ("arn:aws:apigateway:
# …:lambda:path/2015-03-31/functions/arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]/
# invocations").
_FUNCTION_ARN = re.compile(r"arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:/]+(?::[^:/]+)?)")


def function_name_from_uri(uri: str) -> str | None:
    """The function an ARN or integration URI targets, as Lambda's FunctionName takes it:
    NAME, or NAME:QUALIFIER when it targets an alias or a version (SAM's AutoPublishAlias
    points event sources at the alias), which the invocation then runs."""
    match = _FUNCTION_ARN.search(uri)
    return match.group(1) if match else None
