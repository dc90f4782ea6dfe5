"""DynamoDB Streams on the same endpoint: records for every write, in order, per view type."""
from __future__ import annotations

import pytest


def _stream_table(ddb, make_table, view: str) -> tuple[str, str]:
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": view})
    return name, ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]


def _records(streams, arn: str, iterator_type: str = "TRIM_HORIZON", **params) -> list[dict]:
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                          ShardIteratorType=iterator_type,
                                          **params)["ShardIterator"]
    return streams.get_records(ShardIterator=iterator)["Records"]


def _write_three(ddb, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "v": {"N": "1"}})
    ddb.update_item(TableName=table, Key={"pk": {"S": "k"}}, UpdateExpression="SET v = :two",
                    ExpressionAttributeValues={":two": {"N": "2"}})
    ddb.delete_item(TableName=table, Key={"pk": {"S": "k"}})


def test_describe_and_list_streams(ddb, streams, make_table) -> None:
    name, arn = _stream_table(ddb, make_table, "NEW_AND_OLD_IMAGES")
    listed = streams.list_streams(TableName=name)["Streams"]
    assert [s["StreamArn"] for s in listed] == [arn]
    assert listed[0]["TableName"] == name
    desc = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert desc["StreamArn"] == arn
    assert desc["StreamStatus"] == "ENABLED"
    assert desc["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert desc["TableName"] == name
    assert desc["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert len(desc["Shards"]) == 1
    assert desc["Shards"][0]["SequenceNumberRange"]["StartingSequenceNumber"]


def test_new_and_old_images(ddb, streams, make_table) -> None:
    name, arn = _stream_table(ddb, make_table, "NEW_AND_OLD_IMAGES")
    _write_three(ddb, name)
    records = _records(streams, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    for r in records:
        assert r["eventSource"] == "aws:dynamodb"
        assert r["awsRegion"] == "us-east-1"
        assert r["dynamodb"]["Keys"] == {"pk": {"S": "k"}}
        assert r["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert r["dynamodb"]["SizeBytes"] > 0
    insert, modify, remove = (r["dynamodb"] for r in records)
    assert insert["NewImage"] == {"pk": {"S": "k"}, "v": {"N": "1"}} and "OldImage" not in insert
    assert modify["OldImage"]["v"] == {"N": "1"} and modify["NewImage"]["v"] == {"N": "2"}
    assert remove["OldImage"]["v"] == {"N": "2"} and "NewImage" not in remove
    sequence = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequence == sorted(sequence) and len(set(sequence)) == 3


@pytest.mark.parametrize("view, has_new, has_old", [
    ("KEYS_ONLY", False, False), ("NEW_IMAGE", True, False), ("OLD_IMAGE", False, True)])
def test_view_types(ddb, streams, make_table, view: str, has_new: bool, has_old: bool) -> None:
    name, arn = _stream_table(ddb, make_table, view)
    _write_three(ddb, name)
    modify = _records(streams, arn)[1]["dynamodb"]
    assert modify["Keys"] == {"pk": {"S": "k"}}
    assert ("NewImage" in modify) is has_new
    assert ("OldImage" in modify) is has_old


def test_iterator_types(ddb, streams, make_table) -> None:
    name, arn = _stream_table(ddb, make_table, "KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": {"S": "first"}})
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    latest = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                        ShardIteratorType="LATEST")["ShardIterator"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "second"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "third"}})
    after_latest = streams.get_records(ShardIterator=latest)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in after_latest["Records"]] == [
        "second", "third"]
    everything = _records(streams, arn)
    first_seq = everything[0]["dynamodb"]["SequenceNumber"]
    at = _records(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=first_seq)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in at] == ["first", "second", "third"]
    after = _records(streams, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=first_seq)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in after] == ["second", "third"]
    # The next iterator picks up where the last read stopped.
    more = streams.get_records(ShardIterator=after_latest["NextShardIterator"])
    assert more["Records"] == []
    ddb.put_item(TableName=name, Item={"pk": {"S": "fourth"}})
    later = streams.get_records(ShardIterator=more["NextShardIterator"])
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in later["Records"]] == ["fourth"]


def test_get_records_limit(ddb, streams, make_table) -> None:
    name, arn = _stream_table(ddb, make_table, "KEYS_ONLY")
    for i in range(5):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}})
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    first = streams.get_records(ShardIterator=iterator, Limit=2)
    assert len(first["Records"]) == 2
    rest = streams.get_records(ShardIterator=first["NextShardIterator"])
    assert len(rest["Records"]) == 3


def test_no_stream_record_for_an_unchanged_delete(ddb, streams, make_table) -> None:
    name, arn = _stream_table(ddb, make_table, "KEYS_ONLY")
    ddb.delete_item(TableName=name, Key={"pk": {"S": "never-there"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "k"}})
    assert [r["eventName"] for r in _records(streams, arn)] == ["INSERT"]


