"""Route selection: the most specific route wins, as API Gateway chooses."""
from __future__ import annotations

import pytest

from fogbank.gateway.routing import Router


def router_for(build, keys: list[str]) -> Router:
    return Router(build({key: key for key in keys}))


# AWS's own example (HTTP APIs, "Working with routes"): full match, then greedy, then $default.
AWS_EXAMPLE = ["GET /pets/dog/1", "GET /pets/dog/{id}", "GET /pets/{proxy+}",
               "ANY /{proxy+}", "$default"]


@pytest.mark.parametrize("method, path, expected", [
    ("GET", "/pets/dog/1", "GET /pets/dog/1"),
    ("GET", "/pets/dog/2", "GET /pets/dog/{id}"),
    ("GET", "/pets/cat/1", "GET /pets/{proxy+}"),
    ("POST", "/pets/dog/1", "ANY /{proxy+}"),
    ("GET", "/", "$default"),
])
def test_http_api_precedence(http_api, method, path, expected) -> None:
    match = router_for(http_api, AWS_EXAMPLE).match(method, path)
    assert match is not None and match.route.key == expected


def test_method_beats_any_on_the_same_path(http_api) -> None:
    router = router_for(http_api, ["ANY /items", "POST /items"])
    assert router.match("POST", "/items").route.key == "POST /items"
    assert router.match("GET", "/items").route.key == "ANY /items"


def test_variable_beats_greedy_even_when_shorter_literal_prefix(http_api) -> None:
    router = router_for(http_api, ["GET /a/b/{proxy+}", "GET /a/{id}/c"])
    assert router.match("GET", "/a/b/c").route.key == "GET /a/{id}/c"


def test_rest_api_prefers_the_leftmost_literal(rest_api) -> None:
    router = router_for(rest_api, ["GET /a/b/{proxy+}", "GET /a/{id}/c"])
    assert router.match("GET", "/a/b/c").route.key == "GET /a/b/{proxy+}"
    assert router.match("GET", "/a/x/c").route.key == "GET /a/{id}/c"


def test_greedy_needs_at_least_one_segment(http_api) -> None:
    router = router_for(http_api, ["GET /files/{proxy+}"])
    assert router.match("GET", "/files") is None
    match = router.match("GET", "/files/x/y/z")
    assert match.path_parameters == {"proxy": "x/y/z"}


def test_no_match_without_default_route(http_api) -> None:
    router = router_for(http_api, ["GET /a"])
    assert router.match("GET", "/b") is None
    assert router.match("PUT", "/a") is None


def test_trailing_slash_matches_the_same_route(http_api) -> None:
    router = router_for(http_api, ["GET /a"])
    assert router.match("GET", "/a/").route.key == "GET /a"


def test_variables_match_one_segment_only(http_api) -> None:
    router = router_for(http_api, ["GET /u/{id}"])
    assert router.match("GET", "/u/1/2") is None
    assert router.match("GET", "/u/a%2Fb").path_parameters == {"id": "a/b"}


def test_route_without_integration_is_not_served(http_api) -> None:
    api = http_api({"GET /a": "fn"})
    api = type(api)(**{**api.__dict__, "integrations": {}})
    assert Router(api).match("GET", "/a") is None
