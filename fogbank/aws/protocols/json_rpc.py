"""The JSON 1.0 / 1.1 protocol (DynamoDB, SQS-JSON, Cognito, …): one POST per call,
the operation named by `X-Amz-Target: <targetPrefix>.<Operation>`, errors as `__type`.

Request bodies may be gzip-compressed (`Content-Encoding: gzip`). A few services differ
on the wire in ways their SDKs check; `WIRE_OPTIONS` names them per service.
"""
from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field
from typing import Any

from botocore.model import OperationModel, ServiceModel

from fogbank.aws.errors import SerializationError, UnknownOperation
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


_DYNAMODB = WireOptions(
    type_prefix="com.amazonaws.dynamodb.v20120810#",
    type_prefixes={"ValidationException": "com.amazon.coral.validate#",
                   "SerializationException": "com.amazon.coral.service#",
                   "UnknownOperationException": "com.amazon.coral.service#",
                   "InternalFailure": "com.amazon.coral.service#"},
    crc32=True)
WIRE_OPTIONS: dict[str, WireOptions] = {"dynamodb": _DYNAMODB, "dynamodbstreams": _DYNAMODB}


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
        body = request.body
        if (request.header("content-encoding") or "").strip().lower() == "gzip":
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError, zlib.error) as exc:
                raise SerializationError("Could not decompress the gzip request body") from exc
        document = parse_json_body(body)
        if not isinstance(document, dict):
            raise SerializationError("Start of structure or map found where not expected.")
        return from_json(shape, document) if shape is not None else {}

    def response(self, operation: OperationModel, output: dict[str, Any]) -> WireResponse:
        shape = operation.output_shape
        body = to_json(shape, output) if shape is not None else {}
        return self._answer(200, {"Content-Type": self._content_type}, dump_json(body))

    def _answer(self, status: int, headers: dict[str, str], body: bytes) -> WireResponse:
        if self._options.crc32:
            headers["x-amz-crc32"] = str(zlib.crc32(body))
        return WireResponse(status, headers, body)

    def error_response(self, error: AwsError) -> WireResponse:
        status, headers, body = error_parts(self._errors.get(error.code), error)
        body.pop("Type", None)          # a rest-json (Lambda) convention, not JSON 1.x's
        prefix = self._options.type_prefixes.get(error.code, self._options.type_prefix)
        body = {"__type": prefix + error.code, **body}
        headers["Content-Type"] = self._content_type
        return self._answer(status, headers, dump_json(body))
