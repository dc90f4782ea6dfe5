"""`AWS::S3::Bucket` and `AWS::S3::BucketPolicy` → the objects engine.

CloudFormation spells bucket configuration its own way (`CorsRules`, `ExpirationInDays`,
`LambdaConfigurations` …); each is turned into the S3 API's document and stored through
the engine's synchronous calls, so the engine checks it as PutBucket… would. SAM's `S3`
events arrive here already expanded into the bucket's NotificationConfiguration.
Buckets persist: `restore` has nothing to do, and deleting a bucket that still holds
objects fails with BucketNotEmpty, as CloudFormation's delete does.

`VersioningConfiguration` and `ObjectLockEnabled` (a locked bucket is versioned for good) are
kept as PutBucketVersioning and CreateBucket's Object Lock keep them. `LoggingConfiguration`
and `AccelerateConfiguration` are kept and answered, as PutBucketLogging and
PutBucketAccelerateConfiguration keep them; no logs are written.

A new bucket gets S3's defaults for new buckets (Block Public Access all on, Object
Ownership BucketOwnerEnforced) unless `PublicAccessBlockConfiguration` / `OwnershipControls`
say otherwise; an `AccessControl` ACL is refused as S3 refuses it then, which fails the
deployment (e.g. PublicRead without OwnershipControls: InvalidBucketAclWithObjectOwnership).
"""
from __future__ import annotations

import json
from typing import Any, Callable, Mapping

from fogbank.deploy.naming import name_suffix
from fogbank.objects import Acl, BucketConfig, ObjectsEngine, access
from fogbank.objects.errors import BucketAlreadyOwnedByYou, NoSuchBucket
from fogbank.types import Deployed, Resource

LEGACY_REGION = "us-east-1"


def bucket_name(res: Resource) -> str:
    """BucketName, else `<stack>-<logicalid>-<suffix>` lower-cased within 63 characters."""
    given = res.properties.get("BucketName")
    if given:
        return str(given)
    suffix = name_suffix(res.stack_name, res.logical_id).lower()
    base = f"{res.stack_name}-{res.logical_id}".lower()[:63 - len(suffix) - 1].strip("-.")
    return f"{base}-{suffix}"


def _drop_none(document: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if v is not None and v != []}


def _filter_rules(flt: Mapping[str, Any] | None) -> dict[str, Any] | None:
    rules = ((flt or {}).get("S3Key") or {}).get("Rules")
    return {"Key": {"FilterRules": list(rules)}} if rules else None


def website(props: Mapping[str, Any]) -> dict[str, Any]:
    rules = [_drop_none({"Condition": rule.get("RoutingRuleCondition"),
                         "Redirect": rule.get("RedirectRule")})
             for rule in props.get("RoutingRules") or []]
    return _drop_none({
        "IndexDocument": {"Suffix": props["IndexDocument"]} if "IndexDocument" in props else None,
        "ErrorDocument": {"Key": props["ErrorDocument"]} if "ErrorDocument" in props else None,
        "RedirectAllRequestsTo": props.get("RedirectAllRequestsTo"),
        "RoutingRules": rules,
    })


def cors(props: Mapping[str, Any]) -> dict[str, Any]:
    return {"CORSRules": [_drop_none({
        "ID": rule.get("Id"), "AllowedHeaders": rule.get("AllowedHeaders"),
        "AllowedMethods": rule.get("AllowedMethods"), "AllowedOrigins": rule.get("AllowedOrigins"),
        "ExposeHeaders": rule.get("ExposedHeaders"), "MaxAgeSeconds": rule.get("MaxAge"),
    }) for rule in props.get("CorsRules") or []]}


def _lifecycle_filter(rule: Mapping[str, Any]) -> dict[str, Any]:
    conditions = _drop_none({
        "Prefix": rule.get("Prefix"), "Tags": rule.get("TagFilters"),
        "ObjectSizeGreaterThan": rule.get("ObjectSizeGreaterThan"),
        "ObjectSizeLessThan": rule.get("ObjectSizeLessThan"),
    })
    if len(conditions) > 1 or "Tags" in conditions and len(conditions["Tags"]) > 1:
        return {"And": conditions}
    if "Tags" in conditions:
        return {"Tag": conditions["Tags"][0]}
    return conditions or {"Prefix": ""}


def lifecycle(props: Mapping[str, Any]) -> dict[str, Any]:
    rules = []
    for rule in props.get("Rules") or []:
        expiration = _drop_none({"Days": rule.get("ExpirationInDays"),
                                 "Date": rule.get("ExpirationDate")})
        rules.append(_drop_none({
            "ID": rule.get("Id"), "Status": rule.get("Status"),
            "Filter": _lifecycle_filter(rule), "Expiration": expiration or None,
            "AbortIncompleteMultipartUpload": rule.get("AbortIncompleteMultipartUpload"),
            "Transitions": rule.get("Transitions"),
            "NoncurrentVersionExpiration": rule.get("NoncurrentVersionExpiration"),
        }))
    return {"Rules": rules}


