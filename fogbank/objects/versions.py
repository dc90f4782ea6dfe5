"""S3 versioning: version ids, the versioning configuration, and ListObjectVersions pages.

A bucket is never versioned until PutBucketVersioning names a Status; from then on it is
Enabled (every write makes a new version with a new id) or Suspended (writes make the
"null" version, replacing the one there was). It can never be unversioned again. Version
ids are opaque to clients: 32 URL-safe characters, never opening with "-" (a command line
would take the id for an option), the last few a digest of the rest. S3 tells an id it never
made (a typo, an id cut and pasted wrong) from one of a version that is gone: the first is
InvalidArgument, the second NoSuchVersion. The digest lets us do the same without keeping
every id ever issued. (Ids made before the digest still name their versions; only once
such a version is gone is its id called invalid rather than missing.)
"""
from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import replace
from typing import Any, Mapping

from fogbank.objects import errors
from fogbank.objects.listing import check_max, successor
from fogbank.objects.model import ObjectInfo, ObjectVersion, VersionsPage
from fogbank.objects.storage import VersionIndex

ENABLED, SUSPENDED = "Enabled", "Suspended"
NULL = "null"                      # the null version's id on the wire
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{31}")
_RANDOM, _DIGEST = 26, 6            # characters of each in an id
_BATCH = 1000
_INVALID = "Invalid version id specified"
LOCKED = ("An Object Lock configuration is present on this bucket, so the versioning state "
          "cannot be changed.")
MFA_REQUIRED = "Mfa Authentication must be used for this request"


def _digest(random_part: str) -> str:
    raw = hashlib.blake2b(random_part.encode(), digest_size=6, person=b"fogbank-version").digest()
    return base64.urlsafe_b64encode(raw).decode()[:_DIGEST]


def new_version_id() -> str:
    while True:
        token = secrets.token_urlsafe(24)[:_RANDOM]
        if token[0].isalnum():
            return token + _digest(token)


def is_version_id(text: str) -> bool:
    return text == NULL or _ID.fullmatch(text) is not None


def issued(text: str) -> bool:
    """Whether a version id is one this node could have made (its digest holds), or the
    null version's."""
    if text == NULL:
        return True
    return _ID.fullmatch(text) is not None and text[_RANDOM:] == _digest(text[:_RANDOM])


def missing(key: str, version_id: str) -> errors.S3Error:
    """The answer for a version not found: NoSuchVersion for an id once issued, else the
    id was never one of ours, and S3 calls it invalid."""
    if issued(version_id):
        return errors.NoSuchVersion(Key=key, VersionId=version_id)
    return invalid(version_id)


def invalid(version_id: str, argument: str = "versionId") -> errors.S3Error:
    return errors.InvalidArgument(_INVALID, ArgumentName=argument, ArgumentValue=version_id)


def stored_id(version_id: str) -> str | None:
    """A wire version id as the store keeps it: the null version is None."""
    return None if version_id == NULL else version_id


def wire_id(version_id: str | None) -> str:
    return NULL if version_id is None else version_id


def check_configuration(document: Mapping[str, Any]) -> dict[str, str]:
    """PutBucketVersioning's VersioningConfiguration. A Status S3 does not know is a schema
    error (MalformedXML); none at all, IllegalVersioningConfigurationException. MFA Delete
    needs the root account's MFA device, which no local request can show: refused as S3
    refuses a request without the MFA it needs."""
    status, mfa = document.get("Status"), document.get("MFADelete")
    if status not in (None, ENABLED, SUSPENDED) or mfa not in (None, "Enabled", "Disabled"):
        raise errors.MalformedXML()
    if status is None:
        raise errors.IllegalVersioningConfigurationException(
            "The Versioning element must be specified")
    if mfa == "Enabled":
        raise errors.AccessDenied(MFA_REQUIRED)
    checked = {"Status": status}
    if mfa is not None:
        checked["MFADelete"] = mfa
    return checked


def page(index: VersionIndex, bucket: str, prefix: str, delimiter: str, max_keys: int,
         key_marker: str, version_id_marker: str) -> VersionsPage:
    """One page of ListObjectVersions: keys in order, each key's versions newest first,
    after (key_marker, version_id_marker); on the database thread."""
    limit = check_max(max_keys, "max-keys")
    if version_id_marker and not key_marker:
        raise errors.InvalidArgument("A version-id marker cannot be specified without a key "
                                     "marker.", ArgumentName="version-id-marker",
                                     ArgumentValue=version_id_marker)
    if version_id_marker and not is_version_id(version_id_marker):
        raise invalid(version_id_marker, "version-id-marker")
    listed: list[ObjectVersion] = []
    prefixes: list[str] = []
    last: tuple[str, str | None] | None = None        # the last entry's key and version
    if limit == 0:
        return VersionsPage((), (), False)
    start = key_marker if version_id_marker else (key_marker + "\0" if key_marker else "")
    start = max(start, prefix)
    while True:
        keys = index.version_keys(bucket, start, _BATCH)
        for key in keys:
            if not key.startswith(prefix):
                return VersionsPage(tuple(listed), tuple(prefixes), False)
            cut = key.find(delimiter, len(prefix)) if delimiter else -1
            if cut >= 0:
                common = key[:cut + len(delimiter)]
                start = successor(common)
                if key_marker and common <= key_marker:
                    break                    # a prefix an earlier page returned
                if len(listed) + len(prefixes) >= limit:
                    return _truncated(listed, prefixes, last)
                prefixes.append(common)
                last = (common, None)
                break
            found = index.key_versions(bucket, key)
            entries = [ObjectVersion(_with_id(record.info), i == 0)
                       for i, record in enumerate(found)]
            if key == key_marker and version_id_marker:
                ids = [entry.info.version_id for entry in entries]
                entries = entries[ids.index(version_id_marker) + 1:] \
                    if version_id_marker in ids else []
            for entry in entries:
                if len(listed) + len(prefixes) >= limit:
                    return _truncated(listed, prefixes, last)
                listed.append(entry)
                last = (key, entry.info.version_id)
            start = key + "\0"
        else:
            if len(keys) < _BATCH:
                return VersionsPage(tuple(listed), tuple(prefixes), False)


def _with_id(info: ObjectInfo) -> ObjectInfo:
    return info if info.version_id is not None else replace(info, version_id=NULL)


def _truncated(listed: list[ObjectVersion], prefixes: list[str],
               last: tuple[str, str | None] | None) -> VersionsPage:
    key, version_id = last if last is not None else (None, None)
    return VersionsPage(tuple(listed), tuple(prefixes), True, key, version_id)
