"""UpdateTable's rules on what one request may change, and CreateTable's and UpdateTable's
checks of streams, encryption, throughput and on-demand limits, in DynamoDB's words."""
from __future__ import annotations

import pytest

INVALID = "One or more parameter values were invalid: "
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
PT = {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}


def _gsi(name: str, key: str, **extra) -> dict:
    return {"IndexName": name, "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}, **extra}


@pytest.fixture
def indexed(make_table) -> str:
    """An on-demand table with one GSI, gsi1 on a."""
    return make_table(attributes={"a": "S"}, GlobalSecondaryIndexes=[_gsi("gsi1", "a")])


@pytest.fixture
def provisioned(make_table) -> str:
    """A provisioned table (2/2) with one GSI, gsi1 on a (2/2)."""
    return make_table(attributes={"a": "S"}, BillingMode="PROVISIONED", ProvisionedThroughput=PT,
                      GlobalSecondaryIndexes=[_gsi("gsi1", "a", ProvisionedThroughput=PT)])


# ---------------------------------------------------------------- streams

def test_stream_view_type_rules_in_create_table_words(ddb, make_table, aws_error) -> None:
    with aws_error("ValidationException", INVALID + "Table is being created with a stream "
                   "enabled, UpdateViewType is required"):
        make_table(StreamSpecification={"StreamEnabled": True})
    with aws_error("ValidationException", INVALID + "Table is being created with a stream "
                   "disabled, UpdateViewType should not be specified"):
        make_table(StreamSpecification={"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"})


def test_stream_view_type_rules_in_update_table_words(ddb, table, aws_error) -> None:
    with aws_error("ValidationException",
                   INVALID + "If stream is being enabled then UpdateViewType is required"):
        ddb.update_table(TableName=table, StreamSpecification={"StreamEnabled": True})
    with aws_error("ValidationException", INVALID + "If stream is being disabled, then "
                   "UpdateViewType must not be specified"):
        ddb.update_table(TableName=table, StreamSpecification={
            "StreamEnabled": False, "StreamViewType": "KEYS_ONLY"})


def test_stream_enabled_is_required(raw_ddb, table, aws_error) -> None:
    with aws_error("ValidationException", "1 validation error detected: Value null at "
                   "'streamSpecification.streamEnabled' failed to satisfy constraint: Member "
                   "must not be null"):
        raw_ddb.update_table(TableName=table, StreamSpecification={"StreamViewType": "KEYS_ONLY"})


def test_a_disabled_stream_leaves_its_arn_but_no_specification(ddb, table) -> None:
    enabled = ddb.update_table(TableName=table, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})["TableDescription"]
    ddb.update_table(TableName=table, StreamSpecification={"StreamEnabled": False})
    described = ddb.describe_table(TableName=table)["Table"]
    assert "StreamSpecification" not in described
    assert described["LatestStreamArn"] == enabled["LatestStreamArn"]


# ---------------------------------------------------------------- encryption

def test_sse_type_alone_turns_kms_encryption_on(ddb, make_table) -> None:
    name = make_table(SSESpecification={"SSEType": "KMS"})
    assert ddb.describe_table(TableName=name)["Table"]["SSEDescription"]["Status"] == "ENABLED"
    plain = make_table(SSESpecification={})
    assert "SSEDescription" not in ddb.describe_table(TableName=plain)["Table"]


@pytest.mark.parametrize("spec, message", [
    ({"Enabled": False, "SSEType": "KMS"}, "SSEType can not be specified if Enabled is false"),
    ({"Enabled": False, "KMSMasterKeyId": KEY_ID},
     "KMSMasterKeyId can not be specified if Enabled is false"),
    ({"Enabled": True, "KMSMasterKeyId": KEY_ID},
     "SSEType KMS is required if KMSMasterKeyId is specified"),
    ({"Enabled": True, "SSEType": "AES256"}, "SSEType AES256 is not supported"),
])
def test_sse_specification_rules(make_table, aws_error, spec, message) -> None:
    with aws_error("ValidationException", INVALID + message):
        make_table(SSESpecification=spec)


