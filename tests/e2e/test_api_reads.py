"""Finding an API's id and endpoint as users do — `aws apigateway get-rest-apis`, `aws
apigatewayv2 get-apis` and the reads below them — through boto3 and both AWS CLIs against a
real node serving an HTTP, a REST and a WebSocket API; unknown ids sent too."""
from __future__ import annotations

import json
import subprocess
from typing import Any, Iterator

import httpx
import pytest
from botocore.exceptions import ClientError

from fogbank.testing import RunningNode, serving

from .test_stack_reads import APP, CLIS, aws, client, error_of


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    app = tmp_path_factory.mktemp("apis") / "stack-reads"
    subprocess.run(["cp", "-r", str(APP), str(app)], check=True)
    with serving(app, "--no-watch") as running:
        yield running


def physical_id(node: RunningNode, logical_id: str) -> str:
    cfn = client(node, "cloudformation")
    return cfn.describe_stack_resource(StackName="stack-reads", LogicalResourceId=logical_id
                                       )["StackResourceDetail"]["PhysicalResourceId"]


def by_name(items: list[dict[str, Any]], key: str = "Name") -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


# ------------------------------------------------------------------ REST APIs (V1)


def test_get_rest_apis_lists_the_rest_api_and_only_it(node) -> None:
    apis = client(node, "apigateway").get_rest_apis()["items"]
    assert [api["id"] for api in apis] == [physical_id(node, "Orders")]
    (api,) = apis
    assert api["name"] == "Orders" and api["endpointConfiguration"] == {"types": ["EDGE"]}
    assert api["apiKeySource"] == "HEADER" and api["rootResourceId"]


@pytest.mark.parametrize("version", CLIS)
def test_get_rest_apis_through_the_cli(node, version) -> None:
    done = aws(node, version, "apigateway", "get-rest-apis", "--query",
               "items[?name=='Orders'].id | [0]")
    assert json.loads(done.stdout) == physical_id(node, "Orders")


def test_get_rest_api_and_its_resources(node) -> None:
    gateway = client(node, "apigateway")
    api_id = physical_id(node, "Orders")
    api = gateway.get_rest_api(restApiId=api_id)
    resources = by_name(gateway.get_resources(restApiId=api_id)["items"], "path")
    assert list(resources) == ["/", "/orders", "/orders/{id}"]
    assert resources["/"]["id"] == api["rootResourceId"] and "parentId" not in resources["/"]
    assert resources["/orders/{id}"]["parentId"] == resources["/orders"]["id"]
    assert resources["/orders/{id}"]["pathPart"] == "{id}"
    assert resources["/orders/{id}"]["resourceMethods"] == {"GET": {}}
    embedded = by_name(gateway.get_resources(restApiId=api_id, embed=["methods"])["items"], "path")
    method = embedded["/orders/{id}"]["resourceMethods"]["GET"]
    assert method["authorizationType"] == "NONE"
    integration = method["methodIntegration"]
    assert integration["type"] == "AWS_PROXY" and integration["uri"].endswith(
        f":function:{node.wait_ready()['functions']['Backend']}/invocations")
    # Ids stay put from one read to the next.
    assert gateway.get_resources(restApiId=api_id)["items"][1]["id"] == resources["/orders"]["id"]


def test_resources_page_by_limit_and_position(node) -> None:
    gateway = client(node, "apigateway")
    api_id = physical_id(node, "Orders")
    first = gateway.get_resources(restApiId=api_id, limit=2)
    assert len(first["items"]) == 2 and first["position"]
    rest = gateway.get_resources(restApiId=api_id, limit=2, position=first["position"])
    assert [item["path"] for item in rest["items"]] == ["/orders/{id}"] and "position" not in rest
    with pytest.raises(ClientError) as excinfo:
        gateway.get_resources(restApiId=api_id, limit=0)
    assert error_of(excinfo)[0] == "BadRequestException"


def test_rest_stages(node) -> None:
    gateway = client(node, "apigateway")
    api_id = physical_id(node, "Orders")
    stages = by_name(gateway.get_stages(restApiId=api_id)["item"], "stageName")
    assert "dev" in stages
    assert gateway.get_stage(restApiId=api_id, stageName="dev")["stageName"] == "dev"
    with pytest.raises(ClientError) as excinfo:
        gateway.get_stage(restApiId=api_id, stageName="nope")
    assert error_of(excinfo) == ("NotFoundException", "Invalid Stage identifier specified", 404)


def test_an_unknown_rest_api_id(node) -> None:
    gateway = client(node, "apigateway")
    http_api = physical_id(node, "Items")           # an HTTP API is no REST API
    for api_id in ("nope123456", http_api):
        for call in (gateway.get_rest_api, gateway.get_resources, gateway.get_stages):
            with pytest.raises(ClientError) as excinfo:
                call(restApiId=api_id)
            assert error_of(excinfo) == (
                "NotFoundException", f"Invalid API identifier specified 000000000000:{api_id}",
                404)


# ------------------------------------------------------------------ HTTP and WebSocket APIs (V2)


