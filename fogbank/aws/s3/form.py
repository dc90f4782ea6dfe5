"""A `multipart/form-data` request read as it streams: the fields before the file part are
collected, then the file part's data is handed on as an async iterator of bytes (a browser
upload may be gigabytes). Fields after the file are ignored, as S3 ignores them."""
from __future__ import annotations

from typing import AsyncIterator

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from fogbank.objects.errors import InvalidArgument, S3Error

# What S3 reads of the fields before the file part (its MaxPostPreDataLengthBytes).
MAX_FIELDS_BYTES = 20 * 1024


class MalformedPOSTRequest(S3Error):
    code = "MalformedPOSTRequest"
    status = 400
    default_message = "The body of your POST request is not well-formed multipart/form-data."


class MaxPostPreDataLengthExceeded(S3Error):
    code = "MaxPostPreDataLengthExceeded"
    status = 400
    default_message = "Your POST request fields preceeding the upload file was too large."


def boundary_of(content_type: str | None) -> bytes | None:
    kind, options = parse_options_header(content_type or "")
    return options.get(b"boundary") if kind == b"multipart/form-data" else None


class FormReader:
    def __init__(self, source: AsyncIterator[bytes], boundary: bytes) -> None:
        self._source = source
        self._fields: dict[str, str] = {}
        self._filename: str | None = None
        self._in_file = False
        self._file_done = False
        self._file_data: list[bytes] = []
        self._current = bytearray()
        self._disposition: dict[bytes, bytes] = {}
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._size = 0
        self._parser = MultipartParser(boundary, {
            "on_part_begin": self._part_begin, "on_part_data": self._part_data,
            "on_part_end": self._part_end, "on_header_field": self._header_field,
            "on_header_value": self._header_value_cb, "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished, "on_end": self._end,
        })
        self._ended = False

    @property
    def filename(self) -> str | None:
        return self._filename

    async def fields(self) -> dict[str, str]:
        """Every field before the file part (names lower-cased); raises without a file."""
        while not self._in_file and not self._file_done:
            if not await self._feed():
                if self._ended:
                    # A whole form, only without its file.
                    raise InvalidArgument("POST requires exactly one file upload per request.",
                                          ArgumentName="file", ArgumentValue="0")
                raise MalformedPOSTRequest()
        return dict(self._fields)

    async def file(self) -> AsyncIterator[bytes]:
        while True:
            if self._file_data:
                data, self._file_data = self._file_data, []
                for piece in data:
                    yield piece
            if self._file_done:
                return
            if not await self._feed():
                raise MalformedPOSTRequest()

    async def _feed(self) -> bool:
        try:
            chunk = await self._source.__anext__()
        except StopAsyncIteration:
            return False
        try:
            self._parser.write(chunk)
        except MultipartParseError:
            raise MalformedPOSTRequest() from None
        return True

    # ---------------------------------------------------------------- parser callbacks

    def _part_begin(self) -> None:
        self._disposition = {}
        self._current = bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_cb(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        if bytes(self._header_name).lower() == b"content-disposition":
            self._disposition = parse_options_header(bytes(self._header_value))[1]
        self._header_name, self._header_value = bytearray(), bytearray()

    def _headers_finished(self) -> None:
        name = self._disposition.get(b"name", b"").decode("utf-8", "replace")
        if name.lower() == "file" and not self._file_done:
            self._in_file = True
            self._filename = self._disposition.get(b"filename", b"").decode("utf-8", "replace")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self._file_data.append(bytes(data[start:end]))
        elif not self._file_done:
            self._size += end - start
            if self._size > MAX_FIELDS_BYTES:
                raise MaxPostPreDataLengthExceeded(MaxPostPreDataLengthBytes=MAX_FIELDS_BYTES)
            self._current += data[start:end]

    def _end(self) -> None:
        self._ended = True              # the closing boundary: the form is whole

    def _part_end(self) -> None:
        if self._in_file:
            self._in_file, self._file_done = False, True
            return
        if self._file_done:
            return
        name = self._disposition.get(b"name", b"").decode("utf-8", "replace").lower()
        if name:
            self._fields[name] = self._current.decode("utf-8", "replace")
