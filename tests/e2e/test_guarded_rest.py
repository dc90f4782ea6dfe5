"""A REST API's resource policy and a non-proxy Lambda method under `fogbank up`, called
with curl-like clients: the policy lets loopback callers in and refuses DELETE with API
Gateway's access-denied answer; the non-proxy method answers with the function's result
as its body, and a function error matching a selection pattern with that status."""
from __future__ import annotations

from typing import Iterator

import httpx
import pytest

from tests.e2e.conftest import serving_app


@pytest.fixture(scope="module")
def apis(tmp_path_factory) -> Iterator[dict[str, str]]:
    with serving_app(tmp_path_factory, "guarded_rest") as urls:
        yield urls


def test_the_policy_allows_loopback_callers(apis) -> None:
    r = httpx.get(apis["LedgerApi (live)"] + "/entries", timeout=30)
    assert (r.status_code, r.json()) == (200, {"entries": ["rent", "food"]})


def test_the_policy_denies_delete_explicitly(apis) -> None:
    base = apis["LedgerApi (live)"]
    r = httpx.delete(base + "/entries", timeout=30)
    assert r.status_code == 403
    assert r.headers["x-amzn-errortype"] == "AccessDeniedException"
    api_id = base.split("/_aws/execute-api/")[1].split("/")[0]
    assert r.json() == {"Message": (
        "User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
        f"arn:aws:execute-api:us-east-1:********0000:{api_id}/live/DELETE/entries with an "
        "explicit deny in a resource-based policy")}


def test_a_non_proxy_method_passes_the_body_through(apis) -> None:
    r = httpx.post(apis["TotalsApi (live)"] + "/total", json={"numbers": [2, 3.5]}, timeout=30)
    assert r.status_code == 200
    assert r.json() == {"total": 5.5, "count": 2}
    assert r.headers["x-ledger"] == "totals"
    assert r.headers["content-type"] == "application/json"


def test_a_non_proxy_function_error_chooses_its_response(apis) -> None:
    r = httpx.post(apis["TotalsApi (live)"] + "/total", json={"numbers": [1, "x"]},
                   timeout=30)
    assert r.status_code == 400
    assert r.json()["errorMessage"] == "Not a number: 'x'"
    assert "x-ledger" not in r.headers
