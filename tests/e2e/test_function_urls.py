"""Function URLs of a SAM app under `fogbank up`: shown and output as the template asks,
called with httpx by path and by host name, with CORS and AWS_IAM; described by the Lambda
API through boto3; and reached from inside a function by AWS's own name over HTTPS."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import boto3
import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from fogbank.testing import RunningNode, serving

ARN = "arn:aws:lambda:us-east-1:000000000000:function"
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {Runtime: python3.11, CodeUri: src, Timeout: 10}
Resources:
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: echo
      Handler: app.echo
      FunctionUrlConfig:
        AuthType: NONE
        Cors: {AllowOrigins: ["https://app.example"], AllowMethods: [GET, POST], MaxAge: 60}
  Private:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: private
      Handler: app.echo
      AutoPublishAlias: live
      FunctionUrlConfig: {AuthType: AWS_IAM}
  Caller:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: caller
      Handler: app.call
      Environment: {Variables: {ECHO_URL: !GetAtt EchoUrl.FunctionUrl}}
Outputs:
  EchoEndpoint:
    Value: !GetAtt EchoUrl.FunctionUrl
"""
HANDLER = """\
import json, os, urllib.request

def echo(event, context):
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"event": event, "arn": context.invoked_function_arn})}

def call(event, context):
    # The URL by AWS's own name, as code written for AWS builds it.
    url_id = os.environ["ECHO_URL"].split("//", 1)[1].split(".", 1)[0]
    url = f"https://{url_id}.lambda-url.us-east-1.on.aws/from/inside?q=1"
    with urllib.request.urlopen(url, timeout=5) as response:
        return {"status": response.status, "echo": json.loads(response.read())}
"""
FORBIDDEN = {"Message": "Forbidden. For troubleshooting Function URL authorization issues, "
                        "see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    app_dir: Path = tmp_path_factory.mktemp("urls") / "app"
    (app_dir / "src").mkdir(parents=True)
    (app_dir / "src" / "app.py").write_text(HANDLER)
    (app_dir / "template.yaml").write_text(TEMPLATE)
    with serving(app_dir) as running:
        yield running


@pytest.fixture(scope="module")
def served(node: RunningNode) -> dict[str, Any]:
    return node.wait_ready()


@pytest.fixture(scope="module")
def lambda_client(node: RunningNode) -> Any:
    return boto3.client("lambda", config=Config(retries={"total_max_attempts": 1}),
                        **node.client_kwargs())


def url_id_of(url: str) -> str:
    return url.split("//", 1)[1].split(".", 1)[0]


def test_up_shows_the_urls_and_outputs_the_function_url(node, served):
    urls = served["functionUrls"]
    echo = urls["EchoUrl"]
    url_id = url_id_of(echo)
    assert echo == f"http://{url_id}.lambda-url.localhost:{node.port}/"
    assert urls["EchoUrl (no DNS)"] == f"{node.url}/_aws/lambda-url/{url_id}/"
    assert len(url_id) == 32 and url_id.isalnum() and url_id.islower()
    assert served["outputs"]["EchoEndpoint"] == echo
    assert "function URL EchoUrl" in node.output() and echo in node.output()


def test_a_request_becomes_the_url_event(served):
    base = served["functionUrls"]["EchoUrl (no DNS)"]
    r = httpx.post(base + "items/7?tag=a&tag=b", json={"n": 1},
                   headers={"User-Agent": "curl/8.5.0"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    got = r.json()
    event = got["event"]
    url_id = url_id_of(served["functionUrls"]["EchoUrl"])
    assert (event["rawPath"], event["rawQueryString"]) == ("/items/7", "tag=a&tag=b")
    assert event["queryStringParameters"] == {"tag": "a,b"}
    assert json.loads(event["body"]) == {"n": 1}
    context = event["requestContext"]
    assert (context["accountId"], context["apiId"], context["domainPrefix"]) == \
        ("anonymous", url_id, url_id)
    assert context["http"]["method"] == "POST" and context["http"]["userAgent"] == "curl/8.5.0"
    # The id the function ran under is the answer's, and the event's.
    assert context["requestId"] == r.headers["x-amzn-requestid"]
    assert got["arn"] == f"{ARN}:echo"


def test_the_host_name_reaches_the_same_url(node, served):
    url_id = url_id_of(served["functionUrls"]["EchoUrl"])
    r = httpx.get(f"{node.url}/by/host",
                  headers={"Host": f"{url_id}.lambda-url.localhost:{node.port}"})
    assert r.status_code == 200
    event = r.json()["event"]
    assert event["rawPath"] == "/by/host"
    assert event["requestContext"]["domainName"] == f"{url_id}.lambda-url.localhost"


def test_cors_preflight_and_headers(served):
    base = served["functionUrls"]["EchoUrl (no DNS)"]
    r = httpx.options(base, headers={"Origin": "https://app.example",
                                     "Access-Control-Request-Method": "POST"})
    assert r.status_code == 204
    assert r.headers["access-control-allow-methods"] == "GET,POST"
    assert r.headers["access-control-max-age"] == "60"
    r = httpx.get(base, headers={"Origin": "https://app.example"})
    assert r.headers["access-control-allow-origin"] == "https://app.example"


def test_an_unknown_url_is_refused(node):
    r = httpx.get(f"{node.url}/_aws/lambda-url/{'0' * 32}/")
    assert (r.status_code, r.text) == (403, '{"Message":null}')
    assert r.headers["x-amzn-errortype"] == "AccessDeniedException"


def test_aws_iam_needs_a_signature_for_lambda(served):
    url = served["functionUrls"]["PrivateUrl (no DNS)"] + "secret"
    r = httpx.get(url)
    assert (r.status_code, r.json()) == (403, FORBIDDEN)
    request = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials("test", "test"), "lambda", "us-east-1").add_auth(request)
    r = httpx.get(url, headers=dict(request.headers))
    assert r.status_code == 200
    got = r.json()
    assert got["arn"] == f"{ARN}:private:live"
    assert got["event"]["requestContext"]["authorizer"]["iam"]["accessKey"] == "test"


def test_get_and_list_function_url_configs(lambda_client, served):
    config = lambda_client.get_function_url_config(FunctionName="echo")
    assert config["FunctionUrl"] == served["functionUrls"]["EchoUrl"]
    assert (config["FunctionArn"], config["AuthType"], config["InvokeMode"]) == \
        (f"{ARN}:echo", "NONE", "BUFFERED")
    assert config["Cors"] == {"AllowMethods": ["GET", "POST"],
                              "AllowOrigins": ["https://app.example"], "MaxAge": 60}
    assert config["CreationTime"].endswith("Z") and config["LastModifiedTime"]
    private = lambda_client.get_function_url_config(FunctionName="private", Qualifier="live")
    assert (private["FunctionArn"], private["AuthType"]) == (f"{ARN}:private:live", "AWS_IAM")
    by_arn = lambda_client.get_function_url_config(FunctionName=f"{ARN}:private:live")
    assert by_arn["FunctionUrl"] == private["FunctionUrl"]
    listed = lambda_client.list_function_url_configs(FunctionName="private")
    assert [c["FunctionArn"] for c in listed["FunctionUrlConfigs"]] == [f"{ARN}:private:live"]
    assert lambda_client.list_function_url_configs(FunctionName="caller")[
        "FunctionUrlConfigs"] == []


def error_of(call: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as excinfo:
        call()
    error = excinfo.value.response
    return (error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"],
            error["Error"]["Message"])


def test_wrong_function_url_requests(lambda_client):
    missing = (404, "ResourceNotFoundException", "The resource you requested does not exist.")
    assert error_of(lambda: lambda_client.get_function_url_config(FunctionName="caller")) == \
        missing
    assert error_of(lambda: lambda_client.get_function_url_config(FunctionName="nope")) == \
        missing
    assert error_of(lambda: lambda_client.get_function_url_config(
        FunctionName="private")) == missing             # its URL is the alias's
    status, code, message = error_of(lambda: lambda_client.get_function_url_config(
        FunctionName="echo", Qualifier="1"))
    assert (status, code) == (400, "ValidationException")
    assert "at 'qualifier' failed to satisfy constraint" in message
    assert error_of(lambda: lambda_client.list_function_url_configs(FunctionName="nope")) == \
        (404, "ResourceNotFoundException", "Function does not exist")


@pytest.mark.parametrize("operation,kwargs", [
    ("create_function_url_config", {"FunctionName": "caller", "AuthType": "NONE"}),
    ("update_function_url_config", {"FunctionName": "echo", "AuthType": "AWS_IAM"}),
    ("delete_function_url_config", {"FunctionName": "echo"}),
])
def test_changing_a_url_points_at_the_template(lambda_client, operation, kwargs):
    status, code, message = error_of(lambda: getattr(lambda_client, operation)(**kwargs))
    assert (status, code) == (501, "NotImplemented")
    assert "deployed from the app's SAM template" in message
    assert lambda_client.get_function_url_config(FunctionName="echo")["AuthType"] == "NONE"


def test_a_function_reaches_a_url_by_its_aws_name(lambda_client):
    response = lambda_client.invoke(FunctionName="caller")
    got = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, got
    assert got["status"] == 200
    event = got["echo"]["event"]
    assert (event["rawPath"], event["rawQueryString"]) == ("/from/inside", "q=1")
    assert event["requestContext"]["domainName"].endswith(".lambda-url.us-east-1.on.aws")
