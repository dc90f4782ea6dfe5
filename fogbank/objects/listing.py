"""ListObjects (v1) and ListObjectsV2 pages: prefix, delimiter, markers and tokens.

A page is collected in one call on the database thread. Keys come in S3's order (UTF-8
byte order); with a delimiter, the keys sharing a common prefix are rolled into it and
skipped over in one jump, so a folder of a million keys costs one lookup.
"""
from __future__ import annotations

import base64
import binascii

from fogbank.objects import errors
from fogbank.objects.model import MAX_KEYS, ListPage, ObjectInfo
from fogbank.objects.storage import ObjectIndex

_BATCH = 1000


def successor(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`."""
    last = ord(prefix[-1]) + 1
    if 0xD800 <= last < 0xE000:          # surrogates are not keys
        last = 0xE000
    return prefix[:-1] + chr(min(last, 0x10FFFF))


def check_max(value: int, name: str = "maxKeys") -> int:
    if value < 0 or value > 2147483647:
        raise errors.InvalidArgument(f"Argument {name} must be an integer between 0 and "
                                     "2147483647", ArgumentName=name, ArgumentValue=str(value))
    return min(value, MAX_KEYS)


def collect(index: ObjectIndex, bucket: str, prefix: str, delimiter: str, max_keys: int,
            after: str) -> tuple[list[ObjectInfo], list[str], bool, str | None]:
    """(contents, common prefixes, truncated, last key or prefix returned)."""
    contents: list[ObjectInfo] = []
    prefixes: list[str] = []
    last: str | None = None
    if max_keys == 0:
        return contents, prefixes, False, last
    start = max(prefix, after + "\0") if after else prefix
    while True:
        batch = index.scan(bucket, start, _BATCH)
        for record in batch:
            key = record.info.key
            if not key.startswith(prefix):
                return contents, prefixes, False, last
            cut = key.find(delimiter, len(prefix)) if delimiter else -1
            if cut >= 0:
                common = key[:cut + len(delimiter)]
                start = successor(common)
                if after and common <= after:
                    break                # a prefix the previous page already returned
                if len(contents) + len(prefixes) >= max_keys:
                    return contents, prefixes, True, last
                prefixes.append(common)
                last = common
                break
            if len(contents) + len(prefixes) >= max_keys:
                return contents, prefixes, True, last
            contents.append(record.info)
            last = key
            start = key + "\0"
        else:
            if len(batch) < _BATCH:
                return contents, prefixes, False, last


def page_v1(index: ObjectIndex, bucket: str, prefix: str, delimiter: str, max_keys: int,
            marker: str) -> ListPage:
    contents, prefixes, truncated, last = collect(index, bucket, prefix, delimiter,
                                                  check_max(max_keys), marker)
    # S3 returns NextMarker only with a delimiter; without one clients use the last key.
    next_marker = last if truncated and delimiter else None
    return ListPage(tuple(contents), tuple(prefixes), truncated, next_marker=next_marker)


def page_v2(index: ObjectIndex, bucket: str, prefix: str, delimiter: str, max_keys: int,
            start_after: str, continuation_token: str | None) -> ListPage:
    after = start_after
    if continuation_token is not None:
        after = decode_token(continuation_token)
    contents, prefixes, truncated, last = collect(index, bucket, prefix, delimiter,
                                                  check_max(max_keys), after)
    token = encode_token(last) if truncated and last is not None else None
    return ListPage(tuple(contents), tuple(prefixes), truncated, next_continuation_token=token)


def encode_token(position: str) -> str:
    return base64.b64encode(b"\x01" + position.encode("utf-8")).decode()


def decode_token(token: str) -> str:
    try:
        raw = base64.b64decode(token, validate=True)
        if not raw.startswith(b"\x01"):
            raise ValueError(token)
        return raw[1:].decode("utf-8")
    except (binascii.Error, ValueError):
        raise errors.InvalidArgument("The continuation token provided is incorrect",
                                     ArgumentName="continuation-token",
                                     ArgumentValue=token) from None
