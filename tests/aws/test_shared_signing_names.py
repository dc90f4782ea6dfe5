"""API Gateway V1 and V2 both sign as "apigateway": V2's /v2/ paths tell them apart."""
from __future__ import annotations

import pytest

from fogbank.aws.services import recognise
from fogbank.aws.sigv4 import credential_scope
from fogbank.wire import WireRequest

AUTH = ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/apigateway/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc")


@pytest.mark.parametrize("path, service", [
    ("/v2/apis", "apigatewayv2"), ("/v2/apis/abc/routes", "apigatewayv2"),
    ("/restapis", "apigateway"), ("/apikeys", "apigateway"), ("/v2", "apigateway"),
])
def test_the_path_names_the_api_gateway_version(path, service):
    request = WireRequest.build("GET", path, "", [("Authorization", AUTH),
                                                  ("X-Amz-Date", "20260101T000000Z")], b"")
    assert recognise(request, credential_scope(request)) == service
