"""Bucket policy status and Block Public Access, from Ceph's s3-tests
(s3tests_boto3/functional/test_s3.py, run against AWS too), for the tests that need no
second user; where s3-tests reads with the second user, an anonymous caller reads here (both
are someone other than the owner). The rest is in test_access.py."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.s3.test_access import OPEN, acls_enabled, anonymous, error, public_read  # noqa: F401


def policy(bucket: str, **extra: object) -> str:
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket",
                 "Resource": f"arn:aws:s3:::{bucket}", **extra}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.mark.parametrize("extra, public", [
    ({}, True),                                                       # _publicpolicy_acl_
    ({"Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/32"}}}, False),   # _nonpublicpolicy_
    ({"Principal": {"AWS": "arn:aws:iam::111122223333:root"}}, False),  # _nonpublicpolicy_principal_
])
def test_the_policy_status_says_whether_anyone_is_let_in(s3, bucket, extra, public):
    # test_get_publicpolicy_acl_bucket_policy_status, test_get_nonpublicpolicy_acl_bucket_
    # policy_status, test_get_nonpublicpolicy_principal_bucket_policy_status
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=OPEN)
    s3.put_bucket_policy(Bucket=bucket, Policy=policy(bucket, **extra))
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is public


def test_block_public_policy_lets_a_policy_naming_its_principal_in(s3, bucket):
    # test_block_public_policy_with_principal
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        **OPEN, "BlockPublicPolicy": True})
    s3.put_bucket_policy(Bucket=bucket, Policy=policy(
        bucket, Principal={"AWS": "arn:aws:iam::111122223333:root"}))
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_policy(Bucket=bucket, Policy=policy(bucket))
    assert error(exc)[:2] == (403, "AccessDenied")


def test_ignore_public_acls_stops_what_public_acls_allowed(s3, anonymous, bucket):
    # test_ignore_public_acls
    acls_enabled(s3, bucket)
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    s3.put_object(Bucket=bucket, Key="key1", Body=b"abcde", ACL="public-read")
    assert anonymous.list_objects_v2(Bucket=bucket)["KeyCount"] == 1
    assert anonymous.get_object(Bucket=bucket, Key="key1")["Body"].read() == b"abcde"
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        **OPEN, "IgnorePublicAcls": True})
    for call in (lambda: anonymous.list_objects_v2(Bucket=bucket),
                 lambda: anonymous.get_object(Bucket=bucket, Key="key1")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc)[:2] == (403, "AccessDenied")
    assert s3.get_object(Bucket=bucket, Key="key1")["Body"].read() == b"abcde"


def test_restrict_public_buckets_stops_what_a_public_policy_allowed(s3, anonymous, bucket):
    # test_block_public_restrict_public_buckets
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=OPEN)
    s3.put_bucket_policy(Bucket=bucket, Policy=public_read(bucket))
    s3.put_object(Bucket=bucket, Key="key1", Body=b"abcde")
    assert anonymous.get_object(Bucket=bucket, Key="key1")["Body"].read() == b"abcde"
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        **OPEN, "RestrictPublicBuckets": True})
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket=bucket, Key="key1")
    assert error(exc)[:2] == (403, "AccessDenied")
    assert s3.get_object(Bucket=bucket, Key="key1")["Body"].read() == b"abcde"
