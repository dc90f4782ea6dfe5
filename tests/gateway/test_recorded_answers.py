"""What API Gateway was recorded sending a Lambda proxy integration and answering clients,
held against what the gateway builds and answers.

Each test names the recorded behaviour it checks: the REST proxy event's headers (which are
dropped, which are spelled API Gateway's way), the trace a request continues, which answers
carry a trace id, the headers of a function's answer a REST API renames, and the order a
validator names missing parameters in; and the words of a deploy that refuses an
integration the gateway does not serve."""
from __future__ import annotations

import base64
from dataclasses import replace

import pytest

from fogbank.aws.apigateway.rest_apis import rest_integration
from fogbank.deploy.errors import TemplateError
from fogbank.gateway.model import Integration, MockResponse, RequestValidator
from fogbank.gateway.websocket.events import Delivery, handshake_headers
from tests.gateway.test_apis import provider, res

SENT_TRACE = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1"
ROOT_ONLY = "Root=1-3152b799-8954dae64eda91bc9a23a7e8"


def lowered(headers: dict) -> dict:
    return {name.lower(): value for name, value in headers.items()}


# ------------------------------------------------------------------ the REST proxy event

# Sent to a REST API with every header below; the recorded event lacked the first group and
# kept the second.
DROPPED = {"Connection": "close", "Content-MD5": "request_Content-MD5", "Expect": "100-continue",
           "Max-Forwards": "2", "Proxy-Authenticate": "Basic", "Server": "https://example.com/",
           "TE": "deflate", "Trailer": "Expires", "Upgrade": "HTTP/2.0",
           "WWW-Authenticate": "Basic YWxhZGRpbjpvcGVuc2VzYW1l"}
KEPT = {"Accept-Charset": "UTF-8", "Age": "request_Age", "Content-Encoding": "deflate",
        "Pragma": "cache", "Range": "bytes=500-999", "Referer": "https://example.com/",
        "Warn": "299 test/0.0"}


def test_a_rest_event_drops_the_connection_level_headers(gateway, rest_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"POST /h": "fn"}))
    r = gateway.request("POST", gateway.url("rest123456", "Prod", "/h"),
                        headers={**DROPPED, **KEPT}, content=b'{"message": "hello world"}')
    assert r.status_code == 200
    event = gateway.runtime.event
    headers, multi = lowered(event["headers"]), lowered(event["multiValueHeaders"])
    for name in [*DROPPED, "Content-Length"]:          # the body's length goes too
        assert name.lower() not in headers, name
        assert name.lower() not in multi, name
    for name, value in KEPT.items():
        assert headers[name.lower()] == value
        assert multi[name.lower()] == [value]
    assert event["body"] == '{"message": "hello world"}'


def test_an_http_api_event_keeps_them(gateway, http_api, echo) -> None:
    """HTTP APIs' events carry content-length (only a REST API drops these)."""
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"POST /h": "fn"}))
    gateway.request("POST", gateway.url("abcdef1234", path="/h"), headers={"Max-Forwards": "2"},
                    content=b"abc")
    headers = gateway.runtime.event["headers"]
    assert headers["content-length"] == "3"
    assert headers["max-forwards"] == "2"


def test_a_rest_event_spells_authorization_and_user_agent_its_way(gateway, rest_api,
                                                                   echo) -> None:
    """Recorded: "authorization" and "aUThorization" arrive as "Authorization", "user-Agent"
    as "User-Agent"; other names as the client spelled them."""
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"GET /h": "fn"}))
    gateway.request("GET", gateway.url("rest123456", "Prod", "/h"),
                    headers={"authorization": "random-value", "user-agent": "python/testing",
                             "x-custom": "aValUE"})
    event = gateway.runtime.event
    assert event["headers"]["Authorization"] == "random-value"
    assert event["multiValueHeaders"]["Authorization"] == ["random-value"]
    assert event["headers"]["User-Agent"] == "python/testing"
    assert event["headers"]["Host"] == "127.0.0.1:4566"
    assert event["headers"]["x-custom"] == "aValUE"
    assert "authorization" not in event["headers"]
    assert event["requestContext"]["identity"]["userAgent"] == "python/testing"


