"""CORS for buckets: preflight answers and the Access-Control-* headers of actual requests,
from the rule of the bucket's CORS configuration the engine matches (the engine also gives
S3's AccessForbidden when none does)."""
from __future__ import annotations

from typing import Any

from fogbank.wire import WireRequest, WireResponse
from fogbank.objects import CorsRule
from fogbank.objects.errors import S3Error

class BadRequest(S3Error):
    code = "BadRequest"
    status = 400


def bucket_of(routed: WireRequest) -> str:
    return routed.raw_path.lstrip("/").split("/", 1)[0]


def names_a_key(routed: WireRequest) -> bool:
    parts = routed.raw_path.lstrip("/").split("/", 1)
    return len(parts) == 2 and parts[1] != ""


class Cors:
    def __init__(self, engine: Any) -> None:
        self._engine = engine            # its parts exist once it has started

    @property
    def _configs(self) -> Any:
        return self._engine.configs

    async def preflight(self, routed: WireRequest) -> WireResponse:
        origin = routed.header("origin")
        method = routed.header("access-control-request-method")
        bucket = bucket_of(routed)
        if not origin:
            raise BadRequest("Insufficient information. Origin request header needed.")
        if not bucket:
            raise BadRequest("Insufficient information. A bucket is needed.")
        wanted = _header_list(routed.header("access-control-request-headers"))
        rule = await self._configs.preflight(bucket, origin, method, wanted,
                                             on_object=names_a_key(routed))
        headers = _allow(rule, origin)
        if wanted:
            headers["Access-Control-Allow-Headers"] = ", ".join(wanted)
        return WireResponse(200, headers)

    async def response_headers(self, routed: WireRequest) -> dict[str, str]:
        """Headers for an actual request with an Origin the bucket allows; none otherwise."""
        origin = routed.header("origin")
        bucket = bucket_of(routed)
        if not origin or not bucket:
            return {}
        # S3 matches a request that carries Access-Control-Request-Method (or -Headers) by
        # that method and those headers, as it would a preflight, whatever the request's own.
        method = routed.header("access-control-request-method") or routed.method
        wanted = _header_list(routed.header("access-control-request-headers"))
        try:
            rule = await self._configs.cors_rule(bucket, origin, method, wanted)
        except S3Error:
            return {}                        # no such bucket: the answer says so already
        return _allow(rule, origin) if rule is not None else {}


def _allow(rule: CorsRule, origin: str) -> dict[str, str]:
    headers = {"Access-Control-Allow-Methods": ", ".join(rule.allowed_methods),
               "Vary": "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"}
    if rule.allowed_origin == "*":
        headers["Access-Control-Allow-Origin"] = "*"
    else:
        # A named origin is echoed and may send credentials, as S3 answers.
        headers["Access-Control-Allow-Origin"] = origin
        headers["Access-Control-Allow-Credentials"] = "true"
    if rule.expose_headers:
        headers["Access-Control-Expose-Headers"] = ", ".join(rule.expose_headers)
    # S3 sends the rule's MaxAgeSeconds on actual requests too, not only on preflights.
    if rule.max_age_seconds is not None:
        headers["Access-Control-Max-Age"] = str(rule.max_age_seconds)
    return headers


def _header_list(text: str | None) -> tuple[str, ...]:
    return tuple(h.strip().lower() for h in (text or "").split(",") if h.strip())
