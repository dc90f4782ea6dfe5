"""Bucket settings S3 keeps and answers that change nothing locally: server access logging
(no logs are written), who pays for requests, and Transfer Acceleration.

Each document is botocore's shape as a dict, checked against S3's schema here (a wrong shape
is MalformedXML, as `configs.check` answers a ValueError); what a bucket never set is
answered as S3 answers it (`DEFAULTS`).
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from fogbank.objects import errors
from fogbank.objects.model import Bucket, BucketConfig

PAYERS = ("BucketOwner", "Requester")
ACCELERATION = ("Enabled", "Suspended")
# READ_ACP is outside botocore's list for target grants, yet S3 takes it (recorded).
LOG_PERMISSIONS = ("FULL_CONTROL", "READ", "WRITE", "READ_ACP")
GRANTEE_TYPES = ("CanonicalUser", "AmazonCustomerByEmail", "Group")
DATE_SOURCES = ("EventTime", "DeliveryTime")

# A bucket that never set one: logging off, the owner pays, acceleration never configured.
DEFAULTS: Mapping[BucketConfig, Mapping[str, Any]] = {
    BucketConfig.LOGGING: {},
    BucketConfig.REQUEST_PAYMENT: {"Payer": "BucketOwner"},
    BucketConfig.ACCELERATE: {},
}


def check_logging(document: Mapping[str, Any]) -> dict[str, Any]:
    """PutBucketLogging's BucketLoggingStatus: empty turns logging off; LoggingEnabled needs
    a TargetBucket (TargetPrefix defaults to ""), grants S3 knows, and at most one key
    format."""
    if set(document) - {"LoggingEnabled"}:
        raise ValueError("BucketLoggingStatus holds LoggingEnabled alone")
    enabled = document.get("LoggingEnabled")
    if enabled is None:
        return {}
    if not enabled.get("TargetBucket"):
        raise ValueError("LoggingEnabled without a TargetBucket")
    checked = {"TargetBucket": enabled["TargetBucket"],
               "TargetPrefix": enabled.get("TargetPrefix") or ""}
    grants = enabled.get("TargetGrants")
    if grants:
        for grant in grants:
            if grant.get("Permission") not in LOG_PERMISSIONS or \
                    grant.get("Grantee", {}).get("Type") not in GRANTEE_TYPES:
                raise ValueError("a target grant S3 does not know")
        checked["TargetGrants"] = list(grants)
    key_format = enabled.get("TargetObjectKeyFormat")
    if key_format:
        partitioned = key_format.get("PartitionedPrefix")
        if ("SimplePrefix" in key_format) == (partitioned is not None):
            raise ValueError("TargetObjectKeyFormat names one format")
        if partitioned is not None and \
                partitioned.get("PartitionDateSource", "EventTime") not in DATE_SOURCES:
            raise ValueError("an unknown PartitionDateSource")
        checked["TargetObjectKeyFormat"] = dict(key_format)
    return {"LoggingEnabled": checked}


def check_log_target(document: Mapping[str, Any], source: Bucket,
                     lookup: Callable[[str], Bucket]) -> None:
    """Logs go to a bucket that exists (InvalidTargetBucketForLogging) in the source
    bucket's region (CrossLocationLoggingProhibitted). `lookup` raises NoSuchBucket."""
    enabled = document.get("LoggingEnabled")
    if enabled is None:
        return
    name = enabled["TargetBucket"]
    try:
        target = lookup(name)
    except errors.NoSuchBucket:
        raise errors.InvalidTargetBucketForLogging(TargetBucket=name) from None
    if target.region != source.region:
        # S3 names the source's region too, but never us-east-1 (as recorded from AWS).
        where = {} if source.region == "us-east-1" else {"SourceBucketLocation": source.region}
        raise errors.CrossLocationLoggingProhibitted(**where,
                                                     TargetBucketLocation=target.region)


def check_request_payment(document: Mapping[str, Any]) -> dict[str, Any]:
    """PutBucketRequestPayment: Payer is BucketOwner or Requester."""
    if document.get("Payer") not in PAYERS or set(document) != {"Payer"}:
        raise ValueError("Payer is BucketOwner or Requester")
    return {"Payer": document["Payer"]}


def check_accelerate(document: Mapping[str, Any]) -> dict[str, Any]:
    """PutBucketAccelerateConfiguration: Status is Enabled or Suspended."""
    if document.get("Status") not in ACCELERATION or set(document) != {"Status"}:
        raise ValueError("Status is Enabled or Suspended")
    return {"Status": document["Status"]}


def check_accelerated_name(bucket: str) -> None:
    """Transfer Acceleration's endpoint reaches a bucket by a host name that a dot in the
    bucket's name would split, so S3 refuses the configuration for such a bucket."""
    if "." in bucket:
        raise errors.InvalidRequest("S3 Transfer Acceleration is not supported for buckets "
                                    "with periods (.) in their names")
