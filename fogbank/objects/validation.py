"""Checks of bucket configuration documents and tag sets, with S3's errors.

Each `check_*` takes the document as the wire parsed it and returns what is stored.
"""
from __future__ import annotations

import json
import unicodedata
import uuid
from datetime import datetime
from typing import Any, Mapping

from fogbank.objects import errors

CORS_METHODS = ("GET", "PUT", "HEAD", "POST", "DELETE")
MAX_BUCKET_TAGS = 50
MAX_OBJECT_TAGS = 10
NOTIFICATION_EVENTS = frozenset({
    "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete", "s3:ReducedRedundancyLostObject", "s3:Replication:*",
    "s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated", "s3:LifecycleTransition",
    "s3:IntelligentTiering", "s3:ObjectTagging:*", "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete", "s3:ObjectAcl:Put", "s3:TestEvent",
})


def _list(document: Mapping[str, Any], member: str) -> list[Any]:
    value = document.get(member) or []
    if not isinstance(value, list):
        raise errors.MalformedXML()
    return value


# Besides letters, digits and white space, the characters AWS tags may hold.
TAG_PUNCTUATION = frozenset("_.:/=+-@")


def tag_text(text: str) -> bool:
    """Whether a tag key or value holds only what AWS tags may: letters, numbers and
    separators of any script, and `_ . : / = + - @`."""
    return all(unicodedata.category(c)[0] in "LNZ" or c in TAG_PUNCTUATION for c in text)


def check_tags(tag_set: Any, limit: int) -> dict[str, str]:
    """A TagSet ([{Key, Value}]) as a dict, with S3's tag rules."""
    tags: dict[str, str] = {}
    if not isinstance(tag_set, list):
        raise errors.MalformedXML()
    for tag in tag_set:
        key, value = str(tag.get("Key", "")), str(tag.get("Value", ""))
        if key in tags:
            raise errors.InvalidTag("Cannot provide multiple Tags with the same key",
                                    TagKey=key)
        if not key or len(key) > 128 or not tag_text(key):
            raise errors.InvalidTag("The TagKey you have provided is invalid", TagKey=key)
        if len(value) > 256 or not tag_text(value):
            raise errors.InvalidTag("The TagValue you have provided is invalid", TagKey=key,
                                    TagValue=value)
        if key.lower().startswith("aws:"):
            # S3 words it differently for an object's tags than for a bucket's.
            raise errors.InvalidTag("Your TagKey cannot be prefixed with aws:"
                                    if limit == MAX_OBJECT_TAGS else
                                    "System tags cannot be added/updated by requester",
                                    TagKey=key)
        tags[key] = value
    if len(tags) > limit:
        if limit == MAX_OBJECT_TAGS:
            raise errors.BadRequest("Object tags cannot be greater than 10")
        raise errors.InvalidTag("Bucket tag count cannot be greater than 50")
    return tags


