"""ServiceCalls, the calls API Gateway's service integrations make on the node's own SDK
endpoint: a DynamoDB action through the SDK app's `handle`, an S3 path through the S3 ASGI
app as a signed request (S3 answers an unsigned one as anonymous)."""
from __future__ import annotations

import asyncio

from fogbank.aws.apigateway.integrations import ServiceCalls
from fogbank.aws.s3.signing import check_authorization
from fogbank.gateway.service_integrations import ServiceAnswer, ServiceRequest
from fogbank.wire import WireRequest, WireResponse, request_head

NOW = 1700000000.0


def test_a_dynamodb_action_goes_through_the_sdk_app() -> None:
    seen: list[WireRequest] = []

    async def sdk(request: WireRequest) -> WireResponse:
        seen.append(request)
        return WireResponse(400, {"Content-Type": "application/x-amz-json-1.0"}, b'{"m":1}')

    calls = ServiceCalls(sdk, None, clock=lambda: NOW)      # type: ignore[arg-type]
    answer = asyncio.run(calls(ServiceRequest(
        "dynamodb", "POST", "/", "", (("X-Amz-Target", "DynamoDB_20120810.Query"),), b"{}")))
    assert answer == ServiceAnswer(400, (("Content-Type", "application/x-amz-json-1.0"),),
                                   b'{"m":1}')
    (request,) = seen
    assert (request.method, request.raw_path, request.body) == ("POST", "/", b"{}")
    assert request.header("x-amz-target") == "DynamoDB_20120810.Query"


def test_an_s3_path_goes_to_the_s3_app_signed_with_its_body() -> None:
    scopes: list[dict] = []
    bodies: list[bytes] = []

    async def s3(scope: dict, receive, send) -> None:
        scopes.append(scope)
        bodies.append((await receive())["body"])
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"etag", b'"e"')]})
        await send({"type": "http.response.body", "body": b"ok", "more_body": True})
        await send({"type": "http.response.body", "body": b"!"})

    calls = ServiceCalls(None, s3, clock=lambda: NOW)       # type: ignore[arg-type]
    answer = asyncio.run(calls(ServiceRequest(
        "s3", "PUT", "/photos/a%20b.txt", "versionId=3", (("Content-Type", "text/plain"),),
        b"hello", "eu-west-1")))
    assert answer == ServiceAnswer(200, (("etag", '"e"'),), b"ok!")
    (scope,) = scopes
    head = request_head(scope)
    assert (head.method, head.raw_path, head.query) == ("PUT", "/photos/a%20b.txt",
                                                        {"versionId": ["3"]})
    assert (head.header("content-type"), head.header("content-length")) == ("text/plain", "5")
    assert head.header("host") == "s3.eu-west-1.amazonaws.com"
    assert "/eu-west-1/s3/aws4_request" in head.header("authorization")
    check_authorization(head, NOW)          # S3 takes the signature as well-formed
    assert bodies == [b"hello"]
