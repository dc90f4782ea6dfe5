"""Archived objects in the engine: a restore lasts until the midnight (UTC) after its Days,
then the object is out of reach again; the restore outlives a restart."""
from __future__ import annotations

import pytest

from fogbank.objects import ContentHeaders, GetObject, ObjectsEngine, errors

from tests.objects.conftest import START

pytestmark = pytest.mark.anyio

DAY = 24 * 60 * 60
GLACIER = ContentHeaders(storage_class="GLACIER")


async def test_a_restore_expires_at_the_midnight_after_its_days(engine, s3, bucket, clock):
    await s3.put(bucket, "cold", b"frozen", headers=GLACIER)
    assert await engine.objects.restore(bucket, "cold", 2) is False
    info = await engine.objects.head(GetObject(bucket, "cold"))
    # START is 2023-11-14T22:13:20Z: two days on is the 16th, so the copy lasts until the
    # 17th at midnight.
    assert info.restore_until == 1_700_179_200.0 == (int(START + 2 * DAY) // DAY + 1) * DAY
    assert await s3.get(bucket, "cold") == b"frozen"
    clock.now = info.restore_until
    with pytest.raises(errors.InvalidObjectState):
        await s3.get(bucket, "cold")
    assert (await engine.objects.head(GetObject(bucket, "cold"))).restore_until is None
    # The copy is gone: restoring again is a new restore (202), not an extension (200).
    assert await engine.objects.restore(bucket, "cold", 1) is False
    assert await engine.objects.restore(bucket, "cold", 1) is True


async def test_a_restore_survives_a_restart(engine, s3, bucket, data_dir, clock):
    await s3.put(bucket, "cold", b"frozen", headers=GLACIER)
    await engine.objects.restore(bucket, "cold", 3)
    await engine.close()
    again = ObjectsEngine(data_dir, clock=clock, sweep_interval_s=0)
    await again.start()
    try:
        got = await again.objects.get(GetObject(bucket, "cold"))
        assert b"".join([c async for c in got.body]) == b"frozen"
        assert got.info.restore_until is not None
    finally:
        await again.close()

