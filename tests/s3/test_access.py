"""S3's access model for new buckets, through boto3: requests without credentials, Block
Public Access, Object Ownership and ACLs."""
from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from botocore import UNSIGNED
from botocore.exceptions import ClientError

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
OPEN = {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False}


@pytest.fixture(scope="module")
def anonymous(endpoint) -> Any:
    return endpoint.client(signature_version=UNSIGNED)


def error(exc: pytest.ExceptionInfo) -> tuple[int, str, str]:
    response = exc.value.response
    return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
            response["Error"].get("Message", ""))


def public_read(bucket: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*"}]})


def acls_enabled(s3: Any, bucket: str, block: dict | None = None) -> None:
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=block or OPEN)
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})


# ------------------------------------------------------------------ without credentials

def test_a_private_object_is_denied_to_anyone(s3, anonymous, bucket, endpoint):
    s3.put_object(Bucket=bucket, Key="k", Body=b"secret")
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket=bucket, Key="k")
    assert error(exc) == (403, "AccessDenied", "Access Denied")
    head = httpx.head(f"{endpoint.url}/{bucket}/k")
    assert head.status_code == 403 and head.content == b""
    for call in (lambda: anonymous.list_objects_v2(Bucket=bucket),
                 lambda: anonymous.put_object(Bucket=bucket, Key="n", Body=b"x"),
                 lambda: anonymous.delete_object(Bucket=bucket, Key="k"),
                 lambda: anonymous.get_bucket_policy(Bucket=bucket),
                 lambda: anonymous.list_buckets(),
                 lambda: anonymous.create_bucket(Bucket=f"anon-{uuid.uuid4().hex[:8]}")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc)[:2] == (403, "AccessDenied")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"secret"


def test_a_missing_bucket_is_missing_to_anyone(anonymous):
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket=f"none-{uuid.uuid4().hex[:8]}", Key="k")
    assert error(exc)[:2] == (404, "NoSuchBucket")


def test_a_public_policy_lets_anyone_read(s3, anonymous, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"open")
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=public_read(bucket))
    assert anonymous.get_object(Bucket=bucket, Key="k")["Body"].read() == b"open"
    assert anonymous.head_object(Bucket=bucket, Key="k")["ContentLength"] == 4
    with pytest.raises(ClientError) as exc:          # the policy grants reading alone
        anonymous.put_object(Bucket=bucket, Key="k", Body=b"changed")
    assert error(exc)[:2] == (403, "AccessDenied")
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        **OPEN, "RestrictPublicBuckets": True})
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket=bucket, Key="k")
    assert error(exc)[:2] == (403, "AccessDenied")
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True


def test_a_policy_can_let_anyone_write(s3, anonymous, bucket):
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:PutObject"],
        "Resource": f"arn:aws:s3:::{bucket}/drop/*"}]}))
    anonymous.put_object(Bucket=bucket, Key="drop/a", Body=b"x")
    with pytest.raises(ClientError) as exc:
        anonymous.put_object(Bucket=bucket, Key="elsewhere", Body=b"x")
    assert error(exc)[:2] == (403, "AccessDenied")
    assert s3.get_object(Bucket=bucket, Key="drop/a")["Body"].read() == b"x"


# ------------------------------------------------------------------ Block Public Access

def test_a_new_bucket_blocks_public_access(s3, bucket):
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True}
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_policy(Bucket=bucket, Policy=public_read(bucket))
    status, code, message = error(exc)
    assert (status, code) == (403, "AccessDenied")
    assert message.endswith(f'is not authorized to perform: s3:PutBucketPolicy on resource: '
                            f'"arn:aws:s3:::{bucket}" because public policies are blocked by '
                            'the BlockPublicPolicy block public access setting.')
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_policy(Bucket=bucket)
    assert error(exc)[1] == "NoSuchBucketPolicy"


