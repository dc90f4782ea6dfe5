"""The registry: URLs users are shown, which requests are for an API, unserved parts."""
from __future__ import annotations

from fogbank.gateway import ApiRegistry
from fogbank.gateway.model import Stage


def scope(path: str, host: str = "127.0.0.1:4566", kind: str = "http") -> dict:
    return {"type": kind, "path": path, "headers": [(b"host", host.encode())]}


def test_url_for_path_based_with_and_without_stage() -> None:
    apis = ApiRegistry()
    assert apis.url_for("abc", "$default") == "http://127.0.0.1:4566/_aws/execute-api/abc"
    assert apis.url_for("abc", "Prod", base="http://localhost:9000/") == (
        "http://localhost:9000/_aws/execute-api/abc/Prod")
    assert ApiRegistry("http://0.0.0.0:8080").url_for("abc", "v1") == (
        "http://0.0.0.0:8080/_aws/execute-api/abc/v1")


def test_urls_list_default_stage_first(http_api) -> None:
    apis = ApiRegistry()
    apis.put(http_api({"GET /a": "fn"}, stages={"b": {}, "$default": {}, "a": {}}))
    assert [stage for stage, _ in apis.urls("abcdef1234")] == ["$default", "a", "b"]
    assert apis.urls("unknown") == []


def test_urls_hide_a_stage_made_only_by_a_deployment(rest_api) -> None:
    api = rest_api({"GET /a": "fn"})
    api = type(api)(**{**api.__dict__, "stages": {
        "Stage": Stage("Stage", from_deployment=True), "Prod": Stage("Prod")}})
    apis = ApiRegistry()
    apis.put(api)
    assert [stage for stage, _ in apis.urls(api.api_id)] == ["Prod"]


def test_handles_both_address_forms() -> None:
    assert ApiRegistry.handles(scope("/_aws/execute-api/abc/x"))
    assert ApiRegistry.handles(scope("/x", host="abc123.execute-api.localhost:4566"))
    assert ApiRegistry.handles(scope("/", host="ABC123.execute-api.us-east-1.amazonaws.com"))
    assert not ApiRegistry.handles(scope("/2015-03-31/functions"))
    assert not ApiRegistry.handles(scope("/x", host="execute-api.localhost"))
    assert not ApiRegistry.handles(scope("/x", host="a_b.execute-api.localhost"))
    assert ApiRegistry.handles(scope("/_aws/execute-api/abc", kind="websocket"))
    assert not ApiRegistry.handles(scope("/_aws/execute-api/abc", kind="lifespan"))


def test_parts_of_an_unknown_api_are_kept_but_not_served(http_api) -> None:
    apis = ApiRegistry()
    apis.update("later", lambda api: type(api)(**{**api.__dict__,
                                                  "stages": {"p": Stage("p")}}))
    assert apis.live("later") is None
    assert list(apis) == []
    assert apis.get("later").stages == {"p": Stage("p")}