def check_bucket_tagging(document: Mapping[str, Any]) -> dict[str, Any] | None:
    """The tag set to store; None for an empty one, which S3 keeps as no tag set at all
    (GetBucketTagging then answers NoSuchTagSet)."""
    tags = check_tags(document.get("TagSet") or [], MAX_BUCKET_TAGS)
    return {"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]} if tags else None


def check_cors(document: Mapping[str, Any]) -> dict[str, Any]:
    rules = _list(document, "CORSRules")
    if not rules or len(rules) > 100:
        raise errors.MalformedXML()
    for rule in rules:
        methods = rule.get("AllowedMethods") or []
        if not methods or not rule.get("AllowedOrigins"):
            raise errors.MalformedXML()
        for method in methods:
            if method not in CORS_METHODS:
                raise errors.InvalidRequest("Found unsupported HTTP method in CORS config. "
                                            f"Unsupported method is {method}")
        for origin in rule["AllowedOrigins"]:
            if str(origin).count("*") > 1:
                raise errors.InvalidRequest(f'AllowedOrigin "{origin}" can not have more than '
                                            "one wildcard.")
        for header in rule.get("AllowedHeaders") or []:
            if str(header).count("*") > 1:
                raise errors.InvalidRequest(f'AllowedHeader "{header}" can not have more than '
                                            "one wildcard.")
    return {"CORSRules": rules}


def check_policy(text: Any) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = str(text)
    if not text.lstrip().startswith("{"):
        raise errors.MalformedPolicy()
    try:
        policy = json.loads(text)
    except ValueError:
        raise errors.MalformedPolicy("This policy contains invalid Json") from None
    if not isinstance(policy, dict) or "Statement" not in policy:
        raise errors.MalformedPolicy("Missing required field Statement")
    if policy.get("Version", "2012-10-17") not in ("2012-10-17", "2008-10-17"):
        raise errors.MalformedPolicy("Policy has an invalid version")
    for statement in policy["Statement"] if isinstance(policy["Statement"], list) else [
            policy["Statement"]]:
        if not isinstance(statement, dict) or statement.get("Effect") not in ("Allow", "Deny"):
            raise errors.MalformedPolicy("Invalid effect: "
                                         f"{statement.get('Effect') if isinstance(statement, dict) else statement}")
        if "Action" not in statement and "NotAction" not in statement:
            raise errors.MalformedPolicy("Missing required field Action")
        if "Principal" not in statement and "NotPrincipal" not in statement:
            raise errors.MalformedPolicy("Missing required field Principal")
    return text


def _check_expiration(expiration: Mapping[str, Any]) -> None:
    if "Days" in expiration:
        if int(expiration["Days"]) <= 0:
            raise errors.InvalidArgument("'Days' for Expiration action must be a positive integer")
    if "Date" in expiration:
        _check_midnight(expiration["Date"])


def _check_midnight(when: datetime | str) -> None:
    """An Expiration's or a Transition's Date is a day: midnight GMT."""
    if isinstance(when, str):
        when = datetime.fromisoformat(when.replace("Z", "+00:00"))
    if (when.hour, when.minute, when.second, when.microsecond) != (0, 0, 0, 0):
        raise errors.InvalidArgument("'Date' must be at midnight GMT", ArgumentName="Date",
                                     ArgumentValue=when.strftime("%Y-%m-%dT%H:%M:%SZ"))


# Storage classes S3 moves an object to only once it is 30 days old (or noncurrent that long).
INFREQUENT_ACCESS = ("STANDARD_IA", "ONEZONE_IA")
MIN_INFREQUENT_DAYS = 30


def _check_noncurrent(rule: Mapping[str, Any]) -> None:
    days = (rule.get("NoncurrentVersionExpiration") or {}).get("NoncurrentDays")
    if days is not None and int(days) <= 0:
        raise errors.InvalidArgument("'NoncurrentDays' for NoncurrentVersionExpiration action "
                                     "must be a positive integer")


def _check_transitions(rule: Mapping[str, Any]) -> None:
    """A transition's Date is at midnight; the infrequent-access classes take objects 30 days
    old at the earliest."""
    for member, days_name, action in (("Transitions", "Days", "Transition"),
                                      ("NoncurrentVersionTransitions", "NoncurrentDays",
                                       "NoncurrentVersionTransition")):
        for transition in rule.get(member) or []:
            if "Date" in transition:
                _check_midnight(transition["Date"])
            days, storage_class = transition.get(days_name), transition.get("StorageClass")
            if days is not None and storage_class in INFREQUENT_ACCESS and \
                    int(days) < MIN_INFREQUENT_DAYS:
                raise errors.InvalidArgument(
                    f"'{days_name}' in {action} action must be greater than or equal to "
                    f"{MIN_INFREQUENT_DAYS} for storageClass '{storage_class}'")


def _check_filter_fits_actions(rule: Mapping[str, Any]) -> None:
    """Uploads in progress and delete markers carry no tags (nor, for an upload, a size):
    S3 refuses a rule that would filter them by what they do not have."""
    found = rule.get("Filter") or {}
    both = found.get("And") or {}
    has_tags = "Tag" in found or bool(both.get("Tags"))
    has_size = any(name in found or name in both
                   for name in ("ObjectSizeGreaterThan", "ObjectSizeLessThan"))
    if rule.get("AbortIncompleteMultipartUpload"):
        if has_tags:
            raise errors.InvalidRequest("AbortIncompleteMultipartUpload cannot be specified "
                                        "with Tags.")
        if has_size:
            raise errors.InvalidRequest("AbortIncompleteMultipartUpload cannot be specified "
                                        "with Object Size.")
    if (rule.get("Expiration") or {}).get("ExpiredObjectDeleteMarker") and has_tags:
        raise errors.InvalidRequest("ExpiredObjectDeleteMarker cannot be specified with Tags.")


def check_lifecycle(document: Mapping[str, Any]) -> dict[str, Any]:
    rules = _list(document, "Rules")
    if not rules or len(rules) > 1000:
        raise errors.MalformedXML()
    ids: set[str] = set()
    for rule in rules:
        rule_id = rule.setdefault("ID", str(uuid.uuid4()))
        if len(str(rule_id)) > 255:
            raise errors.InvalidArgument("ID length should not exceed allowed limit of 255")
        if rule_id in ids:
            raise errors.InvalidArgument("Rule ID must be unique. Found same ID for more than "
                                         "one rule")
        ids.add(rule_id)
        if rule.get("Status") not in ("Enabled", "Disabled"):
            raise errors.MalformedXML()
        if "Filter" in rule and "Prefix" in rule:
            raise errors.MalformedXML()
        actions = ("Expiration", "Transitions", "NoncurrentVersionExpiration",
                   "NoncurrentVersionTransitions", "AbortIncompleteMultipartUpload")
        if not any(rule.get(action) for action in actions):
            raise errors.InvalidRequest("At least one action needs to be specified in a rule")
        _check_expiration(rule.get("Expiration") or {})
        _check_noncurrent(rule)
        _check_transitions(rule)
        _check_filter_fits_actions(rule)
        tags = [tag.get("Key") for tag in _list((rule.get("Filter") or {}).get("And") or {}, "Tags")]
        if len(tags) != len(set(tags)):
            raise errors.InvalidRequest("Duplicate Tag Keys are not allowed.")
        abort = rule.get("AbortIncompleteMultipartUpload") or {}
        if "DaysAfterInitiation" in abort and int(abort["DaysAfterInitiation"]) <= 0:
            raise errors.InvalidArgument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload "
                                         "action must be a positive integer")
    return {"Rules": rules}


