"""AsyncInvoker: durable queue, background delivery, Lambda's retries; and Event
invocations through boto3."""
from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
import time
from pathlib import Path
from typing import Awaitable, Callable

import pytest

from fogbank.messaging import AsyncInvoker
from fogbank.types import (EventInvokeConfig, InvokeResult, NoReservedConcurrency,
                           ResourceNotFound, TooManyRequests)

WAIT_S = 30.0
ARN = "arn:aws:lambda:us-east-1:000000000000:function"


async def eventually(check: Callable[[], bool], what: str) -> None:
    deadline = asyncio.get_running_loop().time() + WAIT_S
    while not check():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


def ok(payload: bytes = b"null") -> InvokeResult:
    return InvokeResult("rid", payload)


def failed() -> InvokeResult:
    return InvokeResult("rid", b'{"errorMessage": "boom"}', function_error="Unhandled")


class Recorder:
    """An Invoker that answers from a script and remembers what it was sent."""

    def __init__(self, *answers: Callable[[], Awaitable[InvokeResult] | InvokeResult]) -> None:
        self.sent: list[tuple[str, bytes]] = []
        self.request_ids: list[str | None] = []
        self._answers = list(answers)

    async def __call__(self, name: str, payload: bytes, *,
                       request_id: str | None = None) -> InvokeResult:
        self.sent.append((name, payload))
        self.request_ids.append(request_id)
        answer = self._answers[min(len(self.sent), len(self._answers)) - 1]
        result = answer()
        return await result if asyncio.iscoroutine(result) else result


def rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT request_id, function_name, payload, attempts, due_at "
                            "FROM async_events").fetchall()


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), WAIT_S * 2))


def test_enqueued_event_is_delivered(tmp_path):
    invoke = Recorder(ok)

    async def scenario():
        queue = AsyncInvoker(tmp_path / "q.db", invoke, retry_delays_s=(0.01, 0.01), poll_s=0.05)
        await queue.start()
        request_id = await queue.enqueue("fn", b'{"n": 1}')
        await eventually(lambda: invoke.sent, "delivery")
        await eventually(lambda: not rows(tmp_path / "q.db"), "the event to leave the queue")
        await queue.close()
        assert invoke.sent == [("fn", b'{"n": 1}')]
        assert request_id

    run(scenario)


def test_enqueue_is_committed_before_it_returns(tmp_path):
    async def scenario():
        blocked = asyncio.Event()        # never set: the delivery stays in flight
        invoke = Recorder(lambda: blocked.wait())
        queue = AsyncInvoker(tmp_path / "q.db", invoke, poll_s=0.05)
        await queue.start()
        request_id = await queue.enqueue("fn", b"{}", request_id="given-id")
        # Another connection sees the row: it is on disk, not in a pending transaction.
        [row] = rows(tmp_path / "q.db")
        assert row[:4] == ("given-id", "fn", b"{}", 0)
        assert request_id == "given-id"
        await queue.close()

    run(scenario)


def test_pending_events_survive_a_restart(tmp_path):
    db = tmp_path / "q.db"

    async def scenario():
        stuck = asyncio.Event()
        first = Recorder(lambda: stuck.wait())
        queue = AsyncInvoker(db, first, poll_s=0.05)
        await queue.start()
        await queue.enqueue("fn", b'{"keep": 1}')
        await eventually(lambda: first.sent, "the first delivery to begin")
        await queue.close()              # the node stops mid-delivery
        assert len(rows(db)) == 1

        second = Recorder(ok)
        restarted = AsyncInvoker(db, second, poll_s=0.05)
        await restarted.start()
        await eventually(lambda: second.sent, "delivery after restart")
        await eventually(lambda: not rows(db), "the queue to drain")
        await restarted.close()
        assert second.sent == [("fn", b'{"keep": 1}')]

    run(scenario)


