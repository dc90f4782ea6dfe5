"""Bucket configurations: stored as given, checked as S3 checks them, missing ones."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from fogbank.objects import BucketConfig, errors

pytestmark = pytest.mark.anyio

CORS = {"CORSRules": [{"AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["https://*.example"],
                       "AllowedHeaders": ["x-amz-*", "content-type"], "ExposeHeaders": ["ETag"],
                       "MaxAgeSeconds": 600}]}
PUBLIC = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::photos/*"}]})


async def test_round_trip_of_each_kind(engine, bucket):
    await engine.configs.delete(bucket, BucketConfig.PUBLIC_ACCESS_BLOCK)
    documents = {
        BucketConfig.CORS: CORS,
        BucketConfig.POLICY: PUBLIC,
        BucketConfig.TAGGING: {"TagSet": [{"Key": "team", "Value": "web"}]},
        BucketConfig.WEBSITE: {"IndexDocument": {"Suffix": "index.html"},
                               "ErrorDocument": {"Key": "404.html"}},
        BucketConfig.LIFECYCLE: {"Rules": [{"ID": "old", "Status": "Enabled",
                                            "Filter": {"Prefix": "tmp/"},
                                            "Expiration": {"Days": 1}}]},
    }
    for kind, document in documents.items():
        await engine.configs.put(bucket, kind, document)
        assert await engine.configs.get(bucket, kind) == document


@pytest.mark.parametrize("kind,error", [
    (BucketConfig.CORS, errors.NoSuchCORSConfiguration),
    (BucketConfig.POLICY, errors.NoSuchBucketPolicy),
    (BucketConfig.TAGGING, errors.NoSuchTagSet),
    (BucketConfig.LIFECYCLE, errors.NoSuchLifecycleConfiguration),
    (BucketConfig.WEBSITE, errors.NoSuchWebsiteConfiguration),
])
async def test_missing_configuration_errors(engine, bucket, kind, error):
    with pytest.raises(error) as caught:
        await engine.configs.get(bucket, kind)
    assert caught.value.status == 404


async def test_delete_then_missing(engine, bucket):
    await engine.configs.put(bucket, BucketConfig.CORS, CORS)
    await engine.configs.delete(bucket, BucketConfig.CORS)
    with pytest.raises(errors.NoSuchCORSConfiguration):
        await engine.configs.get(bucket, BucketConfig.CORS)


async def test_missing_notification_is_empty(engine, bucket):
    assert await engine.configs.get(bucket, BucketConfig.NOTIFICATION) == {}


async def test_configuration_of_missing_bucket(engine):
    with pytest.raises(errors.NoSuchBucket):
        await engine.configs.put("ghost", BucketConfig.CORS, CORS)


async def test_lifecycle_date_is_stored_as_iso(engine, bucket):
    when = datetime(2030, 1, 1, tzinfo=timezone.utc)
    await engine.configs.put(bucket, BucketConfig.LIFECYCLE, {"Rules": [
        {"ID": "r", "Status": "Enabled", "Filter": {}, "Expiration": {"Date": when}}]})
    stored = await engine.configs.get(bucket, BucketConfig.LIFECYCLE)
    assert stored["Rules"][0]["Expiration"]["Date"] == "2030-01-01T00:00:00.000Z"


@pytest.mark.parametrize("kind,document,error", [
    (BucketConfig.CORS, {"CORSRules": []}, errors.MalformedXML),
    (BucketConfig.CORS, {"CORSRules": [{"AllowedMethods": ["PATCH"],
                                        "AllowedOrigins": ["*"]}]}, errors.InvalidRequest),
    (BucketConfig.CORS, {"CORSRules": [{"AllowedMethods": ["GET"],
                                        "AllowedOrigins": ["*.*"]}]}, errors.InvalidRequest),
    (BucketConfig.POLICY, "not json", errors.MalformedPolicy),
    (BucketConfig.POLICY, "{bad", errors.MalformedPolicy),
    (BucketConfig.POLICY, '{"Version": "2012-10-17"}', errors.MalformedPolicy),
    (BucketConfig.TAGGING, {"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]},
     errors.InvalidTag),
    (BucketConfig.TAGGING, {"TagSet": [{"Key": "aws:x", "Value": "1"}]}, errors.InvalidTag),
    (BucketConfig.TAGGING, {"TagSet": [{"Key": "k", "Value": "v" * 257}]}, errors.InvalidTag),
    (BucketConfig.WEBSITE, {"ErrorDocument": {"Key": "e.html"}}, errors.InvalidArgument),
    (BucketConfig.WEBSITE, {"IndexDocument": {"Suffix": "a/index.html"}}, errors.InvalidArgument),
    (BucketConfig.LIFECYCLE, {"Rules": [{"ID": "r", "Status": "Enabled", "Filter": {}}]},
     errors.InvalidRequest),
    (BucketConfig.LIFECYCLE, {"Rules": [{"ID": "r", "Status": "Enabled", "Filter": {},
                                         "Expiration": {"Days": 0}}]}, errors.InvalidArgument),
    (BucketConfig.LIFECYCLE, {"Rules": [
        {"ID": "r", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 1}},
        {"ID": "r", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 2}}]},
     errors.InvalidArgument),
    (BucketConfig.LIFECYCLE, {"Rules": [{"ID": "r", "Status": "On", "Filter": {},
                                         "Expiration": {"Days": 1}}]}, errors.MalformedXML),
    (BucketConfig.NOTIFICATION, {"LambdaFunctionConfigurations": [
        {"LambdaFunctionArn": "arn:aws:lambda:us-east-1:0:function:f",
         "Events": ["s3:ObjectCreated:Nope"]}]}, errors.InvalidArgument),
    (BucketConfig.NOTIFICATION, {"LambdaFunctionConfigurations": [
        {"LambdaFunctionArn": "arn:aws:lambda:us-east-1:0:function:f",
         "Events": ["s3:ObjectCreated:*"],
         "Filter": {"Key": {"FilterRules": [{"Name": "middle", "Value": "x"}]}}}]},
     errors.InvalidArgument),
])
async def test_bad_documents_are_refused(engine, bucket, kind, document, error):
    with pytest.raises(error):
        await engine.configs.put(bucket, kind, document)


async def test_lifecycle_date_not_at_midnight(engine, bucket):
    with pytest.raises(errors.InvalidArgument) as caught:
        await engine.configs.put(bucket, BucketConfig.LIFECYCLE, {"Rules": [{
            "ID": "r", "Status": "Enabled", "Filter": {},
            "Expiration": {"Date": datetime(2030, 1, 1, 12, tzinfo=timezone.utc)}}]})
    assert caught.value.message == "'Date' must be at midnight GMT"


async def test_lifecycle_transition_date_not_at_midnight(engine, bucket):
    with pytest.raises(errors.InvalidArgument) as caught:
        await engine.configs.put(bucket, BucketConfig.LIFECYCLE, {"Rules": [{
            "ID": "r", "Status": "Enabled", "Filter": {},
            "Transitions": [{"Date": datetime(2030, 1, 1, 12, tzinfo=timezone.utc),
                             "StorageClass": "GLACIER"}]}]})
    assert caught.value.message == "'Date' must be at midnight GMT"


async def test_cors_rule_matching(engine, bucket):
    await engine.configs.put(bucket, BucketConfig.CORS, CORS)
    rule = await engine.configs.cors_rule(bucket, "https://app.example", "PUT",
                                          ("X-Amz-Date", "Content-Type"))
    assert rule.allowed_methods == ("GET", "PUT") and rule.max_age_seconds == 600
    assert rule.expose_headers == ("ETag",)
    assert await engine.configs.cors_rule(bucket, "https://evil.test", "GET") is None
    assert await engine.configs.cors_rule(bucket, "https://app.example", "DELETE") is None
    assert await engine.configs.cors_rule(bucket, "https://app.example", "GET",
                                          ("authorization",)) is None


async def test_preflight_errors(engine, bucket):
    with pytest.raises(errors.AccessForbidden) as caught:
        await engine.configs.preflight(bucket, "https://app.example", "GET")
    assert caught.value.message == "CORSResponse: CORS is not enabled for this bucket."
    await engine.configs.put(bucket, BucketConfig.CORS, CORS)
    with pytest.raises(errors.AccessForbidden) as caught:
        await engine.configs.preflight(bucket, "https://evil.test", "GET")
    assert caught.value.message.startswith("CORSResponse: This CORS request is not allowed.")
    assert (await engine.configs.preflight(bucket, "https://a.example", "GET")).allowed_origin \
        == "https://*.example"


@pytest.mark.parametrize("statement,allowed", [
    ({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::photos/*"}, True),
    ({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:*"],
      "Resource": ["arn:aws:s3:::photos/public/*"]}, True),
    ({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::photos/private/*"}, False),
    ({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::photos/*"}, False),
    ({"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::photos/*"}, False),
])
async def test_public_read_from_the_policy(engine, bucket, statement, allowed):
    await engine.configs.delete(bucket, BucketConfig.PUBLIC_ACCESS_BLOCK)
    assert not await may_read(engine, bucket, "public/a.png")
    await engine.configs.put(bucket, BucketConfig.POLICY,
                             json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    assert await may_read(engine, bucket, "public/a.png") is allowed


def may_read(engine, bucket, key):
    return engine.anonymous.allows(bucket, "s3:GetObject", key)


async def test_deny_wins(engine, bucket):
    await engine.configs.delete(bucket, BucketConfig.PUBLIC_ACCESS_BLOCK)
    await engine.configs.put(bucket, BucketConfig.POLICY, json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::photos/*"},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::photos/secret/*"}]}))
    assert await may_read(engine, bucket, "a")
    assert not await may_read(engine, bucket, "secret/a")


async def test_configurations_go_with_their_bucket(engine, bucket):
    await engine.configs.put(bucket, BucketConfig.CORS, CORS)
    await engine.buckets.delete(bucket)
    await engine.buckets.create(bucket)
    with pytest.raises(errors.NoSuchCORSConfiguration):
        await engine.configs.get(bucket, BucketConfig.CORS)


@pytest.mark.parametrize("kind,document", [
    (BucketConfig.LIFECYCLE, {"Rules": [{"ID": "r", "Status": "Enabled", "Filter": {},
                                         "Expiration": {"Date": "tomorrow"}}]}),
    (BucketConfig.LIFECYCLE, {"Rules": [{"ID": "r", "Status": "Enabled", "Filter": {},
                                         "Expiration": {"Days": "many"}}]}),
    (BucketConfig.CORS, {"CORSRules": ["not a rule"]}),
    (BucketConfig.WEBSITE, {"IndexDocument": "index.html"}),
    (BucketConfig.NOTIFICATION, {"LambdaFunctionConfigurations": [17]}),
])
async def test_documents_of_the_wrong_shape_are_malformed(engine, bucket, kind, document):
    with pytest.raises(errors.MalformedXML):
        await engine.configs.put(bucket, kind, document)
