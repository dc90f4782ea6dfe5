"""AWS::ApiGateway::ApiKey, UsagePlan and UsagePlanKey → the gateway's `UsagePlans`.

SAM makes all three of an `Api`'s `Auth.UsagePlan` (with `ApiKeyRequired`); templates also
declare them directly. A key without a `Value` gets one generated as API Gateway does;
ids and generated values are kept in the deploy state (`Deployed.attributes`), so a key
keeps its value across restarts.
"""
from __future__ import annotations

import time
from typing import Any, Mapping

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.intrinsics import as_flag
from fogbank.deploy.naming import physical_name
from fogbank.gateway import ApiRegistry
from fogbank.deploy.providers.throttles import throttle_of, whole_number
from fogbank.gateway.throttling import Throttle
from fogbank.gateway.usage_plans import (PERIODS, ApiKey, PlanStage, Quota, UsagePlan,
                                         UsagePlans, new_id, new_key_value)
from fogbank.types import Deployed, Resource

_VALUE_LENGTHS = (20, 128)          # API Gateway's bounds for a key value


def _fail(res: Resource, message: str) -> TemplateError:
    return TemplateError(f"Resource {res.logical_id}: {message}")


class ApiKeyProvider:
    types = ("AWS::ApiGateway::ApiKey",)
    attribute_names: frozenset[str] = frozenset({"APIKeyId", "CreatedDate", "GeneratedValue"})

    def __init__(self, usage: UsagePlans) -> None:
        self._usage = usage

    def create(self, res: Resource) -> Deployed:
        return self._put(res, new_id(), None, float(int(time.time())))

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        return self._put(new, deployed.physical_id, _generated(deployed), _created(deployed))

    def restore(self, res: Resource, deployed: Deployed) -> Deployed:
        return self._put(res, deployed.physical_id, _generated(deployed), _created(deployed))

    def delete(self, res: Resource, deployed: Deployed) -> None:
        self._usage.remove_key(deployed.physical_id)

    def _put(self, res: Resource, key_id: str, generated: str | None, created: float
             ) -> Deployed:
        props = res.properties
        given = props.get("Value")
        value = str(given) if given is not None else generated or new_key_value()
        low, high = _VALUE_LENGTHS
        if not (low <= len(value) <= high) or not value.isascii() or not value.isalnum():
            raise _fail(res, f"Value must be {low} to {high} letters and digits")
        for other in self._usage.keys():
            if other.value == value and other.key_id != key_id:
                raise _fail(res, "an API key with this Value already exists")
        name = str(props.get("Name") or physical_name(res, 128))
        self._usage.put_key(ApiKey(key_id, name, value, enabled=as_flag(props.get("Enabled")),
                                   description=str(props.get("Description") or ""),
                                   created=created))
        attributes: dict[str, Any] = {"APIKeyId": key_id, "CreatedDate": created}
        if given is None:
            attributes["GeneratedValue"] = value
        return Deployed(key_id, attributes)


def _generated(deployed: Deployed) -> str | None:
    value = deployed.attributes.get("GeneratedValue")
    return str(value) if value else None


def _created(deployed: Deployed) -> float:
    return float(deployed.attributes.get("CreatedDate") or time.time())


