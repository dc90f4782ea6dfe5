"""On-demand backups and restores through boto3: what a user takes, lists, restores, and
each request sent wrong."""
from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest

from fogbank.testing import BIN, clean_env

from .conftest import unique_name

GSI = {"IndexName": "byg", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
       "Projection": {"ProjectionType": "ALL"}}
NO_SUCH_BACKUP = ("arn:aws:dynamodb:us-east-1:000000000000:table/nope/backup/"
                  "01700000000000-0123abcd")


@pytest.fixture
def restored(ddb):
    """Names of tables a test restores, deleted after it."""
    names: list[str] = []
    yield names
    for name in names:
        try:
            ddb.delete_table(TableName=name)
        except ddb.exceptions.ClientError:
            pass


def _backup(ddb, table: str, name: str = "nightly") -> str:
    return ddb.create_backup(TableName=table, BackupName=name)["BackupDetails"]["BackupArn"]


def _scan(ddb, table: str) -> dict[str, dict]:
    return {item["pk"]["S"]: item for item in ddb.scan(TableName=table)["Items"]}


def test_backup_and_restore_round_trip(ddb, make_table, restored):
    table = make_table(attributes={"g": "S"}, GlobalSecondaryIndexes=[GSI])
    for n in range(3):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{n}"}, "g": {"S": "same"},
                                            "n": {"N": str(n)}})
    created = ddb.create_backup(TableName=table, BackupName="nightly_1.a")["BackupDetails"]
    assert created["BackupStatus"] == "CREATING" and created["BackupType"] == "USER"
    assert isinstance(created["BackupCreationDateTime"], dt.datetime)
    arn = created["BackupArn"]
    ddb.put_item(TableName=table, Item={"pk": {"S": "later"}})

    described = ddb.describe_backup(BackupArn=arn)["BackupDescription"]
    assert described["BackupDetails"]["BackupStatus"] == "AVAILABLE"
    assert described["SourceTableDetails"]["TableName"] == table
    assert described["SourceTableDetails"]["ItemCount"] == 3
    assert described["SourceTableFeatureDetails"]["GlobalSecondaryIndexes"][0][
        "IndexName"] == "byg"

    target = unique_name("restored")
    restored.append(target)
    answer = ddb.restore_table_from_backup(TargetTableName=target, BackupArn=arn)
    assert answer["TableDescription"]["RestoreSummary"]["SourceBackupArn"] == arn
    ddb.get_waiter("table_exists").wait(TableName=target, WaiterConfig={"Delay": 1})
    assert set(_scan(ddb, target)) == {"k0", "k1", "k2"}
    assert ddb.query(TableName=target, IndexName="byg", KeyConditionExpression="g = :g",
                     ExpressionAttributeValues={":g": {"S": "same"}})["Count"] == 3
    summary = ddb.describe_table(TableName=target)["Table"]["RestoreSummary"]
    assert summary["RestoreInProgress"] is False
    assert summary["SourceTableArn"].endswith(f":table/{table}")


def test_list_backups_of_a_table_in_pages(ddb, table):
    arns = [_backup(ddb, table, f"backup{n}") for n in range(3)]
    listed = ddb.list_backups(TableName=table)["BackupSummaries"]
    assert [s["BackupArn"] for s in listed] == arns
    assert listed[0]["TableName"] == table and listed[0]["BackupStatus"] == "AVAILABLE"
    first = ddb.list_backups(TableName=table, Limit=2)
    assert first["LastEvaluatedBackupArn"] == arns[1]
    rest = ddb.list_backups(TableName=table, ExclusiveStartBackupArn=arns[1])
    assert [s["BackupArn"] for s in rest["BackupSummaries"]] == arns[2:]
    upper = listed[1]["BackupCreationDateTime"]
    early = ddb.list_backups(TableName=table, TimeRangeUpperBound=upper)["BackupSummaries"]
    assert arns[0] in [s["BackupArn"] for s in early]
    assert arns[2] not in [s["BackupArn"] for s in early]
    assert ddb.list_backups(TableName=table, BackupType="SYSTEM")["BackupSummaries"] == []


def test_a_backup_outlives_its_table_until_deleted(ddb, make_table, restored):
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "kept"}})
    arn = _backup(ddb, table)
    ddb.delete_table(TableName=table)
    ddb.get_waiter("table_not_exists").wait(TableName=table, WaiterConfig={"Delay": 1})
    assert ddb.describe_backup(BackupArn=arn)["BackupDescription"]["SourceTableDetails"][
        "TableName"] == table
    restored.append(table)
    ddb.restore_table_from_backup(TargetTableName=table, BackupArn=arn)
    assert set(_scan(ddb, table)) == {"kept"}
    deleted = ddb.delete_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]
    assert deleted["BackupStatus"] == "DELETED"
    assert ddb.list_backups(TableName=table)["BackupSummaries"] == []


