"""Who API Gateway says it is when it invokes a function, and what the node says when the
function's resource-based policy refuses it.

Lambda lets API Gateway invoke a function only when a statement of the function's policy
(AWS::Lambda::Permission; SAM events add one) allows `apigateway.amazonaws.com` for the ARN
API Gateway acts for:
- a REST API's method: `{api}/{stage}/{METHOD}/{path}`, the request's path in the stage;
- an HTTP API's route: `{api}/{stage}/{METHOD}/{route path}`, or `{api}/{stage}/$default`;
- a WebSocket API's route: `{api}/{stage}/{route key}`;
- a Lambda authorizer: `{api}/authorizers/{authorizer id}`.
A refusal is the API's configuration error: the client gets a 500, and the node's log gets
one warning per function and route (not one per request) naming the missing permission.
"""
from __future__ import annotations

import logging

from fogbank.gateway.model import DEFAULT_ROUTE, REST, Api
from fogbank.types import InvokeSource, NotPermitted, execute_api_arn

log = logging.getLogger(__name__)

API_GATEWAY = "apigateway.amazonaws.com"
_WARNED_LIMIT = 10_000           # distinct refusals remembered before the memory is reset
_warned: set[tuple[str, str, str]] = set()


def _source(api: Api, *rest: str) -> InvokeSource:
    return InvokeSource(API_GATEWAY, execute_api_arn(api.region, api.account_id, api.api_id,
                                                     *rest), api.account_id)


def integration_source(api: Api, stage: str, method: str, route_path: str,
                       request_path: str) -> InvokeSource:
    """A REST or HTTP API's integration: REST names the path requested ("/items/1"), an
    HTTP API its route's path ("/items/{id}", or `$default` alone)."""
    if api.protocol != REST and route_path == DEFAULT_ROUTE:
        return _source(api, stage, DEFAULT_ROUTE)
    path = request_path if api.protocol == REST else route_path
    return _source(api, stage, f"{method}{path}")


def route_source(api: Api, stage: str, route_key: str) -> InvokeSource:
    """A WebSocket API's route integration."""
    return _source(api, stage, route_key)


def authorizer_source(api: Api, authorizer_id: str) -> InvokeSource:
    return _source(api, "authorizers", authorizer_id)


def warn_refused(api_id: str, what: str, function: str, refused: NotPermitted) -> None:
    """Tell the node's log, once per function and `what` (a route key, an authorizer),
    that the function's policy refused API Gateway."""
    key = (api_id, what, function)
    if key in _warned:
        return
    if len(_warned) >= _WARNED_LIMIT:
        _warned.clear()
    _warned.add(key)
    log.warning("API %s answers 500 for %s: API Gateway may not invoke %s. %s", api_id,
                what, function, refused.message)
