"""Crafted keys round-trip byte-exact and never name a file outside the node's storage."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

CRAFTED = [
    "../escape.txt", "../../../../../../tmp/escape", "a/../../b", "./dot", "..", ".",
    "%2e%2e/encoded-dots", "%2E%2E%2Fupper", "..%2f..%2fmixed", "dir/", "double//slash",
    "/leading-slash", "back\\slash\\..\\x", "nul-ish\x01\x02", "ünïcødé/日本語/😀.txt",
    "spaces and +plus+", "?query&amp=1#hash", "~tilde", "k" * 1024,
    "e\u0301-combining", "percent%20literal", "semi;colon,comma", "new\nline",
]


def files_outside(root: Path, state: str = ".fogbank") -> set[str]:
    return {str(p) for p in root.rglob("*") if state not in p.parts}


@pytest.mark.parametrize("key", CRAFTED, ids=range(len(CRAFTED)))
def test_crafted_key_round_trips(s3, bucket, key):
    body = os.urandom(64) + key.encode()
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert listed == [key]
    s3.delete_object(Bucket=bucket, Key=key)
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_crafted_keys_create_no_file_outside_storage(endpoint, s3, bucket):
    root = endpoint.state_root.parent if endpoint.state_root else None
    before = files_outside(root) if root else set()
    for key in CRAFTED:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]) == \
        sorted(CRAFTED)
    if root:
        assert files_outside(root) - before <= {str(endpoint.state_root / "fogbank-up.log")}
        stored = [p.name for p in (endpoint.state_root / ".fogbank").rglob("*")]
        assert not any(name in stored for name in ("escape.txt", "escape", "encoded-dots"))
    assert not Path("/tmp/escape").exists()


def test_key_longer_than_1024_bytes(s3, bucket):
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k" * 1025, Body=b"x")
    assert exc.value.response["Error"]["Code"] == "KeyTooLongError"
