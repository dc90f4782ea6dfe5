"""CreateTable, DescribeTable, ListTables, UpdateTable, DeleteTable, tags, endpoints, limits."""
from __future__ import annotations

import re
import uuid

import pytest


def _name() -> str:
    return f"cp-{uuid.uuid4().hex[:12]}"


def test_create_describe_delete(ddb, make_table) -> None:
    name = make_table(("pk", "S"), ("sk", "N"))
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["TableName"] == name
    assert table["TableStatus"] == "ACTIVE"
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"},
                                  {"AttributeName": "sk", "KeyType": "RANGE"}]
    assert sorted(table["AttributeDefinitions"], key=lambda d: d["AttributeName"]) == [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "N"}]
    assert re.fullmatch(rf"arn:aws:dynamodb:us-east-1:\d{{12}}:table/{name}", table["TableArn"])
    assert table["ItemCount"] == 0
    assert table["TableSizeBytes"] == 0
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["CreationDateTime"]
    deleted = ddb.delete_table(TableName=name)["TableDescription"]
    assert deleted["TableName"] == name
    ddb.get_waiter("table_not_exists").wait(TableName=name,
                                            WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    assert name not in ddb.list_tables()["TableNames"]


def test_create_with_provisioned_throughput(ddb, make_table) -> None:
    name = make_table(BillingMode="PROVISIONED",
                      ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7})
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 7


def test_create_returns_the_description(ddb) -> None:
    name = _name()
    desc = ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "B"}]
                            )["TableDescription"]
    try:
        assert desc["TableName"] == name
        assert desc["TableStatus"] in ("CREATING", "ACTIVE")
        assert desc["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    finally:
        ddb.get_waiter("table_exists").wait(TableName=name)
        ddb.delete_table(TableName=name)


def test_create_existing_table_is_in_use(ddb, make_table, aws_error) -> None:
    name = make_table()
    with aws_error("ResourceInUseException", f"Table already exists: {name}"):
        make_table(name=name)


def test_describe_missing_table(ddb, aws_error) -> None:
    with aws_error("ResourceNotFoundException",
                   "Requested resource not found: Table: no-such-table not found"):
        ddb.describe_table(TableName="no-such-table")


def test_delete_missing_table(ddb, aws_error) -> None:
    with aws_error("ResourceNotFoundException",
                   "Requested resource not found: Table: no-such-table not found"):
        ddb.delete_table(TableName="no-such-table")


def test_list_tables_paginates_in_name_order(ddb, make_table) -> None:
    prefix = _name()
    names = [make_table(name=f"{prefix}-{i}") for i in range(3)]
    listed: list[str] = []
    start: dict = {}
    while True:
        page = ddb.list_tables(Limit=2, **start)
        assert len(page["TableNames"]) <= 2
        listed += page["TableNames"]
        if "LastEvaluatedTableName" not in page:
            break
        assert page["LastEvaluatedTableName"] == page["TableNames"][-1]
        start = {"ExclusiveStartTableName": page["LastEvaluatedTableName"]}
    assert listed == sorted(listed)
    assert [n for n in listed if n.startswith(prefix)] == names
    by_paginator = [n for page in ddb.get_paginator("list_tables").paginate(
        PaginationConfig={"PageSize": 1}) for n in page["TableNames"]]
    assert by_paginator == listed


def test_list_tables_limit_out_of_range(raw_ddb, aws_error) -> None:
    with aws_error("ValidationException",
                   "1 validation error detected: Value '101' at 'limit' failed to satisfy "
                   "constraint: Member must have value less than or equal to 100"):
        raw_ddb.list_tables(Limit=101)
    with aws_error("ValidationException",
                   "1 validation error detected: Value '0' at 'limit' failed to satisfy "
                   "constraint: Member must have value greater than or equal to 1"):
        raw_ddb.list_tables(Limit=0)


def _create(client, name: str, **params):
    params.setdefault("KeySchema", [{"AttributeName": "pk", "KeyType": "HASH"}])
    params.setdefault("AttributeDefinitions", [{"AttributeName": "pk", "AttributeType": "S"}])
    params.setdefault("BillingMode", "PAY_PER_REQUEST")
    return client.create_table(TableName=name, **params)


def test_create_table_name_too_short(raw_ddb, aws_error) -> None:
    # DynamoDB words the table-name length rule itself rather than as a model constraint.
    with aws_error("ValidationException",
                   "TableName must be at least 3 characters long and at most 255 characters long"):
        _create(raw_ddb, "ab")


def test_create_table_name_with_bad_characters(raw_ddb, aws_error) -> None:
    with aws_error("ValidationException",
                   "1 validation error detected: Value 'bad name!' at 'tableName' failed to "
                   "satisfy constraint: Member must satisfy regular expression pattern: "
                   "[a-zA-Z0-9_.-]+"):
        _create(raw_ddb, "bad name!")


def test_create_table_bad_attribute_type(raw_ddb, aws_error) -> None:
    with aws_error("ValidationException", prefix="1 validation error detected: Value 'BOOL' at "
                   "'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: "
                   "Member must satisfy enum value set: ["):
        _create(raw_ddb, _name(),
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "BOOL"}])


