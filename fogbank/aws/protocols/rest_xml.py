"""The rest-xml protocol (S3, …), driven by the service model.

Routing is an explicit table built from the model, never sniffing: each operation's
`(method, requestUri)` gives a path template and the query markers written after `?`
(`?tagging`, `?list-type=2`); its *required* query-string and header members are further
conditions (GetObject and ListParts share `GET /{Bucket}/{Key+}`; only ListParts requires
`uploadId`). Of the routes a request satisfies, the one with the most conditions wins, and a
deprecated operation loses a tie to its successor (GetBucketLifecycle vs
GetBucketLifecycleConfiguration).

Shapes are read and written by botocore's own rest-xml parser and serializer — the code
boto3 uses on the other side of the wire — so flattened lists, attributes, timestamps and
header encodings agree with it by construction. A streaming payload (an object body) is
left to the caller: `parse` does not read it and `response` does not write it.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import unquote
from xml.etree import ElementTree

from botocore.model import OperationModel, ServiceModel, Shape
from botocore.parsers import ResponseParserError, RestXMLParser
from botocore.serialize import RestXMLSerializer

from fogbank.aws.protocols.locations import place_members
from fogbank.aws.protocols.xml_shapes import add_text, header_text, write_shape, xml_text
from fogbank.wire import WireRequest, WireResponse
from fogbank.types import AwsError

_LABEL = re.compile(r"\{([^}]+?)(\+?)\}")
# The model's integers are 32-bit and its longs 64-bit: a value past them is no number.
_INT_LIMITS = {"integer": 2 ** 31, "long": 2 ** 63}
_INTEGER = re.compile(r"[+-]?[0-9]+")


class RestXmlError(AwsError):
    """A request the protocol cannot read; S3's codes, which other rest-xml services share."""

    status = 400
    sender_fault = True


def malformed_xml() -> RestXmlError:
    return RestXmlError("The XML you provided was not well-formed or did not validate against "
                        "our published schema", code="MalformedXML")


def invalid_argument(message: str, name: str, value: str) -> RestXmlError:
    return RestXmlError(message, code="InvalidArgument",
                        extra={"ArgumentName": name, "ArgumentValue": value})


@dataclass(frozen=True)
class Route:
    method: str
    path: re.Pattern[str]
    markers: tuple[tuple[str, str | None], ...]   # query keys (and values) after "?"
    queries: tuple[str, ...]                      # required query-string members
    headers: tuple[str, ...]                      # required header members (lower case)
    operation: OperationModel

    @property
    def rank(self) -> tuple[int, int]:
        conditions = len(self.markers) + len(self.queries) + len(self.headers)
        return conditions, 0 if self.operation.deprecated else 1

    def bind(self, request: WireRequest) -> dict[str, str] | None:
        # The method is the caller's index; the cheap conditions go before the pattern.
        for key, value in self.markers:
            if key not in request.query or (value is not None and request.query_value(key) != value):
                return None
        if any(key not in request.query for key in self.queries):
            return None
        if any(name not in request.headers for name in self.headers):
            return None
        match = self.path.fullmatch(request.raw_path)
        if match is None:
            return None
        try:
            return {name: unquote(raw, errors="strict")
                    for name, raw in match.groupdict().items()}
        except UnicodeDecodeError:
            # A bucket or key must be UTF-8 once decoded; S3 cannot read the URI otherwise.
            raise RestXmlError("Couldn't parse the specified URI.", code="InvalidURI",
                               extra={"URI": request.raw_path}) from None


def compile_route(operation: OperationModel) -> Route:
    path, _, query = operation.http["requestUri"].partition("?")
    pattern, last = "", 0
    for label in _LABEL.finditer(path):
        pattern += re.escape(path[last:label.start()])
        # A greedy label keeps every byte, a trailing slash too: "photos/" is an object key.
        pattern += f"(?P<{label[1]}>.+)" if label[2] else f"(?P<{label[1]}>[^/]+)"
        last = label.end()
    rest = path[last:]
    # A path ending in a label takes an optional "/" after it: `/{Bucket}` serves `/b/` too.
    pattern += "/?" if last > 0 and rest in ("", "/") else re.escape(rest)
    markers = tuple((k, v if eq else None) for k, eq, v in
                    (part.partition("=") for part in query.split("&") if part))
    shape = operation.input_shape
    queries: list[str] = []
    headers: list[str] = []
    for name in (shape.required_members if shape is not None else ()):
        member = shape.members[name]
        wire = member.serialization.get("name", name)
        if member.serialization.get("location") == "querystring":
            queries.append(wire)
        elif member.serialization.get("location") == "header":
            headers.append(wire.lower())
    return Route(operation.http["method"], re.compile(pattern), markers, tuple(queries),
                 tuple(headers), operation)


