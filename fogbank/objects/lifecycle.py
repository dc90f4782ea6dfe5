"""Lifecycle expiration: a background sweeper applying the buckets' lifecycle rules.

Like S3, an object expires at the first midnight UTC after its last modification plus the
rule's Days (or from the rule's Date on), and an incomplete multipart upload is aborted at
the first midnight after its initiation plus DaysAfterInitiation. Transitions between
storage classes have nothing to do locally and are ignored.

In a versioned bucket an expiring object gets a delete marker instead (its version stays,
noncurrent); a noncurrent version goes for good at the first midnight after it became
noncurrent plus NoncurrentDays, beyond the NewerNoncurrentVersions newest kept; and with
ExpiredObjectDeleteMarker, a delete marker that is all that is left of its key goes.
"""
from __future__ import annotations

import asyncio
import logging
import math
from datetime import datetime
from email.utils import formatdate
from typing import TYPE_CHECKING, Any, Callable, Mapping
from urllib.parse import quote

from fogbank.objects import errors, retention, versions
from fogbank.objects.errors import NoSuchUpload
from fogbank.objects.model import BucketConfig, Caller, ContentHeaders, ObjectInfo
from fogbank.objects.notifications import Notifier
from fogbank.objects.storage import ObjectRecord
from fogbank.objects.store import Store

if TYPE_CHECKING:   # configs checks documents and objects answers with the functions below
    from fogbank.objects.configs import BucketConfigs
    from fogbank.objects.uploads import Uploads

log = logging.getLogger(__name__)
DAY = 86400.0
LIFECYCLE_CALLER = Caller(principal_id="s3.amazonaws.com", source_ip="s3.amazonaws.com")


FILTER_MEMBERS = ("Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And")


def check_rules(document: Mapping[str, Any]) -> None:
    """What S3's schema requires of each rule beyond its members' shapes: a Filter or (the
    older form) a Prefix; a Filter of at most one member (a choice in the schema); an
    Expiration of one kind only; transitions that say when (Days or Date, not both) and to
    which storage class; a NoncurrentVersionExpiration that says after how many days.
    MalformedXML otherwise."""
    for rule in document.get("Rules") or []:
        if "Filter" not in rule and "Prefix" not in rule:
            raise errors.MalformedXML()
        if sum(name in (rule.get("Filter") or {}) for name in FILTER_MEMBERS) > 1:
            raise errors.MalformedXML()
        if "And" in (rule.get("Filter") or {}) and _predicates(rule["Filter"]["And"] or {}) < 2:
            raise errors.MalformedXML()     # one predicate goes in the Filter itself
        expiration = rule.get("Expiration") or {}
        kinds = [k for k in ("Days", "Date", "ExpiredObjectDeleteMarker") if k in expiration]
        if len(kinds) > 1:
            raise errors.MalformedXML()
        for transition in rule.get("Transitions") or []:
            if ("Days" in transition) == ("Date" in transition) or \
                    "StorageClass" not in transition:
                raise errors.MalformedXML()
        for transition in rule.get("NoncurrentVersionTransitions") or []:
            if "NoncurrentDays" not in transition or "StorageClass" not in transition:
                raise errors.MalformedXML()
        if "NoncurrentVersionExpiration" in rule and \
                "NoncurrentDays" not in (rule["NoncurrentVersionExpiration"] or {}):
            raise errors.MalformedXML()


def _predicates(conjunction: Mapping[str, Any]) -> int:
    """How many conditions an `And` joins: its prefix, each tag, each size bound."""
    return len(conjunction.get("Tags") or []) + sum(
        name in conjunction for name in ("Prefix", "ObjectSizeGreaterThan", "ObjectSizeLessThan"))


def next_midnight(t: float) -> float:
    return math.ceil(t / DAY) * DAY


