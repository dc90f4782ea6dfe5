"""Resource-based policies on tables and streams, in the engine."""
from __future__ import annotations

import json

import pytest

from fogbank.tables.errors import (PolicyNotFoundException, ResourceNotFoundException,
                                   ValidationException)

from .conftest import make_table

ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/tbl"
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
    "Action": "dynamodb:GetItem", "Resource": ARN}]})
OTHER = POLICY.replace("GetItem", "PutItem")


def test_a_policy_is_kept_with_its_revision(db, clock):
    make_table(db, "tbl")
    with pytest.raises(PolicyNotFoundException, match=(
            f"^Resource-based policy not found for the provided ResourceArn: {ARN}$")):
        db.get_resource_policy(ResourceArn=ARN)
    first = db.put_resource_policy(ResourceArn=ARN, Policy=POLICY)["RevisionId"]
    assert db.get_resource_policy(ResourceArn=ARN) == {"Policy": POLICY, "RevisionId": first}
    # The same document again is the same revision; another is a new one, even at once.
    assert db.put_resource_policy(ResourceArn=ARN, Policy=POLICY)["RevisionId"] == first
    second = db.put_resource_policy(ResourceArn=ARN, Policy=OTHER)["RevisionId"]
    assert second != first
    assert db.get_resource_policy(ResourceArn=ARN)["Policy"] == OTHER
    assert db.delete_resource_policy(ResourceArn=ARN)["RevisionId"] == second
    with pytest.raises(PolicyNotFoundException):
        db.get_resource_policy(ResourceArn=ARN)
    with pytest.raises(PolicyNotFoundException):
        db.delete_resource_policy(ResourceArn=ARN)


def test_expected_revision_makes_a_change_conditional(db):
    make_table(db, "tbl")
    with pytest.raises(PolicyNotFoundException):
        db.put_resource_policy(ResourceArn=ARN, Policy=POLICY, ExpectedRevisionId="123")
    first = db.put_resource_policy(ResourceArn=ARN, Policy=POLICY,
                                   ExpectedRevisionId="NO_POLICY")["RevisionId"]
    with pytest.raises(PolicyNotFoundException, match=(
            "Requested policy update expecting none to be present for table tbl, but a "
            f"policy exists with revision id {first}.$")):
        db.put_resource_policy(ResourceArn=ARN, Policy=OTHER, ExpectedRevisionId="NO_POLICY")
    with pytest.raises(PolicyNotFoundException, match=f"has revision id {first}"):
        db.put_resource_policy(ResourceArn=ARN, Policy=OTHER, ExpectedRevisionId="1")
    second = db.put_resource_policy(ResourceArn=ARN, Policy=OTHER, ExpectedRevisionId=first,
                                    ConfirmRemoveSelfResourceAccess=True)["RevisionId"]
    with pytest.raises(PolicyNotFoundException):
        db.delete_resource_policy(ResourceArn=ARN, ExpectedRevisionId=first)
    db.delete_resource_policy(ResourceArn=ARN, ExpectedRevisionId=second)


def test_streams_have_policies_of_their_own(db):
    make_table(db, "tbl", StreamSpecification={"StreamEnabled": True,
                                               "StreamViewType": "NEW_IMAGE"})
    stream = db.describe_table(TableName="tbl")["Table"]["LatestStreamArn"]
    db.put_resource_policy(ResourceArn=stream, Policy=POLICY)
    assert db.get_resource_policy(ResourceArn=stream)["Policy"] == POLICY
    with pytest.raises(PolicyNotFoundException):
        db.get_resource_policy(ResourceArn=ARN)
    with pytest.raises(ResourceNotFoundException):
        db.get_resource_policy(ResourceArn=f"{ARN}/stream/2000-01-01T00:00:00.000")


def test_a_policy_goes_with_its_table(db):
    make_table(db, "tbl")
    db.put_resource_policy(ResourceArn=ARN, Policy=POLICY)
    db.delete_table(TableName="tbl")
    with pytest.raises(ResourceNotFoundException):
        db.get_resource_policy(ResourceArn=ARN)
    make_table(db, "tbl")
    with pytest.raises(PolicyNotFoundException):
        db.get_resource_policy(ResourceArn=ARN)


@pytest.mark.parametrize("policy,message", [
    ("{not json", "not valid JSON"),
    ("[]", "at least one Statement"),
    (json.dumps({"Version": "2012-10-17"}), "at least one Statement"),
    (json.dumps({"Statement": [{"Sid": "x" * 21000}]}), "exceeds the maximum of 20480 bytes"),
])
def test_a_policy_that_is_not_a_policy_document_is_refused(db, policy, message):
    make_table(db, "tbl")
    with pytest.raises(ValidationException, match=message):
        db.put_resource_policy(ResourceArn=ARN, Policy=policy)


@pytest.mark.parametrize("arn,error", [
    ("tbl", ValidationException),
    (f"{ARN}/index/byg", ValidationException),
    ("arn:aws:dynamodb:us-east-1:000000000000:table/nope", ResourceNotFoundException),
])
def test_a_resource_that_is_not_a_table_or_stream(db, arn, error):
    make_table(db, "tbl")
    with pytest.raises(error):
        db.put_resource_policy(ResourceArn=arn, Policy=POLICY)
