"""S3 as an ASGI app: bodies stream in and out, never held whole.

S3 has its own app beside the SDK edge's `SdkApp` because `SdkApp` reads a request's whole
body before it routes it; an object body can be gigabytes. Per request:
address (path or virtual-hosted style) → presigned URL check → CORS preflight or presigned
POST, else the rest-xml route → an unsigned request's access (anonymous.py) → the signing
region against the bucket's → the operation →
the answer, with CORS headers when the bucket's configuration allows the request's Origin.
"""
from __future__ import annotations

import dataclasses
import logging
import time
from email.utils import formatdate
from typing import Any, AsyncIterator, Callable
from urllib.parse import unquote

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel
from botocore.serialize import RestXMLSerializer

from fogbank.aws.protocols.rest_xml import RestXmlError, RestXmlProtocol, invalid_argument
from fogbank.aws.s3 import anonymous, chunked, digests, headers as h
from fogbank.aws.s3.addressing import is_s3_request, path_style, resource
from fogbank.aws.s3.buckets import BucketOperations
from fogbank.aws.s3.context import S3Call
from fogbank.aws.s3.cors import Cors
from fogbank.aws.s3.multipart import MultipartOperations
from fogbank.aws.s3.object_lock import ObjectLockOperations
from fogbank.aws.s3.objects import ObjectOperations
from fogbank.aws.s3.versioning import VersioningOperations
from fogbank.aws.s3.post import PostUploads, is_bucket_post, is_form_post, not_a_form
from fogbank.aws.s3.signing import (AuthorizationHeaderMalformed,
                                    AuthorizationQueryParametersError, SecretFor,
                                    check_authorization, check_header_region, is_presigned,
                                    is_presigned_v2, signed_region, signing_region,
                                    verify_presigned, verify_presigned_v2)
from fogbank.wire import WireRequest, WireResponse, request_head
from fogbank.ids import random_bytes
from fogbank.objects import Caller, ObjectsEngine
from fogbank.objects.errors import (AccessDenied, HeaderNotImplemented, IncompleteBody,
                                    InternalError, MethodNotAllowed, MissingContentLength,
                                    MissingRequestBodyError, NoSuchBucket)
from fogbank.types import AwsError

log = logging.getLogger(__name__)

MAX_XML_BODY = 20 * 1024 * 1024          # configuration documents and DeleteObjects lists
# The root element of each output written as a document (the model does not name them).
ROOT_NAMES = {
    "ListBuckets": "ListAllMyBucketsResult", "ListObjects": "ListBucketResult",
    "ListObjectsV2": "ListBucketResult", "DeleteObjects": "DeleteResult",
    "GetBucketLocation": "LocationConstraint", "GetBucketTagging": "Tagging",
    "GetObjectTagging": "Tagging", "GetBucketCors": "CORSConfiguration",
    "GetBucketWebsite": "WebsiteConfiguration",
    "GetBucketLifecycleConfiguration": "LifecycleConfiguration",
    "GetBucketNotificationConfiguration": "NotificationConfiguration",
    "GetBucketVersioning": "VersioningConfiguration", "GetBucketAcl": "AccessControlPolicy",
    "GetObjectAcl": "AccessControlPolicy",
    "CreateMultipartUpload": "InitiateMultipartUploadResult",
    "CompleteMultipartUpload": "CompleteMultipartUploadResult",
    "ListParts": "ListPartsResult", "ListMultipartUploads": "ListMultipartUploadsResult",
    "GetObjectAttributes": "GetObjectAttributesResponse",
    "ListObjectVersions": "ListVersionsResult",
    "GetBucketLogging": "BucketLoggingStatus",
    "GetBucketRequestPayment": "RequestPaymentConfiguration",
    "GetBucketAccelerateConfiguration": "AccelerateConfiguration",
    "ListBucketAnalyticsConfigurations": "ListBucketAnalyticsConfigurationResult",
    "ListBucketMetricsConfigurations": "ListMetricsConfigurationsResult",
    "ListBucketInventoryConfigurations": "ListInventoryConfigurationsResult",
    "ListBucketIntelligentTieringConfigurations":
        "ListBucketIntelligentTieringConfigurationsOutput",
}

# Answers without a body that S3 still labels `Content-Type: application/xml`.
XML_TYPED_EMPTY = frozenset({"HeadBucket"})

# Operations S3 serves whatever region their signature names (no bucket, or not yet one).
ANY_REGION = frozenset({"CreateBucket", "ListBuckets", "GetBucketLocation",
                        "ListDirectoryBuckets"})