def test_create_table_key_not_defined(ddb, aws_error) -> None:
    with aws_error("ValidationException", prefix="One or more parameter values were invalid: "
                   "Some index key attributes are not defined in AttributeDefinitions."):
        _create(ddb, _name(),
                AttributeDefinitions=[{"AttributeName": "other", "AttributeType": "S"}])


def test_create_table_extra_attribute_definition(ddb, aws_error) -> None:
    with aws_error("ValidationException",
                   "One or more parameter values were invalid: Number of attributes in "
                   "KeySchema does not exactly match number of attributes defined in "
                   "AttributeDefinitions"):
        _create(ddb, _name(), AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "extra", "AttributeType": "S"}])


def test_create_table_first_key_must_be_hash(ddb, aws_error) -> None:
    with aws_error("ValidationException",
                   "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"):
        _create(ddb, _name(), KeySchema=[{"AttributeName": "pk", "KeyType": "RANGE"}])


def test_create_table_same_name_for_hash_and_range(ddb, aws_error) -> None:
    with aws_error("ValidationException", "Both the Hash Key and the Range Key element in the "
                   "KeySchema have the same name"):
        _create(ddb, _name(), KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                         {"AttributeName": "pk", "KeyType": "RANGE"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                      {"AttributeName": "pk", "AttributeType": "S"}])


def test_create_provisioned_without_throughput(ddb, aws_error) -> None:
    with aws_error("ValidationException",
                   "One or more parameter values were invalid: ReadCapacityUnits and "
                   "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"):
        _create(ddb, _name(), BillingMode="PROVISIONED")


def test_create_on_demand_with_throughput(ddb, aws_error) -> None:
    with aws_error("ValidationException",
                   "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                   "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"):
        _create(ddb, _name(), BillingMode="PAY_PER_REQUEST",
                ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})


def test_update_table_billing_mode(ddb, make_table) -> None:
    name = make_table()
    ddb.update_table(TableName=name, BillingMode="PROVISIONED",
                     ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4})
    ddb.get_waiter("table_exists").wait(TableName=name)
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 4
    assert table.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED") == "PROVISIONED"


def test_update_table_enables_a_stream(ddb, make_table) -> None:
    name = make_table()
    desc = ddb.update_table(TableName=name, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})["TableDescription"]
    assert desc["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["LatestStreamArn"].startswith(table["TableArn"] + "/stream/")
    assert table["LatestStreamLabel"] == table["LatestStreamArn"].rsplit("/", 1)[1]


def test_update_missing_table(ddb, aws_error) -> None:
    with aws_error("ResourceNotFoundException", prefix="Requested resource not found"):
        ddb.update_table(TableName="no-such-table", BillingMode="PAY_PER_REQUEST")


def test_update_table_with_nothing_to_do(ddb, make_table, aws_error) -> None:
    name = make_table()
    with aws_error("ValidationException", prefix="At least one of ProvisionedThroughput, "
                   "BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates"):
        ddb.update_table(TableName=name)


def test_tags(ddb, make_table) -> None:
    name = make_table(Tags=[{"Key": "team", "Value": "tables"}])
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "team", "Value": "tables"}]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"},
                                            {"Key": "team", "Value": "data"}])
    tags = ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]
    assert sorted(tags, key=lambda t: t["Key"]) == [{"Key": "env", "Value": "dev"},
                                                    {"Key": "team", "Value": "data"}]
    ddb.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]


