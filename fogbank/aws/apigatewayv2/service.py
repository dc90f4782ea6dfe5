"""The API Gateway V2 API's reads of HTTP and WebSocket APIs (GetApis, GetApi, GetRoutes,
GetIntegrations, GetStages, GetAuthorizers): how a user finds an API's id and endpoint
(`aws apigatewayv2 get-apis`). A translation of the gateway's `ApiRegistry`; ids are the
registry's, endpoints the addresses Fogbank serves the APIs at.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from fogbank.aws.apigateway.apis import function_arn, invocation_uri, served_api
from fogbank.aws.apigateway.errors import BadRequest
from fogbank.aws.service import CallContext, Handler
from fogbank.gateway import ApiRegistry
from fogbank.gateway.model import (DEFAULT_STAGE, HTTP, JWT, WEBSOCKET, Api, Authorizer,
                                   Integration, Route)

V2_APIS = (HTTP, WEBSOCKET)
# What API Gateway sets for an HTTP API, and for a WebSocket API that names no other.
HTTP_ROUTE_SELECTION = "$request.method $request.path"
API_KEY_SELECTION = "$request.header.x-api-key"
DEFAULT_TIMEOUT_MS = {HTTP: 30_000, WEBSOCKET: 29_000}
PAGE_LIMIT = 500


class ApiGatewayV2Service:
    def __init__(self, apis: ApiRegistry, account_id: str) -> None:
        self._apis, self._account_id = apis, account_id
        self.operations: Mapping[str, Handler] = {
            "GetApis": self.get_apis, "GetApi": self.get_api, "GetRoutes": self.get_routes,
            "GetIntegrations": self.get_integrations, "GetStages": self.get_stages,
            "GetAuthorizers": self.get_authorizers,
        }

    async def get_apis(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return _page([self._describe(api) for api in self._apis if api.protocol in V2_APIS],
                     params)

    async def get_api(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return self._describe(self._api(params))

    async def get_routes(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        api = self._api(params)
        return _page([_route(api, route_id, route) for route_id, route in api.routes.items()],
                     params)

    async def get_integrations(self, params: dict[str, Any], ctx: CallContext
                               ) -> dict[str, Any]:
        api = self._api(params)
        return _page([_integration(api, integration_id, integration)
                      for integration_id, integration in api.integrations.items()], params)

    async def get_stages(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        api = self._api(params)
        return _page([{"StageName": stage.name, "StageVariables": dict(stage.variables),
                       "AutoDeploy": True, "Tags": {}}
                      for stage in api.stages.values()], params)

    async def get_authorizers(self, params: dict[str, Any], ctx: CallContext
                              ) -> dict[str, Any]:
        api = self._api(params)
        return _page([_authorizer(api, authorizer_id, authorizer)
                      for authorizer_id, authorizer in api.authorizers.items()], params)

    def _api(self, params: Mapping[str, Any]) -> Api:
        return served_api(self._apis, params["ApiId"], V2_APIS, self._account_id)

    def _describe(self, api: Api) -> dict[str, Any]:
        endpoint = self._apis.url_for(api.api_id, DEFAULT_STAGE)
        answer: dict[str, Any] = {
            "ApiId": api.api_id, "Name": api.name, "ProtocolType": api.protocol,
            "ApiEndpoint": "ws" + endpoint[4:] if api.protocol == WEBSOCKET else endpoint,
            "RouteSelectionExpression": (api.route_selection_expression
                                         or HTTP_ROUTE_SELECTION),
            "ApiKeySelectionExpression": API_KEY_SELECTION,
            "DisableExecuteApiEndpoint": False, "Tags": {}}
        if api.cors is not None:
            cors = api.cors
            answer["CorsConfiguration"] = {
                "AllowOrigins": list(cors.allow_origins), "AllowMethods": list(cors.allow_methods),
                "AllowHeaders": list(cors.allow_headers),
                "ExposeHeaders": list(cors.expose_headers), "MaxAge": cors.max_age,
                "AllowCredentials": cors.allow_credentials}
        return answer


def _route(api: Api, route_id: str, route: Route) -> dict[str, Any]:
    answer: dict[str, Any] = {"RouteId": route_id, "RouteKey": route.key,
                              "AuthorizationType": "NONE", "ApiKeyRequired": False}
    if route.integration_id:
        answer["Target"] = f"integrations/{route.integration_id}"
    authorizer = api.authorizers.get(route.authorizer_id) if route.authorizer_id else None
    if authorizer is not None:
        answer.update(AuthorizationType="JWT" if authorizer.kind == JWT else "CUSTOM",
                      AuthorizerId=route.authorizer_id)
    if route.scopes:
        answer["AuthorizationScopes"] = list(route.scopes)
    if route.response_selection:
        answer["RouteResponseSelectionExpression"] = route.response_selection
    return answer


def _integration(api: Api, integration_id: str, integration: Integration) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "IntegrationId": integration_id, "ConnectionType": "INTERNET",
        "TimeoutInMillis": integration.timeout_ms or DEFAULT_TIMEOUT_MS.get(api.protocol)}
    if integration.function is not None:
        answer.update(IntegrationType="AWS_PROXY", IntegrationMethod="POST",
                      IntegrationUri=function_arn(api, integration.function),
                      PayloadFormatVersion=integration.payload_version)
    elif integration.http is not None:
        answer.update(IntegrationType="HTTP_PROXY", IntegrationMethod=integration.http.method,
                      IntegrationUri=integration.http.uri, PayloadFormatVersion="1.0")
        if integration.http.parameters:
            answer["RequestParameters"] = dict(integration.http.parameters)
    else:
        answer["IntegrationType"] = "MOCK"
    return answer


def _authorizer(api: Api, authorizer_id: str, authorizer: Authorizer) -> dict[str, Any]:
    answer: dict[str, Any] = {"AuthorizerId": authorizer_id, "Name": authorizer.name,
                              "IdentitySource": list(authorizer.identity_sources)}
    if authorizer.kind == JWT:
        answer.update(AuthorizerType=JWT, JwtConfiguration={
            "Audience": list(authorizer.audience), "Issuer": authorizer.issuer})
        return answer
    answer.update(AuthorizerType="REQUEST", AuthorizerResultTtlInSeconds=authorizer.ttl_s)
    if authorizer.function is not None:
        answer["AuthorizerUri"] = invocation_uri(api, authorizer.function)
    if api.protocol == HTTP:         # WebSocket authorizers have one payload, no options
        answer.update(AuthorizerPayloadFormatVersion=authorizer.payload_version,
                      EnableSimpleResponses=authorizer.simple_responses)
    return answer


def _page(items: Sequence[dict[str, Any]], params: Mapping[str, Any]) -> dict[str, Any]:
    """`MaxResults` items (a string on the wire) from `NextToken` (an offset of our own
    making) on; all of them when no MaxResults is given."""
    raw_limit, token = params.get("MaxResults"), params.get("NextToken") or "0"
    if raw_limit is not None and not (raw_limit.isdigit() and 1 <= int(raw_limit) <= PAGE_LIMIT):
        raise BadRequest(f"MaxResults must be a number between 1 and {PAGE_LIMIT}")
    if not token.isdigit():
        raise BadRequest("Invalid NextToken")
    start = int(token)
    limit = int(raw_limit) if raw_limit is not None else len(items)
    page: dict[str, Any] = {"Items": list(items[start:start + limit])}
    if start + limit < len(items):
        page["NextToken"] = str(start + limit)
    return page
