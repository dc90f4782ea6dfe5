"""Static website hosting: buckets served as S3's website endpoints serve them.

Addresses (both reach the same site on the node's port):
- host-based: `http://{bucket}.s3-website.localhost:4566/path` — what `website_url` gives
  and `fogbank up` prints (browsers and curl resolve `*.localhost` to the loopback);
- path-based: `http://127.0.0.1:4566/_aws/s3-website/{bucket}/path` (needs no DNS, but a
  site's absolute links point at the host-based form).
Behaviour, as S3's website endpoint: GET and HEAD only; `RedirectAllRequestsTo`; index
documents for `/` and every folder (`/docs` redirects to `/docs/` when `docs/index.html`
exists); RoutingRules on key prefix and error code; an object's website redirect
location; 403 unless anyone may s3:GetObject the key (the bucket policy, or a public-read
object ACL where ACLs count, under the bucket's Block Public Access), and 403 rather than 404
for a missing key unless anyone may also s3:ListBucket; the error document with the error's
status, else S3's HTML error page.
"""
from __future__ import annotations

import html
import uuid
from email.utils import formatdate, parsedate_to_datetime
from typing import Any, Awaitable, Callable, Mapping
from urllib.parse import unquote, urlsplit

from fogbank.wire import host_header
from fogbank.objects import BucketConfig, Conditions, GetObject, ObjectsEngine, Range
from fogbank.objects.errors import AccessDenied, NotModified, S3Error

PATH_PREFIX = "/_aws/s3-website/"
HOST_LABEL = "s3-website"
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
_REASONS = {301: "Moved Permanently", 302: "Found", 304: "Not Modified", 403: "Forbidden",
            404: "Not Found", 405: "Method Not Allowed", 416: "Requested Range Not Satisfiable"}


def website_url(bucket: str, endpoint_url: str) -> str:
    port = urlsplit(endpoint_url).port
    return f"http://{bucket}.{HOST_LABEL}.localhost{f':{port}' if port else ''}"


def _host(scope: dict) -> str:
    return host_header(scope).lower()


def _bucket_from_host(host: str) -> str | None:
    labels = host.rsplit(":", 1)[0].split(".") if not host.startswith("[") else []
    for i, label in enumerate(labels):
        if label.startswith(HOST_LABEL) and i > 0:
            return ".".join(labels[:i])
    return None


def is_website_request(scope: dict) -> bool:
    if scope.get("type") != "http":
        return False
    return scope["path"].startswith(PATH_PREFIX) or _bucket_from_host(_host(scope)) is not None


def address(scope: dict) -> tuple[str, str, str]:
    """(bucket, key path without the leading slash, URL prefix of the site)."""
    raw = (scope.get("raw_path") or scope["path"].encode()).split(b"?", 1)[0]
    path = unquote(raw.decode("latin-1"))
    if path.startswith(PATH_PREFIX):
        bucket, _, rest = path[len(PATH_PREFIX):].partition("/")
        return bucket, rest, PATH_PREFIX + bucket
    return _bucket_from_host(_host(scope)) or "", path[1:], ""


class Answer(Exception):
    """A response decided early (an error page or a redirect)."""

    def __init__(self, status: int, headers: Mapping[str, str] | None = None,
                 body: bytes = b"") -> None:
        self.status, self.headers, self.body = status, dict(headers or {}), body


def _items(pairs: Any) -> str:
    lines = "".join(f"<li>{name}: {html.escape(str(value))}</li>\n" for name, value in pairs)
    return f"<ul>\n{lines}</ul>\n"


