"""What CloudFront adds to a request on its way to an edge-optimized REST API.

A REST API's default endpoint type, EDGE, puts a CloudFront distribution that API Gateway
manages in front of the API, so the integration sees the request as CloudFront forwards it:
with the viewer's country and device type, the protocol the viewer used, a `Via` naming the
CloudFront server and an `X-Amz-Cf-Id` per request (and CloudFront's address after the
client's in X-Forwarded-For, which request.py adds). A REGIONAL or PRIVATE REST API and
every HTTP API are reached directly and get none of these.

The country cannot be found locally, so it is the node's setting (`fogbank up
--viewer-country`). The device type is read from User-Agent roughly the way CloudFront reads
it: a tablet counts as a mobile device too, and anything not recognised as a phone, tablet
or smart TV (curl, SDKs, desktop browsers) is a desktop.
"""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field

from fogbank.config import DEFAULT_VIEWER_COUNTRY
from fogbank.ids import random_bytes

_SMART_TV = re.compile(r"smart-?tv|googletv|apple ?tv|hbbtv|netcast|roku|bravia|crkey|web0s"
                       r"|\baft[a-z]{1,3}\b", re.IGNORECASE)      # AFT…: Fire TV models
_TABLET = re.compile(r"ipad|tablet|kindle|silk/|playbook", re.IGNORECASE)
_MOBILE = re.compile(r"mobi|iphone|ipod|android|windows phone|blackberry|bb10|opera mini",
                     re.IGNORECASE)

# Header names CloudFront sets itself: a viewer's own values for them are not passed on.
_SET_BY_CLOUDFRONT = frozenset({
    "cloudfront-forwarded-proto", "cloudfront-is-desktop-viewer",
    "cloudfront-is-mobile-viewer", "cloudfront-is-smarttv-viewer",
    "cloudfront-is-tablet-viewer", "cloudfront-viewer-country", "x-amz-cf-id"})


def device_flags(user_agent: str) -> dict[str, bool]:
    """The CloudFront-Is-*-Viewer flags for a User-Agent, keyed Desktop, Mobile, SmartTV
    and Tablet."""
    tv = bool(_SMART_TV.search(user_agent))
    lower = user_agent.lower()
    android_tablet = "android" in lower and "mobile" not in lower     # phones say Mobile
    tablet = not tv and (bool(_TABLET.search(user_agent)) or android_tablet)
    mobile = not tv and (tablet or bool(_MOBILE.search(user_agent)))
    return {"Desktop": not (tv or mobile), "Mobile": mobile, "SmartTV": tv, "Tablet": tablet}


def _request_id() -> str:
    """An X-Amz-Cf-Id: 56 characters of URL-safe base64, as CloudFront's are."""
    return base64.urlsafe_b64encode(random_bytes(40)).decode()


@dataclass(frozen=True)
class CloudFront:
    """The distribution in front of a node's edge-optimized APIs; `country` is the one
    every viewer is taken to be in (an ISO 3166-1 alpha-2 code)."""

    country: str = DEFAULT_VIEWER_COUNTRY
    # The CloudFront server named in Via (32 hex digits), one per node run.
    server: str = field(default_factory=lambda: random_bytes(16).hex())

    def forward(self, headers: list[tuple[str, str]], scheme: str, http_version: str
                ) -> list[tuple[str, str]]:
        """`headers` (name, value) as CloudFront passes them on: its own headers added,
        a Via the viewer sent extended by this hop. `scheme` and `http_version` are the
        viewer's ("https", "2")."""
        kept, agent, via = [], "", ""
        for name, value in headers:
            lower = name.lower()
            if lower == "user-agent":
                agent = value
            if lower == "via":
                via = f"{value}, "
            elif lower not in _SET_BY_CLOUDFRONT:
                kept.append((name, value))
        flags = device_flags(agent)
        version = http_version if "." in http_version else f"{http_version}.0"
        return [*kept, ("CloudFront-Forwarded-Proto", scheme),
                *((f"CloudFront-Is-{kind}-Viewer", "true" if on else "false")
                  for kind, on in flags.items()),
                ("CloudFront-Viewer-Country", self.country),
                ("Via", f"{via}{version} {self.server}.cloudfront.net (CloudFront)"),
                ("X-Amz-Cf-Id", _request_id())]
