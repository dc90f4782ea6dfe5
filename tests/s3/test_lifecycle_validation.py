"""PutBucketLifecycleConfiguration: the rules S3 refuses beyond the schema's shapes —
transitions too early for the infrequent-access classes, noncurrent days that are no
positive number, filters that cannot select uploads in progress or delete markers."""
from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def refused(s3: Any, bucket: str, rule: dict[str, Any]) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": [{"ID": "r", "Status": "Enabled",
                                                              **rule}]})
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error["Code"], error["Message"]


@pytest.mark.parametrize("storage_class", ["STANDARD_IA", "ONEZONE_IA"])
def test_an_infrequent_access_transition_before_30_days(s3, bucket, storage_class):
    rule = {"Filter": {"Prefix": "logs/"},
            "Transitions": [{"Days": 29, "StorageClass": storage_class}]}
    assert refused(s3, bucket, rule) == (
        "InvalidArgument", "'Days' in Transition action must be greater than or equal to 30 "
        f"for storageClass '{storage_class}'")


def test_a_noncurrent_infrequent_access_transition_before_30_days(s3, bucket):
    rule = {"Filter": {}, "NoncurrentVersionTransitions": [
        {"NoncurrentDays": 1, "StorageClass": "STANDARD_IA"}]}
    assert refused(s3, bucket, rule) == (
        "InvalidArgument", "'NoncurrentDays' in NoncurrentVersionTransition action must be "
        "greater than or equal to 30 for storageClass 'STANDARD_IA'")


def test_transitions_s3_takes(s3, bucket):
    rules = [{"ID": "ia", "Status": "Enabled", "Filter": {"Prefix": "a/"},
              "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}]},
             {"ID": "glacier", "Status": "Enabled", "Filter": {"Prefix": "b/"},
              "Transitions": [{"Days": 1, "StorageClass": "GLACIER"}]}]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket,
                                          LifecycleConfiguration={"Rules": rules})
    stored = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [r["Transitions"][0]["StorageClass"] for r in stored] == ["STANDARD_IA", "GLACIER"]


def test_noncurrent_days_must_be_positive(s3, bucket):
    rule = {"Filter": {}, "NoncurrentVersionExpiration": {"NoncurrentDays": 0}}
    assert refused(s3, bucket, rule) == (
        "InvalidArgument",
        "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")


@pytest.mark.parametrize("found", [{"Tag": {"Key": "a", "Value": "b"}},
                                   {"And": {"Prefix": "p/", "Tags": [{"Key": "a",
                                                                      "Value": "b"}]}}])
def test_aborting_uploads_cannot_filter_by_tags(s3, bucket, found):
    rule = {"Filter": found, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}
    assert refused(s3, bucket, rule) == (
        "InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Tags.")


def test_aborting_uploads_cannot_filter_by_size(s3, bucket):
    rule = {"Filter": {"ObjectSizeGreaterThan": 10},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}
    assert refused(s3, bucket, rule) == (
        "InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Object Size.")


def test_expiring_delete_markers_cannot_filter_by_tags(s3, bucket):
    rule = {"Filter": {"Tag": {"Key": "a", "Value": "b"}},
            "Expiration": {"ExpiredObjectDeleteMarker": True}}
    assert refused(s3, bucket, rule) == (
        "InvalidRequest", "ExpiredObjectDeleteMarker cannot be specified with Tags.")