def test_qualifier_is_queued_with_the_event_and_survives_a_restart(tmp_path):
    db = tmp_path / "q.db"

    async def scenario():
        queue = AsyncInvoker(db, Recorder(ok), poll_s=0.05)
        await queue.open()               # queued, never delivered before the restart
        await queue.enqueue("fn:$LATEST", b"{}")
        await queue.enqueue("plain", b"{}")
        await queue.close()

        invoke = Recorder(ok)
        restarted = AsyncInvoker(db, invoke, poll_s=0.05)
        await restarted.start()
        await eventually(lambda: not rows(db), "the queue to drain")
        await restarted.close()
        assert sorted(invoke.sent) == [("fn:$LATEST", b"{}"), ("plain", b"{}")]

    run(scenario)


def test_event_queued_before_qualifiers_were_kept_is_delivered(tmp_path):
    """A row written by an older node: a bare function name in the same table."""
    db = tmp_path / "q.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE async_events (request_id TEXT PRIMARY KEY, function_name "
                     "TEXT NOT NULL, payload BLOB NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
                     " due_at REAL NOT NULL, enqueued_at REAL NOT NULL)")
        queued_at = time.time()         # just now: an event too old would not be run
        conn.execute("INSERT INTO async_events VALUES ('old', 'fn', X'7B7D', 0, ?, ?)",
                     (queued_at, queued_at))

    async def scenario():
        invoke = Recorder(ok)
        queue = AsyncInvoker(db, invoke, poll_s=0.05)
        await queue.start()
        await eventually(lambda: not rows(db), "the queue to drain")
        await queue.close()
        assert invoke.sent == [("fn", b"{}")]

    run(scenario)


def on_failure_to(name: str) -> Callable[[str, str], EventInvokeConfig | None]:
    """Settings that send every function's failures to the function `name`."""
    config = EventInvokeConfig(on_failure=f"{ARN}:{name}")
    return lambda function, qualifier: None if function == name else config


def records_to(invoke: Recorder, name: str) -> list[dict]:
    return [json.loads(payload) for target, payload in invoke.sent if target == name]


def test_function_error_is_retried_twice_then_dropped(tmp_path, caplog):
    def answer() -> InvokeResult:
        return ok() if invoke.sent[-1][0] == "dlq" else failed()

    invoke = Recorder(answer)

    async def scenario():
        queue = AsyncInvoker(tmp_path / "q.db", invoke, retry_delays_s=(0.01, 0.02),
                             configs=on_failure_to("dlq"), poll_s=0.05)
        await queue.start()
        request_id = await queue.enqueue("fn", b"{}")
        await eventually(lambda: records_to(invoke, "dlq"), "the failure record")
        await eventually(lambda: not rows(tmp_path / "q.db"), "the queue to drain")
        await queue.close()
        assert [name for name, _ in invoke.sent] == ["fn", "fn", "fn", "dlq"]
        [record] = records_to(invoke, "dlq")
        assert record["requestContext"]["requestId"] == request_id
        assert record["requestContext"]["approximateInvokeCount"] == 3
        assert record["requestContext"]["condition"] == "RetriesExhausted"

    with caplog.at_level(logging.WARNING, logger="fogbank.messaging.async_invoke"):
        run(scenario)
    assert "dropped after 3 attempt(s) (RetriesExhausted)" in caplog.text


def test_throttle_is_retried_until_delivered(tmp_path):
    def throttled() -> InvokeResult:
        raise TooManyRequests("Rate Exceeded.")

    invoke = Recorder(throttled, ok)

    async def scenario():
        queue = AsyncInvoker(tmp_path / "q.db", invoke, retry_delays_s=(0.01, 0.01), poll_s=0.05)
        await queue.start()
        await queue.enqueue("fn", b"{}")
        await eventually(lambda: len(invoke.sent) == 2 and not rows(tmp_path / "q.db"), "retry")
        await queue.close()

    run(scenario)


