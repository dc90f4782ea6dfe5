"""The JSON 1.0 wire itself, over raw HTTP: error bodies, CRC32, gzip and deflate, unknown
operations."""
from __future__ import annotations

import gzip
import json
import socket
import zlib
from typing import Iterator

import httpx
import pytest

from fogbank.aws.protocols.response_compression import preferred_coding

SIGNED = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Date": "20260101T000000Z",
    "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/"
                     "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                     "Signature=" + "0" * 64,
}


def _post(endpoint: str, operation: str, body: bytes, **headers: str) -> httpx.Response:
    return httpx.post(endpoint + "/", content=body, timeout=30, headers={
        **SIGNED, "X-Amz-Target": f"DynamoDB_20120810.{operation}", **headers})


def test_success_carries_a_crc32_of_the_body(endpoint: str) -> None:
    r = _post(endpoint, "ListTables", b"{}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-amz-json-1.0")
    assert int(r.headers["x-amz-crc32"]) == zlib.crc32(r.content)
    assert "TableNames" in r.json()
    assert r.headers.get("x-amzn-requestid")
    assert r.headers.get_list("server") == ["Server"]      # as DynamoDB names itself


def test_error_body_has_type_and_message(endpoint: str) -> None:
    r = _post(endpoint, "DescribeTable", b'{"TableName": "no-such-table"}')
    assert r.status_code == 400
    body = r.json()
    assert body["__type"] == "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
    assert body["message"] == "Requested resource not found: Table: no-such-table not found"
    assert int(r.headers["x-amz-crc32"]) == zlib.crc32(r.content)
    assert r.headers.get_list("server") == ["Server"]


def test_unknown_operation(endpoint: str) -> None:
    for operation in ("MakeCoffee", "GetItem.again", "GetItem."):
        r = _post(endpoint, operation, b"{}")
        assert r.status_code == 400, operation
        assert r.json()["__type"] == "com.amazon.coral.service#UnknownOperationException"


def test_malformed_json(endpoint: str) -> None:
    r = _post(endpoint, "ListTables", b"{not json")
    assert r.status_code == 400
    assert r.json()["__type"] == "com.amazon.coral.service#SerializationException"


def _raw_answer(endpoint: str, operation: str, body: bytes,
                **headers: str) -> tuple[httpx.Response, bytes]:
    """The answer and its body as sent, not decoded."""
    with httpx.Client(timeout=30) as client, client.stream(
            "POST", endpoint + "/", content=body, headers={
                **SIGNED, "X-Amz-Target": f"DynamoDB_20120810.{operation}", **headers}) as r:
        return r, b"".join(r.iter_raw())


@pytest.mark.parametrize("coding, decompress", [("gzip", gzip.decompress),
                                                ("deflate", zlib.decompress)])
def test_a_large_answer_is_compressed_as_the_request_accepts(endpoint: str, ddb, table: str,
                                                             coding: str, decompress) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "big"}, "a": {"S": "x" * 2048},
                                        "b": {"S": "x" * 2048}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "small"}})
    get = lambda key: json.dumps({"TableName": table, "Key": {"pk": {"S": key}}}).encode()
    r, raw = _raw_answer(endpoint, "GetItem", get("big"), **{"Accept-Encoding": coding})
    assert r.headers["content-encoding"] == coding
    assert int(r.headers["x-amz-crc32"]) == zlib.crc32(raw)     # of the bytes sent
    assert json.loads(decompress(raw))["Item"]["a"] == {"S": "x" * 2048}
    # Under 4 KB, or not asked for, an answer goes as it is.
    r, raw = _raw_answer(endpoint, "GetItem", get("small"), **{"Accept-Encoding": coding})
    assert "content-encoding" not in r.headers and json.loads(raw)["Item"]
    r, raw = _raw_answer(endpoint, "GetItem", get("big"), **{"Accept-Encoding": "identity"})
    assert "content-encoding" not in r.headers and json.loads(raw)["Item"]


@pytest.mark.parametrize("header, coding", [
    ("gzip, deflate", "gzip"), ("br, identity, deflate, gzip", "deflate"),
    ("GZIP, identity", "gzip"), ("x-gzip", None), ('"gzip"', None), ("gzip br", None),
    ("gzip;q=0.8, deflate;q=0.5", "gzip"), ("gzip;q=0, deflate; q = 0.5", "deflate"),
    ("*", "gzip"), ("*, deflate", "deflate"), ("*, gzip;q=0.5", "deflate"), ("*;q=0", None),
    ("deflate;q=0.5, gzip;q=31", "gzip"), ("deflate;q=0.5, gzip;q=1;q=0.2", "gzip"),
    ("deflate;q=0.5,gzip;q=0.", "deflate"), ("deflate;q=0.5,gzip;q=0.x", "gzip"),
    ("deflate;q=-0.5,gzip;q=0.2", "gzip"), ("gzip;q= 0;q=1", None), ("gzip;q =0;q=1", "gzip"),
    ("gzip;nq=0;q=1", None), ("gzip;q=0, gzip;q=1", "gzip"), ("", None),
])
def test_accept_encoding_is_read_as_dynamodb_reads_it(header: str, coding: str | None) -> None:
    assert preferred_coding(header) == coding


@pytest.mark.parametrize("encoding, compress", [("gzip", gzip.compress),
                                                 ("deflate", zlib.compress)])
def test_compressed_request_body(endpoint: str, ddb, table: str, encoding: str,
                                 compress) -> None:
    body = json.dumps({"TableName": table, "Item": {"pk": {"S": encoding}}}).encode()
    r = _post(endpoint, "PutItem", compress(body), **{"Content-Encoding": encoding})
    assert r.status_code == 200, r.text
    assert ddb.get_item(TableName=table, Key={"pk": {"S": encoding}})["Item"] == {
        "pk": {"S": encoding}}