def error_page(status: int, code: str, message: str, extra: Mapping[str, str],
               error_document: S3Error | None = None) -> Answer:
    """S3's HTML error page; `error_document`: why the bucket's own error document could
    not be served, which S3 adds below the error in a section of its own."""
    title = f"{status} {_REASONS.get(status, '')}".strip()
    request_id = uuid.uuid4().hex[:16].upper()
    # Fogbank's host id is the request id, as in the REST API's error bodies.
    body = (f"<html>\n<head><title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n"
            + _items([("Code", code), ("Message", message), *extra.items(),
                      ("RequestId", request_id), ("HostId", request_id)]))
    if error_document is not None:
        body += ("<h3>An Error Occurred While Attempting to Retrieve a Custom Error "
                 "Document</h3>\n" + _items([("Code", error_document.code),
                                             ("Message", error_document.message),
                                             *error_document.extra.items()]))
    body += "<hr/>\n</body>\n</html>\n"
    return Answer(status, {"content-type": "text/html; charset=utf-8"}, body.encode())


class WebsiteApp:
    """The ASGI app serving website buckets of an ObjectsEngine."""

    def __init__(self, engine: ObjectsEngine) -> None:
        self._engine = engine

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        try:
            await self._serve(scope, send)
        except Answer as answer:
            await _send(send, answer.status, answer.headers,
                        b"" if scope["method"] == "HEAD" else answer.body)

    async def _serve(self, scope: dict, send: Send) -> None:
        bucket, path, site = address(scope)
        if scope["method"] not in ("GET", "HEAD"):
            raise error_page(405, "MethodNotAllowed", "The specified method is not allowed "
                             "against this resource.", {"Method": scope["method"],
                                                        "ResourceType": "OBJECT"})
        config = await self._config(bucket)
        host = _host(scope)
        if "RedirectAllRequestsTo" in config:
            target = config["RedirectAllRequestsTo"]
            protocol = target.get("Protocol") or scope.get("scheme", "http")
            raise Answer(301, {"location": f"{protocol}://{target['HostName']}/{path}"})
        suffix = config["IndexDocument"]["Suffix"]
        key = path + suffix if path == "" or path.endswith("/") else path
        self._route(config, path, None, host, site)
        try:
            await self._object(scope, send, bucket, key)
        except S3Error as exc:
            if exc.code == "NoSuchKey":
                if await self._is_folder(bucket, path, suffix):
                    raise Answer(302, {"location": f"{site}/{path}/"}) from None
                if await self._engine.anonymous.hides_missing_keys(bucket):
                    exc = AccessDenied()
            self._route(config, path, exc.status, host, site)
            await self._error(scope, send, bucket, config, exc.status, exc)

    async def _config(self, bucket: str) -> dict[str, Any]:
        try:
            return await self._engine.configs.get(bucket, BucketConfig.WEBSITE)
        except S3Error as exc:
            raise error_page(404, exc.code, exc.message, {"BucketName": bucket}) from None

    def _route(self, config: Mapping[str, Any], path: str, status: int | None, host: str,
               site: str) -> None:
        """Raise the redirect of the first routing rule that matches, if one does: before
        the lookup (status None) rules without an error-code condition, after a failed one
        the rules naming its status."""
        for rule in config.get("RoutingRules") or []:
            condition = rule.get("Condition") or {}
            code = condition.get("HttpErrorCodeReturnedEquals")
            if (code is None) != (status is None) or (code is not None
                                                      and str(code) != str(status)):
                continue
            prefix = condition.get("KeyPrefixEquals")
            if prefix is not None and not path.startswith(prefix):
                continue
            redirect = rule["Redirect"]
            if "ReplaceKeyWith" in redirect:
                new_path = redirect["ReplaceKeyWith"]
            elif "ReplaceKeyPrefixWith" in redirect:
                new_path = redirect["ReplaceKeyPrefixWith"] + path[len(prefix or ""):]
            else:
                new_path = path
            target = redirect.get("HostName")
            location = (f"{redirect.get('Protocol') or 'http'}://{target}/{new_path}"
                        if target else f"http://{host}{site}/{new_path}")
            raise Answer(int(redirect.get("HttpRedirectCode") or 301), {"location": location})

    async def _is_folder(self, bucket: str, path: str, suffix: str) -> bool:
        if not path or path.endswith("/"):
            return False
        try:
            await self._readable(bucket, f"{path}/{suffix}")
            await self._engine.objects.head(GetObject(bucket, f"{path}/{suffix}"))
            return True
        except S3Error:
            return False

    async def _readable(self, bucket: str, key: str) -> None:
        if not await self._engine.anonymous.allows(bucket, "s3:GetObject", key):
            raise AccessDenied()

    async def _object(self, scope: dict, send: Send, bucket: str, key: str,
                      status: int = 200) -> None:
        await self._readable(bucket, key)
        headers = _request_headers(scope)
        request = GetObject(bucket, key, range=_range(headers.get("range")) if status == 200
                            else None, conditions=_conditions(headers) if status == 200
                            else Conditions())
        try:
            if scope["method"] == "HEAD":
                info = await self._engine.objects.head(request)
                got = None
            else:
                got = await self._engine.objects.get(request)
                info = got.info
        except NotModified as exc:
            # The validators a 200 would have (RFC 9110).
            info = exc.info        # type: ignore[attr-defined]
            raise Answer(304, {"etag": info.etag,
                               "last-modified": _http_date(info.last_modified)}) from None
        redirect = info.headers.website_redirect_location
        if redirect and status == 200:
            if got is not None:
                await got.aclose()
            raise Answer(301, {"location": redirect})
        out = {"content-type": info.content_type, "etag": info.etag,
               "last-modified": _http_date(info.last_modified)}
        for name, value in (("cache-control", info.headers.cache_control),
                            ("content-encoding", info.headers.content_encoding),
                            ("content-disposition", info.headers.content_disposition),
                            ("content-language", info.headers.content_language),
                            ("expires", info.headers.expires)):
            if value:
                out[name] = value
        if got is None:
            await _send(send, status, {**out, "content-length": str(info.size)}, b"")
            return
        if got.content_range is not None:
            status = 206
            first, last = got.content_range
            out["content-range"] = f"bytes {first}-{last}/{info.size}"
        out["content-length"] = str(got.content_length)
        await _stream(send, status, out, got.body)

    async def _error(self, scope: dict, send: Send, bucket: str, config: Mapping[str, Any],
                     status: int, exc: S3Error) -> None:
        error_key = (config.get("ErrorDocument") or {}).get("Key")
        failed: S3Error | None = None
        if error_key:
            try:
                await self._object(scope, send, bucket, error_key, status)
                return
            except S3Error as missing:
                failed = missing  # S3 then answers with its own page, saying why
            except Answer:
                pass
        extra = {k: str(v) for k, v in exc.extra.items()}
        raise error_page(status, exc.code, exc.message, extra, failed)