def test_create_table_with_too_many_tags_creates_nothing(ddb, aws_error) -> None:
    name = _name()
    with aws_error("ValidationException",
                   "Number of Tags exceed the current limit for the provided ResourceArn"):
        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         Tags=[{"Key": str(i), "Value": str(i)} for i in range(51)])
    with aws_error("ResourceNotFoundException"):
        ddb.describe_table(TableName=name)


def test_tags_of_missing_table(ddb, aws_error) -> None:
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/no-such-table"
    # AWS's current text spells "ResourceArn" (an older one read "ResourcArn").
    message = f"Requested resource not found: ResourceArn: {arn} not found"
    with aws_error("ResourceNotFoundException", message):
        ddb.list_tags_of_resource(ResourceArn=arn)
    with aws_error("ResourceNotFoundException", message):
        ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "b"}])
    with aws_error("ResourceNotFoundException", message):
        ddb.untag_resource(ResourceArn=arn, TagKeys=["a"])


def _each_tag_operation_refuses(ddb, aws_error, arn: str, code: str, message: str) -> None:
    with aws_error(code, message):
        ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "b"}])
    with aws_error(code, message):
        ddb.untag_resource(ResourceArn=arn, TagKeys=["a"])
    with aws_error(code, message):
        ddb.list_tags_of_resource(ResourceArn=arn)


@pytest.mark.parametrize("arn", ["arn:not/a/good/format", "arn:" + "scylla/" * 15, "arn:a:b:c:d:e",
                                 "arn:aws:s3:::a-bucket"])
def test_tag_operations_refuse_an_arn_that_names_no_table(ddb, aws_error, arn: str) -> None:
    _each_tag_operation_refuses(ddb, aws_error, arn, "ValidationException",
                                f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")


def test_tag_operations_refuse_another_regions_arn(ddb, make_table, aws_error) -> None:
    arn = ddb.describe_table(TableName=make_table())["Table"]["TableArn"]
    elsewhere = arn.replace(":us-east-1:", ":eu-west-1:")
    _each_tag_operation_refuses(ddb, aws_error, elsewhere, "ValidationException",
                                "One or more parameter values were invalid: Invalid resource "
                                f"Arn: {elsewhere}")
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == []


def test_tag_operations_refuse_an_index_arn(ddb, make_table, aws_error) -> None:
    name = make_table(attributes={"g": "S"}, GlobalSecondaryIndexes=[{
        "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    table = ddb.describe_table(TableName=name)["Table"]
    index_arn = table["GlobalSecondaryIndexes"][0]["IndexArn"]
    _each_tag_operation_refuses(ddb, aws_error, index_arn, "ValidationException",
                                "One or more parameter values were invalid: Invalid resource "
                                "arn provided, only table or stream is accepted. Provided "
                                f"resource arn: {index_arn}")
    assert ddb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"] == []


def test_describe_endpoints(ddb) -> None:
    endpoints = ddb.describe_endpoints()["Endpoints"]
    assert len(endpoints) >= 1
    assert endpoints[0]["Address"]
    assert endpoints[0]["CachePeriodInMinutes"] > 0


def test_describe_limits(ddb) -> None:
    limits = ddb.describe_limits()
    for field in ("AccountMaxReadCapacityUnits", "AccountMaxWriteCapacityUnits",
                  "TableMaxReadCapacityUnits", "TableMaxWriteCapacityUnits"):
        assert limits[field] > 0


@pytest.mark.parametrize("waiter", ["table_exists", "table_not_exists"])
def test_waiters_settle(ddb, make_table, waiter: str) -> None:
    name = make_table()
    if waiter == "table_not_exists":
        ddb.delete_table(TableName=name)
    ddb.get_waiter(waiter).wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})


def test_create_table_attribute_definition_without_a_name(raw_ddb, aws_error) -> None:
    with aws_error("ValidationException",
                   "1 validation error detected: Value null at "
                   "'attributeDefinitions.1.member.attributeName' failed to satisfy constraint: "
                   "Member must not be null"):
        _create(raw_ddb, _name(), AttributeDefinitions=[{"AttributeType": "S"}])


def test_create_table_attribute_defined_twice(ddb, aws_error) -> None:
    with aws_error("ValidationException", "Attribute Name is duplicated: pk"):
        _create(ddb, _name(), AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "pk", "AttributeType": "N"}])


