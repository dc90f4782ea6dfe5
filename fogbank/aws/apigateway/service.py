"""The API Gateway API's reads of REST APIs (GetRestApis, GetRestApi, GetResources,
GetMethod, GetIntegration, GetIntegrationResponse, GetStages, GetStage) and of API keys
and usage plans (GetApiKeys, GetApiKey, GetUsagePlans, GetUsagePlan, GetUsagePlanKeys,
GetUsagePlanKey).

APIs, keys and plans come from the app's template; this is how a user finds an API's id
(`aws apigateway get-rest-apis`) or the value of a key API Gateway generated
(`aws apigateway get-api-keys --include-values`), as on AWS. A translation of the
gateway's `ApiRegistry` and `UsagePlans` records; nothing is kept here.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from fogbank.aws.apigateway.apis import served_api
from fogbank.aws.apigateway.errors import BadRequest, NotFound
from fogbank.aws.apigateway.rest_apis import (REST_APIS, rest_api, rest_integration,
                                              rest_integration_response, rest_method,
                                              rest_resources, rest_stage)
from fogbank.aws.service import CallContext, Handler
from fogbank.gateway import ApiRegistry
from fogbank.gateway.model import Api
from fogbank.gateway.usage_plans import ApiKey, Throttle, UsagePlan, UsagePlans

PAGE_LIMIT = 500            # API Gateway's largest page (and its default `limit`: 25)
DEFAULT_LIMIT = 25


class ApiGatewayService:
    def __init__(self, usage: UsagePlans, apis: ApiRegistry, account_id: str) -> None:
        self._usage = usage
        self._apis, self._account_id = apis, account_id
        self.operations: Mapping[str, Handler] = {
            "GetRestApis": self.get_rest_apis, "GetRestApi": self.get_rest_api,
            "GetResources": self.get_resources, "GetStages": self.get_stages,
            "GetStage": self.get_stage, "GetMethod": self.get_method,
            "GetIntegration": self.get_integration,
            "GetIntegrationResponse": self.get_integration_response,
            "GetApiKeys": self.get_api_keys, "GetApiKey": self.get_api_key,
            "GetUsagePlans": self.get_usage_plans, "GetUsagePlan": self.get_usage_plan,
            "GetUsagePlanKeys": self.get_usage_plan_keys,
            "GetUsagePlanKey": self.get_usage_plan_key,
        }

    async def get_rest_apis(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return _page([rest_api(api) for api in self._apis if api.protocol in REST_APIS], params)

    async def get_rest_api(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return rest_api(self._rest_api(params))

    async def get_resources(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with_methods = "methods" in (params.get("embed") or [])
        return _page(rest_resources(self._rest_api(params), with_methods), params)

    async def get_method(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return rest_method(self._rest_api(params), params["resourceId"], params["httpMethod"])

    async def get_integration(self, params: dict[str, Any], ctx: CallContext
                              ) -> dict[str, Any]:
        return rest_integration(self._rest_api(params), params["resourceId"],
                                params["httpMethod"])

    async def get_integration_response(self, params: dict[str, Any], ctx: CallContext
                                       ) -> dict[str, Any]:
        return rest_integration_response(self._rest_api(params), params["resourceId"],
                                         params["httpMethod"], params["statusCode"])

    async def get_stages(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        api = self._rest_api(params)
        return {"item": [rest_stage(stage) for stage in api.stages.values()]}

    async def get_stage(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        stage = self._rest_api(params).stages.get(params["stageName"])
        if stage is None:
            raise NotFound("Invalid Stage identifier specified")
        return rest_stage(stage)

    def _rest_api(self, params: Mapping[str, Any]) -> Api:
        return served_api(self._apis, params["restApiId"], REST_APIS, self._account_id)

    async def get_api_keys(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        keys = [key for key in self._usage.keys()
                if key.name.startswith(params.get("nameQuery") or "")]
        show = bool(params.get("includeValues"))
        return _page([_api_key(key, show) for key in keys], params)

    async def get_api_key(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        key = self._usage.key(params["apiKey"])
        if key is None:
            raise NotFound("Invalid API Key identifier specified")
        return _api_key(key, bool(params.get("includeValue")))

    async def get_usage_plans(self, params: dict[str, Any], ctx: CallContext
                              ) -> dict[str, Any]:
        key_id = params.get("keyId")
        plans = self._usage.plans_of(key_id) if key_id else self._usage.plans()
        return _page([_plan(plan) for plan in plans], params)

    async def get_usage_plan(self, params: dict[str, Any], ctx: CallContext
                             ) -> dict[str, Any]:
        return _plan(self._plan(params["usagePlanId"]))

    async def get_usage_plan_keys(self, params: dict[str, Any], ctx: CallContext
                                  ) -> dict[str, Any]:
        plan = self._plan(params["usagePlanId"])
        keys = [key for key in self._usage.plan_keys(plan.plan_id)
                if key.name.startswith(params.get("nameQuery") or "")]
        return _page([_plan_key(key) for key in keys], params)

    async def get_usage_plan_key(self, params: dict[str, Any], ctx: CallContext
                                 ) -> dict[str, Any]:
        plan = self._plan(params["usagePlanId"])
        for key in self._usage.plan_keys(plan.plan_id):
            if key.key_id == params["keyId"]:
                return _plan_key(key)
        raise NotFound("Invalid Usage Plan Key identifier specified")

    def _plan(self, plan_id: str) -> UsagePlan:
        plan = self._usage.plan(plan_id)
        if plan is None:
            raise NotFound("Invalid Usage Plan ID specified")
        return plan


def _page(items: Sequence[dict[str, Any]], params: Mapping[str, Any]) -> dict[str, Any]:
    """`limit` items from `position` (an offset of our own making) on."""
    limit = params.get("limit")
    if limit is None:
        limit = DEFAULT_LIMIT
    if not 1 <= limit <= PAGE_LIMIT:
        raise BadRequest(f"Invalid limit: must be between 1 and {PAGE_LIMIT}")
    position = params.get("position") or "0"
    if not position.isdigit():
        raise BadRequest("Invalid position parameter")
    start = int(position)
    page: dict[str, Any] = {"items": list(items[start:start + limit])}
    if start + limit < len(items):
        page["position"] = str(start + limit)
    return page


def _api_key(key: ApiKey, show_value: bool) -> dict[str, Any]:
    answer: dict[str, Any] = {"id": key.key_id, "name": key.name, "enabled": key.enabled,
                              "createdDate": key.created, "lastUpdatedDate": key.created,
                              "stageKeys": []}
    if key.description:
        answer["description"] = key.description
    if show_value:
        answer["value"] = key.value
    return answer


def _throttle(throttle: Throttle) -> dict[str, Any]:
    return {"burstLimit": throttle.burst, "rateLimit": throttle.rate}


def _plan(plan: UsagePlan) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "id": plan.plan_id, "name": plan.name,
        "apiStages": [{"apiId": stage.api_id, "stage": stage.stage,
                       **({"throttle": {path: _throttle(limits)
                                        for path, limits in stage.methods.items()}}
                          if stage.methods else {})}
                      for stage in plan.stages]}
    if plan.description:
        answer["description"] = plan.description
    if plan.throttle is not None:
        answer["throttle"] = _throttle(plan.throttle)
    if plan.quota is not None:
        answer["quota"] = {"limit": plan.quota.limit, "offset": plan.quota.offset,
                           "period": plan.quota.period}
    return answer


def _plan_key(key: ApiKey) -> dict[str, Any]:
    return {"id": key.key_id, "type": "API_KEY", "name": key.name, "value": key.value}
