"""Exchanges recorded against real DynamoDB (LocalStack's AWS-validated snapshot tests),
replayed here: the same requests, and what AWS answered.

Values that differ by nature (account ids, timestamps, table ids, generated key ids) are
compared by their form, not their text.
"""
from __future__ import annotations

import re
from typing import Any

ARN_KEY = re.compile(r"arn:aws:kms:us-east-1:\d{12}:key/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")


def _stream_records(streams, iterator: str, wanted: int) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for _ in range(5):
        answer = streams.get_records(ShardIterator=iterator)
        records += answer["Records"]
        iterator = answer["NextShardIterator"]
        if len(records) >= wanted:
            break
    return records


def _trim_horizon(streams, arn: str) -> str:
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    return streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                      ShardIteratorType="TRIM_HORIZON")["ShardIterator"]


# ---------------------------------------------------------------- stream shard iterators

def test_shard_iterators_start_with_the_stream_arn(ddb, streams, table) -> None:
    arn = ddb.update_table(TableName=table, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})["TableDescription"]["LatestStreamArn"]
    form = re.compile(rf"^{re.escape(arn)}\|\d\|.+$")
    iterator = _trim_horizon(streams, arn)
    assert form.match(iterator)
    answer = streams.get_records(ShardIterator=iterator)
    assert answer["Records"] == []
    assert form.match(answer["NextShardIterator"])


def test_an_iterator_of_another_version_is_refused(ddb, streams, make_table, aws_error) -> None:
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    _, version, opaque = _trim_horizon(streams, arn).split("|")
    with aws_error("ValidationException", "Invalid ShardIterator"):
        streams.get_records(ShardIterator=f"{arn}|{int(version) + 1}|{opaque}")


# ---------------------------------------------------------------- stream records

def test_transact_writes_record_only_what_changed(ddb, streams, make_table) -> None:
    name = make_table(("id", "S"), StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    iterator = _trim_horizon(streams, arn)

    def update(key: str, expression: str, values: dict[str, Any]) -> dict[str, Any]:
        return {"Update": {"TableName": name, "Key": {"id": {"S": key}},
                           "UpdateExpression": expression,
                           "ExpressionAttributeValues": values}}

    one, two = {":v1": {"S": "value1"}}, {":v1": {"S": "value1"}, ":v2": {"S": "value2"}}
    ddb.put_item(TableName=name, Item={"id": {"S": "Fred"}})
    # Fred is written again as it is: no record for it.
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": name, "Item": {"id": {"S": "Fred"}}}},
        {"Put": {"TableName": name, "Item": {"id": {"S": "NewKey"}}}}])
    ddb.transact_write_items(TransactItems=[update("NewKey", "SET attr1 = :v1, attr2 = :v2", two)])
    ddb.transact_write_items(TransactItems=[update("NonExistentKey", "SET attr1 = :v1", one)])
    # NonExistentKey's update sets the value it has: no record for it either.
    ddb.transact_write_items(TransactItems=[
        {"Delete": {"TableName": name, "Key": {"id": {"S": "NewKey"}}}},
        {"Put": {"TableName": name, "Item": {"id": {"S": "Fred"}, "name": {"S": "Fred"}}}},
        update("NonExistentKey", "SET attr1 = :v1", one)])

    records = _stream_records(streams, iterator, 6)
    seen = [(r["eventName"], r["dynamodb"]["Keys"]["id"]["S"], r["dynamodb"].get("OldImage"),
             r["dynamodb"].get("NewImage"), r["dynamodb"]["SizeBytes"]) for r in records]
    new_key = {"id": {"S": "NewKey"}}
    updated = {"id": {"S": "NewKey"}, "attr1": {"S": "value1"}, "attr2": {"S": "value2"}}
    assert seen == [
        ("INSERT", "Fred", None, {"id": {"S": "Fred"}}, 12),
        ("INSERT", "NewKey", None, new_key, 16),
        ("MODIFY", "NewKey", new_key, updated, 46),
        ("INSERT", "NonExistentKey", None,
         {"id": {"S": "NonExistentKey"}, "attr1": {"S": "value1"}}, 43),
        ("REMOVE", "NewKey", updated, None, 38),
        ("MODIFY", "Fred", {"id": {"S": "Fred"}}, {"id": {"S": "Fred"}, "name": {"S": "Fred"}}, 26),
    ]
    assert {(r["eventSource"], r["eventVersion"], r["awsRegion"]) for r in records} == {
        ("aws:dynamodb", "1.1", "us-east-1")}


# ---------------------------------------------------------------- encryption

