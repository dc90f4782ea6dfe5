"""GetFunction's `Code.Location` and GetLayerVersion's `Content.Location`: on AWS a
presigned S3 URL of the package, valid for ten minutes. Here a signed, expiring URL on the
node whose answer is a zip of the function's code directory (or the layer version's
content), made when it is asked for.

The URL names only the function (`/_lambda-code/<name>`) or the layer version
(`/_lambda-code/layers/<name>/<version>`: no function name holds a "/") and its expiry,
signed with a key the node draws when it starts (a link outlives neither its ten minutes
nor the node). The zip holds the files under that directory and nothing else: links that
lead out of it, the node's own state directory and `__pycache__` are left out.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import secrets
import tempfile
import time
import zipfile
from pathlib import Path
from typing import IO, Any, Awaitable, Callable, Iterable, Protocol
from urllib.parse import quote
from xml.sax.saxutils import escape

from fogbank.types import AwsError, FunctionSpec
from fogbank.wire import request_head

PATH_PREFIX = "/_lambda-code/"      # no bucket is named so: S3 bucket names have no "_"
LAYER_PREFIX = "layers/"
LINK_LIFETIME_S = 600               # as long as Lambda's presigned code URLs last
_CHUNK = 64 * 1024
_IN_MEMORY = 8 * 1024 * 1024        # a zip bigger than this is spooled to a temporary file

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Functions(Protocol):
    def get(self, name: str) -> FunctionSpec: ...


LayerDir = Callable[[str, int], "Path | None"]     # (layer name, version) → its content


class CodeLinks:
    """Makes the links (for GetFunction) and serves them (an ASGI app on the edge)."""

    def __init__(self, base_url: str, functions: Functions, *,
                 layers: LayerDir = lambda name, version: None,
                 excluded: Iterable[Path] = (), clock: Callable[[], float] = time.time) -> None:
        self._base_url = base_url.rstrip("/")
        self._functions = functions
        self._layers = layers
        self._excluded = tuple(Path(p).resolve() for p in excluded)
        self._clock = clock
        self._key = secrets.token_bytes(32)

    def url_for(self, spec: FunctionSpec) -> str:
        return self._link(spec.name)

    def url_for_layer(self, name: str, version: int) -> str:
        return self._link(f"{LAYER_PREFIX}{name}/{version}")

    def _link(self, path: str) -> str:
        expires = int(self._clock()) + LINK_LIFETIME_S
        return (f"{self._base_url}{PATH_PREFIX}{quote(path)}?Expires={expires}"
                f"&Signature={self._signature(path, expires)}")

    def handles(self, scope: Scope) -> bool:
        return scope["type"] == "http" and scope["path"].startswith(PATH_PREFIX)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        head = request_head(scope)
        name = head.path[len(PATH_PREFIX):]
        if head.method not in ("GET", "HEAD"):
            await _error(send, 405, "MethodNotAllowed",
                         "The specified method is not allowed against this resource.")
            return
        refusal = self._refusal(name, head.query_value("Expires"), head.query_value("Signature"))
        if refusal is not None:
            await _error(send, 403, *refusal)
            return
        code_dir = self._directory(name)
        if code_dir is None or not code_dir.is_dir():
            await _error(send, 404, "NoSuchKey", "The specified key does not exist.")
            return
        archive = await asyncio.to_thread(self._zip, code_dir)
        try:
            await _send_file(send, archive, f"{name.replace('/', '-')}.zip",
                             body=head.method == "GET")
        finally:
            archive.close()

    def _directory(self, name: str) -> Path | None:
        """The directory a link's path names: a layer version's content or a function's code."""
        if name.startswith(LAYER_PREFIX):
            layer, _, version = name[len(LAYER_PREFIX):].partition("/")
            return self._layers(layer, int(version)) if version.isdigit() else None
        try:
            return self._functions.get(name).code_dir
        except (AwsError, KeyError):
            return None

    def _refusal(self, name: str, expires: str | None,
                 signature: str | None) -> tuple[str, str] | None:
        """(code, message) S3 would refuse the link with, None for a good one."""
        if not expires or not signature or not expires.isdigit():
            return ("AccessDenied", "Query-string authentication requires the Signature and "
                                    "Expires parameters")
        if not hmac.compare_digest(signature, self._signature(name, int(expires))):
            return ("SignatureDoesNotMatch", "The request signature we calculated does not "
                                             "match the signature you provided.")
        if int(expires) < self._clock():
            return "AccessDenied", "Request has expired"
        return None

    def _signature(self, name: str, expires: int) -> str:
        return hmac.new(self._key, f"{name}\n{expires}".encode(), hashlib.sha256).hexdigest()

    def _zip(self, code_dir: Path) -> IO[bytes]:
        root = code_dir.resolve()
        archive = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in self._files(root):
                zipped.write(path, path.relative_to(root).as_posix())
        archive.seek(0)
        return archive

    def _files(self, root: Path) -> list[Path]:
        found: list[Path] = []
        for folder, dirs, files in os.walk(root):       # links to folders are not followed
            here = Path(folder)
            dirs[:] = sorted(d for d in dirs if d != "__pycache__"
                             and (here / d).resolve() not in self._excluded)
            for name in sorted(files):
                path = here / name
                target = path.resolve()
                # A link that leads out of the code directory is not part of the code.
                if target.is_file() and target.is_relative_to(root):
                    found.append(path)
        return found


async def _send_file(send: Send, archive: IO[bytes], filename: str, *, body: bool) -> None:
    size = archive.seek(0, os.SEEK_END)
    archive.seek(0)
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"application/zip"), (b"content-length", str(size).encode()),
        (b"content-disposition", f'attachment; filename="{filename}"'.encode())]})
    while body:
        chunk = archive.read(_CHUNK)
        if not chunk:
            break
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def _error(send: Send, status: int, code: str, message: str) -> None:
    # The error document S3 answers a presigned URL with.
    data = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
            f"<Message>{escape(message)}</Message></Error>").encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/xml"), (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})
