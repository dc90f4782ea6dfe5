"""Which API and stage an incoming request is addressed to.

Two forms reach the same API on the node's single port:
- host-based: `http://{apiId}.execute-api.localhost:4566/{stage}/path` (browsers and curl
  resolve `*.localhost`; any `{apiId}.execute-api.…` host name is accepted);
- path-based: `http://127.0.0.1:4566/_aws/execute-api/{apiId}/{stage}/path` (needs no DNS).
`GatewayApp` recognises both from the ASGI scope itself, so node.py passes it the scope
unchanged once `is_api_request(scope)` says the request is for an API.
For an HTTP API the `$default` stage has no stage segment; a first segment naming another
stage selects that stage.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from fogbank.wire import host_header
from fogbank.gateway.model import DEFAULT_STAGE, HTTP, Api, Stage

PATH_PREFIX = "/_aws/execute-api/"
_PREFIX = PATH_PREFIX.encode()
_API_ID = re.compile(r"[a-z0-9]{1,64}")


@dataclass(frozen=True)
class Address:
    api_id: str
    raw_path: str          # after the API part, percent-encoded: "/prod/items/1"
    host: str              # the Host header as sent
    host_based: bool


def _host(scope: dict) -> str:
    return host_header(scope)


def _api_id_from_host(host: str) -> str | None:
    labels = host.split(":", 1)[0].lower().split(".")
    if len(labels) >= 3 and labels[1] == "execute-api" and _API_ID.fullmatch(labels[0]):
        return labels[0]
    return None


def is_api_request(scope: dict) -> bool:
    """Whether an HTTP or WebSocket scope is addressed to an API (by host name or path
    prefix)."""
    if scope.get("type") not in ("http", "websocket"):
        return False
    if scope["path"].startswith(PATH_PREFIX):
        return True
    return _api_id_from_host(_host(scope)) is not None


def address_of(scope: dict) -> Address | None:
    host = _host(scope)
    raw = scope.get("raw_path") or quote(scope["path"]).encode()
    raw = raw.split(b"?", 1)[0]
    if raw.startswith(_PREFIX):
        api_id, _, rest = raw[len(_PREFIX):].partition(b"/")
        if not api_id:
            return None
        return Address(api_id.decode("latin-1"), "/" + rest.decode("latin-1"), host, False)
    api_id = _api_id_from_host(host)
    if api_id is None:
        return None
    return Address(api_id, raw.decode("latin-1") or "/", host, True)


def select_stage(api: Api, raw_path: str) -> tuple[Stage, str] | None:
    """(stage, path within the stage), or None when no stage serves the path."""
    first, _, rest = raw_path[1:].partition("/")
    stage = api.stages.get(first) if first != DEFAULT_STAGE else None
    if stage is not None:
        return stage, "/" + rest
    if api.protocol == HTTP and DEFAULT_STAGE in api.stages:
        return api.stages[DEFAULT_STAGE], raw_path
    return None
