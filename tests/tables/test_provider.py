"""AWS::DynamoDB::Table through its resource provider: create, update in place, replace, delete."""
from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.deploy.providers.tables import TableProvider
from fogbank.tables.errors import ResourceNotFoundException
from fogbank.types import Resource


def resource(**props) -> Resource:
    base = {"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST"}
    return Resource("Things", "AWS::DynamoDB::Table", {**base, **props}, Path("."), "app")


@pytest.fixture
def provider(engine):
    return TableProvider(engine.control)


def test_generated_name_arn_and_stream_arn(provider, engine):
    deployed = provider.create(resource(StreamSpecification={"StreamViewType": "KEYS_ONLY"},
                                        TimeToLiveSpecification={"AttributeName": "exp", "Enabled": True}))
    assert deployed.physical_id.startswith("app-Things-")
    assert deployed.attributes["Arn"].endswith(f":table/{deployed.physical_id}")
    assert "/stream/" in deployed.attributes["StreamArn"]
    ttl = engine.control.describe_time_to_live({"TableName": deployed.physical_id})
    assert ttl["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED"


def test_update_adds_an_index_in_place(provider, engine):
    old = resource(TableName="things")
    deployed = provider.create(old)
    new = resource(TableName="things", AttributeDefinitions=[
        {"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "byg", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}])
    updated = provider.update(old, deployed, new)
    assert updated.physical_id == "things"
    table = engine.control.describe({"TableName": "things"})["Table"]
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["byg"]


def test_an_update_changing_indexes_billing_and_stream_at_once(provider, engine):
    """DynamoDB takes these changes in separate UpdateTable requests; the provider splits
    one template change into them."""
    def index(name, key):
        return {"IndexName": name, "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}}
    defs = [{"AttributeName": n, "AttributeType": "S"} for n in ("id", "a", "b", "c")]
    old = resource(TableName="busy", AttributeDefinitions=defs[:3],
                   GlobalSecondaryIndexes=[index("bya", "a"), index("byb", "b")])
    deployed = provider.create(old)
    new = resource(TableName="busy", AttributeDefinitions=[defs[0], defs[3]],
                   BillingMode="PROVISIONED",
                   ProvisionedThroughput={"ReadCapacityUnits": "3", "WriteCapacityUnits": "3"},
                   GlobalSecondaryIndexes=[dict(index("byc", "c"), ProvisionedThroughput={
                       "ReadCapacityUnits": "1", "WriteCapacityUnits": "1"})],
                   StreamSpecification={"StreamViewType": "NEW_IMAGE"})
    provider.update(old, deployed, new)
    table = engine.control.describe({"TableName": "busy"})["Table"]
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["byc"]
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"


def test_a_new_key_schema_replaces_the_table(provider, engine):
    old = resource(TableName="first")
    deployed = provider.create(old)
    new = resource(TableName="second")
    assert provider.update(old, deployed, new).physical_id == "second"
    with pytest.raises(ResourceNotFoundException):
        engine.control.describe({"TableName": "first"})


def test_delete_is_idempotent_and_restore_recreates_a_missing_table(provider, engine):
    res = resource(TableName="gone", ProvisionedThroughput={"ReadCapacityUnits": "5",
                                                            "WriteCapacityUnits": "5"},
                   BillingMode="PROVISIONED")
    deployed = provider.create(res)
    provider.delete(res, deployed)
    provider.delete(res, deployed)
    provider.restore(res, deployed)
    table = engine.control.describe({"TableName": "gone"})["Table"]
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 5


def test_sse_specification_is_kept_and_changed_in_place(provider, engine):
    # CloudFormation's SSEEnabled is the API's Enabled: a KMS key, the AWS managed one
    # unless the template names another; turning it off goes back to the owned key.
    old = resource(TableName="secret", SSESpecification={"SSEEnabled": True})
    deployed = provider.create(old)
    sse = engine.control.describe({"TableName": "secret"})["Table"]["SSEDescription"]
    assert (sse["Status"], sse["SSEType"]) == ("ENABLED", "KMS")
    assert sse["KMSMasterKeyArn"].startswith("arn:aws:kms:")
    named = resource(TableName="secret", SSESpecification={
        "SSEEnabled": "true", "SSEType": "KMS", "KMSMasterKeyId": "alias/mine"})
    provider.update(old, deployed, named)
    sse = engine.control.describe({"TableName": "secret"})["Table"]["SSEDescription"]
    assert sse["KMSMasterKeyArn"].endswith(":alias/mine")
    provider.update(named, deployed, resource(TableName="secret"))
    assert "SSEDescription" not in engine.control.describe({"TableName": "secret"})["Table"]
    provider.update(resource(TableName="secret"), deployed,
                    resource(TableName="secret", SSESpecification={"SSEEnabled": False}))
    assert "SSEDescription" not in engine.control.describe({"TableName": "secret"})["Table"]
