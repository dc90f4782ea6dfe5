"""Which bucket and key a request addresses, and whether a request is for S3 at all.

Two addressing styles reach the same bucket on the node's single port:
- path style: `http://127.0.0.1:4566/{bucket}/{key}` (what boto3 and the AWS CLI send for an
  endpoint given by IP address, and what needs no DNS);
- virtual-hosted style: `http://{bucket}.s3.localhost:4566/{key}` or
  `http://{bucket}.localhost:4566/{key}` (what boto3 sends for an endpoint named
  `http://localhost:4566` or `http://s3.localhost:4566`; browsers and curl resolve
  `*.localhost` to the loopback address without any DNS set-up).
`s3.localhost` itself is the service host, addressed path style. Other `*.localhost` names that
Fogbank gives a meaning (`{api}.execute-api.localhost`, `{bucket}.s3-website.localhost`) are
dispatched before S3 sees a request. A virtual-hosted request is rewritten to its path-style
form, so the protocol routes one shape of path.
"""
from __future__ import annotations

from urllib.parse import unquote

from fogbank.aws.errors import IncompleteSignature
from fogbank.aws.services import recognise
from fogbank.aws.sigv4 import credential_scope
from fogbank.wire import WireRequest

LOCAL_DOMAIN = ".localhost"
SERVICE_HOST = "s3.localhost"
# Labels under .localhost that name something other than a bucket.
RESERVED_LABELS = ("execute-api", "s3-website")


def host_bucket(host: str) -> str | None:
    """The bucket a virtual-hosted Host header names; None for path style."""
    name = host.strip().lower()
    if name.startswith("["):
        return None                                    # an IPv6 literal: path style
    name = name.rsplit(":", 1)[0]
    if not name.endswith(LOCAL_DOMAIN) or name == SERVICE_HOST:
        return None
    bucket = name[: -len(LOCAL_DOMAIN)]
    if bucket.endswith(".s3"):
        bucket = bucket[: -len(".s3")]
    if not bucket or bucket.rsplit(".", 1)[-1] in RESERVED_LABELS:
        return None
    return bucket


def path_style(host: str, raw_path: str) -> str:
    """The request's path as path-style addressing writes it: `/{bucket}/{key}`."""
    bucket = host_bucket(host)
    if bucket is None:
        return raw_path or "/"
    return f"/{bucket}" if raw_path in ("", "/") else f"/{bucket}{raw_path}"


def resource(path: str) -> str:
    """The `<Resource>` of an error: the decoded path-style path."""
    return unquote(path, errors="replace")


def is_s3_request(request: WireRequest) -> bool:
    """Whether S3 serves this request: a bucket host, an S3 signature, or nothing that names
    another service (anonymous GETs, browser preflights and form POSTs carry no signature)."""
    if host_bucket(request.header("host") or "") is not None:
        return True
    if (request.header("host") or "").lower().rsplit(":", 1)[0] == SERVICE_HOST:
        return True
    if request.header("x-amz-target"):                # a JSON-protocol call names its service
        return False
    if request.method == "OPTIONS" and "x-amz-target" in (
            request.header("access-control-request-headers") or "").lower():
        return False            # a browser's preflight of such a call, which S3 never makes
    authorization = request.header("authorization") or ""
    if authorization.startswith("AWS "):               # Signature Version 2: S3 only
        return True
    try:
        scope = credential_scope(request)
    except IncompleteSignature:
        # A header no service can read: S3 answers it in its own words, unless the request
        # is a path of another service's (whose SDK edge reports it).
        return recognise(request, None) is None
    return recognise(request, scope) in ("s3", None)
