"""`Content-Encoding: aws-chunked` request bodies, decoded while they stream.

    <hex size>[;chunk-signature=<sig>]\\r\\n<data>\\r\\n … 0[;chunk-signature=<sig>]\\r\\n
    [<trailer name>:<value>\\r\\n …]\\r\\n

Both SigV4 streaming forms (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) and the unsigned
one (STREAMING-UNSIGNED-PAYLOAD-TRAILER) share this framing; trailers (a checksum, the
trailer signature) are collected into `Trailers` once the last chunk has been read, which is
why the engine takes a trailing checksum as a callable. Data is passed on in the slices it
arrives in: a 64 MB upload is never held whole.
"""
from __future__ import annotations

from typing import AsyncIterator

from fogbank.objects.errors import IncompleteBody
from fogbank.wire import WireRequest

STREAMING_PAYLOADS = ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                      "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
                      "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                      "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
                      "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER")
MAX_LINE = 4096
# IncompleteBody's message when a body ends before its framing says it should.
TRUNCATED = "The request body terminated unexpectedly"


def is_aws_chunked(request: WireRequest) -> bool:
    """Whether the body is framed in chunks: x-amz-content-sha256 says so, or a Content-Encoding
    of aws-chunked with the decoded length beside it. The encoding alone over a plain body
    (what boto3 sends when asked for that encoding) is only a label, which S3 takes off the
    object's stored encoding."""
    if request.header("x-amz-content-sha256") in STREAMING_PAYLOADS:
        return True
    encodings = (request.header("content-encoding") or "").lower().split(",")
    return "aws-chunked" in (e.strip() for e in encodings) and \
        request.header("x-amz-decoded-content-length") is not None


def stored_encoding(content_encoding: str | None) -> str | None:
    """The Content-Encoding kept with the object: the request's, without aws-chunked."""
    kept = [e.strip() for e in (content_encoding or "").split(",")
            if e.strip() and e.strip().lower() != "aws-chunked"]
    return ",".join(kept) or None


class Trailers(dict[str, str]):
    """Trailer headers (lower-case names), filled in when the body has been read."""


async def decode(source: AsyncIterator[bytes], trailers: Trailers) -> AsyncIterator[bytes]:
    reader = _Reader(source)
    while True:
        header = await reader.line()
        size_text = header.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise IncompleteBody("Invalid chunk size in aws-chunked body") from None
        if size == 0:
            break
        async for piece in reader.take(size):
            yield piece
        if await reader.line() != b"":
            raise IncompleteBody("Chunk data is longer than its declared size")
    while True:
        line = await reader.line(allow_end=True)
        if not line:
            break
        name, _, value = line.decode("latin-1").partition(":")
        trailers[name.strip().lower()] = value.strip()


class _Reader:
    def __init__(self, source: AsyncIterator[bytes]) -> None:
        self._source = source
        self._buffer = bytearray()
        self._ended = False

    async def _fill(self) -> bool:
        if self._ended:
            return False
        try:
            self._buffer += await self._source.__anext__()
        except StopAsyncIteration:
            self._ended = True
            return False
        return True

    async def line(self, allow_end: bool = False) -> bytes:
        while True:
            end = self._buffer.find(b"\r\n")
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[:end + 2]
                return line
            if len(self._buffer) > MAX_LINE:
                raise IncompleteBody("A chunk header of an aws-chunked body is too long")
            if not await self._fill():
                if allow_end:
                    rest = bytes(self._buffer)
                    self._buffer.clear()
                    return rest
                raise IncompleteBody(TRUNCATED)

    async def take(self, size: int) -> AsyncIterator[bytes]:
        while size > 0:
            if not self._buffer and not await self._fill():
                raise IncompleteBody(TRUNCATED)
            if len(self._buffer) <= size:
                piece = bytes(self._buffer)
                self._buffer.clear()
            else:
                piece = bytes(self._buffer[:size])
                del self._buffer[:size]
            size -= len(piece)
            yield piece