def local_secret(access_key: str) -> str:
    """Locally every access key has the same secret, as the SDKs' test set-ups assume."""
    return "test"


class S3Serializer(RestXMLSerializer):
    """S3's XML timestamps (LastModified, Initiated, …) are whole seconds written with zero
    milliseconds, 2023-11-15T12:02:40.000Z; botocore's own writes microseconds."""

    def _timestamp_iso8601(self, value: Any) -> str:
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class S3App:
    """`S3App(engine)` — the S3 endpoint; `handles(scope)` tells the edge what is S3's."""

    def __init__(self, engine: ObjectsEngine, *, region: str = "us-east-1",
                 secret_for: SecretFor = local_secret, clock: Callable[[], float] = time.time,
                 new_request_id: Callable[[], str] = lambda: random_bytes(8).hex().upper()
                 ) -> None:
        model = ServiceModel(Loader().load_service_model("s3", "service-2"), "s3")
        self.protocol = RestXmlProtocol(model, ROOT_NAMES, S3Serializer())
        self.region = region
        self._engine = engine
        self._secret_for = secret_for
        self._clock = clock
        self._new_request_id = new_request_id
        self.operations: dict[str, Any] = {**BucketOperations(engine).operations,
                                           **ObjectOperations(engine).operations,
                                           **MultipartOperations(engine).operations,
                                           **ObjectLockOperations(engine).operations,
                                           **VersioningOperations(engine).operations}
        self.needs_document = _needs_document(model)
        self.cors = Cors(engine)
        self.post = PostUploads(engine, secret_for, clock)

    def handles(self, scope: dict) -> bool:
        return scope.get("type") == "http" and is_s3_request(request_head(scope))

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return
        request = request_head(scope)
        request_id = self._new_request_id()
        receive = _Receiver(receive)
        routed = dataclasses.replace(
            request, raw_path=path_style(request.header("host") or "", request.raw_path))
        stream: AsyncIterator[bytes] | None = None
        try:
            response, stream = await self._serve(scope, request, routed, receive, request_id)
        except AwsError as exc:
            response = self._error(exc, routed, request_id)
        except Exception:
            log.exception("internal error serving %s %s", request.method, request.raw_path)
            response = self._error(InternalError(), routed, request_id)
        if request.method != "OPTIONS":
            response.headers.update(await self.cors.response_headers(routed))
        if not receive.done and _has_body(request):
            # Answered before the body was read (an error, or a refused Expect:
            # 100-continue whose body never comes): the connection cannot be reused.
            response.headers["Connection"] = "close"
        await _send(send, response, stream, request_id, head=request.method == "HEAD")

    async def _serve(self, scope: dict, request: WireRequest, routed: WireRequest,
                     receive: Callable, request_id: str
                     ) -> tuple[WireResponse, AsyncIterator[bytes] | None]:
        if request.method == "OPTIONS":
            return await self.cors.preflight(routed), None
        raw_query = scope.get("query_string", b"").decode("latin-1")
        presigned = is_presigned(request)
        unsigned = False
        if presigned:
            bucket = None if "location" in routed.query else _path_bucket(routed.raw_path)
            verify_presigned(request, raw_query, self._secret_for, self._clock(),
                             region=await self._bucket_region(bucket))
        elif is_presigned_v2(request):
            verify_presigned_v2(request, raw_query, routed.raw_path, self._secret_for,
                                self._clock())
        else:
            check_authorization(request, self._clock())
            unsigned = anonymous.is_anonymous(request)
        call = S3Call(request_id, self.region, _caller(scope, request_id),
                      endpoint=_endpoint(scope, request), signed_region=signed_region(request))
        if is_form_post(routed):
            return await self.post.serve(routed, _body(receive), call, self.protocol), None
        if is_bucket_post(routed):
            raise not_a_form()
        matched = self.protocol.match(routed)
        if matched is None:
            raise MethodNotAllowed(Method=request.method, ResourceType=_resource_type(routed))
        operation, labels = matched
        if operation.name == "GetObject" and "attributes" in routed.query:
            # ?attributes is GetObjectAttributes even without its required header, which
            # the operation then asks for.
            operation = self.protocol.model.operation_model("GetObjectAttributes")
        if unsigned:
            await anonymous.check(self._engine, operation.name, labels, routed.query)
        if operation.name in h.READS_WITHOUT_SSE:
            h.refuse_sse_header(routed.header("x-amz-server-side-encryption"))
        if not presigned and operation.name not in ANY_REGION:
            region = await self._bucket_region(labels.get("Bucket"))
            if region is not None:
                check_header_region(request, region)
        handler = self.operations.get(operation.name)
        if handler is None:
            raise RestXmlError(f"{operation.name} is not implemented by this endpoint.",
                               code="NotImplemented", status=501)
        call, routed = await self._with_body(operation, routed, receive, call)
        if not routed.body.strip() and operation.name in self.needs_document:
            raise MissingRequestBodyError()
        if not self.protocol.streams_input(operation):
            digests.check_document(operation.name, routed)
        params = self.protocol.parse(operation, routed, labels)
        await self._check_expected_owners(params)
        if self.protocol.streams_input(operation):
            params["Body"] = routed_body(call, receive, routed)
        output = dict(await handler(params, call))
        status = output.pop("ResponseMetadata", {}).get("HTTPStatusCode")
        stream = output.pop("Body", None) if operation.name == "GetObject" else None
        response = self.protocol.response(operation, output)
        if operation.name in XML_TYPED_EMPTY:
            response.headers.setdefault("Content-Type", "application/xml")
        if status:
            response.status = status
        return response, stream

    async def _with_body(self, operation: OperationModel, routed: WireRequest, receive: Callable,
                         call: S3Call) -> tuple[S3Call, WireRequest]:
        """The call's body facts; the whole body in the request unless it is the payload."""
        if self.protocol.streams_input(operation):
            if routed.header("transfer-encoding") is not None and not _declares_length(routed):
                # S3 takes an object's body only with its length declared up front: in
                # Content-Length, or for aws-chunked framing in x-amz-decoded-content-length
                # (which lets the SDKs send a stream HTTP-chunked, as the JS SDK does).
                raise HeaderNotImplemented(Header="Transfer-Encoding")
            if routed.header("transfer-encoding") is None and \
                    routed.header("content-length") is None:
                # A body with no framing at all (`curl -X PUT` without data): S3 wants its
                # length said, even when it is 0.
                raise MissingContentLength()
            return _streaming_call(call, routed), routed
        body = bytearray()
        async for piece in _body(receive):
            body += piece
            if len(body) > MAX_XML_BODY:
                raise RestXmlError("Your request was too big.", code="MaxMessageLengthExceeded")
        return call, dataclasses.replace(routed, body=bytes(body))

    async def _check_expected_owners(self, params: dict[str, Any]) -> None:
        """x-amz-expected-bucket-owner (and a copy's x-amz-source-expected-bucket-owner):
        a bucket of another account than the one named is AccessDenied, once it exists."""
        for member, bucket in (("ExpectedBucketOwner", params.get("Bucket")),
                               ("ExpectedSourceBucketOwner", _source_bucket(params))):
            owner = params.get(member)
            if owner is not None and owner != self._engine.account_id:
                if bucket:
                    await self._engine.buckets.get(bucket)
                raise AccessDenied()

    async def _bucket_region(self, name: str | None) -> str | None:
        """The region requests for a bucket are signed for; None when there is no bucket."""
        if not name:
            return None
        try:
            return signing_region((await self._engine.buckets.get(name)).region)
        except NoSuchBucket:
            return None

    def _error(self, exc: AwsError, routed: WireRequest, request_id: str) -> WireResponse:
        response = self.protocol.error_response(
            exc, resource=resource(routed.raw_path), request_id=request_id,
            host_id=request_id, head=routed.method == "HEAD" or exc.status == 304)
        if isinstance(exc, (AuthorizationHeaderMalformed, AuthorizationQueryParametersError)) \
                and "Region" in exc.extra:
            # Where the bucket is, also for a HEAD, whose answer has no body to say it.
            response.headers["x-amz-bucket-region"] = str(exc.extra["Region"])
        info = getattr(exc, "info", None)
        if info is not None and info.delete_marker:
            # What S3 says of a delete marker that answers for the key or was named.
            response.headers["x-amz-delete-marker"] = "true"
            response.headers["x-amz-version-id"] = info.version_id
            if exc.status == 405:
                response.headers["Last-Modified"] = formatdate(int(info.last_modified),
                                                               usegmt=True)
                response.headers["Allow"] = "DELETE"     # all a delete marker can take
        if exc.status == 304 and info is not None:
            # A 304 carries the validators a 200 would have (RFC 9110), so a cache can
            # refresh what it holds.
            response.headers["ETag"] = info.etag
            response.headers["Last-Modified"] = formatdate(int(info.last_modified), usegmt=True)
        return response