def test_public_access_block_round_trip(s3, bucket):
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicPolicy": False})
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False}
    s3.put_bucket_policy(Bucket=bucket, Policy=public_read(bucket))
    deleted = s3.delete_public_access_block(Bucket=bucket)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        s3.get_public_access_block(Bucket=bucket)
    assert error(exc) == (404, "NoSuchPublicAccessBlockConfiguration",
                          "The public access block configuration was not found")


def test_an_empty_public_access_block_is_refused(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={})
    assert error(exc) == (400, "InvalidRequest", "Must specify at least one configuration.")


# ------------------------------------------------------------------ Object Ownership, ACLs

def test_a_new_bucket_has_acls_disabled(s3, bucket):
    controls = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
    assert controls == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    for call in (lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="public-read"),
                 lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="private"),
                 lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x",
                                       GrantRead=f'uri="{ALL_USERS}"'),
                 lambda: s3.create_multipart_upload(Bucket=bucket, Key="k", ACL="public-read"),
                 lambda: s3.put_bucket_acl(Bucket=bucket, ACL="public-read")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc) == (400, "AccessControlListNotSupported",
                              "The bucket does not allow ACLs")
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    for call in (lambda: s3.put_object_acl(Bucket=bucket, Key="k", ACL="public-read"),
                 lambda: s3.copy_object(Bucket=bucket, Key="c", ACL="public-read",
                                        CopySource={"Bucket": bucket, "Key": "k"})):
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc)[:2] == (400, "AccessControlListNotSupported")
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    acl = s3.get_object_acl(Bucket=bucket, Key="k")
    assert [g["Permission"] for g in acl["Grants"]] == ["FULL_CONTROL"]
    assert acl["Grants"][0]["Grantee"]["ID"] == acl["Owner"]["ID"]
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 1


def test_ownership_controls_round_trip(s3, bucket):
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_ownership_controls(Bucket=bucket)
    assert error(exc) == (404, "OwnershipControlsNotFoundError",
                          "The bucket ownership controls were not found")


def test_create_bucket_names_its_ownership_and_acl(s3):
    name = f"own-{uuid.uuid4().hex[:10]}"
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket=name, ACL="public-read")
    assert error(exc) == (400, "InvalidBucketAclWithObjectOwnership",
                          "Bucket cannot have ACLs set with ObjectOwnership's "
                          "BucketOwnerEnforced setting")
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket=name, ACL="public-read", ObjectOwnership="ObjectWriter")
    assert error(exc) == (400, "InvalidBucketAclWithBlockPublicAccessError",
                          "Bucket cannot have public ACLs set with BlockPublicAccess enabled")
    s3.create_bucket(Bucket=name, ACL="private", ObjectOwnership="ObjectWriter")
    try:
        assert s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"] == {
            "Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    finally:
        s3.delete_bucket(Bucket=name)


def test_a_public_read_object_is_read_by_anyone_where_acls_count(s3, anonymous, bucket):
    acls_enabled(s3, bucket)
    s3.put_object(Bucket=bucket, Key="open", Body=b"x", ACL="public-read")
    s3.put_object(Bucket=bucket, Key="closed", Body=b"x")
    grants = s3.get_object_acl(Bucket=bucket, Key="open")["Grants"]
    assert grants[1:] == [{"Grantee": {"Type": "Group", "URI": ALL_USERS},
                           "Permission": "READ"}]
    assert anonymous.get_object(Bucket=bucket, Key="open")["Body"].read() == b"x"
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket=bucket, Key="closed")
    assert error(exc)[:2] == (403, "AccessDenied")
    s3.put_object_acl(Bucket=bucket, Key="closed", ACL="public-read")
    assert anonymous.get_object(Bucket=bucket, Key="closed")["Body"].read() == b"x"
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        **OPEN, "IgnorePublicAcls": True})
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket=bucket, Key="open")
    assert error(exc)[:2] == (403, "AccessDenied")


def test_block_public_acls_refuses_public_acls(s3, bucket):
    acls_enabled(s3, bucket, {**OPEN, "BlockPublicAcls": True})
    for call in (lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="public-read"),
                 lambda: s3.put_bucket_acl(Bucket=bucket, ACL="public-read-write"),
                 lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x",
                                       GrantRead=f'uri="{ALL_USERS}"')):
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc) == (403, "AccessDenied", "Access Denied")
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="private")