def test_a_rest_event_of_a_trailing_slash_and_an_encoded_query(gateway, rest_api,
                                                               echo) -> None:
    """Recorded: /test-path/ keeps its slash in `path` but not in the proxy parameter; a
    query's "+" is a space, "%2B" a plus; the last of a repeated name is the single value."""
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"ANY /{proxy+}": "fn"}, stages={"test": {}}))
    gateway.request("GET", gateway.url("rest123456", "test", "/test-path/?urlparam=test"))
    event = gateway.runtime.event
    assert (event["path"], event["pathParameters"]) == ("/test-path/", {"proxy": "test-path"})
    assert event["requestContext"]["path"] == "/test/test-path/"
    assert event["resource"] == event["requestContext"]["resourcePath"] == "/{proxy+}"
    gateway.request("GET", gateway.url(
        "rest123456", "test", "/test-path/api?dateTimeOffset=2023-06-12T18:05:10.123456+00:00"
        "&email=test%2Balias@gmail.com&plus=test+alias@gmail.com&whitespace=foo%20bar"
        "&category=electronics&category=books"))
    event = gateway.runtime.event
    assert event["queryStringParameters"] == {
        "dateTimeOffset": "2023-06-12T18:05:10.123456 00:00", "email": "test+alias@gmail.com",
        "plus": "test alias@gmail.com", "whitespace": "foo bar", "category": "books"}
    assert event["multiValueQueryStringParameters"]["category"] == ["electronics", "books"]
    assert event["pathParameters"] == {"proxy": "test-path/api"}


# ------------------------------------------------------------------ traces

def test_a_rest_api_continues_the_trace_the_client_sent(gateway, rest_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"GET /t": "fn"}))
    url = gateway.url("rest123456", "Prod", "/t")
    r = gateway.request("GET", url, headers={"X-Amzn-Trace-Id": SENT_TRACE})
    assert r.headers["x-amzn-trace-id"] == SENT_TRACE
    assert gateway.runtime.traces[-1] == SENT_TRACE
    # The event carries the one trace handed over, not the client's beside a new one.
    assert lowered(gateway.runtime.event["multiValueHeaders"])["x-amzn-trace-id"] == [SENT_TRACE]
    # A Root alone gets a Parent of API Gateway's own.
    r = gateway.request("GET", url, headers={"X-Amzn-Trace-Id": ROOT_ONLY})
    root, parent = r.headers["x-amzn-trace-id"].split(";")
    assert root == ROOT_ONLY
    assert parent.startswith("Parent=") and len(parent) == len("Parent=") + 16
    assert gateway.runtime.traces[-1] == r.headers["x-amzn-trace-id"]


def test_a_trace_header_without_a_root_starts_a_new_trace(gateway, rest_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"GET /t": "fn"}))
    r = gateway.request("GET", gateway.url("rest123456", "Prod", "/t"),
                        headers={"X-Amzn-Trace-Id": "not-a-trace"})
    trace = r.headers["x-amzn-trace-id"]
    assert trace.startswith("Root=1-") and "not-a-trace" not in trace
    assert lowered(gateway.runtime.event["headers"])["x-amzn-trace-id"] == trace


def test_an_http_api_event_has_one_trace_header(gateway, http_api, echo) -> None:
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(http_api({"GET /t": "fn"}))
    gateway.request("GET", gateway.url("abcdef1234", path="/t"),
                    headers={"X-Amzn-Trace-Id": SENT_TRACE})
    assert gateway.runtime.event["headers"]["x-amzn-trace-id"] == SENT_TRACE


def test_a_mock_answer_carries_no_trace_id(gateway, rest_api, echo) -> None:
    """Recorded: a MOCK integration's answer has no X-Amzn-Trace-Id, even when the client
    sent one; a Lambda proxy's has."""
    gateway.runtime.handlers["fn"] = echo
    api = rest_api({"GET /path": "fn", "GET /{proxy+}": "fn"})
    mock = Integration(mock=MockResponse(200, (), b'{"statusCode": 200}'))
    gateway.apis.put(replace(api, integrations={**api.integrations, "GET /path": mock}))
    for headers in ({}, {"X-Amzn-Trace-Id": SENT_TRACE}):
        r = gateway.request("GET", gateway.url("rest123456", "Prod", "/path"), headers=headers)
        assert r.status_code == 200
        assert "x-amzn-trace-id" not in r.headers
        assert r.headers["x-amzn-requestid"] and r.headers["x-amz-apigw-id"]
    r = gateway.request("GET", gateway.url("rest123456", "Prod", "/proxy-value"))
    assert r.headers["x-amzn-trace-id"].startswith("Root=1-")


# ------------------------------------------------------------------ a function's answer