def _needs_document(model: ServiceModel) -> frozenset[str]:
    """The operations whose body is an XML document the model requires (DeleteObjects, the
    tagging, CORS, website, notification and encryption Puts…): S3 answers an empty body
    with MissingRequestBodyError before it parses anything. Where the document is optional
    (CompleteMultipartUpload, PutBucketLifecycleConfiguration) the operation judges."""
    names = set()
    for name in model.operation_names:
        shape = model.operation_model(name).input_shape
        payload = shape.serialization.get("payload") if shape is not None else None
        if payload and shape.members[payload].type_name == "structure" and \
                payload in shape.required_members:
            names.add(name)
    return frozenset(names)


def _declares_length(routed: WireRequest) -> bool:
    """An aws-chunked body that names its decoded length up front."""
    length = routed.header("x-amz-decoded-content-length") or ""
    return length.isdigit() and chunked.is_aws_chunked(routed)


def _streaming_call(call: S3Call, routed: WireRequest) -> S3Call:
    length = routed.header("x-amz-decoded-content-length") or routed.header("content-length")
    declared = int(length) if length and length.isdigit() else None
    if not chunked.is_aws_chunked(routed):
        return dataclasses.replace(call, content_length=declared)
    decoded = routed.header("x-amz-decoded-content-length")
    if decoded is not None and not decoded.isdigit():
        # The only length an aws-chunked body declares: one that is no number checks nothing.
        raise invalid_argument("Provided x-amz-decoded-content-length not an integer or "
                               "within integer range", "x-amz-decoded-content-length", decoded)
    return dataclasses.replace(call, content_length=declared, trailers=chunked.Trailers(),
                               trailer_name=(routed.header("x-amz-trailer") or "").lower() or None)


