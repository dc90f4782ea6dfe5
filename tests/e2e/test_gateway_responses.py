"""A REST API's request validation and customised gateway responses under `fogbank up`, as
a browser's fetch or curl sees them: CORS headers on what the gateway refuses (a missing
route, an authorizer's deny, a bad body, a missing parameter), a custom status and body,
and a good request served."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from fogbank.testing import serving

APP = Path(__file__).parent / "apps" / "validated"
ORIGIN = "https://shop.example"


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Iterator[str]:
    app_dir = tmp_path_factory.mktemp("validated") / "validated"
    shutil.copytree(APP, app_dir)
    with serving(app_dir, "--no-watch") as node:
        info = node.wait_ready()
        yield info["apis"]["ShopApi (prod)"].rstrip("/")


def assert_refused_with_cors(r: httpx.Response, status: int) -> None:
    assert r.status_code == status
    assert r.headers["access-control-allow-origin"] == ORIGIN
    assert r.headers["content-type"] == "application/json"


def test_a_good_order_is_served(shop) -> None:
    r = httpx.post(shop + "/orders", params={"store": "north"},
                   json={"item": "lamp", "quantity": 2}, timeout=30)
    assert r.status_code == 201
    assert r.json() == {"store": "north", "order": {"item": "lamp", "quantity": 2}}
    assert "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize("order", [{"item": "lamp"}, {"item": "lamp", "quantity": 0}, "lamp"])
def test_a_bad_body_is_refused(shop, order) -> None:
    r = httpx.post(shop + "/orders", params={"store": "north"}, json=order, timeout=30)
    assert_refused_with_cors(r, 400)
    assert r.json() == {"message": "Invalid request body"}
    assert r.headers["x-amzn-errortype"] == "BadRequestException"


@pytest.mark.parametrize("params", [{}, {"store": ""}])
def test_a_missing_parameter_is_refused(shop, params) -> None:
    r = httpx.post(shop + "/orders", params=params, json={"item": "lamp", "quantity": 1},
                   timeout=30)
    assert_refused_with_cors(r, 400)
    assert r.json() == {"message": "Missing required request parameters: [store]"}


def test_a_missing_route_has_its_own_status_and_body(shop) -> None:
    r = httpx.get(shop + "/basket", timeout=30)
    assert_refused_with_cors(r, 404)
    assert r.json() == {"error": "no such route", "path": "/prod/basket",
                        "requestId": r.headers["x-amzn-requestid"]}
    assert r.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"


def test_the_authorizers_refusals_carry_cors_headers(shop) -> None:
    unauthorized = httpx.get(shop + "/mine", timeout=30)
    assert_refused_with_cors(unauthorized, 401)
    assert unauthorized.json() == {"message": "Unauthorized"}
    denied = httpx.get(shop + "/mine", headers={"Authorization": "nope"}, timeout=30)
    assert_refused_with_cors(denied, 403)
    assert denied.json()["Message"].startswith("User is not authorized")
    allowed = httpx.get(shop + "/mine", headers={"Authorization": "allow"}, timeout=30)
    assert allowed.status_code == 200