def serve(gateway, build, result):
    gateway.runtime.handlers["fn"] = lambda event, context: result
    api = build({"GET /r": "fn"})
    gateway.apis.put(api)
    return gateway.request("GET", gateway.url(api.api_id, next(iter(api.stages)), "/r"))


def test_a_rest_api_renames_the_headers_it_sets_itself(gateway, rest_api) -> None:
    r = serve(gateway, rest_api, {
        "statusCode": 200, "body": "abc",
        "headers": {"Date": "Mon, 01 Jan 2024 00:00:00 GMT", "Server": "fn/1",
                    "Content-Length": "999", "x-amzn-RequestId": "from-the-function",
                    "Transfer-Encoding": "chunked", "X-Other": "kept"},
        "multiValueHeaders": {"Connection": ["keep-alive"]}})
    assert r.status_code == 200
    assert r.text == "abc"
    assert r.headers["content-length"] == "3"
    assert r.headers["x-amzn-remapped-content-length"] == "999"
    assert r.headers["x-amzn-remapped-date"] == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert r.headers["x-amzn-remapped-server"] == "fn/1"
    assert r.headers["x-amzn-remapped-connection"] == "keep-alive"
    assert r.headers["x-amzn-remapped-x-amzn-requestid"] == "from-the-function"
    # The request id is the gateway's, once.
    assert r.headers.get_list("x-amzn-requestid") != ["from-the-function"]
    assert len(r.headers.get_list("x-amzn-requestid")) == 1
    assert "transfer-encoding" not in r.headers
    assert r.headers["x-other"] == "kept"


def test_an_http_api_drops_a_functions_framing_headers(gateway, http_api) -> None:
    r = serve(gateway, http_api, {"statusCode": 200, "body": "abc",
                                  "headers": {"Content-Length": "999", "Connection": "close"}})
    assert r.headers["content-length"] == "3"
    assert not any(name.startswith("x-amzn-remapped-") for name in r.headers)


PNG_BASE64 = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mP8/wIAAgkBAyMAlYwAAAAAS"
              "UVORK5CYII=")
BINARY_ANSWER = {"statusCode": 200, "body": PNG_BASE64, "isBase64Encoded": True,
                 "headers": {"Content-Type": "image/png", "Cache-Control": "no-cache"}}


def ask(gateway, rest_api, types, accept, answer=BINARY_ANSWER):
    gateway.runtime.handlers["fn"] = lambda event, context: answer
    gateway.apis.put(rest_api({"ANY /{proxy+}": "fn"}, binary_media_types=types))
    headers = {"Accept": accept} if accept is not None else {}
    return gateway.request("POST", gateway.url("rest123456", "Prod", "/test"), headers=headers)


@pytest.mark.parametrize("types, accept, binary", [
    ((), "image/png", False),                        # no binary media types: text
    (("image/png", "*/test"), "image/png", True),
    (("image/png", "*/test"), "image/jpg", False),
    (("image/png", "*/test"), "image/*", False),
    (("image/png", "*/test"), "*/test", False),
    (("image/png", "*/test"), "random/test", False),  # no wildcard on the left
    (("image/png", "*/test"), "*/*", False),
    (("image/png", "*/test"), "image/webp,image/png,*/*;q=0.8", False),   # the first counts
    (("image/png", "*/test"), "image/png,image/*,*/*;q=0.8", True),
    (("image/png", "application/*", "image/jpg"), "application/whatever", True),
    (("image/png", "application/*", "image/jpg"), "application/*", True),
    (("image/png", "application/*", "image/jpg"), "image/jpg", True),  # Content-Type aside
    (("image/png", "application/*"), "application", False),
    (("image/png", "application/*"), None, False),
    (("*/*",), "text/html", True),
])
def test_a_rest_api_answers_bytes_only_when_the_client_asks_for_them(gateway, rest_api, types,
                                                                     accept, binary) -> None:
    """Recorded: a function's base64 body reaches the client as bytes only when the first
    type of the client's Accept is one of the API's binary media types; else as the text."""
    r = ask(gateway, rest_api, types, accept)
    assert r.status_code == 200
    assert r.content == (base64.b64decode(PNG_BASE64) if binary else PNG_BASE64.encode())
    assert r.headers["content-type"] == "image/png"


def test_a_body_not_said_to_be_base64_is_never_decoded(gateway, rest_api) -> None:
    r = ask(gateway, rest_api, ("image/png",), "image/png",
            {**BINARY_ANSWER, "isBase64Encoded": False})
    assert r.content == PNG_BASE64.encode()


