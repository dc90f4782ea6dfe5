"""Function URLs of API-made functions in the managed-functions engine: what it hands the URL
server, keeps on disk and refuses, and Lambda's Cors checks."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

import pytest

from fogbank.functions import (FunctionStore, ManagedFunctions, ResourceConflict,
                               TemplateFunction, UrlConfig, ValidationFailed)
from fogbank.functions.urls import check_cors
from fogbank.types import FunctionSpec, ResourceNotFound

from .test_managed import SETTINGS, NoLayers, Runtime, package, run


class Served:
    """A URL server double: what the engine last asked to be served, by function."""

    def __init__(self) -> None:
        self.urls: dict[str, Mapping[str, UrlConfig]] = {}

    def serve(self, function: str, urls: Mapping[str, UrlConfig]) -> None:
        self.urls[function] = dict(urls)


def engine(root: Path, runtime: Runtime, served: Served) -> ManagedFunctions:
    async def read_object(bucket: str, key: str) -> bytes:
        raise AssertionError("not used")
    return ManagedFunctions(FunctionStore(root), runtime, read_object=read_object,
                            layers=NoLayers(), urls=served, clock=lambda: 100.0)


def made(tmp_path: Path) -> tuple[ManagedFunctions, Served]:
    served = Served()
    managed = engine(tmp_path, Runtime(), served)
    run(managed.create("fn", SETTINGS, package("x"), tags={}, publish=False))
    return managed, served


def test_a_url_is_served_at_once_and_again_after_a_restart(tmp_path: Path) -> None:
    managed, served = made(tmp_path)
    url = run(managed.create_url("fn", None, auth_type="NONE", invoke_mode=None,
                                 cors={"AllowOrigins": ["*"]}))
    assert served.urls["fn"] == {"": url}
    assert (url.auth_type, url.invoke_mode, url.cors, url.created) == \
        ("NONE", "BUFFERED", {"AllowOrigins": ["*"]}, 100.0)
    assert len(url.url_id) == 32
    again = Served()
    engine(tmp_path, Runtime(), again).restore()
    assert again.urls["fn"] == {"": url}


def test_update_and_delete_change_what_is_served(tmp_path: Path) -> None:
    managed, served = made(tmp_path)
    url = run(managed.create_url("fn", None, auth_type="NONE", invoke_mode=None, cors=None))
    changed = run(managed.update_url("fn", None, {"auth_type": "AWS_IAM"}))
    assert changed.url_id == url.url_id and served.urls["fn"][""].auth_type == "AWS_IAM"
    run(managed.delete_url("fn", None))
    assert served.urls["fn"] == {}
    with pytest.raises(ResourceNotFound):
        run(managed.delete_url("fn", None))


def test_deleting_the_function_stops_its_urls(tmp_path: Path) -> None:
    managed, served = made(tmp_path)
    run(managed.create_url("fn", None, auth_type="NONE", invoke_mode=None, cors=None))
    run(managed.delete("fn", None))
    assert served.urls["fn"] == {}


def test_one_url_per_function_or_alias(tmp_path: Path) -> None:
    managed, _ = made(tmp_path)
    run(managed.create_url("fn", None, auth_type="NONE", invoke_mode=None, cors=None))
    with pytest.raises(ResourceConflict):
        run(managed.create_url("fn", None, auth_type="NONE", invoke_mode=None, cors=None))
    with pytest.raises(ResourceNotFound, match="Function does not exist"):
        run(managed.create_url("fn", "live", auth_type="NONE", invoke_mode=None, cors=None))


def test_a_template_function_refuses_a_url(tmp_path: Path) -> None:
    runtime = Runtime()
    runtime.deploy(FunctionSpec(name="tpl", handler="app.handler", code_dir=tmp_path))
    managed = engine(tmp_path / "store", runtime, Served())
    with pytest.raises(TemplateFunction):
        run(managed.create_url("tpl", None, auth_type="NONE", invoke_mode=None, cors=None))


def test_a_record_from_before_urls_loads_without_any(tmp_path: Path) -> None:
    managed, _ = made(tmp_path)
    path = tmp_path / "fn" / "function.json"
    raw = json.loads(path.read_text())
    del raw["urls"]
    path.write_text(json.dumps(raw))
    again = Served()
    engine(tmp_path, Runtime(), again).restore()
    assert again.urls["fn"] == {}


@pytest.mark.parametrize("cors, member", [
    ({"AllowMethods": ["OPTIONS"]}, "cors.allowMethods"),
    ({"AllowOrigins": ["x"] * 101}, "cors.allowOrigins"),
    ({"AllowHeaders": "x-a"}, "cors.allowHeaders"),
    ({"MaxAge": "60"}, "cors.maxAge"),
    ([], "cors"),
])
def test_bad_cors_is_refused(cors: Any, member: str) -> None:
    with pytest.raises(ValidationFailed, match=f"at '{member}'"):
        check_cors(cors)


def test_good_cors_passes() -> None:
    check_cors({"AllowOrigins": ["*"], "AllowMethods": ["*"], "MaxAge": 0,
                "AllowCredentials": False})
    check_cors(None)
