"""What S3 accepts as bucket names and keys."""
from __future__ import annotations

import ipaddress
import re

from fogbank.objects import errors
from fogbank.objects.model import MAX_KEY_BYTES

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def check_bucket_name(name: str) -> None:
    """The general-purpose bucket naming rules; InvalidBucketName otherwise."""
    if (not _BUCKET.fullmatch(name) or ".." in name or ".-" in name or "-." in name
            or name.startswith(_RESERVED_PREFIXES) or name.endswith(_RESERVED_SUFFIXES)
            or _is_ip_address(name)):
        raise errors.InvalidBucketName(BucketName=name)


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
        return True
    except ValueError:
        return False


def check_key(key: str) -> None:
    if not key:
        raise errors.InvalidArgument("A key must be at least one character long",
                                     ArgumentName="key", ArgumentValue=key)
    size = len(key.encode("utf-8", "surrogatepass"))
    if size > MAX_KEY_BYTES:
        raise errors.KeyTooLongError(Size=size, MaxSizeAllowed=MAX_KEY_BYTES)
