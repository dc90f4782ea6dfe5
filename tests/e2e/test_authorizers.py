"""Lambda authorizers in front of an HTTP API and a REST API, under `fogbank up`, with curl's
view of every answer."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from fogbank.testing import RunningNode, serving

APP = Path(__file__).parent / "apps" / "authorized"


@pytest.fixture(scope="module")
def apis(tmp_path_factory) -> Iterator[tuple[RunningNode, str, str]]:
    app_dir = tmp_path_factory.mktemp("authorized") / "authorized"
    shutil.copytree(APP, app_dir)
    with serving(app_dir, "--no-watch") as node:
        info = node.wait_ready()
        (http,) = [u for k, u in info["apis"].items() if k.startswith("HttpApi")]
        (rest,) = [u for k, u in info["apis"].items() if k.startswith("RestApi")]
        yield node, http.rstrip("/"), rest.rstrip("/")


def get(url: str, token: str | None = None) -> httpx.Response:
    return httpx.get(url, headers={"Authorization": token} if token else {}, timeout=30)


def test_http_api_lambda_authorizer(apis) -> None:
    _, http, _ = apis
    allowed = get(http + "/me", "allow")
    assert allowed.status_code == 200
    assert allowed.json() == {"lambda": {"user": "ada", "level": 3}}
    for token, answer in ((None, (401, "Unauthorized")), ("deny", (403, "Forbidden")),
                          ("boom", (500, "Internal Server Error"))):
        r = get(http + "/me", token)
        assert (r.status_code, r.json()) == (answer[0], {"message": answer[1]}), token
    opened = get(http + "/open")
    assert (opened.status_code, opened.json()) == (200, None)


def test_rest_api_token_authorizer(apis) -> None:
    _, _, rest = apis
    allowed = get(rest + "/me", "allow")
    assert allowed.status_code == 200
    authorizer = allowed.json()
    assert (authorizer["principalId"], authorizer["user"], authorizer["level"]) == (
        "ada", "ada", "3")                       # a REST API hands the context on as strings
    for token in (None, "unauthorized"):
        r = get(rest + "/me", token)
        assert (r.status_code, r.json()) == (401, {"message": "Unauthorized"}), token
    denied = get(rest + "/me", "deny")
    assert denied.status_code == 403
    assert denied.json()["Message"].startswith("User is not authorized to access this resource")


def test_rest_api_caches_a_token_decision(apis) -> None:
    node, _, rest = apis
    for _ in range(3):
        assert get(rest + "/me", "allow-cached").status_code == 403     # denied, then cached
    assert node.logs("rest-authorizer").count("authorizing allow-cached\n") == 1
