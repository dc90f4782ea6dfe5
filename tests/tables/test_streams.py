"""Stream records: written with each change, read through shard iterators; TTL deletions
appear as service deletions."""
from __future__ import annotations

import pytest

from fogbank.tables.errors import (ExpiredIteratorException, ResourceNotFoundException,
                                   TrimmedDataAccessException, ValidationException)

from .conftest import make_table


@pytest.fixture
def streamed(db):
    make_table(db, "sss", StreamSpecification={"StreamEnabled": True,
                                             "StreamViewType": "NEW_AND_OLD_IMAGES"})
    return db


def records(db, kind="TRIM_HORIZON", **extra):
    arn = db.describe_table(TableName="sss")["Table"]["LatestStreamArn"]
    shard = db.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = db.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=kind,
                                     **extra)["ShardIterator"]
    return db.get_records(ShardIterator=iterator)


def test_insert_modify_remove_are_recorded_in_order_with_images(streamed):
    key = {"pk": {"S": "a"}}
    streamed.put_item(TableName="sss", Item={**key, "v": {"N": "1"}})
    streamed.put_item(TableName="sss", Item={**key, "v": {"N": "2"}})
    streamed.delete_item(TableName="sss", Key=key)
    got = records(streamed)["Records"]
    assert [r["eventName"] for r in got] == ["INSERT", "MODIFY", "REMOVE"]
    assert got[1]["dynamodb"]["OldImage"]["v"] == {"N": "1"}
    assert got[1]["dynamodb"]["NewImage"]["v"] == {"N": "2"}
    assert got[2]["dynamodb"]["Keys"] == key
    sequence = [int(r["dynamodb"]["SequenceNumber"]) for r in got]
    assert sequence == sorted(sequence)


def test_latest_iterator_sees_only_later_records(streamed):
    streamed.put_item(TableName="sss", Item={"pk": {"S": "before"}})
    arn = streamed.describe_table(TableName="sss")["Table"]["LatestStreamArn"]
    shard = streamed.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streamed.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                           ShardIteratorType="LATEST")["ShardIterator"]
    streamed.put_item(TableName="sss", Item={"pk": {"S": "after"}})
    out = streamed.get_records(ShardIterator=iterator)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in out["Records"]] == ["after"]
    assert streamed.get_records(ShardIterator=out["NextShardIterator"])["Records"] == []


def test_after_sequence_number(streamed):
    for name in "abc":
        streamed.put_item(TableName="sss", Item={"pk": {"S": name}})
    first = records(streamed)["Records"][0]["dynamodb"]["SequenceNumber"]
    later = records(streamed, "AFTER_SEQUENCE_NUMBER", SequenceNumber=first)["Records"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in later] == ["b", "c"]


def test_expired_iterator_is_refused(streamed, clock):
    arn = streamed.describe_table(TableName="sss")["Table"]["LatestStreamArn"]
    shard = streamed.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streamed.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                           ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    clock.advance(16 * 60)
    with pytest.raises(ExpiredIteratorException):
        streamed.get_records(ShardIterator=iterator)


def test_bad_iterator_and_unknown_stream(streamed):
    with pytest.raises(ValidationException, match="Invalid ShardIterator"):
        streamed.get_records(ShardIterator="garbage!")
    with pytest.raises(ResourceNotFoundException):
        streamed.describe_stream(StreamArn="arn:aws:dynamodb:us-east-1:000000000000:table/x/stream/y")


def test_list_streams_names_the_table(streamed):
    listed = streamed.list_streams(TableName="sss")["Streams"]
    assert [s["TableName"] for s in listed] == ["sss"]


