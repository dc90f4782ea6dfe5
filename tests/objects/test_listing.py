"""ListObjects v1 and v2: prefixes, delimiters, pages, markers and tokens."""
from __future__ import annotations

import pytest

from fogbank.objects import errors

pytestmark = pytest.mark.anyio

KEYS = ["a.txt", "docs/a.md", "docs/b.md", "docs/sub/c.md", "img/1.png", "img/2.png",
        "z", "é.txt", "中文/文件"]


@pytest.fixture
async def filled(s3, bucket):
    for key in KEYS:
        await s3.put(bucket, key, key.encode())
    return bucket


async def test_keys_come_in_utf8_byte_order(s3, filled):
    assert await s3.keys(filled) == sorted(KEYS, key=lambda k: k.encode())


async def test_prefix(s3, filled):
    assert await s3.keys(filled, prefix="docs/") == ["docs/a.md", "docs/b.md", "docs/sub/c.md"]


async def test_delimiter_rolls_up_common_prefixes(engine, filled):
    page = await engine.objects.list_v2(filled, delimiter="/")
    assert [i.key for i in page.contents] == ["a.txt", "z", "é.txt"]
    assert page.common_prefixes == ("docs/", "img/", "中文/")
    page = await engine.objects.list_v2(filled, prefix="docs/", delimiter="/")
    assert [i.key for i in page.contents] == ["docs/a.md", "docs/b.md"]
    assert page.common_prefixes == ("docs/sub/",)


async def test_v2_pages_with_continuation_tokens(engine, filled):
    seen, token = [], None
    while True:
        page = await engine.objects.list_v2(filled, delimiter="/", max_keys=2,
                                            continuation_token=token)
        seen += [i.key for i in page.contents] + list(page.common_prefixes)
        assert page.key_count <= 2
        if not page.is_truncated:
            assert page.next_continuation_token is None
            break
        token = page.next_continuation_token
    # each page holds its keys and its prefixes apart; together they are in key order
    assert sorted(seen, key=str.encode) == ["a.txt", "docs/", "img/", "z", "é.txt", "中文/"]
    assert len(seen) == len(set(seen))


async def test_v1_pages_with_markers(engine, filled):
    page = await engine.objects.list_v1(filled, max_keys=3)
    assert page.is_truncated and page.next_marker is None    # no delimiter: no NextMarker
    last = page.contents[-1].key
    rest = await engine.objects.list_v1(filled, marker=last)
    assert [i.key for i in page.contents + rest.contents] == \
        sorted(KEYS, key=lambda k: k.encode())
    page = await engine.objects.list_v1(filled, delimiter="/", max_keys=2)
    assert page.next_marker == "docs/"
    page = await engine.objects.list_v1(filled, delimiter="/", marker="docs/")
    assert page.common_prefixes[0] == "img/"


async def test_start_after(s3, filled):
    assert await s3.keys(filled, start_after="img/1.png") == ["img/2.png", "z", "é.txt",
                                                               "中文/文件"]


async def test_max_keys_zero(engine, filled):
    page = await engine.objects.list_v2(filled, max_keys=0)
    assert page.contents == () and not page.is_truncated


async def test_max_keys_capped_at_1000(s3, engine, bucket):
    for i in range(1005):
        await s3.put(bucket, f"k{i:05d}", b"")
    page = await engine.objects.list_v2(bucket, max_keys=5000)
    assert len(page.contents) == 1000 and page.is_truncated


async def test_negative_max_keys(engine, bucket):
    with pytest.raises(errors.InvalidArgument):
        await engine.objects.list_v2(bucket, max_keys=-1)


async def test_bad_continuation_token(engine, bucket):
    with pytest.raises(errors.InvalidArgument) as caught:
        await engine.objects.list_v2(bucket, continuation_token="garbage!")
    assert caught.value.message == "The continuation token provided is incorrect"


async def test_listing_missing_bucket(engine):
    with pytest.raises(errors.NoSuchBucket):
        await engine.objects.list_v2("ghost")


async def test_multi_character_delimiter(engine, s3, bucket):
    for key in ["a--b", "a--c--d", "b"]:
        await s3.put(bucket, key, b"")
    page = await engine.objects.list_v2(bucket, delimiter="--")
    assert page.common_prefixes == ("a--",) and [i.key for i in page.contents] == ["b"]