@dataclass(frozen=True)
class InputPlan:
    """An input shape's members by where they travel, worked out once per operation: S3's
    inputs have dozens of members, and walking them all per request was half the CPU of
    a small PutObject."""

    uri: tuple[tuple[str, str], ...]                        # (member, label)
    query: tuple[tuple[str, Shape], ...]
    header: tuple[tuple[str, Shape, str, str], ...]         # (member, shape, wire, lower)
    header_maps: tuple[tuple[str, str], ...]                # (member, lower-case prefix)

    @classmethod
    def of(cls, shape: Shape) -> InputPlan:
        uri, query, header, header_maps = [], [], [], []
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if location == "uri":
                uri.append((name, wire))
            elif location == "querystring":
                query.append((name, member))
            elif location == "header":
                header.append((name, member, wire, wire.lower()))
            elif location == "headers":
                header_maps.append((name, wire.lower()))
        return cls(tuple(uri), tuple(query), tuple(header), tuple(header_maps))


class RestXmlProtocol:
    def __init__(self, model: ServiceModel, root_names: Mapping[str, str] | None = None,
                 serializer: RestXMLSerializer | None = None) -> None:
        """`serializer`: botocore's, or a service's own spelling of some values."""
        self.model = model
        self._serializer = serializer or RestXMLSerializer()
        routes = [compile_route(model.operation_model(name)) for name in model.operation_names]
        # By method, best rank first; a request without a query string can only match a
        # route without query conditions (the common GetObject / PutObject), kept apart.
        self._routes: dict[str, list[Route]] = {}
        self._plain_routes: dict[str, list[Route]] = {}
        for route in sorted(routes, key=lambda r: r.rank, reverse=True):
            self._routes.setdefault(route.method, []).append(route)
            if not route.markers and not route.queries:
                self._plain_routes.setdefault(route.method, []).append(route)
        self._inputs: dict[str, InputPlan] = {}
        self._root_names = dict(root_names or {})
        self.namespace = _namespace(model)
        self._parser = RestXMLParser()

    # ------------------------------------------------------------------ requests

    def match(self, request: WireRequest) -> tuple[OperationModel, dict[str, str]] | None:
        """The operation a request names and its URI labels; None when none matches."""
        routes = self._routes if request.query else self._plain_routes
        for route in routes.get(request.method, ()):
            labels = route.bind(request)
            if labels is not None:
                return route.operation, labels
        return None

    def streams_input(self, operation: OperationModel) -> bool:
        """Whether the body is the operation's streaming payload (left to the caller)."""
        member = _payload_member(operation.input_shape)
        return member is not None and (member.type_name == "blob" or
                                       bool(member.serialization.get("streaming")))

    def parse(self, operation: OperationModel, request: WireRequest,
              labels: dict[str, str]) -> dict[str, Any]:
        shape = operation.input_shape
        if shape is None:
            return {}
        plan = self._inputs.get(operation.name)
        if plan is None:
            plan = self._inputs[operation.name] = InputPlan.of(shape)
        params: dict[str, Any] = {}
        for name, wire in plan.uri:
            if wire in labels:
                params[name] = labels[wire]
        for name, member in plan.query:
            _bind_query(params, name, member, request)
        headers = request.headers
        for name, member, wire, lowered in plan.header:
            text = headers.get(lowered)
            if text is not None:
                params[name] = _header_value(member, wire, text)
        for name, prefix in plan.header_maps:
            found = {key[len(prefix):]: value for key, value in headers.items()
                     if key.startswith(prefix)}
            if found:
                params[name] = found
        member = _payload_member(shape)
        if member is not None and not self.streams_input(operation):
            params.update(self._payload(shape.serialization["payload"], member, request.body))
        return params

    def _payload(self, name: str, member: Shape, body: bytes) -> dict[str, Any]:
        if member.type_name == "string":
            return {name: body.decode("utf-8", errors="replace")} if body else {}
        if not body.strip():
            return {}
        try:
            root = self._parser._parse_xml_string_to_dom(body)
        except ResponseParserError:
            raise malformed_xml() from None
        expected = member.serialization.get("name", name)
        if _local(root.tag) != expected:
            raise malformed_xml()
        try:
            return {name: self._parser._parse_shape(member, root)}
        except (ValueError, TypeError):
            raise malformed_xml() from None

    # ------------------------------------------------------------------ responses

    def response(self, operation: OperationModel, output: dict[str, Any]) -> WireResponse:
        """Status, headers and (unless streaming) body; a streaming payload stays in output."""
        response = WireResponse(operation.http.get("responseCode", 200))
        shape = operation.output_shape
        if shape is None:
            return response
        body = place_members(shape, output, response, header_text)
        payload = shape.serialization.get("payload")
        if payload:
            member = shape.members[payload]
            value = output.get(payload)
            if member.type_name == "structure" and value is not None:
                response.body = self.xml(member.serialization.get("name", payload), member, value)
            elif member.type_name == "string" and value is not None:
                response.body = value.encode()
        elif body or shape.members and any(m.serialization.get("location") is None
                                           for m in shape.members.values()):
            root = self._root_names.get(operation.name, f"{operation.name}Result")
            response.body = self.xml(root, shape, body)
        if response.body:
            response.headers.setdefault("Content-Type", "application/xml")
        return response

    def xml(self, root: str, shape: Shape, value: Mapping[str, Any]) -> bytes:
        """`<?xml …?><root xmlns=…>…</root>` for a structure, as the service writes it."""
        holder = ElementTree.Element("")
        scalar = shape.members.get(root)
        if scalar is not None and scalar.type_name not in ("structure", "list", "map"):
            # A document that is its one scalar member (S3's <LocationConstraint>).
            element = ElementTree.SubElement(holder, root)
            if value.get(root) is not None:
                element.text = str(value[root])
        else:
            element = write_shape(holder, root, shape, value, self._serializer)
        if self.namespace and "xmlns" not in element.attrib:
            element.set("xmlns", self.namespace)
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(element)

    def error_response(self, error: AwsError, *, resource: str = "", request_id: str = "",
                       host_id: str = "", head: bool = False) -> WireResponse:
        """`<Error><Code/><Message/>…<Resource/><RequestId/><HostId/></Error>`; no body for
        HEAD. S3 ends its errors with HostId, the x-amz-id-2 header's value."""
        shape = self.model.shape_for_error_code(error.code) if error.code else None
        status = error.status
        if shape is not None:
            status = shape.metadata.get("error", {}).get("httpStatusCode", error.status)
        root = ElementTree.Element("Error")
        add_text(root, "Code", error.code)
        add_text(root, "Message", error.message)
        for key, value in error.extra.items():
            add_text(root, key, xml_text(value))
        if resource:
            add_text(root, "Resource", resource)
        add_text(root, "RequestId", request_id)
        if host_id:
            add_text(root, "HostId", host_id)
        response = WireResponse(status, {})
        if not head:
            response.headers["Content-Type"] = "application/xml"
            response.body = (b'<?xml version="1.0" encoding="UTF-8"?>\n' +
                             ElementTree.tostring(root))
        return response


