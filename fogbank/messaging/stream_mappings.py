"""Event source mappings from DynamoDB streams: each mapping reads its stream and invokes
its function with batches of records, as Lambda's stream pollers do.

- A mapping starts at TRIM_HORIZON (the oldest record kept) or LATEST (records written
  after it was made) and remembers, durably, the position after which it reads next; a
  restarted node goes on from there, so a batch is delivered at least once.
- The stream is read four times a second. A batch holds up to BatchSize records (and at
  most 6 MB, the synchronous payload limit); MaximumBatchingWindowInSeconds lets a batch
  fill for that long before it goes.
- Records that no filter of FilterCriteria matches are dropped without an invocation.
- A failed batch (a function error, a throttle, a function gone) is retried, the shard
  waiting meanwhile, until it succeeds, MaximumRetryAttempts retries have failed, or its
  oldest record is older than MaximumRecordAgeInSeconds; -1 means no limit (records still
  leave the stream after 24 hours). Then the batch is dropped and reading goes on.
  BisectBatchOnFunctionError splits a failing batch in two and retries each half.
- With ReportBatchItemFailures the function may answer {"batchItemFailures":
  [{"itemIdentifier": "<SequenceNumber>"}]}: the records before the first one named are
  done and the batch is retried from it. An answer naming a record not in the batch fails
  the whole batch. Such a report is not halved by BisectBatchOnFunctionError: the batch is
  split at the record named and the rest retried whole, as Lambda's guide says.
"""
from __future__ import annotations

import asyncio
import base64
import json
import logging
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol, Sequence

import orjson

from fogbank.durable_files import durable_database
from fogbank.messaging.filter_patterns import Filters, compile_filters
from fogbank.types import AwsError, Invoker

log = logging.getLogger(__name__)

POLLS_PER_SECOND = 4                 # how often Lambda reads a shard
MAX_PAYLOAD = 6 * 1024 * 1024        # a synchronous invocation's request limit
NO_RECORDS = "No records processed"
# The order Lambda's events list a record's stream fields in.
_BODY_ORDER = ("ApproximateCreationDateTime", "Keys", "NewImage", "OldImage", "SequenceNumber",
               "SizeBytes", "StreamViewType")