def test_get_apis_lists_http_and_websocket_apis_with_their_endpoints(node) -> None:
    apis = by_name(client(node, "apigatewayv2").get_apis()["Items"])
    assert set(apis) == {"Items", "stack-reads-socket"}
    items, socket = apis["Items"], apis["stack-reads-socket"]
    assert (items["ApiId"], items["ProtocolType"]) == (physical_id(node, "Items"), "HTTP")
    assert items["RouteSelectionExpression"] == "$request.method $request.path"
    assert items["ApiEndpoint"] == f"{node.url}/_aws/execute-api/{items['ApiId']}"
    assert (socket["ProtocolType"], socket["RouteSelectionExpression"]) == (
        "WEBSOCKET", "$request.body.action")
    assert socket["ApiEndpoint"] == f"ws://{node.url[7:]}/_aws/execute-api/{socket['ApiId']}"
    # The endpoint is where the API answers.
    assert httpx.get(items["ApiEndpoint"] + "/health").text == "ok"


@pytest.mark.parametrize("version", CLIS)
def test_get_apis_through_the_cli(node, version) -> None:
    done = aws(node, version, "apigatewayv2", "get-apis", "--query",
               "Items[?Name=='Items'].ApiId | [0]")
    assert json.loads(done.stdout) == physical_id(node, "Items")


def test_get_api_routes_integrations_and_authorizers_of_the_http_api(node) -> None:
    v2 = client(node, "apigatewayv2")
    api_id = physical_id(node, "Items")
    assert v2.get_api(ApiId=api_id)["Name"] == "Items"
    routes = by_name(v2.get_routes(ApiId=api_id)["Items"], "RouteKey")
    assert set(routes) == {"GET /items/{id}", "GET /health"}
    guarded, open_route = routes["GET /items/{id}"], routes["GET /health"]
    assert guarded["AuthorizationType"] == "CUSTOM" and open_route["AuthorizationType"] == "NONE"
    integrations = by_name(v2.get_integrations(ApiId=api_id)["Items"], "IntegrationId")
    target = integrations[guarded["Target"].split("/")[1]]
    assert (target["IntegrationType"], target["PayloadFormatVersion"]) == ("AWS_PROXY", "2.0")
    assert target["IntegrationUri"].endswith(f":function:{node.wait_ready()['functions']['Backend']}")
    (authorizer,) = v2.get_authorizers(ApiId=api_id)["Items"]
    assert authorizer["AuthorizerId"] == guarded["AuthorizerId"]
    assert (authorizer["AuthorizerType"], authorizer["EnableSimpleResponses"]) == ("REQUEST", True)
    assert authorizer["IdentitySource"] == ["$request.header.Authorization"]
    assert [s["StageName"] for s in v2.get_stages(ApiId=api_id)["Items"]] == ["$default"]


def test_routes_and_stages_of_the_websocket_api(node) -> None:
    v2 = client(node, "apigatewayv2")
    api_id = physical_id(node, "Socket")
    (route,) = v2.get_routes(ApiId=api_id)["Items"]
    assert route["RouteKey"] == "$connect"
    (integration,) = v2.get_integrations(ApiId=api_id)["Items"]
    assert route["Target"] == f"integrations/{integration['IntegrationId']}"
    assert [s["StageName"] for s in v2.get_stages(ApiId=api_id)["Items"]] == ["live"]
    assert v2.get_authorizers(ApiId=api_id)["Items"] == []


def test_v2_reads_page_by_max_results(node) -> None:
    v2 = client(node, "apigatewayv2")
    first = v2.get_apis(MaxResults="1")
    second = v2.get_apis(MaxResults="1", NextToken=first["NextToken"])
    assert len(first["Items"]) == len(second["Items"]) == 1 and "NextToken" not in second
    assert first["Items"][0]["ApiId"] != second["Items"][0]["ApiId"]
    for bad in ({"MaxResults": "0"}, {"MaxResults": "lots"}, {"NextToken": "x"}):
        with pytest.raises(ClientError) as excinfo:
            v2.get_apis(**bad)
        assert error_of(excinfo)[::2] == ("BadRequestException", 400)


def test_an_unknown_v2_api_id(node) -> None:
    v2 = client(node, "apigatewayv2")
    rest_api = physical_id(node, "Orders")          # a REST API is no V2 API
    for api_id in ("nope123456", rest_api):
        for call in (v2.get_api, v2.get_routes, v2.get_integrations, v2.get_stages,
                     v2.get_authorizers):
            with pytest.raises(ClientError) as excinfo:
                call(ApiId=api_id)
            assert error_of(excinfo) == (
                "NotFoundException", f"Invalid API identifier specified 000000000000:{api_id}",
                404)


@pytest.mark.parametrize("version", CLIS)
def test_an_unknown_v2_api_id_through_the_cli(node, version) -> None:
    done = aws(node, version, "apigatewayv2", "get-api", "--api-id", "nope123456",
               exit_code=255 if version == "v1" else 254)
    assert "(NotFoundException)" in done.stderr