def test_ttl_sweep_deletes_expired_items_as_the_service(streamed, engine, clock):
    streamed.update_time_to_live(TableName="sss", TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "exp"})
    now = int(clock())
    streamed.put_item(TableName="sss", Item={"pk": {"S": "old"}, "exp": {"N": str(now - 10)}})
    streamed.put_item(TableName="sss", Item={"pk": {"S": "new"}, "exp": {"N": str(now + 3600)}})
    streamed.put_item(TableName="sss", Item={"pk": {"S": "none"}})
    assert "Item" in streamed.get_item(TableName="sss", Key={"pk": {"S": "old"}})
    assert engine.ttl.sweep() == 1
    assert "Item" not in streamed.get_item(TableName="sss", Key={"pk": {"S": "old"}})
    assert "Item" in streamed.get_item(TableName="sss", Key={"pk": {"S": "new"}})
    removal = records(streamed)["Records"][-1]
    assert removal["eventName"] == "REMOVE"
    assert removal["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}


def test_records_older_than_a_day_are_trimmed(streamed, engine, clock):
    streamed.put_item(TableName="sss", Item={"pk": {"S": "a"}})
    clock.advance(25 * 3600)
    engine.ttl.sweep()
    assert records(streamed)["Records"] == []


def test_a_deleted_tables_stream_stays_readable_for_a_day(streamed, engine, clock):
    streamed.put_item(TableName="sss", Item={"pk": {"S": "a"}})
    arn = streamed.describe_table(TableName="sss")["Table"]["LatestStreamArn"]
    streamed.delete_table(TableName="sss")
    described = streamed.describe_stream(StreamArn=arn)["StreamDescription"]
    assert described["StreamStatus"] == "DISABLED"
    iterator = streamed.get_shard_iterator(StreamArn=arn, ShardId=described["Shards"][0]["ShardId"],
                                           ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    assert [r["eventName"] for r in streamed.get_records(ShardIterator=iterator)["Records"]] == ["INSERT"]
    clock.advance(25 * 3600)
    engine.ttl.sweep()
    assert streamed.list_streams()["Streams"] == []


def _shard(db):
    arn = db.describe_table(TableName="sss")["Table"]["LatestStreamArn"]
    return arn, db.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]


def _iterator(db, kind, **extra):
    arn, shard = _shard(db)
    return db.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=kind,
                                 **extra)["ShardIterator"]


def test_a_sequence_number_behind_the_trim_horizon_is_refused(streamed, engine, clock):
    streamed.put_item(TableName="sss", Item={"pk": {"S": "old"}})
    streamed.put_item(TableName="sss", Item={"pk": {"S": "last-trimmed"}})
    old, last = [r["dynamodb"]["SequenceNumber"] for r in records(streamed)["Records"]]
    clock.advance(13 * 3600)
    streamed.put_item(TableName="sss", Item={"pk": {"S": "new"}})
    clock.advance(12 * 3600)
    engine.ttl.sweep()
    for kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
        with pytest.raises(TrimmedDataAccessException):
            _iterator(streamed, kind, SequenceNumber=old)
    with pytest.raises(TrimmedDataAccessException):
        _iterator(streamed, "AT_SEQUENCE_NUMBER", SequenceNumber=last)
    # After the last trimmed record the reader misses nothing: allowed.
    after = streamed.get_records(ShardIterator=_iterator(
        streamed, "AFTER_SEQUENCE_NUMBER", SequenceNumber=last))["Records"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in after] == ["new"]
    horizon = streamed.get_records(ShardIterator=_iterator(streamed, "TRIM_HORIZON"))["Records"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in horizon] == ["new"]


def test_an_iterator_whose_records_were_trimmed_before_it_was_used_is_refused(streamed, engine,
                                                                            clock):
    streamed.put_item(TableName="sss", Item={"pk": {"S": "a"}})
    clock.advance(24 * 3600 - 60)
    iterator = _iterator(streamed, "TRIM_HORIZON")
    clock.advance(120)
    engine.ttl.sweep()
    with pytest.raises(TrimmedDataAccessException):
        streamed.get_records(ShardIterator=iterator)


def test_a_stream_that_lost_nothing_reads_from_any_point(streamed, engine, clock):
    streamed.put_item(TableName="sss", Item={"pk": {"S": "a"}})
    first = records(streamed)["Records"][0]["dynamodb"]["SequenceNumber"]
    engine.ttl.sweep()
    assert len(streamed.get_records(ShardIterator=_iterator(
        streamed, "AT_SEQUENCE_NUMBER", SequenceNumber=first))["Records"]) == 1


def test_after_a_trim_the_shard_starts_past_what_was_lost(streamed, engine, clock):
    streamed.put_item(TableName="sss", Item={"pk": {"S": "old"}})
    clock.advance(13 * 3600)
    streamed.put_item(TableName="sss", Item={"pk": {"S": "new"}})
    clock.advance(12 * 3600)
    engine.ttl.sweep()
    arn = streamed.describe_table(TableName="sss")["Table"]["LatestStreamArn"]
    shard = streamed.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    start = shard["SequenceNumberRange"]["StartingSequenceNumber"]
    # Reading at the shard's start reads what is kept, not a refusal for what was trimmed.
    kept = records(streamed, "AT_SEQUENCE_NUMBER", SequenceNumber=start)["Records"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in kept] == ["new"]
    assert int(kept[0]["dynamodb"]["SequenceNumber"]) >= int(start)