def test_the_managed_key_is_described_by_its_key_arn(ddb, make_table) -> None:
    first = make_table(SSESpecification={"Enabled": True})
    described = ddb.describe_table(TableName=first)["Table"]["SSEDescription"]
    assert set(described) == {"KMSMasterKeyArn", "SSEType", "Status"}
    assert (described["SSEType"], described["Status"]) == ("KMS", "ENABLED")
    assert ARN_KEY.fullmatch(described["KMSMasterKeyArn"]), described
    # One managed key per account and region: every table shows the same one.
    second = make_table(SSESpecification={"Enabled": True})
    assert ddb.describe_table(TableName=second)["Table"]["SSEDescription"] == described


def test_turning_kms_off_answers_with_the_key_updating(ddb, make_table) -> None:
    name = make_table(SSESpecification={"Enabled": True})
    key = ddb.describe_table(TableName=name)["Table"]["SSEDescription"]["KMSMasterKeyArn"]
    answer = ddb.update_table(TableName=name, SSESpecification={"Enabled": False})
    assert answer["TableDescription"]["SSEDescription"] == {
        "KMSMasterKeyArn": key, "SSEType": "KMS", "Status": "UPDATING"}
    assert "SSEDescription" not in ddb.describe_table(TableName=name)["Table"]


def test_an_update_without_sse_keeps_the_key_described(ddb, make_table) -> None:
    name = make_table(SSESpecification={"Enabled": True})
    answer = ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    described = answer["TableDescription"]["SSEDescription"]
    assert (described["SSEType"], described["Status"]) == ("KMS", "ENABLED")
    assert ARN_KEY.fullmatch(described["KMSMasterKeyArn"])


# ---------------------------------------------------------------- warm throughput

def test_a_provisioned_table_is_warm_to_its_capacity(ddb, make_table) -> None:
    name = make_table(BillingMode="PROVISIONED",
                      ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    assert ddb.describe_table(TableName=name)["Table"]["WarmThroughput"] == {
        "ReadUnitsPerSecond": 5, "WriteUnitsPerSecond": 5, "Status": "ACTIVE"}


def test_an_on_demand_table_and_its_index_start_at_12000_and_4000(ddb, make_table) -> None:
    name = make_table(("pk", "S"), ("sk", "S"), attributes={"g": "S"}, GlobalSecondaryIndexes=[
        {"IndexName": "GSI1", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
         "Projection": {"ProjectionType": "ALL"}}])
    table = ddb.describe_table(TableName=name)["Table"]
    warm = {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"}
    assert table["WarmThroughput"] == warm
    assert table["GlobalSecondaryIndexes"][0]["WarmThroughput"] == warm


def test_the_warm_status_follows_the_table_status(ddb, make_table) -> None:
    name = make_table()
    answer = ddb.update_table(TableName=name, WarmThroughput={"ReadUnitsPerSecond": 13000})
    assert answer["TableDescription"]["WarmThroughput"] == {
        "ReadUnitsPerSecond": 13000, "WriteUnitsPerSecond": 4000, "Status": "UPDATING"}
    assert ddb.describe_table(TableName=name)["Table"]["WarmThroughput"] == {
        "ReadUnitsPerSecond": 13000, "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"}


def test_warm_throughput_never_falls(ddb, make_table) -> None:
    name = make_table(("pk", "S"), attributes={"g": "S"}, GlobalSecondaryIndexes=[
        {"IndexName": "GSI1", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
         "Projection": {"ProjectionType": "ALL"}}])
    ddb.update_table(TableName=name, BillingMode="PROVISIONED",
                     ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2},
                     GlobalSecondaryIndexUpdates=[{"Update": {
                         "IndexName": "GSI1", "ProvisionedThroughput": {
                             "ReadCapacityUnits": 3, "WriteCapacityUnits": 3}}}])
    table = ddb.describe_table(TableName=name)["Table"]
    warm = {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"}
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 2
    assert table["WarmThroughput"] == warm
    assert table["GlobalSecondaryIndexes"][0]["WarmThroughput"] == warm


def test_a_table_created_warm_reports_what_it_asked_for(ddb, make_table) -> None:
    name = make_table(BillingMode="PROVISIONED",
                      ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                      WarmThroughput={"ReadUnitsPerSecond": 20, "WriteUnitsPerSecond": 10})
    assert ddb.describe_table(TableName=name)["Table"]["WarmThroughput"] == {
        "ReadUnitsPerSecond": 20, "WriteUnitsPerSecond": 10, "Status": "ACTIVE"}


def test_an_index_keeps_the_warm_throughput_it_asked_for(ddb, make_table) -> None:
    name = make_table(("pk", "S"), attributes={"g": "S"}, GlobalSecondaryIndexes=[
        {"IndexName": "GSI1", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
         "Projection": {"ProjectionType": "ALL"},
         "WarmThroughput": {"ReadUnitsPerSecond": 15000}}])
    ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Update": {
        "IndexName": "GSI1", "WarmThroughput": {"WriteUnitsPerSecond": 6000}}}])
    index = ddb.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]
    assert index["WarmThroughput"] == {
        "ReadUnitsPerSecond": 15000, "WriteUnitsPerSecond": 6000, "Status": "ACTIVE"}
