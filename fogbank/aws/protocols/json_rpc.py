"""The JSON 1.0 / 1.1 protocol (DynamoDB, SQS-JSON, Cognito, …): one POST per call,
the operation named by `X-Amz-Target: <targetPrefix>.<Operation>`, errors as `__type`."""
from __future__ import annotations

from typing import Any

from botocore.model import OperationModel, ServiceModel

from fogbank.aws.errors import SerializationError, UnknownOperation
from fogbank.aws.protocols.json_errors import error_parts, error_shapes
from fogbank.aws.protocols.shapes import dump_json, from_json, parse_json_body, to_json
from fogbank.aws.wire import WireRequest, WireResponse
from fogbank.types import AwsError


class JsonRpcProtocol:
    def __init__(self, model: ServiceModel) -> None:
        self.model = model
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
        document = parse_json_body(request.body)
        if not isinstance(document, dict):
            raise SerializationError("Start of structure or map found where not expected.")
        return from_json(shape, document) if shape is not None else {}

    def response(self, operation: OperationModel, output: dict[str, Any]) -> WireResponse:
        shape = operation.output_shape
        body = to_json(shape, output) if shape is not None else {}
        return WireResponse(200, {"Content-Type": self._content_type}, dump_json(body))

    def error_response(self, error: AwsError) -> WireResponse:
        status, headers, body = error_parts(self._errors.get(error.code), error)
        body.pop("Type", None)          # a rest-json (Lambda) convention, not JSON 1.x's
        body = {"__type": error.code, **body}
        headers["Content-Type"] = self._content_type
        return WireResponse(status, headers, dump_json(body))
