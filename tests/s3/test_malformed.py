"""Malformed requests to every S3 operation Fogbank serves, sent as plain HTTP with real
SigV4 headers: bodies that are not XML or not the operation's document, numbers out of any
range, bad ranges, lengths that lie, bytes that are not UTF-8, repeated query parameters.

Whatever S3 makes of such a request, it never answers it with a server error: each answer
here is below 500, and a 4xx carries an S3 error code in an XML body.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import socket
import uuid
from typing import Any, Iterator
from urllib.parse import quote, urlsplit

import httpx
import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel, Shape
from hypothesis import HealthCheck, given, settings, strategies as st

from fogbank.aws.s3.buckets import BucketOperations
from fogbank.aws.s3.multipart import MultipartOperations
from fogbank.aws.s3.objects import ObjectOperations

MODEL = ServiceModel(Loader().load_service_model("s3", "service-2"), "s3")
SERVED = sorted(set(MODEL.operation_names) & {
    *BucketOperations(None).operations, *ObjectOperations(None).operations,  # type: ignore
    *MultipartOperations(None).operations})                                # type: ignore
CREDENTIALS = Credentials("test", "test")
_LABEL = re.compile(r"\{(\w+)\+?\}")
# Values no number, date, flag or enumeration of S3's can be.
BAD_SCALARS = ["-1", "99999999999999999999", "abc", "", "1.5", "0x10", "+7", "\u00e9"]


class Target:
    """A bucket holding an object "src" and an open multipart upload of "k"."""

    def __init__(self, url: str, bucket: str, upload_id: str) -> None:
        self.url, self.bucket, self.upload_id = url, bucket, upload_id


@pytest.fixture
def target(endpoint, s3, bucket) -> Target:
    s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789")
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    return Target(endpoint.url, bucket, upload_id)


def signed(method: str, url: str, headers: dict[str, str] | list[tuple[str, str]] = (),
           body: bytes = b"") -> tuple[str, list[tuple[str, str]]]:
    """The headers of `url` signed with SigV4 as an SDK signs them (unsigned payload)."""
    pairs = list(headers.items()) if isinstance(headers, dict) else list(headers)
    request = AWSRequest(method=method, url=url, headers={}, data=body)
    request.headers["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"
    S3SigV4Auth(CREDENTIALS, "s3", "us-east-1").add_auth(request)
    auth = [(k, v) for k, v in request.headers.items()
            if k.lower() in ("authorization", "x-amz-date", "x-amz-content-sha256")]
    return url, auth + pairs


def send(method: str, url: str, headers: Any = (), body: bytes = b"") -> httpx.Response:
    url, all_headers = signed(method, url, headers, body)
    # As an SDK sends it: DeleteObjects is refused without an integrity header.
    all_headers.append(("Content-MD5", base64.b64encode(hashlib.md5(body).digest()).decode()))
    # Values go as the bytes they hold (latin-1): bytes that are not UTF-8 stay as sent.
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in all_headers]
    return httpx.request(method, url, headers=raw, content=body, timeout=30)


def assert_s3_answer(response: httpx.Response, *, client_error: bool = False) -> None:
    """Below 500; a 4xx (required with `client_error`) is S3's XML error with a code."""
    request = response.request
    where = f"{request.method} {request.url}"
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
    if client_error:
        assert 400 <= response.status_code < 500, f"{where}: {response.status_code}"
    if response.status_code >= 400 and request.method != "HEAD":
        assert re.search(r"<Code>\w+</Code>", response.text), f"{where}: {response.text[:300]}"


# ---------------------------------------------------------------------- requests per operation

def request_of(name: str, target: Target, key: str = "k") -> tuple[str, str, dict[str, str]]:
    """(method, url, headers): a well-formed request for the operation, bodies aside."""
    operation = MODEL.operation_model(name)
    path, _, marker = operation.http["requestUri"].partition("?")
    labels = {"Bucket": target.bucket, "Key": quote(key, safe="/")}
    path = _LABEL.sub(lambda m: labels[m[1]], path)
    query = [marker] if marker else []
    headers: dict[str, str] = {}
    shape = operation.input_shape
    for member_name in shape.required_members if shape is not None else ():
        member = shape.members[member_name]
        wire = member.serialization.get("name", member_name)
        location = member.serialization.get("location")
        value = _required_value(member_name, target)
        if location == "querystring":
            query.append(f"{wire}={quote(value)}")
        elif location == "header":
            headers[wire] = value
    url = f"{target.url}{path}" + (f"?{'&'.join(query)}" if query else "")
    return operation.http["method"], url, headers


