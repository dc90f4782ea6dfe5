"""Exchanges recorded against real DynamoDB (LocalStack's AWS-validated snapshot tests),
replayed here: the same requests, and what AWS answered.

Values that differ by nature (account ids, timestamps, table ids, generated key ids) are
compared by their form, not their text.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

import pytest
from botocore.exceptions import ClientError

from .conftest import unique_name

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


# ---------------------------------------------------------------- items and batches

TAGS = [{"Key": "Name", "Value": "test-table"}, {"Key": "TestKey", "Value": "true"}]
PROVISIONED = {"BillingMode": "PROVISIONED",
               "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}


def _answer(response: dict[str, Any]) -> dict[str, Any]:
    """A response as the recordings keep it: without its metadata."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def test_a_local_index_query_answers_the_item(ddb, make_table) -> None:
    name = make_table(("PK", "S"), ("SK", "S"), attributes={"LSI1SK": "N"}, Tags=TAGS,
                      LocalSecondaryIndexes=[{
                          "IndexName": "LSI1", "Projection": {"ProjectionType": "ALL"},
                          "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"},
                                        {"AttributeName": "LSI1SK", "KeyType": "RANGE"}]}])
    item = {"SK": {"S": "hello"}, "LSI1SK": {"N": "123"}, "PK": {"S": "test one"}}
    ddb.put_item(TableName=name, Item=item)
    answer = ddb.query(TableName=name, IndexName="LSI1", KeyConditionExpression="PK = :v1",
                       ExpressionAttributeValues={":v1": {"S": "test one"}},
                       Select="ALL_ATTRIBUTES")
    assert _answer(answer) == {"Count": 1, "Items": [item], "ScannedCount": 1}


def test_put_returns_the_old_item_only_when_asked(ddb, table) -> None:
    first = {"pk": {"S": "id1"}, "data": {"S": "foobar"}}
    second = {"pk": {"S": "id1"}, "data": {"S": "barfoo"}}
    assert _answer(ddb.put_item(TableName=table, Item=first, ReturnValues="ALL_OLD")) == {}
    assert _answer(ddb.put_item(TableName=table, Item=first, ReturnValues="ALL_OLD")) == {
        "Attributes": first}
    assert _answer(ddb.put_item(TableName=table, Item=second, ReturnValues="ALL_OLD")) == {
        "Attributes": first}
    assert _answer(ddb.put_item(TableName=table, Item=first)) == {}
    assert _answer(ddb.put_item(TableName=table, Item=first)) == {}


def test_empty_strings_and_raw_bytes_are_stored(ddb, table) -> None:
    empty = {"pk": {"S": "id1"}, "data": {"S": ""}}
    binary = {"pk": {"S": "id2"}, "data": {"B": b"\x90"}}
    for item in (empty, binary):
        assert _answer(ddb.put_item(TableName=table, Item=item)) == {}
        assert ddb.get_item(TableName=table, Key={"pk": item["pk"]})["Item"] == item


def test_a_batch_write_of_undecodable_bytes_leaves_nothing_unprocessed(ddb, make_table) -> None:
    name = make_table(("PK", "S"), ("SK", "S"))
    ddb.put_item(TableName=name, Item={"PK": {"S": "hello"}, "SK": {"S": "user"},
                                       "data": {"B": b"test"}})
    items = [{"PK": {"S": "hello-1"}, "SK": {"S": "user-1"}, "data": {"B": b"test-1"}},
             {"PK": {"S": "hello-2"}, "SK": {"S": "user-2"}, "data": {"B": b"test \xc0 \xed"}}]
    answer = ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": i}} for i in items]})
    assert _answer(answer) == {"UnprocessedItems": {}}
    stored = ddb.get_item(TableName=name, Key={"PK": {"S": "hello-2"}, "SK": {"S": "user-2"}})
    assert stored["Item"]["data"] == {"B": b"test \xc0 \xed"}