def routed_body(call: S3Call, receive: Callable, routed: WireRequest) -> AsyncIterator[bytes]:
    """The object body: aws-chunked framing removed, trailers left in `call.trailers`."""
    if call.trailers is None:
        return _body(receive)
    return chunked.decode(_body(receive), call.trailers)


class _Receiver:
    """The ASGI receive callable, noting when the request body has been read to its end."""

    def __init__(self, receive: Callable) -> None:
        self._receive = receive
        self.done = False

    async def __call__(self) -> dict:
        message = await self._receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            self.done = True
        return message


def _has_body(request: WireRequest) -> bool:
    return (request.header("content-length") or "0") != "0" or \
        request.header("transfer-encoding") is not None


async def _body(receive: Callable) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise IncompleteBody(chunked.TRUNCATED)
        if message.get("body"):
            yield message["body"]
        if not message.get("more_body"):
            return


async def _send(send: Callable, response: WireResponse, stream: AsyncIterator[bytes] | None,
                request_id: str, head: bool) -> None:
    headers = {k.lower(): v for k, v in response.headers.items()}
    headers["x-amz-request-id"] = request_id
    headers["x-amz-id-2"] = request_id
    headers["server"] = "AmazonS3"                       # on every S3 answer, errors too
    if stream is None and not head:
        headers["content-length"] = str(len(response.body))
    elif "content-length" not in headers:
        headers["content-length"] = "0"
    raw = [(k.encode("latin-1"), _latin1(v)) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": response.status, "headers": raw})
    if stream is None or head:
        if stream is not None:
            await stream.aclose()                        # type: ignore[attr-defined]
        await send({"type": "http.response.body", "body": b"" if head else response.body})
        return
    try:
        async for piece in stream:
            await send({"type": "http.response.body", "body": piece, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        await stream.aclose()                            # type: ignore[attr-defined]


def _latin1(value: str) -> bytes:
    # Header values are latin-1 on the wire; user metadata outside it is sent as UTF-8 bytes,
    # which is what S3 does with the bytes it was given.
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _caller(scope: dict, request_id: str) -> Caller:
    client = scope.get("client") or ("127.0.0.1", 0)
    return Caller(request_id=request_id, source_ip=client[0])


def _endpoint(scope: dict, request: WireRequest) -> str:
    return f"{scope.get('scheme', 'http')}://{request.header('host') or 'localhost'}"


def _source_bucket(params: dict[str, Any]) -> str | None:
    """The bucket x-amz-copy-source names (`bucket/key`, maybe with a leading slash)."""
    source = params.get("CopySource")
    return unquote(source.lstrip("/").split("/", 1)[0]) if isinstance(source, str) else None


def _path_bucket(raw_path: str) -> str | None:
    name = unquote(raw_path.lstrip("/").split("/", 1)[0])
    return name or None


def _resource_type(routed: WireRequest) -> str:
    parts = routed.raw_path.strip("/").split("/", 1)
    return "OBJECT" if len(parts) == 2 and parts[1] else "BUCKET" if parts[0] else "SERVICE"

