"""A bucket's Object Lock configuration, checked as S3 checks PutObjectLockConfiguration.

A bucket has Object Lock when it was created with it (which also enables versioning, for
good: it can no longer be suspended) or when a configuration is put on a bucket whose
versioning is enabled. The retention and legal hold of object versions, and the default
retention's use, are retention.py's.
"""
from __future__ import annotations

from typing import Any, Mapping

from fogbank.objects import errors

ENABLED = {"ObjectLockEnabled": "Enabled"}
MODES = ("GOVERNANCE", "COMPLIANCE")
NEEDS_VERSIONING = ("Versioning must be 'Enabled' on the bucket to apply a Object Lock "
                    "configuration")


def check_configuration(document: Mapping[str, Any]) -> dict[str, Any]:
    """ObjectLockEnabled must say Enabled; a default retention names a mode and one period
    (Days or Years), a positive number."""
    if document.get("ObjectLockEnabled") != "Enabled":
        raise errors.MalformedXML()
    checked: dict[str, Any] = dict(ENABLED)
    rule = document.get("Rule")
    if rule is None:
        return checked
    retention = rule.get("DefaultRetention")
    if retention is None:
        raise errors.MalformedXML()
    periods = [name for name in ("Days", "Years") if retention.get(name) is not None]
    if retention.get("Mode") not in MODES or len(periods) != 1:
        raise errors.MalformedXML()
    period = periods[0]
    if int(retention[period]) <= 0:
        # S3's answer names the period but not its value.
        raise errors.InvalidArgument("Default retention period must be a positive integer "
                                     "value.", ArgumentName=period)
    checked["Rule"] = {"DefaultRetention": {"Mode": retention["Mode"],
                                            period: int(retention[period])}}
    return checked
