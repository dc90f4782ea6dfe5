"""The query protocol (CloudFormation, STS; SNS, IAM and SQS's XML form share it): one
form per call, `Action=<Operation>&Version=<date>&…`, POSTed to `/` (or sent as the query
string of a GET); answers in XML.

    <DescribeStacksResponse xmlns="…"><DescribeStacksResult>…</DescribeStacksResult>
      <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></DescribeStacksResponse>

    <ErrorResponse xmlns="…"><Error><Type>Sender</Type><Code>…</Code><Message>…</Message>
      </Error><RequestId>…</RequestId></ErrorResponse>

The operation is the form's `Action`, looked up in the model's table of operations; the
fields are read by its input shape (`query_params.py`) and the output written by its
output shape (`xml_shapes.py`). `match` hands the form's fields on to `parse` as its
labels: they are what the request says beside its operation, read once.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl
from xml.etree import ElementTree

from botocore.model import OperationModel, ServiceModel

from fogbank.aws.protocols.json_errors import error_shapes
from fogbank.aws.protocols.query_params import read_form
from fogbank.aws.protocols.xml_shapes import add_text, write_shape, xml_text
from fogbank.wire import WireRequest, WireResponse
from fogbank.types import AwsError

CONTENT_TYPE = "text/xml"
FORM = "application/x-www-form-urlencoded"
# A "%" not followed by two hex digits: Python's parser would keep it as text.
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")

# The code a service gives an input that breaks its model's constraints ("1 validation
# error detected: …"), where it is not Coral's ValidationError.
VALIDATION_CODES: dict[str, str] = {}
_CORAL_VALIDATION = "ValidationException"        # what fogbank.aws.errors raises


class QueryError(AwsError):
    """A request the protocol cannot read, in the words of AWS's common errors."""

    status = 400
    sender_fault = True


def missing_action() -> QueryError:
    return QueryError("The request is missing an action or a required parameter.",
                      code="MissingAction")


def invalid_action() -> QueryError:
    return QueryError("The action or operation requested is invalid. Verify that the action "
                      "is typed correctly.", code="InvalidAction")


def malformed_query() -> QueryError:
    # AWS's common errors give this one 404.
    return QueryError("The query string contains a syntax error.", code="MalformedQueryString",
                      status=404)


class QueryProtocol:
    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self.namespace = model.metadata.get("xmlNamespace", "")
        self._operations = frozenset(model.operation_names)
        self._errors = error_shapes(model)
        self._validation_code = VALIDATION_CODES.get(model.service_name, "ValidationError")

    # ------------------------------------------------------------------ requests

    def match(self, request: WireRequest) -> tuple[OperationModel, dict[str, str]]:
        fields = _fields(request)
        action = fields.get("Action")
        if not action:
            raise missing_action()
        if action not in self._operations:
            raise invalid_action()
        return self.model.operation_model(action), fields

    def parse(self, operation: OperationModel, request: WireRequest,
              labels: dict[str, str]) -> dict[str, Any]:
        shape = operation.input_shape
        return read_form(shape, labels) if shape is not None else {}

    # ------------------------------------------------------------------ responses

    def response(self, operation: OperationModel, output: dict[str, Any], *,
                 request_id: str = "") -> WireResponse:
        root = self._root(f"{operation.name}Response")
        shape = operation.output_shape
        if shape is not None:
            write_shape(root, shape.serialization.get("resultWrapper", f"{operation.name}Result"),
                        shape, output)
        metadata = ElementTree.SubElement(root, "ResponseMetadata")
        add_text(metadata, "RequestId", request_id)
        return WireResponse(200, {"Content-Type": CONTENT_TYPE}, ElementTree.tostring(root))

    def error_response(self, error: AwsError, *, request_id: str = "") -> WireResponse:
        code = self._validation_code if error.code == _CORAL_VALIDATION else error.code
        shape = self._errors.get(code)
        status = error.status
        if shape is not None:
            status = shape.metadata.get("error", {}).get("httpStatusCode", error.status)
        root = self._root("ErrorResponse")
        detail = ElementTree.SubElement(root, "Error")
        add_text(detail, "Type", "Sender" if error.sender_fault else "Receiver")
        add_text(detail, "Code", code)
        add_text(detail, "Message", error.message)
        for key, value in error.extra.items():
            add_text(detail, key, xml_text(value))
        add_text(root, "RequestId", request_id)
        return WireResponse(status, {"Content-Type": CONTENT_TYPE}, ElementTree.tostring(root))

    def _root(self, name: str) -> ElementTree.Element:
        root = ElementTree.Element(name)
        if self.namespace:
            root.set("xmlns", self.namespace)
        return root


def _fields(request: WireRequest) -> dict[str, str]:
    """The form's fields: a POST's body (its query string too, as the services read both),
    or a GET's query string. A repeated field keeps its first value."""
    fields = {key: values[0] for key, values in request.query.items() if values}
    if request.method != "POST" or not request.body:
        return fields
    content_type = (request.header("content-type") or FORM).split(";")[0].strip().lower()
    if content_type != FORM:
        raise malformed_query()
    try:
        text = request.body.decode("utf-8")
        if _BAD_ESCAPE.search(text):
            raise ValueError(text)
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True,
                          encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise malformed_query() from None
    for key, value in pairs:
        fields.setdefault(key, value)
    return fields