def test_bad_base64_for_a_binary_answer_is_a_500(gateway, rest_api) -> None:
    """Recorded: a body that will not decode is a 500 when the answer is to be bytes; when
    it is not, the text goes out as it is."""
    answer = {**BINARY_ANSWER, "body": "èé+à)("}
    r = ask(gateway, rest_api, ("image/png",), "image/png", answer)
    assert r.status_code == 500
    assert r.json() == {"message": "Internal server error"}
    assert r.headers["x-amzn-errortype"] == "InternalServerErrorException"
    r = ask(gateway, rest_api, ("image/png",), "text/plain", answer)
    assert (r.status_code, r.text) == (200, "èé+à)(")


def test_an_http_api_decodes_every_base64_body(gateway, http_api) -> None:
    r = serve(gateway, http_api, BINARY_ANSWER)
    assert r.content == base64.b64decode(PNG_BASE64)
    r = serve(gateway, http_api, {**BINARY_ANSWER, "body": "***"})
    assert (r.status_code, r.json()) == (500, {"message": "Internal Server Error"})


def test_a_malformed_rest_answer_is_the_recorded_502(gateway, rest_api) -> None:
    """Recorded: a key beyond the five of a proxy answer is a 502 Internal server error."""
    r = serve(gateway, rest_api, {"statusCode": 200, "wrongValue": "value"})
    assert r.status_code == 502
    assert r.json() == {"message": "Internal server error"}
    assert r.headers["x-amzn-errortype"] == "InternalServerErrorException"
    assert r.headers["content-type"] == "application/json"


# ------------------------------------------------------------------ refusals

def test_missing_parameters_are_named_headers_then_path_then_query(gateway, rest_api,
                                                                    echo) -> None:
    """Recorded: "Missing required request parameters: [x-header-param, issuer, qs1]" for
    a method listing path, query string and header in that order."""
    gateway.runtime.handlers["fn"] = echo
    api = rest_api({"POST /nested/{test}": "fn"}, stages={"local": {}})
    route = replace(api.routes["POST /nested/{test}"], validator_id="v", required_parameters=(
        ("path", "issuer"), ("querystring", "qs1"), ("header", "x-header-param")))
    gateway.apis.put(replace(api, routes={route.key: route},
                             validators={"v": RequestValidator("v", parameters=True)}))
    url = gateway.url("rest123456", "local", "/nested/value")
    r = gateway.request("POST", url, json={"test": "test"})
    assert r.status_code == 400
    assert r.json() == {"message": "Missing required request parameters: "
                                   "[x-header-param, issuer, qs1]"}
    assert r.headers["x-amzn-errortype"] == "BadRequestException"
    r = gateway.request("POST", url + "?qs1=test", headers={"x-header-param": "test"})
    assert r.json() == {"message": "Missing required request parameters: [issuer]"}


def test_an_unrouted_method_is_missing_authentication_token(gateway, rest_api, echo) -> None:
    """Recorded: a path or method with no resource is a 403 naming a missing token."""
    gateway.runtime.handlers["fn"] = echo
    gateway.apis.put(rest_api({"GET /exists": "fn"}))
    for method, path in (("GET", "/not-found"), ("POST", "/exists")):
        r = gateway.request(method, gateway.url("rest123456", "Prod", path))
        assert r.status_code == 403
        assert r.json() == {"message": "Missing Authentication Token"}
        assert r.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
        assert "x-amzn-trace-id" not in r.headers
    r = gateway.request("GET", gateway.url("rest123456", "Prod", "/exists"))
    assert (r.status_code, r.json()["resource"]) == (200, "/exists")


# ------------------------------------------------------------------ Lambda proxy methods

URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
       "arn:aws:lambda:us-east-1:123456789012:function:fn/invocations")


