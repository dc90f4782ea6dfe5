"""Archived objects: GLACIER and DEEP_ARCHIVE keep their bytes out of reach until a restore
makes a temporary copy readable (RestoreObject); GLACIER_IR is read like any other class.

S3 takes hours to restore; a local node restores at once, so a restore is never "ongoing"
here: the copy exists from the request on, until its expiry date. S3 sets that date to the
midnight (UTC) after the restore's completion plus its Days, and a later restore of a
restored copy moves it.
"""
from __future__ import annotations

from typing import Any

from fogbank.objects import errors
from fogbank.objects.model import Caller, ObjectInfo
from fogbank.objects.notifications import OWNER_ID, event_time

ARCHIVED = frozenset({"GLACIER", "DEEP_ARCHIVE"})
DAY = 24 * 60 * 60
# ObjectRestore:Completed is S3's own doing: recorded against AWS, its userIdentity is
# "AmazonCustomer:" and the bucket owner's id, and its source address is not the caller's.
COMPLETED_BY = Caller(principal_id=f"AmazonCustomer:{OWNER_ID}")


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


def event_data(info: ObjectInfo) -> dict[str, Any]:
    """A Completed record's glacierEventData: the restored copy's expiry (as S3's event
    message structure gives it, ISO 8601) and the class it came from."""
    return {"restoreEventData": {
        "lifecycleRestorationExpiryTime": event_time(info.restore_until or 0),
        "lifecycleRestoreStorageClass": info.storage_class}}
