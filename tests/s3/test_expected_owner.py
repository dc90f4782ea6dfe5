"""x-amz-expected-bucket-owner and x-amz-source-expected-bucket-owner: a request naming
another account than the bucket's owner is refused with 403 AccessDenied."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.s3.conftest import CREDENTIALS

OTHER_ACCOUNT = "111122223333"


@pytest.fixture(scope="module")
def account(endpoint) -> str:
    sts = boto3.client("sts", endpoint_url=endpoint.url, **CREDENTIALS)
    return sts.get_caller_identity()["Account"]


def status_and_code(exc: pytest.ExceptionInfo) -> tuple[int, str]:
    response = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


def test_the_owner_named_rightly_is_served(s3, bucket, account):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ExpectedBucketOwner=account)
    assert s3.get_object(Bucket=bucket, Key="k",
                         ExpectedBucketOwner=account)["Body"].read() == b"x"
    s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=account)


def test_another_owner_is_access_denied(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    for call, params in ((s3.get_object, {"Key": "k"}), (s3.put_object, {"Key": "n"}),
                         (s3.list_objects_v2, {}), (s3.delete_object, {"Key": "k"})):
        with pytest.raises(ClientError) as exc:
            call(Bucket=bucket, ExpectedBucketOwner=OTHER_ACCOUNT, **params)
        assert status_and_code(exc) == (403, "AccessDenied")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["k"]


def test_a_copy_from_a_source_of_another_owner_is_access_denied(s3, bucket, account):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "k"},
                       ExpectedSourceBucketOwner=OTHER_ACCOUNT)
    assert status_and_code(exc) == (403, "AccessDenied")
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "k"},
                   ExpectedSourceBucketOwner=account, ExpectedBucketOwner=account)


def test_a_bucket_that_does_not_exist_is_still_missing(s3):
    with pytest.raises(ClientError) as exc:
        s3.list_objects_v2(Bucket="fogbank-no-such-bucket", ExpectedBucketOwner=OTHER_ACCOUNT)
    assert status_and_code(exc) == (404, "NoSuchBucket")