@pytest.mark.parametrize("method, served", [("GET", False), ("POST", True)])
def test_a_lambda_proxy_called_with_another_method_than_post_fails(gateway, echo, method,
                                                                   served) -> None:
    """Recorded: an AWS_PROXY integration whose IntegrationHttpMethod is GET answers 500
    {"message": "Internal server error"} (its INTEGRATION_FAILURE, customised without a
    status); the function never runs."""
    gateway.runtime.handlers["fn"] = echo
    api_id = provider(gateway, "AWS::ApiGateway::RestApi").create(
        res("Api", "AWS::ApiGateway::RestApi", Name="a")).physical_id
    root = gateway.apis.get(api_id).root_resource_id
    proxy = provider(gateway, "AWS::ApiGateway::Resource").create(res(
        "Proxy", "AWS::ApiGateway::Resource", RestApiId=api_id, ParentId=root,
        PathPart="{proxy+}")).physical_id
    provider(gateway, "AWS::ApiGateway::Method").create(res(
        "Any", "AWS::ApiGateway::Method", RestApiId=api_id, ResourceId=proxy, HttpMethod="ANY",
        AuthorizationType="NONE", Integration={"Type": "AWS_PROXY", "Uri": URI,
                                               "IntegrationHttpMethod": method}))
    provider(gateway, "AWS::ApiGateway::GatewayResponse").create(res(
        "Failure", "AWS::ApiGateway::GatewayResponse", RestApiId=api_id,
        ResponseType="INTEGRATION_FAILURE", ResponseParameters={}))
    provider(gateway, "AWS::ApiGateway::Stage").create(res(
        "Stage", "AWS::ApiGateway::Stage", RestApiId=api_id, StageName="test"))
    # GetIntegration shows the method as configured, as API Gateway stores it.
    assert rest_integration(gateway.apis.get(api_id), proxy, "ANY")["httpMethod"] == method
    r = gateway.request("GET", gateway.url(api_id, "test", "/test-path"))
    if served:
        assert (r.status_code, r.json()["path"]) == (200, "/test-path")
        return
    assert (r.status_code, r.json()) == (500, {"message": "Internal server error"})
    assert gateway.runtime.calls == []


def test_an_openapi_lambda_proxy_called_with_get_fails_too(gateway, echo, deploy_sam) -> None:
    gateway.runtime.handlers["fn"] = echo
    integration = {"type": "aws_proxy", "uri": URI, "httpMethod": "GET"}
    stack = deploy_sam({"Api": {"Type": "AWS::Serverless::Api", "Properties": {
        "StageName": "test", "DefinitionBody": {"swagger": "2.0", "paths": {"/p": {
            "get": {"x-amazon-apigateway-integration": integration}}}}}}})
    r = gateway.request("GET", gateway.url(stack.api_id("Api"), "test", "/p"))
    assert (r.status_code, r.json()) == (500, {"message": "Internal server error"})
    assert r.headers["x-amzn-errortype"] == "InternalServerErrorException"
    assert gateway.runtime.calls == []


# ------------------------------------------------------------------ integrations not served

@pytest.mark.parametrize("integration, words", [
    # API Gateway takes these; the gateway serves neither and says which part it cannot.
    ({"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST",
      "Uri": "arn:aws:apigateway:us-east-1:s3:path/b/k"},
     "Integration Uri arn:aws:apigateway:us-east-1:s3:path/b/k is not a Lambda function's "
     "invocation URI"),
    ({"Type": "AWS_PROXY"}, "Integration Uri (none) is not a Lambda function's"),
])
def test_a_rest_method_the_gateway_cannot_serve_is_refused_clearly(gateway, integration,
                                                                   words) -> None:
    api = provider(gateway, "AWS::ApiGateway::RestApi").create(
        res("Api", "AWS::ApiGateway::RestApi", Name="a"))
    root = gateway.apis.get(api.physical_id).root_resource_id
    with pytest.raises(TemplateError) as exc:
        provider(gateway, "AWS::ApiGateway::Method").create(res(
            "Get", "AWS::ApiGateway::Method", RestApiId=api.physical_id, ResourceId=root,
            HttpMethod="GET", AuthorizationType="NONE", Integration=integration))
    assert words in exc.value.message
    assert exc.value.message.startswith("Resource Get: ")
    assert ("Fogbank serves AWS_PROXY" in exc.value.message
            or "Fogbank does not run mapping templates" in exc.value.message)


# ------------------------------------------------------------------ WebSocket handshakes

def test_a_connect_event_carries_one_trace_header() -> None:
    scope = {"headers": [(b"Host", b"abc.example"), (b"X-Amzn-Trace-Id", SENT_TRACE.encode()),
                         (b"Sec-WebSocket-Version", b"13")],
             "client": ("203.0.113.9", 5000), "server": ("127.0.0.1", 4566), "scheme": "ws"}
    headers = handshake_headers(scope, Delivery("id", 1700000000.0))
    assert [value for name, value in headers if name.lower() == "x-amzn-trace-id"] == [
        SENT_TRACE]
    scope["headers"] = scope["headers"][:1]
    (trace,) = [value for name, value in handshake_headers(scope, Delivery("id", 1700000000.0))
                if name == "X-Amzn-Trace-Id"]
    assert trace.startswith("Root=1-6553f100-")