def test_a_batch_write_deletes_and_puts(ddb, make_table) -> None:
    name = make_table(("id", "S"), Tags=TAGS, **PROVISIONED)
    ddb.put_item(TableName=name, Item={"id": {"S": "Fred"}})
    answer = ddb.batch_write_item(RequestItems={name: [
        {"DeleteRequest": {"Key": {"id": {"S": "Fred"}}}},
        {"PutRequest": {"Item": {"id": {"S": "Bob"}}}}]})
    assert _answer(answer) == {"UnprocessedItems": {}}
    assert ddb.scan(TableName=name)["Items"] == [{"id": {"S": "Bob"}}]


def test_a_batch_get_of_a_missing_key_answers_an_empty_list(ddb, make_table) -> None:
    name = make_table(("PK", "S"), BillingMode="PROVISIONED",
                      ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    answer = ddb.batch_get_item(RequestItems={name: {"Keys": [{"PK": {"S": "test-key"}}]}})
    assert _answer(answer) == {"Responses": {name: []}, "UnprocessedKeys": {}}


def test_a_batch_write_without_the_key_is_refused(ddb, make_table, aws_error) -> None:
    name = make_table(("id", "S"), ("sortKey", "S"))
    with aws_error("ValidationException", "The provided key element does not match the schema"):
        ddb.batch_write_item(RequestItems={name: [{"PutRequest": {
            "Item": {"nonKey": {"S": "hello"}}}}]})


def test_a_failed_condition_returns_the_old_item(ddb, table) -> None:
    item = {"pk": {"S": "456"}, "price": {"N": "650"}, "product": {"S": "sporting goods"}}
    ddb.put_item(TableName=table, Item=item)
    with pytest.raises(ClientError) as info:
        ddb.delete_item(TableName=table, Key={"pk": {"S": "456"}},
                        ConditionExpression="price between :lo and :hi",
                        ExpressionAttributeValues={":lo": {"N": "500"}, ":hi": {"N": "600"}},
                        ReturnValuesOnConditionCheckFailure="ALL_OLD")
    answer = info.value.response
    assert answer["Error"] == {"Code": "ConditionalCheckFailedException",
                               "Message": "The conditional request failed"}
    assert answer["Item"] == item
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 400


# ---------------------------------------------------------------- tables

def test_creating_a_table_twice_is_refused(ddb, make_table, aws_error) -> None:
    name = make_table(("id", "S"), Tags=TAGS, **PROVISIONED)
    with aws_error("ResourceInUseException", f"Table already exists: {name}"):
        ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         Tags=TAGS, **PROVISIONED)


