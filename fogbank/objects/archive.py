"""Archived objects: GLACIER and DEEP_ARCHIVE keep their bytes out of reach until a restore
makes a temporary copy readable (RestoreObject); GLACIER_IR is read like any other class.

S3 takes hours to restore; a local node restores at once, so a restore is never "ongoing"
here: the copy exists from the request on, until its expiry date. S3 sets that date to the
midnight (UTC) after the restore's completion plus its Days, and a later restore of a
restored copy moves it.
"""
from __future__ import annotations

from fogbank.objects import errors
from fogbank.objects.model import ObjectInfo

ARCHIVED = frozenset({"GLACIER", "DEEP_ARCHIVE"})
DAY = 24 * 60 * 60


def restored(info: ObjectInfo, now: float) -> bool:
    """Whether an archived version has a restored copy now."""
    return info.restore_until is not None and now < info.restore_until


def readable(info: ObjectInfo, now: float) -> bool:
    return info.storage_class not in ARCHIVED or restored(info, now)


def check_read(info: ObjectInfo, now: float) -> None:
    """GetObject of an archived version without a restored copy: InvalidObjectState."""
    if not readable(info, now):
        raise errors.InvalidObjectState(StorageClass=info.storage_class)


def check_copy_source(info: ObjectInfo, now: float) -> None:
    """CopyObject and UploadPartCopy say it of the source, in other words."""
    if not readable(info, now):
        raise errors.InvalidObjectState(
            "Operation is not valid for the source object's storage class",
            StorageClass=info.storage_class)


def check_restorable(info: ObjectInfo) -> None:
    if info.storage_class not in ARCHIVED:
        raise errors.InvalidObjectState(
            "Restore is not allowed for the object's current storage class",
            StorageClass=info.storage_class)


def expiry(now: float, days: int) -> float:
    """The restored copy's expiry: the first midnight UTC after `days` days from now."""
    return (int(now + days * DAY) // DAY + 1) * DAY