def test_restore_with_overrides(ddb, make_table, restored):
    table = make_table(attributes={"g": "S"}, GlobalSecondaryIndexes=[GSI])
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "g": {"S": "x"}})
    arn = _backup(ddb, table)
    target = unique_name("override")
    restored.append(target)
    ddb.restore_table_from_backup(
        TargetTableName=target, BackupArn=arn, BillingModeOverride="PROVISIONED",
        ProvisionedThroughputOverride={"ReadCapacityUnits": 2, "WriteCapacityUnits": 3},
        GlobalSecondaryIndexOverride=[{**GSI, "Projection": {"ProjectionType": "KEYS_ONLY"},
                                       "ProvisionedThroughput": {"ReadCapacityUnits": 1,
                                                                 "WriteCapacityUnits": 1}}],
        SSESpecificationOverride={"Enabled": True, "SSEType": "KMS"})
    described = ddb.describe_table(TableName=target)["Table"]
    assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 2
    assert described["GlobalSecondaryIndexes"][0]["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert described["SSEDescription"]["Status"] == "ENABLED"
    index = ddb.query(TableName=target, IndexName="byg", KeyConditionExpression="g = :g",
                      ExpressionAttributeValues={":g": {"S": "x"}})["Items"]
    assert index == [{"pk": {"S": "a"}, "g": {"S": "x"}}]


def test_deletion_protection_keeps_the_table_and_its_backups(ddb, make_table):
    table = make_table(DeletionProtectionEnabled=True)
    arn = _backup(ddb, table)
    with pytest.raises(ddb.exceptions.ClientError) as info:
        ddb.delete_table(TableName=table)
    assert info.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "Resource cannot be deleted as it is currently protected against deletion. "
                   "Disable deletion protection first."}
    ddb.update_table(TableName=table, DeletionProtectionEnabled=False)
    assert ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"][
        "BackupStatus"] == "AVAILABLE"


# ---------------------------------------------------------------------- sent wrong

def test_backup_of_a_missing_table(ddb, aws_error):
    with aws_error("TableNotFoundException", "Table not found: no-such-table"):
        ddb.create_backup(TableName="no-such-table", BackupName="backup1")


@pytest.mark.parametrize("name,problem", [
    ("ab", "Member must have length greater than or equal to 3"),
    ("bad name!", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"),
])
def test_backup_name_must_fit_the_pattern(raw_ddb, table, aws_error, name, problem):
    with aws_error("ValidationException", contains=problem):
        raw_ddb.create_backup(TableName=table, BackupName=name)


def test_missing_backups_are_not_found(ddb, aws_error):
    for call in (ddb.describe_backup, ddb.delete_backup):
        with aws_error("BackupNotFoundException", f"Backup not found: {NO_SUCH_BACKUP}"):
            call(BackupArn=NO_SUCH_BACKUP)
    with aws_error("BackupNotFoundException", f"Backup not found: {NO_SUCH_BACKUP}"):
        ddb.restore_table_from_backup(TargetTableName=unique_name(), BackupArn=NO_SUCH_BACKUP)


def test_a_short_backup_arn_is_refused_by_the_request_validator(raw_ddb, aws_error):
    with aws_error("ValidationException",
                   contains="Member must have length greater than or equal to 37"):
        raw_ddb.describe_backup(BackupArn="arn:aws:dynamodb:x")


def test_deleting_a_backup_twice(ddb, table, aws_error):
    arn = _backup(ddb, table)
    ddb.delete_backup(BackupArn=arn)
    with aws_error("BackupNotFoundException", f"Backup not found: {arn}"):
        ddb.delete_backup(BackupArn=arn)


def test_restoring_onto_a_table_that_exists(ddb, table, aws_error):
    arn = _backup(ddb, table)
    with aws_error("TableAlreadyExistsException", f"Table already exists: {table}"):
        ddb.restore_table_from_backup(TargetTableName=table, BackupArn=arn)


def test_restore_overrides_sent_wrong(ddb, raw_ddb, table, aws_error):
    arn = _backup(ddb, table)
    with aws_error("ValidationException", contains="Member must not be null"):
        raw_ddb.restore_table_from_backup(
            TargetTableName=unique_name(), BackupArn=arn,
            GlobalSecondaryIndexOverride=[{**GSI, "KeySchema": [{}]}])
    with aws_error("ValidationException", contains="ReadCapacityUnits and WriteCapacityUnits "
                                                   "must both be specified"):
        ddb.restore_table_from_backup(TargetTableName=unique_name(), BackupArn=arn,
                                      BillingModeOverride="PROVISIONED")
    with aws_error("ValidationException", contains="Some index key attributes are not defined"):
        ddb.restore_table_from_backup(TargetTableName=unique_name(), BackupArn=arn,
                                      GlobalSecondaryIndexOverride=[GSI])


@pytest.mark.parametrize("params,problem", [
    ({"Limit": 0}, "Member must have value greater than or equal to 1"),
    ({"Limit": 101}, "Member must have value less than or equal to 100"),
    ({"BackupType": "NIGHTLY"}, "Member must satisfy enum value set"),
])
def test_list_backups_sent_wrong(raw_ddb, aws_error, params, problem):
    with aws_error("ValidationException", contains=problem):
        raw_ddb.list_backups(**params)


def test_list_backups_with_a_time_range_upside_down(ddb, aws_error):
    now = dt.datetime.now(dt.timezone.utc)
    with aws_error("ValidationException"):
        ddb.list_backups(TimeRangeLowerBound=now, TimeRangeUpperBound=now - dt.timedelta(1))


def test_the_aws_cli_takes_and_lists_a_backup(endpoint, table):
    def aws(*args: str) -> dict:
        done = subprocess.run([str(BIN / "aws"), "dynamodb", *args, "--endpoint-url", endpoint,
                               "--output", "json"], capture_output=True, text=True,
                              env=clean_env(), timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    created = aws("create-backup", "--table-name", table, "--backup-name", "from-the-cli")
    arn = created["BackupDetails"]["BackupArn"]
    assert created["BackupDetails"]["BackupName"] == "from-the-cli"
    listed = aws("list-backups", "--table-name", table)["BackupSummaries"]
    assert [b["BackupArn"] for b in listed] == [arn]
    described = aws("describe-backup", "--backup-arn", arn)["BackupDescription"]
    assert described["SourceTableDetails"]["TableName"] == table
