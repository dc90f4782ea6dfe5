"""What S3 answers of an Authorization header it cannot read, before any signature: each in
S3's XML words (not the SDK edge's JSON), with the status and code S3 sends."""
from __future__ import annotations

import datetime as dt
import email.utils
import re

import httpx
import pytest

SCOPE = "test/20261203/us-east-1/s3/aws4_request"


def amz_date(offset_s: float = 0) -> str:
    when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=offset_s)
    return when.strftime("%Y%m%dT%H%M%SZ")


DATE = {"x-amz-date": amz_date()}


def code_and_message(response: httpx.Response) -> tuple[str, str]:
    assert response.headers["content-type"] == "application/xml"
    code = re.search(r"<Code>(.*?)</Code>", response.text)
    message = re.search(r"<Message>(.*?)</Message>", response.text)
    assert code and message, response.text
    return code[1], message[1]


@pytest.mark.parametrize("header", ["garbage", "Bearer abc.def", "Basic dGVzdDp0ZXN0"])
def test_an_unknown_scheme_is_an_unsupported_authorization_type(endpoint, bucket, header):
    response = httpx.get(f"{endpoint.url}/{bucket}/k", headers={"Authorization": header, **DATE})
    assert response.status_code == 400
    assert code_and_message(response) == ("InvalidArgument", "Unsupported Authorization Type")
    assert "<ArgumentName>Authorization</ArgumentName>" in response.text
    assert f"<ArgumentValue>{header}</ArgumentValue>" in response.text


def test_a_signature_version_2_header_without_its_signature(endpoint, bucket):
    response = httpx.put(f"{endpoint.url}/{bucket}/k", content=b"x",
                         headers={"Authorization": "AWS HAHAHA", "Date": "now"})
    assert response.status_code == 400
    assert code_and_message(response) == (
        "InvalidArgument", "AWS authorization header is invalid.  Expected "
        "AwsAccessKeyId:signature")


@pytest.mark.parametrize("header", [
    f"AWS4-HMAC-SHA256 Credential={SCOPE}",
    f"AWS4-HMAC-SHA256 Credential={SCOPE}, SignedHeaders=host",
    "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc",
    "AWS4-HMAC-SHA256"])
def test_a_sigv4_header_missing_a_component_is_malformed(endpoint, bucket, header):
    response = httpx.get(f"{endpoint.url}/{bucket}", headers={"Authorization": header, **DATE})
    assert response.status_code == 400
    assert code_and_message(response) == (
        "AuthorizationHeaderMalformed", "The authorization header is malformed; the "
        "authorization header requires three components: Credential, SignedHeaders, and "
        "Signature.")


@pytest.mark.parametrize("credential", ["test/20261203/us-east-1/s3",
                                        "test/20261203/us-east-1/s3/aws5_request"])
def test_a_sigv4_credential_of_the_wrong_shape_is_malformed(endpoint, bucket, credential):
    header = f"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host, Signature=abc"
    response = httpx.get(f"{endpoint.url}/{bucket}", headers={"Authorization": header, **DATE})
    assert response.status_code == 400
    assert code_and_message(response) == (
        "AuthorizationHeaderMalformed", "The authorization header is malformed; the Credential "
        "is mal-formed; expecting \"&lt;YOUR-AKID&gt;/YYYYMMDD/REGION/SERVICE/aws4_request\".")


def test_a_signed_request_without_a_date_is_access_denied(endpoint, bucket):
    header = f"AWS4-HMAC-SHA256 Credential={SCOPE}, SignedHeaders=host, Signature=abc"
    response = httpx.get(f"{endpoint.url}/{bucket}", headers={"Authorization": header})
    assert response.status_code == 403
    assert code_and_message(response) == (
        "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")


@pytest.mark.parametrize("date", ["Bad Date", "20261203", "0", "",
                                  "Tue, 07 Jul 1950 21:53:04 GMT"])
def test_a_date_s3_cannot_read_is_access_denied(endpoint, bucket, date):
    header = f"AWS4-HMAC-SHA256 Credential={SCOPE}, SignedHeaders=host, Signature=abc"
    # An x-amz-date, even empty, is read before the Date header (valid here).
    response = httpx.get(f"{endpoint.url}/{bucket}",
                         headers={"Authorization": header, "x-amz-date": date,
                                  "Date": email.utils.formatdate(usegmt=True)})
    assert response.status_code == 403
    assert code_and_message(response) == (
        "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")


def test_a_signature_version_2_request_dated_years_ago_is_too_skewed(endpoint, bucket):
    response = httpx.get(f"{endpoint.url}/{bucket}",
                         headers={"Authorization": "AWS test:c2lnbmF0dXJl",
                                  "x-amz-date": "Tue, 07 Jul 2010 21:53:04 GMT"})
    assert response.status_code == 403
    assert code_and_message(response)[0] == "RequestTimeTooSkewed"


@pytest.mark.parametrize("offset_s", [-3600, 3600, -10 * 365 * 86400])
def test_a_request_from_too_far_in_time_is_too_skewed(endpoint, bucket, offset_s):
    header = f"AWS4-HMAC-SHA256 Credential={SCOPE}, SignedHeaders=host, Signature=abc"
    sent = amz_date(offset_s)
    response = httpx.get(f"{endpoint.url}/{bucket}",
                         headers={"Authorization": header, "x-amz-date": sent})
    assert response.status_code == 403
    assert code_and_message(response) == (
        "RequestTimeTooSkewed", "The difference between the request time and the current "
        "time is too large.")
    assert f"<RequestTime>{sent}</RequestTime>" in response.text
    assert "<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>" in response.text


def test_a_request_within_the_allowed_skew_or_dated_by_an_http_date_is_served(endpoint,
                                                                                bucket):
    header = f"AWS4-HMAC-SHA256 Credential={SCOPE}, SignedHeaders=host, Signature=abc"
    for dated in ({"x-amz-date": amz_date(-600)}, {"x-amz-date": amz_date(600)},
                  {"Date": email.utils.formatdate(usegmt=True)}):
        response = httpx.get(f"{endpoint.url}/{bucket}",
                             headers={"Authorization": header, **dated})
        assert response.status_code == 200, response.text


def test_a_blank_header_is_no_credentials(endpoint, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"private")
    response = httpx.get(f"{endpoint.url}/{bucket}/k", headers={"Authorization": ""})
    assert response.status_code == 403
    assert code_and_message(response) == ("AccessDenied", "Access Denied")


def test_another_services_path_is_still_refused_by_the_sdk_edge(endpoint):
    response = httpx.get(f"{endpoint.url}/2015-03-31/functions/",
                         headers={"Authorization": "garbage"})
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"] == "IncompleteSignatureException"
