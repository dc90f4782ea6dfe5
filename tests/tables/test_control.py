"""CreateTable, DescribeTable, ListTables, UpdateTable, DeleteTable, TTL and tags."""
from __future__ import annotations

import pytest

from fogbank.tables.errors import ResourceInUseException, ResourceNotFoundException, ValidationException

from .conftest import make_table

KEY = [{"AttributeName": "pk", "KeyType": "HASH"}]
ATTRS = [{"AttributeName": "pk", "AttributeType": "S"}]


def test_created_table_is_described_active_with_counts(db):
    make_table(db, "tbl")
    db.put_item(TableName="tbl", Item={"pk": {"S": "a"}})
    table = db.describe_table(TableName="tbl")["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["ItemCount"] == 1
    assert table["TableArn"] == "arn:aws:dynamodb:us-east-1:000000000000:table/tbl"
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_creating_an_existing_table_is_resource_in_use(db):
    make_table(db, "tbl")
    with pytest.raises(ResourceInUseException, match="Table already exists: tbl"):
        make_table(db, "tbl")


@pytest.mark.parametrize("params,message", [
    ({"KeySchema": [{"AttributeName": "pk", "KeyType": "RANGE"}], "AttributeDefinitions": ATTRS},
     "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
    ({"KeySchema": KEY, "AttributeDefinitions": []},
     "One or more parameter values were invalid: Some index key attributes are not defined in "
     "AttributeDefinitions. Keys: [pk], AttributeDefinitions: []"),
    ({"KeySchema": KEY, "AttributeDefinitions": ATTRS + [{"AttributeName": "x", "AttributeType": "S"}]},
     "One or more parameter values were invalid: Number of attributes in KeySchema does not "
     "exactly match number of attributes defined in AttributeDefinitions"),
    ({"KeySchema": KEY, "AttributeDefinitions": ATTRS, "BillingMode": "PROVISIONED"},
     "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must "
     "both be specified when BillingMode is PROVISIONED"),
])
def test_bad_create_table_is_refused(db, params, message):
    with pytest.raises(ValidationException) as exc:
        db.create_table(TableName="bad", **{"BillingMode": "PAY_PER_REQUEST", **params})
    assert exc.value.message == message


def test_list_tables_paginates(db):
    for name in ("ccc", "aaa", "bbb"):
        make_table(db, name)
    first = db.list_tables(Limit=2)
    assert first == {"TableNames": ["aaa", "bbb"], "LastEvaluatedTableName": "bbb"}
    assert db.list_tables(ExclusiveStartTableName="bbb")["TableNames"] == ["ccc"]


def test_deleted_table_is_gone(db):
    make_table(db, "tbl")
    assert db.delete_table(TableName="tbl")["TableDescription"]["TableStatus"] == "DELETING"
    with pytest.raises(ResourceNotFoundException, match="Requested resource not found: Table: tbl not found"):
        db.describe_table(TableName="tbl")


def test_update_table_adds_a_gsi_filled_from_existing_items(db):
    make_table(db, "tbl")
    db.put_item(TableName="tbl", Item={"pk": {"S": "a"}, "g": {"S": "x"}})
    db.update_table(TableName="tbl", AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
                    GlobalSecondaryIndexUpdates=[{"Create": {
                        "IndexName": "byg", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "ALL"}}}])
    out = db.query(TableName="tbl", IndexName="byg", KeyConditionExpression="g = :g",
                   ExpressionAttributeValues={":g": {"S": "x"}})
    assert [i["pk"]["S"] for i in out["Items"]] == ["a"]


def test_update_table_with_nothing_to_change_is_refused(db):
    make_table(db, "tbl")
    with pytest.raises(ValidationException, match="At least one of ProvisionedThroughput"):
        db.update_table(TableName="tbl")


def test_time_to_live_is_enabled_once(db):
    make_table(db, "tbl")
    spec = {"Enabled": True, "AttributeName": "exp"}
    assert db.update_time_to_live(TableName="tbl", TimeToLiveSpecification=spec) == {
        "TimeToLiveSpecification": spec}
    assert db.describe_time_to_live(TableName="tbl")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}
    with pytest.raises(ValidationException, match="TimeToLive is already enabled"):
        db.update_time_to_live(TableName="tbl", TimeToLiveSpecification=spec)


def test_tags_are_added_listed_and_removed(db):
    make_table(db, "tbl")
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/tbl"
    db.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    db.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert db.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    with pytest.raises(ResourceNotFoundException):
        db.list_tags_of_resource(ResourceArn=arn + "x")


@pytest.mark.parametrize("name,message", [
    ("ab", "TableName must be at least 3 characters long and at most 255 characters long"),
    ("bad name!", "1 validation error detected: Value 'bad name!' at 'tableName' failed to "
                  "satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"),
])
def test_bad_table_names_are_refused(db, name, message):
    with pytest.raises(ValidationException) as exc:
        make_table(db, name)
    assert exc.value.message == message


def test_bad_attribute_type_is_refused(db):
    with pytest.raises(ValidationException) as exc:
        db.create_table(TableName="bad", KeySchema=KEY, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "BOOL"}])
    assert exc.value.message == (
        "1 validation error detected: Value 'BOOL' at 'attributeDefinitions.1.member.attributeType' "
        "failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]")


def test_tables_survive_reopening_the_engine(tmp_path, clock):
    from fogbank.tables.engine import TablesEngine
    from .conftest import Client
    first = Client(TablesEngine.open(tmp_path, clock=clock))
    make_table(first, "kept")
    first.put_item(TableName="kept", Item={"pk": {"S": "a"}})
    first.engine.close(); first.close()
    second = Client(TablesEngine.open(tmp_path, clock=clock))
    assert second.get_item(TableName="kept", Key={"pk": {"S": "a"}})["Item"] == {"pk": {"S": "a"}}
    second.engine.close(); second.close()