def test_gzip_request_of_several_members_and_a_trailing_tail(endpoint: str, ddb,
                                                               table: str) -> None:
    # gzip allows concatenated members; DynamoDB also ignores bytes after the last one.
    body = json.dumps({"TableName": table, "Item": {"pk": {"S": "two"}}}).encode()
    r = _post(endpoint, "PutItem", gzip.compress(body[:10]) + gzip.compress(body[10:]) + b"junk",
              **{"Content-Encoding": "gzip"})
    assert r.status_code == 200, r.text
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "two"}})["Item"] == {"pk": {"S": "two"}}


@pytest.mark.parametrize("encoding, body", [
    ("garbage", lambda b: b),                                # an encoding DynamoDB lacks
    ("gzip", lambda b: b),                                   # not gzip at all
    ("gzip", lambda b: gzip.compress(b)[:-1]),               # a truncated member
    ("gzip", lambda b: b""),
    ("deflate", lambda b: b),
    ("deflate", lambda b: b""),
    ("deflate", lambda b: zlib.compress(b[:10]) + zlib.compress(b[10:])),  # two streams
])
def test_undecodable_body_is_a_server_error(endpoint: str, ddb, table: str, encoding: str,
                                            body) -> None:
    # DynamoDB answers a body it cannot decode with a 500, and does nothing.
    plain = json.dumps({"TableName": table, "Item": {"pk": {"S": "bad"}}}).encode()
    r = _post(endpoint, "PutItem", body(plain), **{"Content-Encoding": encoding})
    assert r.status_code == 500, r.text
    assert r.json()["__type"].endswith("#InternalServerError")
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "bad"}})


def test_operation_without_output_has_an_empty_body(endpoint: str, ddb, table: str) -> None:
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    r = _post(endpoint, "TagResource", json.dumps(
        {"ResourceArn": arn, "Tags": [{"Key": "k", "Value": "v"}]}).encode())
    assert r.status_code == 200 and r.content == b""
    assert int(r.headers["x-amz-crc32"]) == zlib.crc32(b"")
    r = _post(endpoint, "UntagResource",
              json.dumps({"ResourceArn": arn, "TagKeys": ["k"]}).encode())
    assert r.status_code == 200 and r.content == b""


@pytest.mark.parametrize("body", [
    b'{"TableName": 5}',
    b'{"TableName": "t-x", "Key": "not a map"}',
    b'[]',
])
def test_wrong_shapes_are_client_errors(endpoint: str, body: bytes) -> None:
    r = _post(endpoint, "GetItem", body)
    assert 400 <= r.status_code < 500
    assert r.json()["__type"].rsplit("#", 1)[1] in ("SerializationException",
                                                    "ValidationException")


def test_missing_required_member(endpoint: str) -> None:
    r = _post(endpoint, "GetItem", b'{"TableName": "t-missing-key"}')
    assert r.status_code == 400
    assert r.json()["__type"].endswith("#ValidationException")
    assert r.json()["message"] == ("1 validation error detected: Value null at 'key' failed to "
                                   "satisfy constraint: Member must not be null")


LIMIT = 16 * 1024 * 1024


def _raw_exchange(endpoint: str, head: str, chunks: Iterator[bytes]) -> bytes:
    """Sends a request head and body chunks over one socket until the server stops taking
    them; the server's answer, as far as the first blank line."""
    host, port = endpoint.split("//", 1)[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        try:
            sock.sendall(head.encode("latin-1"))
            for chunk in chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass        # the server answered early and closed: its answer is still there
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
        return answer


def _head(extra: str) -> str:
    signed = "".join(f"{k}: {v}\r\n" for k, v in SIGNED.items())
    return (f"POST / HTTP/1.1\r\nHost: localhost\r\n{signed}"
            f"X-Amz-Target: DynamoDB_20120810.ListTables\r\n{extra}\r\n")


def test_body_over_16_mb_is_refused_by_its_declared_length(endpoint: str) -> None:
    size = LIMIT + 1
    chunks = (b" " * (1024 * 1024) for _ in range(size // (1024 * 1024) + 1))
    answer = _raw_exchange(endpoint, _head(f"Content-Length: {size}\r\n"), chunks)
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_chunked_body_is_refused_once_it_passes_16_mb(endpoint: str) -> None:
    def chunks() -> Iterator[bytes]:
        piece = b" " * (1024 * 1024)
        for _ in range(LIMIT // len(piece) + 2):
            yield b"%x\r\n%s\r\n" % (len(piece), piece)
        yield b"0\r\n\r\n"
    answer = _raw_exchange(endpoint, _head("Transfer-Encoding: chunked\r\n"), chunks())
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_body_of_exactly_16_mb_is_served(endpoint: str) -> None:
    body = b"{}" + b" " * (LIMIT - 2)
    r = _post(endpoint, "ListTables", body)
    assert r.status_code == 200
    assert "TableNames" in r.json()


def test_enum_values_are_listed_in_dynamodbs_order(ddb, table: str, aws_error) -> None:
    # Not the service model's order: DynamoDB prints these sets in an order of its own.
    with aws_error("ValidationException",
                   "1 validation error detected: Value 'SOME' at 'returnValues' failed to "
                   "satisfy constraint: Member must satisfy enum value set: "
                   "[ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "a"}}, ReturnValues="SOME")
    with aws_error("ValidationException",
                   "1 validation error detected: Value 'ALL' at 'select' failed to satisfy "
                   "constraint: Member must satisfy enum value set: "
                   "[SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"):
        ddb.scan(TableName=table, Select="ALL")