def _date(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _filter(rule: Mapping[str, Any]) -> dict[str, Any]:
    """A rule's filter flattened to Prefix, Tags, ObjectSizeGreaterThan/LessThan."""
    if "Filter" not in rule:
        return {"Prefix": rule.get("Prefix", "")}
    flt = rule.get("Filter") or {}
    flat = dict(flt.get("And") or {})
    for name in ("Prefix", "ObjectSizeGreaterThan", "ObjectSizeLessThan"):
        if name in flt:
            flat[name] = flt[name]
    if "Tag" in flt:
        flat["Tags"] = [flt["Tag"]]
    return flat


def applies(rule: Mapping[str, Any], record: ObjectRecord) -> bool:
    return _matches(rule, record.info.key, record.info.size, record.tags)


def _matches(rule: Mapping[str, Any], key: str, size: int, tags: Mapping[str, str]) -> bool:
    flt = _filter(rule)
    if not key.startswith(flt.get("Prefix") or ""):
        return False
    if "ObjectSizeGreaterThan" in flt and not size > int(flt["ObjectSizeGreaterThan"]):
        return False
    if "ObjectSizeLessThan" in flt and not size < int(flt["ObjectSizeLessThan"]):
        return False
    return all(tags.get(t.get("Key")) == t.get("Value") for t in flt.get("Tags") or [])


def _due(rule: Mapping[str, Any], last_modified: float) -> float | None:
    expiration = rule.get("Expiration") or {}
    if "Days" in expiration:
        return next_midnight(last_modified + int(expiration["Days"]) * DAY)
    if "Date" in expiration:
        return _date(str(expiration["Date"]))
    return None


def _for_versions(rule: Mapping[str, Any]) -> bool:
    return bool(rule.get("NoncurrentVersionExpiration")
                or (rule.get("Expiration") or {}).get("ExpiredObjectDeleteMarker"))


def _expired_versions(rules: list[Mapping[str, Any]], found: list[ObjectRecord], now: float
                      ) -> list[ObjectRecord]:
    """Of one key's versions (newest first), those the rules remove now: noncurrent
    versions past their NoncurrentDays, and a delete marker that would be left alone."""
    gone: list[ObjectRecord] = []
    for rule in rules:
        expiration = rule.get("NoncurrentVersionExpiration") or {}
        if "NoncurrentDays" not in expiration:
            continue
        keep = int(expiration.get("NewerNoncurrentVersions") or 0)
        noncurrent = 0
        for newer, record in zip(found, found[1:]):
            if record.info.delete_marker or not applies(rule, record):
                continue
            noncurrent += 1
            # A version became noncurrent when the next newer one was made.
            due = next_midnight(newer.info.last_modified + int(expiration["NoncurrentDays"]) * DAY)
            if noncurrent > keep and now >= due and record not in gone:
                gone.append(record)
    left = [record for record in found if record not in gone]
    if len(left) == 1 and left[0].info.delete_marker and any(
            (rule.get("Expiration") or {}).get("ExpiredObjectDeleteMarker") is True
            and applies(rule, left[0]) for rule in rules):
        gone.append(left[0])
    return gone


def expired(rule: Mapping[str, Any], record: ObjectRecord, now: float) -> bool:
    due = _due(rule, record.info.last_modified)
    return due is not None and now >= due and applies(rule, record)


def expiration_header(document: Mapping[str, Any] | None, key: str, size: int,
                      tags: Mapping[str, str], last_modified: float) -> str | None:
    """The `x-amz-expiration` value S3 sends with PutObject, HeadObject and GetObject when an
    enabled rule will expire the object: the earliest such rule's date and id (URL-encoded,
    as S3 documents it)."""
    found = []
    for rule in (document or {}).get("Rules") or []:
        due = _due(rule, last_modified)
        if rule.get("Status") == "Enabled" and due is not None and \
                _matches(rule, key, size, tags):
            found.append((due, str(rule.get("ID", ""))))
    if not found:
        return None
    due, rule_id = min(found)
    rule_id = quote(rule_id, safe="")
    return f'expiry-date="{formatdate(due, usegmt=True)}", rule-id="{rule_id}"'


class LifecycleSweeper:
    def __init__(self, store: Store, configs: BucketConfigs, uploads: Uploads,
                 notifier: Notifier, *, clock: Callable[[], float], interval_s: float) -> None:
        self._store = store
        self._configs = configs
        self._uploads = uploads
        self._notifier = notifier
        self._clock = clock
        self._interval = interval_s
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="objects-lifecycle")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("lifecycle sweep failed")
            await asyncio.sleep(self._interval)

    async def sweep(self) -> int:
        """Apply every enabled rule once; how many objects and uploads it removed."""
        removed = 0
        for bucket, document in await self._configs.all_of(BucketConfig.LIFECYCLE):
            rules = [r for r in document.get("Rules", []) if r.get("Status") == "Enabled"]
            state = (await self._configs.find(bucket, BucketConfig.VERSIONING) or {}).get(
                "Status")
            if any(_due(r, 0.0) is not None for r in rules):
                removed += await self._expire_objects(bucket, rules, state)
            if state is not None and any(_for_versions(r) for r in rules):
                removed += await self._expire_versions(bucket, rules)
            if any(r.get("AbortIncompleteMultipartUpload") for r in rules):
                removed += await self._abort_uploads(bucket, rules)
        return removed

    async def _expire_objects(self, bucket: str, rules: list[Mapping[str, Any]],
                              state: str | None) -> int:
        meta, removed, start = self._store.meta, 0, ""
        while True:
            batch = await self._store.db(meta.scan, bucket, start, 500)
            now = self._clock()
            for record in batch:
                if any(expired(rule, record, now) for rule in rules):
                    removed += await self._remove(record, state)
            if len(batch) < 500:
                return removed
            start = batch[-1].info.key + "\0"

    async def _remove(self, record: ObjectRecord, state: str | None) -> int:
        """Expire a current object: gone in a bucket never versioned, else behind a new
        delete marker (which replaces the null version while versioning is suspended)."""
        meta, info = self._store.meta, record.info
        marker_id = versions.new_version_id() if state == versions.ENABLED else None
        marker = ObjectInfo(info.bucket, info.key, 0, "", round(self._clock(), 3),
                            ContentHeaders(), {}, version_id=marker_id, delete_marker=True)

        def remove_if_unchanged() -> tuple[bool, ObjectRecord | None]:
            current = meta.get_object(info.bucket, info.key)
            if current is None or (current.info.etag, current.info.last_modified) != (
                    info.etag, info.last_modified):
                return False, None               # replaced since it was read: not this one
            if state is None:
                return True, meta.remove_object(info.bucket, info.key)
            return True, meta.add_delete_marker(marker)

        done, gone = await self._store.db(remove_if_unchanged)
        if not done:
            return 0
        await self._store.discard(gone and gone.body)
        if state is None:
            await self._notifier.emit(info.bucket, "LifecycleExpiration:Delete", info.key,
                                      LIFECYCLE_CALLER)
        else:
            await self._notifier.emit(info.bucket, "LifecycleExpiration:DeleteMarkerCreated",
                                      info.key, LIFECYCLE_CALLER,
                                      version_id=versions.wire_id(marker_id))
        return 1

    async def _expire_versions(self, bucket: str, rules: list[Mapping[str, Any]]) -> int:
        """NoncurrentVersionExpiration and ExpiredObjectDeleteMarker, key by key."""
        meta, removed, start = self._store.meta, 0, ""
        while True:
            keys = await self._store.db(meta.version_keys, bucket, start, 500)
            for key in keys:
                found = await self._store.db(meta.key_versions, bucket, key)
                for record in _expired_versions(rules, found, self._clock()):
                    removed += await self._remove_version(record)
            if len(keys) < 500:
                return removed
            start = keys[-1] + "\0"

    async def _remove_version(self, record: ObjectRecord) -> int:
        info = record.info
        if retention.is_locked(info.headers, self._clock()):
            return 0            # Object Lock outranks lifecycle: the version stays
        gone = await self._store.db(self._store.meta.remove_version, info.bucket, info.key,
                                    info.version_id)
        if gone is None:
            return 0
        await self._store.discard(gone.body)
        await self._notifier.emit(info.bucket, "LifecycleExpiration:Delete", info.key,
                                  LIFECYCLE_CALLER, version_id=versions.wire_id(info.version_id))
        return 1

    async def _abort_uploads(self, bucket: str, rules: list[Mapping[str, Any]]) -> int:
        removed = 0
        now = self._clock()
        for rec in await self._store.db(self._store.meta.scan_uploads, bucket, ""):
            up = rec.upload
            for rule in rules:
                days = (rule.get("AbortIncompleteMultipartUpload") or {}).get(
                    "DaysAfterInitiation")
                prefix = _filter(rule).get("Prefix") or ""
                if days and up.key.startswith(prefix) and now >= next_midnight(
                        up.initiated + int(days) * DAY):
                    try:
                        await self._uploads.abort(bucket, up.key, up.upload_id)
                        removed += 1
                    except NoSuchUpload:          # completed or aborted meanwhile
                        pass
                    break
        return removed
