"""Result and event JSON, as awslambdaric writes and reads it."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from fogbank.runtime import faults
from fogbank.runtime.marshalling import ResultEncoder, ascii_only, load_event


def test_decimals_are_written_as_spelled_wherever_they_sit():
    encoder = ResultEncoder(ascii_only=True)
    body = encoder.encode({"items": [Decimal("0.10"), Decimal("-2.5E+3")], "inf": Decimal("Infinity")})
    assert body == b'{"items": [0.10, -2.5E+3], "inf": Infinity}'
    assert json.loads(body)["items"] == [0.1, -2500]


def test_text_beside_a_decimal_is_left_alone():
    encoder = ResultEncoder(ascii_only=True)
    tricky = "\x00deadbeef:1"
    assert json.loads(encoder.encode([tricky, Decimal("2")])) == [tricky, 2]
    assert json.loads(encoder.encode([tricky])) == [tricky]


def test_a_result_that_cannot_be_serialised_is_a_marshal_error():
    with pytest.raises(faults.Fault) as err:
        ResultEncoder(ascii_only=False).encode({"when": object()})
    assert err.value.error_type == "Runtime.MarshalError"
    assert err.value.message == ("Unable to marshal response: Object of type object "
                                 "is not JSON serializable")


@pytest.mark.parametrize("env, escaped", [
    ("AWS_Lambda_python3.9", True), ("AWS_Lambda_python3.11", True),
    ("AWS_Lambda_python3.12", False), ("AWS_Lambda_python3.13", False), ("", True)])
def test_which_runtimes_escape_non_ascii(env, escaped):
    assert ascii_only(env) is escaped


def test_an_event_that_is_not_json_is_an_unmarshal_error():
    assert load_event(b"") == {}
    with pytest.raises(faults.Fault) as err:
        load_event(b"{nope")
    assert err.value.error_type == "Runtime.UnmarshalError"
    assert err.value.message == ("Unable to unmarshal input: Expecting property name enclosed "
                                 "in double quotes: line 1 column 2 (char 1)")
