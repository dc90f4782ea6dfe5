"""Time to live: UpdateTimeToLive / DescribeTimeToLive, and expired items being swept."""
from __future__ import annotations

import time


def test_ttl_is_disabled_by_default(ddb, table) -> None:
    desc = ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert desc == {"TimeToLiveStatus": "DISABLED"}


def test_enable_then_disable(ddb, table) -> None:
    resp = ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires"})
    assert resp["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires"}
    desc = ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert desc == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={
        "Enabled": False, "AttributeName": "expires"})
    desc = ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert desc["TimeToLiveStatus"] in ("DISABLING", "DISABLED")


def test_enable_twice(ddb, table, aws_error) -> None:
    spec = {"Enabled": True, "AttributeName": "expires"}
    ddb.update_time_to_live(TableName=table, TimeToLiveSpecification=spec)
    with aws_error("ValidationException", "TimeToLive is already enabled"):
        ddb.update_time_to_live(TableName=table, TimeToLiveSpecification=spec)


def test_ttl_on_a_missing_table(ddb, aws_error) -> None:
    with aws_error("ResourceNotFoundException", prefix="Requested resource not found"):
        ddb.describe_time_to_live(TableName="no-such-table")
    with aws_error("ResourceNotFoundException", prefix="Requested resource not found"):
        ddb.update_time_to_live(TableName="no-such-table", TimeToLiveSpecification={
            "Enabled": True, "AttributeName": "expires"})


def test_expired_items_are_swept_with_a_service_stream_record(ddb, streams, make_table) -> None:
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "OLD_IMAGE"})
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires"})
    past = str(int(time.time()) - 3600)
    future = str(int(time.time()) + 3600)
    ddb.put_item(TableName=name, Item={"pk": {"S": "old"}, "expires": {"N": past}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "new"}, "expires": {"N": future}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "text"}, "expires": {"S": past}})
    # The suite's node sweeps every second; allow generous slack on a busy machine.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "old"}}):
            break
        time.sleep(1)
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "old"}})
    assert "Item" in ddb.get_item(TableName=name, Key={"pk": {"S": "new"}})
    assert "Item" in ddb.get_item(TableName=name, Key={"pk": {"S": "text"}})  # not a number
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    (removal,) = [r for r in records if r["eventName"] == "REMOVE"]
    assert removal["userIdentity"] == {"Type": "Service",
                                       "PrincipalId": "dynamodb.amazonaws.com"}
    assert removal["dynamodb"]["OldImage"]["pk"] == {"S": "old"}


def test_ttl_specification_members_are_validated(raw_ddb, table, aws_error) -> None:
    where = "'timeToLiveSpecification.attributeName' failed to satisfy constraint: "
    with aws_error("ValidationException", f"1 validation error detected: Value '{'x' * 256}' at "
                   + where + "Member must have length less than or equal to 255"):
        raw_ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={
            "Enabled": True, "AttributeName": "x" * 256})
    with aws_error("ValidationException", "1 validation error detected: Value '' at " + where
                   + "Member must have length greater than or equal to 1"):
        raw_ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={
            "Enabled": True, "AttributeName": ""})
    with aws_error("ValidationException", "1 validation error detected: Value null at " + where
                   + "Member must not be null"):
        raw_ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={"Enabled": True})
    with aws_error("ValidationException", "1 validation error detected: Value null at "
                   "'timeToLiveSpecification.enabled' failed to satisfy constraint: Member must "
                   "not be null"):
        raw_ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={"AttributeName": "e"})
    desc = raw_ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert desc == {"TimeToLiveStatus": "DISABLED"}
