"""A served REST API as API Gateway's V1 reads show it (GetRestApi, GetResources,
GetMethod, GetIntegration, GetIntegrationResponse, GetStages): a translation of the
gateway's `Api`, nothing kept. Integrations show as deployed: a proxy (AWS_PROXY), a
non-proxy Lambda or AWS service one (AWS) or a MOCK, with their templates, passthrough
behaviour and integration responses (keyed by status code).

An API built from an OpenAPI body (SAM's) has routes but no resource records; its
resources are the paths of its routes and their parents, with ids derived from the API
and the path so that they stay the same across restarts.
"""
from __future__ import annotations

from typing import Any

from fogbank.aws.apigateway.apis import invocation_uri
from fogbank.aws.apigateway.errors import NotFound
from fogbank.gateway.model import (ANY, REST, WHEN_NO_MATCH, Api, Integration,
                                   IntegrationResponse, Route, Stage, stable_id)

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


def _resource_ids(api: Api) -> tuple[dict[str, str], dict[str, dict[str, Route]]]:
    """(path → resource id of every resource, path → its methods' routes by verb)."""
    ids = {"/": api.root_resource_id}
    for resource_id in api.resources:
        ids.setdefault(api.resource_path(resource_id), resource_id)
    methods: dict[str, dict[str, Route]] = {}
    for route in api.routes.values():
        if route.path.startswith("/"):
            methods.setdefault(route.path, {})[route.method or ANY] = route
    for path in [*ids, *methods]:
        parts = [part for part in path.split("/") if part]
        for depth in range(1, len(parts) + 1):
            prefix = "/" + "/".join(parts[:depth])
            ids.setdefault(prefix, stable_id(api.api_id, "resource", prefix))
    return ids, methods


def rest_resources(api: Api, with_methods: bool) -> list[dict[str, Any]]:
    """Every resource, root first then by path. `resourceMethods` names each resource's
    methods; their settings only `with_methods` (GetResources' `embed=methods`)."""
    ids, methods = _resource_ids(api)
    items = []
    for path in sorted(ids):
        item: dict[str, Any] = {"id": ids[path], "path": path}
        if path != "/":
            parent, _, part = path.rpartition("/")
            item.update(parentId=ids[parent or "/"], pathPart=part)
        if path in methods:
            item["resourceMethods"] = {
                verb: _method(api, route, verb, ids[path]) if with_methods else {}
                for verb, route in methods[path].items()}
        items.append(item)
    return items


def rest_method(api: Api, resource_id: str, verb: str) -> dict[str, Any]:
    """GetMethod's answer; NotFound for a resource or method the API does not have."""
    ids, methods = _resource_ids(api)
    path = next((path for path, known in ids.items() if known == resource_id), None)
    if path is None:
        raise NotFound("Invalid Resource identifier specified")
    route = methods.get(path, {}).get(verb)
    if route is None:
        raise NotFound("Invalid Method identifier specified")
    return _method(api, route, verb, resource_id)


def rest_integration(api: Api, resource_id: str, verb: str) -> dict[str, Any]:
    """GetIntegration's answer."""
    integration = rest_method(api, resource_id, verb).get("methodIntegration")
    if integration is None:
        raise NotFound("Invalid Integration identifier specified")
    return integration


def rest_integration_response(api: Api, resource_id: str, verb: str, status: str
                              ) -> dict[str, Any]:
    """GetIntegrationResponse's answer."""
    responses = rest_integration(api, resource_id, verb).get("integrationResponses") or {}
    if status not in responses:
        raise NotFound("Invalid Response status code specified")
    return responses[status]


def _method(api: Api, route: Route, verb: str, resource_id: str) -> dict[str, Any]:
    method: dict[str, Any] = {"httpMethod": verb, "authorizationType": NO_AUTHORIZER,
                              "apiKeyRequired": route.api_key_required}
    if route.authorizer_id:
        method.update(authorizationType=LAMBDA_AUTHORIZER, authorizerId=route.authorizer_id)
    integration = api.integrations.get(route.integration_id)
    if integration is not None:
        method["methodIntegration"] = _integration(api, integration, resource_id)
    return method


def _integration(api: Api, integration: Integration, resource_id: str) -> dict[str, Any]:
    """An integration as deployed: its type, target and, for a non-proxy, service or mock
    one, its templates and integration responses."""
    mapping = integration.mapping
    service = integration.service
    answer: dict[str, Any]
    if service is not None:
        answer = {"type": "AWS", "httpMethod": service.http_method, "uri": service.uri}
        if service.credentials:
            answer["credentials"] = service.credentials
        if service.parameters:
            answer["requestParameters"] = dict(service.parameters)
    elif integration.http is not None:
        http = integration.http
        answer = {"type": "HTTP_PROXY" if http.proxy else "HTTP", "httpMethod": http.method,
                  "uri": http.uri, "connectionType": "INTERNET"}
        if http.parameters:
            answer["requestParameters"] = dict(http.parameters)
    elif integration.function is not None:
        answer = {"type": "AWS" if mapping is not None else "AWS_PROXY",
                  "httpMethod": integration.lambda_method,
                  "uri": invocation_uri(api, integration.function)}
        if integration.credentials:
            answer["credentials"] = integration.credentials
    else:
        answer = {"type": "MOCK"}
    if mapping is not None and mapping.request_templates:
        answer["requestTemplates"] = dict(mapping.request_templates)
    answer.update(passthroughBehavior=mapping.passthrough if mapping else WHEN_NO_MATCH,
                  timeoutInMillis=integration.timeout_ms or DEFAULT_TIMEOUT_MS,
                  cacheNamespace=resource_id, cacheKeyParameters=[])
    if mapping is not None and mapping.responses:
        answer["integrationResponses"] = {
            str(response.status): _integration_response(response)
            for response in mapping.responses}
    return answer


def _integration_response(response: IntegrationResponse) -> dict[str, Any]:
    answer: dict[str, Any] = {"statusCode": str(response.status)}
    if response.pattern or response.pattern_given:
        answer["selectionPattern"] = response.pattern
    if response.parameters:
        answer["responseParameters"] = dict(response.parameters)
    if response.templates:
        answer["responseTemplates"] = dict(response.templates)
    return answer


def rest_stage(stage: Stage) -> dict[str, Any]:
    return {"stageName": stage.name, "variables": dict(stage.variables),
            "cacheClusterEnabled": False, "tracingEnabled": False, "tags": {}}


REST_APIS = (REST,)
