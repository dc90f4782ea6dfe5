"""`AWS::CloudFormation::CustomResource` and `Custom::*` → requests to a Lambda function.

As CloudFormation does it: the resource's `ServiceToken` names a function, which is invoked
asynchronously with a request object (RequestType Create / Update / Delete, a ResponseURL,
the stack and request ids, ResourceProperties with every scalar as a string). The function
PUTs its response object to the ResponseURL; a `SUCCESS` gives the resource its physical id
(`Ref`) and `Data` (`Fn::GetAtt`), a `FAILED` fails the deployment with its Reason.

The ResponseURL stands for CloudFormation's presigned S3 URL: an https URL on an S3-style
name that workers resolve to the node (runtime/resolver.py), with a path of its own and an
unguessable token per request (`ResponseSlots`; aws/cloudformation/response_urls.py serves
it). An update whose response names another physical id is a replacement: the old resource
gets a Delete. A Delete that fails (or whose function is gone) while cleaning up a removed or
replaced resource is logged and the resource dropped, as CloudFormation's cleanup phase
carries on past a DELETE_FAILED.

Departures: CloudFormation waits up to ServiceTimeout (default an hour) for a response.
Here the wait ends when the function's invocation ends without one (nothing answers after
that; Lambda's asynchronous retries are not made), else after the function's own timeout
plus a margin (or the node's `custom_resource_timeout_s`), whichever comes first with
ServiceTimeout. `NoEcho` is not honoured (nothing is masked).
"""
from __future__ import annotations

import asyncio
import json
import logging
import secrets
import uuid
from typing import Any, Awaitable, Callable, Mapping
from urllib.parse import quote

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.naming import stack_id_for
from fogbank.deploy.providers.functions import function_target
from fogbank.types import AwsError, Deployed, InvokeResult, Resource

log = logging.getLogger("fogbank.deploy")

RESPONSE_PATH = "/_cloudformation-responses/"   # no bucket is named so: S3 names have no "_"
MAX_RESPONSE_BYTES = 4096                         # CloudFormation's limit on a response body
# The margin past the function's own timeout that the wait allows: a cold start (or a first
# install of its requirements) comes before the handler's clock starts, and the PUT after.
MARGIN_S = 60.0

Invoke = Callable[[str, bytes], Awaitable[InvokeResult]]
TimeoutOf = Callable[[str], float]     # a function's timeout in seconds; AwsError if none


class CustomResourceFailed(AwsError):
    """The custom resource's function answered FAILED, answered badly, or never answered."""

    code = "ValidationError"
    status = 400
    sender_fault = True


def response_host(region: str) -> str:
    """The S3 name CloudFormation's ResponseURLs use in `region`."""
    return f"cloudformation-custom-resource-response-{region.replace('-', '')}.s3.{region}." \
           "amazonaws.com"


class ResponseSlots:
    """The ResponseURLs of the requests in flight, each waiting for its response body.

    A URL answered before (or whose wait ended) keeps being accepted and ignored, as
    CloudFormation's S3 object takes a second PUT; a token never given out is refused.
    """

    def __init__(self, base_url: str) -> None:
        self._base_url = base_url.rstrip("/")
        self._waiting: dict[str, asyncio.Future[bytes]] = {}
        self._spent: set[str] = set()

    def open(self, key: str) -> tuple[str, asyncio.Future[bytes]]:
        """A new URL for the object `key` (stack id|logical id|request id), and the future
        its first PUT completes."""
        token = secrets.token_urlsafe(32)
        answer: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._waiting[token] = answer
        url = f"{self._base_url}{RESPONSE_PATH}{quote(key, safe='')}?X-Amz-Signature={token}"
        return url, answer

    def close(self, url: str) -> None:
        token = url.rsplit("X-Amz-Signature=", 1)[-1]
        answer = self._waiting.pop(token, None)
        if answer is not None:
            answer.cancel()
            self._spent.add(token)

    def deliver(self, token: str, body: bytes) -> bool:
        """Hands a PUT's body to the request waiting for it; False for a token never issued."""
        answer = self._waiting.pop(token, None)
        if answer is None:
            return token in self._spent
        self._spent.add(token)
        if not answer.done():
            answer.set_result(body)
        return True