def test_missing_function_is_not_retried(tmp_path):
    def answer() -> InvokeResult:
        if invoke.sent[-1][0] == "dlq":
            return ok()
        raise ResourceNotFound("Function not found: fn")

    invoke = Recorder(answer)

    async def scenario():
        queue = AsyncInvoker(tmp_path / "q.db", invoke, configs=on_failure_to("dlq"),
                             poll_s=0.05)
        await queue.start()
        await queue.enqueue("fn", b"{}")
        await eventually(lambda: records_to(invoke, "dlq"), "the failure record")
        await queue.close()
        assert [name for name, _ in invoke.sent] == ["fn", "dlq"]
        [record] = records_to(invoke, "dlq")
        assert record["requestContext"]["approximateInvokeCount"] == 1
        # The function never answered: there is no response to report.
        assert "responseContext" not in record and "responsePayload" not in record

    run(scenario)


def test_retries_wait_the_configured_delays(tmp_path):
    now = [1000.0]
    invoke = Recorder(failed)
    db = tmp_path / "q.db"

    async def scenario():
        queue = AsyncInvoker(db, invoke, retry_delays_s=(60.0, 120.0), clock=lambda: now[0],
                             poll_s=0.02)
        await queue.start()
        await queue.enqueue("fn", b"{}")
        await eventually(lambda: rows(db) and rows(db)[0][3] == 1, "the first attempt")
        assert rows(db)[0][4] == 1060.0
        assert len(invoke.sent) == 1
        now[0] = 1060.0
        await eventually(lambda: rows(db) and rows(db)[0][3] == 2, "the second attempt")
        assert rows(db)[0][4] == 1180.0
        now[0] = 1180.0
        await eventually(lambda: not rows(db), "the last attempt")
        await queue.close()
        assert len(invoke.sent) == 3

    run(scenario)


def test_enqueue_before_start_is_an_error(tmp_path):
    queue = AsyncInvoker(tmp_path / "q.db", Recorder(ok))
    with pytest.raises(RuntimeError):
        asyncio.run(queue.enqueue("fn", b"{}"))


# ------------------------------------------------------------ Event through the wire

def test_event_invocation_is_accepted_then_delivered(runtime, lambda_client):
    runtime.add("worker", lambda event, context: event)
    response = lambda_client.invoke(FunctionName="worker", InvocationType="Event",
                                    Payload=b'{"job": 7}')
    assert response["StatusCode"] == 202
    assert "FunctionError" not in response
    assert response["Payload"].read() == b""
    [call] = runtime.wait_for_calls("worker", 1)
    assert call.event == {"job": 7}
    # The function runs under the request id Invoke answered with, as on Lambda.
    assert call.request_id == response["ResponseMetadata"]["RequestId"]


@pytest.mark.parametrize("name,qualifier,invoked", [
    ("who", None, f"{ARN}:who"),
    ("who", "$LATEST", f"{ARN}:who:$LATEST"),
    ("who:$LATEST", None, f"{ARN}:who:$LATEST"),
    (f"{ARN}:who:$LATEST", None, f"{ARN}:who:$LATEST"),
])
def test_event_context_names_the_arn_the_function_was_invoked_by(runtime, lambda_client, name,
                                                                 qualifier, invoked):
    runtime.add("who", lambda event, context: None)
    extra = {"Qualifier": qualifier} if qualifier else {}
    response = lambda_client.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}",
                                    **extra)
    assert response["StatusCode"] == 202
    [call] = runtime.wait_for_calls("who", 1)
    assert call.invoked_function_arn == invoked


def test_event_payload_between_256_kb_and_1_mb_is_accepted(runtime, lambda_client):
    runtime.add("worker", lambda event, context: None)
    payload = json.dumps("x" * 700_000).encode()
    response = lambda_client.invoke(FunctionName="worker", InvocationType="Event", Payload=payload)
    assert response["StatusCode"] == 202
    runtime.wait_for_calls("worker", 1)


def test_failing_event_is_tried_three_times(runtime, lambda_client):
    def fail(event, context):
        raise RuntimeError("nope")

    runtime.add("flaky", fail)
    response = lambda_client.invoke(FunctionName="flaky", InvocationType="Event", Payload=b"{}")
    calls = runtime.wait_for_calls("flaky", 3)
    assert len(calls) == 3
    assert {c.request_id for c in calls} == {response["ResponseMetadata"]["RequestId"]}


