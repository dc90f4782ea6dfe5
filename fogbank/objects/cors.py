"""Which rule of a bucket's CORS configuration allows a cross-origin request.

S3 takes the first rule whose AllowedOrigins match the Origin (one `*` wildcard allowed in
each), whose AllowedMethods hold the method and whose AllowedHeaders match every header the
preflight names (case-insensitively, `*` wildcards again).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Mapping

from fogbank.objects.model import CorsRule

NOT_ALLOWED = ("CORSResponse: This CORS request is not allowed. This is usually because the "
               "evalution of Origin, request method / Access-Control-Request-Method or "
               "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.")


@lru_cache(maxsize=1024)
def _pattern(wildcard: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in wildcard.split("*")), re.IGNORECASE)


def _matches(patterns: Iterable[str], value: str) -> str | None:
    for pattern in patterns:
        if _pattern(pattern).fullmatch(value):
            return pattern
    return None


def match(document: Mapping[str, Any], origin: str, method: str,
          request_headers: Iterable[str] = ()) -> CorsRule | None:
    headers = [h.strip() for h in request_headers if h.strip()]
    for rule in document.get("CORSRules") or []:
        origin_pattern = _matches(rule.get("AllowedOrigins") or [], origin)
        if origin_pattern is None or method.upper() not in (rule.get("AllowedMethods") or []):
            continue
        allowed = rule.get("AllowedHeaders") or []
        if any(_matches(allowed, h) is None for h in headers):
            continue
        max_age = rule.get("MaxAgeSeconds")
        return CorsRule(allowed_origin=origin_pattern,
                        allowed_methods=tuple(rule.get("AllowedMethods") or ()),
                        allowed_headers=tuple(allowed),
                        expose_headers=tuple(rule.get("ExposeHeaders") or ()),
                        max_age_seconds=None if max_age is None else int(max_age))
    return None