def check_website(document: Mapping[str, Any]) -> dict[str, Any]:
    redirect_all = document.get("RedirectAllRequestsTo")
    if redirect_all:
        if not redirect_all.get("HostName"):
            raise errors.MalformedXML()
        _check_protocol(redirect_all)
        if any(document.get(m) for m in ("IndexDocument", "ErrorDocument", "RoutingRules")):
            raise errors.InvalidArgument("RedirectAllRequestsTo cannot be provided in "
                                         "conjunction with other Routing Rules.",
                                         ArgumentName="RedirectAllRequestsTo",
                                         ArgumentValue="not null")
        return {"RedirectAllRequestsTo": redirect_all}
    suffix = (document.get("IndexDocument") or {}).get("Suffix")
    if suffix is None:
        raise errors.InvalidArgument("A value for IndexDocument Suffix must be provided if "
                                     "RedirectAllRequestsTo is empty",
                                     ArgumentName="IndexDocument", ArgumentValue="null")
    if not suffix or "/" in suffix:
        raise errors.InvalidArgument("The IndexDocument Suffix is not well formed",
                                     ArgumentName="IndexDocument", ArgumentValue=suffix)
    for rule in document.get("RoutingRules") or []:
        if not rule.get("Redirect"):
            raise errors.MalformedXML()
        if "Condition" in rule and not rule["Condition"]:
            raise errors.InvalidRequest("Condition cannot be empty. To redirect all requests "
                                        "without a condition, the condition element shouldn't "
                                        "be present.")
        redirect = rule["Redirect"]
        _check_protocol(redirect)
        if "ReplaceKeyWith" in redirect and "ReplaceKeyPrefixWith" in redirect:
            raise errors.InvalidRequest("You can only define ReplaceKeyPrefix or ReplaceKey but "
                                        "not both.")
    return dict(document)


def _check_protocol(redirect: Mapping[str, Any]) -> None:
    if redirect.get("Protocol") not in (None, "http", "https"):
        raise errors.InvalidRequest("Invalid protocol, protocol can be http or https. If not "
                                    "defined the protocol will be selected automatically.")


def check_notification(document: Mapping[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for member in ("LambdaFunctionConfigurations", "QueueConfigurations",
                   "TopicConfigurations"):
        targets = _list(document, member)
        for target in targets:
            target.setdefault("Id", str(uuid.uuid4()))
            events = target.get("Events") or []
            if not events:
                raise errors.MalformedXML()
            for event in events:
                if event not in NOTIFICATION_EVENTS:
                    raise errors.InvalidArgument("The event is not supported for notifications",
                                                 ArgumentName="Event", ArgumentValue=event)
            rules = ((target.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
            for rule in rules:
                if str(rule.get("Name", "")).lower() not in ("prefix", "suffix"):
                    raise errors.InvalidArgument("filter rule name must be either prefix or "
                                                 "suffix", ArgumentName="FilterRule.Name",
                                                 ArgumentValue=rule.get("Name"))
        if targets:
            checked[member] = targets
    if "EventBridgeConfiguration" in document:
        checked["EventBridgeConfiguration"] = document["EventBridgeConfiguration"] or {}
    return checked
