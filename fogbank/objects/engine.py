"""`ObjectsEngine`: the objects engine's parts, built on one store (see __init__.py)."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from fogbank.objects.access import AnonymousAccess
from fogbank.objects.buckets import Buckets
from fogbank.objects.configs import BucketConfigs
from fogbank.objects.lifecycle import LifecycleSweeper
from fogbank.objects.model import BucketConfig
from fogbank.objects.notifications import Enqueue, Notifier
from fogbank.objects.objects import Objects
from fogbank.objects.storage.files import FileBodies
from fogbank.objects.storage.sqlite import SqliteMetaStore
from fogbank.objects.store import Store
from fogbank.objects.uploads import Uploads
from fogbank.types import InvokePermission

INLINE_LIMIT = 128 * 1024


class ObjectsEngine:
    """Buckets and objects kept under `data_dir` (metadata.db, bodies/, tmp/).

    `enqueue(function_name, payload)` queues an asynchronous invocation (the node's
    AsyncInvoker.enqueue); without it notifications are not delivered. `may_invoke` asks a
    function's policy whether S3 may invoke it (the runtime's `permits`): a notification
    configuration naming a function that does not allow it is refused; without it none is.
    `clock` gives epoch seconds; the lifecycle sweeper runs every `sweep_interval_s` (0:
    never by itself — tests call `engine.sweeper.sweep()`).
    """

    def __init__(self, data_dir: Path, *, region: str = "us-east-1",
                 account_id: str = "000000000000", enqueue: Enqueue | None = None,
                 may_invoke: InvokePermission | None = None,
                 clock: Callable[[], float] = time.time, sweep_interval_s: float = 3600.0,
                 inline_limit: int = INLINE_LIMIT) -> None:
        self.data_dir = data_dir
        self.region = region
        self.account_id = account_id
        self._enqueue = enqueue
        self._may_invoke = may_invoke
        self._clock = clock
        self._sweep_interval = sweep_interval_s
        self._inline_limit = inline_limit
        self._store: Store | None = None

    async def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        store = Store(SqliteMetaStore(self.data_dir / "metadata.db"), FileBodies(self.data_dir),
                      inline_limit=self._inline_limit)
        self._store = store
        await store.db(_collect_garbage, store)
        self.buckets = Buckets(
            store, clock=self._clock,
            on_create=lambda *created: self.configs.initialize(*created),
            on_delete=lambda name: self.configs.forget(name))
        self.configs = BucketConfigs(store, self.buckets, account_id=self.account_id,
                                     region=self.region, may_invoke=self._may_invoke)
        self.anonymous = AnonymousAccess(self.configs.find, _object_acl(store))
        notifier = Notifier(lambda b: self.configs.find(b, BucketConfig.NOTIFICATION),
                            self._enqueue, region=self.region, clock=self._clock)
        self.objects = Objects(
            store, self.buckets, notifier, clock=self._clock,
            lifecycle=lambda b: self.configs.find(b, BucketConfig.LIFECYCLE),
            default_encryption=lambda b: self.configs.find(b, BucketConfig.ENCRYPTION),
            object_acl=self.configs.check_object_acl,
            versioning=lambda b: self.configs.find(b, BucketConfig.VERSIONING),
            object_lock=lambda b: self.configs.find(b, BucketConfig.OBJECT_LOCK),
            account_id=self.account_id)
        self.uploads = Uploads(store, self.buckets, self.objects, notifier, clock=self._clock)
        self.sweeper = LifecycleSweeper(store, self.configs, self.uploads, notifier,
                                        clock=self._clock, interval_s=self._sweep_interval)
        if self._sweep_interval > 0:
            self.sweeper.start()

    async def close(self) -> None:
        if self._store is None:
            return
        await self.sweeper.close()
        self._store.close()
        self._store = None


def _object_acl(store: Store):
    """An object's ACL text as its record keeps it; None for none, or no such object."""
    def read(bucket: str, key: str) -> str | None:
        record = store.reads.get_object(bucket, key)
        return record.info.headers.acl if record is not None else None
    return read


def _collect_garbage(store: Store) -> None:
    """Remove bodies no record refers to: a crash can leave one between a body's commit and
    its record's, or between a record's change and the removal of the body it replaced."""
    referenced = store.meta.body_ids()
    store.bodies.remove([body_id for body_id in store.bodies.ids() if body_id not in referenced])
