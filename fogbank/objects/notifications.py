"""Object events → S3's event records → asynchronous invocations of the configured functions.

A bucket's NotificationConfiguration (botocore's shape) names functions by ARN with the
events they want (`s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete`, …) and optional key
prefix / suffix filter rules. Each matching configuration gets one invocation with a
`{"Records": [record]}` payload, queued durably through `enqueue` (the node's
AsyncInvoker: retried as Lambda's async invocation is). Queue and topic configurations are
kept but deliver nothing: no queue or topic engine runs yet. A configuration is taken only
if each function's policy lets S3 invoke it for the bucket (`check_destinations`), as S3
validates destinations when the configuration is put; deliveries are not asked again.
"""
from __future__ import annotations

import itertools
import json
import logging
import time
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Mapping
from urllib.parse import quote_plus

from fogbank.objects import errors
from fogbank.objects.model import Caller
from fogbank.types import (InvokePermission, InvokeSource, function_name_from_uri,
                           partition_for)

log = logging.getLogger(__name__)

Enqueue = Callable[[str, bytes], Awaitable[str]]
ConfigLookup = Callable[[str], Awaitable[Mapping[str, Any] | None]]
OWNER_ID = "A3NL1KOZZKExample"
# S3 writes version 2.3 of the record for lifecycle, Intelligent-Tiering, object ACL, object
# tagging and restore-deletion events, and 2.1 for every other (its event message structure).
V23_EVENTS = ("LifecycleExpiration:", "LifecycleTransition", "IntelligentTiering",
              "ObjectAcl:", "ObjectTagging:", "ObjectRestore:Delete")
# A change to an object's ACL or tags leaves its data alone: S3's record names the object by
# key and ETag only, with no size and no sequencer (which orders changes to the data).
SUBRESOURCE_EVENTS = ("ObjectAcl:", "ObjectTagging:")


def function_name(arn: str) -> str:
    """The function an ARN names, with its qualifier: an alias or a version (SAM's
    AutoPublishAlias points S3 events at the alias), which the invocation then runs."""
    return function_name_from_uri(arn) or arn


def check_arns(document: Mapping[str, Any]) -> None:
    """Each function's ARN must at least read as an ARN (arn:partition:service:region:
    account:resource), whether or not S3 is asked to skip validating the destinations."""
    targets = document.get("LambdaFunctionConfigurations") if isinstance(document, Mapping) \
        else None
    for target in targets if isinstance(targets, list) else ():
        arn = target.get("LambdaFunctionArn") if isinstance(target, Mapping) else None
        if isinstance(arn, str) and (not arn.startswith("arn:") or arn.count(":") < 5):
            raise errors.InvalidArgument("The ARN could not be parsed",
                                         ArgumentName="CloudFunction", ArgumentValue=arn)


def check_destinations(document: Mapping[str, Any], bucket: str, may_invoke: InvokePermission,
                       *, region: str, account_id: str) -> None:
    """S3 takes a function as a destination only if the function's resource-based policy
    lets s3.amazonaws.com invoke it for this bucket (an AWS::Lambda::Permission; SAM's S3
    events add one): else InvalidArgument, naming each function it could not validate.
    Shapes are not judged here: a malformed document is left to the configuration check."""
    targets = document.get("LambdaFunctionConfigurations") if isinstance(document, Mapping) \
        else None
    if not isinstance(targets, list):
        return
    source = InvokeSource("s3.amazonaws.com", f"arn:{partition_for(region)}:s3:::{bucket}",
                          account_id)
    refused: dict[str, str] = {}
    for target in targets:
        arn = target.get("LambdaFunctionArn") if isinstance(target, Mapping) else None
        if not isinstance(arn, str) or may_invoke(function_name(arn), source):
            continue
        number = len(refused) // 2 + 1
        refused[f"ArgumentName{number}"] = f"{arn}, {target.get('Id') or 'null'}"
        refused[f"ArgumentValue{number}"] = f"Not authorized to invoke function [{arn}]"
    if refused:
        raise errors.InvalidArgument("Unable to validate the following destination "
                                     "configurations", extra=refused)


