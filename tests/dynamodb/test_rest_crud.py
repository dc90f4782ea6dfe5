"""examples/rest-crud through `fogbank up`, driven the way its README drives it with curl."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from fogbank.testing import RunningNode

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "rest-crud"


@pytest.fixture(scope="module")
def rest_crud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(the MyResource URL, the table's name) of a running copy of the example."""
    app = tmp_path_factory.mktemp("rest-crud") / "rest-crud"
    shutil.copytree(EXAMPLE, app, ignore=shutil.ignore_patterns(".fogbank", "__pycache__"))
    node = RunningNode(app, "--no-watch")
    try:
        info = node.wait_ready()
        (base,) = info["apis"].values()
        yield base.rstrip("/") + "/MyResource", info["outputs"]["TableName"]
    finally:
        node.stop()


def call(method: str, url: str, **kwargs) -> httpx.Response:
    return httpx.request(method, url, timeout=60, **kwargs)


def test_post_get_put_delete(rest_crud: tuple[str, str]) -> None:
    url, table = rest_crud
    item = {"id": {"S": "42"}, "name": {"S": "Ada"}, "visits": {"N": "1"}}
    r = call("POST", url, json={"TableName": table, "Item": item})
    assert r.status_code == 200, r.text
    r = call("GET", url, params={"TableName": table})
    assert r.status_code == 200, r.text
    assert r.json()["Items"] == [item] and r.json()["Count"] == 1
    r = call("PUT", url, json={
        "TableName": table, "Key": {"id": {"S": "42"}},
        "UpdateExpression": "SET #n = :n ADD visits :one",
        "ExpressionAttributeNames": {"#n": "name"},
        "ExpressionAttributeValues": {":n": {"S": "Grace"}, ":one": {"N": "1"}},
        "ReturnValues": "ALL_NEW"})
    assert r.status_code == 200, r.text
    assert r.json()["Attributes"] == {"id": {"S": "42"}, "name": {"S": "Grace"},
                                      "visits": {"N": "2"}}
    r = call("DELETE", url, json={"TableName": table, "Key": {"id": {"S": "42"}},
                                  "ReturnValues": "ALL_OLD"})
    assert r.status_code == 200, r.text
    assert r.json()["Attributes"]["name"] == {"S": "Grace"}
    assert call("GET", url, params={"TableName": table}).json()["Count"] == 0


def test_table_name_defaults_to_the_environment(rest_crud: tuple[str, str]) -> None:
    url, table = rest_crud
    r = call("POST", url, json={"Item": {"id": {"S": "env"}}})
    assert r.status_code == 200, r.text
    ids = [it["id"]["S"] for it in call("GET", url).json()["Items"]]
    assert "env" in ids
    call("DELETE", url, json={"TableName": table, "Key": {"id": {"S": "env"}}})


def test_dynamodb_errors_come_back_as_400(rest_crud: tuple[str, str]) -> None:
    url, table = rest_crud
    r = call("GET", url, params={"TableName": "no-such-table"})
    assert r.status_code == 400
    assert r.json()["code"] == "ResourceNotFoundException"
    r = call("POST", url, json={"TableName": table, "Item": {"name": {"S": "no key"}}})
    assert r.status_code == 400
    assert r.json() == {"code": "ValidationException", "message": "One or more parameter values "
                        "were invalid: Missing the key id in the item"}


def test_unsupported_method_and_bad_body(rest_crud: tuple[str, str]) -> None:
    url, _ = rest_crud
    r = call("PATCH", url, content=b"{}")
    assert r.status_code == 400
    assert r.json() == {"message": 'Unsupported method "PATCH"'}
    r = call("POST", url, content=b"not json")
    assert r.status_code == 400
    assert r.json()["message"].startswith("The body is not JSON")


def test_other_paths_are_not_routed(rest_crud: tuple[str, str]) -> None:
    url, _ = rest_crud
    assert call("GET", url.rsplit("/", 1)[0] + "/Elsewhere").status_code in (403, 404)
