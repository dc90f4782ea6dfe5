"""REST APIs' API keys and usage plans: who may call a method that requires a key, how often.

A method with `ApiKeyRequired` (in OpenAPI: a security requirement naming an `apiKey`
scheme) serves only a request that carries an enabled key — the `x-api-key` header, or the
`usageIdentifierKey` a Lambda authorizer returns when the API's key source is AUTHORIZER —
held by a usage plan that covers the API's stage. That plan's limits then apply to the key:
its throttle (a token bucket per key, throttling.py; a method's own throttle in the plan's
ApiStages replaces it for that method) and its
quota (Limit requests per UTC day, ISO week or calendar month, less Offset in the first).
A refusal is API Gateway's: 403 Forbidden (no key, an unknown or disabled key, no plan for
the stage), 429 "Too Many Requests" (throttle), 429 "Limit Exceeded" (quota).

Counters live in memory: a node restart starts every bucket full and every quota afresh.
"""
from __future__ import annotations

import datetime as dt
import secrets
import string
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from fogbank.gateway.errors import FORBIDDEN, QUOTA_EXCEEDED, THROTTLED, GatewayError
from fogbank.gateway.throttling import Throttle, TokenBuckets

HEADER = "HEADER"            # ApiKeySourceType: the x-api-key header
AUTHORIZER = "AUTHORIZER"    # ApiKeySourceType: the Lambda authorizer's usageIdentifierKey
PERIODS = ("DAY", "WEEK", "MONTH")
_KEY_ALPHABET = string.ascii_letters + string.digits
_ID_ALPHABET = string.ascii_lowercase + string.digits


def new_key_value() -> str:
    """A key value as API Gateway generates one: 40 random letters and digits."""
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(40))


def new_id(length: int = 10) -> str:
    """An API Gateway resource id: lowercase letters and digits."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class Quota:
    limit: int
    period: str              # DAY, WEEK or MONTH
    offset: int = 0          # requests already counted in the first period


@dataclass(frozen=True)
class PlanStage:
    """A stage a plan covers, with per-method throttles keyed "/resource/path/METHOD"."""

    api_id: str
    stage: str
    methods: Mapping[str, Throttle] = field(default_factory=dict)


@dataclass(frozen=True)
class UsagePlan:
    plan_id: str
    name: str
    stages: tuple[PlanStage, ...] = ()
    throttle: Throttle | None = None
    quota: Quota | None = None
    description: str = ""


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    name: str
    value: str
    enabled: bool = True
    description: str = ""
    created: float = 0.0     # epoch seconds


class UsagePlans:
    """The node's API keys and usage plans (from the template), and their counters.
    `monotonic` measures throttles, `clock` (epoch seconds) places quota periods."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic,
                 clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._buckets = TokenBuckets(monotonic)
        self._keys: dict[str, ApiKey] = {}
        self._by_value: dict[str, str] = {}
        self._plans: dict[str, UsagePlan] = {}
        self._plan_keys: dict[str, set[str]] = {}
        self._used: dict[tuple[str, str], tuple[str, int]] = {}    # → (period, count)

    # ------------------------------------------------------------------ definitions

    def put_key(self, key: ApiKey) -> None:
        old = self._keys.get(key.key_id)
        if old is not None:
            self._by_value.pop(old.value, None)
        self._keys[key.key_id] = key
        self._by_value[key.value] = key.key_id

    def remove_key(self, key_id: str) -> None:
        old = self._keys.pop(key_id, None)
        if old is not None:
            self._by_value.pop(old.value, None)
        for members in self._plan_keys.values():
            members.discard(key_id)

    def put_plan(self, plan: UsagePlan) -> None:
        self._plans[plan.plan_id] = plan
        self._plan_keys.setdefault(plan.plan_id, set())

    def remove_plan(self, plan_id: str) -> None:
        self._plans.pop(plan_id, None)
        self._plan_keys.pop(plan_id, None)

    def link(self, plan_id: str, key_id: str) -> None:
        self._plan_keys.setdefault(plan_id, set()).add(key_id)

    def unlink(self, plan_id: str, key_id: str) -> None:
        self._plan_keys.get(plan_id, set()).discard(key_id)

    def keys(self) -> list[ApiKey]:
        return sorted(self._keys.values(), key=lambda key: key.key_id)

    def key(self, key_id: str) -> ApiKey | None:
        return self._keys.get(key_id)

    def plans(self) -> list[UsagePlan]:
        return sorted(self._plans.values(), key=lambda plan: plan.plan_id)

    def plan(self, plan_id: str) -> UsagePlan | None:
        return self._plans.get(plan_id)

    def plan_keys(self, plan_id: str) -> list[ApiKey]:
        return [self._keys[key_id] for key_id in sorted(self._plan_keys.get(plan_id, ()))
                if key_id in self._keys]

    def plans_of(self, key_id: str) -> list[UsagePlan]:
        return [plan for plan in self.plans() if key_id in self._plan_keys.get(plan.plan_id, ())]

    # ------------------------------------------------------------------ admission

    def admit(self, api_id: str, stage: str, method: str, resource_path: str,
              value: str | None) -> ApiKey:
        """The key a request to a key-requiring method may use, or GatewayError."""
        key = self._keys.get(self._by_value.get(value or "", ""))
        if key is None or not key.enabled:
            raise GatewayError(FORBIDDEN)
        found = _covering(self.plans_of(key.key_id), api_id, stage)
        if found is None:
            raise GatewayError(FORBIDDEN)
        plan, plan_stage = found
        method_key = f"{resource_path}/{method}"
        throttle = plan_stage.methods.get(method_key) or plan.throttle
        if throttle is not None:
            bucket_key = (plan.plan_id, key.key_id,
                          method_key if method_key in plan_stage.methods else "")
            if not self._buckets.take(bucket_key, throttle):
                raise GatewayError(THROTTLED)
        if plan.quota is not None:
            self._count((plan.plan_id, key.key_id), plan.quota)
        return key

    def _count(self, counter_key: tuple[str, str], quota: Quota) -> None:
        period = period_of(quota.period, self._clock())
        current = self._used.get(counter_key)
        if current is None:
            used = quota.offset            # the first period starts with Offset counted
        elif current[0] == period:
            used = current[1]
        else:
            used = 0
        if used >= quota.limit:
            self._used[counter_key] = (period, used)
            raise GatewayError(QUOTA_EXCEEDED)
        self._used[counter_key] = (period, used + 1)


def _covering(plans: Iterable[UsagePlan], api_id: str, stage: str
              ) -> tuple[UsagePlan, PlanStage] | None:
    for plan in plans:
        for plan_stage in plan.stages:
            if plan_stage.api_id == api_id and plan_stage.stage == stage:
                return plan, plan_stage
    return None


def period_of(period: str, epoch_s: float) -> str:
    """The quota period `epoch_s` falls in, as a label: a UTC day, ISO week or month."""
    moment = dt.datetime.fromtimestamp(epoch_s, dt.timezone.utc)
    if period == "DAY":
        return moment.strftime("%Y-%m-%d")
    if period == "WEEK":
        year, week, _ = moment.isocalendar()
        return f"{year}-W{week:02d}"
    return moment.strftime("%Y-%m")
