"""GetMethod, GetIntegration and GetIntegrationResponse as API Gateway answers them for a
served REST API: proxy, non-proxy Lambda, AWS service and mock integrations as deployed,
and the errors for what the API does not have."""
from __future__ import annotations

import pytest

from fogbank.aws.apigateway.errors import NotFound
from fogbank.aws.apigateway.rest_apis import (rest_integration, rest_integration_response,
                                              rest_method, rest_resources)
from fogbank.gateway import templates
from fogbank.gateway.model import (REST, Api, Integration, MockResponse, Route, ServiceTarget,
                                   Stage)

LAMBDA_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
              "arn:aws:lambda:us-east-1:123456789012:function:{}/invocations")
ROLE = "arn:aws:iam::123456789012:role/r"


def _api() -> Api:
    mapping = templates.non_proxy({"application/json": '{"id": "$input.params(\'id\')"}'},
                                  "NEVER", [(None, {"status": 200}),
                                            ("4\\d{2}", {"status": "400", "templates": {
                                                "application/json": "{}"}, "parameters": {
                                                "method.response.header.X": "'y'"}})])
    service = ServiceTarget("dynamodb", "arn:aws:apigateway:us-east-1:dynamodb:action/Query",
                            action="Query", credentials=ROLE,
                            parameters=(("integration.request.header.x", "'1'"),))
    routes = {"proxy": Route("GET", "/p", "proxy"), "mapped": Route("POST", "/p", "mapped"),
              "service": Route("GET", "/s", "service"), "mock": Route("GET", "/m", "mock")}
    integrations = {
        "proxy": Integration(function="fn", payload_version="1.0"),
        "mapped": Integration(function="fn", payload_version="1.0", mapping=mapping),
        "service": Integration(payload_version="1.0", service=service, mapping=mapping,
                               timeout_ms=5000),
        "mock": Integration(mock=MockResponse(), mapping=templates.non_proxy(
            {"application/json": '{"statusCode": 200}'}, None, [(None, {"status": 200})]))}
    return Api("abc123defg", REST, account_id="123456789012", routes=routes,
               integrations=integrations, stages={"live": Stage("live")})


def _ids(api: Api) -> dict[str, str]:
    return {item["path"]: item["id"] for item in rest_resources(api, False)}


def test_a_proxy_integration_reads_as_aws_proxy() -> None:
    api = _api()
    integration = rest_integration(api, _ids(api)["/p"], "GET")
    assert integration == {"type": "AWS_PROXY", "httpMethod": "POST",
                           "uri": LAMBDA_URI.format("fn"), "passthroughBehavior": "WHEN_NO_MATCH",
                           "timeoutInMillis": 29000, "cacheNamespace": _ids(api)["/p"],
                           "cacheKeyParameters": []}


def test_a_non_proxy_lambda_integration_reads_as_aws_with_its_mapping() -> None:
    api = _api()
    integration = rest_integration(api, _ids(api)["/p"], "POST")
    assert (integration["type"], integration["uri"]) == ("AWS", LAMBDA_URI.format("fn"))
    assert integration["passthroughBehavior"] == "NEVER"
    assert integration["requestTemplates"] == {
        "application/json": '{"id": "$input.params(\'id\')"}'}
    assert integration["integrationResponses"] == {
        "200": {"statusCode": "200"},
        "400": {"statusCode": "400", "selectionPattern": "4\\d{2}",
                "responseParameters": {"method.response.header.X": "'y'"},
                "responseTemplates": {"application/json": "{}"}}}


def test_a_service_integration_reads_with_its_uri_role_and_parameters() -> None:
    api = _api()
    method = rest_method(api, _ids(api)["/s"], "GET")
    integration = method["methodIntegration"]
    assert (integration["type"], integration["httpMethod"], integration["uri"]) == (
        "AWS", "POST", "arn:aws:apigateway:us-east-1:dynamodb:action/Query")
    assert integration["credentials"] == ROLE
    assert integration["requestParameters"] == {"integration.request.header.x": "'1'"}
    assert integration["timeoutInMillis"] == 5000


def test_a_mock_reads_with_its_templates() -> None:
    api = _api()
    integration = rest_integration(api, _ids(api)["/m"], "GET")
    assert integration["type"] == "MOCK" and "uri" not in integration
    assert integration["requestTemplates"] == {"application/json": '{"statusCode": 200}'}
    assert rest_integration_response(api, _ids(api)["/m"], "GET", "200") == {"statusCode": "200"}


def test_a_selection_pattern_given_as_empty_is_shown() -> None:
    # The default response set with selectionPattern "" reads back with it, as in AWS's
    # put-integration-response examples; one set without it reads back without.
    api = _api()
    mapping = templates.non_proxy(None, None, [("", {"status": 200}), (None, {"status": 500})])
    api = Api(api.api_id, REST, account_id=api.account_id, routes=api.routes,
              integrations={**api.integrations, "mapped": Integration(
                  function="fn", payload_version="1.0", mapping=mapping)},
              stages=api.stages)
    resource = _ids(api)["/p"]
    assert rest_integration_response(api, resource, "POST", "200") == {
        "statusCode": "200", "selectionPattern": ""}
    assert rest_integration_response(api, resource, "POST", "500") == {"statusCode": "500"}


@pytest.mark.parametrize("resource, verb, status, message", [
    ("nope", "GET", None, "Invalid Resource identifier specified"),
    ("/p", "PUT", None, "Invalid Method identifier specified"),
    ("/p", "POST", "500", "Invalid Response status code specified"),
    ("/p", "GET", "200", "Invalid Response status code specified"),   # a proxy has none
])
def test_what_the_api_does_not_have_is_not_found(resource, verb, status, message) -> None:
    api = _api()
    resource_id = _ids(api).get(resource, resource)
    with pytest.raises(NotFound) as exc:
        if status is None:
            rest_method(api, resource_id, verb)
        else:
            rest_integration_response(api, resource_id, verb, status)
    assert exc.value.message == message
