"""Server-side encryption settings as DynamoDB describes them (SSEDescription).

A table encrypted with the AWS owned key, the default, has no SSEDescription at all; one
encrypted with a KMS key (SSESpecification Enabled, from CreateTable, UpdateTable or a
restore's override) reports the key's ARN. Fogbank encrypts nothing itself: the setting is
kept and reported so that clients reading it back see what they asked for.
"""
from __future__ import annotations

import uuid
from typing import Any, Mapping

from fogbank.tables.errors import ValidationException
from fogbank.tables.schema import INVALID

# DynamoDB's AWS managed key when SSESpecification names none.
MANAGED_KEY = "alias/aws/dynamodb"


def check_sse(spec: Mapping[str, Any] | None) -> None:
    """SSESpecification's own rules, before anything is looked up."""
    if spec is None:
        return
    if spec.get("Enabled") is False:
        for member in ("SSEType", "KMSMasterKeyId"):
            if spec.get(member) is not None:
                raise ValidationException(INVALID + f"{member} can not be specified if "
                                          "Enabled is false")
    if spec.get("SSEType") == "AES256":
        raise ValidationException(INVALID + "SSEType AES256 is not supported")
    if spec.get("KMSMasterKeyId") is not None and spec.get("SSEType") != "KMS":
        raise ValidationException(INVALID + "SSEType KMS is required if KMSMasterKeyId is "
                                  "specified")


def _kms(spec: Mapping[str, Any]) -> bool:
    # Enabled left out is read from SSEType: {"SSEType": "KMS"} alone turns KMS on.
    enabled = spec.get("Enabled")
    return bool(enabled) if enabled is not None else spec.get("SSEType") == "KMS"


def sse_description(spec: Mapping[str, Any] | None, region: str,
                    account_id: str) -> dict[str, Any] | None:
    """SSESpecification as the SSEDescription the table reports; None for the default."""
    if not spec or not _kms(spec):
        return None
    key = spec.get("KMSMasterKeyId") or MANAGED_KEY
    if not key.startswith("arn:"):
        resource = key if key.startswith("alias/") else f"key/{key}"
        key = f"arn:aws:kms:{region}:{account_id}:{resource}"
    if key == f"arn:aws:kms:{region}:{account_id}:{MANAGED_KEY}":
        key = managed_key_arn(region, account_id)
    return {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": key}


def managed_key_arn(region: str, account_id: str) -> str:
    """The managed key's ARN. DynamoDB reports the key the alias points at (`key/<id>`),
    one per account and region, so every table encrypted with it shows the same ARN."""
    alias = f"arn:aws:kms:{region}:{account_id}:{MANAGED_KEY}"
    return f"arn:aws:kms:{region}:{account_id}:key/{uuid.uuid5(uuid.NAMESPACE_URL, alias)}"


def apply_sse(record: dict[str, Any], spec: Mapping[str, Any] | None, region: str,
              account_id: str, *, updating: bool = False) -> None:
    """Sets (or, for the default key, clears) a table record's encryption setting. An
    update that would change nothing is refused, as DynamoDB refuses it."""
    check_sse(spec)
    described = sse_description(spec, region, account_id)
    current = record.get("_sse")
    if updating and described is None and current is None:
        raise ValidationException(INVALID + "Table is already encrypted by default")
    if updating and described and current and described["KMSMasterKeyArn"] == current.get(
            "KMSMasterKeyArn"):
        raise ValidationException(INVALID + "Table is already encrypted with given "
                                  "KMSMasterKeyId. Use KMSMasterKeyId parameter if you want to "
                                  "change Master Key")
    if described is None:
        record.pop("_sse", None)
    else:
        record["_sse"] = described
