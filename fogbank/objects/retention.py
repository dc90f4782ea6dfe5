"""Object Lock on object versions: retention and legal hold, as S3 keeps and enforces them.

A version's lock lives in its record's ContentHeaders (lock_mode, lock_until, legal_hold),
so it is stored, copied into place and read back with the version's other metadata. A
write to a bucket with Object Lock takes the lock its headers ask for, else the bucket's
default retention counted from the write. While a retention date is in the future or a
legal hold is ON, the version cannot be removed for good: GOVERNANCE retention gives way
to x-amz-bypass-governance-retention, COMPLIANCE retention and legal holds never do.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

from fogbank.objects import errors
from fogbank.objects.model import ContentHeaders
from fogbank.objects.object_lock import MODES

GOVERNANCE = MODES[0]
HOLD_STATES = ("ON", "OFF")
DAY_S = 86400
YEAR_DAYS = 365
NO_LOCK = "Bucket is missing Object Lock Configuration"
BYPASS_WITHOUT_LOCK = ("x-amz-bypass-governance-retention is only applicable to Object Lock "
                       "enabled buckets.")
PROTECTED = "Access Denied because object protected by object lock."


def with_default(headers: ContentHeaders, document: Mapping[str, Any] | None,
                 now: float) -> ContentHeaders:
    """The lock a new version gets: the one its write asked for, else the bucket's default
    retention (`document`: the bucket's Object Lock configuration) from `now`."""
    if headers.lock_mode is not None or not document:
        return headers
    rule = (document.get("Rule") or {}).get("DefaultRetention")
    if not rule:
        return headers
    days = rule.get("Days") or rule.get("Years", 0) * YEAR_DAYS
    return replace(headers, lock_mode=rule["Mode"], lock_until=round(now + days * DAY_S, 3))


def retained(headers: ContentHeaders, now: float) -> bool:
    """Is the version under retention now (a date past is no retention any more)?"""
    return headers.lock_mode is not None and (headers.lock_until or 0) > now


def check_removal(headers: ContentHeaders, now: float, *, bypass: bool) -> None:
    """May a version be removed for good (DeleteObject naming it, DeleteObjects, lifecycle
    with bypass False)? AccessDenied while it is locked."""
    if headers.legal_hold == "ON":
        raise errors.AccessDenied(PROTECTED)
    if retained(headers, now) and not (bypass and headers.lock_mode == GOVERNANCE):
        raise errors.AccessDenied(PROTECTED)


def is_locked(headers: ContentHeaders, now: float) -> bool:
    return headers.legal_hold == "ON" or retained(headers, now)


def check_headers(headers: ContentHeaders, now: float) -> None:
    """A write's x-amz-object-lock-* headers: a mode and a date together, a mode S3 knows,
    a date in the future, a legal hold ON or OFF (InvalidArgument, as S3 words each)."""
    if (headers.lock_mode is None) != (headers.lock_until is None):
        raise errors.InvalidArgument("x-amz-object-lock-retain-until-date and "
                                     "x-amz-object-lock-mode must both be supplied")
    if headers.lock_mode is not None and headers.lock_mode not in MODES:
        raise errors.InvalidArgument("Unknown wormMode directive.",
                                     ArgumentName="x-amz-object-lock-mode",
                                     ArgumentValue=headers.lock_mode)
    if headers.lock_until is not None and headers.lock_until <= now:
        raise errors.InvalidArgument("The retain until date must be in the future!",
                                     ArgumentName="x-amz-object-lock-retain-until-date")
    if headers.legal_hold is not None and headers.legal_hold not in HOLD_STATES:
        raise errors.InvalidArgument("Legal Hold must be either of 'ON' or 'OFF'",
                                     ArgumentName="x-amz-object-lock-legal-hold",
                                     ArgumentValue=headers.legal_hold)


def check_retention(mode: str | None, until: float | None, now: float) -> None:
    """A retention a request sets: a mode S3 knows with a date in the future, or neither
    (which removes it)."""
    if mode is None and until is None:
        return
    if mode not in MODES or until is None:
        raise errors.MalformedXML()
    if until <= now:
        raise errors.InvalidArgument("The retain until date must be in the future!")


def check_change(current: ContentHeaders, mode: str | None, until: float | None, now: float,
                 *, bypass: bool) -> None:
    """May a version's retention become (`mode`, `until`)? Extending it in its own mode is
    always allowed; any other change to GOVERNANCE retention (shortening, removing, even
    moving it to COMPLIANCE) needs the bypass; COMPLIANCE retention is never shortened,
    removed or changed to another mode."""
    if not retained(current, now):
        return
    extended = (mode == current.lock_mode and until is not None
                and until >= (current.lock_until or 0))
    if extended:
        return
    if current.lock_mode == GOVERNANCE and bypass:
        return
    raise errors.AccessDenied()
