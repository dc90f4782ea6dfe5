"""The rest-json protocol (Lambda, API Gateway management, …), driven by the service model.

An operation is found by (method, requestUri template) from its `http` trait; URI labels
(greedy `{Key+}` too), query string, headers and the JSON body or raw payload are bound to
input members by their `location`; outputs and errors are written back the same way.
"""
from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from botocore.model import OperationModel, ServiceModel, Shape

from fogbank.aws.errors import SerializationError, UnknownOperation
from fogbank.aws.protocols.json_errors import error_parts, error_shapes
from fogbank.aws.protocols.locations import place_members
from fogbank.aws.protocols.shapes import dump_json, from_json, parse_json_body, to_json
from fogbank.wire import WireRequest, WireResponse
from fogbank.types import AwsError

_LABEL = re.compile(r"\{([^}]+?)(\+?)\}")


@dataclass(frozen=True)
class Route:
    method: str
    path: re.Pattern[str]
    query: tuple[tuple[str, str | None], ...]     # required keys (and values) after "?"
    operation: OperationModel
    specificity: tuple[int, int, int]
    labels: tuple[str, ...] = ()                  # the path's labels, in order

    def bind(self, request: WireRequest) -> dict[str, str] | None:
        if request.method != self.method:
            return None
        match = self.path.fullmatch(request.raw_path.split("?", 1)[0])
        if match is None:
            return None
        for key, value in self.query:
            if key not in request.query or (value is not None and request.query_value(key) != value):
                return None
        return {name: unquote(raw) for name, raw in zip(self.labels, match.groups())}


def compile_route(operation: OperationModel) -> Route:
    uri = operation.http["requestUri"]
    path, _, query = uri.partition("?")
    pattern, literal, last = "", 0, 0
    labels: list[str] = []
    for label in _LABEL.finditer(path):
        pattern += re.escape(path[last:label.start()])
        literal += label.start() - last
        # Unnamed groups: a label name need not be an identifier (API Gateway V2's
        # {resource-arn}).
        pattern += "(.+)" if label[2] else "([^/]+)"
        labels.append(label[1])
        last = label.end()
    pattern += re.escape(path[last:].rstrip("/")) + "/?"     # a trailing slash is optional
    literal += len(path) - last
    required = tuple((k, v if eq else None) for k, eq, v in
                     (part.partition("=") for part in query.split("&") if part))
    greedy = int("+}" in path)
    return Route(operation.http["method"], re.compile(pattern), required, operation,
                 (len(required), literal, -greedy), tuple(labels))


class RestJsonProtocol:
    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        routes = [compile_route(model.operation_model(name)) for name in model.operation_names]
        # Most specific first: more required query keys, longer literal text, no greedy.
        self._routes = sorted(routes, key=lambda r: r.specificity, reverse=True)
        self._errors = error_shapes(model)

    def match(self, request: WireRequest) -> tuple[OperationModel, dict[str, str]]:
        for route in self._routes:
            labels = route.bind(request)
            if labels is not None:
                return route.operation, labels
        raise UnknownOperation(f"No operation of {self.model.service_name} matches "
                               f"{request.method} {request.path}")

    def parse(self, operation: OperationModel, request: WireRequest,
              labels: dict[str, str]) -> dict[str, Any]:
        shape = operation.input_shape
        if shape is None:
            return {}
        params: dict[str, Any] = {}
        body_members = {}
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if location == "uri" and wire in labels:
                # Typed as botocore's parsers type them: Lambda's layer VersionNumber is a long.
                params[name] = _scalar(member, labels[wire])
            elif location == "querystring":
                _bind_query(params, name, member, request)
            elif location == "header" and request.header(wire) is not None:
                params[name] = _scalar(member, request.header(wire))
            elif location == "headers":
                prefix = wire.lower()
                found = {k[len(prefix):]: v for k, v in request.headers.items() if k.startswith(prefix)}
                if found:
                    params[name] = found
            elif location is None:
                body_members[name] = member
        payload = shape.serialization.get("payload")
        if payload:
            params.update(_payload(payload, shape.members[payload], request.body))
        elif body_members:
            # A body of JSON `null` binds no member, as an empty body does.
            document = from_json(shape, parse_json_body(request.body)) or {}
            params.update({k: v for k, v in document.items() if k in body_members})
        return params

    def response(self, operation: OperationModel, output: dict[str, Any], *,
                 request_id: str = "") -> WireResponse:
        shape = operation.output_shape
        response = WireResponse(operation.http.get("responseCode", 200),
                                {"Content-Type": "application/json"})
        if shape is None:
            return response
        body = place_members(shape, output, response, _header_text)
        payload = shape.serialization.get("payload")
        if response.status == 204:      # an output that names No Content carries no body
            return response
        if payload:
            response.body = _payload_bytes(shape.members[payload], output.get(payload))
        else:
            response.body = dump_json(to_json(shape, body))
        return response

    def error_response(self, error: AwsError, *, request_id: str = "") -> WireResponse:
        status, headers, body = error_parts(self._errors.get(error.code), error)
        headers.update({"Content-Type": "application/json", "x-amzn-ErrorType": error.code})
        return WireResponse(status, headers, dump_json(body))


def _bind_query(params: dict[str, Any], name: str, member: Shape, request: WireRequest) -> None:
    wire = member.serialization.get("name", name)
    if member.type_name == "map":
        params[name] = {k: v[0] for k, v in request.query.items()}
    elif member.type_name == "list" and wire in request.query:
        params[name] = [_scalar(member.member, v) for v in request.query[wire]]
    elif wire in request.query:
        params[name] = _scalar(member, request.query[wire][0])


_INTEGER = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|NaN|[+-]?Infinity")
_BITS = {"integer": 32, "long": 64}


def _scalar(shape: Shape, text: str) -> Any:
    """A URI label, query value or header as its member's type. A value that is not of the
    type is the service's SerializationException, as a JSON body of the wrong type is:
    Python's int() and float() would take " 5", "1_000" and "inf", which AWS does not."""
    kind = shape.type_name
    if kind in _BITS:
        number = int(text) if _INTEGER.fullmatch(text) else None
        if number is None or not -(1 << (_BITS[kind] - 1)) <= number < 1 << (_BITS[kind] - 1):
            raise SerializationError(f"Value '{text}' is not a valid {kind}")
        return number
    if kind in ("float", "double"):
        if not _FLOAT.fullmatch(text):
            raise SerializationError(f"Value '{text}' is not a valid {kind}")
        return float(text)
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise SerializationError(f"Value '{text}' is not a valid boolean")
        return text.lower() == "true"
    if kind == "list":
        return [part.strip() for part in text.split(",")]
    if shape.serialization.get("jsonvalue"):
        return json.loads(base64.b64decode(text))
    return text


def _header_text(shape: Shape, value: Any) -> str:
    if shape.serialization.get("jsonvalue"):
        return base64.b64encode(dump_json(value)).decode()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _payload(name: str, member: Shape, body: bytes) -> dict[str, Any]:
    if member.type_name == "blob":
        return {name: body}
    if member.type_name == "string":
        return {name: body.decode()} if body else {}
    document = parse_json_body(body)
    return {name: from_json(member, document)} if body.strip() else {}


def _payload_bytes(member: Shape, value: Any) -> bytes:
    if value is None:
        return b""
    # An event stream the service framed itself (Lambda's InvokeWithResponseStream).
    if member.type_name == "blob" or member.serialization.get("eventstream"):
        return value if isinstance(value, bytes) else bytes(value)
    if member.type_name == "string":
        return value.encode()
    return dump_json(to_json(member, value))
