"""The JSON 1.0 / 1.1 protocol (DynamoDB, SQS-JSON, Cognito, …): one POST per call,
the operation named by `X-Amz-Target: <targetPrefix>.<Operation>`, errors as `__type`.

Request bodies may be gzip-compressed (`Content-Encoding: gzip`; DynamoDB also takes
`deflate`). A few services differ on the wire in ways their SDKs check; `WIRE_OPTIONS`
names them per service.
"""
from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

from botocore.model import OperationModel, ServiceModel

from fogbank.aws.protocols.response_compression import compressed as dynamodb_compressed
from fogbank.aws.errors import SerializationError, UnknownOperation, ValidationError
from fogbank.aws.protocols.json_errors import error_parts, error_shapes
from fogbank.aws.protocols.shapes import dump_json, from_json, parse_json_body, to_json
from fogbank.wire import WireRequest, WireResponse
from fogbank.types import AwsError


@dataclass(frozen=True)
class WireOptions:
    # `__type` as the service writes it: a namespace before the code, per code or default.
    type_prefix: str = ""
    type_prefixes: dict[str, str] = field(default_factory=dict)
    # DynamoDB signs every response body with its CRC32; botocore checks it when present.
    crc32: bool = False
    # DynamoDB answers an operation without output with an empty body, not `{}`.
    empty_output: bool = False
    # DynamoDB ignores bytes after a gzip body's last member.
    lenient_gzip_tail: bool = False
    # DynamoDB also takes `deflate` (zlib) bodies, and answers a body it cannot decode, or an
    # encoding it lacks, with a 500 InternalServerError rather than a client error.
    deflate: bool = False
    undecodable_is_internal: bool = False
    # DynamoDB compresses a large answer as Accept-Encoding asks: (header, body) → (coding,
    # compressed body), or None to answer as is.
    compress: Callable[[str | None, bytes], tuple[str, bytes] | None] | None = None
    # The Server header the service sends on every answer, errors too (DynamoDB: "Server").
    server: str | None = None
    # The code of the edge's own model validation errors ("1 validation error detected: …"):
    # CloudWatch Logs answers them as InvalidParameterException.
    validation_code: str = "ValidationException"


_DYNAMODB = WireOptions(
    type_prefix="com.amazonaws.dynamodb.v20120810#",
    type_prefixes={"ValidationException": "com.amazon.coral.validate#",
                   "SerializationException": "com.amazon.coral.service#",
                   "UnknownOperationException": "com.amazon.coral.service#",
                   "InternalFailure": "com.amazon.coral.service#"},
    crc32=True, empty_output=True, lenient_gzip_tail=True, deflate=True,
    undecodable_is_internal=True, compress=dynamodb_compressed, server="Server")
WIRE_OPTIONS: dict[str, WireOptions] = {
    "dynamodb": _DYNAMODB, "dynamodbstreams": _DYNAMODB,
    "logs": WireOptions(validation_code="InvalidParameterException"),
}


class JsonRpcProtocol:
    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self._options = WIRE_OPTIONS.get(model.service_name, WireOptions())
        self._prefix = model.metadata["targetPrefix"]
        self._content_type = f"application/x-amz-json-{model.metadata.get('jsonVersion', '1.0')}"
        self._errors = error_shapes(model)

    def match(self, request: WireRequest) -> tuple[OperationModel, dict[str, str]]:
        target = request.header("x-amz-target") or ""
        prefix, _, name = target.rpartition(".")
        if request.method != "POST" or prefix != self._prefix or name not in self.model.operation_names:
            # JSON services answer an unknown target with 400, not REST's 404.
            raise UnknownOperation(f"Unknown operation {target or request.method}", status=400)
        return self.model.operation_model(name), {}

    def parse(self, operation: OperationModel, request: WireRequest,
              labels: dict[str, str]) -> dict[str, Any]:
        shape = operation.input_shape
        body = self._decoded(request)
        document = parse_json_body(body)
        if not isinstance(document, dict):
            raise SerializationError("Start of structure or map found where not expected.")
        return from_json(shape, document) if shape is not None else {}

    def _decoded(self, request: WireRequest) -> bytes:
        encoding = (request.header("content-encoding") or "").strip().lower()
        if encoding in ("", "identity"):
            return request.body
        if encoding == "gzip" or (encoding == "deflate" and self._options.deflate):
            try:
                if encoding == "deflate":
                    return _inflate(request.body)
                return _gunzip(request.body, self._options.lenient_gzip_tail)
            except (OSError, EOFError, zlib.error) as exc:
                raise self._undecodable(
                    f"Could not decompress the {encoding} request body") from exc
        raise self._undecodable(f"Unsupported Content-Encoding: {encoding}")

    def _undecodable(self, message: str) -> AwsError:
        if self._options.undecodable_is_internal:
            return AwsError("Internal server error", code="InternalServerError", status=500)
        return SerializationError(message)

    def response(self, operation: OperationModel, output: dict[str, Any], *,
                 request_id: str = "") -> WireResponse:
        shape = operation.output_shape
        if shape is None and self._options.empty_output:
            return self._answer(200, {"Content-Type": self._content_type}, b"")
        body = to_json(shape, output) if shape is not None else {}
        return self._answer(200, {"Content-Type": self._content_type}, dump_json(body))

    def compressed(self, request: WireRequest, response: WireResponse) -> WireResponse:
        """A successful answer compressed as the request accepts, where the service does that;
        its CRC32 is then the compressed body's, the bytes the client receives."""
        found = (self._options.compress(request.header("accept-encoding"), response.body)
                 if self._options.compress is not None and response.status == 200 else None)
        if found is None:
            return response
        coding, body = found
        return self._answer(200, {**response.headers, "Content-Encoding": coding}, body)

    def _answer(self, status: int, headers: dict[str, str], body: bytes) -> WireResponse:
        if self._options.server:
            headers["Server"] = self._options.server
        if self._options.crc32:
            headers["x-amz-crc32"] = str(zlib.crc32(body))
        return WireResponse(status, headers, body)

    def error_response(self, error: AwsError, *, request_id: str = "") -> WireResponse:
        code = self._options.validation_code if isinstance(error, ValidationError) else error.code
        status, headers, body = error_parts(self._errors.get(code), error)
        body.pop("Type", None)          # a rest-json (Lambda) convention, not JSON 1.x's
        prefix = self._options.type_prefixes.get(code, self._options.type_prefix)
        body = {"__type": prefix + code, **body}
        headers["Content-Type"] = self._content_type
        return self._answer(status, headers, dump_json(body))


def _gunzip(body: bytes, lenient_tail: bool) -> bytes:
    """The gzip members of a body, concatenated. With `lenient_tail`, bytes after the last
    member that do not start another one are ignored, as DynamoDB ignores them."""
    if lenient_tail:
        out, rest = bytearray(), body
        while True:
            member = zlib.decompressobj(wbits=31)
            out += member.decompress(rest)
            if not member.eof:
                raise EOFError("truncated gzip member")
            rest = member.unused_data
            if not rest.startswith(b"\x1f\x8b"):
                return bytes(out)
    return gzip.decompress(body)


def _inflate(body: bytes) -> bytes:
    """One zlib stream, whole: unlike gzip, nothing may follow it."""
    stream = zlib.decompressobj()
    out = stream.decompress(body)
    if not stream.eof or stream.unused_data:
        raise EOFError("truncated or trailing deflate data")
    return out
