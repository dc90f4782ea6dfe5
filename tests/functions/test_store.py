"""Records and code on disk: written whole or not at all, read back as written."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from fogbank.functions.archive import describe
from fogbank.functions.records import Alias, FunctionRecord, Revision, Settings
from fogbank.functions.store import FunctionStore
from fogbank.types import EventInvokeConfig, FunctionPermission


def package(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", text)
    return buf.getvalue()


def record(name: str, data: bytes) -> FunctionRecord:
    package_ = describe(data)
    settings = Settings(runtime="python3.12", handler="app.handler", role="r",
                        environment={"A": "1"}, layers=("arn:layer:1",),
                        logging_config={"LogFormat": "Text"})
    latest = Revision(settings, package_.sha256, package_.size, 1.5, "rev-1")
    return FunctionRecord(
        name, latest, versions={"1": latest}, last_version=1,
        aliases={"live": Alias("1", "rev-a", "desc", {"2": 0.5})}, tags={"t": "v"},
        reserved_concurrency=3,
        permissions=(FunctionPermission("sid", "s3.amazonaws.com", qualifier="live"),),
        event_invoke_configs={"$LATEST": EventInvokeConfig(maximum_retry_attempts=1)})


def test_a_record_reads_back_as_written(tmp_path: Path) -> None:
    store = FunctionStore(tmp_path)
    data = package("x = 1\n")
    store.add_code("fn", data, describe(data))
    kept = record("fn", data)
    store.save(kept)
    assert FunctionStore(tmp_path).load() == [kept]
    assert (store.code_dir("fn", describe(data).key) / "app.py").read_text() == "x = 1\n"


def test_unused_code_goes_and_leftovers_are_cleared(tmp_path: Path) -> None:
    store = FunctionStore(tmp_path)
    old, new = package("old\n"), package("new\n")
    for data in (old, new):
        store.add_code("fn", data, describe(data))
    store.save(record("fn", new))
    assert not store.code_dir("fn", describe(old).key).exists()
    # What a crash leaves: a function never acknowledged, a half-written record.
    (tmp_path / "half" / "code").mkdir(parents=True)
    (tmp_path / "fn" / ".partial-function.json").write_text("{")
    assert [r.name for r in FunctionStore(tmp_path).load()] == ["fn"]
    assert not (tmp_path / "half").exists()


def test_delete_removes_everything(tmp_path: Path) -> None:
    store = FunctionStore(tmp_path)
    data = package("x\n")
    store.add_code("fn", data, describe(data))
    store.save(record("fn", data))
    store.delete("fn")
    assert store.load() == [] and list(tmp_path.iterdir()) == []