def _payload_member(shape: Shape | None) -> Shape | None:
    if shape is None or "payload" not in shape.serialization:
        return None
    return shape.members[shape.serialization["payload"]]


def _namespace(model: ServiceModel) -> str:
    """The XML namespace the model gives request payloads (S3: …/doc/2006-03-01/)."""
    for name in model.operation_names:
        member = _payload_member(model.operation_model(name).input_shape)
        if member is not None and "xmlNamespace" in member.serialization:
            return member.serialization["xmlNamespace"]["uri"]
    return ""


def _bind_query(params: dict[str, Any], name: str, member: Shape, request: WireRequest) -> None:
    wire = member.serialization.get("name", name)
    if member.type_name == "map":
        params[name] = {k: v[0] for k, v in request.query.items()}
    elif member.type_name == "list" and wire in request.query:
        params[name] = [_scalar(member.member, wire, v) for v in request.query[wire]]
    elif wire in request.query:
        text = request.query[wire][0]
        if text == "" and member.type_name in ("integer", "long"):
            return                   # S3 takes `max-parts=` as no max-parts at all
        params[name] = _scalar(member, wire, text)


def _header_value(member: Shape, wire: str, text: str) -> Any:
    if member.type_name == "list":
        return [part.strip() for part in text.split(",")]
    return _scalar(member, wire, text)


def _scalar(shape: Shape, wire: str, text: str) -> Any:
    kind = shape.type_name
    if kind in ("integer", "long"):
        # Digits only: Python's int() would also take "1_000" and surrounding blanks.
        value = int(text) if _INTEGER.fullmatch(text) else None
        if value is None or not -_INT_LIMITS[kind] <= value < _INT_LIMITS[kind]:
            raise invalid_argument(f"Provided {wire} not an integer or within integer range",
                                   wire, text)
        return value
    if kind == "boolean":
        return text.strip().lower() == "true"
    if kind == "timestamp":
        return parse_http_date(text)
    return text


def parse_http_date(text: str) -> dt.datetime | None:
    """RFC 1123 (what HTTP clients send) or ISO 8601; None for a date nobody can read, which
    S3 ignores in conditional headers rather than refusing."""
    try:
        parsed = email.utils.parsedate_to_datetime(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
