"""SigV4 parsing: the scope of a good signature, AWS's errors for a malformed one."""
from __future__ import annotations

import httpx
import pytest

from fogbank.aws.errors import IncompleteSignature
from fogbank.aws.sigv4 import CredentialScope, credential_scope
from fogbank.wire import WireRequest

GOOD = ("AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/lambda/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc123")


def signed(authorization: str, *, dated: bool = True) -> WireRequest:
    headers = [("Authorization", authorization)]
    if dated:
        headers.append(("X-Amz-Date", "20260101T000000Z"))
    return WireRequest.build("GET", "/", "", headers, b"")


def test_scope_is_read_from_the_header():
    assert credential_scope(signed(GOOD)) == CredentialScope("AKID", "20260101", "eu-west-1", "lambda")


def test_scope_is_read_from_a_presigned_query():
    req = WireRequest.build("GET", "/b/k", "X-Amz-Credential=AKID/20260101/us-east-1/s3/aws4_request"
                            "&X-Amz-Signature=abc", [], b"")
    assert credential_scope(req) == CredentialScope("AKID", "20260101", "us-east-1", "s3")


def test_unsigned_request_has_no_scope():
    assert credential_scope(WireRequest.build("GET", "/", "", [], b"")) is None


def test_missing_parameters_are_listed():
    with pytest.raises(IncompleteSignature) as excinfo:
        credential_scope(signed("Bearer abc.def", dated=False))
    assert excinfo.value.message == (
        "Authorization header requires 'Credential' parameter. Authorization header requires "
        "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        "Authorization=Bearer abc.def")


def test_missing_signature_only():
    header = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host"
    with pytest.raises(IncompleteSignature) as excinfo:
        credential_scope(signed(header))
    assert excinfo.value.message == (
        f"Authorization header requires 'Signature' parameter. Authorization={header}")


def test_pair_without_equal_sign():
    header = "AWS4-HMAC-SHA256 Credential AKID/20260101/us-east-1/lambda/aws4_request"
    with pytest.raises(IncompleteSignature) as excinfo:
        credential_scope(signed(header))
    assert excinfo.value.message == (
        "'Credential AKID/20260101/us-east-1/lambda/aws4_request' not a valid key=value pair "
        f"(missing equal-sign) in Authorization header: '{header}'.")


def test_credential_with_a_bad_terminator():
    with pytest.raises(IncompleteSignature) as excinfo:
        credential_scope(signed(GOOD.replace("aws4_request", "aws5_request")))
    assert excinfo.value.message == (
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.")
    assert excinfo.value.status == 400


def test_malformed_header_reaches_boto3_as_incomplete_signature(runtime, lambda_client):
    def spoil(request, **kwargs):
        request.headers["Authorization"] = "garbage"

    lambda_client.meta.events.register("before-send.lambda.ListFunctions", spoil)
    with pytest.raises(lambda_client.exceptions.ClientError) as excinfo:
        lambda_client.list_functions()
    error = excinfo.value.response["Error"]
    assert error["Code"] == "IncompleteSignatureException"
    assert error["Message"].startswith("Authorization header requires 'Credential' parameter.")
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_malformed_header_on_an_unknown_path_is_still_refused(endpoint):
    response = httpx.get(f"{endpoint}/what", headers={"Authorization": "AWS4-HMAC-SHA256 x"})
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "IncompleteSignatureException"
    assert response.json()["__type"] == "IncompleteSignatureException"
    assert response.headers["x-amzn-RequestId"]