def _required_value(member: str, target: Target) -> str:
    return {"UploadId": target.upload_id, "PartNumber": "1",
            "CopySource": f"{target.bucket}/src", "ObjectAttributes": "ETag"}.get(member, "x")


def xml_payload(operation: OperationModel) -> Shape | None:
    shape = operation.input_shape
    payload = shape.serialization.get("payload") if shape is not None else None
    if payload is None:
        return None
    member = shape.members[payload]
    return member if member.type_name == "structure" else None


def document_root(operation: OperationModel) -> str:
    shape = operation.input_shape
    payload = shape.serialization["payload"]
    return shape.members[payload].serialization.get("name", payload)


XML_OPERATIONS = [n for n in SERVED if xml_payload(MODEL.operation_model(n)) is not None]


def scalar_members(operation: OperationModel, location: str) -> Iterator[tuple[str, Shape]]:
    """(wire name, shape) of the operation's header or query members that are not strings."""
    shape = operation.input_shape
    for name, member in (shape.members.items() if shape is not None else ()):
        if member.serialization.get("location") == location and (
                member.type_name != "string" or member.enum):
            yield member.serialization.get("name", name), member


# ---------------------------------------------------------------------- bodies

@pytest.mark.parametrize("name", XML_OPERATIONS)
@pytest.mark.parametrize("body", [b"not xml at all", b"<Wrong><Root/></Wrong>",
                                  b"<?xml version='1.0'?><Open>", b"\xff\xfe<x/>",
                                  b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"])
def test_a_body_that_is_not_the_operations_document(target, name, body):
    method, url, headers = request_of(name, target)
    assert_s3_answer(send(method, url, headers, body), client_error=True)


def _document(shape: Shape, depth: int = 0) -> st.SearchStrategy[str]:
    """XML for a shape, its scalars drawn from values good and bad."""
    if shape.type_name == "structure":
        members = list(shape.members.items())[:12]
        parts = [st.one_of(st.just(""), _element(m.serialization.get("name", n), m, depth))
                 for n, m in members if m.serialization.get("location") is None]
        return st.tuples(*parts).map("".join) if parts else st.just("")
    if shape.type_name == "list":
        item = shape.member.serialization.get("name", "member")
        return st.lists(_element(item, shape.member, depth), max_size=2).map("".join)
    texts = st.one_of(st.sampled_from(BAD_SCALARS + ["1", "true", "2030-01-01T00:00:00Z"]),
                      st.text(max_size=8))
    return texts.map(lambda t: t.replace("&", "&amp;").replace("<", "&lt;"))


def _element(name: str, shape: Shape, depth: int) -> st.SearchStrategy[str]:
    if depth > 3 and shape.type_name in ("structure", "list"):
        return st.just("")
    if shape.type_name == "list" and shape.serialization.get("flattened"):
        return _document(shape, depth + 1)
    return _document(shape, depth + 1).map(lambda inner: f"<{name}>{inner}</{name}>")


@pytest.mark.parametrize("name", XML_OPERATIONS)
def test_documents_with_members_of_the_wrong_type(target, name):
    operation = MODEL.operation_model(name)
    root = document_root(operation)
    method, url, headers = request_of(name, target)

    @settings(max_examples=15, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(_document(xml_payload(operation)))
    def check(inner: str) -> None:
        body = f'<{root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{inner}</{root}>'
        assert_s3_answer(send(method, url, headers, body.encode()))

    check()


# ---------------------------------------------------------------------- numbers and flags

def _bad_scalar_cases() -> Iterator[tuple[str, str, str]]:
    for name in SERVED:
        operation = MODEL.operation_model(name)
        for location in ("header", "querystring"):
            for wire, _ in scalar_members(operation, location):
                if wire != "Content-Length":         # HTTP's own: see the raw tests below
                    yield name, location, wire


@pytest.mark.parametrize("name, location, wire", list(_bad_scalar_cases()))
def test_numbers_dates_flags_and_enums_out_of_range(target, name, location, wire):
    method, url, headers = request_of(name, target)
    for value in BAD_SCALARS:
        if location == "header":
            response = send(method, url, {**headers, wire: value.encode().decode("latin-1")})
        else:
            joiner = "&" if "?" in url else "?"
            response = send(method, f"{url}{joiner}{wire}={quote(value)}", headers)
        assert_s3_answer(response)


@pytest.mark.parametrize("value", ["bytes=99999999999999999999-", "bytes=-0", "bytes=5-1",
                                   "bytes=a-b", "bytes=0-1,3-4", "bytes=-", "items=0-1",
                                   "bytes=-99999999999999999999", "bytes=10-", "bytes= 1-2"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_ranges_s3_cannot_serve(target, method, value):
    assert_s3_answer(send(method, f"{target.url}/{target.bucket}/src", {"Range": value}))


@pytest.mark.parametrize("value", ["bytes=99999999999999999999-99999999999999999999",
                                   "bytes=5-1", "bytes=-3", "bytes=0-", "nonsense"])
def test_copy_source_ranges_s3_cannot_serve(target, value):
    method, url, headers = request_of("UploadPartCopy", target)
    response = send(method, url, {**headers, "x-amz-copy-source-range": value})
    assert_s3_answer(response, client_error=True)


@pytest.mark.parametrize("query", ["partNumber=0", "partNumber=-5", "partNumber=10001",
                                   "partNumber=99999999999999999999", "partNumber=x",
                                   "max-keys=-1", "max-keys=99999999999999999999",
                                   "list-type=2&max-keys=abc", "list-type=3",
                                   "encoding-type=base64", "list-type=2&continuation-token="])
def test_query_values_out_of_range(target, query):
    for path in (f"/{target.bucket}", f"/{target.bucket}/src"):
        assert_s3_answer(send("GET", f"{target.url}{path}?{query}"))


# ---------------------------------------------------------------------- repeated parameters

WITH_QUERY = [n for n in SERVED if "?" in MODEL.operation_model(n).http["requestUri"]
              or any(m.serialization.get("location") == "querystring"
                     for m in MODEL.operation_model(n).input_shape.members.values())]


@pytest.mark.parametrize("name", WITH_QUERY)
def test_every_query_parameter_twice(target, name):
    method, url, headers = request_of(name, target)
    if "?" not in url:                     # its query members are all optional
        url += "?max-keys=1&prefix=a"
    base, query = url.split("?", 1)
    twice = "&".join(part for part in query.split("&") for _ in range(2))
    assert_s3_answer(send(method, f"{base}?{twice}", headers))
    changed = "&".join(f"{part}&{part.split('=')[0]}=other" for part in query.split("&"))
    assert_s3_answer(send(method, f"{base}?{changed}", headers))


@pytest.mark.parametrize("name", SERVED)
def test_every_header_twice(target, name):
    method, url, headers = request_of(name, target)
    doubled = [(k, v) for k, v in headers.items() for _ in range(2)]
    doubled += [("x-amz-tagging", "a=1"), ("x-amz-tagging", "a=2"),
                ("x-amz-meta-m", "1"), ("x-amz-meta-m", "2")]
    assert_s3_answer(send(method, url, doubled))


# ---------------------------------------------------------------------- bytes that are not UTF-8

@pytest.mark.parametrize("name", [n for n in SERVED if n != "ListBuckets"])
def test_keys_and_buckets_that_are_not_utf8(target, name):
    operation = MODEL.operation_model(name)
    method, url, headers = request_of(name, target, key="k")
    path = urlsplit(url).path
    for raw in ("%FF%FE", "a%C3", "%ED%A0%80", "%C0%AF"):
        bad = url.replace(path, path.replace("/k", f"/{raw}", 1)) \
            if "{Key+}" in operation.http["requestUri"] else \
            url.replace(f"/{target.bucket}", f"/{target.bucket}{raw}", 1)
        assert_s3_answer(send(method, bad, headers), client_error=True)


@pytest.mark.parametrize("method", ["GET", "PUT", "HEAD", "DELETE"])
def test_a_key_that_is_not_utf8_is_an_invalid_uri(target, method):
    response = send(method, f"{target.url}/{target.bucket}/a%FFb")
    assert response.status_code == 400
    if method != "HEAD":
        assert "<Code>InvalidURI</Code>" in response.text
        assert "<Message>Couldn't parse the specified URI.</Message>" in response.text


@pytest.mark.parametrize("header", ["x-amz-meta-name", "Content-Type",
                                    "x-amz-tagging", "x-amz-copy-source",
                                    "x-amz-website-redirect-location", "Content-Disposition"])
def test_header_values_that_are_not_utf8(target, header):
    value = b"\xff\xfe\xc3(".decode("latin-1")
    for name in ("PutObject", "CopyObject", "CreateMultipartUpload"):
        method, url, headers = request_of(name, target, key="bytes")
        assert_s3_answer(send(method, url, {**headers, header: value}, b"body"))


def test_a_copy_source_that_is_not_utf8_is_refused(target):
    method, url, headers = request_of("CopyObject", target)
    response = send(method, url, {**headers, "x-amz-copy-source": f"{target.bucket}/%FF%FE"})
    assert_s3_answer(response, client_error=True)


@pytest.mark.parametrize("name, body", [           # no body at all: test_request_documents
    ("DeleteObjects", b"<Delete><Object><VersionId>1</VersionId></Object></Delete>"),
    ("PutObjectTagging", b"<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>"),
    ("PutObjectTagging", b"<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>"),
])
def test_documents_missing_what_the_schema_requires(target, name, body):
    method, url, headers = request_of(name, target, key="src")
    response = send(method, url, headers, body)
    assert response.status_code == 400
    assert "<Code>MalformedXML</Code>" in response.text


@pytest.mark.parametrize("where, value, message", [
    ("part-number-marker", "99999999999999999999",
     "Provided part-number-marker not an integer or within integer range"),
    ("part-number-marker", "2147483648",
     "Provided part-number-marker not an integer or within integer range"),
    ("part-number-marker", "1_000",
     "Provided part-number-marker not an integer or within integer range"),
    ("part-number-marker", "-1",
     "Argument part-number-marker must be an integer between 0 and 2147483647"),
    ("max-parts", "99999999999999999999",
     "Provided max-parts not an integer or within integer range"),
    ("max-parts", "-3", "Argument max-parts must be an integer between 0 and 2147483647"),
])
def test_list_parts_numbers_out_of_range(target, where, value, message):
    method, url, headers = request_of("ListParts", target)
    response = send(method, f"{url}&{where}={value}", headers)
    assert response.status_code == 400
    assert "<Code>InvalidArgument</Code>" in response.text
    assert f"<Message>{message}</Message>" in response.text


# ---------------------------------------------------------------------- access and ACLs

OWNERSHIP = ('<OwnershipControls xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{}'
             '</OwnershipControls>')


@pytest.mark.parametrize("name, headers, code", [
    ("PutObject", {"x-amz-acl": "public-write"}, "InvalidArgument"),
    ("PutObject", {"x-amz-acl": ""}, "InvalidArgument"),
    ("PutObject", {"x-amz-grant-read": "nobody"}, "InvalidArgument"),
    ("PutObject", {"x-amz-grant-read": 'colour="blue"'}, "InvalidArgument"),
    ("PutObject", {"x-amz-acl": "public-read"}, "AccessControlListNotSupported"),
    ("PutObject", {"x-amz-acl": "private", "x-amz-grant-read": 'id="x"'}, "InvalidRequest"),
    ("CopyObject", {"x-amz-acl": "authenticated-read"}, "AccessControlListNotSupported"),
    ("CreateMultipartUpload", {"x-amz-grant-full-control": f'id="{"ab" * 32}"'},
     "AccessControlListNotSupported"),
    ("PutObjectAcl", {}, "MissingSecurityHeader"),
    ("PutObjectAcl", {"x-amz-acl": "public-read"}, "AccessControlListNotSupported"),
    ("PutBucketAcl", {}, "MissingSecurityHeader"),
    ("PutBucketAcl", {"x-amz-grant-write": f'uri="http://acs.amazonaws.com/groups/global/AllUsers"'},
     "AccessControlListNotSupported"),
])
def test_acls_s3_refuses(target, name, headers, code):
    method, url, base = request_of(name, target, key="src")
    if name == "CopyObject":
        url = url.replace("/src", "/copy")
    response = send(method, url, {**base, **headers})
    assert response.status_code == 400, response.text
    assert f"<Code>{code}</Code>" in response.text


def test_an_acl_document_without_its_owner(target):
    method, url, headers = request_of("PutBucketAcl", target)
    body = (b'<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            b'<AccessControlList/></AccessControlPolicy>')
    response = send(method, url, headers, body)
    assert response.status_code == 400
    assert "<Code>MalformedACLError</Code>" in response.text


def test_an_unknown_object_ownership_on_create_bucket(endpoint):
    url = f"{endpoint.url}/own-{uuid.uuid4().hex[:10]}"
    response = send("PUT", url, {"x-amz-object-ownership": "Everyone"})
    assert response.status_code == 400
    assert "<Code>InvalidArgument</Code>" in response.text
    assert "<Message>Invalid x-amz-object-ownership header: Everyone</Message>" in response.text


@pytest.mark.parametrize("rules", [
    "",
    "<Rule><ObjectOwnership>Everyone</ObjectOwnership></Rule>",
    "<Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule>"
    "<Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule>",
])
def test_ownership_controls_s3_cannot_read(target, rules):
    method, url, headers = request_of("PutBucketOwnershipControls", target)
    response = send(method, url, headers, OWNERSHIP.format(rules).encode())
    assert response.status_code == 400
    assert "<Code>MalformedXML</Code>" in response.text


def test_a_request_without_credentials_is_denied(target):
    response = httpx.get(f"{target.url}/{target.bucket}/src")
    assert response.status_code == 403
    assert "<Code>AccessDenied</Code><Message>Access Denied</Message>" in response.text


# ---------------------------------------------------------------------- lengths that lie

def raw_exchange(url: str, head: list[tuple[str, str]], body: bytes, method: str = "PUT"
                 ) -> bytes:
    """Send a request as given (no client fixing its length) and read what comes back."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in head]
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0


@pytest.mark.parametrize("name", ["PutObject", "UploadPart"])
@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "99999999999999999999", "", "1, 2"])
def test_content_length_that_is_no_length(target, name, length):
    method, url, headers = request_of(name, target)
    _, head = signed(method, url, headers)
    answer = raw_exchange(url, head + [("Content-Length", length)], b"x", method)
    assert 400 <= status_of(answer) < 500, answer[:300]


@pytest.mark.parametrize("name", ["PutObject", "UploadPart"])
def test_a_body_without_content_length_or_chunking_is_missing_its_length(target, s3, name):
    # What `curl -X PUT` without data sends: S3 wants the length said, even a length of 0.
    key = "unframed" if name == "PutObject" else "k"
    method, url, headers = request_of(name, target, key=key)
    _, head = signed(method, url, headers)
    answer = raw_exchange(url, head, b"", method)
    assert status_of(answer) == 411, answer[:300]
    assert b"<Code>MissingContentLength</Code>" in answer
    assert b"<Message>You must provide the Content-Length HTTP header.</Message>" in answer
    assert "Contents" not in s3.list_objects_v2(Bucket=target.bucket, Prefix="unframed")


@pytest.mark.parametrize("name", ["PutObject", "UploadPart"])
def test_a_body_shorter_than_its_length_is_not_kept(target, s3, name):
    key = "short" if name == "PutObject" else "k"
    method, url, headers = request_of(name, target, key=key)
    _, head = signed(method, url, headers)
    # The body ends (the client closes its side) five bytes short: nothing may be stored,
    # and an answer, if the closed connection still carries one, is S3's IncompleteBody.
    answer = raw_exchange(url, head + [("Content-Length", "10")], b"short", method)
    assert status_of(answer) == 0 or b"<Code>IncompleteBody</Code>" in answer, answer[:300]
    assert "Contents" not in s3.list_objects_v2(Bucket=target.bucket, Prefix="short")
    parts = s3.list_parts(Bucket=target.bucket, Key="k", UploadId=target.upload_id)
    assert "Parts" not in parts


def test_a_body_longer_than_its_length_keeps_the_declared_bytes(target, s3):
    method, url, headers = request_of("PutObject", target, key="long")
    _, head = signed(method, url, headers)
    answer = raw_exchange(url, head + [("Content-Length", "4")], b"longer than four", method)
    assert status_of(answer) < 500, answer[:300]
    if status_of(answer) == 200:
        assert s3.get_object(Bucket=target.bucket, Key="long")["Body"].read() == b"long"


@pytest.mark.parametrize("decoded", ["5", "-1", "abc", "99999999999999999999"])
def test_decoded_content_length_that_lies(target, decoded):
    chunked = b"a;chunk-signature=" + b"0" * 64 + b"\r\n0123456789\r\n0;chunk-signature=" + \
        b"0" * 64 + b"\r\n\r\n"
    method, url, headers = request_of("PutObject", target)
    response = send(method, url, {**headers, "Content-Encoding": "aws-chunked",
                                  "x-amz-decoded-content-length": decoded}, chunked)
    assert_s3_answer(response, client_error=True)


# ---------------------------------------------------------------------- the SDK's own calls

def test_every_operation_well_formed_still_answers(target):
    """The requests above differ from these only in what they spoil."""
    for name in SERVED:
        method, url, headers = request_of(name, target, key=f"fine-{uuid.uuid4().hex[:6]}")
        assert_s3_answer(send(method, url, headers))


def test_dates_nobody_can_read_are_ignored_in_conditions(target):
    stale = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).strftime(
        "%a, %d %b %Y %H:%M:%S GMT")
    for value in ("yesterday", "", "Mon, 99 Foo 2020 99:99:99 GMT", stale):
        response = send("GET", f"{target.url}/{target.bucket}/src",
                        {"If-Modified-Since": value})
        assert response.status_code in (200, 304)