OK = "OK"
PROBLEM = "PROBLEM: Function call failed"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS stream_mappings (
    uuid     TEXT PRIMARY KEY,
    config   TEXT NOT NULL,
    position INTEGER,
    result   TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class StreamMapping:
    """One mapping's settings, with Lambda's defaults for a DynamoDB stream."""

    uuid: str
    function: str                     # "name" or "name:qualifier", as the invoker takes it
    function_arn: str
    source_arn: str
    starting_position: str            # TRIM_HORIZON or LATEST
    batch_size: int = 100
    batching_window_s: int = 0
    enabled: bool = True
    maximum_retry_attempts: int = -1
    maximum_record_age_s: int = -1
    bisect_on_error: bool = False
    report_item_failures: bool = False
    filters: tuple[Mapping[str, str], ...] = ()     # FilterCriteria.Filters as given
    parallelization_factor: int = 1
    tumbling_window_s: int = 0
    last_modified: float = field(default_factory=time.time)

    @classmethod
    def from_json(cls, text: str) -> StreamMapping:
        values = json.loads(text)
        values["filters"] = tuple(values.get("filters") or ())
        return cls(**values)

    def to_json(self) -> str:
        return json.dumps(asdict(self))


@dataclass(frozen=True)
class MappingStatus:
    mapping: StreamMapping
    last_processing_result: str


class StreamBatchLike(Protocol):
    records: list[tuple[int, dict[str, Any]]]
    last: int
    closed: bool


class StreamSource(Protocol):
    """What the mappings read: the tables engine's stream positions and records."""

    def position(self, arn: str, start: Any) -> int: ...

    def read(self, arn: str, after: int, limit: int) -> StreamBatchLike: ...


@dataclass
class _Outcome:
    done_through: int | None     # the last position delivered (None: nothing was)
    failed: bool
    reported: bool = False       # the function named its failed records itself


class StreamMappings:
    """`StreamMappings(db_path, source, invoke)`; `put`/`delete` mappings, `start()` once the
    functions are deployed, `close()` when done."""

    def __init__(self, db_path: Path, source: StreamSource, invoke: Invoker, *,
                 retry_delays_s: Sequence[float] = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0),
                 poll_s: float = 1 / POLLS_PER_SECOND,
                 clock: Callable[[], float] = time.time) -> None:
        self._db = durable_database(db_path, _SCHEMA, any_thread=True)
        self._lock = threading.Lock()        # deploys put mappings from another thread
        self._source, self._invoke = source, invoke
        self._delays, self._poll_s, self._clock = tuple(retry_delays_s), poll_s, clock
        self._mappings: dict[str, StreamMapping] = {}
        self._filters: dict[str, Filters] = {}
        self._results: dict[str, str] = {}
        # Where each mapping reads next (None until its stream was first found): the
        # database's column, kept here too so that a poll reads no row.
        self._positions: dict[str, int | None] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        # Every mapping kept is back at once: those made through the Lambda API have no
        # template to restore them, and the deployer updates or deletes the others.
        rows = self._db.execute("SELECT config, position, result FROM stream_mappings")
        for text, position, result in rows:
            mapping = StreamMapping.from_json(text)
            self._mappings[mapping.uuid] = mapping
            self._filters[mapping.uuid] = compile_filters([dict(f) for f in mapping.filters])
            self._positions[mapping.uuid], self._results[mapping.uuid] = position, result

    # ------------------------------------------------------------------ the mappings

    def put(self, mapping: StreamMapping) -> None:
        """Adds or changes a mapping; a changed one keeps its position. Raises
        InvalidFilterPattern for a filter Lambda would refuse."""
        filters = compile_filters([dict(f) for f in mapping.filters])
        position = self._positions.get(mapping.uuid)
        result = self._results.get(mapping.uuid, NO_RECORDS)
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO stream_mappings VALUES (?, ?, ?, ?)",
                             (mapping.uuid, mapping.to_json(), position, result))
        self._mappings[mapping.uuid], self._filters[mapping.uuid] = mapping, filters
        self._positions[mapping.uuid], self._results[mapping.uuid] = position, result
        if position is None:
            self._begin(mapping)
        self._schedule(mapping.uuid)

    def delete(self, uuid: str) -> None:
        self._mappings.pop(uuid, None)
        self._filters.pop(uuid, None)
        self._results.pop(uuid, None)
        self._positions.pop(uuid, None)
        with self._lock:
            self._db.execute("DELETE FROM stream_mappings WHERE uuid = ?", (uuid,))
        self._schedule(uuid)

    def get(self, uuid: str) -> MappingStatus | None:
        mapping = self._mappings.get(uuid)
        return None if mapping is None else MappingStatus(mapping, self._results[uuid])

    def list(self) -> list[MappingStatus]:
        return [MappingStatus(m, self._results[m.uuid]) for m in self._mappings.values()]

    def reading(self, source_arn: str, function: str) -> StreamMapping | None:
        """The mapping that already reads a stream for a function (name or name:qualifier)."""
        return next((m for m in self._mappings.values()
                     if m.source_arn == source_arn and m.function == function), None)

    def check_source(self, source_arn: str) -> None:
        """Raises the source's ResourceNotFound when the stream does not exist."""
        self._source.position(source_arn, "LATEST")

    def _begin(self, mapping: StreamMapping) -> None:
        """A new mapping's first position, taken when it is made so that LATEST means
        records written after that; later if its stream does not exist yet."""
        try:
            position = self._source.position(mapping.source_arn, mapping.starting_position)
        except AwsError:
            return
        self._save(mapping.uuid, position)

    # ------------------------------------------------------------------ running

    def start(self) -> None:
        """Starts reading: from now on every enabled mapping has a poller."""
        self._loop = asyncio.get_running_loop()
        for uuid in list(self._mappings):
            self._schedule(uuid)

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        self._loop = None
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        with self._lock:
            self._db.close()

    def _schedule(self, uuid: str) -> None:
        """Starts or stops the poller of a mapping to match its settings (thread-safe)."""
        loop = self._loop
        if loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._reconcile(uuid)
        else:
            loop.call_soon_threadsafe(self._reconcile, uuid)

    def _reconcile(self, uuid: str) -> None:
        mapping = self._mappings.get(uuid)
        task = self._tasks.get(uuid)
        wanted = mapping is not None and mapping.enabled
        if wanted and (task is None or task.done()):
            self._tasks[uuid] = asyncio.ensure_future(self._poll(uuid))
        elif not wanted and task is not None:
            task.cancel()
            self._tasks.pop(uuid, None)

    async def _poll(self, uuid: str) -> None:
        while uuid in self._mappings:
            mapping = self._mappings[uuid]
            try:
                worked = await self._poll_once(mapping)
            except asyncio.CancelledError:
                raise
            except Exception:                 # a poller never dies of one bad round
                log.exception("event source mapping %s failed a round", uuid)
                worked = False
            if not worked:
                await asyncio.sleep(self._poll_s)

    async def _poll_once(self, mapping: StreamMapping) -> bool:
        """Reads and delivers one batch; False when there was nothing to do."""
        position = self._positions.get(mapping.uuid)
        try:
            if position is None:
                position = self._source.position(mapping.source_arn, mapping.starting_position)
                self._save(mapping.uuid, position)
            batch = await self._fill(mapping, position)
        except AwsError as error:
            if error.code != "TrimmedDataAccessException":
                return False                  # the stream is not there (yet, or any more)
            # What it had still to read was trimmed: go on from the oldest record kept.
            self._save(mapping.uuid, self._source.position(mapping.source_arn, "TRIM_HORIZON"))
            return True
        if not batch.records:
            if batch.last > position:         # records of an earlier stream of the table
                self._save(mapping.uuid, batch.last)
            return False
        records = _within_payload_limit(batch.records)
        through = records[-1][0] if len(records) < len(batch.records) else batch.last
        filters = self._filters.get(mapping.uuid)
        chosen = [(seq, _lambda_record(record, mapping.source_arn)) for seq, record in records]
        if filters is not None and len(filters):
            chosen = [(seq, record) for seq, record in chosen if filters.matches(record)]
        if chosen:
            await self._deliver(mapping, chosen)
        # Off the loop: the commit waits for the disk.
        await asyncio.to_thread(self._save, mapping.uuid, through)
        return True

    async def _fill(self, mapping: StreamMapping, position: int) -> StreamBatchLike:
        """A batch, after letting it fill for the batching window when it is not full."""
        batch = self._source.read(mapping.source_arn, position, mapping.batch_size)
        if not batch.records or mapping.batching_window_s <= 0:
            return batch
        deadline = self._clock() + mapping.batching_window_s
        while len(batch.records) < mapping.batch_size and self._clock() < deadline:
            await asyncio.sleep(min(self._poll_s, max(0.0, deadline - self._clock())))
            batch = self._source.read(mapping.source_arn, position, mapping.batch_size)
        return batch

    async def _deliver(self, mapping: StreamMapping, records: list[tuple[int, dict[str, Any]]]) -> None:
        """Delivers a batch with retries, splitting it when asked to; returns when every
        record is delivered or dropped."""
        pending = [(records, 0)]          # (records, retries already made for them)
        while pending and mapping.uuid in self._mappings:
            batch, retries = pending.pop(0)
            outcome = await self._invoke_batch(mapping, batch)
            self._results[mapping.uuid] = PROBLEM if outcome.failed else OK
            if not outcome.failed:
                continue
            if outcome.done_through is not None:
                batch = [(seq, r) for seq, r in batch if seq > outcome.done_through]
            if self._exhausted(mapping, batch, retries):
                log.warning("event source mapping %s dropped %d record(s) from %s after %d "
                            "retries", mapping.uuid, len(batch), mapping.source_arn, retries)
                continue
            await asyncio.sleep(self._delays[min(retries, len(self._delays) - 1)])
            if mapping.bisect_on_error and len(batch) > 1 and not outcome.reported:
                half = len(batch) // 2
                pending[:0] = [(batch[:half], retries + 1), (batch[half:], retries + 1)]
            else:
                pending.insert(0, (batch, retries + 1))

    def _exhausted(self, mapping: StreamMapping, batch: list[tuple[int, dict[str, Any]]],
                   retries: int) -> bool:
        if not batch:
            return True
        if 0 <= mapping.maximum_retry_attempts <= retries:
            return True
        oldest = batch[0][1]["dynamodb"]["ApproximateCreationDateTime"]
        return 0 <= mapping.maximum_record_age_s < self._clock() - oldest

    async def _invoke_batch(self, mapping: StreamMapping,
                            batch: list[tuple[int, dict[str, Any]]]) -> _Outcome:
        payload = orjson.dumps({"Records": [record for _, record in batch]})
        try:
            result = await self._invoke(mapping.function, payload)
        except AwsError as error:             # throttled, or the function is gone
            log.warning("event source mapping %s could not invoke %s: %s", mapping.uuid,
                        mapping.function, error.message)
            return _Outcome(None, failed=True)
        if result.function_error is not None:
            return _Outcome(None, failed=True)
        if not mapping.report_item_failures:
            return _Outcome(batch[-1][0], failed=False)
        return _item_failures(result.payload, batch)

    # ------------------------------------------------------------------ the store

    def _save(self, uuid: str, position: int) -> None:
        """Keeps a mapping's position and its last processing result, unless it is gone."""
        if uuid not in self._mappings:
            return
        self._positions[uuid] = position
        with self._lock:
            self._db.execute("UPDATE stream_mappings SET position = ?, result = ? WHERE uuid = ?",
                             (position, self._results[uuid], uuid))