def as_passed(value: Any) -> Any:
    """A property value as CloudFormation hands it to a provider: every number and Boolean
    as a string ("5", "true"), lists and maps kept, their members likewise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): as_passed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_passed(v) for v in value]
    return value


class CustomResourceProvider:
    types = ("AWS::CloudFormation::CustomResource", "Custom::*")

    def __init__(self, invoke: Invoke, timeout_of: TimeoutOf, slots: ResponseSlots, *,
                 region: str, account_id: str, timeout_s: float | None = None,
                 margin_s: float = MARGIN_S) -> None:
        self._invoke, self._timeout_of, self._slots = invoke, timeout_of, slots
        self._region, self._account_id = region, account_id
        self._timeout_s, self._margin_s = timeout_s, margin_s

    def create(self, res: Resource) -> Awaitable[Deployed]:
        return self._ask("Create", res)

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Awaitable[Deployed]:
        return self._update(old, deployed, new)

    def delete(self, res: Resource, deployed: Deployed) -> Awaitable[None]:
        return self._cleanup(res, deployed)

    def restore(self, res: Resource, deployed: Deployed) -> Deployed | None:
        return None            # the record keeps the physical id and Data: nothing to redo

    async def _update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        if str(old.properties.get("ServiceToken")) != str(new.properties.get("ServiceToken")):
            raise TemplateError("Modifying service token is not allowed.")
        fresh = await self._ask("Update", new, deployed.physical_id, old.properties)
        if fresh.physical_id != deployed.physical_id:
            # A replacement: the old resource goes, with the properties it was made with.
            await self._cleanup(old, deployed)
        return fresh

    async def _cleanup(self, res: Resource, deployed: Deployed) -> None:
        try:
            await self._ask("Delete", res, deployed.physical_id)
        except AwsError as exc:
            log.warning("%s (%s): the Delete of %s failed and is left behind: %s",
                        res.logical_id, res.type, deployed.physical_id, exc.message)

    async def _ask(self, kind: str, res: Resource, physical_id: str | None = None,
                   old_properties: Mapping[str, Any] | None = None) -> Deployed:
        """Sends one request to the resource's function and waits for its response."""
        token = res.properties.get("ServiceToken")
        target, function_timeout = self._target(res, token)
        stack_id = stack_id_for(res.stack_name, self._region, self._account_id)
        request_id = str(uuid.uuid4())
        request: dict[str, Any] = {
            "RequestType": kind, "ServiceToken": str(token), "ResponseURL": "",
            "StackId": stack_id, "RequestId": request_id, "LogicalResourceId": res.logical_id,
            "ResourceType": res.type, "ResourceProperties": as_passed(res.properties)}
        if physical_id is not None:
            request["PhysicalResourceId"] = physical_id
        if old_properties is not None:
            request["OldResourceProperties"] = as_passed(old_properties)
        limit = _service_timeout(res)
        if limit is not None:
            request["ServiceTimeout"] = str(limit)
        wait_s = self._timeout_s if self._timeout_s is not None else \
            function_timeout + self._margin_s
        if limit is not None:
            wait_s = min(wait_s, float(limit))
        url, answer = self._slots.open(f"{stack_id}|{res.logical_id}|{request_id}")
        request["ResponseURL"] = url
        call = asyncio.ensure_future(self._invoke(target, json.dumps(request).encode()))
        try:
            await asyncio.wait({answer, call}, timeout=wait_s,
                               return_when=asyncio.FIRST_COMPLETED)
            if answer.done():
                return _outcome(answer.result(), request_id, physical_id)
            if call.done():
                raise _unanswered(res, target, call)
            raise CustomResourceFailed("Custom Resource failed to stabilize in expected time")
        finally:
            self._slots.close(url)
            # The invocation runs on, as an asynchronous one does: nobody waits for it.
            call.add_done_callback(_drop_result)

    def _target(self, res: Resource, token: Any) -> tuple[str, float]:
        """The function `token` names (with its qualifier) and that function's timeout."""
        if not token:
            raise TemplateError(f"Resource {res.logical_id}: Model validation failed "
                                "(#: required key [ServiceToken] not found)")
        if not isinstance(token, str) or ":lambda:" not in token or ":function:" not in token:
            raise TemplateError(f"Resource {res.logical_id}: ServiceToken {token!r} is not a "
                                "Lambda function ARN; only Lambda-backed custom resources run "
                                "here")
        name, qualifier = function_target(token)
        try:
            timeout = self._timeout_of(name)
        except AwsError:
            raise TemplateError(f"Resource {res.logical_id}: ServiceToken {token} names the "
                                f"function {name}, which does not exist") from None
        return (f"{name}:{qualifier}" if qualifier else name), timeout


def _service_timeout(res: Resource) -> int | None:
    value = res.properties.get("ServiceTimeout")
    if value is None:
        return None
    text = str(value)
    if not text.isdigit() or not 1 <= int(text) <= 3600:
        raise TemplateError(f"Resource {res.logical_id}: ServiceTimeout must be an integer "
                            f"from 1 to 3600, got {value!r}")
    return int(text)


def _outcome(body: bytes, request_id: str, physical_id: str | None) -> Deployed:
    """The resource a response object describes, or the failure it reports."""
    if len(body) > MAX_RESPONSE_BYTES:
        raise CustomResourceFailed("Response object is too long.")
    try:
        response = json.loads(body)
    except ValueError:
        response = None
    if not isinstance(response, dict):
        raise CustomResourceFailed("Invalid response object: the body is not a JSON object")
    status = response.get("Status")
    if status == "FAILED":
        raise CustomResourceFailed(
            f"Received response status [FAILED] from custom resource. Message returned: "
            f"{response.get('Reason') or ''} (RequestId: {request_id})")
    if status != "SUCCESS":
        raise CustomResourceFailed(f"Invalid response object: Status must be SUCCESS or "
                                   f"FAILED, got {json.dumps(status)}")
    # Required in every response; an Update or Delete that leaves it out keeps the old one.
    physical = response.get("PhysicalResourceId") or physical_id
    if not isinstance(physical, str) or not physical or len(physical.encode()) > 1024:
        raise CustomResourceFailed("Invalid PhysicalResourceId")
    data = response.get("Data")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise CustomResourceFailed("Invalid response object: Data must be a JSON object")
    return Deployed(physical, data)


def _unanswered(res: Resource, target: str, call: asyncio.Future[InvokeResult]) -> AwsError:
    """Why nothing came: the invocation failed, or the function returned without a PUT."""
    if call.exception() is not None:
        exc = call.exception()
        reason = exc.message if isinstance(exc, AwsError) else repr(exc)
        return CustomResourceFailed(f"Resource {res.logical_id}: function {target} could not "
                                    f"be invoked: {reason}")
    result = call.result()
    failure = ""
    if result.function_error:
        try:
            error = json.loads(result.payload)
            failure = f" (it failed: {error.get('errorType')}: {error.get('errorMessage')})"
        except (ValueError, AttributeError):
            failure = " (it failed)"
    return CustomResourceFailed(
        f"Resource {res.logical_id}: function {target} returned without sending a response "
        f"to the ResponseURL{failure}")


def _drop_result(call: asyncio.Future[Any]) -> None:
    if not call.cancelled():
        call.exception()        # retrieved: an invocation error is no one's to raise
