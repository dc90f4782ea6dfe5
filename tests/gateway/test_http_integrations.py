"""HTTP and HTTP_PROXY integrations under `fogbank up`, in front of a real HTTP endpoint
(http.server in a thread), driven with httpx: a REST API's HTTP_PROXY on a {proxy+}
resource and its RequestParameters, a REST API's HTTP (non-proxy) integration mapped by
templates and integration responses chosen by status, an HTTP API's HTTP_PROXY with
parameter mapping, and the bad cases: an endpoint that is down, one slower than the
integration timeout, an Uri that is no URL."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from fogbank.deploy.errors import TemplateError
from fogbank.testing import RunningNode, free_port, serving

from .conftest import Gateway, Stack


class _Echo(BaseHTTPRequestHandler):
    """Answers with what it was sent; /status/NNN answers NNN, /slow after 2 s."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        if self.path.startswith("/slow"):
            time.sleep(2)
        status = 200
        if "/status/" in self.path:
            status = int(self.path.split("/status/", 1)[1][:3])
        sent = json.dumps({"method": self.command, "path": self.path,
                           "headers": {k.lower(): v for k, v in self.headers.items()},
                           "body": body}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Backend", "echo")
        self.send_header("Content-Length", str(len(sent)))
        self.end_headers()
        self.wfile.write(sent)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def backend() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _template(backend: str, closed_port: int) -> str:
    return f"""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  SamHttp:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionBody:
        openapi: "3.0.1"
        info: {{title: sam-http, version: "1"}}
        paths:
          /items/{{id}}:
            get:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: "{backend}/store/{{id}}"
                payloadFormatVersion: "1.0"
                requestParameters:
                  overwrite:header.x-item: $request.path.id
  Rest:
    Type: AWS::ApiGateway::RestApi
    Properties: {{Name: RestHttp}}
  Proxy:
    Type: AWS::ApiGateway::Resource
    Properties: {{RestApiId: !Ref Rest, ParentId: !GetAtt Rest.RootResourceId, PathPart: "{{proxy+}}"}}
  ProxyAny:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Rest
      ResourceId: !Ref Proxy
      HttpMethod: ANY
      AuthorizationType: NONE
      RequestParameters: {{method.request.path.proxy: true}}
      Integration:
        Type: HTTP_PROXY
        IntegrationHttpMethod: ANY
        Uri: "{backend}/base/{{proxy}}"
        RequestParameters:
          integration.request.path.proxy: method.request.path.proxy
          integration.request.header.X-Static: "'fixed'"
          integration.request.header.X-From-Query: method.request.querystring.who
  Slow:
    Type: AWS::ApiGateway::Resource
    Properties: {{RestApiId: !Ref Rest, ParentId: !GetAtt Rest.RootResourceId, PathPart: slow}}
  SlowGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Rest
      ResourceId: !Ref Slow
      HttpMethod: GET
      AuthorizationType: NONE
      Integration: {{Type: HTTP_PROXY, IntegrationHttpMethod: GET, Uri: "{backend}/slow",
                    TimeoutInMillis: 500}}
  Down:
    Type: AWS::ApiGateway::Resource
    Properties: {{RestApiId: !Ref Rest, ParentId: !GetAtt Rest.RootResourceId, PathPart: down}}
  DownGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Rest
      ResourceId: !Ref Down
      HttpMethod: GET
      AuthorizationType: NONE
      Integration: {{Type: HTTP_PROXY, IntegrationHttpMethod: GET,
                    Uri: "http://127.0.0.1:{closed_port}/"}}
  Orders:
    Type: AWS::ApiGateway::Resource
    Properties: {{RestApiId: !Ref Rest, ParentId: !GetAtt Rest.RootResourceId, PathPart: orders}}
  Order:
    Type: AWS::ApiGateway::Resource
    Properties: {{RestApiId: !Ref Rest, ParentId: !Ref Orders, PathPart: "{{code}}"}}
  OrderPost:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Rest
      ResourceId: !Ref Order
      HttpMethod: POST
      AuthorizationType: NONE
      Integration:
        Type: HTTP
        IntegrationHttpMethod: PUT
        Uri: "{backend}/status/{{code}}"
        RequestParameters:
          integration.request.path.code: method.request.path.code
          integration.request.querystring.src: "'gateway'"
        RequestTemplates:
          application/json: |
            {{"wrapped": $input.json('$.item')}}
        IntegrationResponses:
          - StatusCode: 200
            ResponseTemplates:
              application/json: |
                {{"sent": $input.json('$.body'), "as": "$input.path('$.method')", "to": "$input.path('$.path')", "type": "$input.path('$.headers.content-type')"}}
            ResponseParameters:
              method.response.header.X-Backend: integration.response.header.X-Backend
          - StatusCode: 400
            SelectionPattern: "4\\\\d{{2}}"
            ResponseTemplates:
              application/json: '{{"refused": true}}'
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [ProxyAny, SlowGet, DownGet, OrderPost]
    Properties: {{RestApiId: !Ref Rest, StageName: prod}}
  Http:
    Type: AWS::ApiGatewayV2::Api
    Properties: {{Name: HttpProxy, ProtocolType: HTTP}}
  HttpTarget:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Http
      IntegrationType: HTTP_PROXY
      IntegrationMethod: ANY
      IntegrationUri: "{backend}/v2/{{proxy}}"
      PayloadFormatVersion: "1.0"
      RequestParameters:
        append:header.x-request-id: $context.requestId
        overwrite:header.x-who: "${{request.querystring.who}}-${{request.path.proxy}}"
        remove:header.x-secret: "''"
        remove:querystring.drop: "''"
        append:querystring.added: static
  HttpRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Http
      RouteKey: ANY /{{proxy+}}
      Target: !Sub integrations/${{HttpTarget}}
  HttpStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {{ApiId: !Ref Http, StageName: $default, AutoDeploy: true}}
"""


@pytest.fixture(scope="module")
def node(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    app_dir = tmp_path_factory.mktemp("http-integrations") / "http-integrations"
    app_dir.mkdir()
    (app_dir / "template.yaml").write_text(_template(backend, free_port()))
    with serving(app_dir, "--no-watch") as running:
        yield running


def _url(node: RunningNode, prefix: str) -> str:
    apis = node.wait_ready()["apis"]
    return next(url for name, url in apis.items() if name.startswith(prefix)).rstrip("/")


@pytest.fixture(scope="module")
def rest(node: RunningNode) -> str:
    return _url(node, "Rest (")


@pytest.fixture(scope="module")
def http(node: RunningNode) -> str:
    return _url(node, "Http")


def test_rest_http_proxy_passes_the_request_and_the_answer(rest: str, backend: str) -> None:
    r = httpx.post(f"{rest}/pets/7?who=ann&who=bo&x=1", content=b'{"a": 1}', timeout=30,
                   headers={"Content-Type": "application/json", "X-Mine": "kept"})
    assert r.status_code == 200, r.text
    sent = r.json()
    assert sent["method"] == "POST"
    assert sent["path"] == "/base/pets/7?who=ann&who=bo&x=1"
    assert sent["body"] == '{"a": 1}'
    assert sent["headers"]["x-mine"] == "kept"
    assert sent["headers"]["x-static"] == "fixed"
    assert sent["headers"]["x-from-query"] == "bo"      # the last value, as REST maps it
    assert sent["headers"]["host"] == backend.split("//")[1]
    assert sent["headers"]["x-forwarded-for"]
    assert r.headers["x-backend"] == "echo"
    assert r.headers["x-amzn-remapped-server"].startswith("BaseHTTP")
    assert r.headers["x-amzn-requestid"]


def test_rest_http_proxy_passes_the_endpoints_status(rest: str) -> None:
    r = httpx.delete(f"{rest}/status/404", timeout=30)
    assert r.status_code == 404
    assert r.json()["path"] == "/base/status/404"


def test_rest_endpoint_down_is_a_500(rest: str) -> None:
    r = httpx.get(f"{rest}/down", timeout=30)
    assert (r.status_code, r.json()) == (500, {"message": "Internal server error"})


def test_rest_endpoint_slower_than_the_timeout_is_a_504(rest: str) -> None:
    started = time.monotonic()
    r = httpx.get(f"{rest}/slow", timeout=30)
    assert (r.status_code, r.json()) == (504, {"message": "Endpoint request timed out"})
    assert time.monotonic() - started < 1.8


def test_rest_http_integration_maps_request_and_answer(rest: str) -> None:
    r = httpx.post(f"{rest}/orders/201", json={"item": "tea"}, timeout=30)
    assert r.status_code == 200, r.text
    assert r.json() == {"sent": '{"wrapped": "tea"}\n', "as": "PUT",
                        "to": "/status/201?src=gateway", "type": "application/json"}
    assert r.headers["x-backend"] == "echo"


def test_rest_http_integration_selects_the_response_by_status(rest: str) -> None:
    r = httpx.post(f"{rest}/orders/404", json={"item": "tea"}, timeout=30)
    assert (r.status_code, r.json()) == (400, {"refused": True})


def test_rest_http_integration_sends_only_mapped_query_values(rest: str) -> None:
    r = httpx.post(f"{rest}/orders/200?other=1", json={"item": "x"}, timeout=30,
                   headers={"X-Mine": "not passed"})
    assert r.status_code == 200, r.text
    assert r.json()["to"] == "/status/200?src=gateway"


def test_sam_http_api_openapi_http_proxy(node: RunningNode) -> None:
    r = httpx.get(f"{_url(node, 'SamHttp')}/items/42?q=1", timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["path"] == "/store/42?q=1"
    assert r.json()["headers"]["x-item"] == "42"


def test_http_api_proxy_maps_parameters(http: str) -> None:
    r = httpx.put(f"{http}/a/b?who=ann&drop=1&keep=2", content=b"raw", timeout=30,
                  headers={"X-Secret": "s", "X-Who": "client", "X-Other": "o"})
    assert r.status_code == 200, r.text
    sent = r.json()
    assert sent["method"] == "PUT"
    assert sent["path"] == "/v2/a/b?who=ann&keep=2&added=static"
    assert sent["body"] == "raw"
    assert "x-secret" not in sent["headers"]
    assert sent["headers"]["x-who"] == "ann-a/b"
    assert sent["headers"]["x-other"] == "o"
    assert sent["headers"]["x-request-id"] == r.headers["apigw-requestid"]
    assert r.headers["x-backend"] == "echo"


# ------------------------------------------------------------------ deploy refusals

def _rest_method(integration: dict) -> dict:
    return {"Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "a"}},
            "Get": {"Type": "AWS::ApiGateway::Method", "Properties": {
                "RestApiId": {"Ref": "Api"}, "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                "HttpMethod": "GET", "AuthorizationType": "NONE", "Integration": integration}}}


def test_an_uri_that_is_no_url_fails_the_deploy(gateway: Gateway) -> None:
    with pytest.raises(TemplateError, match="Invalid HTTP endpoint specified for URI"):
        Stack(gateway, _rest_method({"Type": "HTTP_PROXY", "IntegrationHttpMethod": "GET",
                                     "Uri": "not-a-url"})).deploy()


def test_an_http_api_mapping_of_a_reserved_header_fails_the_deploy(gateway: Gateway) -> None:
    resources = {
        "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "h",
                                                                 "ProtocolType": "HTTP"}},
        "Target": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": {"Ref": "Api"}, "IntegrationType": "HTTP_PROXY",
            "IntegrationMethod": "ANY", "IntegrationUri": "http://example.com",
            "RequestParameters": {"overwrite:header.Authorization": "x"}}}}
    with pytest.raises(TemplateError, match="reserved header authorization"):
        Stack(gateway, resources).deploy()


def test_the_management_reads_describe_http_integrations(node: RunningNode,
                                                         backend: str) -> None:
    import boto3
    apigw = boto3.client("apigateway", **node.client_kwargs())
    [api] = apigw.get_rest_apis()["items"]
    proxied = {}
    for resource in apigw.get_resources(restApiId=api["id"])["items"]:
        for method in resource.get("resourceMethods", {}):
            got = apigw.get_integration(restApiId=api["id"], resourceId=resource["id"],
                                        httpMethod=method)
            proxied[(resource["path"], method)] = (got["type"], got.get("uri", ""))
    assert {kind for kind, _ in proxied.values()} == {"HTTP_PROXY", "HTTP"}
    assert sum(uri.startswith(backend) for _, uri in proxied.values()) >= 2
    assert all(uri.startswith("http://127.0.0.1:") for _, uri in proxied.values())
    v2 = boto3.client("apigatewayv2", **node.client_kwargs())
    [http_api] = [a for a in v2.get_apis()["Items"] if a["Name"] == "HttpProxy"]
    [integration] = v2.get_integrations(ApiId=http_api["ApiId"])["Items"]
    assert (integration["IntegrationType"], integration["IntegrationMethod"]) == \
        ("HTTP_PROXY", "ANY")
    assert integration["IntegrationUri"] == f"{backend}/v2/{{proxy}}"
    assert integration["RequestParameters"]["append:querystring.added"] == "static"
