"""Point-in-time recovery settings and restores, contributor insights, and the describe-only
answers, in the engine."""
from __future__ import annotations

import datetime as dt

import pytest

from fogbank.tables.errors import (GlobalTableNotFoundException, InvalidRestoreTimeException,
                                   PointInTimeRecoveryUnavailableException,
                                   ResourceNotFoundException, TableAlreadyExistsException,
                                   TableNotFoundException, ValidationException)

from .conftest import make_table

GSI = {"IndexName": "byg", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
       "Projection": {"ProjectionType": "KEYS_ONLY"}}


def _at(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)


def _pitr(db, table: str, enabled: bool = True, **more) -> dict:
    spec = {"PointInTimeRecoveryEnabled": enabled, **more}
    return db.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification=spec)


def test_recovery_is_off_until_enabled_and_its_window_grows(db, clock):
    make_table(db, "tbl")
    off = db.describe_continuous_backups(TableName="tbl")["ContinuousBackupsDescription"]
    assert off == {"ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": {
        "PointInTimeRecoveryStatus": "DISABLED"}}
    enabled_at = clock.now
    on = _pitr(db, "tbl")["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert on["PointInTimeRecoveryStatus"] == "ENABLED" and on["RecoveryPeriodInDays"] == 35
    clock.advance(3600)
    described = db.describe_continuous_backups(TableName="tbl")[
        "ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert described["EarliestRestorableDateTime"] == _at(enabled_at)
    assert described["LatestRestorableDateTime"] == _at(clock.now)
    # A shorter period moves the earliest restorable time up.
    clock.advance(2 * 86400)
    window = _pitr(db, "tbl", RecoveryPeriodInDays=1)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]
    assert window["RecoveryPeriodInDays"] == 1
    assert window["EarliestRestorableDateTime"] == _at(clock.now - 86400)
    off = _pitr(db, "tbl", enabled=False)["ContinuousBackupsDescription"]
    assert off["PointInTimeRecoveryDescription"] == {"PointInTimeRecoveryStatus": "DISABLED"}


def test_recovery_settings_are_refused_for_a_missing_table_or_a_bad_period(db):
    with pytest.raises(TableNotFoundException, match="^Table not found: nope$"):
        db.describe_continuous_backups(TableName="nope")
    with pytest.raises(TableNotFoundException):
        _pitr(db, "nope")
    make_table(db, "tbl")
    with pytest.raises(ValidationException, match="recoveryPeriodInDays' failed to satisfy "
                                                  "constraint: Member must have value less "
                                                  "than or equal to 35"):
        _pitr(db, "tbl", RecoveryPeriodInDays=36)
    with pytest.raises(ValidationException, match="pointInTimeRecoveryEnabled' failed to "
                                                  "satisfy constraint: Member must not be null"):
        db.update_continuous_backups(TableName="tbl", PointInTimeRecoverySpecification={})


def test_a_point_in_time_restore_is_the_table_now(db, clock):
    make_table(db, "src", extra_attrs=[{"AttributeName": "g", "AttributeType": "S"}],
               GlobalSecondaryIndexes=[GSI])
    with pytest.raises(PointInTimeRecoveryUnavailableException,
                       match="^Point in time recovery is not enabled for table 'src'$"):
        db.restore_table_to_point_in_time(SourceTableName="src", TargetTableName="dst",
                                          UseLatestRestorableTime=True)
    _pitr(db, "src")
    db.put_item(TableName="src", Item={"pk": {"S": "a"}, "g": {"S": "x"}})
    clock.advance(60)
    restored = db.restore_table_to_point_in_time(
        SourceTableArn="arn:aws:dynamodb:us-east-1:000000000000:table/src",
        TargetTableName="dst", UseLatestRestorableTime=True)["TableDescription"]
    assert restored["RestoreSummary"]["SourceTableArn"].endswith(":table/src")
    assert "SourceBackupArn" not in restored["RestoreSummary"]
    assert db.query(TableName="dst", IndexName="byg", KeyConditionExpression="g = :g",
                    ExpressionAttributeValues={":g": {"S": "x"}})["Count"] == 1
    # A RestoreDateTime of now is the same restore.
    db.restore_table_to_point_in_time(SourceTableName="src", TargetTableName="dst2",
                                      RestoreDateTime=_at(clock.now))
    assert db.scan(TableName="dst2")["Count"] == 1
    # Point-in-time recovery itself is not restored.
    assert db.describe_continuous_backups(TableName="dst")["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"


def test_a_restore_time_fogbank_cannot_honour_is_refused(db, clock):
    make_table(db, "src")
    enabled_at = clock.now
    _pitr(db, "src")
    clock.advance(3600)
    with pytest.raises(InvalidRestoreTimeException, match="must be between"):
        db.restore_table_to_point_in_time(SourceTableName="src", TargetTableName="dst",
                                          RestoreDateTime=_at(enabled_at - 10))
    with pytest.raises(InvalidRestoreTimeException, match="must be between"):
        db.restore_table_to_point_in_time(SourceTableName="src", TargetTableName="dst",
                                          RestoreDateTime=_at(clock.now + 60))
    with pytest.raises(InvalidRestoreTimeException, match="keeps no history"):
        db.restore_table_to_point_in_time(SourceTableName="src", TargetTableName="dst",
                                          RestoreDateTime=_at(clock.now - 600))
    with pytest.raises(ValidationException, match="Invalid RestoreDateTime"):
        db.restore_table_to_point_in_time(SourceTableName="src", TargetTableName="dst",
                                          RestoreDateTime="an hour ago")
    assert "dst" not in db.list_tables()["TableNames"]


@pytest.mark.parametrize("params,error,message", [
    ({"TargetTableName": "dst", "UseLatestRestorableTime": True}, ValidationException,
     "Either SourceTableArn or SourceTableName must be specified"),
    ({"SourceTableName": "src", "SourceTableArn": "arn:aws:dynamodb:us-east-1:000000000000:"
      "table/src", "TargetTableName": "dst", "UseLatestRestorableTime": True},
     ValidationException, "Only one of SourceTableArn or SourceTableName"),
    ({"SourceTableName": "src", "TargetTableName": "dst"}, ValidationException,
     "Either RestoreDateTime or UseLatestRestorableTime must be specified"),
    ({"SourceTableName": "src", "TargetTableName": "dst", "UseLatestRestorableTime": True,
      "RestoreDateTime": dt.datetime.now(dt.timezone.utc)}, ValidationException,
     "Only one of RestoreDateTime or UseLatestRestorableTime"),
    ({"SourceTableName": "gone", "TargetTableName": "dst", "UseLatestRestorableTime": True},
     TableNotFoundException, "Table not found: gone"),
    ({"SourceTableName": "src", "TargetTableName": "src", "UseLatestRestorableTime": True},
     TableAlreadyExistsException, "Table already exists: src"),
])
def test_point_in_time_restore_mistakes(db, params, error, message):
    make_table(db, "src")
    _pitr(db, "src")
    with pytest.raises(error, match=message):
        db.restore_table_to_point_in_time(**params)


def test_contributor_insights_are_kept_per_table_and_index(db):
    make_table(db, "tbl", range_key="sk",
               extra_attrs=[{"AttributeName": "g", "AttributeType": "S"}],
               GlobalSecondaryIndexes=[GSI])
    assert db.describe_contributor_insights(TableName="tbl") == {
        "TableName": "tbl", "ContributorInsightsStatus": "DISABLED"}
    enabling = db.update_contributor_insights(TableName="tbl", ContributorInsightsAction="ENABLE")
    assert enabling["ContributorInsightsStatus"] == "ENABLING"
    described = db.describe_contributor_insights(TableName="tbl")
    assert described["ContributorInsightsStatus"] == "ENABLED"
    assert described["ContributorInsightsMode"] == "ACCESSED_AND_THROTTLED_KEYS"
    assert [r.split("-")[1] for r in described["ContributorInsightsRuleList"]] == [
        "PKC", "SKC", "PKT", "SKT"]
    db.update_contributor_insights(TableName="tbl", IndexName="byg",
                                   ContributorInsightsAction="ENABLE",
                                   ContributorInsightsMode="THROTTLED_KEYS")
    index = db.describe_contributor_insights(TableName="tbl", IndexName="byg")
    assert index["IndexName"] == "byg" and index["ContributorInsightsMode"] == "THROTTLED_KEYS"
    assert [r.split("-")[1] for r in index["ContributorInsightsRuleList"]] == ["PKC", "PKT"]
    listed = db.list_contributor_insights()["ContributorInsightsSummaries"]
    assert [(s["TableName"], s.get("IndexName")) for s in listed] == [("tbl", None),
                                                                       ("tbl", "byg")]
    page = db.list_contributor_insights(MaxResults=1)
    assert len(page["ContributorInsightsSummaries"]) == 1
    rest = db.list_contributor_insights(MaxResults=1, NextToken=page["NextToken"])
    assert rest["ContributorInsightsSummaries"][0]["IndexName"] == "byg"
    assert "NextToken" not in rest
    disabling = db.update_contributor_insights(TableName="tbl",
                                               ContributorInsightsAction="DISABLE")
    assert disabling["ContributorInsightsStatus"] == "DISABLING"
    assert db.describe_contributor_insights(TableName="tbl")[
        "ContributorInsightsStatus"] == "DISABLED"
    assert len(db.list_contributor_insights(TableName="tbl")[
        "ContributorInsightsSummaries"]) == 1


def test_contributor_insights_of_a_missing_table_or_index(db):
    with pytest.raises(ResourceNotFoundException, match="Table: nope not found"):
        db.describe_contributor_insights(TableName="nope")
    make_table(db, "tbl")
    with pytest.raises(ResourceNotFoundException, match="Index: nix not found"):
        db.update_contributor_insights(TableName="tbl", IndexName="nix",
                                       ContributorInsightsAction="ENABLE")
    with pytest.raises(ValidationException, match="Invalid NextToken"):
        db.list_contributor_insights(NextToken="not-a-token")


def test_features_a_local_table_never_has(db):
    make_table(db, "tbl")
    assert db.describe_kinesis_streaming_destination(TableName="tbl") == {
        "TableName": "tbl", "KinesisDataStreamDestinations": []}
    scaling = db.describe_table_replica_auto_scaling(TableName="tbl")
    assert scaling["TableAutoScalingDescription"]["Replicas"] == []
    with pytest.raises(GlobalTableNotFoundException):
        db.describe_global_table(GlobalTableName="tbl")
    with pytest.raises(ResourceNotFoundException):
        db.describe_kinesis_streaming_destination(TableName="nope")