def notification(props: Mapping[str, Any]) -> dict[str, Any]:
    def targets(member: str, arn_prop: str, arn_member: str) -> list[dict[str, Any]]:
        return [_drop_none({arn_member: c.get(arn_prop), "Events": [c.get("Event")],
                            "Filter": _filter_rules(c.get("Filter"))})
                for c in props.get(member) or []]
    return _drop_none({
        "LambdaFunctionConfigurations": targets("LambdaConfigurations", "Function",
                                                "LambdaFunctionArn"),
        "QueueConfigurations": targets("QueueConfigurations", "Queue", "QueueArn"),
        "TopicConfigurations": targets("TopicConfigurations", "Topic", "TopicArn"),
    })


def encryption(props: Mapping[str, Any]) -> dict[str, Any]:
    rules = []
    for rule in props.get("ServerSideEncryptionConfiguration") or []:
        rules.append(_drop_none({
            "ApplyServerSideEncryptionByDefault": rule.get("ServerSideEncryptionByDefault"),
            "BucketKeyEnabled": rule.get("BucketKeyEnabled"),
            "BlockedEncryptionTypes": rule.get("BlockedEncryptionTypes"),
        }))
    return {"Rules": rules}


def public_access_block(props: Mapping[str, Any]) -> dict[str, bool]:
    """The four settings; one left out is false, as PutPublicAccessBlock takes it."""
    return {name: str(props.get(name, False)).lower() == "true"
            for name in access.BLOCK_SETTINGS}


def ownership_controls(props: Mapping[str, Any]) -> dict[str, Any]:
    return {"Rules": [{"ObjectOwnership": rule.get("ObjectOwnership")}
                      for rule in props.get("Rules") or []]}


def canned_acl(name: str) -> str:
    """CloudFormation's AccessControl (PublicRead) as S3's canned ACL (public-read)."""
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name).lstrip("-")


def acl(name: str) -> dict[str, Any]:
    return {"Grants": list(access.canned_grants(canned_acl(name)))}


def versioning(props: Mapping[str, Any]) -> dict[str, Any]:
    return {"Status": props.get("Status")}


def object_lock(props: Mapping[str, Any]) -> dict[str, Any]:
    """CloudFormation's ObjectLockConfiguration is the S3 API's document."""
    return _drop_none({"ObjectLockEnabled": props.get("ObjectLockEnabled"),
                       "Rule": props.get("Rule")})


def logging_status(props: Mapping[str, Any], bucket: str) -> dict[str, Any]:
    """CloudFormation's LoggingConfiguration as PutBucketLogging's BucketLoggingStatus.
    Without a DestinationBucketName the logs go to the bucket itself, as CloudFormation
    documents."""
    return {"LoggingEnabled": _drop_none({
        "TargetBucket": str(props.get("DestinationBucketName") or bucket),
        "TargetPrefix": str(props.get("LogFilePrefix") or ""),
        "TargetObjectKeyFormat": props.get("TargetObjectKeyFormat")})}


def acceleration(props: Mapping[str, Any]) -> dict[str, Any]:
    return {"Status": props.get("AccelerationStatus")}


def tagging(tags: list[Mapping[str, Any]]) -> dict[str, Any]:
    return {"TagSet": [{"Key": str(t["Key"]), "Value": str(t.get("Value", ""))} for t in tags]}


# CloudFormation property → (configuration kind, conversion to the S3 API document), in the
# order they are applied: the settings that judge an ACL or a policy before the ACL.
_CONFIGS: dict[str, tuple[BucketConfig, Callable[[Any], Any]]] = {
    "PublicAccessBlockConfiguration": (BucketConfig.PUBLIC_ACCESS_BLOCK, public_access_block),
    "OwnershipControls": (BucketConfig.OWNERSHIP, ownership_controls),
    "AccessControl": (BucketConfig.ACL, acl),
    "VersioningConfiguration": (BucketConfig.VERSIONING, versioning),
    "ObjectLockConfiguration": (BucketConfig.OBJECT_LOCK, object_lock),
    "WebsiteConfiguration": (BucketConfig.WEBSITE, website),
    "CorsConfiguration": (BucketConfig.CORS, cors),
    "LifecycleConfiguration": (BucketConfig.LIFECYCLE, lifecycle),
    "NotificationConfiguration": (BucketConfig.NOTIFICATION, notification),
    "Tags": (BucketConfig.TAGGING, tagging),
    "BucketEncryption": (BucketConfig.ENCRYPTION, encryption),
    "AccelerateConfiguration": (BucketConfig.ACCELERATE, acceleration),
}
# What a property taken out of the template leaves, where S3 has no way back: versioning
# is suspended, never undone; Object Lock stays, without its default retention.
_LEFT_WHEN_REMOVED: dict[str, Any] = {
    "VersioningConfiguration": {"Status": "Suspended"},
    "ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled"},
    "AccelerateConfiguration": {"Status": "Suspended"},
}