def test_on_demand_with_capacity_is_refused(ddb, aws_error) -> None:
    with aws_error("ValidationException",
                   "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                   "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"):
        ddb.create_table(TableName=unique_name(), BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         ProvisionedThroughput=PROVISIONED["ProvisionedThroughput"])


def test_point_in_time_recovery_is_described_as_enabled(ddb, table) -> None:
    updated = ddb.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    described = ddb.describe_continuous_backups(TableName=table)
    for answer in (updated, described):
        backups = answer["ContinuousBackupsDescription"]
        assert backups["ContinuousBackupsStatus"] == "ENABLED"
        recovery = backups["PointInTimeRecoveryDescription"]
        assert recovery["PointInTimeRecoveryStatus"] == "ENABLED"
        assert recovery["EarliestRestorableDateTime"] <= recovery["LatestRestorableDateTime"]


# ---------------------------------------------------------------- transactions

def test_a_transaction_of_every_kind_answers_nothing(ddb, make_table) -> None:
    name = make_table(("id", "S"), Tags=TAGS, **PROVISIONED)
    answer = ddb.transact_write_items(TransactItems=[
        {"ConditionCheck": {"TableName": name, "ConditionExpression": "attribute_not_exists(id)",
                            "Key": {"id": {"S": "test1"}}}},
        {"Put": {"TableName": name, "Item": {"id": {"S": "test2"}}}},
        {"Update": {"TableName": name, "Key": {"id": {"S": "test3"}},
                    "UpdateExpression": "SET attr1 = :v1, attr2 = :v2",
                    "ExpressionAttributeValues": {":v1": {"S": "value1"}, ":v2": {"S": "value2"}}}},
        {"Delete": {"TableName": name, "Key": {"id": {"S": "test4"}}}}])
    assert _answer(answer) == {}


def test_a_cancelled_transaction_names_each_reason(ddb, make_table, aws_error) -> None:
    name = make_table(("Username", "S"), **PROVISIONED)
    ddb.put_item(TableName=name, Item={"Username": {"S": "Fred"}})
    with aws_error("TransactionCanceledException",
                   "Transaction cancelled, please refer cancellation reasons for specific "
                   "reasons [ConditionalCheckFailed, None]") as info:
        ddb.transact_write_items(TransactItems=[
            {"ConditionCheck": {"TableName": name, "Key": {"Username": {"S": "Fred"}},
                                "ConditionExpression": "attribute_not_exists(Username)"}},
            {"Delete": {"TableName": name, "Key": {"Username": {"S": "Bert"}}}}])
    assert info.value.response["CancellationReasons"] == [
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
        {"Code": "None"}]


def test_a_transaction_writes_binary_values(ddb, make_table) -> None:
    name = make_table(("id", "S"), Tags=TAGS, **PROVISIONED)
    item = {"id": {"S": "someUser"}, "binaryData": {"B": b"foobar"}}
    assert _answer(ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": name, "Item": item}}])) == {}
    assert ddb.get_item(TableName=name, Key={"id": {"S": "someUser"}})["Item"] == item


def test_a_transactional_get_answers_the_item(ddb, make_table) -> None:
    name = make_table(("id", "S"))
    ddb.put_item(TableName=name, Item={"id": {"S": "John"}})
    answer = ddb.transact_get_items(
        TransactItems=[{"Get": {"Key": {"id": {"S": "John"}}, "TableName": name}}])
    assert _answer(answer) == {"Responses": [{"Item": {"id": {"S": "John"}}}]}


def test_a_repeated_token_with_the_same_item_succeeds(ddb, make_table) -> None:
    name = make_table(("id", "S"), ("name", "S"), **PROVISIONED)
    # The same item with its attributes in another order is the same request.
    for item in ({"id": {"S": "id1"}, "name": {"S": "name1"}},
                 {"name": {"S": "name1"}, "id": {"S": "id1"}}):
        assert _answer(ddb.transact_write_items(ClientRequestToken="dedupe_token", TransactItems=[
            {"Put": {"TableName": name, "Item": item}}])) == {}


def test_a_transaction_on_a_missing_table_is_not_found(ddb) -> None:
    with pytest.raises(ClientError) as info:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "non-existing-table", "Item": {}}}])
    answer = info.value.response
    assert answer["Error"] == {"Code": "ResourceNotFoundException",
                               "Message": "Requested resource not found"}
    assert answer["message"] == "Requested resource not found"
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 400


# ---------------------------------------------------------------- PartiQL

def _partiql_table(make_table) -> str:
    # PartiQL names a table without quotes: no hyphen in it.
    return make_table(("Username", "S"), name=unique_name("t").replace("-", "_"), **PROVISIONED)


def test_a_partiql_transaction_answers_no_responses(ddb, make_table) -> None:
    name = _partiql_table(make_table)
    answer = ddb.execute_transaction(TransactStatements=[
        {"Statement": f"INSERT INTO {name} VALUE {{'Username': 'user01'}}"},
        {"Statement": f"INSERT INTO {name} VALUE {{'Username': 'user02'}}"}])
    assert _answer(answer) == {"Responses": []}
    scanned = ddb.scan(TableName=name)
    assert sorted(i["Username"]["S"] for i in scanned["Items"]) == ["user01", "user02"]
    assert (scanned["Count"], scanned["ScannedCount"]) == (2, 2)


def test_a_partiql_batch_answers_the_table_of_each_statement(ddb, make_table) -> None:
    name = _partiql_table(make_table)
    ddb.put_item(TableName=name, Item={"Username": {"S": "user02"}})
    answer = ddb.batch_execute_statement(Statements=[
        {"Statement": f"INSERT INTO {name} VALUE {{'Username': 'user01'}}"},
        {"Statement": f"UPDATE {name} SET Age=20 WHERE Username='user02'"}])
    assert _answer(answer) == {"Responses": [{"TableName": name}, {"TableName": name}]}
    assert ddb.get_item(TableName=name, Key={"Username": {"S": "user02"}})["Item"] == {
        "Age": {"N": "20"}, "Username": {"S": "user02"}}
    assert ddb.get_item(TableName=name, Key={"Username": {"S": "user01"}})["Item"] == {
        "Username": {"S": "user01"}}