def test_event_for_a_missing_function_is_refused(lambda_client):
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException):
        lambda_client.invoke(FunctionName="ghost", InvocationType="Event", Payload=b"{}")


def test_event_with_bad_json_is_refused(runtime, lambda_client):
    runtime.add("worker", lambda event, context: None)
    with pytest.raises(lambda_client.exceptions.InvalidRequestContentException):
        lambda_client.invoke(FunctionName="worker", InvocationType="Event", Payload=b"{oops")


def test_an_opened_queue_takes_events_but_delivers_only_once_started(tmp_path):
    """A node opens its queue at start and delivers after its functions are deployed."""
    db = tmp_path / "q.db"

    async def scenario():
        invoke = Recorder(ok)
        queue = AsyncInvoker(db, invoke, poll_s=0.05)
        await queue.open()
        await queue.enqueue("fn", b'{"early": 1}')
        await asyncio.sleep(0.3)
        assert invoke.sent == [] and len(rows(db)) == 1
        await queue.start()
        await eventually(lambda: invoke.sent, "delivery once started")
        await queue.close()
        assert invoke.sent == [("fn", b'{"early": 1}')]

    run(scenario)


# ------------------------------------------------------------ EventInvokeConfig and destinations

def configured(**settings) -> Callable[[str, str], EventInvokeConfig | None]:
    """`settings` for the function "fn", whatever qualifier; none for the others."""
    config = EventInvokeConfig(**settings)
    return lambda function, qualifier: config if function == "fn" else None


def script(fn_answers: list[Callable[[], InvokeResult]]) -> Recorder:
    """"fn" (any qualifier) answers in turn, the last answer repeated; every other
    function succeeds."""
    def answer() -> InvokeResult:
        if invoke.sent[-1][0].partition(":")[0] != "fn":
            return ok()
        tries = sum(1 for name, _ in invoke.sent if name.partition(":")[0] == "fn")
        return fn_answers[min(tries, len(fn_answers)) - 1]()

    invoke = Recorder(answer)
    return invoke


def deliver(tmp_path: Path, invoke: Recorder, name: str, payload: bytes,
            until: Callable[[], bool], **settings) -> str:
    """Queue one event for `name`, "fn" having `settings`, and deliver until `until()`
    holds and the queue is empty; the event's request id."""
    async def scenario() -> str:
        queue = AsyncInvoker(tmp_path / "q.db", invoke, retry_delays_s=(0.01, 0.01),
                             poll_s=0.05, configs=configured(**settings))
        await queue.start()
        request_id = await queue.enqueue(name, payload)
        await eventually(lambda: until() and not rows(tmp_path / "q.db"), "the deliveries")
        await queue.close()
        return request_id

    return asyncio.run(asyncio.wait_for(scenario(), WAIT_S * 2))


def test_no_retry_when_maximum_retry_attempts_is_0(tmp_path):
    invoke = script([failed])
    request_id = deliver(tmp_path, invoke, "fn", b'{"order": 7}',
                         lambda: records_to(invoke, "dlq"), maximum_retry_attempts=0,
                         on_failure=f"{ARN}:dlq")
    assert [name for name, _ in invoke.sent] == ["fn", "dlq"]
    [record] = records_to(invoke, "dlq")
    timestamp = record.pop("timestamp")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", timestamp)
    assert record == {
        "version": "1.0",
        "requestContext": {"requestId": request_id, "functionArn": f"{ARN}:fn:$LATEST",
                           "condition": "RetriesExhausted", "approximateInvokeCount": 1},
        "requestPayload": {"order": 7},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST",
                            "functionError": "Unhandled"},
        "responsePayload": {"errorMessage": "boom"}}