class UsagePlanProvider:
    types = ("AWS::ApiGateway::UsagePlan",)
    attribute_names: frozenset[str] = frozenset({"Id"})

    def __init__(self, usage: UsagePlans, apis: ApiRegistry) -> None:
        self._usage, self._apis = usage, apis

    def create(self, res: Resource) -> Deployed:
        return self._put(res, new_id(6))

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        return self._put(new, deployed.physical_id)

    def restore(self, res: Resource, deployed: Deployed) -> Deployed:
        return self._put(res, deployed.physical_id)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        self._usage.remove_plan(deployed.physical_id)

    def _put(self, res: Resource, plan_id: str) -> Deployed:
        props = res.properties
        stages = tuple(self._stage(res, entry) for entry in props.get("ApiStages") or ())
        throttle = props.get("Throttle")
        quota = props.get("Quota")
        plan = UsagePlan(plan_id, str(props.get("UsagePlanName") or physical_name(res, 128)),
                         stages,
                         _throttle(res, "Throttle", throttle) if throttle is not None
                         else None,
                         _quota(res, quota) if quota else None,
                         str(props.get("Description") or ""))
        self._usage.put_plan(plan)
        return Deployed(plan_id, {"Id": plan_id})

    def _stage(self, res: Resource, entry: Any) -> PlanStage:
        if not isinstance(entry, Mapping) or not entry.get("ApiId") or not entry.get("Stage"):
            raise _fail(res, "each of ApiStages needs ApiId and Stage")
        api_id, stage = str(entry["ApiId"]), str(entry["Stage"])
        api = self._apis.get(api_id)
        if api is None or stage not in api.stages:
            raise _fail(res, f"ApiStages names stage {stage} of API {api_id}, which does not "
                             f"exist")
        methods = entry.get("Throttle") or {}
        if not isinstance(methods, Mapping):
            raise _fail(res, "ApiStages Throttle must map \"/path/METHOD\" to a throttle")
        limits = {str(path): _throttle(res, f"Throttle {path}", given)
                  for path, given in methods.items()}
        return PlanStage(api_id, stage, {path: throttle for path, throttle in limits.items()
                                         if throttle is not None})


def _throttle(res: Resource, where: str, limits: Any) -> Throttle | None:
    if not isinstance(limits, Mapping):
        raise _fail(res, f"{where} must be an object with BurstLimit and RateLimit")
    return throttle_of(res, where, limits.get("RateLimit"), limits.get("BurstLimit"))


def _quota(res: Resource, quota: Any) -> Quota:
    if not isinstance(quota, Mapping):
        raise _fail(res, "Quota must be an object with Limit and Period")
    period = str(quota.get("Period") or "").upper()
    if period not in PERIODS:
        raise _fail(res, f"Quota Period must be one of {', '.join(PERIODS)}, got "
                         f"{quota.get('Period')!r}")
    return Quota(whole_number(res, "Quota Limit", quota.get("Limit", 0)), period,
                 whole_number(res, "Quota Offset", quota.get("Offset", 0)))


class UsagePlanKeyProvider:
    types = ("AWS::ApiGateway::UsagePlanKey",)
    attribute_names: frozenset[str] = frozenset()

    def __init__(self, usage: UsagePlans) -> None:
        self._usage = usage

    def create(self, res: Resource) -> Deployed:
        plan_id, key_id = self._link(res)
        self._usage.link(plan_id, key_id)
        return Deployed(key_id)

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        self.delete(old, deployed)
        return self.create(new)

    def restore(self, res: Resource, deployed: Deployed) -> None:
        self.create(res)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        plan_id = res.properties.get("UsagePlanId")
        if plan_id:
            self._usage.unlink(str(plan_id), deployed.physical_id)

    def _link(self, res: Resource) -> tuple[str, str]:
        props = res.properties
        kind = str(props.get("KeyType") or "")
        if kind != "API_KEY":
            raise _fail(res, f"KeyType must be API_KEY, got {kind or '(none)'}")
        plan_id, key_id = str(props.get("UsagePlanId") or ""), str(props.get("KeyId") or "")
        if self._usage.plan(plan_id) is None:
            raise _fail(res, f"UsagePlanId {plan_id or '(none)'} is not a usage plan")
        if self._usage.key(key_id) is None:
            raise _fail(res, f"KeyId {key_id or '(none)'} is not an API key")
        return plan_id, key_id


def usage_plan_providers(usage: UsagePlans, apis: ApiRegistry) -> list[Any]:
    return [ApiKeyProvider(usage), UsagePlanProvider(usage, apis), UsagePlanKeyProvider(usage)]
