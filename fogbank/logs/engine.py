"""CloudWatch Logs over Fogbank: log groups, their streams and events.

Events come from two places. Functions' output is written by the runtime to its own store
on the invoke path (fogbank/runtime/logs.py): each function logs to its group
(`/aws/lambda/<name>`, or its LoggingConfig's LogGroup) and each worker to its own stream,
as on Lambda; such a group exists from the function's first logged line, as Lambda creates
it at the first invocation. Groups, streams and events made through this API
(CreateLogGroup, CreateLogStream, PutLogEvents) or by a template's AWS::Logs::LogGroup are
kept in LogGroupStore; a function's group that was made that way keeps its settings
(retention, tags, class) there.

Operations take the API's parameters and return its outputs, as botocore names them.
"""
from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Protocol, Sequence

from fogbank.logs.errors import (AlreadyExists, Conflict, InvalidParameter, group_not_found,
                                 stream_not_found)
from fogbank.logs.events import Event
from fogbank.logs.filter_patterns import FilterPatternError, compile_filter
from fogbank.logs.pages import (MAX_EVENTS, fill, filter_position, filter_token, page_by_name,
                                page_by_position, resume_at, stream_position)
from fogbank.logs.store import GroupRecord, LogGroupStore, StoredEvent, SubscriptionFilter
from fogbank.logs.subscriptions import Deliver, MayInvoke, Subscriptions
from fogbank.types import partition_for

RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                  2192, 2557, 2922, 3288, 3653)
_DAY_MS = 86_400_000
_TOO_OLD_MS = 14 * _DAY_MS      # PutLogEvents' window: 14 days back, 2 hours ahead
_TOO_NEW_MS = 2 * 3_600_000


class FunctionEvent(Protocol):
    timestamp_ms: int
    message: str
    stream: str


class FunctionLogs(Protocol):
    """What the runtime's log store offers: node.py adapts it."""

    def log_groups(self) -> dict[str, str]:
        """Function name → its log group, for every function that has logged."""
        ...

    def events(self, function_name: str) -> Sequence[FunctionEvent]:
        """Every event the function logged, oldest first."""
        ...

    def first_ms(self, function_name: str) -> int | None:
        """When the function first logged (kept), None if it has no events."""
        ...

    def clear(self, function_name: str, stream: str | None = None) -> None:
        """Forget the function's events (of one stream, if named)."""
        ...

    def group_of(self, function_name: str) -> str:
        """The log group a function writes to now (cheap: asked on every write while a
        subscription filter exists)."""
        ...

    def listen(self, on_events: Callable[[str, Sequence[FunctionEvent]], None]) -> None:
        """Call `on_events(function_name, events)` as a function's events are written."""
        ...


@dataclass
class _Stream:
    name: str
    created_ms: int
    first_ms: int | None = None
    last_ms: int | None = None
    last_ingested_ms: int | None = None


