"""CORS on HTTP APIs: preflight answered by the gateway, headers added to responses."""
from __future__ import annotations

from fogbank.gateway.model import Cors

CORS = Cors(allow_origins=("https://app.example.com", "https://*.preview.example.com"),
            allow_methods=("GET", "POST"), allow_headers=("x-custom", "content-type"),
            expose_headers=("x-total",), max_age=600, allow_credentials=True)


def with_cors(gateway, http_api, cors=CORS):
    gateway.runtime.handlers["fn"] = lambda event, context: {
        "statusCode": 200, "body": "ok",
        "headers": {"Access-Control-Allow-Origin": "https://evil.example", "X-Total": "3"}}
    gateway.apis.put(http_api({"GET /items": "fn"}, cors=cors))


def preflight(gateway, origin="https://app.example.com", path="/items", **headers):
    return gateway.request("OPTIONS", gateway.url("abcdef1234", path=path), headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", **headers})


def test_preflight_is_answered_without_an_options_route(gateway, http_api) -> None:
    with_cors(gateway, http_api)
    r = preflight(gateway, **{"Access-Control-Request-Headers": "x-custom"})
    assert r.status_code == 204
    assert r.content == b""
    assert r.headers["access-control-allow-origin"] == "https://app.example.com"
    assert r.headers["access-control-allow-methods"] == "GET,POST"
    assert r.headers["access-control-allow-headers"] == "x-custom,content-type"
    assert r.headers["access-control-max-age"] == "600"
    assert r.headers["access-control-allow-credentials"] == "true"
    assert gateway.runtime.calls == []


def test_preflight_for_any_path(gateway, http_api) -> None:
    with_cors(gateway, http_api)
    r = preflight(gateway, path="/not/a/route")
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == "https://app.example.com"


def test_wildcard_origin_pattern(gateway, http_api) -> None:
    with_cors(gateway, http_api)
    r = preflight(gateway, origin="https://pr-7.preview.example.com")
    assert r.headers["access-control-allow-origin"] == "https://pr-7.preview.example.com"


def test_preflight_from_other_origin_gets_no_cors_headers(gateway, http_api) -> None:
    with_cors(gateway, http_api)
    r = preflight(gateway, origin="https://evil.example")
    assert r.status_code == 204
    assert not [h for h in r.headers if h.startswith("access-control-")]


def test_star_configuration(gateway, http_api) -> None:
    with_cors(gateway, http_api, Cors(allow_origins=("*",), allow_methods=("*",),
                                      allow_headers=("*",)))
    r = preflight(gateway, origin="https://anywhere.example",
                  **{"Access-Control-Request-Headers": "x-a,x-b"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["access-control-allow-methods"] == "POST"
    assert r.headers["access-control-allow-headers"] == "x-a,x-b"
    assert "access-control-max-age" not in r.headers
    assert "access-control-allow-credentials" not in r.headers


def test_response_gets_configured_headers_instead_of_the_functions(gateway, http_api) -> None:
    with_cors(gateway, http_api)
    r = gateway.request("GET", gateway.url("abcdef1234", path="/items"),
                        headers={"Origin": "https://app.example.com"})
    assert r.text == "ok"
    assert r.headers.get_list("access-control-allow-origin") == ["https://app.example.com"]
    assert r.headers["access-control-expose-headers"] == "x-total"
    assert r.headers["access-control-allow-credentials"] == "true"
    assert r.headers["x-total"] == "3"


def test_response_without_or_with_foreign_origin_has_no_cors_headers(gateway, http_api) -> None:
    with_cors(gateway, http_api)
    for headers in ({}, {"Origin": "https://evil.example"}):
        r = gateway.request("GET", gateway.url("abcdef1234", path="/items"), headers=headers)
        assert not [h for h in r.headers if h.startswith("access-control-")]


def test_plain_options_without_cors_is_routed(gateway, http_api) -> None:
    gateway.runtime.handlers["fn"] = lambda event, context: {"statusCode": 200, "body": "opt"}
    gateway.apis.put(http_api({"OPTIONS /items": "fn"}))
    r = preflight(gateway)
    assert (r.status_code, r.text) == (200, "opt")
