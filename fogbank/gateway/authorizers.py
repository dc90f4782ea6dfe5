"""Lambda authorizers: identity sources, the authorizer's invocation, its answer, the cache.

A route guarded by an authorizer passes `Authorizers.lambda_grant` (or `jwt.py`'s check)
before its integration runs. The identity sources are read first; one that is missing or
empty refuses the request with 401 and the function is not called (a TOKEN authorizer's
token must also match its IdentityValidationExpression). Otherwise the function gets the
authorizer event and answers with an IAM policy (`principalId`, `policyDocument`,
`context`) or, for an HTTP API with simple responses, `{"isAuthorized": …, "context": …}`.
The answer is cached per authorizer and identity values for AuthorizerResultTtlInSeconds
(0: never); a cached policy is evaluated again against each request's method ARN, as API
Gateway does. REST and WebSocket authorizers may raise "Unauthorized" to answer 401; any
other failure, or an answer that is not one of the two shapes, is the authorizer's failure
(500). A REST or WebSocket context holds strings, numbers and booleans only, and reaches the
integration stringified beside `principalId` and `integrationLatency`.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import orjson

from fogbank.gateway.errors import (AUTHORIZER_FAILED, EXPLICIT_DENY, IMPLICIT_DENY,
                                    UNAUTHORIZED, GatewayError)
from fogbank.gateway import iam_policy
from fogbank.gateway.model import HTTP, TOKEN, Authorizer
from fogbank.gateway.invoke_sources import warn_refused
from fogbank.types import AwsError, InvokeSource, Invoker, NotPermitted, WaitExpired

HEADER, QUERY, STAGE_VARIABLE, CONTEXT = "header", "querystring", "stageVariables", "context"
# Identity source prefixes: REST APIs', HTTP APIs' and WebSocket APIs' spellings.
_SOURCE_PREFIXES = (
    ("method.request.header.", HEADER), ("method.request.querystring.", QUERY),
    ("$request.header.", HEADER), ("$request.querystring.", QUERY),
    ("route.request.header.", HEADER), ("route.request.querystring.", QUERY),
    ("$stageVariables.", STAGE_VARIABLE), ("stageVariables.", STAGE_VARIABLE),
    ("$context.", CONTEXT), ("context.", CONTEXT))
_CACHE_LIMIT = 10_000             # entries kept before expired ones are swept out
_DENIALS = {iam_policy.EXPLICIT_DENY: EXPLICIT_DENY, iam_policy.IMPLICIT_DENY: IMPLICIT_DENY}


def identity_source(text: str) -> tuple[str, str] | None:
    """(where, name) of an identity source expression, None when it is not one."""
    for prefix, where in _SOURCE_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            return where, text[len(prefix):]
    return None


@dataclass(frozen=True)
class Identity:
    """What identity sources can read of one request: headers (lower-cased names), query
    parameters, stage variables and the context variables ("httpMethod", "stage" …)."""

    headers: Mapping[str, str]
    query: Mapping[str, str]
    stage_variables: Mapping[str, str]
    context: Mapping[str, str]

    def value(self, source: str) -> str:
        parsed = identity_source(source)
        if parsed is None:
            return ""
        where, name = parsed
        if where == HEADER:
            return self.headers.get(name.lower(), "")
        if where == QUERY:
            return self.query.get(name, "")
        if where == STAGE_VARIABLE:
            return self.stage_variables.get(name, "")
        return self.context.get(name, "")


@dataclass(frozen=True)
class Grant:
    """An authorizer's yes: what the integration's event carries of it."""

    principal_id: str | None = None
    context: Mapping[str, Any] | None = None
    latency_ms: int = 0
    claims: Mapping[str, str] | None = None         # JWT authorizers
    scopes: tuple[str, ...] | None = None
    usage_key: str | None = None        # usageIdentifierKey: the API key, for AUTHORIZER sources

    def event_value(self, protocol: str, payload_version: str) -> dict[str, Any]:
        """The integration event's `requestContext.authorizer`."""
        if self.claims is not None:
            jwt = {"claims": dict(self.claims),
                   "scopes": list(self.scopes) if self.scopes is not None else None}
            return {"jwt": jwt} if payload_version == "2.0" else jwt
        if protocol == HTTP:
            return {"lambda": dict(self.context or {})}
        value: dict[str, Any] = {key: _text(item) for key, item in (self.context or {}).items()}
        value["principalId"] = self.principal_id
        value["integrationLatency"] = self.latency_ms
        return value