def _request_headers(scope: dict) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _range(header: str | None) -> Range | None:
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[6:].strip().partition("-")
    try:
        if not first:
            return Range(None, int(last))
        return Range(int(first), int(last) if last else None)
    except ValueError:
        return None


def _conditions(headers: Mapping[str, str]) -> Conditions:
    def date(name: str) -> float | None:
        try:
            return parsedate_to_datetime(headers[name]).timestamp() if name in headers else None
        except (TypeError, ValueError):
            return None
    return Conditions(headers.get("if-match"), headers.get("if-none-match"),
                      date("if-modified-since"), date("if-unmodified-since"))


def _http_date(t: float) -> str:
    return formatdate(int(t), usegmt=True)


async def _send(send: Send, status: int, headers: Mapping[str, str], body: bytes) -> None:
    if "content-length" not in headers:
        headers = {**headers, "content-length": str(len(body))}
    await send({"type": "http.response.start", "status": status,
                "headers": [(k.encode(), v.encode("latin-1", "replace")) for k, v in
                            headers.items()]})
    await send({"type": "http.response.body", "body": body})


async def _stream(send: Send, status: int, headers: Mapping[str, str], body: Any) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(k.encode(), v.encode("latin-1", "replace")) for k, v in
                            headers.items()]})
    try:
        async for chunk in body:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        await body.aclose()
