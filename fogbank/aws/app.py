"""The SDK edge as an ASGI app: recognise the service, read the signature, let the
service's protocol find and parse the operation, call the service, write the answer.

Every response carries `x-amzn-RequestId`. Every failure is an `AwsError` encoded by the
service's protocol — or, when no served service can be named, in a JSON form both JSON
protocols' parsers read.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from botocore.loaders import Loader
from botocore.model import ServiceModel

from fogbank.aws import cors
from fogbank.aws.errors import IncompleteSignature, InternalFailure, UnknownOperation, UnsupportedService
from fogbank.aws.protocols import WireProtocol, protocol_for
from fogbank.aws.protocols.shapes import dump_json
from fogbank.aws.protocols.validation import EnumOrders, Opaque, OwnEnums, Patterns, validate
from fogbank.aws.service import ADDRESSED_API, ApiAddress, CallContext, SdkService
from fogbank.aws.services import recognise
from fogbank.aws.sigv4 import CredentialScope, credential_scope
from fogbank.wire import WireRequest, WireResponse, request_head
from fogbank.ids import request_uuid
from fogbank.types import AwsError
from fogbank.edge import lifespan

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Endpoint:
    service: SdkService
    protocol: WireProtocol
    enum_orders: EnumOrders
    patterns: Patterns
    opaque: Opaque
    own_enums: OwnEnums


class SdkApp:
    """`SdkApp({"lambda": LambdaService(...)}, region="us-east-1")` — an ASGI app."""

    def __init__(self, services: Mapping[str, SdkService], region: str = "us-east-1",
                 new_request_id: Callable[[], str] | None = None) -> None:
        loader = Loader()
        self._region = region
        self._new_request_id = new_request_id or request_uuid
        self._endpoints: dict[str, Endpoint] = {}
        for name, service in services.items():
            # Loaded once per service: parsing a model takes tens of milliseconds.
            model = ServiceModel(loader.load_service_model(name, "service-2"), name)
            self._endpoints[name] = Endpoint(service, protocol_for(model),
                                             getattr(service, "enum_orders", {}),
                                             getattr(service, "patterns", {}),
                                             getattr(service, "opaque_shapes", {}),
                                             getattr(service, "own_enums", ()))

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        head = request_head(scope)
        declared = head.header("content-length") or ""
        if declared.isdigit() and _too_large(head, int(declared)):
            await self._refuse_too_large(send)
            return
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if _too_large(head, len(body)):
                # A chunked body says nothing of its size beforehand: stop once it passes.
                await self._refuse_too_large(send)
                return
            if not message.get("more_body"):
                break
        request = head.with_body(bytes(body))
        response = cors.preflight(request, self._new_request_id())
        if response is None:
            response = await self.handle(request, addressed_api=scope.get(ADDRESSED_API))
            cors.allow(request, response)
        headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.items()]
        headers.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})

    async def _refuse_too_large(self, send: Callable) -> None:
        # The refusal comes from DynamoDB's HTTP front end, before any service parses the
        # request: a bare 413 (the rest of the body is left unread; the server closes).
        headers = [(b"x-amzn-requestid", self._new_request_id().encode()),
                   (b"content-length", b"0")]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    async def handle(self, request: WireRequest, *,
                     addressed_api: ApiAddress | None = None) -> WireResponse:
        """One request to one response; the ASGI wrapper above only moves bytes."""
        request_id = self._new_request_id()
        signature_error: IncompleteSignature | None = None
        try:
            scope = credential_scope(request)
        except IncompleteSignature as exc:
            scope, signature_error = None, exc
        name = recognise(request, scope)
        endpoint = self._endpoints.get(name) if name else None
        if endpoint is None:
            response = _unserved(name, signature_error)
        else:
            response = await self._call(endpoint, request, scope, signature_error, request_id,
                                        addressed_api)
        response.headers.setdefault("x-amzn-RequestId", request_id)
        return response

    async def _call(self, endpoint: Endpoint, request: WireRequest, scope: CredentialScope | None,
                    signature_error: AwsError | None, request_id: str,
                    addressed_api: ApiAddress | None) -> WireResponse:
        protocol = endpoint.protocol
        try:
            if signature_error is not None:
                raise signature_error
            operation, labels = protocol.match(request)
            params = protocol.parse(operation, request, labels)
            validate(operation.input_shape, params, endpoint.enum_orders, endpoint.patterns,
                     endpoint.opaque, endpoint.own_enums)
            handler = endpoint.service.operations.get(operation.name)
            if handler is None:
                raise UnsupportedService(f"Operation {operation.name} of service "
                                         f"{protocol.model.service_name} is not supported yet.")
            context = CallContext(request_id, scope.region if scope else self._region,
                                  scope.access_key if scope else None, addressed_api,
                                  request.header("x-amzn-trace-id"))
            output: dict[str, Any] = dict(await handler(params, context))
            metadata = output.pop("ResponseMetadata", {})
            answered_as = metadata.get("RequestId") or request_id
            response = protocol.response(operation, output, request_id=answered_as)
            # A JSON service may compress what the request accepts (DynamoDB does).
            compress = getattr(protocol, "compressed", None)
            if compress is not None:
                response = compress(request, response)
            if metadata.get("RequestId"):
                response.headers["x-amzn-RequestId"] = metadata["RequestId"]
            return response
        except AwsError as exc:
            return protocol.error_response(exc, request_id=request_id)
        except Exception:
            log.exception("internal error serving %s %s", request.method, request.path)
            return protocol.error_response(InternalFailure("An internal error occurred."),
                                           request_id=request_id)


# DynamoDB refuses request bodies over 16 MB. Other services have their own rules (S3
# streams its bodies beside this app; Lambda checks its 6 MB payload itself).
BODY_LIMITS = {"dynamodb": 16 * 1024 * 1024}
_SMALLEST_LIMIT = min(BODY_LIMITS.values())


def _too_large(head: WireRequest, size: int) -> bool:
    """Whether a body of `size` bytes is over its service's limit. The service is told from
    the headers alone, and only for a body that could be over any limit: small requests
    pay nothing for the check."""
    if size <= _SMALLEST_LIMIT:
        return False
    try:
        scope = credential_scope(head)
    except IncompleteSignature:
        scope = None
    name = recognise(head, scope)
    limit = BODY_LIMITS.get(name) if name else None
    return limit is not None and size > limit


def _unserved(name: str | None, signature_error: AwsError | None) -> WireResponse:
    if signature_error is not None:
        error: AwsError = signature_error
    elif name is None:
        error = UnknownOperation("Could not tell which AWS service this request is for: it has "
                                 "no X-Amz-Target, no SigV4 credential scope and no known path.")
    else:
        error = UnsupportedService(f"Service '{name}' is not supported by this endpoint.")
    # Both headers and __type: every JSON-based SDK parser finds the code in one of them.
    body = dump_json({"__type": error.code, "message": error.message})
    return WireResponse(error.status, {"Content-Type": "application/json",
                                       "x-amzn-ErrorType": error.code}, body)
