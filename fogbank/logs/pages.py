"""Pages of CloudWatch Logs' answers, and the tokens that continue them.

GetLogEvents' tokens are AWS's shape (`f/<56 digits>/s`, `b/…`), a position in the stream's
events; the others are opaque. A token that does not decode is refused as AWS refuses one
it did not issue.
"""
from __future__ import annotations

import base64
import binascii
from typing import Any, Callable, Sequence, TypeVar

import orjson

from fogbank.logs.errors import invalid_token
from fogbank.logs.events import Event

MAX_EVENTS = 10_000             # GetLogEvents' and FilterLogEvents' page, and their limit
_MAX_PAGE_BYTES = 1_048_576     # ... or 1 MB of events, whichever is reached first
_EVENT_OVERHEAD = 26            # bytes CloudWatch Logs counts per event beside its message

T = TypeVar("T")


def fill(events: Sequence[Event], limit: int) -> list[Event]:
    """The first events of `events` that fit one page: `limit` of them, or 1 MB."""
    page: list[Event] = []
    size = 0
    for event in events[:limit]:
        size += len(event.message.encode()) + _EVENT_OVERHEAD
        if page and size > _MAX_PAGE_BYTES:
            break
        page.append(event)
    return page


def stream_position(token: str) -> tuple[bool, int]:
    direction, _, rest = token.partition("/")
    digits, _, tail = rest.partition("/")
    if direction not in ("f", "b") or tail != "s" or not digits.isdigit():
        raise invalid_token()
    return direction == "f", int(digits)


def _encode(value: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(value)).decode()


def _decode(token: str) -> Any:
    try:
        return orjson.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError, orjson.JSONDecodeError) as exc:
        raise invalid_token() from exc


def filter_token(returned: list[tuple[Event, int]]) -> str:
    """Where the next page starts: after the last event returned, named by its stream and
    number (events keep them as others arrive)."""
    last, number = returned[-1]
    return _encode({"t": last.timestamp_ms, "s": last.stream, "n": number})


def filter_position(token: str) -> tuple[int, str, int]:
    found = _decode(token)
    if not (isinstance(found, dict) and isinstance(found.get("t"), int)
            and isinstance(found.get("s"), str) and isinstance(found.get("n"), int)):
        raise invalid_token()
    return found["t"], found["s"], found["n"]


def resume_at(found: list[tuple[Event, int]], after: tuple[int, str, int]) -> int:
    timestamp, stream, number = after
    for index, (event, event_number) in enumerate(found):
        if event.timestamp_ms > timestamp:
            return index
        if (event.timestamp_ms, event.stream, event_number) == (timestamp, stream, number):
            return index + 1
    return len(found)


def page_by_name(items: list[T], name: Callable[[T], str], params: dict[str, Any],
                 default_limit: int) -> tuple[list[T], str | None]:
    """A page of name-ordered items after the token's name, and the next token."""
    token = params.get("nextToken")
    if token is not None:
        after = _decode(token)
        if not isinstance(after, str):
            raise invalid_token()
        items = [item for item in items if name(item) > after]
    limit = params.get("limit") or default_limit
    page = items[:limit]
    return page, (_encode(name(page[-1])) if len(items) > limit else None)


def page_by_position(items: list[T], params: dict[str, Any], default_limit: int
                     ) -> tuple[list[T], str | None]:
    token = params.get("nextToken")
    start = 0
    if token is not None:
        start = _decode(token)
        if not isinstance(start, int) or start < 0:
            raise invalid_token()
    limit = params.get("limit") or default_limit
    page = items[start:start + limit]
    return page, (_encode(start + limit) if start + limit < len(items) else None)