def _lambda_record(record: Mapping[str, Any], source_arn: str) -> dict[str, Any]:
    """A stream record as Lambda puts it in an event: creation time in whole seconds as a
    JSON float (1714521600.0, as recorded from Lambda), binary values in base64 (the event
    is JSON, and filters match that text), the stream's ARN, and a service deletion's
    identity in lower camel case."""
    stored = record["dynamodb"]
    body = {name: _base64_binaries(stored[name]) for name in _BODY_ORDER if name in stored}
    body["ApproximateCreationDateTime"] = float(int(stored["ApproximateCreationDateTime"]))
    shaped = {name: value for name, value in record.items()
              if name not in ("dynamodb", "userIdentity")}
    shaped["dynamodb"] = body
    shaped["eventSourceARN"] = source_arn
    identity = record.get("userIdentity")
    if identity:
        shaped["userIdentity"] = {"type": identity["Type"], "principalId": identity["PrincipalId"]}
    return shaped


def _base64_binaries(value: Any) -> Any:
    """A stored value with each B and BS member (bytes) as base64 text, at any depth."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {name: _base64_binaries(inner) for name, inner in value.items()}
    if isinstance(value, list):
        return [_base64_binaries(inner) for inner in value]
    return value


def _within_payload_limit(records: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    """The longest prefix of a batch whose event fits a synchronous invocation (at least
    one record: a stream record is at most 400 KB of item twice over)."""
    total, kept = len(b'{"Records":[]}'), []
    for entry in records:
        total += len(orjson.dumps(entry[1], default=str)) + 300
        if kept and total > MAX_PAYLOAD:
            break
        kept.append(entry)
    return kept


def _item_failures(payload: bytes, batch: list[tuple[int, dict[str, Any]]]) -> _Outcome:
    """What a ReportBatchItemFailures answer means: success when it names no record; the
    records before the first one named are done; anything malformed fails the batch."""
    try:
        answer = orjson.loads(payload) if payload else None
    except orjson.JSONDecodeError:
        return _Outcome(batch[-1][0], failed=False)      # not a report: a plain success
    failures = answer.get("batchItemFailures") if isinstance(answer, dict) else None
    if not failures:
        return _Outcome(batch[-1][0], failed=False)
    positions = {record["dynamodb"]["SequenceNumber"]: seq for seq, record in batch}
    named = []
    for failure in failures if isinstance(failures, list) else [None]:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in positions:
            return _Outcome(None, failed=True)
        named.append(positions[identifier])
    first = min(named)
    done = [seq for seq, _ in batch if seq < first]
    return _Outcome(done[-1] if done else None, failed=True, reported=True)
