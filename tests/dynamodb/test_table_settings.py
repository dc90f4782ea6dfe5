"""Point-in-time recovery, resource policies, contributor insights and the describe-only
operations through boto3, each request also sent wrong."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from .conftest import unique_name

ACCOUNT_ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/"


def _policy(table: str, action: str = "dynamodb:GetItem") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
        "Action": action, "Resource": ACCOUNT_ARN + table}]})


def _enable_recovery(ddb, table: str, **more) -> dict:
    return ddb.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True, **more})["ContinuousBackupsDescription"]


def test_point_in_time_recovery_settings(ddb, table):
    off = ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    assert off["ContinuousBackupsStatus"] == "ENABLED"
    assert off["PointInTimeRecoveryDescription"] == {"PointInTimeRecoveryStatus": "DISABLED"}
    on = _enable_recovery(ddb, table, RecoveryPeriodInDays=7)["PointInTimeRecoveryDescription"]
    assert on["PointInTimeRecoveryStatus"] == "ENABLED" and on["RecoveryPeriodInDays"] == 7
    assert on["EarliestRestorableDateTime"] <= on["LatestRestorableDateTime"]
    by_arn = ddb.describe_continuous_backups(TableName=ACCOUNT_ARN + table)
    assert by_arn["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"][
        "PointInTimeRecoveryStatus"] == "ENABLED"


def test_restore_to_the_latest_restorable_time(ddb, table):
    _enable_recovery(ddb, table)
    ddb.put_item(TableName=table, Item={"pk": {"S": "now"}})
    target = unique_name("pitr")
    answer = ddb.restore_table_to_point_in_time(SourceTableName=table, TargetTableName=target,
                                                UseLatestRestorableTime=True)
    try:
        assert answer["TableDescription"]["RestoreSummary"]["SourceTableArn"] == (
            ACCOUNT_ARN + table)
        ddb.get_waiter("table_exists").wait(TableName=target, WaiterConfig={"Delay": 1})
        assert [i["pk"]["S"] for i in ddb.scan(TableName=target)["Items"]] == ["now"]
    finally:
        ddb.delete_table(TableName=target)


def test_point_in_time_recovery_sent_wrong(ddb, raw_ddb, table, aws_error):
    with aws_error("TableNotFoundException", "Table not found: no-such-table"):
        ddb.describe_continuous_backups(TableName="no-such-table")
    with aws_error("TableNotFoundException", "Table not found: no-such-table"):
        _enable_recovery(ddb, "no-such-table")
    with aws_error("ValidationException", contains="Member must have value less than or "
                                                   "equal to 35"):
        raw_ddb.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 40})
    with aws_error("PointInTimeRecoveryUnavailableException",
                   f"Point in time recovery is not enabled for table '{table}'"):
        ddb.restore_table_to_point_in_time(SourceTableName=table, TargetTableName=unique_name(),
                                           UseLatestRestorableTime=True)
    _enable_recovery(ddb, table)
    an_hour_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    with aws_error("InvalidRestoreTimeException", contains="must be between"):
        ddb.restore_table_to_point_in_time(SourceTableName=table, TargetTableName=unique_name(),
                                           RestoreDateTime=an_hour_ago)
    with aws_error("TableAlreadyExistsException", f"Table already exists: {table}"):
        ddb.restore_table_to_point_in_time(SourceTableName=table, TargetTableName=table,
                                           UseLatestRestorableTime=True)
    with aws_error("ValidationException",
                   "Either SourceTableArn or SourceTableName must be specified"):
        ddb.restore_table_to_point_in_time(TargetTableName=unique_name(),
                                           UseLatestRestorableTime=True)


def test_resource_policy_lifecycle(ddb, table):
    arn = ACCOUNT_ARN + table
    revision = ddb.put_resource_policy(ResourceArn=arn, Policy=_policy(table))["RevisionId"]
    got = ddb.get_resource_policy(ResourceArn=arn)
    assert (got["Policy"], got["RevisionId"]) == (_policy(table), revision)
    newer = ddb.put_resource_policy(ResourceArn=arn, Policy=_policy(table, "dynamodb:Query"),
                                    ExpectedRevisionId=revision)["RevisionId"]
    assert newer != revision
    assert ddb.delete_resource_policy(ResourceArn=arn,
                                      ExpectedRevisionId=newer)["RevisionId"] == newer


def test_a_stream_has_its_own_policy(ddb, make_table):
    table = make_table(StreamSpecification={"StreamEnabled": True,
                                            "StreamViewType": "KEYS_ONLY"})
    stream = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    ddb.put_resource_policy(ResourceArn=stream, Policy=_policy(table, "dynamodb:GetRecords"))
    assert "GetRecords" in ddb.get_resource_policy(ResourceArn=stream)["Policy"]


def test_resource_policies_sent_wrong(ddb, table, aws_error):
    arn = ACCOUNT_ARN + table
    with aws_error("PolicyNotFoundException",
                   f"Resource-based policy not found for the provided ResourceArn: {arn}"):
        ddb.get_resource_policy(ResourceArn=arn)
    with aws_error("PolicyNotFoundException"):
        ddb.delete_resource_policy(ResourceArn=arn)
    with aws_error("PolicyNotFoundException"):
        ddb.put_resource_policy(ResourceArn=arn, Policy=_policy(table), ExpectedRevisionId="7")
    with aws_error("ValidationException", contains="not valid JSON"):
        ddb.put_resource_policy(ResourceArn=arn, Policy="{")
    with aws_error("ResourceNotFoundException"):
        ddb.get_resource_policy(ResourceArn=ACCOUNT_ARN + "no-such-table")
    with aws_error("ValidationException", contains="ARNs must start with 'arn:'"):
        ddb.get_resource_policy(ResourceArn=table)


# The wordings below are the ones moto's tests marked aws_verified recorded from AWS.
def test_resource_policy_of_a_missing_table_names_the_table(ddb, table, aws_error):
    arn = ACCOUNT_ARN + table + "_"
    for call in (lambda: ddb.get_resource_policy(ResourceArn=arn),
                 lambda: ddb.delete_resource_policy(ResourceArn=arn),
                 lambda: ddb.put_resource_policy(ResourceArn=arn, Policy=_policy(table))):
        with aws_error("ResourceNotFoundException",
                       f"Requested resource not found: Table: {table}_ not found"):
            call()


def test_no_policy_expected_where_one_is_attached(ddb, table, aws_error):
    arn = ACCOUNT_ARN + table
    revision = ddb.put_resource_policy(ResourceArn=arn, Policy=_policy(table),
                                       ExpectedRevisionId="NO_POLICY")["RevisionId"]
    with aws_error("PolicyNotFoundException",
                   "Resource-based policy not found for the provided ResourceArn: Requested "
                   f"policy update expecting none to be present for table {table}, but a "
                   f"policy exists with revision id {revision}."):
        ddb.put_resource_policy(ResourceArn=arn, Policy=_policy(table, "dynamodb:Query"),
                                ExpectedRevisionId="NO_POLICY")
    assert ddb.get_resource_policy(ResourceArn=arn)["RevisionId"] == revision


def test_contributor_insights(ddb, table):
    assert ddb.describe_contributor_insights(TableName=table)[
        "ContributorInsightsStatus"] == "DISABLED"
    enabling = ddb.update_contributor_insights(TableName=table,
                                               ContributorInsightsAction="ENABLE")
    assert enabling["ContributorInsightsStatus"] == "ENABLING"
    described = ddb.describe_contributor_insights(TableName=table)
    assert described["ContributorInsightsStatus"] == "ENABLED"
    assert isinstance(described["LastUpdateDateTime"], dt.datetime)
    assert described["ContributorInsightsRuleList"]
    listed = ddb.list_contributor_insights(TableName=table)["ContributorInsightsSummaries"]
    assert listed == [{"TableName": table, "ContributorInsightsStatus": "ENABLED",
                       "ContributorInsightsMode": "ACCESSED_AND_THROTTLED_KEYS"}]


def test_contributor_insights_sent_wrong(ddb, raw_ddb, table, aws_error):
    with aws_error("ResourceNotFoundException", contains="no-such-table"):
        ddb.describe_contributor_insights(TableName="no-such-table")
    with aws_error("ResourceNotFoundException", contains="Index: nix-index not found"):
        ddb.describe_contributor_insights(TableName=table, IndexName="nix-index")
    with aws_error("ValidationException", contains="Member must satisfy enum value set"):
        raw_ddb.update_contributor_insights(TableName=table, ContributorInsightsAction="ON")
    with aws_error("ValidationException", contains="Member must have value less than or "
                                                   "equal to 100"):
        raw_ddb.list_contributor_insights(MaxResults=101)


def test_what_a_table_without_replicas_or_kinesis_answers(ddb, table, aws_error):
    kinesis = ddb.describe_kinesis_streaming_destination(TableName=table)
    assert kinesis["TableName"] == table and kinesis["KinesisDataStreamDestinations"] == []
    scaling = ddb.describe_table_replica_auto_scaling(TableName=table)
    assert scaling["TableAutoScalingDescription"]["Replicas"] == []
    with aws_error("GlobalTableNotFoundException", "Global table not found"):
        ddb.describe_global_table(GlobalTableName=table)
    with aws_error("ResourceNotFoundException"):
        ddb.describe_kinesis_streaming_destination(TableName="no-such-table")