def event_time(epoch: float) -> str:
    """A time as S3's records give it: ISO 8601, UTC, in milliseconds."""
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")


def event_matches(wanted: str, event_name: str) -> bool:
    full = f"s3:{event_name}"
    return wanted == full or (wanted.endswith(":*") and full.startswith(wanted[:-1]))


def key_matches(config: Mapping[str, Any], key: str) -> bool:
    rules = ((config.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
    for rule in rules:
        name, value = str(rule.get("Name", "")).lower(), str(rule.get("Value", ""))
        if name == "prefix" and not key.startswith(value):
            return False
        if name == "suffix" and not key.endswith(value):
            return False
    return True


class Notifier:
    def __init__(self, lookup: ConfigLookup, enqueue: Enqueue | None, *, region: str,
                 clock: Callable[[], float] = time.time) -> None:
        self._lookup = lookup
        self._enqueue = enqueue
        self._region = region
        self._clock = clock
        self._sequence = itertools.count()

    async def emit(self, bucket: str, event_name: str, key: str, caller: Caller, *,
                   size: int | None = None, etag: str | None = None,
                   version_id: str | None = None,
                   glacier_event_data: Mapping[str, Any] | None = None) -> None:
        """Queue the invocations an event asks for; failures are logged, never raised —
        the object change they report has already been acknowledged. `version_id`: the
        version the event made or removed, in a bucket that is or was versioned;
        `glacier_event_data`: a completed restore's (archive.event_data)."""
        if self._enqueue is None:
            return
        config = await self._lookup(bucket)
        if not config:
            return
        for target in config.get("LambdaFunctionConfigurations") or []:
            if not any(event_matches(e, event_name) for e in target.get("Events") or []):
                continue
            if not key_matches(target, key):
                continue
            record = self.record(bucket, event_name, key, caller, size=size, etag=etag,
                                 configuration_id=str(target.get("Id", "")),
                                 version_id=version_id)
            if glacier_event_data is not None:
                record["glacierEventData"] = dict(glacier_event_data)
            payload = json.dumps({"Records": [record]}).encode()
            name = function_name(str(target.get("LambdaFunctionArn", "")))
            try:
                await self._enqueue(name, payload)
            except Exception:
                log.exception("could not queue the %s notification of s3://%s/%s for %s",
                              event_name, bucket, key, name)

    def record(self, bucket: str, event_name: str, key: str, caller: Caller, *,
               size: int | None, etag: str | None, configuration_id: str,
               version_id: str | None = None) -> dict[str, Any]:
        """One S3 event record, as S3 sends it (event structure version 2.1, or 2.3)."""
        now = self._clock()
        obj: dict[str, Any] = {"key": quote_plus(key, safe="/")}
        if size is not None:
            obj["size"] = size
        if etag is not None:
            obj["eTag"] = etag.strip('"')
        if version_id is not None:
            obj["versionId"] = version_id
        if not event_name.startswith(SUBRESOURCE_EVENTS):
            # 18 hex digits, zero-padded on the left as S3's are ("0055AED6DCD90281E5").
            obj["sequencer"] = f"{int(now * 1e6):016X}{next(self._sequence) % 0x100:02X}"
        principal = caller.principal_id or f"AWS:{OWNER_ID}"
        return {
            "eventVersion": "2.3" if event_name.startswith(V23_EVENTS) else "2.1",
            "eventSource": "aws:s3",
            "awsRegion": self._region,
            "eventTime": event_time(now),
            "eventName": event_name,
            "userIdentity": {"principalId": principal},
            "requestParameters": {"sourceIPAddress": caller.source_ip},
            "responseElements": {"x-amz-request-id": caller.request_id or "0" * 16,
                                 "x-amz-id-2": "fogbank/" + (caller.request_id or "local")},
            "s3": {
                "s3SchemaVersion": "1.0",
                "configurationId": configuration_id,
                "bucket": {"name": bucket, "ownerIdentity": {"principalId": OWNER_ID},
                           "arn": f"arn:aws:s3:::{bucket}"},
                "object": obj,
            },
        }