def test_an_encryption_update_that_changes_nothing_is_refused(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", INVALID + "Table is already encrypted by default"):
        ddb.update_table(TableName=table, SSESpecification={"Enabled": False})
    spec = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": KEY_ID}
    ddb.update_table(TableName=table, SSESpecification=spec)
    with aws_error("ValidationException", INVALID + "Table is already encrypted with given "
                   "KMSMasterKeyId. Use KMSMasterKeyId parameter if you want to change Master Key"):
        ddb.update_table(TableName=table, SSESpecification=spec)


# ---------------------------------------------------------------- what travels together

@pytest.mark.parametrize("extra, message", [
    ({"SSESpecification": {"Enabled": True}},
     "Server-Side Encryption modification must be the only operation in the request"),
    ({"TableClass": "STANDARD_INFREQUENT_ACCESS"},
     "TableClass modification must be the only operation in the request"),
    ({"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}},
     "You cannot create or delete index while changing stream status"),
    ({"WarmThroughput": {"ReadUnitsPerSecond": 13000}},
     "Create global secondary index cannot be specified when updating WarmThroughput"),
])
def test_an_index_build_cannot_share_its_request(ddb, table, aws_error, extra, message) -> None:
    with aws_error("ValidationException", INVALID + message):
        ddb.update_table(
            TableName=table, AttributeDefinitions=[{"AttributeName": "b", "AttributeType": "S"}],
            GlobalSecondaryIndexUpdates=[{"Create": _gsi("gsi2", "b")}], **extra)
    assert "GlobalSecondaryIndexes" not in ddb.describe_table(TableName=table)["Table"]


def test_changes_that_must_travel_alone(ddb, provisioned, aws_error) -> None:
    with aws_error("ValidationException", INVALID + "DeletionProtection modification must be "
                   "the only operation in the request"):
        ddb.update_table(TableName=provisioned, DeletionProtectionEnabled=True,
                         ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 3})
    with aws_error("ValidationException", INVALID + "You cannot create or delete index while "
                   "updating table IOPS"):
        ddb.update_table(TableName=provisioned, GlobalSecondaryIndexUpdates=[
            {"Delete": {"IndexName": "gsi1"}}], ProvisionedThroughput={
            "ReadCapacityUnits": 3, "WriteCapacityUnits": 3})
    with aws_error("ValidationException", INVALID + "You cannot modify stream status while "
                   "updating table IOPS"):
        ddb.update_table(TableName=provisioned, ProvisionedThroughput={
            "ReadCapacityUnits": 3, "WriteCapacityUnits": 3}, StreamSpecification={
            "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    assert not ddb.describe_table(TableName=provisioned)["Table"]["DeletionProtectionEnabled"]


def test_an_empty_index_update_list_beside_a_change(ddb, table, aws_error) -> None:
    with aws_error("ValidationException", INVALID + "List of GlobalSecondaryIndexUpdates is empty"):
        ddb.update_table(TableName=table, GlobalSecondaryIndexUpdates=[],
                         DeletionProtectionEnabled=True)
    assert not ddb.describe_table(TableName=table)["Table"]["DeletionProtectionEnabled"]


# ---------------------------------------------------------------- indexes and throughput

def test_an_unknown_index_is_named_with_its_table(ddb, indexed, aws_error) -> None:
    for action in ({"Delete": {"IndexName": "ghost"}},
                   {"Update": {"IndexName": "ghost", "OnDemandThroughput": {
                       "MaxReadRequestUnits": 5}}}):
        with aws_error("ResourceNotFoundException",
                       f"Requested resource not found: Index ghost for table {indexed}"):
            ddb.update_table(TableName=indexed, GlobalSecondaryIndexUpdates=[action])


def test_an_on_demand_index_takes_no_provisioned_throughput(ddb, indexed, aws_error) -> None:
    with aws_error("ValidationException", INVALID + "The only Updates for index: gsi1 when "
                   "TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, "
                   "WarmThroughput"):
        ddb.update_table(TableName=indexed, GlobalSecondaryIndexUpdates=[
            {"Update": {"IndexName": "gsi1", "ProvisionedThroughput": PT}}])


def test_a_local_index_cannot_be_updated(ddb, make_table, aws_error) -> None:
    name = make_table(("pk", "S"), ("sk", "S"), attributes={"l": "S"}, LocalSecondaryIndexes=[{
        "IndexName": "lsi1", "Projection": {"ProjectionType": "ALL"},
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                      {"AttributeName": "l", "KeyType": "RANGE"}]}])
    with aws_error("ValidationException",
                   "Cannot update an index that is not a GlobalSecondaryIndex: lsi1"):
        ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[
            {"Update": {"IndexName": "lsi1", "OnDemandThroughput": {"MaxReadRequestUnits": 5}}}])


def test_throughput_sent_again_unchanged_is_refused(ddb, provisioned, aws_error) -> None:
    with aws_error("ValidationException",
                   "The provisioned throughput for the table will not change. The requested "
                   "value equals the current value. Current ReadCapacityUnits provisioned for "
                   "the table: 2. Requested ReadCapacityUnits: 2. Current WriteCapacityUnits "
                   "provisioned for the table: 2. Requested WriteCapacityUnits: 2. Refer to the "
                   "Amazon DynamoDB Developer Guide for current limits and how to request higher "
                   "limits."):
        ddb.update_table(TableName=provisioned, ProvisionedThroughput=PT)
    with aws_error("ValidationException", prefix="The provisioned throughput for the index "
                   "gsi1 will not change. The requested value equals the current value. Current "
                   "ReadCapacityUnits provisioned for index gsi1: 2."):
        ddb.update_table(TableName=provisioned, GlobalSecondaryIndexUpdates=[
            {"Update": {"IndexName": "gsi1", "ProvisionedThroughput": PT}}])
    # A change to one of the two is a change.
    ddb.update_table(TableName=provisioned, ProvisionedThroughput={
        "ReadCapacityUnits": 2, "WriteCapacityUnits": 3})


def test_a_new_index_capacity_follows_the_billing_mode(ddb, table, provisioned,
                                                       aws_error) -> None:
    defs = [{"AttributeName": "b", "AttributeType": "S"}]
    with aws_error("ValidationException", INVALID + "Neither ReadCapacityUnits nor "
                   "WriteCapacityUnits can be specified for index: gsi2 when BillingMode is "
                   "PAY_PER_REQUEST"):
        ddb.update_table(TableName=table, AttributeDefinitions=defs, GlobalSecondaryIndexUpdates=[
            {"Create": _gsi("gsi2", "b", ProvisionedThroughput=PT)}])
    with aws_error("ValidationException", INVALID + "Both ReadCapacityUnits and "
                   "WriteCapacityUnits must be specified for index: gsi2"):
        ddb.update_table(TableName=provisioned, AttributeDefinitions=defs,
                         GlobalSecondaryIndexUpdates=[{"Create": _gsi("gsi2", "b")}])


def test_going_provisioned_needs_every_index_capacity(ddb, indexed, aws_error) -> None:
    with aws_error("ValidationException",
                   INVALID + "ProvisionedThroughput must be specified for index: gsi1"):
        ddb.update_table(TableName=indexed, BillingMode="PROVISIONED", ProvisionedThroughput=PT)
    ddb.update_table(TableName=indexed, BillingMode="PROVISIONED", ProvisionedThroughput=PT,
                     GlobalSecondaryIndexUpdates=[
                         {"Update": {"IndexName": "gsi1", "ProvisionedThroughput": PT}}])
    described = ddb.describe_table(TableName=indexed)["Table"]
    assert described["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["ReadCapacityUnits"] == 2


# ---------------------------------------------------------------- on-demand limits

def test_on_demand_limits_belong_to_on_demand_tables(ddb, make_table, provisioned,
                                                     aws_error) -> None:
    with aws_error("ValidationException", INVALID + "MaxReadRequestUnits for OnDemandThroughput "
                   "cannot be specified when table BillingMode is PROVISIONED."):
        make_table(BillingMode="PROVISIONED", ProvisionedThroughput=PT,
                   OnDemandThroughput={"MaxReadRequestUnits": 5})
    with aws_error("ValidationException", INVALID + "MaxWriteRequestUnits for "
                   "OnDemandThroughput cannot be specified when the table BillingMode is "
                   "PROVISIONED"):
        ddb.update_table(TableName=provisioned, OnDemandThroughput={"MaxWriteRequestUnits": 5})


def test_on_demand_limits_out_of_range(ddb, make_table, table, aws_error) -> None:
    with aws_error("ValidationException", INVALID + "Requested MaxReadRequestUnits for "
                   "OnDemandThroughput for table is outside of valid range"):
        make_table(OnDemandThroughput={"MaxReadRequestUnits": -1})
    with aws_error("ValidationException", INVALID + "Requested MaxWriteRequestUnits for "
                   "OnDemandThroughput for table is outside of valid range"):
        ddb.update_table(TableName=table, OnDemandThroughput={"MaxWriteRequestUnits": 0})
    with aws_error("ValidationException", INVALID + "OnDemandThroughput can only be combined "
                   "with BillingMode in an UpdateTable request"):
        ddb.update_table(TableName=table, OnDemandThroughput={"MaxWriteRequestUnits": 5},
                         StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})


def test_an_index_has_on_demand_limits_of_its_own(ddb, indexed) -> None:
    ddb.update_table(TableName=indexed, GlobalSecondaryIndexUpdates=[
        {"Update": {"IndexName": "gsi1", "OnDemandThroughput": {"MaxReadRequestUnits": 60}}}])
    described = ddb.describe_table(TableName=indexed)["Table"]
    assert described["GlobalSecondaryIndexes"][0]["OnDemandThroughput"] == {
        "MaxReadRequestUnits": 60, "MaxWriteRequestUnits": -1}
    assert "OnDemandThroughput" not in described


def test_going_provisioned_drops_the_on_demand_limits(ddb, make_table) -> None:
    name = make_table(OnDemandThroughput={"MaxReadRequestUnits": 50})
    ddb.update_table(TableName=name, OnDemandThroughput={"MaxReadRequestUnits": -1})
    assert ddb.describe_table(TableName=name)["Table"]["OnDemandThroughput"] == {
        "MaxReadRequestUnits": -1, "MaxWriteRequestUnits": -1}
    ddb.update_table(TableName=name, BillingMode="PROVISIONED", ProvisionedThroughput=PT)
    assert "OnDemandThroughput" not in ddb.describe_table(TableName=name)["Table"]


# ---------------------------------------------------------------- descriptions

def test_definitions_and_projected_names_are_described_by_name(ddb, make_table) -> None:
    index = _gsi("gsi1", "a")
    index["Projection"] = {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["zz", "aa", "mm"]}
    name = make_table(("pk", "S"), attributes={"a": "S"}, GlobalSecondaryIndexes=[index])
    described = ddb.describe_table(TableName=name)["Table"]
    assert [a["AttributeName"] for a in described["AttributeDefinitions"]] == ["a", "pk"]
    assert described["GlobalSecondaryIndexes"][0]["Projection"]["NonKeyAttributes"] == [
        "aa", "mm", "zz"]


def test_an_index_without_a_projection_type(make_table, aws_error) -> None:
    index = _gsi("gsi1", "a")
    index["Projection"] = {}
    with aws_error("ValidationException", INVALID + "Unknown ProjectionType: null"):
        make_table(attributes={"a": "S"}, GlobalSecondaryIndexes=[index])
