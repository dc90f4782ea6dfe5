"""The access model of a new bucket: Block Public Access, Object Ownership, ACLs, and what
anyone may do without credentials."""
from __future__ import annotations

import json

import pytest

from fogbank.objects import Acl, BucketConfig, CopyObject, CopySource, CreateUpload, errors
from fogbank.objects.access import ALL_USERS, canned_grants, dump, from_document, load

pytestmark = pytest.mark.anyio
PUBLIC_READ = Acl(canned_grants("public-read"), "public-read")
OPEN = {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False}


def public_policy(bucket: str, action: str = "s3:GetObject") -> str:
    return json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": action,
                                      "Resource": f"arn:aws:s3:::{bucket}/*"}]})


async def test_a_new_bucket_blocks_public_access_and_disables_acls(engine, bucket):
    assert await engine.configs.get(bucket, BucketConfig.PUBLIC_ACCESS_BLOCK) == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True}
    assert await engine.configs.get(bucket, BucketConfig.OWNERSHIP) == {
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    with pytest.raises(errors.AccessDenied) as refused:
        await engine.configs.put(bucket, BucketConfig.POLICY, public_policy(bucket))
    assert "because public policies are blocked by the BlockPublicPolicy block public " \
        "access setting." in refused.value.message


async def test_a_deleted_block_is_no_such_configuration(engine, bucket):
    await engine.configs.delete(bucket, BucketConfig.PUBLIC_ACCESS_BLOCK)
    with pytest.raises(errors.NoSuchPublicAccessBlockConfiguration):
        await engine.configs.get(bucket, BucketConfig.PUBLIC_ACCESS_BLOCK)
    await engine.configs.put(bucket, BucketConfig.POLICY, public_policy(bucket))
    assert await engine.anonymous.allows(bucket, "s3:GetObject", "a")


async def test_restrict_public_buckets_takes_a_public_policy_from_anyone(engine, bucket):
    await engine.configs.put(bucket, BucketConfig.PUBLIC_ACCESS_BLOCK,
                             {**OPEN, "RestrictPublicBuckets": True})
    await engine.configs.put(bucket, BucketConfig.POLICY, public_policy(bucket))
    assert not await engine.anonymous.allows(bucket, "s3:GetObject", "a")


async def test_acls_are_refused_while_disabled(engine, bucket, s3):
    with pytest.raises(errors.AccessControlListNotSupported):
        await s3.put(bucket, "k", b"x", acl=PUBLIC_READ)
    with pytest.raises(errors.AccessControlListNotSupported):
        await engine.uploads.create(CreateUpload(bucket, "k", acl=Acl((), "private")))
    await s3.put(bucket, "k", b"x", acl=Acl((), "bucket-owner-full-control"))
    assert await s3.get(bucket, "k") == b"x"


async def test_a_public_object_acl_is_read_by_anyone_unless_ignored(engine, bucket, s3):
    await engine.configs.put(bucket, BucketConfig.PUBLIC_ACCESS_BLOCK, OPEN)
    await engine.configs.put(bucket, BucketConfig.OWNERSHIP,
                             {"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    await s3.put(bucket, "open", b"x", acl=PUBLIC_READ)
    await s3.put(bucket, "closed", b"x", acl=Acl((), "private"))
    assert await engine.anonymous.allows(bucket, "s3:GetObject", "open")
    assert not await engine.anonymous.allows(bucket, "s3:GetObject", "closed")
    assert not await engine.anonymous.allows(bucket, "s3:PutObject", "open")
    await engine.configs.put(bucket, BucketConfig.PUBLIC_ACCESS_BLOCK,
                             {**OPEN, "IgnorePublicAcls": True})
    assert not await engine.anonymous.allows(bucket, "s3:GetObject", "open")


async def test_block_public_acls_refuses_a_public_acl(engine, bucket, s3):
    await engine.configs.put(bucket, BucketConfig.OWNERSHIP,
                             {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    with pytest.raises(errors.AccessDenied):
        await s3.put(bucket, "k", b"x", acl=PUBLIC_READ)
    with pytest.raises(errors.AccessDenied):
        await engine.configs.put(bucket, BucketConfig.ACL, {"Grants": list(PUBLIC_READ.grants)})


async def test_acls_cannot_be_disabled_while_the_bucket_acl_grants_others(engine, bucket):
    await engine.configs.put(bucket, BucketConfig.PUBLIC_ACCESS_BLOCK, OPEN)
    await engine.configs.put(bucket, BucketConfig.OWNERSHIP,
                             {"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    await engine.configs.put(bucket, BucketConfig.ACL, {"Grants": [
        {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"}]})
    assert await engine.anonymous.allows(bucket, "s3:ListBucket")
    with pytest.raises(errors.InvalidBucketAclWithObjectOwnership):
        await engine.configs.put(bucket, BucketConfig.OWNERSHIP,
                                 {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})


async def test_create_bucket_with_an_acl(engine):
    with pytest.raises(errors.InvalidBucketAclWithObjectOwnership):
        await engine.buckets.create("acl-a", acl=PUBLIC_READ)
    with pytest.raises(errors.InvalidBucketAclWithBlockPublicAccessError):
        await engine.buckets.create("acl-b", ownership="ObjectWriter", acl=PUBLIC_READ)
    await engine.buckets.create("acl-c", acl=Acl((), "private"))
    assert [b.name for b in await engine.buckets.list()] == ["acl-c"]


async def test_a_copy_does_not_keep_the_source_acl(engine, bucket, s3):
    await engine.configs.put(bucket, BucketConfig.PUBLIC_ACCESS_BLOCK, OPEN)
    await engine.configs.put(bucket, BucketConfig.OWNERSHIP,
                             {"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    await s3.put(bucket, "src", b"x", acl=PUBLIC_READ)
    await engine.objects.copy(CopyObject(CopySource(bucket, "src"), bucket, "dst"))
    assert not await engine.anonymous.allows(bucket, "s3:GetObject", "dst")


def test_acls_kept_before_the_owner_flag_still_hold_the_owners_grant():
    # Records and bucket documents written before "OwnerGrant" existed answer as they did.
    read = {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"}
    assert load(json.dumps([read])) == Acl((read,))
    assert load(None) == Acl()
    assert from_document({"Grants": [read]}) == Acl((read,))
    only = Acl((read,), owner=False)
    assert load(dump(only)) == only
    assert dump(Acl((read,))) == json.dumps([read], separators=(",", ":"))
