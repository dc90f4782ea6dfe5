"""What DescribeTable reports of settings given to CreateTable and UpdateTable: encryption
(SSEDescription) and on-demand throughput limits."""
from __future__ import annotations

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


def test_the_default_encryption_is_not_described(ddb, table) -> None:
    assert "SSEDescription" not in ddb.describe_table(TableName=table)["Table"]


def test_a_kms_encrypted_table_describes_its_key(ddb, make_table) -> None:
    name = make_table(SSESpecification={"Enabled": True, "SSEType": "KMS"})
    described = ddb.describe_table(TableName=name)["Table"]["SSEDescription"]
    assert described["Status"] == "ENABLED"
    assert described["SSEType"] == "KMS"
    assert described["KMSMasterKeyArn"].startswith("arn:aws:kms:us-east-1:")


def test_create_table_answers_with_the_encryption_it_was_given(ddb, make_table) -> None:
    name = make_table(SSESpecification={"Enabled": True, "SSEType": "KMS",
                                        "KMSMasterKeyId": KEY_ID})
    described = ddb.describe_table(TableName=name)["Table"]["SSEDescription"]
    assert described["KMSMasterKeyArn"].endswith(f":key/{KEY_ID}")


def test_update_table_changes_and_removes_the_encryption(ddb, table) -> None:
    answer = ddb.update_table(TableName=table, SSESpecification={
        "Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": KEY_ID})
    assert answer["TableDescription"]["SSEDescription"]["KMSMasterKeyArn"].endswith(KEY_ID)
    assert ddb.describe_table(TableName=table)["Table"]["SSEDescription"]["Status"] == "ENABLED"
    ddb.update_table(TableName=table, SSESpecification={"Enabled": False})
    assert "SSEDescription" not in ddb.describe_table(TableName=table)["Table"]


def test_on_demand_throughput_limits_are_described(ddb, make_table) -> None:
    name = make_table(OnDemandThroughput={"MaxReadRequestUnits": 5})
    described = ddb.describe_table(TableName=name)["Table"]
    # A limit not given reads -1: none.
    assert described["OnDemandThroughput"] == {"MaxReadRequestUnits": 5,
                                               "MaxWriteRequestUnits": -1}
    ddb.update_table(TableName=name, OnDemandThroughput={"MaxWriteRequestUnits": 7})
    assert ddb.describe_table(TableName=name)["Table"]["OnDemandThroughput"] == {
        "MaxReadRequestUnits": 5, "MaxWriteRequestUnits": 7}