def test_create_table_unused_attribute_definition_with_an_index(ddb, aws_error) -> None:
    with aws_error("ValidationException",
                   "One or more parameter values were invalid: Some AttributeDefinitions are "
                   "not used. AttributeDefinitions: [pk, g, extra], keys used: [pk, g]"):
        _create(ddb, _name(), AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
            {"AttributeName": "extra", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[{
                "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}}])


def test_delete_table_description_leaves_out_the_schema(ddb, make_table) -> None:
    name = make_table(("pk", "S"), ("sk", "S"), attributes={"g": "S"},
                      GlobalSecondaryIndexes=[{
                          "IndexName": "by-g",
                          "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                          "Projection": {"ProjectionType": "ALL"}}])
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "b"}})
    deleted = ddb.delete_table(TableName=name)["TableDescription"]
    assert deleted["TableName"] == name
    assert deleted["TableStatus"] == "DELETING"
    assert deleted["ItemCount"] == 1
    assert deleted["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    for field in ("CreationDateTime", "KeySchema", "AttributeDefinitions",
                  "GlobalSecondaryIndexes"):
        assert field not in deleted


def test_update_table_disabling_a_stream_it_does_not_have(ddb, make_table, aws_error) -> None:
    name = make_table()
    with aws_error("ValidationException", f"Table has no stream to disable: TableName: {name}"):
        ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})


def test_update_table_with_only_attribute_definitions(ddb, make_table, aws_error) -> None:
    name = make_table()
    with aws_error("ValidationException",
                   "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                   "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, "
                   "MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, "
                   "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or "
                   "TableClass is required"):
        ddb.update_table(TableName=name, AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"}], GlobalSecondaryIndexUpdates=[])


def test_update_table_to_provisioned_without_throughput(ddb, make_table, aws_error) -> None:
    name = make_table()
    with aws_error("ValidationException", "One or more parameter values were invalid: "
                   "ProvisionedThroughput must be specified when BillingMode is PROVISIONED"):
        ddb.update_table(TableName=name, BillingMode="PROVISIONED")


@pytest.mark.parametrize("tags,message", [
    ([], "Atleast one Tag needs to be provided as Input."),
    ([{"Key": "aws:owner", "Value": "me"}], "Tag Key cannot be prefixed with aws:, Key: aws:owner"),
    ([{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}],
     "Duplicate Tag Keys provided as input: Duplicate Tag Key found k"),
    ([{"Key": f"k{i}", "Value": "v"} for i in range(51)],
     "Number of Tags exceed the current limit for the provided ResourceArn"),
])
def test_bad_tags(raw_ddb, make_table, aws_error, tags: list, message: str) -> None:
    arn = raw_ddb.describe_table(TableName=make_table())["Table"]["TableArn"]
    with aws_error("ValidationException", message):
        raw_ddb.tag_resource(ResourceArn=arn, Tags=tags)
    assert raw_ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == []


def test_untag_nothing(raw_ddb, make_table, aws_error) -> None:
    arn = raw_ddb.describe_table(TableName=make_table())["Table"]["TableArn"]
    with aws_error("ValidationException", "Atleast one Tag Key needs to be provided as Input."):
        raw_ddb.untag_resource(ResourceArn=arn, TagKeys=[])


@pytest.mark.parametrize("resource", ["I_do_not_exist", "table-name", " ", "незаконные буквы"])
def test_tag_operations_refuse_what_is_not_an_arn(ddb, aws_error, resource: str) -> None:
    message = ("One or more parameter values were invalid: ARNs must start with 'arn:': "
               + resource)
    with aws_error("ValidationException", message):
        ddb.tag_resource(ResourceArn=resource, Tags=[{"Key": "a", "Value": "b"}])
    with aws_error("ValidationException", message):
        ddb.untag_resource(ResourceArn=resource, TagKeys=["a"])
    with aws_error("ValidationException", message):
        ddb.list_tags_of_resource(ResourceArn=resource)


TAG_PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]"


@pytest.mark.parametrize("key,value,message", [
    ("ok", "#!%%^$$&", "1 validation error detected: Value '#!%%^$$&' at 'tags.1.member.value' "
     "failed to satisfy constraint: Member must satisfy regular expression pattern: "
     f"{TAG_PATTERN}*"),
    ("->>;-)])", "ok", "1 validation error detected: Value '->>;-)])' at 'tags.1.member.key' "
     "failed to satisfy constraint: Member must satisfy regular expression pattern: "
     f"{TAG_PATTERN}+"),
    ("!!!", "<><", "2 validation errors detected: Value '!!!' at 'tags.1.member.key' failed to "
     f"satisfy constraint: Member must satisfy regular expression pattern: {TAG_PATTERN}+; "
     "Value '<><' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy "
     f"regular expression pattern: {TAG_PATTERN}*"),
    ("k" * 129, "v", f"1 validation error detected: Value '{'k' * 129}' at 'tags.1.member.key' "
     "failed to satisfy constraint: Member must have length less than or equal to 128"),
    ("k", "v" * 257, f"1 validation error detected: Value '{'v' * 257}' at 'tags.1.member.value' "
     "failed to satisfy constraint: Member must have length less than or equal to 256"),
    ("", "v", "1 validation error detected: Value '' at 'tags.1.member.key' failed to satisfy "
     "constraint: Member must have length greater than or equal to 1"),
])
def test_tags_outside_the_allowed_characters_and_lengths(raw_ddb, make_table, aws_error,
                                                          key: str, value: str,
                                                          message: str) -> None:
    arn = raw_ddb.describe_table(TableName=make_table())["Table"]["TableArn"]
    with aws_error("ValidationException", message):
        raw_ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": key, "Value": value}])
    assert raw_ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == []


def test_create_table_with_a_bad_tag_creates_nothing(ddb, aws_error) -> None:
    name = _name()
    with aws_error("ValidationException", prefix="1 validation error detected: Value 'a#b' at "
                   "'tags.2.member.key'"):
        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         Tags=[{"Key": "ok", "Value": "ok"}, {"Key": "a#b", "Value": "v"}])
    with aws_error("ResourceNotFoundException"):
        ddb.describe_table(TableName=name)


def test_tags_in_any_script_and_with_the_allowed_symbols(ddb, make_table) -> None:
    arn = ddb.describe_table(TableName=make_table())["Table"]["TableArn"]
    tags = [{"Key": "законные буквы", "Value": "ѮѮѮ value"}, {"Key": "ключ", "Value": ""},
            {"Key": "a+b-c=d.e_f:g/h@i", "Value": "0 1 2 + - = . _ : / @"}, {"Key": "k" * 128,
            "Value": "v" * 256}, {"Key": "日本語", "Value": "٣"}]
    ddb.tag_resource(ResourceArn=arn, Tags=tags)
    listed = ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]
    assert sorted(listed, key=lambda t: t["Key"]) == sorted(tags, key=lambda t: t["Key"])