def test_partiql_is_missing_and_is_not_missing(ddb, make_table) -> None:
    name = _partiql_table(make_table)
    ddb.execute_statement(
        Statement=f"INSERT INTO {name} VALUE {{'Username': 'Alice123', 'FirstName':'Alice'}}")
    assert ddb.execute_statement(
        Statement=f"SELECT * FROM {name} WHERE FirstName IS NOT MISSING")["Items"] == [
        {"FirstName": {"S": "Alice"}, "Username": {"S": "Alice123"}}]
    assert ddb.execute_statement(
        Statement=f"SELECT * FROM {name} WHERE FirstName IS MISSING")["Items"] == []


# ---------------------------------------------------------------- streams of writes

BOTH_IMAGES = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
LABEL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}")
TABLE_ID = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")


@pytest.fixture
def create(ddb) -> Iterator[Any]:
    """create(name, hash_key, **params) → CreateTable's answer, the table deleted after."""
    made: list[str] = []

    def make(name: str, hash_key: str, **params: Any) -> dict[str, Any]:
        answer = ddb.create_table(
            TableName=name, KeySchema=[{"AttributeName": hash_key, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": hash_key, "AttributeType": "S"}], **params)
        made.append(name)
        ddb.get_waiter("table_exists").wait(TableName=name,
                                            WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        return answer["TableDescription"]

    yield make
    for name in made:
        ddb.delete_table(TableName=name)


def _check_created(described: dict[str, Any], name: str, hash_key: str,
                   stream: dict[str, Any] | None) -> None:
    """CreateTable's answer for a provisioned 5/5 table, as recorded (2023-24)."""
    recorded = {"AttributeDefinitions", "CreationDateTime", "DeletionProtectionEnabled",
                "ItemCount", "KeySchema", "ProvisionedThroughput", "TableArn", "TableId",
                "TableName", "TableSizeBytes", "TableStatus"}
    if stream:
        recorded |= {"LatestStreamArn", "LatestStreamLabel", "StreamSpecification"}
    # WarmThroughput came to DynamoDB after these recordings (its own tests above).
    assert set(described) - {"WarmThroughput"} == recorded
    assert described["AttributeDefinitions"] == [{"AttributeName": hash_key, "AttributeType": "S"}]
    assert described["KeySchema"] == [{"AttributeName": hash_key, "KeyType": "HASH"}]
    assert described["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0, "ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    assert (described["TableName"], described["ItemCount"], described["TableSizeBytes"],
            described["DeletionProtectionEnabled"]) == (name, 0, 0, False)
    assert re.fullmatch(rf"arn:aws:dynamodb:us-east-1:\d{{12}}:table/{name}", described["TableArn"])
    assert TABLE_ID.fullmatch(described["TableId"])
    if stream:
        assert described["StreamSpecification"] == stream
        assert LABEL.fullmatch(described["LatestStreamLabel"])
        assert described["LatestStreamArn"] == (
            f"{described['TableArn']}/stream/{described['LatestStreamLabel']}")


def _check_stream(streams, arn: str, name: str, hash_key: str, view: str) -> dict[str, Any]:
    described = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert set(described) == {"CreationRequestDateTime", "KeySchema", "Shards", "StreamArn",
                              "StreamLabel", "StreamStatus", "StreamViewType", "TableName"}
    assert (described["StreamArn"], described["StreamStatus"], described["StreamViewType"],
            described["TableName"]) == (arn, "ENABLED", view, name)
    assert described["StreamLabel"] == arn.rsplit("/", 1)[1]
    assert described["KeySchema"] == [{"AttributeName": hash_key, "KeyType": "HASH"}]
    [shard] = described["Shards"]
    assert set(shard) == {"SequenceNumberRange", "ShardId"}
    assert set(shard["SequenceNumberRange"]) == {"StartingSequenceNumber"}
    return shard


def _at_start(streams, arn: str, shard: dict[str, Any]) -> str:
    """An iterator at the shard's starting number, as the recorded tests read."""
    return streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="AT_SEQUENCE_NUMBER",
        SequenceNumber=shard["SequenceNumberRange"]["StartingSequenceNumber"])["ShardIterator"]


def _seen(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r["eventName"], r["dynamodb"]["Keys"], r["dynamodb"].get("OldImage"),
             r["dynamodb"].get("NewImage"), r["dynamodb"]["SizeBytes"]) for r in records]


def _check_record_forms(records: list[dict[str, Any]], view: str) -> None:
    for record in records:
        assert set(record) == {"awsRegion", "dynamodb", "eventID", "eventName", "eventSource",
                               "eventVersion"}
        assert (record["awsRegion"], record["eventSource"], record["eventVersion"]) == (
            "us-east-1", "aws:dynamodb", "1.1")
        assert re.fullmatch(r"[0-9a-f]{32}", record["eventID"])
        body = record["dynamodb"]
        assert body["StreamViewType"] == view
        assert body["ApproximateCreationDateTime"].microsecond == 0
        assert body["SequenceNumber"].isdigit()


def test_batch_writes_record_only_what_changed(ddb, streams, create) -> None:
    name = unique_name()
    described = create(name, "id", StreamSpecification=BOTH_IMAGES, **PROVISIONED)
    _check_created(described, name, "id", BOTH_IMAGES)
    arn = described["LatestStreamArn"]
    _check_stream(streams, arn, name, "id", "NEW_AND_OLD_IMAGES")
    iterator = _trim_horizon(streams, arn)
    ddb.put_item(TableName=name, Item={"id": {"S": "Fred"}})
    # Fred is written again as it is: no record for it.
    assert _answer(ddb.batch_write_item(RequestItems={name: [
        {"PutRequest": {"Item": {"id": {"S": "Fred"}}}},
        {"PutRequest": {"Item": {"id": {"S": "NewKey"}}}}]})) == {"UnprocessedItems": {}}
    assert _answer(ddb.batch_write_item(RequestItems={name: [
        {"DeleteRequest": {"Key": {"id": {"S": "NewKey"}}}},
        {"PutRequest": {"Item": {"id": {"S": "Fred"}, "name": {"S": "Fred"}}}}]})) == {
        "UnprocessedItems": {}}
    records = _stream_records(streams, iterator, 4)
    fred, new_key = {"id": {"S": "Fred"}}, {"id": {"S": "NewKey"}}
    assert _seen(records) == [
        ("INSERT", fred, None, fred, 12),
        ("INSERT", new_key, None, new_key, 16),
        ("REMOVE", new_key, new_key, None, 16),
        ("MODIFY", fred, fred, {"id": {"S": "Fred"}, "name": {"S": "Fred"}}, 26)]
    _check_record_forms(records, "NEW_AND_OLD_IMAGES")


def test_a_keys_only_stream_records_partiql_writes_too(ddb, streams, create) -> None:
    name = unique_name("t").replace("-", "_")
    view = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    described = create(name, "Username", StreamSpecification=view, **PROVISIONED)
    _check_created(described, name, "Username", view)
    arn = described["LatestStreamArn"]
    fred = {"Username": {"S": "Fred"}}
    ddb.put_item(TableName=name, Item=fred)
    ddb.put_item(TableName=name, Item=fred)
    ddb.update_item(TableName=name, Key=fred, UpdateExpression="set S=:r",
                    ExpressionAttributeValues={":r": {"S": "Fred_Modified"}},
                    ReturnValues="UPDATED_NEW")
    ddb.delete_item(TableName=name, Key=fred)
    shard = _check_stream(streams, arn, name, "Username", "KEYS_ONLY")
    ddb.execute_statement(Statement=f"INSERT INTO {name} VALUE {{'Username': 'Alice'}}")
    ddb.execute_statement(Statement=f"UPDATE {name} SET partiql=1 WHERE Username='Alice'")
    ddb.execute_statement(Statement=f"DELETE FROM {name} WHERE Username='Alice'")
    records = _stream_records(streams, _at_start(streams, arn, shard), 6)
    alice = {"Username": {"S": "Alice"}}
    assert _seen(records) == [
        ("INSERT", fred, None, None, 12), ("MODIFY", fred, None, None, 12),
        ("REMOVE", fred, None, None, 12), ("INSERT", alice, None, None, 13),
        ("MODIFY", alice, None, None, 13), ("REMOVE", alice, None, None, 13)]
    _check_record_forms(records, "KEYS_ONLY")


def test_a_transaction_over_two_tables_records_only_the_streamed_one(ddb, streams,
                                                                     create) -> None:
    streamed, plain = unique_name(), unique_name()
    described = create(streamed, "id", StreamSpecification=BOTH_IMAGES, **PROVISIONED)
    _check_created(described, streamed, "id", BOTH_IMAGES)
    _check_created(create(plain, "id", **PROVISIONED), plain, "id", None)
    arn = described["LatestStreamArn"]
    _check_stream(streams, arn, streamed, "id", "NEW_AND_OLD_IMAGES")
    iterator = _trim_horizon(streams, arn)
    fred = {"id": {"S": "Fred"}}
    assert _answer(ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": plain, "Item": fred}},
        {"Put": {"TableName": streamed, "Item": fred}}])) == {}
    records = _stream_records(streams, iterator, 2)
    assert _seen(records) == [("INSERT", fred, None, fred, 12)]


def test_records_follow_the_shard_start_and_skip_unchanging_updates(ddb, streams,
                                                                    create) -> None:
    name = unique_name()
    described = create(name, "id", StreamSpecification=BOTH_IMAGES, **PROVISIONED)
    arn = described["LatestStreamArn"]
    shard = _check_stream(streams, arn, name, "id", "NEW_AND_OLD_IMAGES")
    start = int(shard["SequenceNumberRange"]["StartingSequenceNumber"])
    iterator = _trim_horizon(streams, arn)
    key = {"id": {"S": "my-item-id"}}
    for one, two in (("value1", "value2"), ("value1", "value2"), ("value2", "value3")):
        ddb.update_item(TableName=name, Key=key, UpdateExpression="SET attr1 = :v1, attr2 = :v2",
                        ExpressionAttributeValues={":v1": {"S": one}, ":v2": {"S": two}})
    records = _stream_records(streams, iterator, 3)
    first = {**key, "attr1": {"S": "value1"}, "attr2": {"S": "value2"}}
    assert _seen(records) == [
        ("INSERT", key, None, first, 46),
        ("MODIFY", key, first, {**key, "attr1": {"S": "value2"}, "attr2": {"S": "value3"}}, 80)]
    _check_record_forms(records, "NEW_AND_OLD_IMAGES")
    # Recorded against AWS: every record's number is greater than the shard's start.
    assert all(int(r["dynamodb"]["SequenceNumber"]) > start for r in records)
    again = _check_stream(streams, arn, name, "id", "NEW_AND_OLD_IMAGES")
    assert int(again["SequenceNumberRange"]["StartingSequenceNumber"]) == start


def test_binary_values_read_the_same_from_the_table_and_the_stream(ddb, streams,
                                                                   create) -> None:
    name = unique_name()
    arn = create(name, "id", StreamSpecification=BOTH_IMAGES, **PROVISIONED)["LatestStreamArn"]
    key = {"id": {"S": "id1"}}
    ddb.put_item(TableName=name, Item={**key, "version": {"N": "1"}, "data": {"B": b"\x90"}})
    shard = _check_stream(streams, arn, name, "id", "NEW_AND_OLD_IMAGES")
    iterator = _at_start(streams, arn, shard)
    for version in ("1", "2"):
        if version == "2":
            ddb.update_item(TableName=name, Key=key, UpdateExpression="SET version=:v",
                            ExpressionAttributeValues={":v": {"N": "2"}})
        item = {**key, "version": {"N": version}, "data": {"B": b"\x90"}}
        assert ddb.get_item(TableName=name, Key=key)["Item"] == item
        records = streams.get_records(ShardIterator=iterator)["Records"]
        assert records[int(version) - 1]["dynamodb"]["NewImage"] == item


def test_describing_after_the_only_shard_lists_none(ddb, streams, make_table) -> None:
    name = make_table(("id", "S"), StreamSpecification=BOTH_IMAGES)
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = _check_stream(streams, arn, name, "id", "NEW_AND_OLD_IMAGES")
    after = streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=shard["ShardId"])
    assert shard["ShardId"] not in [s["ShardId"] for s in after["StreamDescription"]["Shards"]]
