"""Subscription filters: a log group's matching events delivered to a Lambda function.

As CloudWatch Logs delivers them: asynchronously (an Event invocation, retried by the
queue), in batches of one stream's events, each payload `{"awslogs": {"data": …}}` where
data is the base64 of a gzipped DATA_MESSAGE naming the group, the stream, the filter and
the events. Events are gathered for a short window after the first arrives, so a burst
of lines becomes one invocation rather than one per line.

A function whose own log group it is subscribed to would be invoked by its own output for
ever, on AWS as here: the filter is the user's to choose.
"""
from __future__ import annotations

import asyncio
import base64
import gzip
import logging
from collections import defaultdict
from typing import Any, Awaitable, Callable, Iterable, Sequence

import orjson

from fogbank.logs.errors import InvalidParameter, LimitExceeded, NotFound
from fogbank.logs.events import Event
from fogbank.logs.filter_patterns import compile_filter
from fogbank.logs.store import LogGroupStore, SubscriptionFilter
from fogbank.types import InvokeSource

log = logging.getLogger(__name__)

Deliver = Callable[[str, bytes], Awaitable[Any]]     # ("name[:qualifier]", payload) → queued
MayInvoke = Callable[[str, InvokeSource], bool]

MAX_FILTERS_PER_GROUP = 2
_BATCH_BYTES = 256 * 1024       # of messages per invocation, well under Lambda's event limit
_NOT_PERMITTED = ("Could not execute the lambda function. Make sure you have given "
                  "CloudWatch Logs permission to execute your function.")


class Subscriptions:
    def __init__(self, store: LogGroupStore, *, region: str, account_id: str,
                 deliver: Deliver | None = None, may_invoke: MayInvoke | None = None,
                 window_s: float = 0.2) -> None:
        self._store = store
        self._region = region
        self._account_id = account_id
        self._deliver = deliver
        self._may_invoke = may_invoke
        self._window_s = window_s
        self._by_group = _grouped(store.subscriptions())
        self._pending: list[tuple[str, Event]] = []
        self._flush: asyncio.Task[None] | None = None
        self._sent = 0

    @property
    def active(self) -> bool:
        """Whether any group has a filter: events are gathered only then."""
        return bool(self._by_group)

    def put(self, group_arn: str, subscription: SubscriptionFilter,
            matches_pattern: Callable[[], object]) -> None:
        """Add or replace a group's filter, after CloudWatch Logs' checks: a Lambda
        destination that lets CloudWatch Logs invoke it, a pattern that compiles, at most two
        filters a group. `matches_pattern` compiles the pattern (raising its error)."""
        function = _function_of(subscription.destination_arn)
        if function is None:
            raise InvalidParameter("Fogbank delivers subscription filters to Lambda functions "
                                   f"only, not to {subscription.destination_arn}.")
        matches_pattern()
        if self._may_invoke is not None and not any(
                self._may_invoke(function, InvokeSource(principal, group_arn, self._account_id))
                for principal in ("logs.amazonaws.com", f"logs.{self._region}.amazonaws.com")):
            raise InvalidParameter(_NOT_PERMITTED)
        existing = self._by_group.get(subscription.group, {})
        if subscription.name not in existing and len(existing) >= MAX_FILTERS_PER_GROUP:
            raise LimitExceeded("Resource limit exceeded.")
        self._store.save_subscription(subscription)
        self._by_group.setdefault(subscription.group, {})[subscription.name] = subscription

    def of(self, group: str) -> list[SubscriptionFilter]:
        return sorted(self._by_group.get(group, {}).values(), key=lambda s: s.name)

    def delete(self, group: str, name: str) -> None:
        if name not in self._by_group.get(group, {}):
            raise NotFound("The specified subscription filter does not exist.")
        self._store.delete_subscription(group, name)
        self._forget(group, name)

    def forget_group(self, group: str) -> None:
        """The group was deleted (its filters with it, in the store)."""
        self._by_group.pop(group, None)

    def offer(self, group: str, events: Iterable[Event]) -> None:
        """New events of `group`; delivered after the window."""
        if group not in self._by_group:
            return
        self._pending.extend((group, event) for event in events)
        if self._flush is None and self._pending:
            self._flush = asyncio.get_running_loop().create_task(self._deliver_later())

    async def close(self) -> None:
        if self._flush is not None:
            self._flush.cancel()

    # ------------------------------------------------------------ internals

    def _forget(self, group: str, name: str) -> None:
        filters = self._by_group.get(group, {})
        filters.pop(name, None)
        if not filters:
            self._by_group.pop(group, None)

    async def _deliver_later(self) -> None:
        await asyncio.sleep(self._window_s)
        pending, self._pending, self._flush = self._pending, [], None
        by_stream: dict[tuple[str, str], list[Event]] = defaultdict(list)
        for group, event in pending:
            by_stream[(group, event.stream)].append(event)
        for (group, stream), events in by_stream.items():
            for subscription in self.of(group):
                matches = compile_filter(subscription.pattern)
                chosen = [e for e in events if matches(e.message)]
                for batch in _batches(chosen):
                    await self._send(subscription, stream, batch)

    async def _send(self, subscription: SubscriptionFilter, stream: str,
                    events: Sequence[Event]) -> None:
        function = _function_of(subscription.destination_arn)
        if self._deliver is None or function is None:
            return
        message = {"messageType": "DATA_MESSAGE", "owner": self._account_id,
                   "logGroup": subscription.group, "logStream": stream,
                   "subscriptionFilters": [subscription.name],
                   "logEvents": [{"id": self._event_id(e), "timestamp": e.timestamp_ms,
                                  "message": e.message} for e in events]}
        data = base64.b64encode(gzip.compress(orjson.dumps(message))).decode()
        try:
            await self._deliver(function, orjson.dumps({"awslogs": {"data": data}}))
        except Exception:       # the queue refused; CloudWatch Logs drops what it cannot send
            log.exception("subscription filter %s of %s: delivery to %s failed",
                          subscription.name, subscription.group, function)

    def _event_id(self, event: Event) -> str:
        self._sent += 1
        return f"{event.timestamp_ms:020d}{self._sent:036d}"


def _grouped(subscriptions: Iterable[SubscriptionFilter]) -> dict[str, dict[str, SubscriptionFilter]]:
    grouped: dict[str, dict[str, SubscriptionFilter]] = {}
    for subscription in subscriptions:
        grouped.setdefault(subscription.group, {})[subscription.name] = subscription
    return grouped


def _function_of(arn: str) -> str | None:
    """"name" or "name:qualifier" from a Lambda function ARN; None for another service."""
    parts = arn.split(":")
    if len(parts) in (7, 8) and parts[2] == "lambda" and parts[5] == "function":
        return ":".join(parts[6:])
    return None


def _batches(events: Sequence[Event]) -> Iterable[Sequence[Event]]:
    start, size = 0, 0
    for index, event in enumerate(events):
        size += len(event.message)
        if size > _BATCH_BYTES and index > start:
            yield events[start:index]
            start, size = index, len(event.message)
    if start < len(events):
        yield events[start:]
