"""On-demand backups and restores in the engine: snapshots, listing, overrides, durability."""
from __future__ import annotations

import datetime as dt

import pytest

from fogbank.tables.engine import TablesEngine
from fogbank.tables.errors import (BackupNotFoundException, TableAlreadyExistsException,
                                   TableNotFoundException, ValidationException)
from fogbank.tables.storage.sqlite import SqliteStorage

from .conftest import Client, make_table

GSI = {"IndexName": "byg", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
       "Projection": {"ProjectionType": "ALL"}}


def _items(db: Client, table: str) -> dict[str, dict]:
    return {item["pk"]["S"]: item for item in db.scan(TableName=table)["Items"]}


def _at(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)


def test_a_backup_is_the_table_when_it_was_taken(db):
    make_table(db, "src")
    db.put_item(TableName="src", Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    db.put_item(TableName="src", Item={"pk": {"S": "b"}, "v": {"N": "2"}})
    arn = db.create_backup(TableName="src", BackupName="first")["BackupDetails"]["BackupArn"]
    db.put_item(TableName="src", Item={"pk": {"S": "a"}, "v": {"N": "99"}})
    db.delete_item(TableName="src", Key={"pk": {"S": "b"}})
    db.put_item(TableName="src", Item={"pk": {"S": "c"}})

    db.restore_table_from_backup(TargetTableName="copy", BackupArn=arn)

    assert _items(db, "copy") == {"a": {"pk": {"S": "a"}, "v": {"N": "1"}},
                                  "b": {"pk": {"S": "b"}, "v": {"N": "2"}}}
    assert set(_items(db, "src")) == {"a", "c"}


def test_backup_arn_details_and_source_table(db, clock):
    make_table(db, "src", range_key="sk", StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    db.put_item(TableName="src", Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "x": {"S": "abc"}})
    details = db.create_backup(TableName="src", BackupName="nightly.1")["BackupDetails"]
    assert details["BackupArn"].startswith(
        "arn:aws:dynamodb:us-east-1:000000000000:table/src/backup/")
    assert details["BackupArn"].split("/backup/")[1][:14] == f"{int(clock.now * 1000):014d}"
    assert (details["BackupStatus"], details["BackupType"]) == ("CREATING", "USER")
    described = db.describe_backup(BackupArn=details["BackupArn"])["BackupDescription"]
    assert described["BackupDetails"]["BackupStatus"] == "AVAILABLE"
    assert described["BackupDetails"]["BackupSizeBytes"] == described[
        "SourceTableDetails"]["TableSizeBytes"] > 0
    source = described["SourceTableDetails"]
    assert source["TableName"] == "src" and source["ItemCount"] == 1
    assert source["BillingMode"] == "PAY_PER_REQUEST"
    assert source["TableId"] == db.describe_table(TableName="src")["Table"]["TableId"]
    assert described["SourceTableFeatureDetails"]["StreamDescription"] == {
        "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}


def test_a_missing_table_or_backup_is_refused_by_name(db):
    with pytest.raises(TableNotFoundException, match="^Table not found: nope$"):
        db.create_backup(TableName="nope", BackupName="b1")
    gone = "arn:aws:dynamodb:us-east-1:000000000000:table/t/backup/01700000000000-0123abcd"
    with pytest.raises(BackupNotFoundException, match=f"^Backup not found: {gone}$"):
        db.describe_backup(BackupArn=gone)
    with pytest.raises(BackupNotFoundException):
        db.delete_backup(BackupArn=gone)
    with pytest.raises(BackupNotFoundException):
        db.restore_table_from_backup(TargetTableName="x-target", BackupArn=gone)


def test_a_backup_outlives_its_table_and_can_be_deleted(db):
    make_table(db, "src")
    db.put_item(TableName="src", Item={"pk": {"S": "a"}})
    arn = db.create_backup(TableName="src", BackupName="keep")["BackupDetails"]["BackupArn"]
    db.delete_table(TableName="src")
    db.restore_table_from_backup(TargetTableName="src", BackupArn=arn)
    assert set(_items(db, "src")) == {"a"}
    deleted = db.delete_backup(BackupArn=arn)["BackupDescription"]
    assert deleted["BackupDetails"]["BackupStatus"] == "DELETED"
    with pytest.raises(BackupNotFoundException):
        db.describe_backup(BackupArn=arn)
    assert db.list_backups()["BackupSummaries"] == []


def test_restoring_onto_an_existing_name_is_refused(db):
    make_table(db, "src")
    arn = db.create_backup(TableName="src", BackupName="b1")["BackupDetails"]["BackupArn"]
    with pytest.raises(TableAlreadyExistsException, match="^Table already exists: src$"):
        db.restore_table_from_backup(TargetTableName="src", BackupArn=arn)


def test_restore_keeps_indexes_and_takes_overrides(db):
    make_table(db, "src", extra_attrs=[{"AttributeName": "g", "AttributeType": "S"}],
               GlobalSecondaryIndexes=[GSI], DeletionProtectionEnabled=True,
               Tags=[{"Key": "team", "Value": "a"}])
    db.put_item(TableName="src", Item={"pk": {"S": "a"}, "g": {"S": "x"}})
    arn = db.create_backup(TableName="src", BackupName="b1")["BackupDetails"]["BackupArn"]

    restored = db.restore_table_from_backup(TargetTableName="same", BackupArn=arn)
    description = restored["TableDescription"]
    assert description["TableStatus"] == "CREATING"
    assert description["RestoreSummary"]["SourceBackupArn"] == arn
    assert description["RestoreSummary"]["RestoreInProgress"] is True
    assert db.query(TableName="same", IndexName="byg", KeyConditionExpression="g = :g",
                    ExpressionAttributeValues={":g": {"S": "x"}})["Count"] == 1
    table = db.describe_table(TableName="same")["Table"]
    assert table["RestoreSummary"]["RestoreInProgress"] is False
    assert table["DeletionProtectionEnabled"] is False
    arn_of_same = table["TableArn"]
    assert db.list_tags_of_resource(ResourceArn=arn_of_same)["Tags"] == []

    db.restore_table_from_backup(
        TargetTableName="plain", BackupArn=arn, GlobalSecondaryIndexOverride=[],
        BillingModeOverride="PROVISIONED",
        ProvisionedThroughputOverride={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
        SSESpecificationOverride={"Enabled": True, "KMSMasterKeyId": "alias/mine"})
    plain = db.describe_table(TableName="plain")["Table"]
    assert "GlobalSecondaryIndexes" not in plain
    assert plain["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"}]
    assert plain["ProvisionedThroughput"]["WriteCapacityUnits"] == 4
    assert plain["SSEDescription"]["KMSMasterKeyArn"] == (
        "arn:aws:kms:us-east-1:000000000000:alias/mine")
    assert plain["ItemCount"] == 1
    # A backup of an encrypted table describes its encryption, and a restore keeps it.
    again = db.create_backup(TableName="plain", BackupName="b2")["BackupDetails"]["BackupArn"]
    features = db.describe_backup(BackupArn=again)["BackupDescription"][
        "SourceTableFeatureDetails"]
    assert features["SSEDescription"]["Status"] == "ENABLED"
    db.restore_table_from_backup(TargetTableName="plain2", BackupArn=again)
    restored = db.describe_table(TableName="plain2")["Table"]
    assert restored["SSEDescription"] == plain["SSEDescription"]


def test_restore_override_mistakes_are_create_table_mistakes(db):
    make_table(db, "src")
    arn = db.create_backup(TableName="src", BackupName="b1")["BackupDetails"]["BackupArn"]
    with pytest.raises(ValidationException, match="ReadCapacityUnits and WriteCapacityUnits "
                                                  "must both be specified"):
        db.restore_table_from_backup(TargetTableName="prov", BackupArn=arn,
                                     BillingModeOverride="PROVISIONED")
    with pytest.raises(ValidationException, match="Some index key attributes are not defined"):
        db.restore_table_from_backup(TargetTableName="gsi", BackupArn=arn,
                                     GlobalSecondaryIndexOverride=[GSI])


def test_list_backups_filters_and_pages(db, clock):
    make_table(db, "one")
    make_table(db, "two")
    made = []
    for n in range(5):
        clock.advance(10)
        table = "one" if n % 2 == 0 else "two"
        made.append(db.create_backup(TableName=table, BackupName=f"b{n}")["BackupDetails"])
    arns = [b["BackupArn"] for b in made]
    assert [s["BackupArn"] for s in db.list_backups()["BackupSummaries"]] == arns
    assert [s["BackupName"] for s in db.list_backups(TableName="one")["BackupSummaries"]] == [
        "b0", "b2", "b4"]
    assert db.list_backups(BackupType="SYSTEM")["BackupSummaries"] == []
    assert len(db.list_backups(BackupType="ALL")["BackupSummaries"]) == 5
    created = [b["BackupCreationDateTime"] for b in made]
    window = db.list_backups(TimeRangeLowerBound=created[1], TimeRangeUpperBound=created[3])
    assert [s["BackupName"] for s in window["BackupSummaries"]] == ["b1", "b2"]

    first = db.list_backups(Limit=2)
    assert [s["BackupName"] for s in first["BackupSummaries"]] == ["b0", "b1"]
    assert first["LastEvaluatedBackupArn"] == arns[1]
    rest = db.list_backups(Limit=3, ExclusiveStartBackupArn=first["LastEvaluatedBackupArn"])
    assert [s["BackupName"] for s in rest["BackupSummaries"]] == ["b2", "b3", "b4"]
    assert "LastEvaluatedBackupArn" not in rest
    summary = rest["BackupSummaries"][0]
    assert summary["TableName"] == "one" and summary["BackupStatus"] == "AVAILABLE"
    with pytest.raises(ValidationException):
        db.list_backups(TimeRangeLowerBound=created[3], TimeRangeUpperBound=created[1])


def test_backups_survive_reopening_the_storage(tmp_path, clock):
    path = tmp_path / "tables.db"
    engine = TablesEngine(SqliteStorage(path), clock=clock)
    db = Client(engine)
    make_table(db, "src")
    db.put_item(TableName="src", Item={"pk": {"S": "kept"}})
    arn = db.create_backup(TableName="src", BackupName="b1")["BackupDetails"]["BackupArn"]
    db.close()
    engine.close()

    engine = TablesEngine(SqliteStorage(path), clock=clock)
    db = Client(engine)
    try:
        assert db.describe_backup(BackupArn=arn)["BackupDescription"]["SourceTableDetails"][
            "ItemCount"] == 1
        db.restore_table_from_backup(TargetTableName="back", BackupArn=arn)
        assert set(_items(db, "back")) == {"kept"}
    finally:
        db.close()
        engine.close()


@pytest.mark.parametrize("bound", ["TimeRangeLowerBound", "TimeRangeUpperBound"])
def test_a_time_bound_that_is_not_a_timestamp_is_refused(db, bound):
    with pytest.raises(ValidationException, match=f"Invalid {bound}"):
        db.list_backups(**{bound: "yesterday"})
