"""Buckets through boto3: create, head, list, location, delete, and their configurations."""
from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError


def code(exc: pytest.ExceptionInfo) -> str:
    return exc.value.response["Error"]["Code"]


def test_create_head_list_delete(s3):
    name = f"life-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name)
    assert s3.head_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert name in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    s3.delete_bucket(Bucket=name)
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_location_of_a_regional_bucket(s3):
    name = f"loc-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    try:
        assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
    finally:
        s3.delete_bucket(Bucket=name)


def test_us_east_1_location_is_empty(s3, bucket):
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] is None


def test_creating_an_owned_bucket_again(s3):
    # Outside us-east-1 (where S3 keeps answering 200 for legacy reasons) it is an error.
    name = f"twice-{uuid.uuid4().hex[:10]}"
    where = {"LocationConstraint": "eu-west-1"}
    s3.create_bucket(Bucket=name, CreateBucketConfiguration=where)
    try:
        with pytest.raises(ClientError) as exc:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration=where)
        assert code(exc) == "BucketAlreadyOwnedByYou"
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    finally:
        s3.delete_bucket(Bucket=name)


def test_no_such_bucket(s3):
    with pytest.raises(ClientError) as exc:
        s3.list_objects_v2(Bucket="no-such-bucket-here")
    assert code(exc) == "NoSuchBucket"
    assert exc.value.response["Error"]["BucketName"] == "no-such-bucket-here"


def test_head_of_a_missing_bucket_is_404(s3):
    with pytest.raises(ClientError) as exc:
        s3.head_bucket(Bucket="no-such-bucket-here")
    assert code(exc) == "404"


def test_deleting_a_bucket_with_objects(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.delete_bucket(Bucket=bucket)
    assert code(exc) == "BucketNotEmpty"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


@pytest.mark.parametrize("name", ["UPPER", "a", "under_score", "-leading", "ends-", "a..b",
                                  "192.168.5.4", "x" * 64])
def test_invalid_bucket_names(s3, name):
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket=name)
    assert code(exc) == "InvalidBucketName"


def test_tagging_round_trip(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_tagging(Bucket=bucket)
    assert code(exc) == "NoSuchTagSet"
    tags = [{"Key": "team", "Value": "web"}, {"Key": "env", "Value": "dev"}]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert sorted(s3.get_bucket_tagging(Bucket=bucket)["TagSet"], key=lambda t: t["Key"]) == \
        sorted(tags, key=lambda t: t["Key"])
    s3.delete_bucket_tagging(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_tagging(Bucket=bucket)


def test_cors_round_trip(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_cors(Bucket=bucket)
    assert code(exc) == "NoSuchCORSConfiguration"
    rules = [{"AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["https://app.example"],
              "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 300}]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == rules
    s3.delete_bucket_cors(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_cors(Bucket=bucket)


def test_policy_round_trip(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_policy(Bucket=bucket)
    assert code(exc) == "NoSuchBucketPolicy"
    policy = {"Version": "2012-10-17", "Statement": [{
        "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*"}]}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == policy
    s3.delete_bucket_policy(Bucket=bucket)


def test_malformed_policy(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_policy(Bucket=bucket, Policy="not json")
    assert code(exc) == "MalformedPolicy"


def test_lifecycle_round_trip(s3, bucket):
    rules = [{"ID": "expire-tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled",
              "Expiration": {"Days": 1}}]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket,
                                          LifecycleConfiguration={"Rules": rules})
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert got[0]["ID"] == "expire-tmp" and got[0]["Expiration"] == {"Days": 1}
    assert got[0]["Filter"] == {"Prefix": "tmp/"}
    s3.delete_bucket_lifecycle(Bucket=bucket)
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert code(exc) == "NoSuchLifecycleConfiguration"


def test_website_round_trip(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_website(Bucket=bucket)
    assert code(exc) == "NoSuchWebsiteConfiguration"
    config = {"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "404.html"}}
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=config)
    got = s3.get_bucket_website(Bucket=bucket)
    assert got["IndexDocument"] == {"Suffix": "index.html"}
    assert got["ErrorDocument"] == {"Key": "404.html"}
    s3.delete_bucket_website(Bucket=bucket)


def test_notification_configuration_is_empty_by_default(s3, bucket):
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert "LambdaFunctionConfigurations" not in got
