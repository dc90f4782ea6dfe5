"""Key encoding: byte order equals DynamoDB's order for S, N and B; no encoding is a
prefix of another; key-condition ranges select exactly the matching sort keys."""
from __future__ import annotations

import random
from decimal import Decimal

import pytest

from fogbank.tables import keys

NUMBERS = ["-9.9999999999999999999999999999999999999E+125", "-1E+10", "-100", "-10.5", "-10",
           "-1", "-0.5", "-0.05", "-1E-130", "0", "1E-130", "0.05", "0.5", "1", "1.5", "2",
           "9.99", "10", "10.01", "99", "100", "12345678901234567890123456789012345678",
           "9.9999999999999999999999999999999999999E+125"]


def test_numbers_sort_by_exact_decimal_value():
    shuffled = NUMBERS[:]
    random.Random(7).shuffle(shuffled)
    ordered = sorted(shuffled, key=lambda n: keys.encode_value({"N": n}))
    assert [Decimal(n) for n in ordered] == sorted(Decimal(n) for n in NUMBERS)


def test_equal_numbers_written_differently_encode_the_same():
    assert keys.encode_value({"N": "1.50"}) == keys.encode_value({"N": "1.5"})
    assert keys.encode_value({"N": "1e2"}) == keys.encode_value({"N": "100"})
    assert keys.encode_value({"N": "-0"}) == keys.encode_value({"N": "0"})


@pytest.mark.parametrize("kind,values", [
    ("S", ["", "a", "a\x00", "a\x00b", "ab", "b", "z", "é", "\U0001F600"]),
    ("B", [b"", b"\x00", b"\x00\x00", b"\x00\x01", b"\x01", b"\x7f", b"\xff", b"\xff\x00"]),
])
def test_strings_and_binaries_sort_by_unsigned_bytes(kind, values):
    encode = (lambda v: v.encode()) if kind == "S" else bytes
    shuffled = values[:]
    random.Random(3).shuffle(shuffled)
    ordered = sorted(shuffled, key=lambda v: keys.encode_value({kind: v}))
    assert ordered == sorted(values, key=encode)


@pytest.mark.parametrize("value", [{"S": "a"}, {"S": "a\x00"}, {"N": "1"}, {"N": "-1"},
                                   {"N": "0"}, {"B": b"\x00"}])
def test_no_encoding_is_a_prefix_of_another_value_of_its_type(value):
    kind = next(iter(value))
    others = {"S": [{"S": "a\x00b"}, {"S": "ab"}], "N": [{"N": "10"}, {"N": "-10"}, {"N": "0.1"}],
              "B": [{"B": b"\x00\x00"}, {"B": b"\x00\x01"}]}[kind]
    mine = keys.encode_value(value)
    for other in others:
        theirs = keys.encode_value(other)
        assert not theirs.startswith(mine) or theirs == mine


def _selected(op, values, candidates):
    partition = b"P"
    start, end = keys.sort_range(partition, op, tuple({"N": v} for v in values))
    return [c for c in candidates if start <= partition + keys.encode_value({"N": c}) < end]


@pytest.mark.parametrize("op,values,expected", [
    ("=", ["2"], ["2"]), ("<", ["2"], ["-1", "1"]), ("<=", ["2"], ["-1", "1", "2"]),
    (">", ["2"], ["2.5", "10"]), (">=", ["2"], ["2", "2.5", "10"]),
    ("BETWEEN", ["1", "2.5"], ["1", "2", "2.5"]), (None, [], ["-1", "1", "2", "2.5", "10"]),
])
def test_sort_ranges_select_the_matching_numbers(op, values, expected):
    assert _selected(op, values, ["-1", "1", "2", "2.5", "10"]) == expected


def test_begins_with_range_selects_strings_with_the_prefix():
    partition = b"P"
    start, end = keys.sort_range(partition, "begins_with", ({"S": "ab"},))
    candidates = ["a", "ab", "ab\x00", "abc", "abz", "ac", "b"]
    assert [c for c in candidates
            if start <= partition + keys.encode_value({"S": c}) < end] == ["ab", "ab\x00", "abc", "abz"]


def test_segments_cover_the_hash_space_without_overlap():
    space = b"I\x00\x00\x00\x01"
    ranges = [keys.segment_range(space, i, 3) for i in range(3)]
    assert ranges[0][0] == space + b"\x00\x00\x00\x00"
    assert all(ranges[i][1] == ranges[i + 1][0] for i in range(2))
    assert ranges[2][1] > space + b"\xff\xff\xff\xff\xff"
