"""ListObjects (v1) and ListObjectsV2: prefix, delimiter, max-keys, pagination, encoding."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

KEYS = ["a.txt", "docs/one.md", "docs/two.md", "docs/deep/three.md", "img/x.png", "z"]


@pytest.fixture
def filled(s3, bucket):
    for key in KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return bucket


def test_v2_lists_every_key_in_order(s3, filled):
    got = s3.list_objects_v2(Bucket=filled)
    assert [o["Key"] for o in got["Contents"]] == sorted(KEYS)
    assert got["KeyCount"] == len(KEYS) and got["IsTruncated"] is False
    assert got["Contents"][0]["Size"] == len(b"a.txt")
    assert got["Contents"][0]["StorageClass"] == "STANDARD"


def test_v2_prefix_and_delimiter(s3, filled):
    got = s3.list_objects_v2(Bucket=filled, Prefix="docs/", Delimiter="/")
    assert [o["Key"] for o in got["Contents"]] == ["docs/one.md", "docs/two.md"]
    assert got["CommonPrefixes"] == [{"Prefix": "docs/deep/"}]
    top = s3.list_objects_v2(Bucket=filled, Delimiter="/")
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["docs/", "img/"]
    assert [o["Key"] for o in top["Contents"]] == ["a.txt", "z"]


def test_v2_pages_with_continuation_tokens(s3, filled):
    seen, token = [], None
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket=filled, MaxKeys=2, **kwargs)
        seen += [o["Key"] for o in page["Contents"]]
        assert page["KeyCount"] == len(page["Contents"]) and page["MaxKeys"] == 2
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert seen == sorted(KEYS)


def test_v2_start_after(s3, filled):
    got = s3.list_objects_v2(Bucket=filled, StartAfter="docs/two.md")
    assert [o["Key"] for o in got["Contents"]] == ["img/x.png", "z"]
    assert got["StartAfter"] == "docs/two.md"


def test_v2_max_keys_zero(s3, filled):
    got = s3.list_objects_v2(Bucket=filled, MaxKeys=0)
    assert got["KeyCount"] == 0 and "Contents" not in got


def test_v2_negative_max_keys(s3, filled):
    with pytest.raises(ClientError) as exc:
        s3.list_objects_v2(Bucket=filled, MaxKeys=-1)
    assert exc.value.response["Error"]["Code"] == "InvalidArgument"


def test_v1_markers(s3, filled):
    page = s3.list_objects(Bucket=filled, MaxKeys=3)
    assert [o["Key"] for o in page["Contents"]] == sorted(KEYS)[:3]
    assert page["IsTruncated"] is True
    rest = s3.list_objects(Bucket=filled, Marker=page["Contents"][-1]["Key"])
    assert [o["Key"] for o in rest["Contents"]] == sorted(KEYS)[3:]


def test_v1_next_marker_with_delimiter(s3, filled):
    page = s3.list_objects(Bucket=filled, Delimiter="/", MaxKeys=1)
    assert page["IsTruncated"] is True and page["NextMarker"]


def test_encoding_type_url_round_trips_odd_keys(s3, bucket):
    keys = ["with space", "plus+sign", "percent%25", "amp&er", "ü-nicode", "tab\tkey"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    # boto3 asks for encoding-type=url itself and decodes the answer.
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == sorted(keys)
    assert [o["Key"] for o in s3.list_objects(Bucket=bucket)["Contents"]] == sorted(keys)


def test_invalid_encoding_type(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.list_objects_v2(Bucket=bucket, EncodingType="base64")
    assert exc.value.response["Error"]["Code"] == "InvalidArgument"