class CloudWatchLogs:
    def __init__(self, store: LogGroupStore, functions: FunctionLogs, *, region: str,
                 account_id: str, clock_ms: Callable[[], int] | None = None,
                 deliver: Deliver | None = None, may_invoke: MayInvoke | None = None) -> None:
        """`deliver` queues an Event invocation of a subscription filter's function;
        `may_invoke` asks a function's resource policy whether CloudWatch Logs may."""
        self._store = store
        self._functions = functions
        self._region = region
        self._account_id = account_id
        self._clock_ms = clock_ms or (lambda: int(time.time() * 1000))
        self._subscriptions = Subscriptions(store, region=region, account_id=account_id,
                                            deliver=deliver, may_invoke=may_invoke)
        functions.listen(self._on_function_events)

    # ------------------------------------------------------------ groups

    async def create_log_group(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["logGroupName"]
        if self._group(name) is not None:
            raise AlreadyExists("The specified log group already exists")
        self._store.save_group(GroupRecord(
            name, self._clock_ms(), None, params.get("kmsKeyId"),
            params.get("logGroupClass") or "STANDARD",
            bool(params.get("deletionProtectionEnabled")), dict(params.get("tags") or {})))
        return {}

    async def delete_log_group(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["logGroupName"]
        if self._group(name) is None:
            raise group_not_found()
        self._delete(name)
        return {}

    async def describe_log_groups(self, params: dict[str, Any]) -> dict[str, Any]:
        prefix, pattern = params.get("logGroupNamePrefix"), params.get("logGroupNamePattern")
        if prefix is not None and pattern is not None:
            raise InvalidParameter("LogGroup name prefix and LogGroup name pattern are mutually "
                                   "exclusive parameters.")
        identifiers = {self._name_of(i) for i in params.get("logGroupIdentifiers") or ()}
        wanted_class = params.get("logGroupClass")
        # Which function logs to which group, read once: each read lists the log store.
        owners = self._functions.log_groups()
        names = sorted({g.name for g in self._store.groups()} | set(owners.values()))
        if prefix is not None:
            names = [n for n in names if n.startswith(prefix)]
        if pattern:       # a case-insensitive part of the name
            names = [n for n in names if pattern.lower() in n.lower()]
        if identifiers:
            names = [n for n in names if n in identifiers]
        groups = [g for g in (self._group(n, owners) for n in names) if g is not None
                  and (wanted_class is None or g.group_class == wanted_class)]
        page, token = page_by_name(groups, lambda g: g.name, params, 50)
        # Recorded answers to a pattern search leave out storedBytes and deletion protection.
        output: dict[str, Any] = {"logGroups": [self._group_out(g, full=pattern is None)
                                                for g in page]}
        if token:
            output["nextToken"] = token
        return output

    async def put_retention_policy(self, params: dict[str, Any]) -> dict[str, Any]:
        days = _checked_retention(params["retentionInDays"])
        group = self._existing(params["logGroupName"])
        group.retention_days = days
        self._store.save_group(group)
        return {}

    async def delete_retention_policy(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self._existing(params["logGroupName"])
        group.retention_days = None
        self._store.save_group(group)
        return {}

    # ------------------------------------------------------------ tags

    async def tag_log_group(self, params: dict[str, Any]) -> dict[str, Any]:
        self._tag(params["logGroupName"], params["tags"])
        return {}

    async def untag_log_group(self, params: dict[str, Any]) -> dict[str, Any]:
        self._untag(params["logGroupName"], params["tags"])
        return {}

    async def list_tags_log_group(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"tags": dict(self._existing(params["logGroupName"]).tags)}

    async def tag_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        self._tag(self._name_of(params["resourceArn"]), params["tags"])
        return {}

    async def untag_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        self._untag(self._name_of(params["resourceArn"]), params["tagKeys"])
        return {}

    async def list_tags_for_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"tags": dict(self._existing(self._name_of(params["resourceArn"])).tags)}

    # ------------------------------------------------------------ streams

    async def create_log_stream(self, params: dict[str, Any]) -> dict[str, Any]:
        group, name = params["logGroupName"], params["logStreamName"]
        self._keep(self._existing(group))
        if name in self._streams(group):
            raise AlreadyExists("The specified log stream already exists")
        self._store.add_stream(group, name, self._clock_ms())
        return {}

    async def delete_log_stream(self, params: dict[str, Any]) -> dict[str, Any]:
        group, name = params["logGroupName"], params["logStreamName"]
        self._keep(self._existing(group))
        if name not in self._streams(group):
            raise stream_not_found()
        self._store.delete_stream(group, name)
        for function in self._functions_of(group):
            self._functions.clear(function, name)
        return {}

    async def describe_log_streams(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self._addressed_group(params)
        prefix = params.get("logStreamNamePrefix")
        by_time = params.get("orderBy") == "LastEventTime"
        if by_time and prefix:
            raise InvalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.")
        streams = [s for s in self._streams(group.name).values()
                   if prefix is None or s.name.startswith(prefix)]
        if by_time:
            streams.sort(key=lambda s: (s.last_ms or 0, s.name))
        else:
            streams.sort(key=lambda s: s.name)
        if params.get("descending"):
            streams.reverse()
        page, token = page_by_position(streams, params, 50)
        output: dict[str, Any] = {"logStreams": [self._stream_out(group.name, s) for s in page]}
        if token:
            output["nextToken"] = token
        return output

    # ------------------------------------------------------------ events

    async def put_log_events(self, params: dict[str, Any]) -> dict[str, Any]:
        group, stream = params["logGroupName"], params["logStreamName"]
        record = self._group(group)
        if record is None:
            raise group_not_found()
        # A made stream is in the store; only a function's needs the group's events read.
        if stream not in self._store.streams(group) and stream not in self._streams(group):
            raise stream_not_found()
        events = params["logEvents"]
        stamps = [e["timestamp"] for e in events]
        if any(later < earlier for earlier, later in zip(stamps, stamps[1:])):
            raise InvalidParameter("Log events in a single PutLogEvents request must be in "
                                   "chronological order.")
        if stamps[-1] - stamps[0] > _DAY_MS:
            raise InvalidParameter("The batch of log events in a single PutLogEvents request "
                                   "cannot span more than 24 hours.")
        now = self._clock_ms()
        rejected: dict[str, int] = {}
        if record.retention_days is not None:
            expired = [i for i, ts in enumerate(stamps) if ts < now - record.retention_days * _DAY_MS]
            if expired:
                rejected["expiredLogEventEndIndex"] = expired[-1]
        too_old = [i for i, ts in enumerate(stamps) if ts < now - _TOO_OLD_MS]
        too_new = [i for i, ts in enumerate(stamps) if ts > now + _TOO_NEW_MS]
        if too_old:
            rejected["tooOldLogEventEndIndex"] = too_old[-1]
        if too_new:
            rejected["tooNewLogEventStartIndex"] = too_new[0]
        first = max(rejected.get("tooOldLogEventEndIndex", -1),
                    rejected.get("expiredLogEventEndIndex", -1)) + 1
        last = rejected.get("tooNewLogEventStartIndex", len(events))
        accepted = [StoredEvent(stream, e["timestamp"], now, e["message"])
                    for e in events[first:last]]
        if accepted:
            self._store.add_events(group, accepted)
            self._subscriptions.offer(group, [Event(e.timestamp_ms, e.ingested_ms, e.stream,
                                                    e.message) for e in accepted])
        output: dict[str, Any] = {"nextSequenceToken": f"{now:056d}"}
        if rejected:
            output["rejectedLogEventsInfo"] = rejected
        return output

    async def get_log_events(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self._addressed_group(params)
        stream = params["logStreamName"]
        everything = self._events(group)
        if stream not in self._streams(group.name, everything):
            raise stream_not_found()
        start, end = params.get("startTime"), params.get("endTime")
        # endTime is exclusive here (FilterLogEvents includes it).
        events = [e for e in everything if e.stream == stream
                  and (start is None or e.timestamp_ms >= start)
                  and (end is None or e.timestamp_ms < end)]
        limit = params.get("limit") or MAX_EVENTS
        token = params.get("nextToken")
        if token is None:
            forward = bool(params.get("startFromHead"))
            position = 0 if forward else len(events)
        else:
            forward, position = stream_position(token)
        position = min(position, len(events))
        if forward:
            page = fill(events[position:], limit)
            first, after = position, position + len(page)
        else:
            page = fill(events[:position][::-1], limit)[::-1]
            first, after = position - len(page), position
        return {"events": [{"timestamp": e.timestamp_ms, "message": e.message,
                            "ingestionTime": e.ingested_ms} for e in page],
                "nextForwardToken": f"f/{after:056d}/s",
                "nextBackwardToken": f"b/{first:056d}/s"}

    async def filter_log_events(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self._addressed_group(params)
        names, prefix = params.get("logStreamNames"), params.get("logStreamNamePrefix")
        if names and prefix is not None:
            raise InvalidParameter("Cannot specify both logStreamNames and logStreamNamePrefix.")
        try:
            matches = compile_filter(params.get("filterPattern") or "")
        except FilterPatternError as exc:
            raise InvalidParameter(str(exc)) from exc
        start, end = params.get("startTime"), params.get("endTime")
        wanted = set(names) if names else None
        positions: dict[str, int] = {}
        found: list[tuple[Event, int]] = []
        for event in self._events(group):
            # Numbered per stream before any filter, so an event keeps its id across calls.
            number = positions[event.stream] = positions.get(event.stream, -1) + 1
            if (wanted is not None and event.stream not in wanted) or (
                    prefix is not None and not event.stream.startswith(prefix)):
                continue
            if (start is not None and event.timestamp_ms < start) or (
                    end is not None and event.timestamp_ms > end):
                continue
            if matches(event.message):
                found.append((event, number))
        skip_to = filter_position(params["nextToken"]) if params.get("nextToken") else None
        if skip_to is not None:
            found = found[resume_at(found, skip_to):]
        page = fill([event for event, _ in found], params.get("limit") or MAX_EVENTS)
        output: dict[str, Any] = {
            "events": [_filtered_out(event, number) for event, number in found[:len(page)]],
            "searchedLogStreams": []}
        if len(page) < len(found):
            output["nextToken"] = filter_token(found[:len(page)])
        return output

    # ------------------------------------------------------------ subscription filters

    async def put_subscription_filter(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self._existing(params["logGroupName"])
        self._keep(group)
        self._put_subscription(group.name, params)
        return {}

    async def describe_subscription_filters(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self._existing(params["logGroupName"])
        prefix = params.get("filterNamePrefix") or ""
        found = [s for s in self._subscriptions.of(group.name) if s.name.startswith(prefix)]
        page, token = page_by_position(found, params, 50)
        output: dict[str, Any] = {"subscriptionFilters": [_subscription_out(s) for s in page]}
        if token:
            output["nextToken"] = token
        return output

    async def delete_subscription_filter(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self._existing(params["logGroupName"])
        self._subscriptions.delete(group.name, params["filterName"])
        return {}

    def _put_subscription(self, group: str, params: dict[str, Any]) -> None:
        pattern = params.get("filterPattern") or ""

        def compiled() -> object:
            try:
                return compile_filter(pattern)
            except FilterPatternError as exc:
                raise InvalidParameter(str(exc)) from exc

        before = {s.name: s for s in self._subscriptions.of(group)}.get(params["filterName"])
        self._subscriptions.put(f"{self._arn(group)}:*", SubscriptionFilter(
            group, params["filterName"], pattern, params["destinationArn"],
            params.get("roleArn"), params.get("distribution") or "ByLogStream",
            before.created_ms if before else self._clock_ms()), compiled)

    # ------------------------------------------------------------ a template's groups

    def declare_group(self, name: str, settings: dict[str, Any]) -> None:
        """Make or update the group a template's AWS::Logs::LogGroup describes, with
        CreateLogGroup's settings and `retentionInDays`; a group that exists keeps its events
        and creation time (Lambda may have made it first)."""
        retention = settings.get("retentionInDays")
        found = self._group(name)
        self._store.save_group(GroupRecord(
            name, found.created_ms if found else self._clock_ms(),
            None if retention is None else _checked_retention(retention),
            settings.get("kmsKeyId"), settings.get("logGroupClass") or "STANDARD",
            bool(settings.get("deletionProtectionEnabled")), dict(settings.get("tags") or {})))

    def remove_group(self, name: str) -> None:
        """Delete a template's group with its events, if it is there."""
        if self._group(name) is not None:
            self._delete(name)

    def declare_subscription(self, settings: dict[str, Any]) -> None:
        """A template's AWS::Logs::SubscriptionFilter, with PutSubscriptionFilter's
        parameters: made or replaced, with the API's checks."""
        self._keep(self._existing(settings["logGroupName"]))
        self._put_subscription(settings["logGroupName"], settings)

    def remove_subscription(self, group: str, name: str) -> None:
        if any(s.name == name for s in self._subscriptions.of(group)):
            self._subscriptions.delete(group, name)

    async def close(self) -> None:
        await self._subscriptions.close()
        self._store.close()

    # ------------------------------------------------------------ internals

    def _delete(self, name: str) -> None:
        self._store.delete_group(name)
        self._subscriptions.forget_group(name)
        for function in self._functions_of(name):
            self._functions.clear(function)

    def _on_function_events(self, function_name: str, events: Sequence[FunctionEvent]) -> None:
        if not self._subscriptions.active:       # the common case: one check per write
            return
        self._subscriptions.offer(self._functions.group_of(function_name), [
            Event(e.timestamp_ms, e.timestamp_ms, e.stream or _legacy_stream(e), e.message)
            for e in events])

    def _functions_of(self, group: str, owners: dict[str, str] | None = None) -> list[str]:
        """The functions logging to `group`; `owners` is log_groups() if already read."""
        owners = self._functions.log_groups() if owners is None else owners
        return [f for f, g in owners.items() if g == group]

    def _group(self, name: str, owners: dict[str, str] | None = None) -> GroupRecord | None:
        record = self._store.group(name)
        if record is not None:
            return record
        firsts = [first for first in map(self._functions.first_ms,
                                         self._functions_of(name, owners))
                  if first is not None]
        return GroupRecord(name, min(firsts)) if firsts else None

    def _existing(self, name: str) -> GroupRecord:
        group = self._group(name)
        if group is None:
            raise group_not_found()
        return group

    def _keep(self, group: GroupRecord) -> None:
        """Record a function's group in the store, so that it outlives its events (a
        deleted stream, retention) as a group does once made."""
        if self._store.group(group.name) is None:
            self._store.save_group(group)

    def _tag(self, name: str, tags: dict[str, str]) -> None:
        group = self._existing(name)
        group.tags.update(tags)
        self._store.save_group(group)

    def _untag(self, name: str, keys: Iterable[str]) -> None:
        group = self._existing(name)
        for key in keys:
            group.tags.pop(key, None)
        self._store.save_group(group)

    def _name_of(self, identifier: str) -> str:
        """A log group's name from its name or ARN (`…:log-group:NAME`, `…:NAME:*`)."""
        if not identifier.startswith("arn:"):
            return identifier
        _, found, rest = identifier.partition(":log-group:")
        if not found:
            raise group_not_found()
        return rest[:-2] if rest.endswith(":*") else rest

    def _addressed_group(self, params: dict[str, Any]) -> GroupRecord:
        name, identifier = params.get("logGroupName"), params.get("logGroupIdentifier")
        if name is not None and identifier is not None:
            raise Conflict("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
        if name is None and identifier is None:
            raise InvalidParameter("Should provide either name or arn of the log group.")
        return self._existing(name if name is not None else self._name_of(identifier))

    def _events(self, group: GroupRecord) -> list[Event]:
        """The group's events from both sources, oldest first, past its retention left out."""
        events = [Event(e.timestamp_ms, e.ingested_ms, e.stream, e.message)
                  for e in self._store.events(group.name)]
        for function in self._functions_of(group.name):
            events += [Event(e.timestamp_ms, e.timestamp_ms, e.stream or _legacy_stream(e),
                             e.message) for e in self._functions.events(function)]
        events.sort(key=lambda e: e.timestamp_ms)     # stable: ties keep their order
        if group.retention_days is not None:
            oldest = self._clock_ms() - group.retention_days * _DAY_MS
            events = [e for e in events if e.timestamp_ms >= oldest]
        return events

    def _streams(self, group: str, events: list[Event] | None = None) -> dict[str, _Stream]:
        """The group's streams: made ones and those with events (`events`, if read)."""
        streams = {name: _Stream(name, created)
                   for name, created in self._store.streams(group).items()}
        if events is None:
            record = self._group(group)
            events = self._events(record) if record is not None else []
        for event in events:
            stream = streams.get(event.stream)
            if stream is None:
                stream = streams[event.stream] = _Stream(event.stream, event.timestamp_ms)
            if stream.first_ms is None:
                stream.first_ms = event.timestamp_ms
            stream.last_ms = event.timestamp_ms
            stream.last_ingested_ms = max(stream.last_ingested_ms or 0, event.ingested_ms)
        return streams

    def _arn(self, group: str) -> str:
        return (f"arn:{partition_for(self._region)}:logs:{self._region}:{self._account_id}:"
                f"log-group:{group}")

    def _group_out(self, group: GroupRecord, full: bool) -> dict[str, Any]:
        arn = self._arn(group.name)
        out: dict[str, Any] = {"logGroupName": group.name, "creationTime": group.created_ms,
                               "metricFilterCount": 0, "arn": f"{arn}:*",
                               "logGroupClass": group.group_class, "logGroupArn": arn}
        if group.retention_days is not None:
            out["retentionInDays"] = group.retention_days
        if group.kms_key_id:
            out["kmsKeyId"] = group.kms_key_id
        if full:
            out["storedBytes"] = 0
            out["deletionProtectionEnabled"] = group.deletion_protection
        return out

    def _stream_out(self, group: str, stream: _Stream) -> dict[str, Any]:
        out: dict[str, Any] = {"logStreamName": stream.name, "creationTime": stream.created_ms,
                               "arn": f"{self._arn(group)}:log-stream:{stream.name}",
                               "storedBytes": 0}
        if stream.first_ms is not None:
            out.update(firstEventTimestamp=stream.first_ms, lastEventTimestamp=stream.last_ms,
                       lastIngestionTime=stream.last_ingested_ms,
                       uploadSequenceToken=f"{stream.last_ingested_ms:056d}")
        return out


def _subscription_out(subscription: SubscriptionFilter) -> dict[str, Any]:
    out = {"filterName": subscription.name, "logGroupName": subscription.group,
           "filterPattern": subscription.pattern,
           "destinationArn": subscription.destination_arn,
           "distribution": subscription.distribution, "creationTime": subscription.created_ms}
    if subscription.role_arn:
        out["roleArn"] = subscription.role_arn
    return out


def _checked_retention(days: int) -> int:
    if days not in RETENTION_DAYS:
        raise InvalidParameter(
            f"1 validation error detected: Value '{days}' at 'retentionInDays' failed to "
            "satisfy constraint: Member must satisfy enum value set: "
            f"[{', '.join(map(str, RETENTION_DAYS))}]")
    return days


def _legacy_stream(event: FunctionEvent) -> str:
    """A stream for events logged before streams were recorded: one per day."""
    day = time.strftime("%Y/%m/%d", time.gmtime(event.timestamp_ms / 1000))
    return f"{day}/[$LATEST]{'0' * 32}"


def _filtered_out(event: Event, number: int) -> dict[str, Any]:
    stream_id = zlib.crc32(event.stream.encode())
    return {"logStreamName": event.stream, "timestamp": event.timestamp_ms,
            "message": event.message, "ingestionTime": event.ingested_ms,
            "eventId": f"{event.timestamp_ms:020d}{stream_id:010d}{number:026d}"}
