"""Which service a request is for: target, credential scope, path — in that order."""
from __future__ import annotations

import pytest

from fogbank.aws.services import recognise
from fogbank.aws.sigv4 import credential_scope
from fogbank.wire import WireRequest

AUTH = ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc")


def request(path: str = "/", query: str = "", **headers: str) -> WireRequest:
    pairs = [(k.replace("_", "-"), v) for k, v in headers.items()]
    return WireRequest.build("POST", path, query, pairs, b"")


def service_of(req: WireRequest) -> str | None:
    return recognise(req, credential_scope(req))


def test_target_prefix_names_the_service():
    req = request(X_Amz_Target="DynamoDB_20120810.ListTables",
                  Authorization=AUTH.format(service="dynamodb"), X_Amz_Date="20260101T000000Z")
    assert service_of(req) == "dynamodb"


def test_target_wins_over_the_credential_scope():
    req = request(X_Amz_Target="DynamoDB_20120810.ListTables",
                  Authorization=AUTH.format(service="lambda"), X_Amz_Date="20260101T000000Z")
    assert service_of(req) == "dynamodb"


def test_credential_scope_names_the_service():
    req = request("/anything", Authorization=AUTH.format(service="lambda"),
                  X_Amz_Date="20260101T000000Z")
    assert service_of(req) == "lambda"


def test_signing_name_maps_to_the_model_name():
    req = request("/@connections/abc", Authorization=AUTH.format(service="execute-api"),
                  X_Amz_Date="20260101T000000Z")
    assert service_of(req) == "apigatewaymanagementapi"


def test_presigned_credential_names_the_service():
    req = request("/bucket/key", "X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request")
    assert service_of(req) == "s3"


@pytest.mark.parametrize("path", ["/2015-03-31/functions", "/2015-03-31/functions/f/invocations",
                                  "/2014-11-13/functions/f/invoke-async/"])
def test_unsigned_lambda_paths_are_lambda(path):
    assert service_of(request(path)) == "lambda"


def test_nothing_to_go_on_gives_none():
    assert service_of(request("/favicon.ico")) is None


def test_body_is_never_sniffed():
    req = WireRequest.build("POST", "/", "", [], b'{"TableName": "t"}')
    assert recognise(req, None) is None
