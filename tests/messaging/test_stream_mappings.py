"""Event source mappings over a real tables engine: what the function is invoked with, in
what batches, how failures are retried, split or dropped, and where reading resumes."""
from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest

from fogbank.messaging.filter_patterns import InvalidFilterPattern
from fogbank.messaging.stream_mappings import (NO_RECORDS, OK, PROBLEM, StreamMapping,
                                               StreamMappings)
from fogbank.tables.engine import TablesEngine
from fogbank.types import InvokeResult, TooManyRequests

TABLE = "events"


class Function:
    """Stands in for the runtime: records each event and answers as `answer` says."""

    def __init__(self, answer: Callable[[dict[str, Any]], Any] = lambda event: None) -> None:
        self.events: list[dict[str, Any]] = []
        self._answer = answer

    async def __call__(self, name: str, payload: bytes, **_: Any) -> InvokeResult:
        event = json.loads(payload)
        self.events.append(event)
        answer = self._answer(event)
        if isinstance(answer, Exception):
            raise answer
        if answer == "error":
            return InvokeResult("req", b'{"errorMessage": "boom"}', function_error="Unhandled")
        return InvokeResult("req", json.dumps(answer).encode())

    def keys(self) -> list[list[str]]:
        """The pk of each record, batch by batch."""
        return [[r["dynamodb"]["Keys"]["pk"]["S"] for r in e["Records"]] for e in self.events]


