"""Mapping templates under `fogbank up`, driven by httpx and the `websockets` client: a
REST method's non-proxy Lambda integration builds its event and its answer with Velocity
templates, and a WebSocket route does the same for a message and its reply."""
from __future__ import annotations

import json
from typing import Iterator

import httpx
import pytest
from websockets.sync.client import connect

from tests.e2e.conftest import serving_app


@pytest.fixture(scope="module")
def apis(tmp_path_factory) -> Iterator[dict[str, str]]:
    with serving_app(tmp_path_factory, "mapped") as urls:
        yield urls


def test_a_rest_method_maps_its_request_and_answer(apis) -> None:
    r = httpx.put(apis["ShopApi (live)"] + "/orders/o-17",
                  json={"item": "Ann's \"best\" tea", "quantity": 4},
                  headers={"X-Caller": "kiosk"}, timeout=60)
    assert r.status_code == 201, r.text
    assert r.headers["content-type"] == "application/json"
    assert (r.headers["x-order-id"], r.headers["x-shop"]) == ("o-17", "fogbank")
    assert r.json() == {"order": "o-17", "summary": "4 x Ann's \"best\" tea = 10.0",
                        "by": "kiosk", "stage": "production", "sameRequest": True}
    # Unset in the body: the template's default.
    r = httpx.put(apis["ShopApi (live)"] + "/orders/o-18", json={"item": "cup"}, timeout=60)
    assert r.json()["summary"] == "1 x cup = 2.5"


def test_a_function_error_chooses_the_400_template(apis) -> None:
    r = httpx.put(apis["ShopApi (live)"] + "/orders/o-19", json={"item": "mug", "quantity": -1},
                  timeout=60)
    assert r.status_code == 400
    assert r.json() == {"error": "Invalid quantity for mug"}
    assert "x-shop" not in r.headers


def test_without_a_template_for_the_type_the_method_answers_415(apis) -> None:
    r = httpx.put(apis["ShopApi (live)"] + "/orders/o-20", content=b"item=mug",
                  headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=60)
    assert r.status_code == 415
    assert r.json() == {"message": "Unsupported Media Type"}


def test_a_websocket_route_maps_its_message_and_reply(apis) -> None:
    with connect(apis["GreetApi (prod)"], open_timeout=60) as ws:
        ws.send(json.dumps({"action": "greet", "name": "Ann"}))
        assert json.loads(ws.recv(timeout=60)) == {"reply": "hello Ann", "mine": True,
                                                   "route": "greet"}
        ws.send(json.dumps({"action": "greet", "style": "formal", "name": "Bo"}))
        assert json.loads(ws.recv(timeout=60))["reply"] == "hello dear Bo"