class BucketProvider:
    types = ("AWS::S3::Bucket",)
    attribute_names: frozenset[str] = frozenset({
        "Arn", "DomainName", "DualStackDomainName", "RegionalDomainName", "WebsiteURL"})

    def __init__(self, engine: ObjectsEngine, website_url: Callable[[str], str], *,
                 region: str = LEGACY_REGION) -> None:
        self._engine = engine
        self._website_url = website_url
        self._region = region

    def create(self, res: Resource) -> Deployed:
        name = bucket_name(res)
        location = None if self._region == LEGACY_REGION else self._region
        props = res.properties
        rules = ownership_controls(props.get("OwnershipControls") or {})["Rules"]
        try:
            self._engine.buckets.create_now(
                name, location=location,
                ownership=rules[0]["ObjectOwnership"] if rules else None,
                acl=Acl(tuple(acl(props["AccessControl"])["Grants"]))
                if props.get("AccessControl") else None,
                block=public_access_block(props["PublicAccessBlockConfiguration"])
                if props.get("PublicAccessBlockConfiguration") else access.NEW_BUCKET_BLOCK,
                object_lock=str(props.get("ObjectLockEnabled", False)).lower() == "true")
        except BucketAlreadyOwnedByYou:
            pass              # kept from an earlier run whose deploy state was lost
        self._configure(name, {}, res.properties)
        return self._deployed(name)

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        if bucket_name(new) != deployed.physical_id:
            created = self.create(new)           # a new name replaces the bucket
            self.delete(old, deployed)
            return created
        self._configure(deployed.physical_id, old.properties, new.properties)
        return self._deployed(deployed.physical_id)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        try:
            self._engine.buckets.delete_now(deployed.physical_id)
        except NoSuchBucket:
            pass

    def restore(self, res: Resource, deployed: Deployed) -> Deployed:
        """Buckets are stored; only the website URL (it names the node's port) is fresh."""
        return self._deployed(deployed.physical_id)

    def _configure(self, name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        configs = self._engine.configs
        for prop, (kind, convert) in _CONFIGS.items():
            if new.get(prop):
                configs.put_now(name, kind, convert(new[prop]))
            elif old.get(prop) and prop in _LEFT_WHEN_REMOVED:
                configs.put_now(name, kind, _LEFT_WHEN_REMOVED[prop])
            elif old.get(prop):
                configs.delete_now(name, kind)
        # Its own bucket is the logs' default target, so it is not a plain conversion.
        if new.get("LoggingConfiguration") is not None:
            configs.put_now(name, BucketConfig.LOGGING,
                            logging_status(new["LoggingConfiguration"], name))
        elif old.get("LoggingConfiguration") is not None:
            configs.put_now(name, BucketConfig.LOGGING, {})

    def _deployed(self, name: str) -> Deployed:
        region = self._region
        return Deployed(name, {
            "Arn": f"arn:aws:s3:::{name}",
            "DomainName": f"{name}.s3.amazonaws.com",
            "DualStackDomainName": f"{name}.s3.dualstack.{region}.amazonaws.com",
            "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
            "WebsiteURL": self._website_url(name),
        })


class BucketPolicyProvider:
    types = ("AWS::S3::BucketPolicy",)
    attribute_names: frozenset[str] = frozenset()

    def __init__(self, engine: ObjectsEngine) -> None:
        self._engine = engine

    def create(self, res: Resource) -> Deployed:
        bucket = str(res.properties.get("Bucket", ""))
        document = res.properties.get("PolicyDocument") or {}
        text = document if isinstance(document, str) else json.dumps(document)
        self._engine.configs.put_now(bucket, BucketConfig.POLICY, text)
        return Deployed(bucket)

    def update(self, old: Resource, deployed: Deployed, new: Resource) -> Deployed:
        if str(new.properties.get("Bucket", "")) != deployed.physical_id:
            self.delete(old, deployed)
        return self.create(new)

    def delete(self, res: Resource, deployed: Deployed) -> None:
        try:
            self._engine.configs.delete_now(deployed.physical_id, BucketConfig.POLICY)
        except NoSuchBucket:
            pass

    def restore(self, res: Resource, deployed: Deployed) -> None:
        """Policies are stored with their bucket; nothing to re-register."""