def test_create_and_update_answer_while_working_then_describe_active(ddb) -> None:
    name = _name()
    try:
        created = ddb.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "g", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[{"IndexName": "by-g", "Projection": {"ProjectionType": "ALL"},
                                     "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}]
        )["TableDescription"]
        assert created["TableStatus"] == "CREATING"
        assert [i["IndexStatus"] for i in created["GlobalSecondaryIndexes"]] == ["CREATING"]
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
        updated = ddb.update_table(
            TableName=name, AttributeDefinitions=[{"AttributeName": "h", "AttributeType": "S"}],
            GlobalSecondaryIndexUpdates=[{"Create": {
                "IndexName": "by-h", "Projection": {"ProjectionType": "KEYS_ONLY"},
                "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"}]}}])["TableDescription"]
        assert updated["TableStatus"] == "UPDATING"
        assert {i["IndexName"]: i["IndexStatus"] for i in updated["GlobalSecondaryIndexes"]} == {
            "by-g": "ACTIVE", "by-h": "CREATING"}
        described = ddb.describe_table(TableName=name)["Table"]
        assert described["TableStatus"] == "ACTIVE"
        assert {i["IndexStatus"] for i in described["GlobalSecondaryIndexes"]} == {"ACTIVE"}
    finally:
        ddb.delete_table(TableName=name)


