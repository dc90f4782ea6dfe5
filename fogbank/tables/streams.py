"""DynamoDB Streams: records appended in the write's own transaction, and the Streams API.

Each stream has one shard. A record's key is its table's stream space plus an 8-byte
sequence number that grows across the whole engine, so a shard iterator is just "after
sequence n". Records are kept 24 hours (the TTL sweeper trims them); each trim records the
stream's horizon, the last sequence number it removed, so that reading from behind it is
refused with TrimmedDataAccessException rather than silently skipping what was lost.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import marshal
import random
import re
import struct
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Literal, Mapping

from fogbank.tables import keys
from fogbank.tables.catalog import Catalog
from fogbank.tables.errors import (ExpiredIteratorException, ResourceNotFoundException,
                                   TrimmedDataAccessException, ValidationException)
from fogbank.tables.schema import TableDef
from fogbank.tables.storage import Reader, Storage, Writer, prefix_end
from fogbank.tables.values import item_size

RETENTION_S = 24 * 3600
ITERATOR_TTL_S = 15 * 60
SEQUENCE_BASE = 10 ** 20          # sequence numbers are 21-digit strings, as in AWS
SERVICE_IDENTITY = {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
# The documented upper limits of Limit (the model states only the lower bound, 1).
MAX_LIST_LIMIT = 100               # ListStreams' streams, DescribeStream's shards
MAX_RECORDS_LIMIT = 1000           # GetRecords' records
# A stream ARN's shape: a table ARN, "/stream/", the stream's label. One that does not have
# it is refused as invalid; one that has it but names no stream is not found.
STREAM_ARN = re.compile(r"arn:[^:/]+:dynamodb:[^:/]+:[^:/]+:table/[^/]+/stream/[^/]+")
TRIMMED = "The data you are trying to access has been trimmed."


class StreamLog:
    """Appends stream records; knows the last sequence number handed out."""

    def __init__(self, reader: Reader, region: str) -> None:
        self._region = region
        self.last = 0
        for _, value in reader.scan(keys.STREAM, prefix_end(keys.STREAM)):
            self.last = max(self.last, marshal.loads(value)["seq"])

    def append(self, writer: Writer, table: TableDef, old: Mapping | None, new: Mapping | None,
               now: float, service: bool = False) -> None:
        view = table.stream_view
        if view is None or old == new:
            return
        self.last += 1
        image = new if new is not None else old
        assert image is not None
        record: dict[str, Any] = {
            "eventID": f"{random.getrandbits(128):032x}", "eventName": _event_name(old, new),
            "eventVersion": "1.1", "eventSource": "aws:dynamodb", "awsRegion": self._region,
            "dynamodb": {"ApproximateCreationDateTime": now, "Keys": table.key_of(image),
                         "SequenceNumber": str(SEQUENCE_BASE + self.last),
                         "StreamViewType": view},
        }
        body = record["dynamodb"]
        if new is not None and view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
            body["NewImage"] = dict(new)
        if old is not None and view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
            body["OldImage"] = dict(old)
        body["SizeBytes"] = sum(item_size(body.get(k) or {}) for k in ("Keys", "NewImage", "OldImage"))
        if service:
            record["userIdentity"] = dict(SERVICE_IDENTITY)
        stored = {"seq": self.last, "label": table.record["LatestStreamLabel"], "t": now,
                  "record": record}
        writer.put(_record_key(table.tid, self.last), marshal.dumps(stored))


def _event_name(old: Mapping | None, new: Mapping | None) -> str:
    if old is None:
        return "INSERT"
    return "REMOVE" if new is None else "MODIFY"


def _record_key(tid: int, seq: int) -> bytes:
    return keys.STREAM + keys.table_id_bytes(tid) + struct.pack(">Q", seq)


def trim(writer: Writer, now: float) -> int:
    """Deletes records past the 24-hour retention, moving each stream's horizon past them;
    returns how many."""
    stale: list[bytes] = []
    reached: dict[bytes, dict[str, int]] = {}
    for key, value in writer.scan(keys.STREAM, prefix_end(keys.STREAM)):
        stored = marshal.loads(value)
        if stored["t"] < now - RETENTION_S:
            stale.append(key)
            tid = key[len(keys.STREAM):-8]
            reached.setdefault(tid, {})[stored["label"]] = stored["seq"]
    for key in stale:
        writer.delete(key)
    for tid, labels in reached.items():
        writer.put(keys.STREAM_HORIZONS + tid, marshal.dumps({**_horizons(writer, tid), **labels}))
    return len(stale)


def _horizons(reader: Reader, tid: bytes) -> dict[str, int]:
    stored = reader.get(keys.STREAM_HORIZONS + tid)
    return marshal.loads(stored) if stored is not None else {}


def horizon(reader: Reader, tid: int, label: str) -> int:
    """The last sequence number trimmed from a stream (0 when none was)."""
    return _horizons(reader, keys.table_id_bytes(tid)).get(label, 0)


@dataclass(frozen=True)
class StreamBatch:
    """What a stream consumer read: records with their positions, oldest first; the last
    position it looked at (past records of other streams of the table too); and whether the
    stream is closed (disabled) with nothing left after that position."""

    records: list[tuple[int, dict[str, Any]]]
    last: int
    closed: bool


class StreamsApi:
    """ListStreams, DescribeStream, GetShardIterator, GetRecords; and, for consumers inside
    the node (event source mappings), `position` and `read` over plain positions."""

    def __init__(self, storage: Storage, catalog: Catalog, log: StreamLog,
                 clock: Callable[[], float]) -> None:
        self._storage, self._catalog, self._log, self._clock = storage, catalog, log, clock

    def _streams(self) -> list[tuple[TableDef, Mapping[str, Any]]]:
        tables = sorted([*self._catalog.tables.values(), *self._catalog.retired.values()],
                        key=lambda t: (t.name, t.tid))
        return [(table, stream) for table in tables
                for stream in table.record.get("_streams") or ()]

    def _arn(self, table: TableDef, stream: Mapping[str, Any]) -> str:
        return f"{self._catalog.arn(table.name)}/stream/{stream['label']}"

    def _find(self, arn: str) -> tuple[TableDef, Mapping[str, Any]]:
        _check_arn(arn)
        for table, stream in self._streams():
            if self._arn(table, stream) == arn:
                return table, stream
        raise ResourceNotFoundException(f"Requested resource not found: Stream: {arn} not found")

    def list_streams(self, params: Mapping[str, Any]) -> dict[str, Any]:
        _check_limit(params, MAX_LIST_LIMIT)
        listed = [{"StreamArn": self._arn(t, s), "TableName": t.name, "StreamLabel": s["label"]}
                  for t, s in self._streams()
                  if params.get("TableName") in (None, t.name)]
        start = params.get("ExclusiveStartStreamArn")
        if start is not None:
            _check_arn(start)
            arns = [entry["StreamArn"] for entry in listed]
            listed = listed[arns.index(start) + 1:] if start in arns else listed
        limit = params.get("Limit", 100)
        output: dict[str, Any] = {"Streams": listed[:limit]}
        if len(listed) > limit:
            output["LastEvaluatedStreamArn"] = listed[limit - 1]["StreamArn"]
        return output

    def describe_stream(self, params: Mapping[str, Any]) -> dict[str, Any]:
        _check_limit(params, MAX_LIST_LIMIT)
        table, stream = self._find(params["StreamArn"])
        with self._storage.read() as reader:
            start = _shard_start(horizon(reader, table.tid, stream["label"]))
        shard: dict[str, Any] = {"ShardId": _shard_id(stream),
                                 "SequenceNumberRange": {"StartingSequenceNumber": str(SEQUENCE_BASE + start)}}
        if stream["disabled"] is not None:
            shard["SequenceNumberRange"]["EndingSequenceNumber"] = str(SEQUENCE_BASE + self._log.last)
        return {"StreamDescription": {
            "StreamArn": self._arn(table, stream), "StreamLabel": stream["label"],
            "StreamStatus": "ENABLED" if stream["disabled"] is None else "DISABLED",
            "StreamViewType": stream["view"],
            "CreationRequestDateTime": dt.datetime.fromtimestamp(stream["created"], dt.timezone.utc),
            "TableName": table.name, "KeySchema": table.record["KeySchema"],
            # Shards come in ShardId order, after ExclusiveStartShardId: paging from the last
            # shard must end, or a client that pages until no shard is left never stops.
            "Shards": [shard] if params.get("ExclusiveStartShardId", "") < shard["ShardId"] else []}}

    def get_shard_iterator(self, params: Mapping[str, Any]) -> dict[str, Any]:
        arn = params["StreamArn"]
        table, stream = self._find(arn)
        if params["ShardId"] != _shard_id(stream):
            raise ResourceNotFoundException(
                "Requested resource not found: Shard does not exist")
        kind = params["ShardIteratorType"]
        if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
            text = params.get("SequenceNumber")
            if not text:
                raise ValidationException(
                    f"Must specify SequenceNumber when ShardIteratorType is {kind}")
            try:
                seq = int(text) - SEQUENCE_BASE
            except ValueError:
                raise ValidationException(f"Invalid SequenceNumber: {text}") from None
            # No record holds a fresh shard's start, 0: reading at it reads from the start.
            after = seq - 1 if kind == "AT_SEQUENCE_NUMBER" and seq != 0 else seq
        elif params.get("SequenceNumber"):
            raise ValidationException(
                f"Sequence number must not be specified for ShardIteratorType {kind}")
        else:
            after = None if kind == "TRIM_HORIZON" else self._log.last
        with self._storage.read() as reader:
            trimmed = horizon(reader, table.tid, stream["label"])
        if after is None:
            after = trimmed
        elif after < trimmed:
            raise TrimmedDataAccessException(TRIMMED)
        return {"ShardIterator": _iterator(arn, stream["label"], after, self._clock())}

    def get_records(self, params: Mapping[str, Any]) -> dict[str, Any]:
        _check_limit(params, MAX_RECORDS_LIMIT)
        arn, label, after, issued = _read_iterator(params["ShardIterator"])
        now = self._clock()
        if now - issued > ITERATOR_TTL_S:
            raise ExpiredIteratorException("Iterator expired. The iterator was created at time "
                                           f"{_stamp(issued)} while right now it is {_stamp(now)} "
                                           "which is further in the future than the tolerated "
                                           "delay of 900000 milliseconds.")
        batch = self.read(arn, after, params.get("Limit", 1000))
        output: dict[str, Any] = {"Records": [_wire_record(record) for _, record in batch.records]}
        if not batch.closed:
            output["NextShardIterator"] = _iterator(arn, label, batch.last, now)
        return output

    def position(self, arn: str, start: Literal["TRIM_HORIZON", "LATEST"]) -> int:
        """The position a consumer starting at TRIM_HORIZON or LATEST reads after."""
        table, stream = self._find(arn)
        if start == "LATEST":
            return self._log.last
        with self._storage.read() as reader:
            return horizon(reader, table.tid, stream["label"])

    def read(self, arn: str, after: int, limit: int) -> StreamBatch:
        """Up to `limit` records after a position, as the stream keeps them (GetRecords' shape,
        ApproximateCreationDateTime in epoch seconds; not to be changed by the caller).
        TrimmedDataAccessException when records after that position were trimmed;
        ResourceNotFoundException once the stream is gone."""
        table, stream = self._find(arn)
        space = keys.STREAM + keys.table_id_bytes(table.tid)
        records: list[tuple[int, dict[str, Any]]] = []
        last = after
        with self._storage.read() as reader:
            if after < horizon(reader, table.tid, stream["label"]):
                raise TrimmedDataAccessException(TRIMMED)
            for _, value in reader.scan(_record_key(table.tid, after + 1), prefix_end(space)):
                stored = marshal.loads(value)
                last = stored["seq"]
                if stored["label"] == stream["label"]:
                    records.append((stored["seq"], stored["record"]))
                    if len(records) >= limit:
                        break
        closed = stream["disabled"] is not None and last >= self._log.last
        return StreamBatch(records, last, closed)


def _check_arn(arn: str) -> None:
    if not STREAM_ARN.fullmatch(arn):
        raise ValidationException("Invalid StreamArn")


def _check_limit(params: Mapping[str, Any], high: int) -> None:
    limit = params.get("Limit")
    if limit is not None and limit > high:
        raise ValidationException(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            f"constraint: Member must have value less than or equal to {high}")


def _wire_record(record: dict[str, Any]) -> dict[str, Any]:
    body = dict(record["dynamodb"])
    body["ApproximateCreationDateTime"] = dt.datetime.fromtimestamp(
        int(body["ApproximateCreationDateTime"]), dt.timezone.utc)
    return {**record, "dynamodb": body}


def _shard_start(trimmed: int) -> int:
    """A shard's StartingSequenceNumber, as a position: fixed, and below every record it holds
    (on DynamoDB a shard's first record has a greater sequence number than the shard's start),
    so it does not move as records arrive; once records were trimmed, just past the last one."""
    return trimmed + 1 if trimmed else 0


def _shard_id(stream: Mapping[str, Any]) -> str:
    millis = int(stream["created"] * 1000)
    return f"shardId-{millis:020d}-{uuid.uuid5(uuid.NAMESPACE_URL, stream['label']).hex[:8]}"


def _iterator(arn: str, label: str, after: int, now: float) -> str:
    # DynamoDB's iterators read "<stream ARN>|1|<opaque>"; tools that log or parse them
    # look for the ARN up front, so the position rides in the opaque part only.
    payload = json.dumps([label, after, now], separators=(",", ":"))
    return f"{arn}|1|{base64.urlsafe_b64encode(payload.encode()).decode()}"


def _read_iterator(text: str) -> tuple[str, str, int, float]:
    try:
        arn, version, opaque = text.split("|")
        if version != "1":
            raise ValueError(version)
        label, after, issued = json.loads(base64.urlsafe_b64decode(opaque.encode()))
        return arn, str(label), int(after), float(issued)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise ValidationException("Invalid ShardIterator") from None


def _stamp(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%a %b %d %H:%M:%S UTC %Y")
