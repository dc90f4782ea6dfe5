"""Bucket configurations S3 answers for every bucket, through boto3 and plain HTTP: logging,
request payment and Transfer Acceleration (kept), replication (none), and the lists of
analytics, metrics, inventory and Intelligent-Tiering configurations (empty)."""
from __future__ import annotations

import uuid
from typing import Any
from xml.etree import ElementTree

import pytest
from botocore.exceptions import ClientError

from tests.s3.test_malformed import send

S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"
S3_XMLNS = f'xmlns="{S3_NS}"'


def error(call: Any, **params: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as exc:
        call(**params)
    response = exc.value.response
    return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
            response["Error"]["Message"])


def put_document(endpoint: Any, bucket: str, marker: str, body: bytes) -> tuple[int, str]:
    response = send("PUT", f"{endpoint.url}/{bucket}?{marker}", body=body)
    return response.status_code, response.text


def without_metadata(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


@pytest.fixture
def other_bucket(s3: Any) -> Any:
    name = f"logs-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    yield name
    s3.delete_bucket(Bucket=name)


# ------------------------------------------------------------------ a bucket never configured

def test_a_new_bucket_answers_each_configuration_as_s3_does(s3, bucket):
    assert without_metadata(s3.get_bucket_logging(Bucket=bucket)) == {}
    assert without_metadata(s3.get_bucket_request_payment(Bucket=bucket)) == {
        "Payer": "BucketOwner"}
    assert without_metadata(s3.get_bucket_accelerate_configuration(Bucket=bucket)) == {}
    assert error(s3.get_bucket_replication, Bucket=bucket) == (
        404, "ReplicationConfigurationNotFoundError",
        "The replication configuration was not found")
    for listing in (s3.list_bucket_analytics_configurations,
                    s3.list_bucket_metrics_configurations,
                    s3.list_bucket_inventory_configurations,
                    s3.list_bucket_intelligent_tiering_configurations):
        assert without_metadata(listing(Bucket=bucket)) == {"IsTruncated": False}


@pytest.mark.parametrize("marker, root, children", [
    ("logging", "BucketLoggingStatus", {}),
    ("requestPayment", "RequestPaymentConfiguration", {"Payer": "BucketOwner"}),
    ("accelerate", "AccelerateConfiguration", {}),
    ("analytics", "ListBucketAnalyticsConfigurationResult", {"IsTruncated": "false"}),
    ("metrics", "ListMetricsConfigurationsResult", {"IsTruncated": "false"}),
    ("inventory", "ListInventoryConfigurationsResult", {"IsTruncated": "false"}),
    ("intelligent-tiering", "ListBucketIntelligentTieringConfigurationsOutput",
     {"IsTruncated": "false"}),
])
def test_the_documents_are_named_as_s3_names_them(endpoint, bucket, marker, root, children):
    response = send("GET", f"{endpoint.url}/{bucket}?{marker}")
    assert response.status_code == 200
    document = ElementTree.fromstring(response.content)
    assert document.tag == f"{{{S3_NS}}}{root}"
    assert {child.tag.split("}")[1]: child.text for child in document} == children


def test_a_missing_bucket_has_none_of_them(s3):
    missing = f"none-{uuid.uuid4().hex[:8]}"
    for call in (s3.get_bucket_logging, s3.get_bucket_request_payment,
                 s3.get_bucket_accelerate_configuration, s3.get_bucket_replication,
                 s3.list_bucket_metrics_configurations):
        assert error(call, Bucket=missing)[:2] == (404, "NoSuchBucket")
    assert error(s3.put_bucket_request_payment, Bucket=missing,
                 RequestPaymentConfiguration={"Payer": "Requester"})[:2] == (404, "NoSuchBucket")


# ------------------------------------------------------------------ logging

def test_logging_is_kept_and_turned_off(s3, endpoint, bucket, other_bucket):
    enabled = {"TargetBucket": other_bucket, "TargetPrefix": f"{bucket}/",
               "TargetObjectKeyFormat": {"PartitionedPrefix": {
                   "PartitionDateSource": "DeliveryTime"}}}
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": enabled})
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == enabled
    raw = send("GET", f"{endpoint.url}/{bucket}?logging").text
    assert f"<TargetBucket>{other_bucket}</TargetBucket>" in raw
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={})
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)


def test_logging_may_name_its_own_bucket_and_keeps_grants(s3, bucket):
    grant = {"Grantee": {"Type": "Group",
                         "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},
             "Permission": "READ"}
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": bucket, "TargetPrefix": "", "TargetGrants": [grant]}})
    enabled = s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]
    assert enabled["TargetBucket"] == bucket and enabled["TargetGrants"] == [grant]