class Harness:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tables = TablesEngine.open(root)
        self.loop = asyncio.new_event_loop()
        self.run(self.tables.create_table({
            "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}}))
        self.arn = self.run(self.tables.describe_table({"TableName": TABLE}))["Table"]["LatestStreamArn"]
        self.mappings: StreamMappings | None = None

    def run(self, awaitable: Awaitable[Any]) -> Any:
        return self.loop.run_until_complete(awaitable)

    def open(self, function: Function) -> StreamMappings:
        self.mappings = StreamMappings(self.root / "esm.db", self.tables.streams, function,
                                       retry_delays_s=(0.01,), poll_s=0.01)
        return self.mappings

    def start(self) -> None:
        async def start() -> None:
            self.mappings.start()
        self.run(start())

    def put(self, *keys: str) -> None:
        for key in keys:
            self.run(self.tables.put_item({"TableName": TABLE, "Item": {"pk": {"S": key}}}))

    def settle(self, until: Callable[[], bool], timeout: float = 10.0) -> None:
        async def wait() -> None:
            deadline = time.monotonic() + timeout
            while not until() and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.05)         # let anything that was not awaited show
        self.run(wait())

    def close(self) -> None:
        if self.mappings is not None:
            self.run(self.mappings.close())
        self.tables.close()
        self.loop.close()


@pytest.fixture
def h(tmp_path: Path):
    harness = Harness(tmp_path)
    yield harness
    harness.close()


def mapping(h: Harness, **settings: Any) -> StreamMapping:
    values = {"uuid": "11111111-2222-3333-4444-555555555555", "function": "consumer",
              "function_arn": "arn:aws:lambda:us-east-1:000000000000:function:consumer",
              "source_arn": h.arn, "starting_position": "TRIM_HORIZON", **settings}
    return StreamMapping(**values)


def test_records_arrive_in_lambdas_event_shape(h):
    function = Function()
    h.open(function).put(mapping(h))
    h.start()
    h.put("a")
    h.run(h.tables.update_item({"TableName": TABLE, "Key": {"pk": {"S": "a"}},
                                "UpdateExpression": "SET v = :v",
                                "ExpressionAttributeValues": {":v": {"N": "1"}}}))
    h.settle(lambda: sum(len(e["Records"]) for e in function.events) >= 2)
    records = [r for e in function.events for r in e["Records"]]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY"]
    first = records[0]
    assert list(first) == ["eventID", "eventName", "eventVersion", "eventSource", "awsRegion",
                           "dynamodb", "eventSourceARN"]
    assert first["eventSource"] == "aws:dynamodb" and first["eventVersion"] == "1.1"
    assert first["eventSourceARN"] == h.arn
    body = records[1]["dynamodb"]
    assert list(body) == ["ApproximateCreationDateTime", "Keys", "NewImage", "OldImage",
                          "SequenceNumber", "SizeBytes", "StreamViewType"]
    # Whole seconds, but a JSON float, as Lambda's events carry it (1714521600.0).
    assert isinstance(body["ApproximateCreationDateTime"], float)
    assert body["ApproximateCreationDateTime"].is_integer()
    assert abs(body["ApproximateCreationDateTime"] - time.time()) < 60
    assert body["NewImage"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    assert body["OldImage"] == {"pk": {"S": "a"}}
    assert h.mappings.get(mapping(h).uuid).last_processing_result == OK


def test_binary_values_arrive_in_base64_at_any_depth_and_filters_see_that_text(h):
    function = Function()
    pattern = json.dumps({"dynamodb": {"NewImage": {"b": {"B": ["Zm9vYmFy"]}}}})
    h.open(function).put(mapping(h, filters=({"Pattern": pattern},)))
    h.start()
    for key, data in (("other", b"other"), ("foo", b"foobar")):
        h.run(h.tables.put_item({"TableName": TABLE, "Item": {
            "pk": {"S": key}, "b": {"B": data}, "bs": {"BS": [b"x", b"y"]},
            "m": {"M": {"l": {"L": [{"B": b"z"}]}}}}}))
    h.settle(lambda: function.events)
    [[record]] = [e["Records"] for e in function.events]
    assert record["dynamodb"]["NewImage"] == {
        "pk": {"S": "foo"}, "b": {"B": "Zm9vYmFy"}, "bs": {"BS": ["eA==", "eQ=="]},
        "m": {"M": {"l": {"L": [{"B": "eg=="}]}}}}
    assert h.mappings.get(mapping(h).uuid).last_processing_result == OK


def test_a_new_mapping_reports_no_records_processed(h):
    h.open(Function()).put(mapping(h))
    assert h.mappings.get(mapping(h).uuid).last_processing_result == NO_RECORDS


def test_trim_horizon_reads_what_was_written_before_the_mapping_latest_does_not(h):
    h.put("old")
    early, late = Function(), Function()
    h.open(early).put(mapping(h))
    h.start()
    h.settle(lambda: early.events)
    assert early.keys() == [["old"]]
    h.run(h.mappings.close())
    h.mappings = None
    other = StreamMappings(h.root / "other.db", h.tables.streams, late, poll_s=0.01)
    h.mappings = other
    other.put(mapping(h, uuid="99999999-2222-3333-4444-555555555555", starting_position="LATEST"))
    h.start()
    h.put("new")
    h.settle(lambda: late.events)
    assert late.keys() == [["new"]]


def test_batches_hold_at_most_batch_size_records_in_order(h):
    h.put(*[f"k{i:02}" for i in range(7)])
    function = Function()
    h.open(function).put(mapping(h, batch_size=3))
    h.start()
    h.settle(lambda: sum(map(len, function.keys())) >= 7)
    assert function.keys() == [["k00", "k01", "k02"], ["k03", "k04", "k05"], ["k06"]]


def test_a_batching_window_gathers_records_written_apart(h):
    function = Function()
    h.open(function).put(mapping(h, batch_size=10, batching_window_s=1))
    h.start()
    h.put("a")
    h.settle(lambda: False, timeout=0.3)
    h.put("b")
    h.settle(lambda: function.events, timeout=5)
    assert function.keys() == [["a", "b"]]


def test_filters_drop_records_without_invoking(h):
    function = Function()
    pattern = json.dumps({"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "keep"}]}}}})
    h.open(function).put(mapping(h, filters=({"Pattern": pattern},)))
    h.start()
    h.put("drop-1", "keep-1", "drop-2")
    h.settle(lambda: function.events)
    h.put("drop-3")
    h.settle(lambda: False, timeout=0.3)
    assert function.keys() == [["keep-1"]]


def test_a_mapping_with_a_malformed_filter_is_refused(h):
    with pytest.raises(InvalidFilterPattern, match="Invalid filter pattern definition."):
        h.open(Function()).put(mapping(h, filters=({"Pattern": "{not json"},)))
    assert h.mappings.list() == []


def test_a_failing_batch_is_retried_then_dropped_after_maximum_retry_attempts(h):
    failing = Function(lambda event: "error" if
                       event["Records"][0]["dynamodb"]["Keys"]["pk"]["S"] == "bad" else None)
    h.open(failing).put(mapping(h, batch_size=1, maximum_retry_attempts=2))
    h.start()
    h.put("bad", "good")
    h.settle(lambda: ["good"] in failing.keys())
    # The first try and two retries, the shard waiting meanwhile; then the next record.
    assert failing.keys() == [["bad"], ["bad"], ["bad"], ["good"]]


def test_throttles_count_as_failures(h):
    calls = []

    def throttled(event):
        calls.append(event)
        return TooManyRequests("Rate Exceeded.") if len(calls) < 3 else None
    function = Function(throttled)
    h.open(function).put(mapping(h, batch_size=1))
    h.start()
    h.put("a")
    h.settle(lambda: len(calls) >= 3)
    assert function.keys() == [["a"], ["a"], ["a"]]
    assert h.mappings.get(mapping(h).uuid).last_processing_result == OK


def test_a_problem_is_reported_while_a_batch_fails(h):
    h.open(Function(lambda event: "error")).put(mapping(h, maximum_retry_attempts=0))
    h.start()
    h.put("a")
    h.settle(lambda: h.mappings.get(mapping(h).uuid).last_processing_result == PROBLEM)
    assert h.mappings.get(mapping(h).uuid).last_processing_result == PROBLEM


def test_bisect_splits_a_failing_batch_until_the_bad_record_is_alone(h):
    function = Function(lambda event: "error" if any(
        r["dynamodb"]["Keys"]["pk"]["S"] == "k2" for r in event["Records"]) else None)
    h.put("k0", "k1", "k2", "k3")
    h.open(function).put(mapping(h, batch_size=4, bisect_on_error=True,
                                 maximum_retry_attempts=3))
    h.start()
    h.settle(lambda: ["k3"] in function.keys())
    delivered = function.keys()
    assert delivered[:3] == [["k0", "k1", "k2", "k3"], ["k0", "k1"], ["k2", "k3"]]
    assert ["k2"] in delivered and ["k3"] in delivered
    # k0..k1 went through once the batch was split; k2 was dropped after its retries.
    assert delivered.count(["k2"]) == 2


def test_report_batch_item_failures_retries_from_the_first_failed_record(h):
    seen: list[list[str]] = []

    def answer(event):
        keys = [r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"]]
        seen.append(keys)
        if len(seen) == 1:
            failed = event["Records"][2]["dynamodb"]["SequenceNumber"]
            return {"batchItemFailures": [{"itemIdentifier": failed}]}
        return {"batchItemFailures": []}
    h.put("a", "b", "c", "d")
    h.open(Function(answer)).put(mapping(h, batch_size=4, report_item_failures=True))
    h.start()
    h.settle(lambda: len(seen) >= 2)
    assert seen == [["a", "b", "c", "d"], ["c", "d"]]


def test_with_bisect_too_a_reported_failure_retries_the_rest_whole(h):
    # Lambda's guide: with both settings on, a partial report splits the batch at the record
    # it names and only the rest is retried; halving is for a function error.
    seen: list[list[str]] = []

    def answer(event):
        seen.append([r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"]])
        if len(seen) == 1:
            return {"batchItemFailures": [
                {"itemIdentifier": event["Records"][1]["dynamodb"]["SequenceNumber"]}]}
        return {"batchItemFailures": []}
    h.put("a", "b", "c", "d", "e")
    h.open(Function(answer)).put(mapping(h, batch_size=5, report_item_failures=True,
                                         bisect_on_error=True))
    h.start()
    h.settle(lambda: len(seen) >= 2)
    assert seen == [["a", "b", "c", "d", "e"], ["b", "c", "d", "e"]]


def test_an_item_failure_naming_no_record_of_the_batch_fails_the_whole_batch(h):
    seen: list[list[str]] = []

    def answer(event):
        seen.append([r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"]])
        return {"batchItemFailures": [{"itemIdentifier": "12345"}]} if len(seen) == 1 else None
    h.put("a", "b")
    h.open(Function(answer)).put(mapping(h, batch_size=2, report_item_failures=True))
    h.start()
    h.settle(lambda: len(seen) >= 2)
    assert seen == [["a", "b"], ["a", "b"]]


def test_without_report_batch_item_failures_the_answer_is_not_read(h):
    seen: list[list[str]] = []

    def answer(event):
        seen.append([r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"]])
        return {"batchItemFailures": [{"itemIdentifier": "12345"}]}
    h.put("a")
    h.open(Function(answer)).put(mapping(h))
    h.start()
    h.settle(lambda: False, timeout=0.5)
    assert seen == [["a"]]


def test_reading_resumes_where_it_stopped_after_a_restart(h):
    first = Function()
    h.open(first).put(mapping(h))
    h.start()
    h.put("a", "b")
    h.settle(lambda: sum(map(len, first.keys())) >= 2)
    h.run(h.mappings.close())
    h.put("c")
    again = Function()
    h.open(again)
    # Kept across the restart, before anything restores it.
    assert [s.mapping.uuid for s in h.mappings.list()] == [mapping(h).uuid]
    h.start()
    h.settle(lambda: again.events)
    assert again.keys() == [["c"]]


def test_a_disabled_mapping_does_not_read_until_enabled(h):
    function = Function()
    h.open(function).put(mapping(h, enabled=False))
    h.start()
    h.put("a")
    h.settle(lambda: False, timeout=0.3)
    assert function.events == []
    h.mappings.put(mapping(h, enabled=True))
    h.settle(lambda: function.events)
    assert function.keys() == [["a"]]


def test_a_deleted_mapping_stops_reading(h):
    function = Function()
    h.open(function).put(mapping(h))
    h.start()
    h.mappings.delete(mapping(h).uuid)
    h.put("a")
    h.settle(lambda: False, timeout=0.3)
    assert function.events == [] and h.mappings.list() == []


def test_ttl_deletions_carry_the_service_identity_in_lambdas_spelling(h):
    function = Function()
    h.run(h.tables.update_time_to_live({"TableName": TABLE, "TimeToLiveSpecification": {
        "Enabled": True, "AttributeName": "expires"}}))
    h.run(h.tables.put_item({"TableName": TABLE, "Item": {"pk": {"S": "old"},
                                                          "expires": {"N": str(int(time.time()) - 10)}}}))
    h.open(function).put(mapping(h))
    h.start()
    h.tables.ttl.sweep()
    h.settle(lambda: sum(map(len, function.keys())) >= 2)
    removal = function.events[-1]["Records"][-1]
    assert removal["eventName"] == "REMOVE"
    assert removal["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