# ---------------------------------------------------------------- warm throughput rules

_WARM_INVALID = "One or more parameter values were invalid: Requested "


def test_warm_throughput_below_where_a_table_starts_is_refused(ddb, make_table,
                                                               aws_error) -> None:
    with aws_error("ValidationException", _WARM_INVALID + "WriteUnitsPerSecond for "
                   "WarmThroughput for table is lower than initial throughput for OnDemand. "
                   "See: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
                   "on-demand-capacity-mode.html#on-demand-capacity-mode-initial"):
        make_table(WarmThroughput={"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 3999})
    with aws_error("ValidationException", _WARM_INVALID + "ReadUnitsPerSecond for "
                   "WarmThroughput for table is lower than ReadCapacityUnits of "
                   "ProvisionedThroughput"):
        make_table(BillingMode="PROVISIONED", WarmThroughput={"ReadUnitsPerSecond": 5},
                   ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 10})
    with aws_error("ValidationException", prefix=_WARM_INVALID + "ReadUnitsPerSecond for "
                   "WarmThroughput for index by-g is lower than initial throughput"):
        make_table(attributes={"g": "S"}, GlobalSecondaryIndexes=[{
            "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
            "WarmThroughput": {"ReadUnitsPerSecond": 100}}])


def test_warm_throughput_cannot_be_lowered(ddb, make_table, aws_error) -> None:
    name = make_table(attributes={"g": "S"}, GlobalSecondaryIndexes=[{
        "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}}],
        WarmThroughput={"ReadUnitsPerSecond": 24000, "WriteUnitsPerSecond": 8000})
    with aws_error("ValidationException", _WARM_INVALID + "ReadUnitsPerSecond for "
                   "WarmThroughput for table is lower than current WarmThroughput, decreasing "
                   "WarmThroughput is not supported"):
        ddb.update_table(TableName=name, WarmThroughput={"ReadUnitsPerSecond": 18000})
    with aws_error("ValidationException", _WARM_INVALID + "WriteUnitsPerSecond for "
                   "WarmThroughput for index by-g is lower than current WarmThroughput, "
                   "decreasing WarmThroughput is not supported"):
        ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Update": {
            "IndexName": "by-g", "WarmThroughput": {"WriteUnitsPerSecond": 100}}}])
    # The figures it has already are accepted again.
    ddb.update_table(TableName=name, WarmThroughput={"ReadUnitsPerSecond": 24000})


def test_create_table_answers_a_requested_warm_throughput_as_updating(ddb) -> None:
    name, warm = _name(), {"ReadUnitsPerSecond": 15000, "WriteUnitsPerSecond": 5000}
    schema = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
              "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]}
    try:
        created = ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                   WarmThroughput=warm, **schema)["TableDescription"]
        assert created["WarmThroughput"] == {**warm, "Status": "UPDATING"}
    finally:
        ddb.delete_table(TableName=name)


@pytest.mark.parametrize("throughput, problem", [
    ({"WriteCapacityUnits": 1}, "Value null at 'provisionedThroughput.readCapacityUnits' "
                                "failed to satisfy constraint: Member must not be null"),
    ({"ReadCapacityUnits": 5}, "Value null at 'provisionedThroughput.writeCapacityUnits' "
                               "failed to satisfy constraint: Member must not be null"),
    ({"ReadCapacityUnits": 0, "WriteCapacityUnits": 1},
     "Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: "
     "Member must have value greater than or equal to 1"),
])
def test_provisioned_throughput_needs_both_units(raw_ddb, make_table, aws_error,
                                                 throughput: dict, problem: str) -> None:
    with aws_error("ValidationException", "1 validation error detected: " + problem):
        raw_ddb.create_table(TableName=_name(), BillingMode="PROVISIONED",
                             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "pk",
                                                    "AttributeType": "S"}],
                             ProvisionedThroughput=throughput)
    name = make_table()
    with aws_error("ValidationException", "1 validation error detected: " + problem):
        raw_ddb.update_table(TableName=name, BillingMode="PROVISIONED",
                             ProvisionedThroughput=throughput)