def test_one_retry_when_maximum_retry_attempts_is_1(tmp_path):
    invoke = script([failed])
    deliver(tmp_path, invoke, "fn", b"{}", lambda: records_to(invoke, "dlq"),
            maximum_retry_attempts=1, on_failure=f"{ARN}:dlq")
    assert [name for name, _ in invoke.sent] == ["fn", "fn", "dlq"]
    assert records_to(invoke, "dlq")[0]["requestContext"]["approximateInvokeCount"] == 2
def test_success_goes_to_on_success_and_not_on_failure(tmp_path):
    invoke = script([failed, lambda: ok(b'{"total": 3}')])
    deliver(tmp_path, invoke, "fn:live", b"[1, 2]", lambda: records_to(invoke, "done"),
            on_success=f"{ARN}:done", on_failure=f"{ARN}:dlq")
    assert [name for name, _ in invoke.sent] == ["fn:live", "fn:live", "done"]
    [record] = records_to(invoke, "done")
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestContext"]["functionArn"] == f"{ARN}:fn:live"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["requestPayload"] == [1, 2]
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert record["responsePayload"] == {"total": 3}
def test_success_without_on_success_sends_nothing(tmp_path):
    invoke = script([ok])
    deliver(tmp_path, invoke, "fn", b"{}", lambda: bool(invoke.sent), on_failure=f"{ARN}:dlq")
    assert [name for name, _ in invoke.sent] == ["fn"]
def test_destination_version_or_alias_is_invoked_as_named(tmp_path):
    invoke = script([failed])
    deliver(tmp_path, invoke, "fn", b"{}", lambda: records_to(invoke, "dlq:live"),
            maximum_retry_attempts=0, on_failure=f"{ARN}:dlq:live")
    assert [name for name, _ in invoke.sent] == ["fn", "dlq:live"]
def test_event_older_than_its_maximum_age_is_not_run(tmp_path):
    now = [1000.0]
    invoke = script([ok])
    db = tmp_path / "q.db"

    async def scenario():
        queue = AsyncInvoker(db, invoke, clock=lambda: now[0], poll_s=0.02,
                             configs=configured(maximum_event_age_s=60,
                                                on_failure=f"{ARN}:dlq"))
        await queue.open()                  # queued while the node was still starting …
        request_id = await queue.enqueue("fn", b'{"late": true}')
        now[0] = 1061.0                     # … and a minute and a second went by
        await queue.start()
        await eventually(lambda: records_to(invoke, "dlq"), "the failure record")
        await queue.close()
        assert [name for name, _ in invoke.sent] == ["dlq"]
        [record] = records_to(invoke, "dlq")
        assert record["requestContext"] == {
            "requestId": request_id, "functionArn": f"{ARN}:fn:$LATEST",
            "condition": "EventAgeExceeded", "approximateInvokeCount": 0}
        assert record["requestPayload"] == {"late": True}
        assert "responseContext" not in record

    run(scenario)


def test_event_at_its_maximum_age_is_still_run(tmp_path):
    now = [1000.0]
    invoke = script([ok])

    async def scenario():
        queue = AsyncInvoker(tmp_path / "q.db", invoke, clock=lambda: now[0], poll_s=0.02,
                             configs=configured(maximum_event_age_s=60))
        await queue.open()
        await queue.enqueue("fn", b"{}")
        now[0] = 1060.0
        await queue.start()
        await eventually(lambda: invoke.sent, "the delivery")
        await queue.close()
        assert [name for name, _ in invoke.sent] == ["fn"]

    run(scenario)


