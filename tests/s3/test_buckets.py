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
    made = s3.create_bucket(Bucket=name,
                            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    try:
        # As recorded from S3: a virtual-hosted URL, where a us-east-1 bucket gets "/name".
        assert made["Location"] == f"http://{name}.s3.amazonaws.com/"
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


def test_an_upload_in_progress_does_not_keep_a_bucket(s3):
    # S3 deletes a bucket whose only content is unfinished multipart uploads, and them with it.
    name = f"test-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    upload_id = s3.create_multipart_upload(Bucket=name, Key="big.bin")["UploadId"]
    s3.upload_part(Bucket=name, Key="big.bin", UploadId=upload_id, PartNumber=1, Body=b"x")
    assert s3.delete_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 204
    s3.create_bucket(Bucket=name)
    try:
        assert s3.list_multipart_uploads(Bucket=name).get("Uploads", []) == []
        with pytest.raises(ClientError) as exc:
            s3.list_parts(Bucket=name, Key="big.bin", UploadId=upload_id)
        assert code(exc) == "NoSuchUpload"
    finally:
        s3.delete_bucket(Bucket=name)


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


def test_put_bucket_tagging_and_policy_answer_204(s3, bucket):
    s3.delete_public_access_block(Bucket=bucket)     # it blocks public policies
    put = s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 204
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*"}]}
    put = s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 204
    cors = {"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]}
    put = s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=cors)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_an_empty_bucket_tag_set_is_no_tag_set(s3, bucket):
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": []})
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_tagging(Bucket=bucket)
    assert code(exc) == "NoSuchTagSet"
    assert exc.value.response["Error"]["Message"] == "The TagSet does not exist"


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
    s3.delete_public_access_block(Bucket=bucket)     # it blocks public policies
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


def test_list_buckets_a_page_at_a_time(s3):
    prefix = f"page-{uuid.uuid4().hex[:6]}-"
    names = [f"{prefix}{i}" for i in range(3)]
    for name in names:
        s3.create_bucket(Bucket=name)
    try:
        seen, token = [], None
        while True:
            page = s3.list_buckets(Prefix=prefix, MaxBuckets=2,
                                   **({"ContinuationToken": token} if token else {}))
            assert len(page["Buckets"]) <= 2
            seen += [b["Name"] for b in page["Buckets"]]
            token = page.get("ContinuationToken")
            if token is None:
                break
        assert seen == names
    finally:
        for name in names:
            s3.delete_bucket(Bucket=name)


def test_list_buckets_of_one_region(s3, bucket):
    name = f"region-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    try:
        listed = s3.list_buckets(BucketRegion="eu-west-1")["Buckets"]
        assert name in [b["Name"] for b in listed] and bucket not in [b["Name"] for b in listed]
        assert {b["BucketRegion"] for b in listed} == {"eu-west-1"}
    finally:
        s3.delete_bucket(Bucket=name)


def test_an_unknown_location_constraint(s3):
    name = f"nowhere-{uuid.uuid4().hex[:10]}"
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "mars-1"})
    assert code(exc) == "InvalidLocationConstraint"
    assert exc.value.response["Error"]["Message"] == \
        "The specified location-constraint is not valid"
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def public_read(bucket: str, **statement: object) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*", **statement}]})


def test_policy_status(s3, bucket):
    s3.delete_public_access_block(Bucket=bucket)     # it blocks public policies
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_policy_status(Bucket=bucket)
    assert code(exc) == "NoSuchBucketPolicy"
    s3.put_bucket_policy(Bucket=bucket, Policy=public_read(bucket))
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True
    s3.put_bucket_policy(Bucket=bucket, Policy=public_read(bucket, Principal={
        "AWS": "arn:aws:iam::123456789012:root"}))
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False


@pytest.mark.parametrize("statement, message", [
    ({"Resource": "arn:aws:s3:::some-other-bucket/*"}, "Policy has invalid resource"),
    ({"Resource": ["arn:aws:s3:::*", "arn:aws:s3:::other/*"]}, "Policy has invalid resource"),
    ({"Action": "dynamodb:GetItem"}, "Policy has invalid action"),
    ({"Action": "s3:GetObjectsPlease"}, "Policy has invalid action"),
    ({"Action": "s3:Fetch*"}, "Policy has invalid action"),
    ({"Action": ["s3:GetObject", "s3:ListBucket"]},
     "Action does not apply to any resource(s) in statement"),
    ({"Action": "s3:GetObject", "Resource": "arn:aws:s3:::{bucket}"},
     "Action does not apply to any resource(s) in statement"),
    ({"Resource": None}, "Missing required field Resource"),
])
def test_a_policy_for_something_else(s3, bucket, statement, message):
    if isinstance(statement.get("Resource"), str):
        statement = {**statement, "Resource": statement["Resource"].format(bucket=bucket)}
    policy = json.loads(public_read(bucket, **statement))
    policy["Statement"][0] = {k: v for k, v in policy["Statement"][0].items() if v is not None}
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    assert code(exc) == "MalformedPolicy"
    assert exc.value.response["Error"]["Message"] == message