def test_logging_to_a_bucket_that_does_not_exist_is_refused(s3, endpoint, bucket):
    missing = f"nowhere-{uuid.uuid4().hex[:8]}"
    assert error(s3.put_bucket_logging, Bucket=bucket, BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": missing, "TargetPrefix": "x/"}}) == (
        400, "InvalidTargetBucketForLogging", "The target bucket for logging does not exist")
    status, text = put_document(endpoint, bucket, "logging", (
        f"<BucketLoggingStatus><LoggingEnabled><TargetBucket>{missing}</TargetBucket>"
        "<TargetPrefix/></LoggingEnabled></BucketLoggingStatus>").encode())
    assert status == 400 and f"<TargetBucket>{missing}</TargetBucket>" in text
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)


def test_logging_to_a_bucket_in_another_region_is_refused(s3, endpoint, bucket):
    name = f"elsewhere-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={
        "LocationConstraint": "eu-west-1"})
    try:
        assert error(s3.put_bucket_logging, Bucket=bucket, BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": name, "TargetPrefix": ""}}) == (
            403, "CrossLocationLoggingProhibitted", "Cross S3 location logging not allowed. ")
    finally:
        s3.delete_bucket(Bucket=name)


@pytest.mark.parametrize("inner", [
    "<LoggingEnabled><TargetPrefix>x</TargetPrefix></LoggingEnabled>",
    "<LoggingEnabled><TargetBucket></TargetBucket><TargetPrefix>x</TargetPrefix>"
    "</LoggingEnabled>",
    "<LoggingEnabled><TargetBucket>{bucket}</TargetBucket><TargetGrants><Grant><Grantee "
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>'
    "http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>WRITE_ACP"
    "</Permission></Grant></TargetGrants></LoggingEnabled>",
    "<LoggingEnabled><TargetBucket>{bucket}</TargetBucket><TargetObjectKeyFormat>"
    "<SimplePrefix/><PartitionedPrefix/></TargetObjectKeyFormat></LoggingEnabled>",
    "<LoggingEnabled><TargetBucket>{bucket}</TargetBucket><TargetObjectKeyFormat>"
    "<PartitionedPrefix><PartitionDateSource>Yesterday</PartitionDateSource>"
    "</PartitionedPrefix></TargetObjectKeyFormat></LoggingEnabled>",
])
def test_a_logging_document_s3_cannot_read_is_malformed(endpoint, bucket, inner):
    body = f"<BucketLoggingStatus {S3_XMLNS}>{inner.format(bucket=bucket)}</BucketLoggingStatus>"
    status, text = put_document(endpoint, bucket, "logging", body.encode())
    assert status == 400 and "<Code>MalformedXML</Code>" in text


# ------------------------------------------------------------------ payment and acceleration

# Each setting: its GET's client method, its PUT's, the PUT's document and its one member.
SETTINGS = {
    "requestPayment": ("get_bucket_request_payment", "put_bucket_request_payment",
                       "RequestPaymentConfiguration", "Payer"),
    "accelerate": ("get_bucket_accelerate_configuration", "put_bucket_accelerate_configuration",
                   "AccelerateConfiguration", "Status"),
}


@pytest.mark.parametrize("marker, values", [("requestPayment", ["Requester", "BucketOwner"]),
                                            ("accelerate", ["Enabled", "Suspended"])])
def test_a_setting_is_kept(s3, bucket, marker, values):
    get, put, document, member = SETTINGS[marker]
    for value in values:
        getattr(s3, put)(Bucket=bucket, **{document: {member: value}})
        assert getattr(s3, get)(Bucket=bucket)[member] == value


@pytest.mark.parametrize("marker, inner", [
    ("requestPayment", ""), ("requestPayment", "<Payer>Anyone</Payer>"),
    ("requestPayment", "<Payer>requester</Payer>"), ("requestPayment", "<Payer></Payer>"),
    ("accelerate", ""), ("accelerate", "<Status>On</Status>"),
    ("accelerate", "<Status>enabled</Status>")])
def test_a_setting_s3_cannot_read_is_malformed(s3, endpoint, bucket, marker, inner):
    get, _, document, _ = SETTINGS[marker]
    before = without_metadata(getattr(s3, get)(Bucket=bucket))
    body = f"<{document} {S3_XMLNS}>{inner}</{document}>"
    status, text = put_document(endpoint, bucket, marker, body.encode())
    assert status == 400 and "<Code>MalformedXML</Code>" in text
    assert without_metadata(getattr(s3, get)(Bucket=bucket)) == before


def test_a_bucket_named_with_dots_cannot_be_accelerated(s3):
    name = f"dotted.{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=name)
    try:
        for status in ("Enabled", "Suspended"):
            assert error(s3.put_bucket_accelerate_configuration, Bucket=name,
                         AccelerateConfiguration={"Status": status}) == (
                400, "InvalidRequest", "S3 Transfer Acceleration is not supported "
                "for buckets with periods (.) in their names")
        assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket=name)
    finally:
        s3.delete_bucket(Bucket=name)