def test_describe_missing_stream(streams, aws_error) -> None:
    arn = ("arn:aws:dynamodb:us-east-1:000000000000:table/no-such-table/stream/"
           "2020-01-01T00:00:00.000")
    with aws_error("ResourceNotFoundException"):
        streams.describe_stream(StreamArn=arn)


def test_bad_shard_iterator(streams, aws_error) -> None:
    with aws_error("ValidationException"):
        streams.get_records(ShardIterator="not-an-iterator" * 3)


def test_describe_stream_pages_past_the_last_shard(ddb, streams, make_table) -> None:
    _, arn = _stream_table(ddb, make_table, "KEYS_ONLY")
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    after = streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=shard["ShardId"])
    assert after["StreamDescription"]["Shards"] == []
    assert "LastEvaluatedShardId" not in after["StreamDescription"]


def test_a_stream_view_type_outside_the_enum_is_refused(raw_ddb, make_table, aws_error) -> None:
    name = make_table()
    with aws_error("ValidationException",
                   "1 validation error detected: Value 'Fisk' at "
                   "'streamSpecification.streamViewType' failed to satisfy constraint: Member "
                   "must satisfy enum value set: [OLD_IMAGE, KEYS_ONLY, NEW_AND_OLD_IMAGES, "
                   "NEW_IMAGE]"):
        raw_ddb.update_table(TableName=name, StreamSpecification={
            "StreamEnabled": True, "StreamViewType": "Fisk"})
    assert "StreamSpecification" not in raw_ddb.describe_table(TableName=name)["Table"]


def test_list_streams_limit_above_100(streams, aws_error) -> None:
    with aws_error("ValidationException",
                   "1 validation error detected: Value '101' at 'limit' failed to satisfy "
                   "constraint: Member must have value less than or equal to 100"):
        streams.list_streams(Limit=101)


def test_describe_stream_limit_above_100(ddb, streams, make_table, aws_error) -> None:
    _, arn = _stream_table(ddb, make_table, "KEYS_ONLY")
    with aws_error("ValidationException",
                   "1 validation error detected: Value '101' at 'limit' failed to satisfy "
                   "constraint: Member must have value less than or equal to 100"):
        streams.describe_stream(StreamArn=arn, Limit=101)
    assert streams.describe_stream(StreamArn=arn, Limit=100)["StreamDescription"]["Shards"]


def test_get_records_limit_above_1000(ddb, streams, make_table, aws_error) -> None:
    _, arn = _stream_table(ddb, make_table, "KEYS_ONLY")
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    with aws_error("ValidationException",
                   "1 validation error detected: Value '1001' at 'limit' failed to satisfy "
                   "constraint: Member must have value less than or equal to 1000"):
        streams.get_records(ShardIterator=iterator, Limit=1001)


# Long enough for the model's 37-character minimum, but not a stream ARN.
MALFORMED_ARN = "sdfadfsdfnlfkajakfgjalksfgklasjklasdjfklasdfasdfgasf"


def test_describe_a_malformed_stream_arn(streams, aws_error) -> None:
    with aws_error("ValidationException", "Invalid StreamArn"):
        streams.describe_stream(StreamArn=MALFORMED_ARN)


def test_shard_iterator_of_a_malformed_stream_arn(streams, aws_error) -> None:
    with aws_error("ValidationException", "Invalid StreamArn"):
        streams.get_shard_iterator(StreamArn=MALFORMED_ARN,
                                   ShardId="shardId-00000000000000000000-00000000",
                                   ShardIteratorType="LATEST")


def test_list_streams_after_a_malformed_stream_arn(ddb, streams, make_table, aws_error) -> None:
    name, _ = _stream_table(ddb, make_table, "KEYS_ONLY")
    with aws_error("ValidationException", "Invalid StreamArn"):
        streams.list_streams(TableName=name, ExclusiveStartStreamArn=MALFORMED_ARN)


def test_a_record_counts_its_size_as_aws_does(ddb, streams, make_table) -> None:
    # AWS's recorded answer for this item: SizeBytes 70, the sizes of Keys and NewImage
    # added up (names, string bytes, binary bytes), timestamps whole seconds.
    name = make_table(("my_partition_key", "S"),
                      StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    ddb.put_item(TableName=name, Item={"my_partition_key": {"S": "hello world"},
                                       "binary_key": {"B": b"foobar"}})
    (record,) = _records(streams, arn)
    assert record["eventVersion"] == "1.1"
    assert record["dynamodb"]["SizeBytes"] == 70
    assert record["dynamodb"]["ApproximateCreationDateTime"].microsecond == 0
    assert 21 <= len(record["dynamodb"]["SequenceNumber"]) <= 40