def test_retry_that_would_come_after_the_maximum_age_is_not_made(tmp_path):
    now = [1000.0]
    invoke = script([failed])
    db = tmp_path / "q.db"

    async def scenario():
        queue = AsyncInvoker(db, invoke, retry_delays_s=(60.0, 120.0), clock=lambda: now[0],
                             poll_s=0.02, configs=configured(maximum_event_age_s=100,
                                                             on_failure=f"{ARN}:dlq"))
        await queue.start()
        await queue.enqueue("fn", b"{}")
        await eventually(lambda: rows(db) and rows(db)[0][3] == 1, "the first attempt")
        now[0] = 1060.0                     # the first retry, within the age …
        await eventually(lambda: records_to(invoke, "dlq"), "the failure record")
        await queue.close()
        # … and the second would come at 1180, past it: the last answer goes to OnFailure.
        assert [name for name, _ in invoke.sent] == ["fn", "fn", "dlq"]
        [record] = records_to(invoke, "dlq")
        assert record["requestContext"]["condition"] == "EventAgeExceeded"
        assert record["requestContext"]["approximateInvokeCount"] == 2
        assert record["responseContext"]["functionError"] == "Unhandled"

    run(scenario)


def test_throttles_are_retried_beyond_maximum_retry_attempts(tmp_path):
    def throttled() -> InvokeResult:
        raise TooManyRequests("Rate Exceeded.")

    invoke = script([throttled, throttled, throttled, ok])
    deliver(tmp_path, invoke, "fn", b"{}", lambda: records_to(invoke, "done"),
            maximum_retry_attempts=0, on_success=f"{ARN}:done")
    assert [name for name, _ in invoke.sent] == ["fn"] * 4 + ["done"]
def test_zero_reserved_concurrency_sends_the_event_to_on_failure_without_retries(tmp_path):
    def never_runs() -> InvokeResult:
        raise NoReservedConcurrency("Rate Exceeded.")

    invoke = script([never_runs])
    request_id = deliver(tmp_path, invoke, "fn", b'{"order": 7}',
                         lambda: records_to(invoke, "dlq"), on_failure=f"{ARN}:dlq",
                         on_success=f"{ARN}:done")
    assert [name for name, _ in invoke.sent] == ["fn", "dlq"]
    [record] = records_to(invoke, "dlq")
    del record["timestamp"]
    # The function was never invoked: no attempt is counted and there is no response.
    assert record == {
        "version": "1.0",
        "requestContext": {"requestId": request_id, "functionArn": f"{ARN}:fn:$LATEST",
                           "condition": "ZeroReservedConcurrency",
                           "approximateInvokeCount": 0},
        "requestPayload": {"order": 7}}


def test_failing_event_with_no_retries_reaches_its_on_failure_function(runtime, lambda_client):
    def fail(event, context):
        raise RuntimeError("nope")

    runtime.add("flaky", fail, event_invoke_configs={"$LATEST": EventInvokeConfig(
        maximum_retry_attempts=0, on_failure=f"{ARN}:dlq")})
    runtime.add("dlq", lambda event, context: None)
    response = lambda_client.invoke(FunctionName="flaky", InvocationType="Event",
                                    Payload=b'{"job": 7}')
    [call] = runtime.wait_for_calls("dlq", 1)
    assert len(runtime.calls_to("flaky")) == 1
    record = call.event
    assert record["requestContext"]["requestId"] == response["ResponseMetadata"]["RequestId"]
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestPayload"] == {"job": 7}
    assert record["responsePayload"]["errorMessage"] == "nope"


def test_succeeding_event_reaches_its_on_success_function(runtime, lambda_client):
    runtime.add("adder", lambda event, context: {"sum": sum(event)},
                aliases={"live": "$LATEST"},
                event_invoke_configs={"live": EventInvokeConfig(on_success=f"{ARN}:done")})
    runtime.add("done", lambda event, context: None)
    lambda_client.invoke(FunctionName="adder:live", InvocationType="Event", Payload=b"[1, 2]")
    [call] = runtime.wait_for_calls("done", 1)
    assert call.event["requestContext"]["functionArn"] == f"{ARN}:adder:live"
    assert call.event["responsePayload"] == {"sum": 3}
    # The unqualified function has no settings of its own: no record for it.
    lambda_client.invoke(FunctionName="adder", InvocationType="Event", Payload=b"[1]")
    runtime.wait_for_calls("adder", 2)
    assert len(runtime.calls_to("done")) == 1
