"""Byte keys whose order is DynamoDB's order, and where each kind of record lives.

Key attribute values (S, N, B) are encoded so that comparing the bytes compares the values
as DynamoDB does (S and B by unsigned bytes, N by exact decimal value), and no encoding is a
prefix of another, so a record key can concatenate several of them and still sort right.

Layout of the key space (`tid` is a table's 4-byte id, `ix` an index's 2-byte number):
  T<name>                          a table's definition
  I<tid><h><pk><sk>                an item; <h> is a 4-byte hash of <pk> that spreads
                                   partitions over the key space as DynamoDB's scan order
                                   does, and makes parallel-scan segments key ranges
  X<tid><ix><h><ipk><isk><pk><sk>  an index entry (sparse: only items with the index keys);
                                   a multi-attribute index key concatenates its values'
                                   encodings in key-schema order for <ipk> (hashed together)
                                   and for <isk>
  S<tid><seq>                      a stream record, seq a 8-byte big-endian counter
  C<token>                         a transaction's ClientRequestToken
  M<name>                          engine metadata (counters, stream trim horizons)
  B<backup id>                     an on-demand backup: its source table's definition
  K<backup id><h><pk><sk>          a backup's copy of an item, keyed as in I<tid>
"""
from __future__ import annotations

import struct
import zlib
from decimal import Decimal
from typing import Any, Mapping

from fogbank.tables.storage import prefix_end

TABLES = b"T"
ITEMS = b"I"
INDEX = b"X"
STREAM = b"S"
TOKENS = b"C"
META = b"M"
BACKUPS = b"B"
BACKUP_ITEMS = b"K"
# Per table: {stream label: last sequence number trimmed}, apart from the records so that
# scans of a table's stream space see records only.
STREAM_HORIZONS = META + b"stream-horizon/"

HASH_SPACE = 1 << 32


def encode_value(value: Mapping[str, Any]) -> bytes:
    """The order-preserving, self-delimiting encoding of one S, N or B value."""
    if "S" in value:
        return _escape(value["S"].encode()) + b"\x00\x01"
    if "N" in value:
        return encode_number(value["N"])
    return _escape(bytes(value["B"])) + b"\x00\x01"


def encode_prefix(value: Mapping[str, Any]) -> bytes:
    """Encoded bytes every S / B value that begins with `value` starts with (begins_with)."""
    raw = value["S"].encode() if "S" in value else bytes(value["B"])
    return _escape(raw)


def _escape(raw: bytes) -> bytes:
    # 0x00 0x01 ends a value; a 0x00 inside one becomes 0x00 0xFF so it sorts after the end.
    return raw.replace(b"\x00", b"\x00\xff") if b"\x00" in raw else raw


def encode_number(text: str) -> bytes:
    number = Decimal(text)
    if number.is_zero():
        return b"\x80"
    sign, digits, _ = number.as_tuple()
    mantissa = "".join(map(str, digits)).rstrip("0").encode()
    # value = 0.<mantissa> x 10^exponent; a larger exponent means a larger magnitude.
    exponent = number.adjusted() + 1 + 0x8000
    if not sign:
        return b"\x81" + struct.pack(">H", exponent) + mantissa + b"\x00"
    flipped = bytes(0xFF - b for b in mantissa)
    return b"\x7f" + struct.pack(">H", 0xFFFF - exponent) + flipped + b"\xff"


def partition_hash(encoded_pk: bytes) -> bytes:
    return struct.pack(">I", zlib.crc32(encoded_pk))


def table_id_bytes(tid: int) -> bytes:
    return struct.pack(">I", tid)


def index_id_bytes(number: int) -> bytes:
    return struct.pack(">H", number)


def partition_prefix(space: bytes, *pk: Mapping[str, Any]) -> bytes:
    """Where the records of one partition start, in a table's or an index's `space`; an
    index's partition key may be several values, hashed together."""
    encoded = b"".join(encode_value(value) for value in pk)
    return space + partition_hash(encoded) + encoded


def record_key(space: bytes, pk: Mapping[str, Any], sk: Mapping[str, Any] | None) -> bytes:
    key = partition_prefix(space, pk)
    return key + encode_value(sk) if sk is not None else key


def segment_range(space: bytes, segment: int, total: int) -> tuple[bytes, bytes]:
    """The key range of one parallel-scan segment: a slice of the partition-hash space."""
    low = segment * HASH_SPACE // total
    high = (segment + 1) * HASH_SPACE // total
    start = space + struct.pack(">I", low)
    end = space + struct.pack(">I", high) if high < HASH_SPACE else prefix_end(space)
    return start, end


def sort_range(partition: bytes, op: str | None, values: tuple) -> tuple[bytes, bytes]:
    """The key range of a key condition on the sort key within one partition."""
    whole_end = prefix_end(partition)
    if op is None:
        return partition, whole_end
    if op == "begins_with":
        start = partition + encode_prefix(values[0])
        return start, prefix_end(start)
    at = partition + encode_value(values[0])
    if op == "=":
        return at, prefix_end(at)
    if op == "<":
        return partition, at
    if op == "<=":
        return partition, prefix_end(at)
    if op == ">":
        return prefix_end(at), whole_end
    if op == ">=":
        return at, whole_end
    if op == "BETWEEN":
        return at, prefix_end(partition + encode_value(values[1]))
    raise ValueError(f"unknown key condition operator {op}")