@dataclass(frozen=True)
class _Answer:
    """A Lambda authorizer's answer, as cached: a policy, or a simple response's verdict."""

    principal_id: str | None
    policy: Any = None
    authorized: bool | None = None     # simple responses
    context: Mapping[str, Any] = field(default_factory=dict)
    usage_key: str | None = None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Authorizers:
    """Runs Lambda authorizers through `invoke`, caching their answers; `monotonic` gives
    the seconds the cache's time-to-live is measured in."""

    def __init__(self, invoke: Invoker, monotonic: Callable[[], float] = time.monotonic
                 ) -> None:
        self._invoke = invoke
        self._monotonic = monotonic
        self._cache: dict[tuple[str, ...], tuple[float, _Answer]] = {}

    async def lambda_grant(self, api_id: str, protocol: str, authorizer: Authorizer,
                           identity: Identity, arn: str,
                           event: Callable[[tuple[str, ...]], dict[str, Any]],
                           timeout_s: float, source: InvokeSource | None = None,
                           policy_allows: bool = False) -> Grant:
        """The grant for a request to `arn`, or GatewayError. `event` builds the authorizer
        event from the identity source values; `source` is who API Gateway says it is to
        the function (invoke_sources.authorizer_source); `policy_allows`: the API's
        resource policy allows the request, so a policy that only fails to allow it does
        not refuse it."""
        values = tuple(identity.value(source) for source in authorizer.identity_sources)
        if not all(values):
            raise GatewayError(UNAUTHORIZED)
        if authorizer.kind == TOKEN and authorizer.validation_expression:
            if not _matches(authorizer.validation_expression, values[0]):
                raise GatewayError(UNAUTHORIZED)
        key = (api_id, authorizer.name, *values)
        cached = self._cached(key) if authorizer.ttl_s > 0 and values else None
        latency_ms = 0
        if cached is None:
            started = self._monotonic()
            answer = await self._call(api_id, protocol, authorizer, event(values), timeout_s,
                                      source)
            latency_ms = int((self._monotonic() - started) * 1000)
            if authorizer.ttl_s > 0 and values:
                self._store(key, answer, authorizer.ttl_s)
        else:
            answer = cached
        if answer.authorized is not None:
            if not answer.authorized:
                raise GatewayError(EXPLICIT_DENY)
        else:
            try:
                verdict = iam_policy.evaluate(answer.policy, arn)
            except iam_policy.MalformedPolicy:
                raise GatewayError(AUTHORIZER_FAILED) from None
            if verdict == iam_policy.EXPLICIT_DENY or (verdict == iam_policy.IMPLICIT_DENY
                                                       and not policy_allows):
                raise GatewayError(_DENIALS[verdict])
        return Grant(answer.principal_id, answer.context, latency_ms,
                     usage_key=answer.usage_key)

    async def _call(self, api_id: str, protocol: str, authorizer: Authorizer,
                    event: dict[str, Any], timeout_s: float,
                    source: InvokeSource | None) -> _Answer:
        function = authorizer.function or ""
        try:
            result = await self._invoke(function, orjson.dumps(event), wait_s=timeout_s,
                                        source=source)
        except NotPermitted as refused:
            warn_refused(api_id, f"its authorizer {authorizer.name}", function, refused)
            raise GatewayError(AUTHORIZER_FAILED) from None
        except (WaitExpired, AwsError):
            raise GatewayError(AUTHORIZER_FAILED) from None
        try:
            payload = orjson.loads(result.payload or b"null")
        except orjson.JSONDecodeError:
            raise GatewayError(AUTHORIZER_FAILED) from None
        if result.function_error:
            # REST and WebSocket authorizers refuse a caller by raising "Unauthorized".
            if (protocol != HTTP and isinstance(payload, dict)
                    and payload.get("errorMessage") == "Unauthorized"):
                raise GatewayError(UNAUTHORIZED)
            raise GatewayError(AUTHORIZER_FAILED)
        answer = _answer(protocol, authorizer, payload)
        if answer is None:
            raise GatewayError(AUTHORIZER_FAILED)
        return answer

    def _cached(self, key: tuple[str, ...]) -> _Answer | None:
        entry = self._cache.get(key)
        if entry is None:
            return None
        if entry[0] <= self._monotonic():
            del self._cache[key]
            return None
        return entry[1]

    def _store(self, key: tuple[str, ...], answer: _Answer, ttl_s: int) -> None:
        now = self._monotonic()
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
        self._cache[key] = (now + ttl_s, answer)


def _matches(expression: str, value: str) -> bool:
    try:
        return re.fullmatch(expression, value) is not None
    except re.error:
        return False


def _answer(protocol: str, authorizer: Authorizer, payload: Any) -> _Answer | None:
    """The authorizer's answer, None when it is not one API Gateway accepts."""
    if not isinstance(payload, dict):
        return None
    context = payload.get("context") or {}
    if not isinstance(context, dict):
        return None
    if protocol != HTTP and not all(isinstance(value, (str, int, float, bool))
                                    for value in context.values()):
        return None           # REST and WebSocket contexts hold no objects or arrays
    if authorizer.simple_responses and authorizer.payload_version == "2.0":
        authorized = payload.get("isAuthorized")
        if not isinstance(authorized, bool):
            return None
        return _Answer(None, authorized=authorized, context=context)
    principal = payload.get("principalId")
    if "policyDocument" not in payload or (protocol != HTTP and principal is None):
        return None
    usage_key = payload.get("usageIdentifierKey")
    return _Answer(None if principal is None else _text(principal),
                   policy=payload["policyDocument"], context=context,
                   usage_key=usage_key if isinstance(usage_key, str) else None)
