"""A key that does not exist, asked for without credentials: S3 answers NoSuchKey (404) only
where anyone may also list the bucket, and AccessDenied (403) where a bucket policy lets
anyone read objects but not list them, so that keys cannot be probed by reading them."""
from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from botocore import UNSIGNED
from botocore.exceptions import ClientError


@pytest.fixture(scope="module")
def anonymous(endpoint) -> Any:
    return endpoint.client(signature_version=UNSIGNED)


def readable(s3: Any, bucket: str, *, listable: bool) -> None:
    """A bucket policy letting anyone read its objects and, when `listable`, list it."""
    statements = [{"Effect": "Allow", "Principal": "*",
                   "Action": ["s3:GetObject", "s3:GetObjectAttributes"],
                   "Resource": f"arn:aws:s3:::{bucket}/*"}]
    if listable:
        statements.append({"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket",
                           "Resource": f"arn:aws:s3:::{bucket}"})
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}))


def refusal(call: Any) -> tuple[int, str]:
    with pytest.raises(ClientError) as exc:
        call()
    response = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


@pytest.mark.parametrize("listable, refused", [(False, (403, "AccessDenied", "403")),
                                               (True, (404, "NoSuchKey", "404"))])
def test_a_missing_key_is_missing_only_where_anyone_may_list(s3, anonymous, bucket, endpoint,
                                                              listable, refused):
    status, code, head_code = refused
    s3.put_object(Bucket=bucket, Key="there", Body=b"here")
    readable(s3, bucket, listable=listable)
    assert anonymous.get_object(Bucket=bucket, Key="there")["Body"].read() == b"here"
    assert refusal(lambda: anonymous.get_object(Bucket=bucket, Key="nothing")) == (status, code)
    assert refusal(lambda: anonymous.head_object(Bucket=bucket, Key="nothing")) == \
        (status, head_code)
    assert refusal(lambda: anonymous.get_object_attributes(
        Bucket=bucket, Key="nothing", ObjectAttributes=["ETag"])) == (status, code)
    body = httpx.get(f"{endpoint.url}/{bucket}/nothing").content
    assert f"<Code>{code}</Code>".encode() in body
    assert (b"<Key>nothing</Key>" in body) == listable


def test_a_signed_request_learns_the_key_is_missing(s3, bucket):
    # Fogbank has no IAM: a signed caller may do anything, listing the bucket included.
    readable(s3, bucket, listable=False)
    assert refusal(lambda: s3.get_object(Bucket=bucket, Key="nothing")) == (404, "NoSuchKey")
    assert refusal(lambda: s3.head_object(Bucket=bucket, Key="nothing")) == (404, "404")


def test_a_key_made_after_a_refusal_is_served(s3, anonymous, bucket):
    readable(s3, bucket, listable=False)
    assert refusal(lambda: anonymous.get_object(Bucket=bucket, Key="later"))[0] == 403
    s3.put_object(Bucket=bucket, Key="later", Body=b"now")
    assert anonymous.get_object(Bucket=bucket, Key="later")["Body"].read() == b"now"
