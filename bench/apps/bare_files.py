"""The bandwidth floor for object benchmarks: a bare file copy over HTTP on the same uvicorn
stack. PUT /any/path streams the body into a file, GET streams it back; no S3 at all.
Files go under the directory named by BARE_FILES_DIR (a benchmark's temporary directory);
with BARE_FILES_MD5=1 a PUT also hashes the body with MD5 as it arrives, the one piece of work
S3 cannot skip (the ETag), so that floor shows what is left once it is paid."""
import hashlib
import os
from pathlib import Path
from urllib.parse import quote

ROOT = Path(os.environ.get("BARE_FILES_DIR", "."))
CHUNK = 1024 * 1024
HASH = os.environ.get("BARE_FILES_MD5") == "1"


def _file(scope) -> Path:
    return ROOT / quote(scope["path"], safe="")


async def _answer(send, status: int, body: bytes = b"") -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    path = _file(scope)
    if scope["method"] == "PUT":
        md5 = hashlib.md5()
        with open(path, "wb") as out:
            more = True
            while more:
                message = await receive()
                chunk = message.get("body", b"")
                if HASH:
                    md5.update(chunk)
                out.write(chunk)
                more = message.get("more_body", False)
        await _answer(send, 200, md5.hexdigest().encode() if HASH else b"")
    elif scope["method"] == "GET" and path.is_file():
        with open(path, "rb") as source:
            size = os.fstat(source.fileno()).st_size
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-length", str(size).encode())]})
            while chunk := source.read(CHUNK):
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
    else:
        await _answer(send, 200 if scope["path"] == "/" else 404)
