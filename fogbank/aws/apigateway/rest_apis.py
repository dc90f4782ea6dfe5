"""A served REST API as API Gateway's V1 reads show it (GetRestApi, GetResources,
GetStages): a translation of the gateway's `Api`, nothing kept.

An API built from an OpenAPI body (SAM's) has routes but no resource records; its
resources are the paths of its routes and their parents, with ids derived from the API
and the path so that they stay the same across restarts.
"""
from __future__ import annotations

from typing import Any

from fogbank.aws.apigateway.apis import invocation_uri
from fogbank.gateway.model import ANY, REST, Api, Route, Stage, stable_id

NO_AUTHORIZER = "NONE"
LAMBDA_AUTHORIZER = "CUSTOM"          # a TOKEN or REQUEST authorizer's methods
DEFAULT_TIMEOUT_MS = 29_000


def rest_api(api: Api) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "id": api.api_id, "name": api.name, "apiKeySource": api.api_key_source,
        "endpointConfiguration": {"types": [api.endpoint_type]},
        "rootResourceId": api.root_resource_id, "disableExecuteApiEndpoint": False,
        "tags": {}}
    if api.binary_media_types:
        answer["binaryMediaTypes"] = list(api.binary_media_types)
    return answer


def rest_resources(api: Api, with_methods: bool) -> list[dict[str, Any]]:
    """Every resource, root first then by path. `resourceMethods` names each resource's
    methods; their settings only `with_methods` (GetResources' `embed=methods`)."""
    ids = {"/": api.root_resource_id}
    for resource_id in api.resources:
        ids.setdefault(api.resource_path(resource_id), resource_id)
    methods: dict[str, dict[str, Any]] = {}
    for route in api.routes.values():
        if route.path.startswith("/"):
            verb = route.method or ANY
            methods.setdefault(route.path, {})[verb] = (
                _method(api, route, verb) if with_methods else {})
    for path in [*ids, *methods]:
        parts = [part for part in path.split("/") if part]
        for depth in range(1, len(parts) + 1):
            prefix = "/" + "/".join(parts[:depth])
            ids.setdefault(prefix, stable_id(api.api_id, "resource", prefix))
    items = []
    for path in sorted(ids):
        item: dict[str, Any] = {"id": ids[path], "path": path}
        if path != "/":
            parent, _, part = path.rpartition("/")
            item.update(parentId=ids[parent or "/"], pathPart=part)
        if path in methods:
            item["resourceMethods"] = methods[path]
        items.append(item)
    return items


def _method(api: Api, route: Route, verb: str) -> dict[str, Any]:
    method: dict[str, Any] = {"httpMethod": verb, "authorizationType": NO_AUTHORIZER,
                              "apiKeyRequired": route.api_key_required}
    if route.authorizer_id:
        method.update(authorizationType=LAMBDA_AUTHORIZER, authorizerId=route.authorizer_id)
    integration = api.integrations.get(route.integration_id)
    if integration is not None and integration.function is not None:
        method["methodIntegration"] = {
            "type": "AWS_PROXY", "httpMethod": "POST",
            "uri": invocation_uri(api, integration.function),
            "passthroughBehavior": "WHEN_NO_MATCH",
            "timeoutInMillis": integration.timeout_ms or DEFAULT_TIMEOUT_MS}
    elif integration is not None:
        method["methodIntegration"] = {"type": "MOCK", "passthroughBehavior": "WHEN_NO_MATCH",
                                       "timeoutInMillis": DEFAULT_TIMEOUT_MS}
    return method


def rest_stage(stage: Stage) -> dict[str, Any]:
    return {"stageName": stage.name, "variables": dict(stage.variables),
            "cacheClusterEnabled": False, "tracingEnabled": False, "tags": {}}


REST_APIS = (REST,)