def test_a_bucket_acl_is_kept_and_shown(s3, anonymous, bucket):
    acls_enabled(s3, bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    acl = s3.get_bucket_acl(Bucket=bucket)
    assert acl["Grants"][1:] == [{"Grantee": {"Type": "Group", "URI": ALL_USERS},
                                  "Permission": "READ"}]
    assert [o["Key"] for o in anonymous.list_objects_v2(Bucket=bucket)["Contents"]] == ["k"]
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
            "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    assert error(exc)[:2] == (400, "InvalidBucketAclWithObjectOwnership")
    s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy={"Owner": acl["Owner"],
                                                          "Grants": acl["Grants"][:1]})
    assert len(s3.get_bucket_acl(Bucket=bucket)["Grants"]) == 1


def test_a_canned_acl_and_grants_together_are_refused(s3, bucket):
    acls_enabled(s3, bucket)
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="private",
                      GrantRead='id="someone"')
    assert error(exc) == (400, "InvalidRequest",
                          "Specifying both Canned ACLs and Header Grants is not allowed")


def test_an_upload_keeps_its_acl(s3, anonymous, bucket):
    acls_enabled(s3, bucket)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="m", ACL="public-read")
    part = s3.upload_part(Bucket=bucket, Key="m", UploadId=upload["UploadId"], PartNumber=1,
                          Body=b"data")
    s3.complete_multipart_upload(Bucket=bucket, Key="m", UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1,
                                                             "ETag": part["ETag"]}]})
    assert anonymous.get_object(Bucket=bucket, Key="m")["Body"].read() == b"data"


def test_an_acl_of_grant_headers_leaves_the_owner_its_rights(s3, anonymous, bucket):
    # Without the owner's FULL_CONTROL among its grants, the owner may still do anything.
    acls_enabled(s3, bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", GrantRead=f'uri="{ALL_USERS}"')
    s3.put_bucket_acl(Bucket=bucket, GrantRead=f'uri="{ALL_USERS}"')
    assert [g["Grantee"].get("URI") for g in s3.get_object_acl(Bucket=bucket,
                                                               Key="k")["Grants"]] == [ALL_USERS]
    assert anonymous.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    assert [o["Key"] for o in anonymous.list_objects_v2(Bucket=bucket)["Contents"]] == ["k"]
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    s3.put_object(Bucket=bucket, Key="k2", Body=b"y")
    s3.put_object_acl(Bucket=bucket, Key="k", ACL="private")
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket=bucket, Key="k")
    assert error(exc)[:2] == (403, "AccessDenied")


def test_only_a_signed_read_may_choose_its_response_headers(s3, anonymous, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"open")
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=public_read(bucket))
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket=bucket, Key="k", ResponseContentDisposition="attachment")
    assert error(exc) == (400, "InvalidRequest", "Request specific response headers cannot be "
                                                 "used for anonymous GET requests.")
    with pytest.raises(ClientError) as exc:        # a HEAD's answer has no body to say why
        anonymous.head_object(Bucket=bucket, Key="k", ResponseContentType="text/plain")
    assert error(exc)[0] == 400
    signed = s3.get_object(Bucket=bucket, Key="k", ResponseContentType="text/plain")
    assert signed["ContentType"] == "text/plain"


def test_a_policy_allowing_everyone_but_named_principals_is_public(s3, anonymous, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"open")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]})
    with pytest.raises(ClientError) as exc:            # public, so Block Public Access stops it
        s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    assert error(exc)[:2] == (403, "AccessDenied")
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True
    assert anonymous.get_object(Bucket=bucket, Key="k")["Body"].read() == b"open"


def test_a_deny_for_everyone_but_named_principals_reaches_anonymous_callers(s3, anonymous,
                                                                           bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"open")
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        json.loads(public_read(bucket))["Statement"][0],
        {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
         "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket=bucket, Key="k")
    assert error(exc)[:2] == (403, "AccessDenied")
