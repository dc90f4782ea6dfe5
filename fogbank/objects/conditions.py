"""Conditional requests, evaluated as S3 does (RFC 7232's order of precedence).

Reads: If-Match wins over If-Unmodified-Since and If-None-Match over If-Modified-Since;
a failed If-Match / If-Unmodified-Since is PreconditionFailed (412), a failed
If-None-Match / If-Modified-Since is NotModified (304, carrying the object's info so the
wire layer can send its ETag and Last-Modified).
Writes: `If-None-Match: *` fails when the key exists, `If-Match` when its ETag differs
(and with NoSuchKey when there is no object). A conditional CompleteMultipartUpload whose
condition holds still fails, ConditionalRequestConflict (409), when the key was written or
deleted after the upload began: the condition was meant for the object seen then.
"""
from __future__ import annotations

from dataclasses import replace

from fogbank.objects import errors
from fogbank.objects.model import Conditions, ObjectInfo


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}


def etag_matches(header: str, etag: str) -> bool:
    tags = _etags(header)
    return "*" in tags or etag.strip('"') in tags


def ignoring_future(conditions: Conditions, now: float) -> Conditions:
    """S3 ignores an If-Modified-Since later than now (as RFC 9110 says to), on reads and
    on a copy's source alike."""
    if conditions.if_modified_since is not None and conditions.if_modified_since > now:
        return replace(conditions, if_modified_since=None)
    return conditions


def check_read(conditions: Conditions, info: ObjectInfo) -> None:
    if not conditions:
        return
    modified = int(info.last_modified)     # HTTP dates have whole seconds
    if conditions.if_match is not None:
        if not etag_matches(conditions.if_match, info.etag):
            raise errors.PreconditionFailed(Condition="If-Match")
    elif conditions.if_unmodified_since is not None and modified > conditions.if_unmodified_since:
        raise errors.PreconditionFailed(Condition="If-Unmodified-Since")
    if conditions.if_none_match is not None:
        if etag_matches(conditions.if_none_match, info.etag):
            raise not_modified(info)
    elif conditions.if_modified_since is not None and modified <= conditions.if_modified_since:
        raise not_modified(info)


def not_modified(info: ObjectInfo) -> errors.S3Error:
    error = errors.NotModified()
    error.info = info         # type: ignore[attr-defined]
    return error


def check_write(conditions: Conditions, existing: ObjectInfo | None, key: str) -> None:
    if conditions.if_none_match is not None and existing is not None:
        if etag_matches(conditions.if_none_match, existing.etag):
            raise errors.PreconditionFailed(Condition="If-None-Match")
    if conditions.if_match is not None:
        if existing is None:
            raise errors.NoSuchKey(Key=key)
        if not etag_matches(conditions.if_match, existing.etag):
            raise errors.PreconditionFailed(Condition="If-Match")


def check_unchanged_since(conditions: Conditions, existing: ObjectInfo | None, key: str,
                          since: float, deleted: float | None = None) -> None:
    """`deleted`: when the key's object was last deleted while the upload ran (only uploads
    in progress are told of a delete), or None."""
    if (existing is not None and existing.last_modified > since) or deleted is not None:
        condition = "If-Match" if conditions.if_match is not None else "If-None-Match"
        raise errors.ConditionalRequestConflict(Condition=condition, Key=key)