@pytest.mark.parametrize("action", ["s3:Get*", "S3:getobject", "s3:*", "*",
                                    ["s3:GetObject", "s3:ListBucket"]])
def test_a_policy_names_actions_by_pattern_in_any_case(s3, bucket, action):
    s3.delete_public_access_block(Bucket=bucket)     # it blocks public policies
    policy = public_read(bucket, Action=action,
                         Resource=[f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"])
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == json.loads(policy)


def test_head_bucket_is_labelled_xml(s3, bucket):
    headers = s3.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPHeaders"]
    assert headers["content-type"] == "application/xml"
    assert headers["content-length"] == "0"


def test_a_policy_on_every_bucket_and_its_objects(s3, bucket):
    s3.delete_public_access_block(Bucket=bucket)     # it blocks public policies
    policy = public_read(bucket, Resource=["arn:aws:s3:::*", f"arn:aws:s3:::{bucket}"])
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == json.loads(policy)


def test_a_regional_endpoint_refuses_an_unknown_constraint_as_foreign(endpoint):
    # moto's aws_verified test_create_bucket_with_wrong_location_constraint: sent to
    # us-west-2's endpoint, a region that does not exist is refused as incompatible there.
    regional = endpoint.client(region_name="us-west-2")
    with pytest.raises(ClientError) as exc:
        regional.create_bucket(Bucket=f"nowhere-{uuid.uuid4().hex[:10]}",
                               CreateBucketConfiguration={"LocationConstraint": "us-gov-east-2"})
    assert code(exc) == "IllegalLocationConstraintException"
    assert exc.value.response["Error"]["Message"] == (
        "The us-gov-east-2 location constraint is incompatible for the region specific "
        "endpoint this request was sent to.")


@pytest.mark.parametrize("rule", [
    {"ID": "both", "Filter": {}, "Status": "Enabled",
     "Expiration": {"Days": 1, "Date": "2030-01-01T00:00:00Z"}},
    {"ID": "marker-and-days", "Filter": {}, "Status": "Enabled",
     "Expiration": {"Days": 1, "ExpiredObjectDeleteMarker": True}},
    {"ID": "no-filter", "Status": "Enabled", "Expiration": {"Days": 1}},
    {"ID": "prefix-and-tag", "Status": "Enabled", "Expiration": {"Days": 1},
     "Filter": {"Prefix": "logs/", "Tag": {"Key": "k", "Value": "v"}}},
    {"ID": "tag-and-and", "Status": "Enabled", "Expiration": {"Days": 1},
     "Filter": {"Tag": {"Key": "k", "Value": "v"},
                "And": {"Prefix": "a/", "Tags": [{"Key": "k", "Value": "v"}]}}},
    {"ID": "transition-without-class", "Filter": {}, "Status": "Enabled",
     "Transitions": [{"Days": 30}]},
    {"ID": "transition-days-and-date", "Filter": {}, "Status": "Enabled",
     "Transitions": [{"Days": 30, "Date": "2030-01-01T00:00:00Z", "StorageClass": "GLACIER"}]},
    {"ID": "noncurrent-without-days", "Filter": {}, "Status": "Enabled",
     "NoncurrentVersionTransitions": [{"StorageClass": "GLACIER"}]},
    {"ID": "noncurrent-without-class", "Filter": {}, "Status": "Enabled",
     "NoncurrentVersionTransitions": [{"NoncurrentDays": 30}]},
])
def test_lifecycle_rules_outside_the_schema(s3, bucket, rule):
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_lifecycle_configuration(Bucket=bucket,
                                              LifecycleConfiguration={"Rules": [rule]})
    assert code(exc) == "MalformedXML"
    with pytest.raises(ClientError):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)


@pytest.mark.parametrize("where, named", [(None, "unspecified"),
                                          ({"LocationConstraint": "eu-west-1"}, "eu-west-1")])
def test_a_regional_endpoint_creates_buckets_in_its_region_only(endpoint, where, named):
    name = f"regional-{uuid.uuid4().hex[:10]}"
    regional = endpoint.client(region_name="eu-central-1")
    with pytest.raises(ClientError) as exc:
        regional.create_bucket(Bucket=name, **({"CreateBucketConfiguration": where}
                                               if where else {}))
    assert code(exc) == "IllegalLocationConstraintException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert exc.value.response["Error"]["Message"] == (
        f"The {named} location constraint is incompatible for the region specific endpoint "
        "this request was sent to.")
    assert name not in [b["Name"] for b in regional.list_buckets()["Buckets"]]
    regional.create_bucket(Bucket=name,
                           CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    try:
        assert regional.head_bucket(Bucket=name)["BucketRegion"] == "eu-central-1"
    finally:
        regional.delete_bucket(Bucket=name)
